import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addVisit,
  createVisitTally,
  visitDocsFrom,
  visitTotalsFrom,
  type Visit,
} from './visit-tally';

const at = (hhmmss: string) => new Date(`2026-11-23T${hhmmss}.000Z`);
const visit = (over: Partial<Visit> = {}): Visit => ({
  slug: 'dock-7',
  at: at('08:00:10'),
  bot: false,
  deviceClass: 'mobile',
  referrerHost: null,
  ...over,
});

describe('visit tally', () => {
  it('folds a burst into one document per minute and kind', () => {
    const tally = createVisitTally();
    for (let i = 0; i < 500; i += 1) addVisit(tally, visit());
    addVisit(tally, visit({ at: at('08:01:00') }));
    addVisit(tally, visit({ bot: true, deviceClass: 'other' }));
    const docs = visitDocsFrom(tally, 'i1-1');
    expect(docs).toHaveLength(3);
    expect(docs[0]).toMatchObject({ minute: '2026-11-23T08:00:00.000Z', count: 500 });
    expect(new Set(docs.map((d) => d._id)).size).toBe(3);
  });

  it('counts bots apart from people', () => {
    const tally = createVisitTally();
    addVisit(tally, visit());
    addVisit(tally, visit({ bot: true }));
    addVisit(tally, visit({ referrerHost: 'mail.example.com', deviceClass: 'desktop' }));
    expect(visitTotalsFrom(visitDocsFrom(tally, 'x'))).toEqual({
      humans: 2,
      bots: 1,
      perMinute: [{ minute: '2026-11-23T08:00:00.000Z', count: 2 }],
      byDeviceClass: { mobile: 1, desktop: 1 },
      byReferrerHost: { 'mail.example.com': 1 },
    });
  });

  it('totals are exact however visits are split across flushes (property)', () => {
    const visitArb = fc.record({
      minute: fc.integer({ min: 0, max: 5 }),
      bot: fc.boolean(),
      mobile: fc.boolean(),
      flushAfter: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(visitArb, { maxLength: 200 }), (specs) => {
        const docs = [];
        let tally = createVisitTally();
        let flush = 0;
        for (const spec of specs) {
          addVisit(
            tally,
            visit({
              at: at(`08:0${spec.minute}:30`),
              bot: spec.bot,
              deviceClass: spec.mobile ? 'mobile' : 'desktop',
            }),
          );
          if (spec.flushAfter) {
            docs.push(...visitDocsFrom(tally, `f${(flush += 1)}`));
            tally = createVisitTally();
          }
        }
        docs.push(...visitDocsFrom(tally, `f${flush + 1}`));
        const totals = visitTotalsFrom(docs);
        expect(totals.humans).toBe(specs.filter((s) => !s.bot).length);
        expect(totals.bots).toBe(specs.filter((s) => s.bot).length);
        expect(new Set(docs.map((d) => d._id)).size).toBe(docs.length);
      }),
    );
  });
});
