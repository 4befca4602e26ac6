import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ExportScan } from './export-rows';
import { manifestScanIndex, unexpectedExportRows, waybillExportRow } from './export-rows';
import { cancelledScanIds, createLiveScans } from './live-scans';
import { createMatchIndex, manifestProgress, type ScanEvent } from './scan-matching';

let seq = 0;
function scan(
  normalised: string,
  manifestId: string,
  at: string,
  extra: Partial<ScanEvent> = {},
): ScanEvent {
  seq += 1;
  return {
    id: `dev-1:${String(seq).padStart(26, '0')}`,
    normalised,
    manifestId,
    user: 'ana',
    scannedAt: `2026-11-23T08:00:${at}.000Z`,
    result: 'matched',
    ...extra,
  };
}

function indexWith(waybills: Array<[string, string]>) {
  const index = createMatchIndex();
  for (const [manifestId, number] of waybills) index.addWaybill(manifestId, number);
  return index;
}

describe('createMatchIndex.classify', () => {
  it.each([
    ['an expected waybill scanned first time', 'M1', 'A1', { result: 'matched' }],
    ['a number no open manifest expects', 'M1', 'ZZ', { result: 'unknown' }],
    ['a number of another manifest', 'M1', 'B1', { result: 'other-manifest', manifestIds: ['M2'] }],
    ['a scan outside any manifest', '', 'A1', { result: 'free' }],
  ])('%s', (_name, manifestId, number, expected) => {
    const index = indexWith([
      ['M1', 'A1'],
      ['M2', 'B1'],
    ]);
    expect(index.classify(manifestId, number)).toEqual(expected);
  });

  it('says who scanned a duplicate first and when', () => {
    const index = indexWith([['M1', 'A1']]);
    index.addScanEvent(scan('A1', 'M1', '05', { user: 'bo' }));
    expect(index.classify('M1', 'A1')).toMatchObject({
      result: 'duplicate',
      first: { user: 'bo', scannedAt: '2026-11-23T08:00:05.000Z' },
    });
  });

  it('undo (a void event) makes the waybill scannable again without deleting anything', () => {
    const index = indexWith([['M1', 'A1']]);
    const first = scan('A1', 'M1', '05');
    index.addScanEvent(first);
    index.addScanEvent(scan('A1', 'M1', '06', { result: 'void', voids: first.id }));
    expect(index.classify('M1', 'A1')).toEqual({ result: 'matched' });
    expect(index.scannedCount('M1')).toBe(0);
  });

  it('a void that arrives before its scan still cancels it', () => {
    const index = indexWith([['M1', 'A1']]);
    const first = scan('A1', 'M1', '05');
    index.addScanEvent(scan('A1', 'M1', '06', { result: 'void', voids: first.id }));
    index.addScanEvent(first);
    expect(index.scannedCount('M1')).toBe(0);
  });

  it('a scanner’s void of someone else’s scan leaves it scanned; a supervisor’s with a reason does not', () => {
    const index = indexWith([
      ['M1', 'A1'],
      ['M1', 'A2'],
    ]);
    const anas = scan('A1', 'M1', '05', { user: 'ana' });
    const bos = scan('A2', 'M1', '05', { user: 'bo' });
    index.addScanEvent(scan('A1', 'M1', '06', { user: 'bo', result: 'void', voids: anas.id }));
    index.addScanEvent(anas);
    index.addScanEvent(bos);
    index.addScanEvent(
      scan('A2', 'M1', '07', {
        user: 'sue',
        result: 'void',
        voids: bos.id,
        voidReason: 'mis-scan',
      }),
    );
    expect(index.classify('M1', 'A1')).toMatchObject({
      result: 'duplicate',
      first: { user: 'ana' },
    });
    expect(index.classify('M1', 'A2')).toEqual({ result: 'matched' });
    expect(index.scannedCount('M1')).toBe(1);
  });

  it('counts a scan that arrived before its waybill once the waybill syncs in', () => {
    const index = createMatchIndex();
    index.addScanEvent(scan('A1', 'M1', '05'));
    expect(index.scannedCount('M1')).toBe(0);
    index.addWaybill('M1', 'A1');
    expect(index.scannedCount('M1')).toBe(1);
  });

  it('ignores an event delivered twice', () => {
    const index = indexWith([['M1', 'A1']]);
    const event = scan('A1', 'M1', '05');
    index.addScanEvent(event);
    index.addScanEvent(event);
    expect(index.scannedCount('M1')).toBe(1);
  });
});

describe('manifestProgress', () => {
  it('counts scanned, missing, duplicates and unexpected', () => {
    const events = [
      scan('A1', 'M1', '01'),
      scan('A1', 'M1', '02'),
      scan('A2', 'M1', '03'),
      scan('XX', 'M1', '04'),
      scan('XX', 'M1', '06', { user: 'bo' }),
      scan('A3', 'M2', '05'),
    ];
    expect(manifestProgress('M1', ['A1', 'A2', 'A3'], events)).toEqual({
      expected: 3,
      scanned: 2,
      missing: ['A3'],
      duplicates: 1,
      unexpected: 1,
    });
  });
});

type SpecsOf<A> = A extends fc.Arbitrary<infer T> ? T : never;

