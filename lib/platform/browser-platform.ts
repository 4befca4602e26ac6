// The browser capabilities of one page load, made once: device id, session, connectivity.
import { deviceIdFrom } from './device-id';
import type { KeyValueStore } from './key-value';
import { browserKeyValueStore } from './key-value';
import type { OnlineTracker } from './online';
import { createOnlineTracker } from './online';
import { sessionApi } from './session';
import type { SessionState } from './session-state';
import { createSessionState } from './session-state';
import type { PersistenceResult } from './storage-persistence';
import { requestPersistenceOnce, storagePersistence } from './storage-persistence';
import type { WritableStore } from './small-store';
import { writableStore } from './small-store';

export interface BrowserPlatform {
  deviceId: string;
  store: KeyValueStore;
  session: SessionState;
  online: OnlineTracker;
  persistence: WritableStore<PersistenceResult | null>;
  /** Ask for persistent storage once per device (call after login). */
  requestPersistence(): Promise<PersistenceResult>;
  onStorage(listener: (key: string | null) => void): () => void;
}

let platform: BrowserPlatform | null = null;

function onStorage(listener: (key: string | null) => void): () => void {
  const handler = (event: StorageEvent) => listener(event.key);
  window.addEventListener('storage', handler);
  return () => window.removeEventListener('storage', handler);
}

/** The page's platform singleton; browser only. */
export function browserPlatform(): BrowserPlatform {
  if (platform) return platform;
  const store = browserKeyValueStore();
  const persistence = writableStore<PersistenceResult | null>(null);
  const setTimer = (fn: () => void, ms: number) => {
    const id = window.setTimeout(fn, ms);
    return () => window.clearTimeout(id);
  };
  const session = createSessionState({
    api: sessionApi(),
    store,
    setTimer,
    onExternalChange: (listener) =>
      onStorage((key) => {
        if (key === 'dockhand.lastUser' || key === null) listener();
      }),
  });
  platform = {
    deviceId: deviceIdFrom(store, window.crypto),
    store,
    session,
    online: createOnlineTracker(window),
    persistence,
    async requestPersistence() {
      const result = await requestPersistenceOnce(navigator.storage, store);
      persistence.set(result);
      return result;
    },
    onStorage,
  };
  // Started offline? Ask the server who we are as soon as it can be reached.
  platform.online.subscribe(() => {
    if (platform?.online.get() && platform.session.get().status === 'unknown') {
      void platform.session.refresh();
    }
  });
  storagePersistence(navigator.storage)
    .then((result) => persistence.set(result))
    .catch((error: unknown) => console.warn('[dockhand] storage persistence unknown', error));
  return platform;
}
