// Background replication with the sync server: push and pull `scans` and `print_jobs`, pull
// `manifests` and `waybills` (long-polls), poll `printers` and `templates`, and `links` both ways
// on an editor's device or polled on a scanner's (lib/db/links-sync.ts).
//
// Scans are pulled so a device can say "already scanned by bo at 08:15" for other devices' scans.
// The pull is read-only for them: the server's validate_doc_update refuses any write of a scan whose
// `user` is not the writer, and RxDB never pushes back a document it pulled unchanged. Pulled scans
// never count as pending: the pending count is this device's own scans (an id range) minus receipts,
// and an own scan that comes back in the pull is itself proof the server holds it (a receipt).
// All scans are pulled (scanners may read them all); a `_selector` filter on open manifests would
// need the checkpoint reset whenever a manifest opens — not worth it while scans are ~300 bytes.
//
// Connections (browsers allow 6 HTTP/1.1 connections per origin; a live pull holds one):
//   4 held long-polls (manifests, waybills, scans, print_jobs — job state must show live),
//   5 on an admin's or supervisor's device (links), + short requests sharing the rest: pushes,
//   the 30 s polls of printers, templates and (on a scanner's device) links (lib/db/print-sync.ts;
//   they change rarely, so they hold nothing between polls),
//   /db/_session and /api calls. A burst beyond 6 queues for a moment in the browser; it cannot
//   starve because no more than 4 are ever held. HTTP/2 behind a TLS proxy lifts it.
// Leadership: `waitForLeadership: true` everywhere, so only ONE tab of this origin replicates.
// Tabs share one IndexedDB (multiInstance), so other tabs see the same data and the same true
// pending count; they just do not hold HTTP connections of their own.
// https://rxdb.info/replication-couchdb.html
import type { RxReplicationState } from 'rxdb/plugins/replication';
import { replicateCouchDB } from 'rxdb/plugins/replication-couchdb';
import type { Subscription } from 'rxjs';
import { combineLatest } from 'rxjs';
import type { SyncErrorCode } from '../core/sync-state';
import { retryDelayMs } from '../core/sync-state';
import type { KeyValueStore } from '../platform/key-value';
import type { OnlineTracker } from '../platform/online';
import type { SessionState } from '../platform/session-state';
import type { ReadableStore } from '../platform/small-store';
import type { Manifest } from '../schema/manifest';
import type { PrintJob } from '../schema/print-job';
import type { Scan } from '../schema/scan';
import type { Waybill } from '../schema/waybill';
import { writableStore } from '../platform/small-store';
import type { DockhandDatabase } from './database';
import type { LinksHold } from './links-sync';
import { replicateLinks } from './links-sync';
import { hideDesignDoc } from './design-docs';
import { printJobsFetch, replicatePolledPull } from './print-sync';
import { createSyncFetch } from './sync-fetch';

const LAST_SYNC_KEY = 'dockhand.lastSyncAt';
const LINKS_HOLD_KEY = 'dockhand.linksHold';

function readLinksHold(store: KeyValueStore): LinksHold | null {
  const text = store.getItem(LINKS_HOLD_KEY);
  if (!text) return null;
  try {
    const hold = JSON.parse(text) as Partial<LinksHold>;
    return typeof hold.until === 'string' && typeof hold.reason === 'string'
      ? { until: hold.until, reason: hold.reason }
      : null;
  } catch (error) {
    console.warn('[dockhand] ignoring an unreadable links hold', error);
    return null;
  }
}

export interface SyncSnapshot {
  /** Replications have been created (someone has logged in on this device). */
  started: boolean;
  /** This tab holds the replications; other tabs show the shared data. */
  leader: boolean;
  /** A push or pull is in flight. */
  active: boolean;
  lastError: SyncErrorCode | null;
  lastErrorAt: string | null;
  /** ISO time of the last successful answer from the sync server (persisted, shared by tabs). */
  lastSyncAt: string | null;
  /** The server is holding this device's new links back (rate limit); persisted, shared by tabs. */
  linksHold: LinksHold | null;
}

export interface DockhandSync extends ReadableStore<SyncSnapshot> {
  /** Ask every replication to check the server now (after reconnect or re-login). */
  reSync(): void;
  stop(): Promise<void>;
}

export interface SyncDeps {
  origin: string;
  /** This device's id: its own scans (`<deviceId>:<ULID>`) pulled back are confirmed by the server. */
  deviceId?: string;
  session: SessionState;
  online: OnlineTracker;
  store: KeyValueStore;
  fetch: typeof fetch;
  now: () => Date;
  /** Subscribe to the `storage` event so tabs share the last sync time; returns unsubscribe. */
  onStorage?: (listener: (key: string | null) => void) => () => void;
}