describe('properties', () => {
  const numbers = ['A1', 'A2', 'A3', 'B1', 'ZZ'];
  const expectedM1 = ['A1', 'A2', 'A3'];
  // Who undoes a scan: its owner, another scanner (cancels nothing), a supervisor with a reason
  // (cancels it), or a supervisor who gave none (cancels nothing).
  const UNDOERS = ['none', 'owner', 'other', 'supervisor', 'supervisor-blank'] as const;
  const eventsArb = fc.array(
    fc.record({
      number: fc.constantFrom(...numbers),
      manifestId: fc.constantFrom('M1', 'M2', ''),
      second: fc.integer({ min: 10, max: 59 }),
      user: fc.constantFrom('ana', 'bo'),
      undo: fc.constantFrom(...UNDOERS),
      undoAgain: fc.boolean(),
      twice: fc.boolean(),
    }),
    { maxLength: 40 },
  );

  /** The rule as the issue states it, written out apart from the code under test. */
  function countsByRule(events: readonly ScanEvent[]): Set<string> {
    const counted = new Set<string>();
    for (const e of events) {
      if (e.result === 'void') continue;
      const undone = events.some(
        (v) =>
          v.result === 'void' &&
          v.voids === e.id &&
          (v.user === e.user || (v.voidReason ?? '').trim() !== ''),
      );
      if (!undone) counted.add(e.id);
    }
    return counted;
  }

  function eventsFrom(specs: SpecsOf<typeof eventsArb>) {
    const events: ScanEvent[] = [];
    for (const spec of specs) {
      const event = scan(spec.number, spec.manifestId, String(spec.second), { user: spec.user });
      events.push(event);
      if (spec.twice) events.push(event); // replication delivered it twice
      if (spec.undo === 'none') continue;
      const by =
        spec.undo === 'owner'
          ? { user: spec.user }
          : spec.undo === 'other'
            ? { user: spec.user === 'ana' ? 'bo' : 'ana' }
            : { user: 'sue', voidReason: spec.undo === 'supervisor' ? 'wrong pallet' : ' ' };
      const undo = { result: 'void', voids: event.id, ...by };
      events.push(scan(spec.number, spec.manifestId, '59', undo));
      if (spec.undoAgain) events.push(scan(spec.number, spec.manifestId, '59', undo));
    }
    return events;
  }

  it('index, fold, export, feed and the rule agree, whatever order events arrive in', () => {
    fc.assert(
      fc.property(eventsArb, fc.integer(), (specs, seed) => {
        const events = eventsFrom(specs);
        const shuffled = fc.sample(fc.shuffledSubarray(events, { minLength: events.length }), {
          numRuns: 1,
          seed,
        })[0]!;
        const counted = countsByRule(events);
        const liveOfM1 = (number: string) =>
          new Set(
            events
              .filter((e) => counted.has(e.id) && e.manifestId === 'M1' && e.normalised === number)
              .map((e) => e.id),
          );

        // The device's match index, fed in arrival order.
        const index = indexWith([
          ['M1', 'A1'],
          ['M1', 'A2'],
          ['M1', 'A3'],
          ['M2', 'B1'],
        ]);
        for (const event of shuffled) index.addScanEvent(event);
        // The fold the dashboard and the server's progress use.
        const progress = manifestProgress('M1', expectedM1, shuffled);
        // The export's index.
        const exported = manifestScanIndex(
          'M1',
          shuffled.map((e): ExportScan => ({
            ...e,
            code: e.normalised,
            deviceId: 'd',
            source: 'manual',
          })),
        );
        // The feed (struck-through rows) and the dashboard's running counts.
        const cancelled = cancelledScanIds(shuffled);
        const live = createLiveScans<ScanEvent>();
        let running = 0;
        for (const event of shuffled) {
          const change = live.add(event);
          if (change && 'live' in change) running += 1;
          if (change && 'cancelled' in change) running -= 1;
        }

        expect(running).toBe(counted.size);
        for (const e of events) {
          if (e.result === 'void') continue;
          expect(cancelled.has(e.id)).toBe(!counted.has(e.id));
          expect(live.isLive(e.id)).toBe(counted.has(e.id));
        }
        const scannedByRule = expectedM1.filter((n) => liveOfM1(n).size > 0);
        expect(index.scannedCount('M1')).toBe(scannedByRule.length);
        expect(progress.scanned).toBe(scannedByRule.length);
        expect(progress.missing).toEqual(expectedM1.filter((n) => liveOfM1(n).size === 0));
        let duplicates = 0;
        for (const number of expectedM1) {
          const byRule = liveOfM1(number);
          duplicates += Math.max(0, byRule.size - 1);
          const classified = index.classify('M1', number);
          expect(classified.result === 'duplicate').toBe(byRule.size > 0);
          const row = waybillExportRow('scanned', { number }, exported);
          expect(row?.scans ?? 0).toBe(byRule.size);
          // The first scan named by the device is the first in the export.
          if (classified.result === 'duplicate') {
            expect(exported.byNumber.get(number)![0]!.id).toBe(classified.first.scanId);
          }
        }
        expect(progress.duplicates).toBe(duplicates);
        const unexpected = unexpectedExportRows(exported, (n) => expectedM1.includes(n));
        expect(progress.unexpected).toBe(unexpected.length);
        expect(unexpected.map((r) => r.normalised).sort()).toEqual(
          ['B1', 'ZZ'].filter((n) => liveOfM1(n).size > 0),
        );
      }),
    );
  });
});
