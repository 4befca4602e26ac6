// Limits how many NEW short links each user may write to the `links` database: a token bucket per
// user, charged with the number of documents a write would create. Links are created by devices
// replicating (RxDB pushes `_bulk_docs` batches of up to 50), so the limit counts documents, not
// requests; edits of existing links are free. express-rate-limit (used for logins and /r/) counts
// requests in fixed windows, which cannot weigh one batch of 50 links as 50 nor give a steady refill.
// https://docs.couchdb.org/en/stable/api/database/bulk-api.html#db-bulk-docs
import type { Response } from 'express';
import { isObject } from './request-limits';

export interface LinkCreateLimitOptions {
  /** New links one user may write at once: a supervisor's bulk CSV import of a few hundred. */
  burst: number;
  /** Tokens back per minute once spent: the steady rate a runaway script is held to. */
  refillPerMinute: number;
}

export const DEFAULT_LINK_CREATE_LIMIT: LinkCreateLimitOptions = {
  burst: 500,
  refillPerMinute: 60, // 1 link/s, 3,600/h at most once the burst is spent
};

export type TakeResult = { ok: true } | { ok: false; retryAfterS: number };

export interface TokenBuckets {
  /** Takes `count` tokens from `key`'s bucket, all or none. */
  take(key: string, count: number): TakeResult;
  /** Tokens left for `key` now (for tests and logs). */
  left(key: string): number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Token buckets, one per key, created full; `now` is passed in so tests can hold the clock. */
export function createTokenBuckets(
  opts: LinkCreateLimitOptions,
  now: () => number = Date.now,
): TokenBuckets {
  const buckets = new Map<string, Bucket>();
  const perMs = opts.refillPerMinute / 60_000;

  const current = (key: string): Bucket => {
    const t = now();
    const bucket = buckets.get(key) ?? { tokens: opts.burst, at: t };
    const tokens = Math.min(opts.burst, bucket.tokens + Math.max(0, t - bucket.at) * perMs);
    return { tokens, at: t };
  };
  // A full bucket is the same as no bucket: forget it, so the map holds only recent writers.
  const store = (key: string, bucket: Bucket) => {
    if (bucket.tokens >= opts.burst) buckets.delete(key);
    else buckets.set(key, bucket);
  };

  return {
    take(key, count) {
      const bucket = current(key);
      if (count <= 0) return { ok: true };
      // A request larger than the whole bucket passes on a full bucket and leaves it in debt,
      // so a batch bigger than the burst is slowed, never stuck for ever.
      if (count <= bucket.tokens || bucket.tokens >= opts.burst) {
        store(key, { tokens: bucket.tokens - count, at: bucket.at });
        return { ok: true };
      }
      store(key, bucket);
      const missing = Math.min(count, opts.burst) - bucket.tokens;
      const retryAfterS = perMs > 0 ? Math.max(1, Math.ceil(missing / perMs / 1_000)) : 3_600;
      return { ok: false, retryAfterS };
    },
    left(key) {
      return current(key).tokens;
    },
  };
}

interface WrittenDoc {
  _id?: unknown;
  _rev?: unknown;
  _deleted?: unknown;
}

/** Design and local documents are not links (and only admins may write design documents). */
const isLinkId = (id: unknown) =>
  id === undefined || (typeof id === 'string' && !id.startsWith('_'));

/**
 * How many documents a write to the links database would create. A document sent without `_rev`
 * is a creation (CouchDB refuses a `_rev` that does not exist, so a script cannot dodge this by
 * inventing one); with `new_edits=false` any revision can be written, so every document counts.
 * Deletions never count. `parsed` is the body as the guard parsed it for the store (a leading
 * byte-order mark dropped, as the store drops it), undefined when there is none.
 * `path` is the URL below `/db/links` (query included).
 */
export function newLinksIn(
  method: string,
  path: string,
  parsed: unknown,
  headers: Record<string, string | string[] | undefined>,
): number {
  if (method !== 'PUT' && method !== 'POST') return 0;
  if (parsed === undefined) return 0;
  const [pathOnly = '', query = ''] = path.split('?', 2);
  const params = new URLSearchParams(query);
  const segments = pathOnly.split('/').filter(Boolean); // ['_bulk_docs'] or [docId] or []

  const counts = (doc: WrittenDoc, replicating: boolean, rev: unknown) =>
    isLinkId(doc._id) && doc._deleted !== true && (replicating || rev === undefined || rev === '');

  if (segments[0] === '_bulk_docs' && method === 'POST') {
    if (!isObject(parsed) || !Array.isArray(parsed.docs)) return 0;
    const replicating = parsed.new_edits === false;
    return parsed.docs.filter(
      (doc: unknown) => isObject(doc) && counts(doc as WrittenDoc, replicating, doc._rev),
    ).length;
  }
  if (!isObject(parsed)) return 0;
  const doc = parsed as WrittenDoc;
  if (segments.length === 0 && method === 'POST') return counts(doc, false, doc._rev) ? 1 : 0;
  if (segments.length === 1 && method === 'PUT') {
    const ifMatch = headers['if-match'];
    const rev = doc._rev ?? (params.get('rev') || undefined) ?? (ifMatch ? ifMatch : undefined);
    const docId = decodeURIComponentSafe(segments[0]!);
    return counts({ ...doc, _id: docId }, params.get('new_edits') === 'false', rev) ? 1 : 0;
  }
  return 0;
}

function decodeURIComponentSafe(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** The message the app shows as it is; the same words in `reason` and in the app's notice. */
export function tooManyLinksReason(retryAfterS: number): string {
  return `Too many new links: wait ${retryAfterS} s.`;
}

/**
 * 429 in CouchDB's error shape with `Retry-After` (RFC 9110 §10.2.3), which the app's replication
 * waits for before it sends the same links again.
 */
export function sendTooManyLinks(res: Response, retryAfterS: number): void {
  res.setHeader('Retry-After', String(retryAfterS));
  res.status(429).json({ error: 'too_many_requests', reason: tooManyLinksReason(retryAfterS) });
}
