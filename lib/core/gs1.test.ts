import { describe, expect, it } from 'vitest';
import { GS, hasValidGs1CheckDigit, parseGs1ElementString, parseGs1HumanReadable } from './gs1';

const SSCC = '106141411234567897';
const GTIN = '09506000134352';

describe('hasValidGs1CheckDigit', () => {
  it.each([
    [SSCC, true],
    [GTIN, true],
    ['340123450000000017', true],
    ['106141411234567890', false],
    ['09506000134353', false],
    ['12a4', false],
    ['7', false],
  ])('%s → %s', (digits, valid) => {
    expect(hasValidGs1CheckDigit(digits)).toBe(valid);
  });
});

describe('parseGs1ElementString', () => {
  it.each([
    ['an SSCC', `00${SSCC}`, [['00', SSCC]]],
    [
      'GTIN, expiry, batch at the end',
      `01${GTIN}17261231` + '10AB-12',
      [
        ['01', GTIN],
        ['17', '261231'],
        ['10', 'AB-12'],
      ],
    ],
    [
      'batch ended by FNC1 then serial',
      `01${GTIN}10LOT7${GS}21SER9`,
      [
        ['01', GTIN],
        ['10', 'LOT7'],
        ['21', 'SER9'],
      ],
    ],
    ['a leading FNC1', `${GS}00${SSCC}`, [['00', SSCC]]],
    [
      'ship-to postcode after an SSCC',
      `00${SSCC}420SW1A1AA`,
      [
        ['00', SSCC],
        ['420', 'SW1A1AA'],
      ],
    ],
    [
      'day 00 means end of month',
      `01${GTIN}17260200`,
      [
        ['01', GTIN],
        ['17', '260200'],
      ],
    ],
  ])('reads %s', (_name, data, expected) => {
    const result = parseGs1ElementString(data);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.elements.map((e) => [e.ai, e.value])).toEqual(expected);
  });

  it.each([
    ['an empty string', '', 'empty'],
    ['an unknown AI', '99ABC', 'unknown-ai'],
    ['a short SSCC', '0012345', 'bad-length'],
    ['an SSCC with a wrong check digit', '00106141411234567890', 'bad-check-digit'],
    ['a GTIN with a letter', '010950600013435X', 'not-numeric'],
    ['month 13', `01${GTIN}17261301`, 'bad-date'],
    ['31 February', `01${GTIN}17260231`, 'bad-date'],
    ['a batch over 20 characters', `10${'A'.repeat(21)}`, 'bad-length'],
    ['a space in a batch', '10AB CD', 'bad-character'],
  ])('refuses %s', (_name, data, error) => {
    expect(parseGs1ElementString(data)).toMatchObject({ ok: false, error });
  });
});

describe('parseGs1HumanReadable', () => {
  it('reads the bracketed form', () => {
    const result = parseGs1HumanReadable(`(00)${SSCC}(420)12345`);
    expect(result).toMatchObject({
      ok: true,
      elements: [
        { ai: '00', value: SSCC },
        { ai: '420', value: '12345' },
      ],
    });
  });

  it('refuses text that is not all bracketed elements', () => {
    expect(parseGs1HumanReadable(`x(00)${SSCC}`)).toMatchObject({ ok: false });
  });
});
