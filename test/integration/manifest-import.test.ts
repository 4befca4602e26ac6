// Manifest import end to end: exceljs- and LibreOffice-made workbooks into a real on-disk PouchDB,
// with rollback on failure and abort so no half manifest is ever `open`.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import PouchDB from 'pouchdb';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ColumnMapping } from '@/lib/core/manifest-columns';
import {
  ImportError,
  importManifest,
  inspectUpload,
  pouchManifestWriter,
  prewarmParseWorker,
  previewManifest,
  stopParseWorkers,
  writeValidationReportXlsx,
} from '@/sync-server/import';
import type { ManifestWriter, PouchLike } from '@/sync-server/import';
import {
  EXPECTED_NUMBERS,
  MANIFEST_CSV,
  SCRIPT_TEXT,
  UNICODE_NAME,
  ZPL_TEXT,
  fixturePaths,
  makeExceljsManifest,
  makeSimpleManifest,
  manifestFods,
  sofficeToXlsx,
  writeOpenpyxlStyleWorkbook,
  writeRawWorkbook,
} from '../fixtures/xlsx/make-fixtures';

let dir: string;
let paths: ReturnType<typeof fixturePaths>;
let dbCount = 0;

interface Dbs {
  manifests: PouchLike & { close(): Promise<void> };
  waybills: PouchLike & { close(): Promise<void> };
}
const openDbs: Dbs[] = [];
function freshDbs(): Dbs {
  dbCount += 1;
  const dbs = {
    manifests: new PouchDB(join(dir, `db${dbCount}-manifests`)) as unknown as Dbs['manifests'],
    waybills: new PouchDB(join(dir, `db${dbCount}-waybills`)) as unknown as Dbs['waybills'],
  };
  openDbs.push(dbs);
  return dbs;
}
async function allWaybills(dbs: Dbs) {
  const res = (await dbs.waybills.allDocs({ include_docs: true })) as unknown as {
    rows: { doc: Record<string, unknown> }[];
  };
  return res.rows.map((r) => r.doc);
}
const meta = (id: string) => ({
  id,
  name: 'Lagos hub 1 May',
  createdAt: '2026-05-01T08:00:00.000Z',
  createdBy: 'ada',
  sourceFile: 'manifest.xlsx',
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dockhand-import-'));
  paths = fixturePaths(dir);
  await writeFile(paths.fods, manifestFods());
  await writeFile(paths.csv, MANIFEST_CSV);
  // Two soffice runs with their own profiles, in parallel (start-up is most of the ~3 s each).
  await Promise.all([
    makeExceljsManifest(paths.exceljs),
    sofficeToXlsx([paths.fods], dir, join(dir, 'lo-profile-1')),
    sofficeToXlsx([paths.csv], dir, join(dir, 'lo-profile-2'), 'CSV:44,34,76,1,1/2/2/2/3/2'),
  ]);
});

afterAll(async () => {
  for (const dbs of openDbs) await Promise.all([dbs.manifests.close(), dbs.waybills.close()]);
  await rm(dir, { recursive: true, force: true });
});

