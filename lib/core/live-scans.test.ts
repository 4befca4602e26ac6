import { describe, expect, it } from 'vitest';
import type { VoidableEvent } from './live-scans';
import {
  cancelledScanIds,
  compareScanEvents,
  createLiveScans,
  liveScansOf,
  voidCancels,
} from './live-scans';

const at = (s: number) => `2026-05-01T08:00:${String(s).padStart(2, '0')}.000Z`;
const scan = (id: string, user: string, extra: Partial<VoidableEvent> = {}): VoidableEvent => ({
  id,
  user,
  scannedAt: at(Number(id.slice(-1))),
  result: 'matched',
  ...extra,
});
const voidOf = (
  id: string,
  target: string,
  user: string,
  extra: Partial<VoidableEvent> = {},
): VoidableEvent => scan(id, user, { result: 'void', voids: target, ...extra });

const samScan = scan('d:1', 'sam');

describe('voidCancels', () => {
  it.each([
    ['the owner’s own undo', voidOf('d:2', 'd:1', 'sam'), true],
    ['the owner’s undo from another device', voidOf('e:2', 'd:1', 'sam'), true],
    ['another scanner’s void', voidOf('d:2', 'd:1', 'bo'), false],
    [
      'another person’s void with an empty reason',
      voidOf('d:2', 'd:1', 'bo', { voidReason: '' }),
      false,
    ],
    [
      'another person’s void with a blank reason',
      voidOf('d:2', 'd:1', 'bo', { voidReason: '  ' }),
      false,
    ],
    [
      'a supervisor’s void with a reason',
      voidOf('d:2', 'd:1', 'sue', { voidReason: 'scanned onto the wrong pallet' }),
      true,
    ],
    ['a void naming another scan', voidOf('d:2', 'd:9', 'sam'), false],
    ['a scan that only carries `voids`', scan('d:2', 'sam', { voids: 'd:1' }), false],
  ])('%s → %s', (_name, event, expected) => {
    expect(voidCancels(event, samScan)).toBe(expected);
  });

  it('a void never cancels a void', () => {
    const undo = voidOf('d:2', 'd:1', 'sam');
    expect(voidCancels(voidOf('d:3', 'd:2', 'sam'), undo)).toBe(false);
  });
});

describe('liveScansOf / cancelledScanIds', () => {
  it('a scanner undoes only their own scan; a supervisor with a reason undoes anyone’s', () => {
    const events = [
      scan('d:1', 'sam'),
      scan('d:2', 'sam'),
      scan('d:3', 'ana'),
      voidOf('e:4', 'd:1', 'bo'), // bo's void of sam's scan: nothing
      voidOf('d:5', 'd:2', 'sam'), // sam's own undo
      voidOf('s:6', 'd:3', 'sue', { voidReason: 'double-counted pallet' }),
    ];
    expect([...cancelledScanIds(events)].sort()).toEqual(['d:2', 'd:3']);
    expect(liveScansOf(events).map((e) => e.id)).toEqual(['d:1']);
  });

  it('a void before its scan still cancels it, and an event delivered twice counts once', () => {
    const first = scan('d:1', 'sam');
    expect(liveScansOf([voidOf('d:2', 'd:1', 'sam'), first])).toEqual([]);
    expect(liveScansOf([first, first]).length).toBe(1);
  });
});

describe('createLiveScans', () => {
  it('says what each event changed, in any order', () => {
    const live = createLiveScans<VoidableEvent>();
    const a = scan('d:1', 'sam');
    expect(live.add(voidOf('e:2', 'd:1', 'bo'))).toBeNull();
    expect(live.add(a)).toEqual({ live: a });
    expect(live.add(a)).toBeNull();
    expect(live.add(voidOf('d:3', 'd:1', 'sam'))).toEqual({ cancelled: a });
    // Voided twice (two devices, or two quick undos): it comes off once.
    expect(live.add(voidOf('d:4', 'd:1', 'sam'))).toBeNull();
    expect(live.isLive('d:1')).toBe(false);
    const b = scan('d:5', 'ana');
    expect(live.add(voidOf('s:6', 'd:5', 'sue', { voidReason: 'wrong manifest' }))).toBeNull();
    expect(live.add(b)).toBeNull();
    expect(live.isLive('d:5')).toBe(false);
  });
});

describe('compareScanEvents', () => {
  it('orders by time, then by id', () => {
    const events = [scan('d:2', 'sam'), scan('c:2', 'sam'), scan('d:1', 'sam')];
    expect(events.sort(compareScanEvents).map((e) => e.id)).toEqual(['d:1', 'c:2', 'd:2']);
  });
});
