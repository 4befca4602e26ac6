import { describe, expect, it } from 'vitest';
import { GS } from './gs1';
import { waybillCodeFrom } from './waybill-code';

const SSCC = '106141411234567897';

describe('waybillCodeFrom', () => {
  it.each([
    ['plain Code 128', 'JD014600006281234', 'JD014600006281234'],
    ['lower case and spaces', ' jd 0146 0000 6281 ', 'JD014600006281'],
    ['a trailing CR LF from a wedge', 'ABC123\r\n', 'ABC123'],
    ['a zero-width space from a spreadsheet', 'ABC\u200b123', 'ABC123'],
    ['leading zeros kept', '000123', '000123'],
    ['a Code 128 AIM identifier', ']C0ABC123', 'ABC123'],
    ['a QR AIM identifier', ']Q1abc-9', 'ABC-9'],
    ['GS1-128 SSCC', `]C100${SSCC}`, SSCC],
    ['GS1-128 SSCC with ship-to postcode', `]C100${SSCC}420${'SW1A'}`, SSCC],
    ['GS1 DataMatrix SSCC', `]d200${SSCC}`, SSCC],
    ['GS1 human-readable typed', `(00)${SSCC}`, SSCC],
    ['GS1 without identifier but with FNC1', `${GS}00${SSCC}`, SSCC],
    ['an SSCC sent bare by a scanner (no identifier, no FNC1)', `00${SSCC}`, SSCC],
    [
      '20 digits from 00 with a wrong SSCC check digit stay as they are',
      '00106141411234567890',
      '00106141411234567890',
    ],
    ['19 digits from 00 are no SSCC', `00${SSCC.slice(1)}`, `00${SSCC.slice(1)}`],
    [
      'GS1 product code keeps its elements',
      ']C10109506000134352' + '10L1',
      '(01)09506000134352(10)L1',
    ],
  ])('%s', (_name, raw, value) => {
    expect(waybillCodeFrom(raw)).toMatchObject({ ok: true, value });
  });

  it.each([
    ['nothing', '', 'empty'],
    ['only whitespace and an identifier', ']C0  \t', 'empty'],
    ['a GS1 SSCC with a bad check digit', ']C100106141411234567890', 'gs1-bad-check-digit'],
    ['a code longer than 100 characters', 'A'.repeat(101), 'too-long'],
  ])('refuses %s', (_name, raw, error) => {
    expect(waybillCodeFrom(raw)).toEqual({ ok: false, error });
  });

  it('applies a manifest waybill pattern to reject stray product barcodes', () => {
    const pattern = /^JD\d{15}$/;
    expect(waybillCodeFrom('JD014600006281234', { pattern })).toMatchObject({ ok: true });
    expect(waybillCodeFrom('5901234123457', { pattern })).toEqual({
      ok: false,
      error: 'pattern-mismatch',
    });
  });
});
