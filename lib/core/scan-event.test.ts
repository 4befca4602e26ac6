import { describe, expect, it } from 'vitest';
import { type ClassifiedScanInput, scanEventFrom, undoTargetOf, voidEventFor } from './scan-event';

const ULID = '01JD0000000000000000000000';
const ULID2 = '01JD0000000000000000000001';

describe('scanEventFrom / voidEventFor / undoTargetOf', () => {
  const now = new Date('2026-03-02T08:15:00.000Z');
  const input: ClassifiedScanInput = {
    code: ']C100106141411234567897',
    normalised: '106141411234567897',
    manifestId: 'm-1',
    result: 'matched',
    deviceId: 'dev_1',
    ulid: ULID,
    user: 'ana',
    source: 'camera',
    now,
  };
  const scan = scanEventFrom(input);

  it('records the classification the feedback came from', () => {
    expect(scan).toEqual({
      id: `dev_1:${ULID}`,
      code: ']C100106141411234567897',
      normalised: '106141411234567897',
      manifestId: 'm-1',
      result: 'matched',
      source: 'camera',
      deviceId: 'dev_1',
      user: 'ana',
      scannedAt: '2026-03-02T08:15:00.000Z',
    });
  });

  it('refuses a bad device id', () => {
    expect(() => scanEventFrom({ ...input, deviceId: 'a b' })).toThrow(/device id/);
  });

  it('an undo is a new void event naming the scan', () => {
    const undo = voidEventFor(scan, { deviceId: 'dev_1', ulid: ULID2, user: 'ana', now });
    expect(undo).toMatchObject({ id: `dev_1:${ULID2}`, result: 'void', voids: scan.id });
    expect(undo.normalised).toBe(scan.normalised);
    expect(undo).not.toHaveProperty('voidReason');
  });

  it.each([
    ['  pallet scanned twice  ', 'pallet scanned twice'],
    ['   ', undefined],
    ['x'.repeat(600), 'x'.repeat(500)],
  ])('a supervisor’s void carries the reason %j as %j', (reason, expected) => {
    const undo = voidEventFor(scan, { deviceId: 'dev_9', ulid: ULID2, user: 'sue', now, reason });
    expect(undo.voidReason).toBe(expected);
  });

  const a = { ...scan, id: 'd:A' };
  const b = { ...scan, id: 'd:B' };
  const voidB = { ...scan, id: 'd:C', result: 'void' as const, voids: 'd:B' };
  const bosScan = { ...scan, id: 'd:E', user: 'bo' };
  it.each([
    ['newest live scan', [b, a], 'd:B'],
    ['skips a voided scan and the void', [voidB, b, a], 'd:A'],
    ['nothing left', [{ ...voidB, voids: 'd:A', id: 'd:D' }, voidB, b, a], null],
    ['empty', [], null],
    // A shared device: bo's newer scan is not ana's to undo (her void would cancel nothing).
    ['skips another person’s scan', [bosScan, b, a], 'd:B'],
    ['a void by someone else did not cancel the scan', [{ ...voidB, user: 'bo' }, b, a], 'd:B'],
  ])('undoTargetOf: %s', (_name, events, expected) => {
    expect(undoTargetOf(events, 'ana')?.id ?? null).toBe(expected);
  });
});
