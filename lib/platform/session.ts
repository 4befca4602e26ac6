// Login, logout and the current session against the CouchDB `_session` API on our own origin.
// https://docs.couchdb.org/en/stable/api/server/authn.html#cookie-authentication
import type { UserContext } from '../schema/roles';

export type SessionErrorCode = 'bad-credentials' | 'rate-limited' | 'network-down' | 'server-error';

const MESSAGES: Record<SessionErrorCode, string> = {
  'bad-credentials': 'Wrong username or password. Check them and try again.',
  'rate-limited': 'Too many attempts. Wait a minute, then try again.',
  'network-down':
    'Cannot reach the Dockhand server. Check Wi-Fi or mobile data; scans already recorded are safe.',
  'server-error': 'The Dockhand server had a problem. Try again in a moment or tell a supervisor.',
};

export class SessionError extends Error {
  constructor(
    readonly code: SessionErrorCode,
    readonly status?: number,
  ) {
    super(MESSAGES[code]);
    this.name = 'SessionError';
  }
}

export interface SessionApi {
  current(): Promise<UserContext>;
  login(name: string, password: string): Promise<UserContext>;
  logout(): Promise<void>;
}

const SESSION_PATH = '/db/_session';

async function call(fetchFn: typeof fetch, init: RequestInit): Promise<Response> {
  let response: Response;
  try {
    response = await fetchFn(SESSION_PATH, {
      credentials: 'same-origin',
      cache: 'no-store',
      ...init,
      headers: { accept: 'application/json', ...(init.headers ?? {}) },
    });
  } catch {
    throw new SessionError('network-down');
  }
  if (response.status === 401 || response.status === 403) {
    throw new SessionError('bad-credentials', response.status);
  }
  if (response.status === 429) throw new SessionError('rate-limited', 429);
  if (!response.ok) throw new SessionError('server-error', response.status);
  return response;
}

function userContextOf(body: unknown): UserContext {
  const record = (body ?? {}) as {
    userCtx?: { name?: unknown; roles?: unknown };
    name?: unknown;
    roles?: unknown;
  };
  // GET answers { ok, userCtx: { name, roles } }; POST answers { ok, name, roles }.
  const source = record.userCtx ?? record;
  const name = typeof source.name === 'string' ? source.name : null;
  const roles = Array.isArray(source.roles)
    ? source.roles.filter((r) => typeof r === 'string')
    : [];
  return { name, roles };
}

async function jsonOf(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    throw new SessionError('server-error', response.status);
  }
}

export function sessionApi(fetchFn: typeof fetch = (...args) => fetch(...args)): SessionApi {
  return {
    async current() {
      try {
        return userContextOf(await jsonOf(await call(fetchFn, { method: 'GET' })));
      } catch (error) {
        // A stale or forged cookie can earn a 401 here: that simply means "not logged in".
        if (error instanceof SessionError && error.code === 'bad-credentials') {
          return { name: null, roles: [] };
        }
        throw error;
      }
    },
    async login(name, password) {
      const response = await call(fetchFn, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name, password }),
      });
      const user = userContextOf(await jsonOf(response));
      return { name: user.name ?? name, roles: user.roles };
    },
    async logout() {
      await call(fetchFn, { method: 'DELETE' });
    },
  };
}
