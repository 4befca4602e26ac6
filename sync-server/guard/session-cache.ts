// Who sent a request, remembered for a few seconds per credential. Every /db request asked the
// store's /_session first (~2.7 ms of the server's one thread on the embedded store, a round trip
// to Apache CouchDB), and a device sends several a second. Only answers naming a user are kept:
// a wrong password is asked every time, so the login limiter sees each one. A password change,
// role change or logout takes effect within `ttlMs`.
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { UserContext } from '@/lib/schema';

export interface SessionCacheOptions {
  ttlMs: number;
  maxEntries: number;
  now?: () => number;
}

export const DEFAULT_SESSION_CACHE: SessionCacheOptions = { ttlMs: 5_000, maxEntries: 10_000 };

/** The credentials of a request as one key; null when it carries none. */
export function credentialKey(headers: IncomingHttpHeaders): string | null {
  const authorization = headers.authorization ?? '';
  const cookie = headers.cookie ?? '';
  if (!authorization && !cookie) return null;
  // Hashed, so the map holds no password or session cookie.
  return createHash('sha256')
    .update(authorization)
    .update('\u0000')
    .update(cookie)
    .digest('base64');
}

export function createSessionCache(opts: SessionCacheOptions = DEFAULT_SESSION_CACHE) {
  const now = opts.now ?? Date.now;
  const entries = new Map<string, { user: UserContext; until: number }>();
  return {
    get(key: string): UserContext | null {
      const hit = entries.get(key);
      if (!hit) return null;
      if (hit.until <= now()) {
        entries.delete(key);
        return null;
      }
      return hit.user;
    },
    set(key: string, user: UserContext): void {
      if (!user.name) return; // anonymous answers are not worth keeping
      entries.delete(key);
      if (entries.size >= opts.maxEntries) entries.delete(entries.keys().next().value!);
      entries.set(key, { user, until: now() + opts.ttlMs });
    },
    /** Forgets a credential (its logout, or a login that replaced it). */
    forget(key: string): void {
      entries.delete(key);
    },
    get size() {
      return entries.size;
    },
  };
}

export type SessionCache = ReturnType<typeof createSessionCache>;
