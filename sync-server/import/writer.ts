// Where an import writes: a small interface so tests use a real on-disk PouchDB and the server
// plugs in its store. Documents cross it in lib/schema shape (`id`); the Pouch adapter stores the
// id as `_id`, as RxDB's CouchDB replication expects.
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
}

const DELETE_PAGE = 1_000;

function toCouch<T extends { id: string }>(doc: T): Record<string, unknown> {
  const { id, ...rest } = doc;
  return { _id: id, ...rest };
}

/** A ManifestWriter over two PouchDB (or PouchDB-like) databases. */
export function pouchManifestWriter(dbs: {
  manifests: PouchLike;
  waybills: PouchLike;
}): ManifestWriter {
  const { manifests, waybills } = dbs;
  return {
    async createManifest(doc) {
      await manifests.put(toCouch(doc));
    },
    async updateManifest(doc) {
      const current = await manifests.get(doc.id);
      await manifests.put({ ...toCouch(doc), _rev: current._rev });
    },
    async writeWaybills(docs) {
      const results = await waybills.bulkDocs(docs.map(toCouch));
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
        const results = await waybills.bulkDocs(
          page.rows.map((r) => ({ _id: r.id, _rev: r.value.rev, _deleted: true })),
        );
        const failed = results.filter((r) => r.error);
        if (failed.length > 0) throw new Error(`${failed.length} waybills not deleted`);
        deleted += page.rows.length;
      }
    },
  };
}
