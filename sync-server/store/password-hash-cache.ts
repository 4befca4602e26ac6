// Remembers recently derived password hashes. Devices and print bridges that replicate with HTTP
// basic auth send the password with every request, and each one cost a 50,000-iteration pbkdf2
// (tens of ms of CPU, far more on a busy machine): a bridge's long-polls and a dashboard's
// polling queued behind each other on the thread pool. CouchDB 3.4 caches verified hashes for
// the same reason. The derivation is deterministic, so a hit returns exactly what a miss would;
// a changed password has a new salt and never meets an old entry. Keys are HMACs under a
// per-process secret, so the cache holds no password or fast-to-attack digest of one.
import { createHmac, randomBytes } from 'node:crypto';

export type DeriveHash = (password: string, salt: string, iterations: number) => Promise<string>;

export interface HashCacheOptions {
  maxEntries: number;
  ttlMs: number;
  now?: () => number;
}

export const DEFAULT_HASH_CACHE: HashCacheOptions = { maxEntries: 1_000, ttlMs: 5 * 60_000 };

export function cachedPasswordHash(
  derive: DeriveHash,
  { maxEntries, ttlMs, now = Date.now }: HashCacheOptions = DEFAULT_HASH_CACHE,
): DeriveHash {
  const secret = randomBytes(32);
  // Map keeps insertion order: the first key is the oldest, evicted first.
  const entries = new Map<string, { hash: Promise<string>; until: number }>();
  return (password, salt, iterations) => {
    const key = createHmac('sha256', secret)
      .update(`${salt}\0${iterations}\0${password}`)
      .digest('base64');
    const hit = entries.get(key);
    if (hit && hit.until > now()) return hit.hash;
    entries.delete(key);
    const hash = derive(password, salt, iterations);
    entries.set(key, { hash, until: now() + ttlMs });
    hash.catch(() => entries.delete(key)); // a failed derivation is not remembered
    while (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
    return hash;
  };
}
