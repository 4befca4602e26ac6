// Where an import writes: a small interface so tests use a real on-disk PouchDB and the server
// plugs in its store. Documents cross it in lib/schema shape (`id`); the Pouch adapter stores the
// id as `_id`, as RxDB's CouchDB replication expects.
import { randomUUID } from 'node:crypto';
import type { Manifest, Waybill } from '@/lib/schema';

export interface ManifestWriter {
  /** Creates the manifest; rejects with `{ status: 409 }` (CouchDB conflict) when the id exists. */
  createManifest(doc: Manifest): Promise<void>;
  /** Replaces the manifest (status changes). */
  updateManifest(doc: Manifest): Promise<void>;
  /** Writes one batch of new waybills (`_bulk_docs`); rejects if any document failed. */
  writeWaybills(docs: Waybill[]): Promise<void>;
  /** Deletes every waybill of a manifest; returns how many were deleted. */
  deleteWaybills(manifestId: string): Promise<number>;
}

/** The part of a PouchDB database (pouchdb 9) the adapter uses. */
export interface PouchLike {
  get(id: string): Promise<Record<string, unknown>>;
  put(doc: Record<string, unknown>): Promise<{ rev: string }>;
  bulkDocs(
    docs: Record<string, unknown>[],
    options?: Record<string, unknown>,
  ): Promise<
    { ok?: boolean; id?: string; error?: string | boolean; reason?: string; status?: number }[]
  >;
  allDocs(
    options: Record<string, unknown>,
  ): Promise<{ rows: { id: string; value: { rev: string } }[] }>;
  info(): Promise<unknown>;
}

const DELETE_PAGE = 1_000;

function toCouch<T extends { id: string }>(doc: T): Record<string, unknown> {
  const { id, ...rest } = doc;
  return { _id: id, ...rest };
}

type BulkDocs = PouchLike['bulkDocs'];

/**
 * The database's own `bulkDocs`, from under the wrappers express-pouchdb installs on each
 * database instance: pouchdb-wrappers replaces the method with one that runs every handler
 * (`validate_doc_update`, `_security`) and keeps the adapter's method as `._original`. Same
 * database, same changes feed, so replication sees every write. Measured on 100k waybills (2
 * busy cores): 270 s wrapped (the old document is fetched and the design function run for each
 * one) against 21 s direct. Only for documents the server built and checked itself
 * (createRowReader → lib/schema shape); null when the database is not wrapped that way.
 */
function adapterBulkDocs(db: PouchLike): BulkDocs | null {
  let method = db.bulkDocs as BulkDocs & { _original?: unknown };
  while (typeof method._original === 'function')
    method = method._original as BulkDocs & { _original?: unknown };
  return method !== db.bulkDocs ? (method.bind(db) as BulkDocs) : null;
}

/**
 * A first revision id for a new document: `1-` and 32 random hex digits (any unique hash is a
 * valid revision; hashing each body cost ~1.5 µs a document for nothing).
 */
function firstRev(): string {
  return `1-${randomUUID().replace(/-/g, '')}`;
}

type AppendNewDocs = (
  docs: Record<string, unknown>[],
  callback: (err: unknown, result?: { written: number; existing: number[] }) => void,
) => void;

/**
 * The leveldb adapter's `_appendNewDocs` (added by patches/pouchdb+9.0.0.patch): brand-new first
 * revisions in one LevelDB batch under the adapter's write lock, without the per-document get and
 * revision-tree merge of `bulkDocs` — writing 100k waybills measured ~7 s through bulkDocs,
 * ~2.4 s this way. Ids that already exist come back as `existing` and go through bulkDocs. Null
 * on an adapter without it (another PouchDB adapter, or the patch not applied).
 */
function appendNewDocsOf(
  db: PouchLike,
): ((docs: Record<string, unknown>[]) => Promise<{ existing: number[] }>) | null {
  const method = (db as unknown as { _appendNewDocs?: AppendNewDocs })._appendNewDocs;
  if (typeof method !== 'function') return null;
  // Adapter methods skip PouchDB's wait for the database to open; info() waits for it.
  let opened: Promise<unknown> | null = null;
  return async (docs) => {
    opened ??= db.info();
    await opened;
    return new Promise((resolve, reject) =>
      method.call(db, docs, (err, result) =>
        err || !result ? reject(err ?? new Error('no result')) : resolve(result),
      ),
    );
  };
}

export interface PouchWriterOptions {
  /**
   * Waybills are new documents under a manifest id made for this import (ids are
   * `${manifestId}:${number}`, numbers unique within the file), so they are written as first
   * revisions with `new_edits: false` (~2× faster in PouchDB) through the adapter directly (see
   * adapterBulkDocs). Only for such fresh ids: on an existing id `new_edits: false` would add a
   * conflicting branch instead of refusing. Off by default: the store's wrappers check each one.
   */
  trustedWaybills?: boolean;
}

/** A ManifestWriter over two PouchDB (or PouchDB-like) databases. */
export function pouchManifestWriter(
  dbs: {
    manifests: PouchLike;
    waybills: PouchLike;
  },
  options: PouchWriterOptions = {},
): ManifestWriter {
  const { manifests, waybills } = dbs;
  const direct = options.trustedWaybills ? adapterBulkDocs(waybills) : null;
  const append = options.trustedWaybills ? appendNewDocsOf(waybills) : null;
  const bulkNew = (couchDocs: Record<string, unknown>[]) =>
    (direct ?? waybills.bulkDocs.bind(waybills))(couchDocs, { new_edits: false });
  const writeNew = options.trustedWaybills
    ? async (docs: Waybill[]) => {
        const couchDocs = docs.map(({ id, ...rest }) => ({ _id: id, _rev: firstRev(), ...rest }));
        if (!append) return bulkNew(couchDocs);
        const { existing } = await append(couchDocs);
        // Ids left by an earlier import of the same manifest id (tombstones): bulkDocs merges them.
        return existing.length > 0 ? bulkNew(existing.map((i) => couchDocs[i]!)) : [];
      }
    : (docs: Waybill[]) => waybills.bulkDocs(docs.map(toCouch));
  return {
    async createManifest(doc) {
      await manifests.put(toCouch(doc));
    },
    async updateManifest(doc) {
      const current = await manifests.get(doc.id);
      await manifests.put({ ...toCouch(doc), _rev: current._rev });
    },
    async writeWaybills(docs) {
      const results = await writeNew(docs);
      const failed = results.filter((r) => r.error);
      if (failed.length > 0) {
        const first = failed[0]!;
        throw Object.assign(
          new Error(
            `${failed.length} waybills not written: ${first.id} ${first.reason ?? first.error}`,
          ),
          {
            status: first.status,
          },
        );
      }
    },
    async deleteWaybills(manifestId) {
      // Ids are `${manifestId}:${number}`, so one key range holds exactly this manifest's waybills.
      let deleted = 0;
      for (;;) {
        const page = await waybills.allDocs({
          startkey: `${manifestId}:`,
          endkey: `${manifestId}:\uffff`,
          limit: DELETE_PAGE,
        });
        if (page.rows.length === 0) return deleted;
        const results = await (direct ?? waybills.bulkDocs.bind(waybills))(
          page.rows.map((r) => ({ _id: r.id, _rev: r.value.rev, _deleted: true })),
        );
        const failed = results.filter((r) => r.error);
        if (failed.length > 0) throw new Error(`${failed.length} waybills not deleted`);
        deleted += page.rows.length;
      }
    },
  };
}