describe.each([
  ['exceljs', () => paths.exceljs],
  ['LibreOffice', () => paths.loXlsx],
])('a %s manifest', (_maker, pathOf) => {
  it('previews: sheets, title row skipped, merged two-row header, suggested mapping', async () => {
    const preview = await previewManifest(pathOf());
    expect(preview.sheets.map((s) => s.name)).toEqual(['Manifest', 'Notes']);
    expect(preview.sheet).toBe('Manifest');
    expect(preview.header).toMatchObject({ rowNumber: 3, dataStartRow: 5 });
    expect(preview.header?.headers.slice(0, 7)).toEqual([
      'AWB No.',
      'Consignee Name',
      'Consignee Phone / Mobile',
      'Address',
      'Weight (kg)',
      'Ship date',
      'Note',
    ]);
    expect(preview.suggestion?.mapping).toEqual({
      waybill: 1,
      consignee: 2,
      phone: 3,
      address: 4,
      weight: 5,
      extra: [6, 7],
    });
    expect(preview.fingerprint).toMatch(/^hdr1-/);
    const row5 = preview.rows.find((r) => r.rowNumber === 5);
    expect(row5?.cells[0]).toBe('000001234');
  });

  it('imports into PouchDB: values as the person sees them, bad rows reported', async () => {
    const dbs = freshDbs();
    const preview = await previewManifest(pathOf());
    const progress: number[] = [];
    const { manifest, report } = await importManifest({
      path: pathOf(),
      mapping: preview.suggestion?.mapping as ColumnMapping,
      manifest: meta('m-ok'),
      writer: pouchManifestWriter(dbs),
      batchSize: 2,
      onProgress: (p) => progress.push(p.waybillsWritten),
    });
    expect(manifest).toMatchObject({ id: 'm-ok', status: 'open', rowCount: 4 });
    const stored = await dbs.manifests.get('m-ok');
    expect(stored).toMatchObject({
      status: 'open',
      rowCount: 4,
      columns: expect.arrayContaining(['AWB No.', 'Ship date']),
    });
    const docs = await allWaybills(dbs);
    expect(docs.map((d) => d.number).sort()).toEqual([...EXPECTED_NUMBERS].sort());
    const byNumber = Object.fromEntries(docs.map((d) => [d.number, d]));
    expect(byNumber['000001234']).toMatchObject({
      _id: 'm-ok:000001234',
      manifestId: 'm-ok',
      consignee: UNICODE_NAME,
      phone: '+44 7700 900123',
      address: '1 High St',
      weight: 2.5,
      extra: { 'Ship date': '2024-03-01', Note: SCRIPT_TEXT },
    });
    expect(byNumber.JD0001).toMatchObject({
      phone: '2348012345678',
      address: '2 Low Rd',
      weight: 2,
      extra: { 'Ship date': '2024-03-01', Note: ZPL_TEXT },
    });
    expect(byNumber.JD0002).toMatchObject({ consignee: 'Cy' });
    expect(byNumber['OK-3']).not.toHaveProperty('weight');
    expect(docs.some((d) => d.number === 'ZZZ999')).toBe(false); // second sheet never read
    expect(report).toMatchObject({
      sheet: 'Manifest',
      headerRow: 4,
      valid: 4,
      imported: 4,
      skipped: 4,
      hasErrors: true,
    });
    expect(report.counts).toEqual({
      'duplicate-waybill': 1,
      'empty-waybill': 1,
      'precision-lost': 1,
      'malformed-waybill': 1,
      'bad-weight': 1,
    });
    expect(report.issues.find((i) => i.code === 'duplicate-waybill')).toMatchObject({
      row: 9,
      firstRow: 5,
    });
    expect(report.issues.map((i) => i.row)).toEqual([9, 10, 11, 12, 13]);
    expect(progress.at(-1)).toBe(4);
  });
});

