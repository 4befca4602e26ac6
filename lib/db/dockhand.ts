// The app's door to its data: opens the database once per page load, records scans locally
// (never waiting on the network) and exposes live queries and the sync state.
import type { Observable } from 'rxjs';
import { combineLatest, map } from 'rxjs';
import { monotonicFactory } from 'ulidx';
import { freeScanFrom } from '../core/scan-event';
import { pendingCountFrom } from '../core/sync-state';
import type { BrowserPlatform } from '../platform/browser-platform';
import type { Scan, ScanSource } from '../schema/scan';
import type { DockhandDatabase } from './database';
import { createDockhandDatabase } from './database';
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

export interface Dockhand {
  sync: DockhandSync;
  recordScan(code: string, source: ScanSource): Promise<Scan>;
  recentScans$(limit: number): Observable<ScanRow[]>;
  counts$: Observable<ScanCounts>;
}

function dockhandFrom(db: DockhandDatabase, platform: BrowserPlatform): Dockhand {
  const nextUlid = monotonicFactory();
  const sync = startDockhandSync(db, {
    origin: window.location.origin,
    session: platform.session,
    online: platform.online,
    store: platform.store,
    fetch: (...args) => window.fetch(...args),
    now: () => new Date(),
    onStorage: platform.onStorage,
  });
  return {
    sync,
    async recordScan(code, source) {
      const user = platform.session.get().user;
      if (!user) throw new Error('Nobody has logged in on this device yet.');
      const now = new Date();
      const scan = freeScanFrom({
        code,
        deviceId: platform.deviceId,
        ulid: nextUlid(now.getTime()),
        user,
        source,
        now,
      });
      await db.scans.insert(scan);
      return scan;
    },
    recentScans$(limit) {
      // Ids are `<device>:<ULID>`, so on one device the primary key orders scans by time.
      const scans$ = db.scans.find({ sort: [{ id: 'desc' }], limit }).$;
      const receipts$ = db.scan_receipts
        .find()
        .$.pipe(map((docs) => new Set(docs.map((d) => d.id))));
      return combineLatest([scans$, receipts$]).pipe(
        map(([docs, confirmed]) =>
          docs.map((doc) => ({ ...(doc.toJSON() as Scan), synced: confirmed.has(doc.id) })),
        ),
      );
    },
    counts$: combineLatest([db.scans.count().$, db.scan_receipts.count().$]).pipe(
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
