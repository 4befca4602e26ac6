// Hostile and wrong uploads are refused from their bytes with a clear code, before any parsing.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImportError, inspectUpload, previewManifest } from '@/sync-server/import';
import type { ImportErrorCode, ImportLimitsInput } from '@/sync-server/import';
import {
  MANIFEST_CSV,
  PNG_BYTES,
  makeGiantSharedString,
  makeSimpleManifest,
  writeHeaderMismatchBomb,
  writeNotXlsxZip,
  writeZipBomb,
} from '../fixtures/xlsx/make-fixtures';

let dir: string;
const file = (name: string) => join(dir, name);

async function codeOf(promise: Promise<unknown>): Promise<ImportErrorCode | 'resolved'> {
  try {
    await promise;
    return 'resolved';
  } catch (err) {
    if (err instanceof ImportError) return err.code;
    throw err;
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dockhand-hostile-'));
  await writeFile(file('empty.xlsx'), '');
  await writeFile(file('image.xlsx'), PNG_BYTES);
  await writeFile(file('csv.xlsx'), MANIFEST_CSV);
  await writeFile(file('csv-bom.xlsx'), '\ufeffAWB;Name\n1;A\n');
  await writeFile(
    file('page.xlsx'),
    '<html><body><table><tr><td>AWB</td></tr></table></body></html>',
  );
  await writeFile(file('pdf.xlsx'), '%PDF-1.7\n...');
  await writeFile(file('legacy.xlsx'), Buffer.from('d0cf11e0a1b11ae1000000000000', 'hex'));
  await writeNotXlsxZip(file('word.xlsx'));
  await writeZipBomb(file('bomb.xlsx'), 1);
  await writeHeaderMismatchBomb(file('header-mismatch.xlsx'));
  await makeGiantSharedString(file('giant-string.xlsx'), 8);
  await makeSimpleManifest(file('rows-50.xlsx'), 50, 6);
  const good = await readFile(file('rows-50.xlsx'));
  await writeFile(file('truncated.xlsx'), good.subarray(0, Math.floor(good.length * 0.6)));
  const flipped = Buffer.from(good);
  flipped[200] = (flipped[200] ?? 0) ^ 0xff; // inside the first entry's data
  await writeFile(file('flipped.xlsx'), flipped);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('inspectUpload refuses what is not a workbook', () => {
  it.each([
    ['an empty file', 'empty.xlsx', 'IMPORT_ERR_EMPTY_FILE'],
    ['PNG bytes named .xlsx', 'image.xlsx', 'IMPORT_ERR_IMAGE'],
    ['a CSV renamed to .xlsx', 'csv.xlsx', 'IMPORT_ERR_CSV_RENAMED'],
    ['a semicolon CSV with a BOM', 'csv-bom.xlsx', 'IMPORT_ERR_CSV_RENAMED'],
    ['an HTML table renamed', 'page.xlsx', 'IMPORT_ERR_HTML_RENAMED'],
    ['a PDF', 'pdf.xlsx', 'IMPORT_ERR_PDF'],
    ['an old .xls (OLE2)', 'legacy.xlsx', 'IMPORT_ERR_XLS_LEGACY'],
    ['a zip that is a Word document', 'word.xlsx', 'IMPORT_ERR_NOT_XLSX_ZIP'],
    ['a truncated upload', 'truncated.xlsx', 'IMPORT_ERR_CORRUPT'],
    ['a damaged byte', 'flipped.xlsx', 'IMPORT_ERR_CORRUPT'],
  ])('%s', async (_name, name, code) => {
    expect(await codeOf(inspectUpload(file(name)))).toBe(code);
  });
});

describe('zip bombs are stopped while unpacking', () => {
  it('a 1 GB deflate bomb that claims 1 KB, stopped early with little memory', async () => {
    const started = performance.now();
    const rss = process.memoryUsage().rss;
    const err = await inspectUpload(file('bomb.xlsx')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportError);
    expect((err as ImportError).code).toBe('IMPORT_ERR_ZIP_BOMB');
    expect((err as ImportError).detail).toMatch(/ratio/);
    expect(performance.now() - started).toBeLessThan(3_000); // inflating it all takes far longer
    expect(process.memoryUsage().rss - rss).toBeLessThan(100 * 1024 * 1024);
  });

  it('an exceljs workbook with a giant shared string', async () => {
    expect(await codeOf(inspectUpload(file('giant-string.xlsx')))).toBe('IMPORT_ERR_ZIP_BOMB');
  });

  it('a bomb whose local header says deflated where the directory says stored', async () => {
    // The directory's sizes pass every limit; the parser would read the local header and unpack
    // 64 MB (a few GB is as cheap to make).
    const err = await inspectUpload(file('header-mismatch.xlsx')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportError);
    expect((err as ImportError).code).toBe('IMPORT_ERR_CORRUPT');
    expect((err as ImportError).detail).toMatch(/local header .* disagrees/);
  });

  it('the total unpacked size cap holds even when every ratio is normal', async () => {
    const limits: ImportLimitsInput = { maxUncompressedBytes: 10_000 };
    expect(await codeOf(inspectUpload(file('rows-50.xlsx'), limits))).toBe('IMPORT_ERR_ZIP_BOMB');
  });
});

describe('size limits', () => {
  it('accepts a normal workbook and counts its rows', async () => {
    const info = await inspectUpload(file('rows-50.xlsx'));
    expect(info.sheets).toEqual([
      { name: 'Sheet1', entry: 'xl/worksheets/sheet1.xml', rows: 51, hidden: false },
    ]);
  });

  it('a file over the size limit', async () => {
    expect(await codeOf(inspectUpload(file('rows-50.xlsx'), { maxFileBytes: 1000 }))).toBe(
      'IMPORT_ERR_TOO_LARGE',
    );
  });

  it('too many rows in the sheet read; a big sheet beside it is ignored', async () => {
    expect(await codeOf(previewManifest(file('rows-50.xlsx'), { limits: { maxRows: 10 } }))).toBe(
      'IMPORT_ERR_TOO_MANY_ROWS',
    );
    const wb = new ExcelJS.Workbook();
    const manifest = wb.addWorksheet('Manifest');
    manifest.addRows([
      ['AWB', 'Consignee'],
      ['A1', 'Ann'],
      ['A2', 'Bo'],
    ]);
    const lookup = wb.addWorksheet('Lookup', { state: 'hidden' });
    for (let i = 0; i < 50; i++) lookup.addRow([`code ${i}`, i]);
    await wb.xlsx.writeFile(file('with-lookup.xlsx'));
    const limits = { maxRows: 10 };
    const preview = await previewManifest(file('with-lookup.xlsx'), { limits });
    expect(preview.sheet).toBe('Manifest');
    expect(preview.rows.map((r) => r.cells)).toEqual([
      ['AWB', 'Consignee'],
      ['A1', 'Ann'],
      ['A2', 'Bo'],
    ]);
    expect(
      await codeOf(previewManifest(file('with-lookup.xlsx'), { limits, sheet: 'Lookup' })),
    ).toBe('IMPORT_ERR_TOO_MANY_ROWS');
    // A visible sheet over the cap in front: the preview opens on the first one within it, so
    // the person can still reach the manifest.
    const first = new ExcelJS.Workbook();
    const big = first.addWorksheet('All history');
    for (let i = 0; i < 50; i++) big.addRow([`old ${i}`, i]);
    first.addWorksheet('Today').addRows([
      ['AWB', 'Consignee'],
      ['A1', 'Ann'],
    ]);
    await first.xlsx.writeFile(file('big-first.xlsx'));
    const opened = await previewManifest(file('big-first.xlsx'), { limits });
    expect(opened.sheet).toBe('Today');
    expect(opened.sheets.map((s) => [s.name, s.rows])).toEqual([
      ['All history', 50],
      ['Today', 2],
    ]);
  });

  it('too many columns while reading', async () => {
    expect(await codeOf(previewManifest(file('rows-50.xlsx'), { limits: { maxColumns: 5 } }))).toBe(
      'IMPORT_ERR_TOO_MANY_COLUMNS',
    );
  });
});
