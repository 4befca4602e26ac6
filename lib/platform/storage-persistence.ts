// Asks the browser not to evict our IndexedDB under storage pressure (scans live only here until synced).
// https://storage.spec.whatwg.org/#dom-storagemanager-persist
import type { KeyValueStore } from './key-value';

export type PersistenceResult = 'persistent' | 'best-effort' | 'unsupported';

const ASKED_KEY = 'dockhand.storagePersistAsked';

export interface StorageManagerLike {
  persist?: () => Promise<boolean>;
  persisted?: () => Promise<boolean>;
}

export async function storagePersistence(
  storage: StorageManagerLike | undefined,
): Promise<PersistenceResult> {
  if (!storage?.persisted) return 'unsupported';
  return (await storage.persisted()) ? 'persistent' : 'best-effort';
}

/** Asks once per device (after the first login); later calls only report the current state. */
export async function requestPersistenceOnce(
  storage: StorageManagerLike | undefined,
  store: KeyValueStore,
): Promise<PersistenceResult> {
  if (!storage?.persist) return 'unsupported';
  if (store.getItem(ASKED_KEY)) return storagePersistence(storage);
  store.setItem(ASKED_KEY, new Date().toISOString());
  return (await storage.persist()) ? 'persistent' : 'best-effort';
}
