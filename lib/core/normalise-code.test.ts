import { describe, expect, it } from 'vitest';
import { codeProblem, normaliseCode } from './normalise-code';

describe('normaliseCode', () => {
  it.each([
    ['abc123', 'ABC123'],
    ['  jt0012345678  ', 'JT0012345678'],
    ['JT 0012 3456 78', 'JT0012345678'],
    ['a\tb\nc\r\n', 'ABC'],
    ['\u00a0x\u2003y', 'XY'],
    ['', ''],
    ['   ', ''],
    ['ß-1', 'SS-1'],
  ])('%j → %j', (input, expected) => {
    expect(normaliseCode(input)).toBe(expected);
  });
});

describe('codeProblem', () => {
  it.each([
    ['', 'empty'],
    [' \t ', 'empty'],
    ['X'.repeat(513), 'too-long'],
    ['X'.repeat(512), null],
    ['JT001', null],
  ])('%j → %j', (input, expected) => {
    expect(codeProblem(input)).toBe(expected);
  });
});
