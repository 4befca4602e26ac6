// The admin dashboard's live model: manifests, their waybills and every scan on this device, read
// once from RxDB and then kept current from change events (replication writes them), with
// per-manifest progress re-folded by manifestProgress() only for manifests that changed, at most
// once per `throttleMs`. 100k waybills are held as small {number, consignee} records.
import type { RxChangeEvent, RxCollection } from 'rxdb';
import type { Subscription } from 'rxjs';
import {
  bumpCount,
  firstByKey,
  minuteKeyOf,
  perMinuteSeries,
  rankedCounts,
} from '../core/dashboard-stats';
import type { MinuteCount } from '../core/dashboard-stats';
import { compareScanEvents, createLiveScans } from '../core/live-scans';
import { cancellingVoidOf } from '../core/scan-void';
import { manifestProgress } from '../core/scan-matching';
import type { ManifestProgress, ScanEvent } from '../core/scan-matching';
import type { ReadableStore } from '../platform/small-store';
import { writableStore } from '../platform/small-store';
import type { Manifest } from '../schema/manifest';
import type { Scan } from '../schema/scan';
import type { Waybill } from '../schema/waybill';
import type { DockhandDatabase } from './database';
import { isDesignDoc } from './design-docs';

// --- The model ------------------------------------------------------------------------------------

export interface ManifestSummary {
  id: string;
  name: string;
  status: Manifest['status'];
  createdAt: string;
  createdBy?: string;
  sourceFile?: string;
  rowCount: number;
  /** Waybills of it on this device (rowCount once replication has caught up). */
  expected: number;
  scanned: number;
  missing: number;
  duplicates: number;
  unexpected: number;
}

export interface DashboardSnapshot {
  ready: boolean;
  /** Bumped on every published change. */
  version: number;
  manifests: ManifestSummary[];
  /** Scans (not voids) per minute, last `minutes` minutes. */
  perMinute: MinuteCount[];
  perScanner: { user: string; count: number }[];
  /** Newest scans first. */
  latest: Scan[];
  totalScans: number;
  /** When the model last changed (ISO). */
  updatedAt: string | null;
}

export type WaybillFilter = 'all' | 'scanned' | 'missing';

export interface WaybillRow {
  id: string;
  number: string;
  consignee: string;
  scanned: boolean;
}

/** One scan of a manifest as the desk lists it, with the void that cancelled it, if any. */
export interface ManifestScanRow {
  scan: Scan;
  /** The void (its user, reason and time) that took this scan off the counts; null while it counts. */
  voidedBy: Scan | null;
}

export interface Dashboard extends ReadableStore<DashboardSnapshot> {
  /**
   * A manifest's scans (not voids), newest first: the first `limit` whose number, code as read or
   * scanner contains `search`, and how many match.
   */
  scans(
    manifestId: string,
    search: string,
    limit: number,
  ): { total: number; rows: ManifestScanRow[] };
  waybills(
    manifestId: string,
    filter: WaybillFilter,
    search: string,
    limit: number,
  ): { total: number; rows: WaybillRow[] };
  stop(): void;
}

export interface DashboardOptions {
  now?: () => Date;
  /** Most one publish per this many ms (default 100). */
  throttleMs?: number;
  minutes?: number;
  latestCount?: number;
}

const PAGE = 10_000;

interface Row {
  number: string;
  consignee: string;
}

async function readAll<T extends { id: string }>(
  collection: RxCollection<T>,
  each: (doc: T) => void,
): Promise<void> {
  let after = '';
  for (;;) {
    const docs = await collection
      .find({
        selector: after ? ({ id: { $gt: after } } as never) : {},
        sort: [{ id: 'asc' } as never],
        limit: PAGE,
      })
      .exec();
    for (const doc of docs) each(doc.toJSON() as T);
    if (docs.length < PAGE) return;
    after = docs[docs.length - 1]!.primary;
  }
}

const eventOf = (s: Scan): ScanEvent => ({
  id: s.id,
  normalised: s.normalised,
  manifestId: s.manifestId,
  user: s.user,
  scannedAt: s.scannedAt,
  result: s.result,
  ...(s.voids ? { voids: s.voids } : {}),
  ...(s.voidReason ? { voidReason: s.voidReason } : {}),
});