describe('choosing the sheet and the parser', () => {
  it('imports only the chosen second sheet', async () => {
    const dbs = freshDbs();
    const { report } = await importManifest({
      path: paths.exceljs,
      sheet: 'Notes',
      mapping: { waybill: 1, consignee: 2, extra: [] },
      manifest: meta('m-notes'),
      writer: pouchManifestWriter(dbs),
    });
    expect(report).toMatchObject({ sheet: 'Notes', imported: 1 });
    expect((await allWaybills(dbs)).map((d) => d.number)).toEqual(['ZZZ999']);
  });

  it('reads a workbook laid out as openpyxl and pandas write it (absolute part paths)', async () => {
    const path = join(dir, 'openpyxl.xlsx');
    await writeOpenpyxlStyleWorkbook(path, 'Dispatch 1 May', [
      ['AWB #', 'Consignee'],
      ['0012345', 'Ada'],
      ['0012346', 'Bola'],
    ]);
    const preview = await previewManifest(path);
    expect(preview.sheets.map((s) => s.name)).toEqual(['Dispatch 1 May']);
    const dbs = freshDbs();
    const { report } = await importManifest({
      path,
      mapping: preview.suggestion?.mapping as ColumnMapping,
      manifest: meta('m-openpyxl'),
      writer: pouchManifestWriter(dbs),
    });
    expect(report).toMatchObject({ sheet: 'Dispatch 1 May', imported: 2 });
    expect((await allWaybills(dbs)).map((d) => [d.number, d.consignee])).toEqual([
      ['0012345', 'Ada'],
      ['0012346', 'Bola'],
    ]);
  });

  it('formula results of 0 and "" count, and error cells are no waybill numbers', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Manifest');
    ws.addRow(['AWB', 'Weight', 'Note']);
    ws.addRow(['A1', { formula: 'B3*0', result: 0 }, { formula: 'IF(1=1,"","x")', result: '' }]);
    ws.addRow(['A2', 2, 'second']);
    ws.addRow([{ error: '#N/A' }, 3, 'pasted lookup']);
    ws.addRow([{ formula: 'NA()', result: { error: '#N/A' } }, 4, 'lookup']);
    const path = join(dir, 'formulas.xlsx');
    await wb.xlsx.writeFile(path);
    const dbs = freshDbs();
    const { report } = await importManifest({
      path,
      mapping: { waybill: 1, weight: 2, extra: [3] },
      manifest: meta('m-formulas'),
      writer: pouchManifestWriter(dbs),
    });
    const docs = await allWaybills(dbs);
    expect(docs.map((d) => [d.number, d.weight, d.extra])).toEqual([
      ['A1', 0, undefined],
      ['A2', 2, { Note: 'second' }],
    ]);
    expect(report.issues.map((i) => [i.row, i.code, i.value])).toEqual([
      [4, 'waybill-not-a-value', '#N/A'],
      [5, 'waybill-not-a-value', undefined],
    ]);
  });

  it('keeps Japanese names, not their phonetic readings, and every run of an inline rich string', async () => {
    // Japanese Excel stores the reading typed through the IME beside the name (<rPh>); the name
    // is the text. Inline strings may be split into runs (<r>) that make one text.
    const path = join(dir, 'phonetic.xlsx');
    await writeRawWorkbook(path, {
      sheetName: '出荷',
      sharedStrings: [
        '<t>AWB</t>',
        '<t>Consignee</t>',
        '<t>山田太郎</t><rPh sb="0" eb="2"><t>ヤマダ</t></rPh><rPh sb="2" eb="4"><t>タロウ</t></rPh><phoneticPr fontId="1"/>',
        '<r><t>佐藤</t></r><r><t>花子</t></r><rPh sb="0" eb="2"><t>サトウ</t></rPh>',
      ],
      sheetData:
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>' +
        '<row r="2"><c r="A2" t="inlineStr"><is><r><t>JD</t></r><r><t>0001</t></r></is></c><c r="B2" t="s"><v>2</v></c></row>' +
        '<row r="3"><c r="A3" t="inlineStr"><is><t>JD0002</t></is></c><c r="B3" t="s"><v>3</v></c></row>',
    });
    const dbs = freshDbs();
    await importManifest({
      path,
      mapping: { waybill: 1, consignee: 2, extra: [] },
      manifest: meta('m-phonetic'),
      writer: pouchManifestWriter(dbs),
    });
    expect((await allWaybills(dbs)).map((d) => [d.number, d.consignee])).toEqual([
      ['JD0001', '山田太郎'],
      ['JD0002', '佐藤花子'],
    ]);
  });

  it('reads rows and cells without their optional r attribute, decodes text once, keeps the time of format 22', async () => {
    const path = join(dir, 'no-refs.xlsx');
    await writeRawWorkbook(path, {
      sheetName: 'Sheet1',
      sharedStrings: ['<t>AWB</t>', '<t>Note</t>', '<t>Collected</t>'],
      // Style 1 is Excel's built-in date-time format 22 ("m/d/yy h:mm").
      styleNumFmtIds: [22],
      sheetData:
        '<row><c t="s"><v>0</v></c><c t="s"><v>1</v></c><c t="s"><v>2</v></c></row>' +
        '<row><c t="inlineStr"><is><t>JD0001</t></is></c><c t="inlineStr"><is><t>&amp;lt;b&amp;gt; is text</t></is></c><c s="1"><v>45413.5</v></c></row>' +
        '<row r="5"><c r="A5" t="inlineStr"><is><t>JD0002</t></is></c><c t="inlineStr"><is><t>A &amp; B</t></is></c></row>',
    });
    const dbs = freshDbs();
    const { report } = await importManifest({
      path,
      mapping: { waybill: 1, extra: [2, 3] },
      manifest: meta('m-no-refs'),
      writer: pouchManifestWriter(dbs),
    });
    expect(report.issues).toEqual([]);
    expect((await allWaybills(dbs)).map((d) => [d.number, d.extra])).toEqual([
      ['JD0001', { Note: '&lt;b&gt; is text', Collected: '2024-05-01 12:00:00' }],
      ['JD0002', { Note: 'A & B' }],
    ]);
  });

  it('an unknown sheet is refused', async () => {
    const err = await importManifest({
      path: paths.exceljs,
      sheet: 'Nope',
      mapping: { waybill: 1, extra: [] },
      manifest: meta('m-nope'),
      writer: pouchManifestWriter(freshDbs()),
    }).catch((e: unknown) => e);
    expect((err as ImportError).code).toBe('IMPORT_ERR_UNKNOWN_SHEET');
  });

  it.each([
    ['LibreOffice', () => paths.loXlsx],
    ['exceljs', () => paths.exceljs],
  ])('the worker-thread parser gives the same waybills and report (%s file)', async (_, pathOf) => {
    const preview = await previewManifest(pathOf());
    const run = async (parser: 'inline' | 'worker') => {
      const dbs = freshDbs();
      const { report } = await importManifest({
        path: pathOf(),
        parser,
        mapping: preview.suggestion?.mapping as ColumnMapping,
        manifest: meta('m-parser'),
        writer: pouchManifestWriter(dbs),
      });
      const docs = (await allWaybills(dbs)).map(({ _rev: _r, ...doc }) => doc);
      return { report, docs };
    };
    const inline = await run('inline');
    expect(inline.docs.length).toBeGreaterThan(3);
    expect(await run('worker')).toEqual(inline);
    // A worker started ahead (as the server does after an upload) gives the same; so does the
    // next import right after, before a new spare has been started.
    expect(await prewarmParseWorker()).toBe(true);
    try {
      expect(await run('worker')).toEqual(inline);
      expect(await run('worker')).toEqual(inline);
    } finally {
      await stopParseWorkers();
    }
  });

  it('a parse worker that dies says to try again, not that the file is damaged, and keeps nothing', async () => {
    // The worker is stopped as its job is handed to it, as if the thread had crashed.
    const post = Worker.prototype.postMessage;
    const spy = vi.spyOn(Worker.prototype, 'postMessage').mockImplementation(function (
      this: Worker,
      message: unknown,
      transfer?: readonly Transferable[],
    ) {
      if ((message as { type?: string }).type === 'start') void this.terminate();
      else post.call(this, message, transfer as never);
    });
    const dbs = freshDbs();
    try {
      const err = await importManifest({
        path: paths.exceljs,
        parser: 'worker',
        mapping: { waybill: 1, extra: [] },
        manifest: meta('m-crash'),
        writer: pouchManifestWriter(dbs),
      }).catch((e: unknown) => e);
      expect((err as ImportError).code).toBe('IMPORT_ERR_PARSER_STOPPED');
      expect((err as ImportError).message).toMatch(/start the import again/);
      expect(await allWaybills(dbs)).toEqual([]);
    } finally {
      spy.mockRestore();
    }
    // The same file imports once the worker runs.
    const { report } = await importManifest({
      path: paths.exceljs,
      parser: 'worker',
      mapping: { waybill: 1, extra: [] },
      manifest: meta('m-after-crash'),
      writer: pouchManifestWriter(freshDbs()),
    });
    expect(report.imported).toBeGreaterThan(3);
  });

  it('the worker-thread parser reports file errors with their code', async () => {
    const err = await importManifest({
      path: paths.exceljs,
      parser: 'worker',
      mapping: { waybill: 1, extra: [] },
      limits: { maxColumns: 3 },
      manifest: meta('m-wide'),
      writer: pouchManifestWriter(freshDbs()),
    }).catch((e: unknown) => e);
    expect((err as ImportError).code).toBe('IMPORT_ERR_TOO_MANY_COLUMNS');
  });
});

