// Matching a scan against manifests, in memory: the device answers from this index before any
// write, and both device and server derive progress from the same fold over scan events. Which
// scans count (voids, and whose void cancels what) is decided in live-scans.ts.
import type { VoidableEvent } from './live-scans';
import { compareScanEvents, createLiveScans, liveScansOf } from './live-scans';

export type Classification =
  | { result: 'matched' }
  | { result: 'duplicate'; first: FirstScan }
  | { result: 'unknown' }
  | { result: 'other-manifest'; manifestIds: string[] }
  | { result: 'free' };

export interface FirstScan {
  scanId: string;
  user: string;
  scannedAt: string;
}

/** The fields of a scan event that matching needs (a subset of lib/schema Scan). */
export interface ScanEvent extends VoidableEvent {
  normalised: string;
  manifestId: string;
}

const key = (manifestId: string, number: string) => `${manifestId}\u0000${number}`;

export interface MatchIndex {
  addWaybill(manifestId: string, number: string): void;
  removeWaybill(manifestId: string, number: string): void;
  /** Takes a scan or void event into account; events may arrive in any order. */
  addScanEvent(event: ScanEvent): void;
  classify(manifestId: string, number: string): Classification;
  scannedCount(manifestId: string): number;
}

export function createMatchIndex(): MatchIndex {
  const manifestsOfNumber = new Map<string, Set<string>>();
  // Every live (not voided) scan per manifest+number, kept sorted so the first is the earliest.
  const scansOf = new Map<string, ScanEvent[]>();
  const live = createLiveScans<ScanEvent>();
  const scanned = new Map<string, number>();

  function isExpected(manifestId: string, number: string): boolean {
    return manifestsOfNumber.get(number)?.has(manifestId) ?? false;
  }

  function bump(manifestId: string, by: number): void {
    scanned.set(manifestId, (scanned.get(manifestId) ?? 0) + by);
  }

  function liveScans(manifestId: string, number: string): ScanEvent[] {
    return scansOf.get(key(manifestId, number)) ?? [];
  }

  function withExpectedCount(manifestId: string, number: string, change: () => void): void {
    const before = isExpected(manifestId, number) && liveScans(manifestId, number).length > 0;
    change();
    const after = isExpected(manifestId, number) && liveScans(manifestId, number).length > 0;
    if (before !== after) bump(manifestId, after ? 1 : -1);
  }

  function removeLive(target: ScanEvent): void {
    withExpectedCount(target.manifestId, target.normalised, () => {
      const list = liveScans(target.manifestId, target.normalised).filter(
        (s) => s.id !== target.id,
      );
      scansOf.set(key(target.manifestId, target.normalised), list);
    });
  }

  return {
    addWaybill(manifestId, number) {
      withExpectedCount(manifestId, number, () => {
        const set = manifestsOfNumber.get(number) ?? new Set<string>();
        set.add(manifestId);
        manifestsOfNumber.set(number, set);
      });
    },
    removeWaybill(manifestId, number) {
      withExpectedCount(manifestId, number, () => {
        manifestsOfNumber.get(number)?.delete(manifestId);
      });
    },
    addScanEvent(event) {
      const change = live.add(event);
      if (!change) return;
      if ('cancelled' in change) return removeLive(change.cancelled);
      const scan = change.live;
      if (!scan.manifestId) return;
      withExpectedCount(scan.manifestId, scan.normalised, () => {
        const list = [...liveScans(scan.manifestId, scan.normalised), scan].sort(compareScanEvents);
        scansOf.set(key(scan.manifestId, scan.normalised), list);
      });
    },
    classify(manifestId, number) {
      if (!manifestId) return { result: 'free' };
      if (isExpected(manifestId, number)) {
        const first = liveScans(manifestId, number)[0];
        return first
          ? {
              result: 'duplicate',
              first: { scanId: first.id, user: first.user, scannedAt: first.scannedAt },
            }
          : { result: 'matched' };
      }
      const others = [...(manifestsOfNumber.get(number) ?? [])].filter((id) => id !== manifestId);
      return others.length > 0
        ? { result: 'other-manifest', manifestIds: others.sort() }
        : { result: 'unknown' };
    },
    scannedCount: (manifestId) => scanned.get(manifestId) ?? 0,
  };
}

export interface ManifestProgress {
  expected: number;
  scanned: number;
  missing: string[];
  /** Scans of an expected waybill after its first one. */
  duplicates: number;
  /** Numbers scanned into this manifest that it does not expect (each counted once, as in the export). */
  unexpected: number;
}

/** Progress of one manifest from its expected numbers and all scan events, in any order. */
export function manifestProgress(
  manifestId: string,
  expectedNumbers: Iterable<string>,
  events: Iterable<ScanEvent>,
): ManifestProgress {
  const expected = new Set(expectedNumbers);
  const counts = new Map<string, number>();
  const unexpected = new Set<string>();
  for (const event of liveScansOf(events)) {
    if (event.manifestId !== manifestId) continue;
    if (expected.has(event.normalised)) {
      counts.set(event.normalised, (counts.get(event.normalised) ?? 0) + 1);
    } else {
      unexpected.add(event.normalised);
    }
  }
  let duplicates = 0;
  for (const count of counts.values()) duplicates += count - 1;
  const missing = [...expected].filter((number) => !counts.has(number)).sort();
  return {
    expected: expected.size,
    scanned: counts.size,
    missing,
    duplicates,
    unexpected: unexpected.size,
  };
}
