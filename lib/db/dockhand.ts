// The app's door to its data: opens the database once per page load, records scans locally
// (never waiting on the network) and exposes live queries and the sync state.
import type { Observable } from 'rxjs';
import { combineLatest, map } from 'rxjs';
import { monotonicFactory } from 'ulidx';
import { scanEventFrom, undoTargetOf, voidEventFor } from '../core/scan-event';
import type { Classification } from '../core/scan-matching';
import { pendingCountFrom } from '../core/sync-state';
import type { BrowserPlatform } from '../platform/browser-platform';
import type { Scan, ScanSource } from '../schema/scan';
import type { DockhandDatabase } from './database';
import { createDockhandDatabase } from './database';
import type { ScanDesk } from './scan-desk';
import { openScanDesk } from './scan-desk';
import type { DockhandSync } from './sync';
import { startDockhandSync } from './sync';

export interface ScanRow extends Scan {
  /** The server has confirmed it holds this scan. */
  synced: boolean;
}

export interface ScanCounts {
  recorded: number;
  confirmed: number;
  /** Recorded on this device and not yet confirmed by the server. */
  pending: number;
}

export interface ScanInput {
  /** The code as read. */
  code: string;
  /** `waybillCodeFrom(code).value`: the caller has already refused codes that are not waybills. */
  normalised: string;
  /** '' for a free-scan session. */
  manifestId: string;
  source: ScanSource;
}

export interface ScanAttempt {
  classification: Classification;
  scan: Scan;
  /** The local write; the answer (classification) is known before it settles. */
  written: Promise<void>;
}

export interface Dockhand {
  /** The page's one device database (a second instance of it would close the first). */
  database: DockhandDatabase;
  sync: DockhandSync;
  /** The in-memory match index over open manifests and every scan on the device. */
  desk: ScanDesk;
  /**
   * Classifies at once from memory, folds the event into the index, then writes it. Synchronous up
   * to the write so the beep and the colour never wait on IndexedDB. Throws if nobody logged in.
   */
  scan(input: ScanInput): ScanAttempt;
  /** Voids the signed-in person's newest live scan on this device; null when there is none. */
  undoLast(): Promise<Scan | null>;
  /** This device's own events (scans and voids), newest first. */
  recentScans$(limit: number): Observable<ScanRow[]>;
  /** Counts of this device's own events: scans pulled from other devices never count as pending. */
  counts$: Observable<ScanCounts>;
}

/** Primary-key range of one device's scan ids (`<device>:<ULID>`; ';' follows ':' in ASCII). */
function ownScansSelector(deviceId: string) {
  return { id: { $gt: `${deviceId}:`, $lt: `${deviceId};` } };
}

function dockhandFrom(db: DockhandDatabase, platform: BrowserPlatform): Dockhand {
  const nextUlid = monotonicFactory();
  const desk = openScanDesk(db);
  let lastWrite: Promise<unknown> = Promise.resolve();
  const track = (write: Promise<void>) => {
    lastWrite = write.catch(() => undefined);
    return write;
  };
  let undoing: Promise<unknown> = Promise.resolve();
  const undoOnce = async (): Promise<Scan | null> => {
    const user = platform.session.get().user;
    if (!user) throw new Error('Nobody has logged in on this device yet.');
    await lastWrite;
    const recent = await db.scans
      .find({ selector: ownScansSelector(platform.deviceId), sort: [{ id: 'desc' }], limit: 200 })
      .exec();
    const target = undoTargetOf(
      recent.map((doc) => doc.toJSON() as Scan),
      user,
    );
    if (!target) return null;
    const now = new Date();
    const undo = voidEventFor(target, {
      deviceId: platform.deviceId,
      ulid: nextUlid(now.getTime()),
      user,
      now,
    });
    desk.note(undo);
    await track(db.scans.insert(undo).then(() => undefined));
    return undo;
  };
  const sync = startDockhandSync(db, {
    deviceId: platform.deviceId,
    origin: window.location.origin,
    session: platform.session,
    online: platform.online,
    store: platform.store,
    fetch: (...args) => window.fetch(...args),
    now: () => new Date(),
    onStorage: platform.onStorage,
  });
  return {
    database: db,
    sync,
    desk,
    scan(input) {
      const user = platform.session.get().user;
      if (!user) throw new Error('Nobody has logged in on this device yet.');
      const classification = desk.classify(input.manifestId, input.normalised);
      const now = new Date();
      const scan = scanEventFrom({
        ...input,
        result: classification.result,
        deviceId: platform.deviceId,
        ulid: nextUlid(now.getTime()),
        user,
        now,
      });
      desk.note(scan); // a second read of the same code a moment later is already a duplicate
      const written = track(db.scans.insert(scan).then(() => undefined));
      return { classification, scan, written };
    },
    undoLast() {
      // One at a time: two quick taps must not both pick the same scan (the second undoes the
      // scan before it).
      const run = undoing.then(undoOnce);
      undoing = run.catch(() => undefined);
      return run;
    },
    recentScans$(limit) {
      // Ids are `<device>:<ULID>`, so on one device the primary key orders scans by time.
      const scans$ = db.scans.find({
        selector: ownScansSelector(platform.deviceId),
        sort: [{ id: 'desc' }],
        limit,
      }).$;
      const receipts$ = db.scan_receipts
        .find()
        .$.pipe(map((docs) => new Set(docs.map((d) => d.id))));
      return combineLatest([scans$, receipts$]).pipe(
        map(([docs, confirmed]) =>
          docs.map((doc) => ({ ...(doc.toJSON() as Scan), synced: confirmed.has(doc.id) })),
        ),
      );
    },
    counts$: combineLatest([
      db.scans.count({ selector: ownScansSelector(platform.deviceId) }).$,
      db.scan_receipts.count().$,
    ]).pipe(
      map(([recorded, confirmed]) => ({
        recorded,
        confirmed,
        pending: pendingCountFrom(recorded, confirmed),
      })),
    ),
  };
}

let opening: Promise<Dockhand> | null = null;

/** Opens the database and starts sync once per page load; later calls share the same one. */
export function openDockhand(platform: BrowserPlatform): Promise<Dockhand> {
  opening ??= createDockhandDatabase().then((db) => dockhandFrom(db, platform));
  opening.catch(() => {
    opening = null; // let a later attempt try again (e.g. after freeing storage)
  });
  return opening;
}
