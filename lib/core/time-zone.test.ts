import { describe, expect, it } from 'vitest';
import { knownTimeZone, wallClockIn, wallClockText } from './time-zone';

describe('knownTimeZone', () => {
  it.each([
    ['Africa/Lagos', 'Africa/Lagos'],
    ['europe/berlin', 'Europe/Berlin'],
    ['Asia/Kolkata', 'Asia/Kolkata'],
    ['UTC', 'UTC'],
    ['Mars/Olympus', null],
    ['', null],
    [42, null],
    ['A'.repeat(65), null],
  ])('%j → %j', (name, zone) => expect(knownTimeZone(name)).toBe(zone));
});

describe('wallClockIn', () => {
  const at = (zone: string, iso: string) => wallClockText(wallClockIn(zone)(new Date(iso)));
  it.each([
    ['UTC', '2026-05-01T08:15:30.000Z', '2026-05-01 08:15:30'],
    ['Africa/Lagos', '2026-05-01T08:15:30.000Z', '2026-05-01 09:15:30'],
    ['Asia/Kolkata', '2026-05-01T20:00:00.000Z', '2026-05-02 01:30:00'],
    ['America/New_York', '2026-01-15T03:00:00.000Z', '2026-01-14 22:00:00'],
    // Berlin's clocks go forward at 01:00 UTC on 29 March 2026: 01:59 → 02:59, then 03:00.
    ['Europe/Berlin', '2026-03-29T00:59:59.000Z', '2026-03-29 01:59:59'],
    ['Europe/Berlin', '2026-03-29T01:00:00.000Z', '2026-03-29 03:00:00'],
    // Lord Howe Island moves by half an hour.
    ['Australia/Lord_Howe', '2026-01-15T00:00:00.000Z', '2026-01-15 11:00:00'],
    ['Australia/Lord_Howe', '2026-07-15T00:00:00.000Z', '2026-07-15 10:30:00'],
  ])('%s: %s reads %s', (zone, iso, text) => expect(at(zone, iso)).toBe(text));

  it('gives the same answers from its cache, instant after instant', () => {
    const clock = wallClockIn('Europe/Berlin');
    const start = Date.UTC(2026, 2, 28, 22);
    for (let ms = start; ms < start + 6 * 3_600_000; ms += 7 * 60_000) {
      const expected = new Intl.DateTimeFormat('sv-SE', {
        timeZone: 'Europe/Berlin',
        dateStyle: 'short',
        timeStyle: 'medium',
      }).format(ms);
      expect(wallClockText(clock(new Date(ms)))).toBe(expected);
    }
  });
});
