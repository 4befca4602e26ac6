// How many `_local` documents a user keeps per database. `_local` documents are not replicated and
// run no validation, so any reader could fill a database with them; a replicator needs one
// checkpoint per replication. The ids a user wrote are listed in a `_local` document of the same
// database under a reserved prefix no user can address, so the count holds across restarts and
// across sync servers sharing one store.
// https://docs.couchdb.org/en/stable/api/local.html
import type { IncomingHttpHeaders } from 'node:http';
import { createHash } from 'node:crypto';

/** `_local` ids users may not write: the guard's own records. */
export const RESERVED_LOCAL_PREFIX = 'dockhand.';

export interface LocalQuotaStore {
  /** GET/PUT a `_local` document of `db` with the user's own credentials. */
  request(
    method: 'GET' | 'PUT',
    db: string,
    localId: string,
    headers: IncomingHttpHeaders,
    body?: unknown,
  ): Promise<{ status: number; json: unknown }>;
}

interface Ledger {
  _rev?: string;
  ids: string[];
}

export type QuotaAnswer = { ok: true } | { ok: false; reserved: boolean };

const ledgerIdOf = (user: string) =>
  `${RESERVED_LOCAL_PREFIX}quota.${createHash('sha256').update(user).digest('hex').slice(0, 32)}`;

export function createLocalQuota(store: LocalQuotaStore, maxPerUser: number) {
  /** Ids known to be in a ledger, so a checkpoint's every write does not read the ledger. */
  const known = new Map<string, Set<string>>();
  const key = (db: string, user: string) => `${db}\u0000${user}`;

  async function readLedger(db: string, user: string, headers: IncomingHttpHeaders) {
    const answer = await store.request('GET', db, ledgerIdOf(user), headers);
    if (answer.status === 404) return { ids: [] } as Ledger;
    const json = answer.json as Partial<Ledger> | undefined;
    if (answer.status !== 200 || !json || !Array.isArray(json.ids)) {
      throw new Error(`could not read the _local ledger of ${db} (${answer.status})`);
    }
    return { _rev: json._rev, ids: json.ids.filter((id) => typeof id === 'string') };
  }

  return {
    /** Before a PUT of `_local/<id>`: may this user keep one more (or this) `_local` document? */
    async mayWrite(
      db: string,
      user: string,
      id: string,
      headers: IncomingHttpHeaders,
    ): Promise<QuotaAnswer> {
      if (id.startsWith(RESERVED_LOCAL_PREFIX)) return { ok: false, reserved: true };
      if (known.get(key(db, user))?.has(id)) return { ok: true };
      // Two tries: a second writer of the same user may update the ledger in between (409).
      for (let attempt = 0; attempt < 2; attempt++) {
        const ledger = await readLedger(db, user, headers);
        known.set(key(db, user), new Set(ledger.ids));
        if (ledger.ids.includes(id)) return { ok: true };
        if (ledger.ids.length >= maxPerUser) return { ok: false, reserved: false };
        const written = await store.request('PUT', db, ledgerIdOf(user), headers, {
          ...(ledger._rev ? { _rev: ledger._rev } : {}),
          ids: [...ledger.ids, id],
        });
        if (written.status === 201 || written.status === 200) {
          known.get(key(db, user))?.add(id);
          return { ok: true };
        }
        if (written.status !== 409) {
          throw new Error(`could not write the _local ledger of ${db} (${written.status})`);
        }
      }
      return { ok: false, reserved: false };
    },
    /** After a DELETE of `_local/<id>` succeeded: the place is free again. */
    async deleted(db: string, user: string, id: string, headers: IncomingHttpHeaders) {
      known.get(key(db, user))?.delete(id);
      const ledger = await readLedger(db, user, headers);
      if (!ledger.ids.includes(id)) return;
      await store.request('PUT', db, ledgerIdOf(user), headers, {
        _rev: ledger._rev,
        ids: ledger.ids.filter((x) => x !== id),
      });
    },
  };
}

export type LocalQuota = ReturnType<typeof createLocalQuota>;
