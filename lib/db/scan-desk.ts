// The device's in-memory answer to "what is this scan?": a match index over the waybills of OPEN
// manifests and every scan event held on the device, built once from RxDB and then kept current
// from change events (replication, other tabs, this tab) — never rebuilt for each change.
import type { Subscription } from 'rxjs';
import type { Classification, MatchIndex, ScanEvent } from '../core/scan-matching';
import { createMatchIndex } from '../core/scan-matching';
import type { ReadableStore } from '../platform/small-store';
import { writableStore } from '../platform/small-store';
import type { Manifest } from '../schema/manifest';
import type { Scan } from '../schema/scan';
import type { Waybill } from '../schema/waybill';
import type { DockhandDatabase } from './database';

export interface OpenManifest {
  id: string;
  name: string;
  /** The manifest's waybill pattern (a RegExp source), when it has one. */
  waybillPattern?: string;
  /** Waybills of it on this device. */
  expected: number;
  /** Its waybills are in the index (false while a big manifest is still being read). */
  loaded: boolean;
}

export interface DeskSnapshot {
  /** Open manifests are known and loaded, and every scan on the device is in the index. */
  ready: boolean;
  /** Bumped after every change that can alter counts or answers (batched per microtask). */
  version: number;
  /** Open manifests, by name. */
  manifests: OpenManifest[];
}

export interface MissingWaybills {
  total: number;
  /** Sorted, at most `limit`, filtered by the search text. */
  numbers: string[];
}

export interface ScanDesk extends ReadableStore<DeskSnapshot> {
  classify(manifestId: string, normalised: string): Classification;
  scannedCount(manifestId: string): number;
  expectedCount(manifestId: string): number;
  missing(manifestId: string, search: string, limit: number): MissingWaybills;
  manifestName(id: string): string;
  /** Folds an event made on this device into the index at once, before it is written. */
  note(scan: Scan): void;
  stop(): void;
}

const eventOf = (scan: Scan): ScanEvent => ({
  id: scan.id,
  normalised: scan.normalised,
  manifestId: scan.manifestId,
  user: scan.user,
  scannedAt: scan.scannedAt,
  result: scan.result,
  voids: scan.voids,
  voidReason: scan.voidReason,
});

