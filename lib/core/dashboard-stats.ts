// Small pure folds for the admin dashboard: scans per minute and per scanner, the latest feed.
// Progress numbers come from manifestProgress() (scan-matching.ts); these are the rest.

/** The minute of an ISO time, `YYYY-MM-DDTHH:MM` (UTC), or null when it is not an ISO time. */
export function minuteKeyOf(iso: string): string | null {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(iso) ? iso.slice(0, 16) : null;
}

export interface MinuteCount {
  /** `YYYY-MM-DDTHH:MM` (UTC). */
  minute: string;
  count: number;
}

/** The last `minutes` minutes up to and including `now`'s minute, oldest first, zeros filled in. */
export function perMinuteSeries(
  counts: ReadonlyMap<string, number>,
  now: Date,
  minutes: number,
): MinuteCount[] {
  const end = Math.floor(now.getTime() / 60_000) * 60_000;
  const out: MinuteCount[] = [];
  for (let i = minutes - 1; i >= 0; i--) {
    const minute = new Date(end - i * 60_000).toISOString().slice(0, 16);
    out.push({ minute, count: counts.get(minute) ?? 0 });
  }
  return out;
}

/** Adds (or with `by = -1` removes) one count under `key`; zero entries are dropped. */
export function bumpCount(counts: Map<string, number>, key: string, by: number): void {
  const next = (counts.get(key) ?? 0) + by;
  if (next > 0) counts.set(key, next);
  else counts.delete(key);
}

/** Counts sorted highest first, then by key. */
export function rankedCounts(
  counts: ReadonlyMap<string, number>,
): { key: string; count: number }[] {
  return [...counts]
    .map(([key, count]) => ({ key, count }))
    .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * Ratio as a whole percentage for a progress bar, 0 when nothing is expected. Rounded down, so
 * 100 % means nothing is missing (999 of 1,000 is 99 %, not 100 %).
 */
export function percentOf(part: number, whole: number): number {
  if (whole <= 0) return 0;
  return Math.min(100, Math.max(0, Math.floor((part * 100) / whole)));
}

/**
 * The `limit` items with the smallest keys among those offered, in key order: the first page of
 * a long list without sorting all of it. Ask `wants(key)` before building an item.
 */
export function firstByKey<T>(limit: number, keyOf: (item: T) => string) {
  const items: T[] = [];
  return {
    wants: (key: string): boolean =>
      limit > 0 && (items.length < limit || key < keyOf(items[items.length - 1]!)),
    add(item: T): void {
      const key = keyOf(item);
      let lo = 0;
      let hi = items.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (keyOf(items[mid]!) <= key) lo = mid + 1;
        else hi = mid;
      }
      items.splice(lo, 0, item);
      if (items.length > limit) items.pop();
    },
    items: (): T[] => items,
  };
}
