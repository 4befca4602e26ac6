import { describe, expect, it } from 'vitest';
import { clockTimeOf, relativeTimeFrom } from './relative-time';

const NOW = new Date('2025-03-10T12:00:00Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);

describe('relativeTimeFrom', () => {
  it.each([
    [0, 'just now'],
    [59_000, 'just now'],
    [-5_000, 'just now'],
    [60_000, '1 min ago'],
    [59 * 60_000, '59 min ago'],
    [60 * 60_000, '1 h ago'],
    [23 * 3_600_000, '23 h ago'],
    [24 * 3_600_000, 'yesterday'],
    [72 * 3_600_000, '3 days ago'],
  ])('%i ms ago → %j', (ms, expected) => {
    expect(relativeTimeFrom(ago(ms), NOW)).toBe(expected);
  });
});

describe('clockTimeOf', () => {
  it('pads hours and minutes', () => {
    expect(clockTimeOf(new Date(2025, 0, 1, 7, 5))).toBe('07:05');
  });
});