export function startDockhandSync(db: DockhandDatabase, deps: SyncDeps): DockhandSync {
  const state = writableStore<SyncSnapshot>({
    started: false,
    leader: false,
    active: false,
    lastError: null,
    lastErrorAt: null,
    lastSyncAt: deps.store.getItem(LAST_SYNC_KEY),
    linksHold: readLinksHold(deps.store),
  });
  const patch = (change: Partial<SyncSnapshot>) => state.update((s) => ({ ...s, ...change }));
  const setLinksHold = (hold: LinksHold | null) => {
    if (hold) deps.store.setItem(LINKS_HOLD_KEY, JSON.stringify(hold));
    else deps.store.removeItem(LINKS_HOLD_KEY);
    patch({ linksHold: hold });
  };
  const replications: Array<RxReplicationState<unknown, unknown>> = [];
  const subscriptions: Subscription[] = [];
  const cleanups: Array<() => void> = [];
  let consecutiveFailures = 0;
  let lastProblem: SyncErrorCode | null = null;
  let refusedIds = new Set<string>();
  let stopped = false;

  const fail = (code: SyncErrorCode) => {
    lastProblem = code;
    consecutiveFailures += 1;
    for (const r of replications) r.retryTime = retryDelayMs(consecutiveFailures);
    patch({ lastError: code, lastErrorAt: deps.now().toISOString() });
  };

  const ownPrefix = deps.deviceId ? `${deps.deviceId}:` : null;
  async function confirmScans(ids: string[]): Promise<void> {
    if (refusedIds.size > 0)
      refusedIds = new Set([...refusedIds].filter((id) => !ids.includes(id)));
    const confirmedAt = deps.now().toISOString();
    const result = await db.scan_receipts.bulkInsert(ids.map((id) => ({ id, confirmedAt })));
    const unexpected = result.error.filter((e) => e.status !== 409); // 409: receipt already kept
    if (unexpected.length > 0) console.error('[dockhand] could not save scan receipts', unexpected);
  }

  const syncFetch = createSyncFetch({
    fetch: deps.fetch,
    scansPath: '/db/scans/',
    whenAllowed: () => deps.session.whenSyncAllowed(),
    onUnauthorized: () => {
      deps.session.markExpired();
      patch({ lastError: 'SYNC_ERR_UNAUTHORIZED' });
    },
    onForbidden: (url) => {
      console.error('[dockhand] the server forbade a sync request for this account', url);
      fail('SYNC_ERR_FORBIDDEN');
    },
    onReached: () => deps.online.reportReached(),
    onUnreachable: (error) => {
      deps.online.reportUnreachable();
      console.info('[dockhand] sync server unreachable', error);
      fail('SYNC_ERR_NETWORK');
    },
    onSuccess: () => {
      const at = deps.now().toISOString();
      deps.store.setItem(LAST_SYNC_KEY, at);
      consecutiveFailures = 0;
      for (const r of replications) r.retryTime = retryDelayMs(0);
      const keep = refusedIds.size > 0 ? 'SYNC_ERR_REFUSED' : null;
      lastProblem = keep;
      patch({
        lastSyncAt: at,
        lastError: keep,
        lastErrorAt: keep ? state.get().lastErrorAt : null,
      });
    },
    onServerError: (status, url) => {
      console.error('[dockhand] sync server error', { status, url });
      fail('SYNC_ERR_SERVER');
    },
    onScansConfirmed: (ids) => confirmScans(ids),
    onScansRefused: (ids, reasons) => {
      for (const id of ids) refusedIds.add(id);
      console.error('[dockhand] server refused scans', { ids, reasons });
      fail('SYNC_ERR_REFUSED');
    },
  });

  function start() {
    if (state.get().started || stopped) return;
    const common = {
      fetch: syncFetch,
      live: true,
      retryTime: retryDelayMs(0),
      waitForLeadership: true,
      autoStart: true,
    } as const;
    const url = (name: string) => `${deps.origin}/db/${name}/`;
    replications.push(
      replicateCouchDB({
        ...common,
        replicationIdentifier: `dockhand-scans-${url('scans')}`,
        collection: db.scans,
        url: url('scans'),
        push: { batchSize: 50 },
        pull: {
          // A device keeps up with a site's scans only if a batch per answer (one every ~300 ms
          // with the server's 250 ms gather and the round trip) holds them: 500 capped it near
          // 1,500 scans/s, below what a big site's server takes (bench/sync-load.bench.ts).
          batchSize: 2000,
          heartbeat: 30_000,
          modifier: async (doc: Scan & { _deleted: boolean }) => {
            if (ownPrefix && doc.id.startsWith(ownPrefix) && !doc._deleted)
              await confirmScans([doc.id]);
            return hideDesignDoc(doc);
          },
        },
      }) as unknown as RxReplicationState<unknown, unknown>,
      replicateCouchDB({
        ...common,
        replicationIdentifier: `dockhand-manifests-pull-${url('manifests')}`,
        collection: db.manifests,
        url: url('manifests'),
        pull: {
          batchSize: 200,
          heartbeat: 30_000,
          modifier: (doc: Manifest & { _deleted: boolean }) => hideDesignDoc(doc),
        },
      }) as unknown as RxReplicationState<unknown, unknown>,
      replicateCouchDB({
        ...common,
        replicationIdentifier: `dockhand-waybills-pull-${url('waybills')}`,
        collection: db.waybills,
        url: url('waybills'),
        pull: {
          batchSize: 500,
          heartbeat: 30_000,
          modifier: (doc: Waybill & { _deleted: boolean }) => hideDesignDoc(doc),
        },
      }) as unknown as RxReplicationState<unknown, unknown>,
      // Jobs made on this device go out; every job's state comes back (the bridge writes it).
      replicateCouchDB({
        ...common,
        replicationIdentifier: `dockhand-print-jobs-${url('print_jobs')}`,
        fetch: printJobsFetch(syncFetch, (rows) => {
          console.error('[dockhand] server refused print job changes', rows);
          fail('SYNC_ERR_REFUSED');
        }),
        collection: db.print_jobs,
        url: url('print_jobs'),
        push: { batchSize: 50 },
        pull: {
          batchSize: 200,
          heartbeat: 30_000,
          modifier: (doc: PrintJob & { _deleted: boolean }) => hideDesignDoc(doc),
        },
      }) as unknown as RxReplicationState<unknown, unknown>,
      replicatePolledPull({
        collection: db.printers,
        url: url('printers'),
        fetch: syncFetch,
        replicationIdentifier: `dockhand-printers-poll-${url('printers')}`,
        retryTime: common.retryTime,
      }) as unknown as RxReplicationState<unknown, unknown>,
      replicatePolledPull({
        collection: db.templates,
        url: url('templates'),
        fetch: syncFetch,
        replicationIdentifier: `dockhand-templates-poll-${url('templates')}`,
        retryTime: common.retryTime,
      }) as unknown as RxReplicationState<unknown, unknown>,
    );
    // Short links: both ways on an editor's device (one replication: a separate push would echo
    // pulled links back), a polled pull on a scanner's, which can view but not write them
    // (lib/db/links-sync.ts); either way a scanner's device still holds only 4 connections.
    replications.push(
      replicateLinks({
        collection: db.links,
        url: url('links'),
        roles: deps.session.get().roles,
        fetch: syncFetch,
        retryTime: common.retryTime,
        hold: {
          now: () => deps.now().getTime(),
          sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
          isStopped: () => stopped,
          onHeld: (hold) => setLinksHold(hold),
          onReleased: () => setLinksHold(null),
        },
      }),
    );
    patch({ started: true });
    db.waitForLeadership()
      .then(() => patch({ leader: true }))
      .catch((error: unknown) => console.error('[dockhand] leader election failed', error));
    subscriptions.push(
      combineLatest(replications.map((r) => r.active$)).subscribe((actives) =>
        patch({ active: actives.some(Boolean) }),
      ),
      ...replications.map((r) =>
        r.error$.subscribe((error) => {
          // Our fetch already classified network/server/auth problems; anything else is new.
          if (!lastProblem) {
            console.error('[dockhand] replication error', error);
            fail('SYNC_ERR_UNKNOWN');
          }
        }),
      ),
    );
  }

  const reSync = () => {
    for (const r of replications) if (!r.isStopped()) r.reSync();
  };

  // Start once someone has logged in on this device; re-check the server after re-login.
  let previousStatus = deps.session.get().status;
  if (previousStatus !== 'none') start();
  cleanups.push(
    deps.session.subscribe(() => {
      const { status } = deps.session.get();
      if (status !== 'none') start();
      if (status === 'active' && previousStatus !== 'active') {
        lastProblem = null;
        patch({ lastError: null, lastErrorAt: null });
        reSync();
      }
      previousStatus = status;
    }),
  );

  // Back online (browser event or a request got through): retry now instead of after backoff.
  let wasOnline = deps.online.get();
  cleanups.push(
    deps.online.subscribe(() => {
      const online = deps.online.get();
      if (online && !wasOnline) reSync();
      wasOnline = online;
    }),
  );

  if (deps.onStorage) {
    cleanups.push(
      deps.onStorage((key) => {
        if (key === LAST_SYNC_KEY || key === null)
          patch({ lastSyncAt: deps.store.getItem(LAST_SYNC_KEY) });
        if (key === LINKS_HOLD_KEY || key === null) patch({ linksHold: readLinksHold(deps.store) });
      }),
    );
  }

  return {
    get: state.get,
    subscribe: state.subscribe,
    reSync,
    async stop() {
      stopped = true;
      for (const c of cleanups) c();
      for (const s of subscriptions) s.unsubscribe();
      await Promise.all(replications.map((r) => r.cancel()));
    },
  };
}