describe('a LibreOffice-converted CSV', () => {
  it('keeps leading zeros and the + of phones', async () => {
    const preview = await previewManifest(paths.csvXlsx);
    expect(preview.rows.map((r) => r.cells)).toEqual([
      ['AWB', 'Consignee', 'Phone'],
      ['000123', 'Ann', '+447700900123'],
      ['007', 'Bob', '0800 123'],
    ]);
    const dbs = freshDbs();
    const { report } = await importManifest({
      path: paths.csvXlsx,
      mapping: preview.suggestion?.mapping as ColumnMapping,
      manifest: meta('m-csv'),
      writer: pouchManifestWriter(dbs),
    });
    expect(report.imported).toBe(2);
    expect((await allWaybills(dbs)).map((d) => d.number)).toEqual(['000123', '007']);
  });
});

describe('all or nothing', () => {
  it('refuses a file with bad rows in refuse mode and keeps nothing', async () => {
    const dbs = freshDbs();
    const preview = await previewManifest(paths.exceljs);
    const err = await importManifest({
      path: paths.exceljs,
      mapping: preview.suggestion?.mapping as ColumnMapping,
      manifest: meta('m-refuse'),
      writer: pouchManifestWriter(dbs),
      mode: 'refuse',
      batchSize: 1,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportError);
    expect((err as ImportError).code).toBe('IMPORT_ERR_ROWS_INVALID');
    expect((err as ImportError).report?.counts['duplicate-waybill']).toBe(1);
    expect(await dbs.manifests.get('m-refuse')).toMatchObject({ status: 'failed', rowCount: 0 });
    expect(await allWaybills(dbs)).toEqual([]);
  });

  it('a store failure mid-import deletes what was written and marks the manifest failed', async () => {
    const dbs = freshDbs();
    const path = join(dir, 'rows-3000.xlsx');
    await makeSimpleManifest(path, 3_000);
    const real = pouchManifestWriter(dbs);
    let batches = 0;
    const states: string[] = [];
    const writer: ManifestWriter = {
      ...real,
      async updateManifest(doc) {
        states.push(doc.status);
        await real.updateManifest(doc);
      },
      async writeWaybills(docs) {
        batches += 1;
        if (batches === 3) throw new Error('disk full');
        await real.writeWaybills(docs);
      },
    };
    const err = await importManifest({
      path,
      mapping: { waybill: 1, consignee: 2, address: 3, phone: 4, extra: [] },
      manifest: meta('m-fail'),
      writer,
      batchSize: 500,
    }).catch((e: unknown) => e);
    expect((err as ImportError).code).toBe('IMPORT_ERR_STORE');
    expect(states).not.toContain('open');
    expect(await dbs.manifests.get('m-fail')).toMatchObject({ status: 'failed' });
    expect(await allWaybills(dbs)).toEqual([]);
  });

  it('an abort mid-import leaves no open manifest and no waybills', async () => {
    const dbs = freshDbs();
    const path = join(dir, 'rows-5000.xlsx');
    await makeSimpleManifest(path, 5_000);
    const controller = new AbortController();
    const err = await importManifest({
      path,
      mapping: { waybill: 1, extra: [2, 3, 4] },
      manifest: meta('m-abort'),
      writer: pouchManifestWriter(dbs),
      batchSize: 500,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.waybillsWritten >= 1_000) controller.abort();
      },
    }).catch((e: unknown) => e);
    expect((err as ImportError).code).toBe('IMPORT_ERR_ABORTED');
    expect(await dbs.manifests.get('m-abort')).toMatchObject({ status: 'failed' });
    expect(await allWaybills(dbs)).toEqual([]);
  });

  it('refuses a second import with the same manifest id without touching the first', async () => {
    const dbs = freshDbs();
    const path = join(dir, 'rows-10.xlsx');
    await makeSimpleManifest(path, 10);
    const opts = {
      path,
      mapping: { waybill: 1, extra: [] },
      manifest: meta('m-dup'),
      writer: pouchManifestWriter(dbs),
    };
    await importManifest(opts);
    const err = await importManifest(opts).catch((e: unknown) => e);
    expect((err as ImportError).code).toBe('IMPORT_ERR_MANIFEST_EXISTS');
    expect(await dbs.manifests.get('m-dup')).toMatchObject({ status: 'open', rowCount: 10 });
    expect(await allWaybills(dbs)).toHaveLength(10);
  });

  it('refuses a mapping without a waybill column before writing anything', async () => {
    const dbs = freshDbs();
    const err = await importManifest({
      path: paths.exceljs,
      mapping: { waybill: 99, extra: [] },
      manifest: meta('m-map'),
      writer: pouchManifestWriter(dbs),
    }).catch((e: unknown) => e);
    expect((err as ImportError).code).toBe('IMPORT_ERR_BAD_MAPPING');
    await expect(dbs.manifests.get('m-map')).rejects.toMatchObject({ status: 404 });
  });
});

