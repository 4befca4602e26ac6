// Visits to short links, tallied in memory and written as a few aggregate documents per flush,
// so a burst of visits never becomes a burst of writes. Totals are exact: each visit lands in
// exactly one bucket, each bucket in exactly one immutable document.
import type { DeviceClass } from './short-link';

export interface Visit {
  slug: string;
  at: Date;
  bot: boolean;
  deviceClass: DeviceClass;
  referrerHost: string | null;
}

export interface VisitBucketDoc {
  _id: string;
  slug: string;
  /** Start of the minute, ISO. */
  minute: string;
  bot: boolean;
  deviceClass: DeviceClass;
  referrerHost: string | null;
  count: number;
}

export type VisitTally = Map<string, Omit<VisitBucketDoc, '_id'>>;

export function createVisitTally(): VisitTally {
  return new Map();
}

function minuteOf(at: Date): string {
  return new Date(Math.floor(at.getTime() / 60_000) * 60_000).toISOString();
}

export function addVisit(tally: VisitTally, visit: Visit): void {
  const minute = minuteOf(visit.at);
  const key = [visit.slug, minute, visit.bot, visit.deviceClass, visit.referrerHost ?? ''].join(
    '\u0000',
  );
  const bucket = tally.get(key);
  if (bucket) bucket.count += 1;
  else
    tally.set(key, {
      slug: visit.slug,
      minute,
      bot: visit.bot,
      deviceClass: visit.deviceClass,
      referrerHost: visit.referrerHost,
      count: 1,
    });
}

/** Documents for one flush; `flushId` (instance + sequence) keeps ids unique across flushes. */
export function visitDocsFrom(tally: VisitTally, flushId: string): VisitBucketDoc[] {
  return [...tally.values()].map((bucket, i) => ({
    _id: `${bucket.slug}:${bucket.minute}:${flushId}:${i}`,
    ...bucket,
  }));
}

export interface VisitTotals {
  humans: number;
  bots: number;
  /** Human visits per minute, ISO minute → count, in time order. */
  perMinute: Array<{ minute: string; count: number }>;
  byDeviceClass: Partial<Record<DeviceClass, number>>;
  byReferrerHost: Record<string, number>;
}

export function visitTotalsFrom(docs: Iterable<Omit<VisitBucketDoc, '_id'>>): VisitTotals {
  const totals: VisitTotals = {
    humans: 0,
    bots: 0,
    perMinute: [],
    byDeviceClass: {},
    byReferrerHost: {},
  };
  const perMinute = new Map<string, number>();
  for (const doc of docs) {
    if (doc.bot) {
      totals.bots += doc.count;
      continue;
    }
    totals.humans += doc.count;
    perMinute.set(doc.minute, (perMinute.get(doc.minute) ?? 0) + doc.count);
    totals.byDeviceClass[doc.deviceClass] =
      (totals.byDeviceClass[doc.deviceClass] ?? 0) + doc.count;
    if (doc.referrerHost) {
      totals.byReferrerHost[doc.referrerHost] =
        (totals.byReferrerHost[doc.referrerHost] ?? 0) + doc.count;
    }
  }
  totals.perMinute = [...perMinute]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([minute, count]) => ({ minute, count }));
  return totals;
}
