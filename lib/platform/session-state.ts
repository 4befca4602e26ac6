// Who is using this device and whether the server still accepts their session.
// Scanning never waits on this: with an expired session, scans are recorded as the last known user
// and sync pauses (the gate below) until the person logs in again.
import type { SessionStatus } from '../core/sync-state';
import type { KeyValueStore } from './key-value';
import type { SessionApi } from './session';
import { SessionError } from './session';
import type { ReadableStore } from './small-store';
import { writableStore } from './small-store';

const LAST_USER_KEY = 'dockhand.lastUser';
const RECHECK_EXPIRED_MS = 60_000; // 1 min: notice a login made in another tab without hammering

export interface SessionSnapshot {
  status: SessionStatus;
  /** The signed-in user, or the last one known on this device (used for offline scans). */
  user: string | null;
  roles: readonly string[];
}

export interface SessionState extends ReadableStore<SessionSnapshot> {
  /** Asks the server; a network failure leaves the status as it was ('unknown' at start). */
  refresh(): Promise<SessionSnapshot>;
  login(name: string, password: string): Promise<SessionSnapshot>;
  logout(): Promise<void>;
  /** Called by sync when the server answers 401: pause sync until a new login. */
  markExpired(): void;
  /** Resolves once sync may talk to the server (an active or not-yet-known session). */
  whenSyncAllowed(): Promise<void>;
  dispose(): void;
}

interface SavedUser {
  name: string;
  roles: string[];
}

function savedUserFrom(store: KeyValueStore): SavedUser | null {
  const raw = store.getItem(LAST_USER_KEY);
  if (!raw) return null;
  try {
    const parsed = JSON.parse(raw) as Partial<SavedUser>;
    return typeof parsed.name === 'string' && parsed.name
      ? { name: parsed.name, roles: Array.isArray(parsed.roles) ? parsed.roles : [] }
      : null;
  } catch (error) {
    console.warn('[dockhand] ignoring unreadable saved user', error);
    return null;
  }
}

export function createSessionState(deps: {
  api: SessionApi;
  store: KeyValueStore;
  /** Subscribe to "another tab changed the saved user" (the `storage` event); returns unsubscribe. */
  onExternalChange?: (listener: () => void) => () => void;
  setTimer?: (fn: () => void, ms: number) => () => void;
}): SessionState {
  const saved = savedUserFrom(deps.store);
  const state = writableStore<SessionSnapshot>({
    status: saved ? 'unknown' : 'none',
    user: saved?.name ?? null,
    roles: saved?.roles ?? [],
  });
  const waiters = new Set<() => void>();
  let cancelRecheck: (() => void) | null = null;

  const setSnapshot = (next: SessionSnapshot) => {
    state.set(next);
    if (next.status === 'active' || next.status === 'unknown') {
      for (const wake of [...waiters]) wake();
      waiters.clear();
    }
    cancelRecheck?.();
    cancelRecheck = null;
    if (next.status === 'expired' && deps.setTimer) {
      cancelRecheck = deps.setTimer(() => {
        refresh().catch((error: unknown) =>
          console.warn('[dockhand] session recheck failed', error),
        );
      }, RECHECK_EXPIRED_MS);
    }
  };

  const remember = (name: string, roles: readonly string[]) => {
    deps.store.setItem(LAST_USER_KEY, JSON.stringify({ name, roles }));
  };

  async function refresh(): Promise<SessionSnapshot> {
    try {
      const ctx = await deps.api.current();
      const last = savedUserFrom(deps.store);
      if (ctx.name) {
        remember(ctx.name, ctx.roles);
        setSnapshot({ status: 'active', user: ctx.name, roles: ctx.roles });
      } else if (last) {
        setSnapshot({ status: 'expired', user: last.name, roles: last.roles });
      } else {
        setSnapshot({ status: 'none', user: null, roles: [] });
      }
    } catch (error) {
      if (!(error instanceof SessionError && error.code === 'network-down')) {
        console.warn('[dockhand] session check failed', error);
      }
    }
    return state.get();
  }

  const unsubscribeExternal = deps.onExternalChange?.(() => {
    void refresh();
  });

  return {
    get: state.get,
    subscribe: state.subscribe,
    refresh,
    async login(name, password) {
      const ctx = await deps.api.login(name, password);
      const user = ctx.name ?? name;
      remember(user, ctx.roles);
      setSnapshot({ status: 'active', user, roles: ctx.roles });
      return state.get();
    },
    async logout() {
      try {
        await deps.api.logout();
      } finally {
        deps.store.removeItem(LAST_USER_KEY);
        setSnapshot({ status: 'none', user: null, roles: [] });
      }
    },
    markExpired() {
      const current = state.get();
      if (current.status === 'expired' || current.status === 'none') return;
      setSnapshot({ ...current, status: 'expired' });
    },
    whenSyncAllowed() {
      const { status } = state.get();
      if (status === 'active' || status === 'unknown') return Promise.resolve();
      return new Promise<void>((resolve) => waiters.add(resolve));
    },
    dispose() {
      cancelRecheck?.();
      unsubscribeExternal?.();
    },
  };
}
