// The sync servers' own database in the store (`dockhand_server`): import jobs, upload records
// (and, on Apache CouchDB, the files as attachments), remembered mappings and export marks, so
// that every sync server in front of one store sees the same. No device may reach it: it is not
// in lib/schema DATABASES, so the guard answers SYNC_ERR_UNKNOWN_DB for any /db request to it
// (guard/route-access.ts `isKnownDb`), and its _security lets only server admins in.
// Writes are read-modify-write with the document's revision; a 409 (another server wrote first)
// reads again and decides again, so no server's change is lost.
// https://docs.couchdb.org/en/stable/api/document/common.html#put--db-docid
import type { PouchDatabase } from 'pouchdb';

export const SERVER_DB = 'dockhand_server';

/**
 * Server admins only. An empty `members` would make the database public, so members name a role
 * only server admins hold (CouchDB lets `_admin` through everywhere anyway).
 * https://docs.couchdb.org/en/stable/api/database/security.html
 */
export const SERVER_DB_SECURITY = {
  admins: { names: [], roles: [] },
  members: { names: [], roles: ['_admin'] },
} as const;

export type ServerDoc = Record<string, unknown> & { _id: string; _rev?: string };

/** The part of a PouchDB handle these helpers use (a fake in unit tests). */
export type ServerDb = Pick<PouchDatabase, 'get' | 'put' | 'allDocs'>;

const CONFLICT_RETRIES = 20;

const statusOf = (err: unknown): number | undefined => (err as { status?: number }).status;

/** The document, or null when it does not exist (or was deleted). */
export async function readDoc<T extends ServerDoc>(db: ServerDb, id: string): Promise<T | null> {
  try {
    return (await db.get(id)) as unknown as T;
  } catch (err) {
    if (statusOf(err) === 404) return null;
    throw err;
  }
}

/**
 * Changes one document as `change` decides from what is stored now: its answer is written with
 * the revision it saw; `null` writes nothing; `{ _deleted: true }` deletes. On a 409 the document is
 * read again and `change` decides again. Answers what was written (or null).
 */
export async function updateDoc<T extends ServerDoc>(
  db: ServerDb,
  id: string,
  change: (current: T | null) => Omit<T, '_id' | '_rev'> | { _deleted: true } | null,
): Promise<(T & { _rev: string }) | null> {
  for (let attempt = 0; ; attempt++) {
    const current = await readDoc<T>(db, id);
    const next = change(current);
    if (next === null) return null;
    const doc = { ...next, _id: id, ...(current?._rev ? { _rev: current._rev } : {}) };
    try {
      const { rev } = await db.put(doc as never);
      return { ...(doc as unknown as T), _rev: rev };
    } catch (err) {
      if (statusOf(err) !== 409 || attempt >= CONFLICT_RETRIES) throw err;
      // Another server wrote it between our read and our write: read it again.
    }
  }
}

/** Every document whose id starts with `prefix`, with its body (attachments as stubs). */
export async function docsWithPrefix<T extends ServerDoc>(
  db: ServerDb,
  prefix: string,
): Promise<T[]> {
  const all = await db.allDocs({
    include_docs: true,
    startkey: prefix,
    endkey: `${prefix}\uffff`,
  });
  return all.rows.flatMap((row) => ('doc' in row && row.doc ? [row.doc as unknown as T] : []));
}

/** The documents of `ids` that exist, by id (one request). */
export async function docsByIds<T extends ServerDoc>(
  db: ServerDb,
  ids: string[],
): Promise<Map<string, T>> {
  if (ids.length === 0) return new Map();
  const all = await db.allDocs({ include_docs: true, keys: ids });
  const found = new Map<string, T>();
  for (const row of all.rows) {
    const doc = (row as { doc?: T | null }).doc;
    if (doc) found.set(doc._id, doc);
  }
  return found;
}