export function openScanDesk(db: DockhandDatabase): ScanDesk {
  const index: MatchIndex = createMatchIndex();
  /** Waybill numbers by id, per open manifest (to remove them when it closes or a row changes). */
  const numbersOf = new Map<string, Map<string, string>>();
  /**
   * Per open manifest, each distinct number and how many of its rows carry it: the expected count
   * is its size, read on every render of the scan page. Counting distinct numbers there (a Set of
   * all of them) while a 100k manifest streamed in, one render per change, froze the page.
   */
  const distinctOf = new Map<string, Map<string, number>>();
  const manifests = new Map<string, Manifest>();
  const loading = new Set<string>();
  const subscriptions: Subscription[] = [];
  let scansLoaded = false;
  let manifestsKnown = false;
  let stopped = false;
  const state = writableStore<DeskSnapshot>({ ready: false, version: 0, manifests: [] });

  // Index changes run one after another, so a manifest being loaded and the change events that
  // arrive meanwhile apply in order (re-adding what the load already saw is harmless).
  let queue: Promise<void> = Promise.resolve();
  const enqueue = (task: () => Promise<void> | void) => {
    queue = queue.then(task).catch((error: unknown) => {
      console.error('[dockhand] scan index update failed', error);
    });
  };

  let publishScheduled = false;
  const publish = () => {
    if (publishScheduled || stopped) return;
    publishScheduled = true;
    queueMicrotask(() => {
      publishScheduled = false;
      const list: OpenManifest[] = [...manifests.values()]
        .map((m) => ({
          id: m.id,
          name: m.name,
          waybillPattern: m.waybillPattern,
          expected: numbersOf.get(m.id)?.size ?? 0,
          loaded: !loading.has(m.id),
        }))
        .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
      state.update((s) => ({
        ready: scansLoaded && manifestsKnown && loading.size === 0,
        version: s.version + 1,
        manifests: list,
      }));
    });
  };

  function addWaybill(waybill: Pick<Waybill, 'id' | 'manifestId' | 'number'>) {
    const numbers = numbersOf.get(waybill.manifestId);
    const distinct = distinctOf.get(waybill.manifestId);
    if (!numbers || !distinct) return; // not an open manifest
    const before = numbers.get(waybill.id);
    if (before === waybill.number) return;
    if (before !== undefined) removeWaybill(waybill);
    numbers.set(waybill.id, waybill.number);
    distinct.set(waybill.number, (distinct.get(waybill.number) ?? 0) + 1);
    index.addWaybill(waybill.manifestId, waybill.number);
  }

  function removeWaybill(waybill: Pick<Waybill, 'id' | 'manifestId'>) {
    const numbers = numbersOf.get(waybill.manifestId);
    const distinct = distinctOf.get(waybill.manifestId);
    const number = numbers?.get(waybill.id);
    if (!numbers || !distinct || number === undefined) return;
    numbers.delete(waybill.id);
    // Two rows of one manifest may carry the same number: keep it expected while one remains.
    const rows = (distinct.get(number) ?? 1) - 1;
    if (rows > 0) {
      distinct.set(number, rows);
      return;
    }
    distinct.delete(number);
    index.removeWaybill(waybill.manifestId, number);
  }

  async function openManifest(id: string) {
    if (numbersOf.has(id)) return;
    numbersOf.set(id, new Map());
    distinctOf.set(id, new Map());
    loading.add(id);
    publish();
    const docs = await db.waybills.find({ selector: { manifestId: id } }).exec();
    if (numbersOf.has(id)) for (const doc of docs) addWaybill(doc);
    loading.delete(id);
    publish();
  }

  function closeManifest(id: string) {
    const distinct = distinctOf.get(id);
    if (!distinct) return;
    for (const number of distinct.keys()) index.removeWaybill(id, number);
    numbersOf.delete(id);
    distinctOf.delete(id);
    loading.delete(id);
  }

  // Manifests are few: follow the whole list. Only 'open' ones count; 'importing' is invisible.
  subscriptions.push(
    db.manifests.find().$.subscribe((docs) => {
      const open = new Map<string, Manifest>();
      for (const doc of docs) {
        const manifest = doc.toJSON() as Manifest;
        if (manifest.status === 'open') open.set(manifest.id, manifest);
      }
      enqueue(async () => {
        for (const id of [...manifests.keys()]) if (!open.has(id)) closeManifest(id);
        manifests.clear();
        for (const [id, manifest] of open) manifests.set(id, manifest);
        manifestsKnown = true;
        publish();
        for (const id of open.keys()) await openManifest(id);
      });
    }),
  );

  subscriptions.push(
    db.waybills.$.subscribe((change) => {
      enqueue(() => {
        const before = change.previousDocumentData;
        if (change.operation === 'DELETE') {
          if (before) removeWaybill(before);
        } else {
          if (before && before.manifestId !== change.documentData.manifestId) removeWaybill(before);
          addWaybill(change.documentData);
        }
        publish();
      });
    }),
  );

  // Every scan event on the device (own, and other devices' pulled by replication).
  subscriptions.push(
    db.scans.$.subscribe((change) => {
      if (change.operation !== 'INSERT') return; // events are immutable
      enqueue(() => {
        index.addScanEvent(eventOf(change.documentData));
        publish();
      });
    }),
  );
  enqueue(async () => {
    const docs = await db.scans.find().exec();
    for (const doc of docs) index.addScanEvent(eventOf(doc.toJSON() as Scan));
    scansLoaded = true;
    publish();
  });

  return {
    get: state.get,
    subscribe: state.subscribe,
    classify: (manifestId, normalised) => index.classify(manifestId, normalised),
    scannedCount: (manifestId) => index.scannedCount(manifestId),
    expectedCount: (manifestId) => distinctOf.get(manifestId)?.size ?? 0,
    missing(manifestId, search, limit) {
      const distinct = distinctOf.get(manifestId);
      if (!distinct) return { total: 0, numbers: [] };
      const wanted = search.trim().toUpperCase();
      const all = [...distinct.keys()].filter(
        (n) => index.classify(manifestId, n).result === 'matched',
      );
      const shown = (wanted ? all.filter((n) => n.includes(wanted)) : all).sort();
      return { total: all.length, numbers: shown.slice(0, limit) };
    },
    manifestName: (id) => manifests.get(id)?.name ?? id,
    note(scan) {
      index.addScanEvent(eventOf(scan));
      publish();
    },
    stop() {
      stopped = true;
      for (const s of subscriptions) s.unsubscribe();
    },
  };
}
