import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
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

describe('properties', () => {
  const numbers = ['A1', 'A2', 'A3', 'B1', 'ZZ'];
  const eventsArb = fc.array(
    fc.record({
      number: fc.constantFrom(...numbers),
      manifestId: fc.constantFrom('M1', 'M2'),
      second: fc.integer({ min: 10, max: 59 }),
      user: fc.constantFrom('ana', 'bo'),
      undo: fc.boolean(),
    }),
    { maxLength: 40 },
  );

  it('the index and the fold agree, whatever order events arrive in', () => {
    fc.assert(
      fc.property(eventsArb, fc.integer(), (specs, seed) => {
        const events: ScanEvent[] = [];
        specs.forEach((spec, i) => {
          const event = scan(spec.number, spec.manifestId, String(spec.second), {
            user: spec.user,
          });
          events.push(event);
          if (spec.undo && i % 3 === 0) {
            events.push(
              scan(spec.number, spec.manifestId, '59', { result: 'void', voids: event.id }),
            );
          }
        });
        const shuffled = fc.sample(fc.shuffledSubarray(events, { minLength: events.length }), {
          numRuns: 1,
          seed,
        })[0]!;
        const index = indexWith([
          ['M1', 'A1'],
          ['M1', 'A2'],
          ['M1', 'A3'],
          ['M2', 'B1'],
        ]);
        for (const event of shuffled) index.addScanEvent(event);
        const progress = manifestProgress('M1', ['A1', 'A2', 'A3'], events);
        expect(index.scannedCount('M1')).toBe(progress.scanned);
        for (const number of ['A1', 'A2', 'A3']) {
          const classified = index.classify('M1', number).result;
          expect(classified === 'duplicate').toBe(!progress.missing.includes(number));
        }
      }),
    );
  });
});
