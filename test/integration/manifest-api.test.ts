// The manifest `/api` against a real sync server: upload → preview → import → open manifest with
// the right waybills; hostile uploads refused with nothing changed; roles and CSRF; exports.
import fs from 'node:fs';
import http from 'node:http';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSyncServer } from '@/sync-server/app';
import type { SyncServer } from '@/sync-server/app';
import { configFromEnv } from '@/sync-server/config';
import {
  EXPECTED_NUMBERS,
  MANIFEST_CSV,
  PNG_BYTES,
  ZPL_TEXT,
  fixturePaths,
  makeExceljsManifest,
  manifestFods,
  sofficeToXlsx,
  writeZipBomb,
} from '../fixtures/xlsx/make-fixtures';
import { TEST_STORE, basicAuth, scanDoc, testStoreConfig } from '../helpers/sync-server';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const ADMIN = basicAuth('admin', 'test-admin-password-123');
const SUE = basicAuth('sue', 'sue-password-123'); // supervisor
const SAM = basicAuth('sam', 'sam-password-123'); // scanner
const MAX_FILE = 2 * 1024 * 1024; // 2 MB for the oversize test

let dir: string;
let dataDir: string;
let server: SyncServer;
let url: string;
let paths: ReturnType<typeof fixturePaths>;
let storeUnderTest: Awaited<ReturnType<typeof testStoreConfig>> | undefined;

async function createUser(name: string, password: string, roles: string[]) {
  const id = `org.couchdb.user:${name}`;
  const res = await fetch(`${url}/db/_users/${encodeURIComponent(id)}`, {
    method: 'PUT',
    headers: { authorization: ADMIN, 'content-type': 'application/json' },
    body: JSON.stringify({ _id: id, name, password, roles, type: 'user' }),
  });
  expect(res.status).toBe(201);
}

