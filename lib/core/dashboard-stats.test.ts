import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstByKey, percentOf, perMinuteSeries } from './dashboard-stats';

describe('percentOf', () => {
  it.each([
    [0, 0, 0],
    [0, 10, 0],
    [1, 3, 33],
    [999, 1000, 99],
    [19_995, 20_000, 99],
    [1000, 1000, 100],
    [1200, 1000, 100],
  ])('%i of %i → %i %%', (part, whole, expected) => {
    expect(percentOf(part, whole)).toBe(expected);
  });
});

describe('perMinuteSeries', () => {
  it('fills the last minutes with zeros, oldest first', () => {
    const series = perMinuteSeries(
      new Map([['2026-05-01T08:02', 3]]),
      new Date('2026-05-01T08:02:30Z'),
      3,
    );
    expect(series).toEqual([
      { minute: '2026-05-01T08:00', count: 0 },
      { minute: '2026-05-01T08:01', count: 0 },
      { minute: '2026-05-01T08:02', count: 3 },
    ]);
  });
});

describe('firstByKey', () => {
  it('keeps the smallest keys in order, whatever order they are offered in', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 4 })), fc.nat(12), (keys, limit) => {
        const first = firstByKey<{ k: string }>(limit, (x) => x.k);
        for (const k of keys) if (first.wants(k)) first.add({ k });
        const expected = [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).slice(0, limit);
        expect(first.items().map((x) => x.k)).toEqual(expected);
      }),
    );
  });
});
