// link_visits is created, secured and given its write rule by the bootstrap (lib/schema DATABASES).
import type { PouchDatabase } from 'pouchdb';
import type { Store } from '../store/store';

export const VISITS_DB = 'link_visits';

export function openVisitsDatabase(store: Store): Promise<PouchDatabase> {
  return store.database(VISITS_DB);
}
