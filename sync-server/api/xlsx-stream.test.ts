// The streaming XLSX writer: what exceljs (a second, independent reader) sees in its output.
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { createXlsxSheetWriter, xmlText } from './xlsx-stream';
import type { XlsxColumn, XlsxValue } from './xlsx-stream';

const COLUMNS: XlsxColumn[] = [
  { header: 'Waybill number', type: 'text', width: 22 },
  { header: 'Weight (kg)', type: 'number', width: 12 },
  { header: 'First scanned at', type: 'date', width: 20 },
  { header: 'Scans', type: 'integer', width: 8 },
];

async function written(
  rows: XlsxValue[][][],
  sheetName = 'Scanned',
  columns = COLUMNS,
): Promise<{ bytes: Buffer; ws: ExcelJS.Worksheet }> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const writer = createXlsxSheetWriter(out, { sheetName, columns });
  for (const page of rows) await writer.addRows(page);
  await writer.finish();
  const bytes = Buffer.concat(chunks);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as never);
  return { bytes, ws: wb.worksheets[0]! };
}

describe('xlsx-stream', () => {
  it.each([
    ['a < b & c > d', 'a &lt; b &amp; c &gt; d'],
    ['bell\u0007', 'bell_x0007_'],
    ['_x0041_', '_x005F_x0041_'],
    ['tab\tand\nline', 'tab\tand\nline'],
    ['lone \ud800 half', 'lone \ufffd half'],
  ])('escapes %j', (text, xml) => expect(xmlText(text)).toBe(xml));

  it('writes a styled, frozen, filtered header and typed cells that read back as written', async () => {
    const at = new Date('2026-05-01T08:00:00.000Z');
    const { ws } = await written([
      [
        ['000042', 1.5, at, 2],
        ['=HYPERLINK("x")', null, null, 1],
      ],
      [['  spaced  ', 0, new Date('2026-05-01T08:00:01.000Z'), 3]],
    ]);
    expect(ws.name).toBe('Scanned');
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(ws.rowCount).toBe(4);
    const head = ws.getRow(1);
    expect((head.values as unknown[]).slice(1)).toEqual([
      'Waybill number',
      'Weight (kg)',
      'First scanned at',
      'Scans',
    ]);
    expect(head.getCell(1).font?.bold).toBe(true);
    expect(head.getCell(1).fill).toMatchObject({ pattern: 'solid', fgColor: { argb: 'FF1F4E79' } });
    const first = ws.getRow(2);
    expect(first.getCell(1).value).toBe('000042');
    expect(first.getCell(1).type).toBe(ExcelJS.ValueType.String);
    expect(first.getCell(1).numFmt).toBe('@');
    expect(first.getCell(2).value).toBe(1.5);
    // General: 12 reads "12" in Excel, where "0.###" showed "12.".
    expect(first.getCell(2).numFmt ?? 'General').toBe('General');
    expect((first.getCell(3).value as Date).toISOString()).toBe(at.toISOString());
    expect(first.getCell(3).numFmt).toBe('yyyy-mm-dd hh:mm:ss');
    expect(first.getCell(4).value).toBe(2);
    expect(first.getCell(4).numFmt).toBe('0');
    // A formula-looking string is a string, never a formula; empty cells stay empty.
    expect(ws.getRow(3).getCell(1).value).toBe('=HYPERLINK("x")');
    expect(ws.getRow(3).getCell(2).value).toBeNull();
    expect(ws.getRow(4).getCell(1).value).toBe('  spaced  ');
    expect((ws.getRow(4).getCell(3).value as Date).toISOString()).toBe('2026-05-01T08:00:01.000Z');
    expect(ws.autoFilter).toBe('A1:D1');
  });

  it('keeps unicode, control characters and a hostile sheet name', async () => {
    const { ws } = await written(
      [
        [
          ['東京 ✓ é', 1, null, null],
          ['a\u0001b', 2, null, null],
        ],
      ],
      'a/b:c*?[x]',
    );
    expect(ws.name).toBe('a b c   x ');
    expect(ws.getRow(2).getCell(1).value).toBe('東京 ✓ é');
    // Excel decodes `_x0001_` back to the character; exceljs shows the escape as it is.
    expect(ws.getRow(3).getCell(1).value).toBe('a_x0001_b');
  });

  it('a header-only workbook is valid', async () => {
    const { ws, bytes } = await written([]);
    expect(bytes.subarray(0, 4).toString('hex')).toBe('504b0304');
    expect(ws.rowCount).toBe(1);
  });

  it('waits for a slow reader instead of buffering everything', async () => {
    const out = new PassThrough({ highWaterMark: 16 * 1024 });
    const writer = createXlsxSheetWriter(out, {
      sheetName: 'Big',
      columns: [{ header: 'n', type: 'text', width: 10 }],
    });
    const rows = Array.from({ length: 20_000 }, (_, i) => [`row-${i}-${'x'.repeat(40)}`]);
    let settled = false;
    const adding = writer.addRows(rows).then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 100));
    // Nobody reads `out`: the writer holds at most what the streams buffer.
    expect(out.readableLength).toBeLessThan(1024 * 1024);
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    await adding;
    expect(settled).toBe(true);
    await writer.finish();
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.concat(chunks) as never);
    expect(wb.worksheets[0]!.rowCount).toBe(20_001);
  });
});