export function openDashboard(db: DockhandDatabase, options: DashboardOptions = {}): Dashboard {
  const now = options.now ?? (() => new Date());
  const throttleMs = options.throttleMs ?? 100;
  const minutes = options.minutes ?? 60;
  const latestCount = options.latestCount ?? 20;

  const manifests = new Map<string, Manifest>();
  const waybillsOf = new Map<string, Map<string, Row>>();
  const scans = new Map<string, Scan>();
  /** Scans (not voids) by manifest, folded per manifest by manifestProgress(). */
  const eventsOf = new Map<string, Map<string, ScanEvent>>();
  /** Every void, whatever manifest it names: each manifest's fold sees them all, as an export does. */
  const voidEvents = new Map<string, ScanEvent>();
  /** Voids by the id of the scan they name, to show who voided a scan and why. */
  const voidsOf = new Map<string, Scan[]>();
  const live = createLiveScans<ScanEvent>();
  const perMinute = new Map<string, number>();
  const perScanner = new Map<string, number>();
  let feed: { scan: Scan; at: string }[] = [];
  let latest: Scan[] = [];
  const progress = new Map<string, ManifestProgress>();
  const missingSets = new Map<string, Set<string>>();
  const dirty = new Set<string>();
  let ready = false;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const subscriptions: Subscription[] = [];

  const state = writableStore<DashboardSnapshot>({
    ready: false,
    version: 0,
    manifests: [],
    perMinute: perMinuteSeries(perMinute, now(), minutes),
    perScanner: [],
    latest: [],
    totalScans: 0,
    updatedAt: null,
  });

  function schedule(manifestId?: string) {
    if (manifestId !== undefined) dirty.add(manifestId);
    if (!ready || timer !== null || stopped) return;
    timer = setTimeout(publish, throttleMs);
  }

  function summaryOf(m: Manifest): ManifestSummary {
    const p = progress.get(m.id);
    return {
      id: m.id,
      name: m.name,
      status: m.status,
      createdAt: m.createdAt,
      ...(m.createdBy ? { createdBy: m.createdBy } : {}),
      ...(m.sourceFile ? { sourceFile: m.sourceFile } : {}),
      rowCount: m.rowCount,
      expected: p?.expected ?? 0,
      scanned: p?.scanned ?? 0,
      missing: p?.missing.length ?? 0,
      duplicates: p?.duplicates ?? 0,
      unexpected: p?.unexpected ?? 0,
    };
  }

  function publish() {
    timer = null;
    if (stopped) return;
    for (const id of dirty) {
      if (!manifests.has(id)) {
        progress.delete(id);
        missingSets.delete(id);
        continue;
      }
      const rows = waybillsOf.get(id);
      const numbers = rows ? Array.from(rows.values(), (r) => r.number) : [];
      const scansOf = eventsOf.get(id)?.values() ?? [];
      progress.set(id, manifestProgress(id, numbers, [...scansOf, ...voidEvents.values()]));
      missingSets.delete(id); // rebuilt when a filtered list asks for it
    }
    dirty.clear();
    // A refused or interrupted import leaves its manifest `failed` with no waybills: the upload
    // page says why; as a card it was a red duplicate of the manifest imported next.
    const list = [...manifests.values()]
      .filter((m) => m.status !== 'failed')
      .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0))
      .map(summaryOf);
    const previous = state.get();
    state.set({
      ready: true,
      version: previous.version + 1,
      manifests: list,
      perMinute: perMinuteSeries(perMinute, now(), minutes),
      perScanner: rankedCounts(perScanner).map(({ key, count }) => ({ user: key, count })),
      latest,
      totalScans: [...perScanner.values()].reduce((a, b) => a + b, 0),
      updatedAt: now().toISOString(),
    });
  }

  function countScan(scan: Pick<Scan, 'scannedAt' | 'user'>, by: number) {
    const minute = minuteKeyOf(scan.scannedAt);
    if (minute) bumpCount(perMinute, minute, by);
    bumpCount(perScanner, scan.user, by);
  }

  function addScan(scan: Scan) {
    if (scans.has(scan.id)) return; // scans are immutable; replication may deliver one twice
    // Only scan events count (replication can also carry e.g. a design document).
    if (typeof scan.scannedAt !== 'string' || typeof scan.normalised !== 'string') return;
    scans.set(scan.id, scan);
    const event = eventOf(scan);
    if (scan.result === 'void') {
      voidEvents.set(scan.id, event);
      if (scan.voids) {
        const list = voidsOf.get(scan.voids);
        if (list) list.push(scan);
        else voidsOf.set(scan.voids, [scan]);
      }
    } else {
      const bucket = eventsOf.get(scan.manifestId) ?? new Map<string, ScanEvent>();
      bucket.set(scan.id, event);
      eventsOf.set(scan.manifestId, bucket);
      dirty.add(scan.manifestId);
    }
    // A scan voided twice (two devices, or two quick undos) comes off the counts once; a void
    // that cancels nothing (another person's scan, without a supervisor's reason) changes nothing.
    // A cancelled scan lives on in the feed: the void event itself is shown there.
    const change = live.add(event);
    if (change && 'live' in change) countScan(change.live, 1);
    if (change && 'cancelled' in change) {
      countScan(change.cancelled, -1);
      dirty.add(change.cancelled.manifestId);
    }
    // The feed is ordered by scan time, but a time ahead of this clock (a device whose clock is
    // wrong) counts as "now": it sinks as newer scans arrive instead of staying on top for good.
    const nowIso = now().toISOString();
    const entry = { scan, at: scan.scannedAt > nowIso ? nowIso : scan.scannedAt };
    const oldest = feed[feed.length - 1];
    if (feed.length < latestCount || (oldest && entry.at > oldest.at)) {
      feed = [...feed, entry]
        .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0))
        .slice(0, latestCount);
      latest = feed.map((e) => e.scan);
    }
  }

  function setWaybill(doc: Waybill, deleted: boolean) {
    if (isDesignDoc(doc.id)) return; // stored as data by devices before the pull hid them
    const rows = waybillsOf.get(doc.manifestId) ?? new Map<string, Row>();
    if (deleted) rows.delete(doc.id);
    else rows.set(doc.id, { number: doc.number, consignee: doc.consignee ?? '' });
    waybillsOf.set(doc.manifestId, rows);
    dirty.add(doc.manifestId);
  }

  function setManifest(doc: Manifest, deleted: boolean) {
    if (isDesignDoc(doc.id)) return;
    if (deleted) manifests.delete(doc.id);
    else manifests.set(doc.id, doc);
    dirty.add(doc.id);
  }

  // Events that arrive while the first read runs are applied as they come: every apply is
  // idempotent (maps by id), so reading a document twice is harmless.
  const onChange =
    <T>(apply: (doc: T, deleted: boolean) => void) =>
    (event: RxChangeEvent<T>) => {
      apply(event.documentData as T, event.operation === 'DELETE');
      schedule();
    };
  subscriptions.push(
    db.manifests.$.subscribe(onChange<Manifest>(setManifest)),
    db.waybills.$.subscribe(onChange<Waybill>(setWaybill)),
    db.scans.$.subscribe(
      onChange<Scan>((doc, deleted) => {
        if (!deleted) addScan(doc);
      }),
    ),
  );
  // The per-minute chart moves on even when nobody scans.
  const tick = setInterval(() => schedule(), 30_000);

  Promise.all([
    readAll(db.manifests, (doc) => setManifest(doc, false)),
    readAll(db.waybills, (doc) => setWaybill(doc, false)),
    readAll(db.scans, addScan),
  ]).then(
    () => {
      ready = true;
      publish();
    },
    (error: unknown) =>
      console.error('[dockhand] dashboard could not read the device database', error),
  );

  return {
    get: state.get,
    subscribe: state.subscribe,
    scans(manifestId, search, limit) {
      const bucket = eventsOf.get(manifestId);
      if (!bucket) return { total: 0, rows: [] };
      const needle = search.trim().toLowerCase();
      // The newest `limit`, kept sorted newest first as they are met (a manifest may hold 100k).
      const newest: Scan[] = [];
      let total = 0;
      for (const id of bucket.keys()) {
        const scan = scans.get(id);
        if (!scan) continue;
        if (
          needle &&
          !scan.normalised.toLowerCase().includes(needle) &&
          !scan.code.toLowerCase().includes(needle) &&
          !scan.user.toLowerCase().includes(needle)
        )
          continue;
        total += 1;
        const oldest = newest[newest.length - 1];
        if (newest.length >= limit && (!oldest || compareScanEvents(scan, oldest) <= 0)) continue;
        let at = newest.findIndex((kept) => compareScanEvents(scan, kept) > 0);
        if (at < 0) at = newest.length;
        newest.splice(at, 0, scan);
        if (newest.length > limit) newest.pop();
      }
      return {
        total,
        rows: newest.map((scan) => ({
          scan,
          voidedBy: cancellingVoidOf(scan, voidsOf.get(scan.id) ?? []),
        })),
      };
    },
    waybills(manifestId, filter, search, limit) {
      const rows = waybillsOf.get(manifestId);
      if (!rows) return { total: 0, rows: [] };
      let missing = missingSets.get(manifestId);
      if (!missing) {
        missing = new Set(progress.get(manifestId)?.missing ?? []);
        missingSets.set(manifestId, missing);
      }
      const needle = search.trim().toLowerCase();
      // The first `limit` matches in number order, whatever order replication delivered them in.
      const first = firstByKey<WaybillRow>(limit, (r) => r.number);
      let total = 0;
      for (const [id, row] of rows) {
        const scanned = !missing.has(row.number);
        if (filter === 'scanned' && !scanned) continue;
        if (filter === 'missing' && scanned) continue;
        if (
          needle &&
          !row.number.toLowerCase().includes(needle) &&
          !row.consignee.toLowerCase().includes(needle)
        )
          continue;
        total += 1;
        if (first.wants(row.number))
          first.add({ id, number: row.number, consignee: row.consignee, scanned });
      }
      return { total, rows: first.items() };
    },
    stop() {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      clearInterval(tick);
      for (const s of subscriptions) s.unsubscribe();
    },
  };
}