/** A document read from the embedded store over its private socket, as the server admin. */
function storeGet(path: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { socketPath: join(dataDir, 'store.sock'), path, headers: { authorization: ADMIN } },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve(JSON.parse(text)));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function upload(body: Buffer, auth = ADMIN, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/api/manifests/uploads`, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': XLSX, 'x-file-name': 'day.xlsx', ...headers },
    body: new Uint8Array(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & PreviewBody };
}

interface PreviewBody {
  uploadId: string;
  sheets: { name: string }[];
  sheet: string;
  rows: { rowNumber: number; cells: string[] }[];
  header: { rowNumber: number; headers: string[] } | null;
  suggestion: { mapping: Record<string, unknown> | null } | null;
  fingerprint: string | null;
  remembered: { mapping: Record<string, unknown> } | null;
  code?: string;
}

async function startImport(uploadId: string, body: Record<string, unknown>, auth = ADMIN) {
  const res = await fetch(`${url}/api/manifests/uploads/${uploadId}/import`, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

interface Status {
  state: string;
  phase: string;
  rowsRead: number;
  waybillsWritten: number;
  error: { code: string } | null;
  report: { imported: number; skipped: number; counts: Record<string, number> } | null;
}

async function finished(importId: string): Promise<Status> {
  for (let i = 0; i < 300; i++) {
    const res = await fetch(`${url}/api/imports/${importId}`, {
      headers: { authorization: ADMIN },
    });
    const status = (await res.json()) as Status;
    if (status.state !== 'running') return status;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('import did not finish');
}

async function docs(db: string): Promise<Record<string, unknown>[]> {
  const res = await fetch(`${url}/db/${db}/_all_docs?include_docs=true`, {
    headers: { authorization: ADMIN },
  });
  const body = (await res.json()) as { rows: { id: string; doc: Record<string, unknown> }[] };
  return body.rows.filter((r) => !r.id.startsWith('_design/')).map((r) => r.doc);
}

async function importFile(file: string, name: string, mode = 'good-rows') {
  const up = await upload(await readFile(file));
  expect(up.status).toBe(201);
  const mapping = up.body.remembered?.mapping ?? up.body.suggestion?.mapping;
  const started = await startImport(up.body.uploadId, { name, mapping, mode });
  expect(started.status).toBe(202);
  return { up, started, status: await finished(started.body.importId!) };
}

beforeAll(async () => {
  dir = await mkdtemp(join(os.tmpdir(), 'dockhand-api-'));
  dataDir = join(dir, 'data');
  paths = fixturePaths(dir);
  await writeFile(paths.fods, manifestFods());
  await Promise.all([
    makeExceljsManifest(paths.exceljs),
    sofficeToXlsx([paths.fods], dir, join(dir, 'lo-profile')),
  ]);
  storeUnderTest = await testStoreConfig();
  server = createSyncServer(
    {
      // The upload cap comes from the environment, as an operator sets it.
      ...configFromEnv({ DOCKHAND_IMPORT_MAX_FILE_BYTES: String(MAX_FILE) }),
      couchdb: storeUnderTest.couchdb,
      host: '127.0.0.1',
      port: 0,
      dataDir,
      adminUser: 'admin',
      adminPassword: 'test-admin-password-123',
      staticDir: join(dir, 'no-app'),
    },
    pino({ level: process.env.DOCKHAND_TEST_LOG_LEVEL ?? 'silent' }),
    { print: () => undefined },
  );
  ({ url } = await server.listen());
  await createUser('sue', 'sue-password-123', ['supervisor']);
  await createUser('sam', 'sam-password-123', ['scanner']);
}, 120_000);

afterAll(async () => {
  await server?.close();
  await storeUnderTest?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('who may use /api', () => {
  it('refuses an unauthenticated upload with 401 and the JSON error shape', async () => {
    const res = await fetch(`${url}/api/manifests/uploads`, {
      method: 'POST',
      headers: { 'content-type': XLSX },
      body: new Uint8Array(await readFile(paths.exceljs)),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'unauthorized', code: 'API_ERR_UNAUTHORIZED' });
  });

  it('refuses a scanner with 403 (upload, import list and export)', async () => {
    expect((await upload(await readFile(paths.exceljs), SAM)).status).toBe(403);
    const list = await fetch(`${url}/api/imports`, { headers: { authorization: SAM } });
    expect(list.status).toBe(403);
    const exp = await fetch(`${url}/api/manifests/x/export?kind=missing`, {
      headers: { authorization: SAM },
    });
    expect(exp.status).toBe(403);
    expect(await exp.json()).toMatchObject({ code: 'API_ERR_FORBIDDEN' });
  });

  it('refuses a cross-site POST and a wrong content type', async () => {
    const cross = await upload(await readFile(paths.exceljs), ADMIN, {
      origin: 'https://evil.example',
    });
    expect(cross.status).toBe(403);
    expect(cross.body.code).toBe('API_ERR_CROSS_SITE');
    const site = await upload(await readFile(paths.exceljs), ADMIN, {
      'sec-fetch-site': 'cross-site',
    });
    expect(site.status).toBe(403);
    const form = await fetch(`${url}/api/manifests/uploads`, {
      method: 'POST',
      headers: { authorization: ADMIN, 'content-type': 'multipart/form-data; boundary=x' },
      body: 'x',
    });
    expect(form.status).toBe(415);
    const sameOrigin = await upload(await readFile(paths.exceljs), ADMIN, { origin: url });
    expect(sameOrigin.status).toBe(201);
  });
});

describe.each([
  ['exceljs', () => paths.exceljs],
  ['LibreOffice', () => paths.loXlsx],
])('a %s manifest through the API', (maker, pathOf) => {
  it('previews, imports and opens the manifest with the right waybills', async () => {
    const up = await upload(await readFile(pathOf()), SUE);
    expect(up.status).toBe(201);
    expect(up.body.sheets.map((s) => s.name)).toEqual(['Manifest', 'Notes']);
    expect(up.body.sheet).toBe('Manifest');
    expect(up.body.header?.rowNumber).toBe(3);
    expect(up.body.rows.length).toBeLessThanOrEqual(10);
    expect(up.body.rows.find((r) => r.rowNumber === 5)?.cells[0]).toBe('000001234');
    expect(up.body.suggestion?.mapping).toMatchObject({ waybill: 1, consignee: 2 });
    expect(up.body.fingerprint).toMatch(/^hdr1-/);

    // Refusing on errors first: the file has bad rows, so nothing is kept …
    const refused = await startImport(
      up.body.uploadId,
      { name: `${maker} refused`, mapping: up.body.suggestion?.mapping, mode: 'refuse' },
      SUE,
    );
    expect(refused.status).toBe(202);
    const failed = await finished(refused.body.importId!);
    expect(failed).toMatchObject({ state: 'failed', error: { code: 'IMPORT_ERR_ROWS_INVALID' } });
    expect(failed.report?.counts['duplicate-waybill']).toBe(1);
    const report = await fetch(`${url}/api/imports/${refused.body.importId}/report.xlsx`, {
      headers: { authorization: SUE },
    });
    expect(report.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await report.arrayBuffer()) as never);
    expect(wb.getWorksheet('Problems')?.rowCount).toBeGreaterThan(1);
    const manifestsAfterRefusal = await docs('manifests');
    expect(
      manifestsAfterRefusal.filter((m) => m._id === refused.body.manifestId && m.status === 'open'),
    ).toEqual([]);

    // … then "import the good rows" from the same upload.
    const good = await startImport(
      up.body.uploadId,
      { name: `${maker} 1 May`, mapping: up.body.suggestion?.mapping, mode: 'good-rows' },
      SUE,
    );
    expect(good.status).toBe(202);
    const status = await finished(good.body.importId!);
    expect(status).toMatchObject({ state: 'done', phase: 'done', waybillsWritten: 4 });
    expect(status.report?.imported).toBe(4);
    const manifest = (await docs('manifests')).find((m) => m._id === good.body.manifestId);
    expect(manifest).toMatchObject({ status: 'open', rowCount: 4, createdBy: 'sue' });
    // Its exports will read only the scans stored after it was created (see scans-marks.ts): the
    // embedded store's numbered sequences allow it; CouchDB's are opaque.
    // The mark is in the sync servers' own database, read here straight from the store's socket.
    if (TEST_STORE === 'embedded') {
      const mark = await storeGet(`/dockhand_server/marks:${good.body.manifestId}`);
      expect(mark).toMatchObject({ seq: expect.any(Number) });
    }
    const waybills = (await docs('waybills')).filter((w) => w.manifestId === good.body.manifestId);
    expect(waybills.map((w) => w.number).sort()).toEqual([...EXPECTED_NUMBERS].sort());
    expect(waybills.find((w) => w.number === 'JD0001')?.extra).toMatchObject({ Note: ZPL_TEXT });

    // The upload is deleted after a successful import (just after it reads as done).
    await expect
      .poll(
        async () =>
          (
            await fetch(`${url}/api/manifests/uploads/${up.body.uploadId}`, {
              headers: { authorization: SUE },
            })
          ).status,
      )
      .toBe(404);
    await expect
      .poll(() => fs.readdirSync(join(dataDir, 'uploads')))
      .not.toContain(`${up.body.uploadId}.xlsx`);
  });
});

describe('remembered mappings', () => {
  it('returns the mapping confirmed last time for the same layout', async () => {
    const first = await upload(await readFile(paths.exceljs));
    const changed = { waybill: 1, consignee: 2, extra: [] };
    const started = await startImport(first.body.uploadId, {
      name: 'Remembered',
      mapping: changed,
      mode: 'good-rows',
    });
    await finished(started.body.importId!);
    const second = await upload(await readFile(paths.exceljs));
    expect(second.body.remembered?.mapping).toEqual(changed);
  });

  it('imports with the header row the person chose when none was found', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Day').addRows([
      ['Dispatch list'],
      ['Item', 'Destination', 'Qty'],
      ['X-0001', 'Lagos', 2],
      ['X-0002', 'Abuja', 1],
    ]);
    const up = await upload(Buffer.from(await wb.xlsx.writeBuffer()));
    expect(up.status).toBe(201);
    expect(up.body.header).toBeNull();
    const mapping = { waybill: 1, extra: [2, 3] };
    const missing = await startImport(up.body.uploadId, { name: 'No header', mapping });
    expect(missing.body.code).toBe('IMPORT_ERR_NO_HEADER');
    const outside = await startImport(up.body.uploadId, { name: 'x', mapping, headerRow: 40 });
    expect(outside.body.code).toBe('IMPORT_ERR_NO_HEADER');
    const started = await startImport(up.body.uploadId, {
      name: 'Chosen header',
      mapping,
      headerRow: 2,
      mode: 'good-rows',
    });
    expect(started.status).toBe(202);
    expect((await finished(started.body.importId!)).report?.imported).toBe(2);
    const stored = (await docs('waybills')).filter((d) => d.manifestId === started.body.manifestId);
    expect(stored.map((d) => [d.number, d.extra])).toEqual([
      ['X-0001', { Destination: 'Lagos', Qty: '2' }],
      ['X-0002', { Destination: 'Abuja', Qty: '1' }],
    ]);
    // The next file of this layout comes with that header row and mapping, ready to import.
    const again = await upload(Buffer.from(await wb.xlsx.writeBuffer()));
    expect(again.body.header?.rowNumber).toBe(2);
    expect(again.body.remembered?.mapping).toEqual(mapping);
    const second = await startImport(again.body.uploadId, {
      name: 'Same layout',
      mapping: again.body.remembered!.mapping,
      mode: 'good-rows',
    });
    expect(second.status).toBe(202);
    expect((await finished(second.body.importId!)).report?.imported).toBe(2);
  });

  it('refuses a mapping without a waybill column or with a column twice', async () => {
    const up = await upload(await readFile(paths.exceljs));
    const twice = await startImport(up.body.uploadId, {
      name: 'x',
      mapping: { waybill: 1, consignee: 1, extra: [] },
    });
    expect(twice.status).toBe(400);
    expect(twice.body.code).toBe('IMPORT_ERR_BAD_MAPPING');
    const none = await startImport(up.body.uploadId, { name: 'x', mapping: { extra: [] } });
    expect(none.body.code).toBe('IMPORT_ERR_BAD_MAPPING');
  });
});

describe('hostile uploads change nothing', () => {
  it.each([
    ['a PNG renamed .xlsx', () => PNG_BYTES, 'IMPORT_ERR_IMAGE', 415],
    ['a CSV renamed .xlsx', () => Buffer.from(MANIFEST_CSV), 'IMPORT_ERR_CSV_RENAMED', 415],
    ['an empty file', () => Buffer.alloc(0), 'IMPORT_ERR_EMPTY_FILE', 400],
    ['an oversize file', () => Buffer.alloc(MAX_FILE + 1024, 1), 'IMPORT_ERR_TOO_LARGE', 413],
  ])('%s', async (_name, bytes, code, status) => {
    const before = [(await docs('manifests')).length, (await docs('waybills')).length];
    const res = await upload(bytes());
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ code, reason: expect.any(String), error: expect.any(String) });
    expect([(await docs('manifests')).length, (await docs('waybills')).length]).toEqual(before);
    // Refused files are never kept (earlier tests' uploads are, each as .xlsx + .json record).
    expect(
      fs.readdirSync(join(dataDir, 'uploads')).filter((n) => n.endsWith('.xlsx')).length,
    ).toBeLessThanOrEqual(3);
  });

  it('a zip bomb (1 GB unpacked, ~1 MB on disk) is refused while inflating', async () => {
    const bomb = join(dir, 'bomb.xlsx');
    await writeZipBomb(bomb, 1);
    const before = (await docs('manifests')).length;
    const started = Date.now();
    const res = await upload(await readFile(bomb));
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('IMPORT_ERR_ZIP_BOMB');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((await docs('manifests')).length).toBe(before);
  });
});

describe('exports', () => {
  let manifestId: string;

  beforeAll(async () => {
    const file = join(dir, 'exports.xlsx');
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Sheet1');
    ws.addRow(['AWB', 'Consignee', 'Phone', 'Weight (kg)']);
    ws.addRow(['00042', '=HYPERLINK("http://evil.example","click")', '+1 555 0100', 1.5]);
    ws.addRow(['00043', '@SUM(1+1)', '-5', 2]);
    ws.addRow(['00044', 'Plain, "quoted"', '', '']);
    await wb.xlsx.writeFile(file);
    const { started, status } = await importFile(file, 'Export test');
    expect(status.state).toBe('done');
    manifestId = started.body.manifestId!;
    // Scans by the scanner through its own session: 00042 twice, 00043 once, one unexpected.
    const scans = [
      scanDoc('sam', {
        manifestId,
        code: '00042',
        normalised: '00042',
        scannedAt: '2026-05-01T08:00:00.000Z',
      }),
      scanDoc('sam', {
        manifestId,
        code: '00042',
        normalised: '00042',
        result: 'duplicate',
        scannedAt: '2026-05-01T08:01:00.000Z',
      }),
      scanDoc('sam', {
        manifestId,
        code: '00043',
        normalised: '00043',
        scannedAt: '2026-05-01T08:02:00.000Z',
      }),
      scanDoc('sam', {
        manifestId,
        code: '=ZZ999',
        normalised: 'ZZ999',
        result: 'unknown',
        scannedAt: '2026-05-01T08:03:00.000Z',
      }),
    ];
    const res = await fetch(`${url}/db/scans/_bulk_docs`, {
      method: 'POST',
      headers: { authorization: SAM, 'content-type': 'application/json' },
      body: JSON.stringify({ docs: scans }),
    });
    expect(res.status).toBe(201);
  });

  async function exportOf(kind: string, format: string, tz?: string) {
    const res = await fetch(
      `${url}/api/manifests/${manifestId}/export?kind=${kind}&format=${format}${tz ? `&tz=${encodeURIComponent(tz)}` : ''}`,
      {
        headers: { authorization: SUE },
      },
    );
    expect(res.status).toBe(200);
    return res;
  }

  it('scanned as XLSX: styled frozen header, numbers as text with zeros, dates as dates', async () => {
    const res = await exportOf('scanned', 'xlsx');
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    expect(res.headers.get('content-disposition')).toContain('Export-test-scanned.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as never);
    const ws = wb.worksheets[0]!;
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const head = ws.getRow(1);
    expect(head.getCell(1).value).toBe('Waybill number');
    expect(head.getCell(1).font?.bold).toBe(true);
    expect(ws.rowCount).toBe(3);
    const first = ws.getRow(2);
    expect(first.getCell(1).value).toBe('00042');
    expect(first.getCell(1).type).toBe(ExcelJS.ValueType.String);
    expect(first.getCell(5).value).toBe(1.5);
    expect(first.getCell(6).value).toBeInstanceOf(Date);
    expect((first.getCell(6).value as Date).toISOString()).toBe('2026-05-01T08:00:00.000Z');
    expect(first.getCell(7).value).toBe('sam');
    expect(first.getCell(9).value).toBe(2);
    expect(ws.getRow(3).getCell(1).value).toBe('00043');
  });

  it("times in the reader's time zone, named in the header", async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(
      Buffer.from(await (await exportOf('scanned', 'xlsx', 'Africa/Lagos')).arrayBuffer()) as never,
    );
    const ws = wb.worksheets[0]!;
    expect(ws.getRow(1).getCell(6).value).toBe('First scanned at (Africa/Lagos)');
    // Excel dates have no zone: 08:00Z is written as the 09:00 Lagos saw.
    expect((ws.getRow(2).getCell(6).value as Date).toISOString()).toBe('2026-05-01T09:00:00.000Z');
    const csv = Buffer.from(
      await (await exportOf('scanned', 'csv', 'Asia/Kolkata')).arrayBuffer(),
    ).toString('utf8');
    const [head, first] = csv.slice(1).split('\r\n');
    expect(head).toContain('First scanned at (Asia/Kolkata)');
    expect(first).toContain(',2026-05-01 13:30:00,');
    const bad = await fetch(
      `${url}/api/manifests/${manifestId}/export?kind=scanned&format=csv&tz=Mars%2FOlympus`,
      { headers: { authorization: SUE } },
    );
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { reason: string }).reason).toMatch(/time zone/i);
  });

  it('missing as CSV: BOM, formula injection neutralised, quoting', async () => {
    const res = await exportOf('missing', 'csv');
    expect(res.headers.get('content-type')).toContain('text/csv');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8').slice(1);
    expect(text.split('\r\n')).toEqual([
      'Waybill number,Consignee,Address,Phone,Weight (kg)',
      '00044,"Plain, ""quoted""",,,',
      '',
    ]);
  });

  it('scanned as CSV: cells starting with = + - @ get an apostrophe', async () => {
    const text = Buffer.from(await (await exportOf('scanned', 'csv')).arrayBuffer()).toString(
      'utf8',
    );
    const lines = text.slice(1).split('\r\n');
    expect(lines[1]).toMatch(
      /^00042,"'=HYPERLINK\(""http:\/\/evil.example"",""click""\)",,'\+1 555 0100,1.5,2026-05-01 08:00:00,sam,dev-1,2$/,
    );
    expect(lines[2]).toMatch(/^00043,'@SUM\(1\+1\),,'-5,2,/);
  });

  it('unexpected as XLSX and CSV', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(
      Buffer.from(await (await exportOf('unexpected', 'xlsx')).arrayBuffer()) as never,
    );
    const ws = wb.worksheets[0]!;
    expect(ws.rowCount).toBe(2);
    expect(ws.getRow(2).getCell(1).value).toBe('ZZ999');
    expect(ws.getRow(2).getCell(2).value).toBe('=ZZ999'); // a string cell, never a formula
    const csv = Buffer.from(await (await exportOf('unexpected', 'csv')).arrayBuffer()).toString(
      'utf8',
    );
    expect(csv.split('\r\n')[1]).toMatch(/^ZZ999,'=ZZ999,/);
  });

  it.runIf(TEST_STORE === 'couchdb')(
    "reads a manifest's scans on CouchDB through the by-manifest view",
    async () => {
      const view = await fetch(
        `${url}/db/scans/_design/exports/_view/scans_by_manifest?key=${encodeURIComponent(JSON.stringify(manifestId))}&limit=100`,
        { headers: { authorization: ADMIN } },
      );
      expect(view.status).toBe(200);
      const rows = ((await view.json()) as { rows: Array<{ key: string }> }).rows;
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r) => r.key === manifestId)).toBe(true);
    },
  );

  it('an unknown manifest or kind is a clear error', async () => {
    const res = await fetch(`${url}/api/manifests/nope/export?kind=missing`, {
      headers: { authorization: SUE },
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: 'API_ERR_UNKNOWN_MANIFEST' });
    const bad = await fetch(`${url}/api/manifests/${manifestId}/export?kind=all`, {
      headers: { authorization: SUE },
    });
    expect(bad.status).toBe(400);
  });
});
