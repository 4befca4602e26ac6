// Idempotent start-up set-up of every database: create it, set _security, install the design doc.
import { DATABASES, DATABASE_RULES } from '@/lib/schema';
import type { Logger } from 'pino';
import type { Store } from '../store/store';
import { DESIGN_DOC_ID, designDocFor } from './design-docs';
import { EXPORT_VIEWS_DOC_ID, SCANS_EXPORT_VIEWS_DOC } from './export-views';
import { SERVER_DB, SERVER_DB_SECURITY } from '../api/server-db';

/**
 * _security: members may read, `admin`-role users are database admins.
 * https://docs.couchdb.org/en/stable/api/database/security.html
 */
export function securityFor(readers: readonly string[]): Record<string, unknown> {
  return {
    admins: { names: [], roles: ['admin'] },
    members: { names: [], roles: [...readers] },
  };
}

async function existingDoc(
  db: Awaited<ReturnType<Store['database']>>,
  id: string,
): Promise<Record<string, unknown> | null> {
  try {
    return await db.get(id);
  } catch (err) {
    if ((err as { status?: number }).status === 404) return null;
    throw err;
  }
}

export async function bootstrapDatabases(store: Store, log: Logger): Promise<void> {
  for (const name of DATABASES) {
    const db = await store.database(name);
    if (!db.putSecurity) throw new Error(`store has no _security support for ${name}`);
    await db.putSecurity(securityFor(DATABASE_RULES[name].readers));
    const wanted = designDocFor(name);
    const current = await existingDoc(db, DESIGN_DOC_ID);
    const changed =
      current?.validate_doc_update !== wanted.validate_doc_update ||
      JSON.stringify(current?.filters ?? null) !== JSON.stringify(wanted.filters ?? null);
    if (changed) {
      await db.put({ ...wanted, ...(current ? { _rev: current._rev } : {}) });
      log.info({ db: name }, 'installed design document');
    }
  }
  // Exports on Apache CouchDB read a manifest's scans through a view; the embedded store reads
  // LevelDB instead, and its devices need no second design document in what they pull.
  if (store.kind === 'couchdb') {
    const scans = await store.database('scans');
    const current = await existingDoc(scans, EXPORT_VIEWS_DOC_ID);
    if (JSON.stringify(current?.views ?? null) !== JSON.stringify(SCANS_EXPORT_VIEWS_DOC.views)) {
      await scans.put({ ...SCANS_EXPORT_VIEWS_DOC, ...(current ? { _rev: current._rev } : {}) });
      log.info({ db: 'scans' }, 'installed the export views');
    }
  }
  // The sync servers' shared state (api/server-db.ts): server admins only, no design document.
  const serverDb = await store.database(SERVER_DB);
  if (!serverDb.putSecurity) throw new Error(`store has no _security support for ${SERVER_DB}`);
  await serverDb.putSecurity(SERVER_DB_SECURITY);
  // _users: `admin`-role users administer accounts; reads are limited by the guard (own doc only).
  const users = await store.database('_users');
  if (!users.putSecurity) throw new Error('store has no _security support for _users');
  await users.putSecurity({
    admins: { names: [], roles: ['admin'] },
    members: { names: [], roles: [] },
  });
}
