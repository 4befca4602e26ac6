import { describe, expect, it } from 'vitest';
import { cellText, isDateFormat, isoFromSerial } from './cell-text';

// exceljs turns a date-formatted serial into a Date as (serial - 25569) days after 1970-01-01 UTC.
const exceljsDate = (serial: number) => new Date(Math.round((serial - 25569) * 86_400_000));

describe('cellText', () => {
  it.each([
    ['empty', null, undefined, ''],
    ['text trimmed', '  ABC123 \n', undefined, 'ABC123'],
    ['OOXML escape for CR', 'line_x000D_', undefined, 'line'],
    ['escaped underscore stays literal', 'a_x005F_x0041_b', undefined, 'a_x0041_b'],
    ['integer in General', 123456789, 'General', '123456789'],
    ['integer with no format', 42, undefined, '42'],
    ['zero-padded 000000000', 1234, '000000000', '000001234'],
    ['zero-padded with literal prefix', 77, '"AWB"000000', 'AWB000077'],
    ['escaped literal prefix', 5, '\\J\\D0000', 'JD0005'],
    ['big integer never exponent', 1e14, 'General', '100000000000000'],
    ['float noise rounded', 0.1 + 0.2, undefined, '0.3'],
    ['fixed decimals', 2.5, '0.00', '2.50'],
    ['thousands separators left out', 1234567, '#,##0', '1234567'],
    ['percent', 0.25, '0%', '25%'],
    ['zero-padded digit groups', 1234, '000 000 000', '000 001 234'],
    ['phone with a leading zero in groups', 8012345678, '0000 000 0000', '0801 234 5678'],
    ['UK phone format', 2079460000, '00000 000000', '02079 460000'],
    ['phone with a quoted +', 447700900123, '"+"00 0000 000000', '+44 7700 900123'],
    ['more digits than placeholders go in front', 123456789, '00-00', '1234567-89'],
    ['optional groups without digits show nothing', 1234, '### ### ###', '1 234'],
    ['groups then decimals', 1234.5, '000 000.00', '001 234.50'],
    ['escaped literal between groups', 12345, '00\\-000', '12-345'],
    ['negative', -3, '0', '-3'],
    ['text format holding a number', 123, '@', '123'],
    ['boolean', true, undefined, 'TRUE'],
    ['phone keeps +', ' +44 7700 900123 ', undefined, '+44 7700 900123'],
    ['HTML kept verbatim', '<script>alert(1)</script>', undefined, '<script>alert(1)</script>'],
    ['ZPL kept verbatim', '^XA~JA^FDx^FS^XZ', undefined, '^XA~JA^FDx^FS^XZ'],
    [
      'rich text concatenated',
      { richText: [{ text: 'JD01' }, { text: '23 ' }] },
      undefined,
      'JD0123',
    ],
    ['formula uses cached result', { formula: 'A1&B1', result: 'AB12' }, undefined, 'AB12'],
    ['formula number result with format', { formula: 'A1', result: 12 }, '00000', '00012'],
    ['shared formula', { sharedFormula: 'A2', result: 7 }, undefined, '7'],
    ['hyperlink text', { text: 'X9', hyperlink: 'https://e.x' }, undefined, 'X9'],
    ['date serial with date format', 45292, 'yyyy-mm-dd', '2024-01-01'],
    ['date serial with US format', 45292, 'mm-dd-yy', '2024-01-01'],
    ['exceljs Date', exceljsDate(45292), 'dd/mm/yyyy', '2024-01-01'],
    ['exceljs Date before the leap bug', exceljsDate(1), 'yyyy-mm-dd', '1900-01-01'],
    ['exceljs Date on the day that never was', exceljsDate(60), 'yyyy-mm-dd', '1900-02-29'],
    ['exceljs Date after the leap bug', exceljsDate(61), 'yyyy-mm-dd', '1900-03-01'],
    ['date and time', 45292.5, 'yyyy-mm-dd hh:mm', '2024-01-01 12:00:00'],
    ['date format with locale and colour', 45292, '[$-409][Red]d-mmm-yy', '2024-01-01'],
  ])('%s', (_name, value, numFmt, text) => {
    expect(cellText({ value, numFmt }).text).toBe(text);
  });

  it.each([
    ['above 2^53', 2 ** 53 + 2],
    ['16 digits (Excel keeps 15)', 1234567890123456],
    ['20 digits', Number('12345678901234567890')],
  ])('flags precision-lost: %s', (_name, value) => {
    const out = cellText({ value, numFmt: 'General' });
    expect(out.issue).toBe('precision-lost');
    expect(out.text).not.toMatch(/e/i);
  });

  it.each([
    ['error value', { error: '#N/A' }, '#N/A', 'error-value'],
    ['formula without cached value', { formula: 'A1' }, '', 'formula-not-calculated'],
    [
      'formula with an error result (read as NaN)',
      { formula: 'NA()', result: NaN },
      '',
      'error-value',
    ],
  ])('reports %s', (_name, value, text, issue) => {
    expect(cellText({ value })).toEqual({ text, issue });
  });

  it('keeps the number beside the text', () => {
    expect(cellText({ value: 2.5 })).toEqual({ text: '2.5', number: 2.5 });
  });

  it('reads the 1904 date system', () => {
    expect(cellText({ value: 0, numFmt: 'yyyy-mm-dd' }, { date1904: true }).text).toBe(
      '1904-01-01',
    );
    const d = new Date(Math.round((0 - 25569 + 1462) * 86_400_000));
    expect(cellText({ value: d, numFmt: 'yyyy-mm-dd' }, { date1904: true }).text).toBe(
      '1904-01-01',
    );
  });
});

describe('isDateFormat', () => {
  it.each([
    ['General', false],
    ['000000000', false],
    ['0.00E+00', false],
    ['"day"0', false],
    ['yyyy-mm-dd', true],
    ['d/m/yy', true],
    ['h:mm', true],
    ['[$-F800]dddd, mmmm dd, yyyy', true],
    [undefined, false],
  ])('%s → %s', (fmt, expected) => {
    expect(isDateFormat(fmt)).toBe(expected);
  });
});

describe('isoFromSerial', () => {
  it.each([
    [1, '1900-01-01'],
    [59, '1900-02-28'],
    [60, '1900-02-29'],
    [61, '1900-03-01'],
    [45658, '2025-01-01'],
  ])('%s → %s', (serial, iso) => {
    expect(isoFromSerial(serial)).toBe(iso);
  });
});
