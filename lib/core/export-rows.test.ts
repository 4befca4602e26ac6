import { describe, expect, it } from 'vitest';
import {
  csvField,
  csvHeader,
  exportFileName,
  manifestScanIndex,
  unexpectedExportRows,
  waybillExportRow,
} from './export-rows';
import type { ExportScan } from './export-rows';
import { manifestProgress } from './scan-matching';

const scan = (id: string, normalised: string, extra: Partial<ExportScan> = {}): ExportScan => ({
  id,
  normalised,
  code: normalised,
  manifestId: 'm',
  user: 'sam',
  deviceId: 'd',
  source: 'manual',
  result: 'matched',
  scannedAt: `2026-05-01T08:00:0${id.slice(-1)}.000Z`,
  ...extra,
});

describe('csvField', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['+44 7700', "'+44 7700"],
    ['-5', "'-5"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tx', "'\tx"],
    ['000123', '000123'],
    ['a,b', '"a,b"'],
    // A semicolon-locale Excel splits on ';': quoted, the formula stays inside one text cell.
    ["X;=cmd|' /C calc'!A0", `"X;=cmd|' /C calc'!A0"`],
    ['say "hi"', '"say ""hi"""'],
    [1.5, '1.5'],
    [null, ''],
  ])('%j → %s', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });
  it('the header starts with a BOM', () => {
    expect(csvHeader([{ header: 'A' }])).toBe('\ufeffA\r\n');
  });
});

describe('manifestScanIndex', () => {
  const events = [
    scan('s1', 'A'),
    scan('s2', 'A'),
    scan('s3', 'B'),
    scan('s4', 'B', { result: 'void', voids: 's3' }),
    scan('s5', 'Z'),
    scan('s6', 'C', { manifestId: 'other' }),
    scan('s7', 'Z', { user: 'bo', deviceId: 'd2' }),
  ];
  it('agrees with manifestProgress on scanned, missing and unexpected', () => {
    const index = manifestScanIndex('m', events);
    const progress = manifestProgress('m', ['A', 'B', 'C'], events);
    const scanned = ['A', 'B', 'C'].filter((n) =>
      waybillExportRow('scanned', { number: n }, index),
    );
    const missing = ['A', 'B', 'C'].filter((n) =>
      waybillExportRow('missing', { number: n }, index),
    );
    expect(scanned.length).toBe(progress.scanned);
    expect(missing).toEqual(progress.missing);
    const unexpected = unexpectedExportRows(index, (n) => ['A', 'B', 'C'].includes(n));
    expect(unexpected.map((r) => r.normalised)).toEqual(['Z']);
    expect(unexpected[0]).toMatchObject({ scans: 2 });
    // The dashboard's count is the export's row count: a stray number scanned twice is one.
    expect(progress.unexpected).toBe(unexpected.length);
    expect(waybillExportRow('scanned', { number: 'A' }, index)).toMatchObject({
      scans: 2,
      scannedBy: 'sam',
    });
  });

  it('a scanner’s void of someone else’s scan does not take it out of the export', () => {
    const index = manifestScanIndex('m', [
      scan('s1', 'A'),
      scan('s2', 'A', { result: 'void', voids: 's1', user: 'bo', manifestId: 'other' }),
      scan('s3', 'B'),
      scan('s4', 'B', { result: 'void', voids: 's3', user: 'sue', voidReason: 'wrong pallet' }),
    ]);
    expect(waybillExportRow('scanned', { number: 'A' }, index)).toMatchObject({ scans: 1 });
    expect(waybillExportRow('missing', { number: 'B' }, index)).toMatchObject({ number: 'B' });
  });
});

describe('exportFileName', () => {
  it.each([
    ['Lagos hub / 1 May', 'Lagos-hub-1-May-scanned.xlsx', 'Lagos-hub-1-May-scanned.xlsx'],
    ['上海 仓库 5月', '上海-仓库-5月-scanned.xlsx', '5-scanned.xlsx'],
    ['Düsseldorf Süd', 'Düsseldorf-Süd-scanned.xlsx', 'Dusseldorf-Sud-scanned.xlsx'],
    ['../../etc/passwd', 'etcpasswd-scanned.xlsx', 'etcpasswd-scanned.xlsx'],
    ['"quoted";name\r\n', 'quotedname-scanned.xlsx', 'quotedname-scanned.xlsx'],
    ['***', 'manifest-scanned.xlsx', 'manifest-scanned.xlsx'],
  ])('%j → %s (ASCII fallback %s)', (name, file, ascii) => {
    expect(exportFileName(name, 'scanned', 'xlsx')).toBe(file);
    expect(exportFileName(name, 'scanned', 'xlsx', { ascii: true })).toBe(ascii);
  });
});