describe('the validation report as XLSX', () => {
  it('has a styled, frozen header and one row per problem', async () => {
    const preview = await previewManifest(paths.exceljs);
    const inspection = await inspectUpload(paths.exceljs);
    const { report } = await importManifest({
      path: paths.exceljs,
      inspection,
      mapping: preview.suggestion?.mapping as ColumnMapping,
      manifest: meta('m-report'),
      writer: pouchManifestWriter(freshDbs()),
    });
    const out = join(dir, 'report.xlsx');
    await writeValidationReportXlsx(report, out, preview.header?.headers);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    const ws = wb.getWorksheet('Problems');
    expect(ws?.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(ws?.getRow(1).font?.bold).toBe(true);
    expect(ws?.getCell('A1').value).toBe('Row');
    expect(ws?.rowCount).toBe(1 + report.issues.length);
    expect(ws?.getCell('C2').value).toBe('duplicate-waybill');
    expect(ws?.getCell('B2').value).toBe('A (AWB No.)');
  });
});

describe('trusted waybill writes on the server store', () => {
  it('land in the same database and changes feed, and roll back like any other', async () => {
    const { openPouchStore } = await import('@/sync-server/store/pouch-store');
    const { bootstrapDatabases } = await import('@/sync-server/bootstrap/databases');
    const pino = (await import('pino')).default;
    const store = await openPouchStore({
      dataDir: join(dir, 'store'),
      sessionTimeoutS: 600,
      maxBodyBytes: 1e7,
    });
    try {
      await bootstrapDatabases(store, pino({ level: 'silent' }));
      const manifests = (await store.database('manifests')) as unknown as PouchLike;
      const waybills = (await store.database('waybills')) as unknown as PouchLike & {
        changes(o: object): Promise<{ results: { id: string }[] }>;
      };
      // The store's validate_doc_update runs for the ordinary call (a bad document is refused)…
      const refused = await waybills.bulkDocs([{ _id: 'x:1', manifestId: 'x' }]);
      expect(refused[0]?.error).toBeTruthy();

      const path = join(dir, 'trusted-300.xlsx');
      await makeSimpleManifest(path, 300);
      const controller = new AbortController();
      const writer = pouchManifestWriter({ manifests, waybills }, { trustedWaybills: true });
      const { report } = await importManifest({
        path,
        mapping: { waybill: 1, consignee: 2, extra: [] },
        manifest: meta('m-trusted'),
        writer,
        batchSize: 100,
      });
      expect(report.imported).toBe(300);
      const feed = await waybills.changes({ since: 0 });
      expect(feed.results.filter((r) => r.id.startsWith('m-trusted:'))).toHaveLength(300);
      const one = await waybills.get('m-trusted:JD000000001');
      expect(one).toMatchObject({ manifestId: 'm-trusted', _rev: expect.stringMatching(/^1-/) });

      // …and an import that fails half way still takes every written waybill back out.
      const err = await importManifest({
        path,
        mapping: { waybill: 1, extra: [] },
        manifest: meta('m-trusted-abort'),
        writer,
        batchSize: 100,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.waybillsWritten >= 100) controller.abort();
        },
      }).catch((e: unknown) => e);
      expect((err as ImportError).code).toBe('IMPORT_ERR_ABORTED');
      const left = (await waybills.allDocs({
        startkey: 'm-trusted-abort:',
        endkey: 'm-trusted-abort:\uffff',
      })) as { rows: unknown[] };
      expect(left.rows).toEqual([]);
      expect(await manifests.get('m-trusted-abort')).toMatchObject({ status: 'failed' });

      // New waybills go in through the patched adapter's one-batch append (store-patches.test.ts);
      // ids it finds taken, such as the tombstones that rollback left, go through bulkDocs.
      expect(typeof (waybills as unknown as { _appendNewDocs?: unknown })._appendNewDocs).toBe(
        'function',
      );
      const revived = { id: 'm-trusted-abort:JD000000001', manifestId: 'm-trusted-abort' };
      await writer.writeWaybills([
        { ...revived, number: 'JD000000001' },
        { id: 'm-trusted-abort:NEW1', manifestId: 'm-trusted-abort', number: 'NEW1' },
      ]);
      expect(await waybills.get(revived.id)).toMatchObject({ number: 'JD000000001' });
      expect(await waybills.get('m-trusted-abort:NEW1')).toMatchObject({ number: 'NEW1' });
    } finally {
      await store.close();
    }
  });
});
