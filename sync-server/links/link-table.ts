// The links of /r/:slug, held in memory and kept current from the `links` database's changes
// feed, so a redirect never waits on the store. https://docs.couchdb.org/en/stable/api/database/changes.html
import type { Logger } from 'pino';
import type { PouchDatabase } from 'pouchdb';
import type { RedirectableLink } from '@/lib/core/short-link';

export interface LinkTable {
  get(slug: string): RedirectableLink | undefined;
  size(): number;
  /** Resolves once the table holds every link the database had at start. */
  ready: Promise<void>;
  close(): void;
}

interface LinkDoc extends RedirectableLink {
  _id: string;
  _deleted?: boolean;
}

function redirectableFrom(doc: LinkDoc): RedirectableLink {
  return {
    target: doc.target,
    enabled: doc.enabled,
    expiresAt: doc.expiresAt,
    passQuery: doc.passQuery,
  };
}

export function createLinkTable(db: PouchDatabase, log: Logger): LinkTable {
  const links = new Map<string, RedirectableLink>();
  const apply = (doc: LinkDoc | undefined, id: string, deleted: boolean | undefined) => {
    if (id.startsWith('_design/')) return;
    if (deleted || !doc) links.delete(id);
    else links.set(id, redirectableFrom(doc));
  };

  let feed: { cancel(): void } | undefined;
  let closed = false;
  const ready = (async () => {
    const all = await db.allDocs({ include_docs: true, update_seq: true });
    for (const row of all.rows) apply(row.doc as unknown as LinkDoc, row.id, false);
    if (closed) return;
    feed = db
      .changes({
        live: true,
        since: (all as { update_seq?: number | string }).update_seq ?? 'now',
        include_docs: true,
      })
      .on('change', (change) => apply(change.doc as unknown as LinkDoc, change.id, change.deleted))
      .on('error', (err: unknown) => {
        // The table would go stale silently: say so loudly; a restart rebuilds it.
        log.error(
          { err },
          'links changes feed stopped: redirects no longer follow edits until restart',
        );
      });
  })();

  return {
    get: (slug) => links.get(slug),
    size: () => links.size,
    ready,
    close() {
      closed = true;
      feed?.cancel();
    },
  };
}
