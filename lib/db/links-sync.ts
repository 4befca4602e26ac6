// Replication of short links. Editors (admin, supervisor) push and pull in ONE long-poll
// replication; everyone else (scanners) may only read links, so they get a polled pull that holds
// no browser connection between polls (lib/db/print-sync.ts), keeping a scanner at 4 held.
// The editors' push goes through `holdWhenRateLimited`: the server limits new links per user and
// answers 429 with Retry-After; the push then waits that long and sends the same links again, so
// a link made on the device is never dropped, and the wait is shown to the person.
// https://rxdb.info/replication-couchdb.html · https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3
import type { RxCollection } from 'rxdb';
import type { RxReplicationState } from 'rxdb/plugins/replication';
import { replicateCouchDB } from 'rxdb/plugins/replication-couchdb';
import type { Link } from '../schema/link';
import { hideDesignDoc } from './design-docs';
import { replicatePolledPull } from './print-sync';

/** Roles that may create and edit links (the server's writers of `links`, plus server admins). */
export const LINK_EDITOR_ROLES: readonly string[] = ['_admin', 'admin', 'supervisor'];

export const MAX_HOLD_MS = 10 * 60_000; // 10 min: then ask again (the server says how long)
const DEFAULT_HOLD_MS = 30_000; // 30 s when a 429 carries no usable Retry-After

export interface LinksHold {
  /** ISO time after which the links are sent again. */
  until: string;
  /** The server's words, e.g. "Too many new links: wait 12 s." */
  reason: string;
}

export interface HoldDeps {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** True once sync stops: a held push then gives up (RxDB keeps the links for the next start). */
  isStopped: () => boolean;
  onHeld: (hold: LinksHold) => void;
  onReleased: () => void;
}

/** Milliseconds from a Retry-After header (seconds or an HTTP date), capped; null if unusable. */
export function retryAfterMs(header: string | null, now: number): number | null {
  if (!header) return null;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Math.min(MAX_HOLD_MS, Number(trimmed) * 1_000);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.min(MAX_HOLD_MS, Math.max(0, at - now));
}

/**
 * A fetch that, on 429, waits for Retry-After and repeats the request (RxDB sends its bodies as
 * strings, so they can be sent again). RxDB never sees the 429, so the push neither throws nor
 * moves on: the batch goes out once the server takes it.
 */
export function holdWhenRateLimited(fetchFn: typeof fetch, deps: HoldDeps): typeof fetch {
  return async (input, init) => {
    let held = false;
    for (;;) {
      const response = await fetchFn(input, init);
      if (response.status !== 429) {
        if (held) deps.onReleased();
        return response;
      }
      const waitMs =
        retryAfterMs(response.headers.get('retry-after'), deps.now()) ?? DEFAULT_HOLD_MS;
      let reason = `Too many new links: wait ${Math.ceil(waitMs / 1_000)} s.`;
      try {
        const body = (await response.json()) as { reason?: unknown };
        if (typeof body.reason === 'string') reason = body.reason;
      } catch (error) {
        console.warn('[dockhand] a 429 without a JSON reason', error);
      }
      console.info('[dockhand] the server holds new links back', { reason, waitMs });
      held = true;
      deps.onHeld({ until: new Date(deps.now() + waitMs).toISOString(), reason });
      await deps.sleep(waitMs);
      if (deps.isStopped()) {
        deps.onReleased();
        throw new Error('sync stopped while new links were held back');
      }
    }
  };
}

export interface LinksReplicationOptions {
  collection: RxCollection<Link>;
  /** Database URL with a trailing slash. */
  url: string;
  roles: readonly string[];
  fetch: typeof fetch;
  retryTime: number;
  hold: HoldDeps;
}

export function replicateLinks(
  options: LinksReplicationOptions,
): RxReplicationState<unknown, unknown> {
  const editor = options.roles.some((role) => LINK_EDITOR_ROLES.includes(role));
  if (!editor) {
    return replicatePolledPull({
      collection: options.collection,
      url: options.url,
      fetch: options.fetch,
      replicationIdentifier: `dockhand-links-poll-${options.url}`,
      retryTime: options.retryTime,
    }) as unknown as RxReplicationState<unknown, unknown>;
  }
  return replicateCouchDB({
    replicationIdentifier: `dockhand-links-${options.url}`,
    collection: options.collection,
    url: options.url,
    fetch: holdWhenRateLimited(options.fetch, options.hold),
    live: true,
    retryTime: options.retryTime,
    waitForLeadership: true,
    autoStart: true,
    push: { batchSize: 50 },
    pull: {
      batchSize: 200,
      heartbeat: 30_000,
      modifier: (doc: Link & { _deleted: boolean }) => hideDesignDoc(doc),
    },
  }) as unknown as RxReplicationState<unknown, unknown>;
}
