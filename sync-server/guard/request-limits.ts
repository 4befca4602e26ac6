// What one /db request may cost the store, checked on the parsed body before the store sees it:
// documents or keys per request, JSON nesting, `_local` document size, `_find` operators and rows.
// Pure: the guard reads the body and turns a refusal into a `{ error, reason }` answer.
// Endpoints: https://docs.couchdb.org/en/stable/api/database/bulk-api.html
import type { SyncErrorCode } from '../errors';

export interface RequestLimits {
  /** Documents in one `_bulk_docs` / `_bulk_get`, keys in one `_all_docs` / view / `_revs_diff`. */
  maxDocsPerRequest: number;
  /** Rows one read may ask for (`limit` of `_all_docs`, views, `_find`, one-off `_changes`). */
  maxRowsPerRead: number;
  /** Nesting of objects and arrays in any body or JSON query parameter. */
  maxJsonDepth: number;
  /** One `_local` document (replication checkpoints are a few KB). */
  maxLocalDocBytes: number;
  /** `_local` documents one user may keep in one database. */
  maxLocalDocsPerUser: number;
}

export const DEFAULT_REQUEST_LIMITS: RequestLimits = {
  maxDocsPerRequest: 1_000, // RxDB pushes 50, the print bridge 100
  maxRowsPerRead: 10_000,
  maxJsonDepth: 32, // Dockhand documents nest 4 deep inside a _bulk_docs body
  maxLocalDocBytes: 64 * 1024,
  maxLocalDocsPerUser: 32, // a bridge keeps one checkpoint per replication
};

export interface LimitRefusal {
  code: SyncErrorCode;
  reason: string;
}

/** The body a request would send, as the guard and the store both read it. */
export type ParsedBody =
  { ok: true; value: unknown; bytes: Buffer } | (LimitRefusal & { ok: false });

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * Whether `text` nests objects or arrays deeper than `max`. A linear scan with no recursion, so a
 * 5,000-deep body is measured without building it (V8's JSON.parse copes; the store's encoders,
 * JSON.stringify among them, recurse and overflow the stack).
 */
export function jsonDeeperThan(bytes: Buffer, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/**
 * Parses a JSON body the way the store will read it. A leading byte-order mark is dropped here and
 * in the bytes forwarded, so nothing downstream (the link limiter, the store) reads it differently.
 */
export function parseJsonBody(raw: Buffer, maxDepth: number): ParsedBody {
  const bytes = raw.subarray(0, 3).equals(BOM) ? raw.subarray(3) : raw;
  if (jsonDeeperThan(bytes, maxDepth)) {
    return {
      ok: false,
      code: 'SYNC_ERR_TOO_DEEP',
      reason: `The JSON body nests more than ${maxDepth} levels deep.`,
    };
  }
  try {
    return { ok: true, value: JSON.parse(bytes.toString('utf8')) as unknown, bytes };
  } catch (err) {
    return {
      ok: false,
      code: 'SYNC_ERR_BAD_JSON',
      reason: `The body is not valid JSON (${(err as Error).message.slice(0, 120)}).`,
    };
  }
}

/** A JSON object (not an array or null): what a CouchDB body or document must be. */
export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The endpoint below a database that a body is checked for. */
export type BodyEndpoint =
  | '_bulk_docs'
  | '_bulk_get'
  | '_all_docs'
  | '_view'
  | '_revs_diff'
  | '_changes'
  | '_find'
  | '_local'
  | 'doc';

const tooMany = (what: string, max: number): LimitRefusal => ({
  code: 'SYNC_ERR_TOO_MANY_DOCS',
  reason: `Too many ${what} in one request (at most ${max}): send them in smaller batches.`,
});
const malformed = (reason: string): LimitRefusal => ({ code: 'SYNC_ERR_BAD_REQUEST', reason });

/** Whether a `_find` selector uses `$regex` anywhere (its backtracking can freeze the store). */
export function selectorUsesRegex(selector: unknown): boolean {
  const pending: unknown[] = [selector];
  while (pending.length > 0) {
    const next = pending.pop();
    if (Array.isArray(next)) pending.push(...next);
    else if (isObject(next)) {
      for (const [key, value] of Object.entries(next)) {
        if (key === '$regex') return true;
        pending.push(value);
      }
    }
  }
  return false;
}

/**
 * Checks a parsed body against the limits; null when it may go on. `trusted` (admins) may use
 * `_find`'s `$regex` and bigger `_local` documents; counts and depth hold for everyone.
 */
export function checkBody(
  endpoint: BodyEndpoint,
  body: unknown,
  limits: RequestLimits,
  trusted: boolean,
): LimitRefusal | null {
  const max = limits.maxDocsPerRequest;
  switch (endpoint) {
    case '_bulk_docs': {
      if (!isObject(body) || !Array.isArray(body.docs)) {
        return malformed('_bulk_docs needs a body {"docs": [ … ]}.');
      }
      if (body.docs.length > max) return tooMany('documents', max);
      if (!body.docs.every(isObject)) return malformed('Every entry of "docs" must be an object.');
      return null;
    }
    case '_bulk_get': {
      if (!isObject(body) || !Array.isArray(body.docs)) {
        return malformed('_bulk_get needs a body {"docs": [ … ]}.');
      }
      return body.docs.length > max ? tooMany('documents', max) : null;
    }
    case '_all_docs':
    case '_view': {
      if (!isObject(body)) return malformed('The body must be a JSON object.');
      if (body.keys !== undefined && !Array.isArray(body.keys)) {
        return malformed('"keys" must be an array.');
      }
      if (Array.isArray(body.keys) && body.keys.length > max) return tooMany('keys', max);
      return null;
    }
    case '_revs_diff': {
      if (!isObject(body)) return malformed('_revs_diff needs a JSON object of id → revisions.');
      let revs = 0;
      for (const value of Object.values(body)) revs += Array.isArray(value) ? value.length : 1;
      if (Object.keys(body).length > max) return tooMany('documents', max);
      return revs > max * 10 ? tooMany('revisions', max * 10) : null;
    }
    case '_changes': {
      if (!isObject(body)) return malformed('The body must be a JSON object.');
      if (Array.isArray(body.doc_ids) && body.doc_ids.length > max) {
        return tooMany('document ids', max);
      }
      return null;
    }
    case '_find': {
      if (!isObject(body) || !isObject(body.selector)) {
        return malformed('_find needs a body {"selector": { … }}.');
      }
      if (!trusted && selectorUsesRegex(body.selector)) {
        return {
          code: 'SYNC_ERR_QUERY_REFUSED',
          reason: '$regex is not allowed in _find for your roles: match whole values instead.',
        };
      }
      const limit = body.limit;
      if (limit !== undefined && (typeof limit !== 'number' || limit > limits.maxRowsPerRead)) {
        return readLimitRefusal(limits.maxRowsPerRead);
      }
      return null;
    }
    case '_local':
    case 'doc':
      return isObject(body) ? null : malformed('A document must be a JSON object.');
  }
}

const readLimitRefusal = (max: number): LimitRefusal => ({
  code: 'SYNC_ERR_LIMIT_REQUIRED',
  reason: `Ask for at most ${max} rows at a time (limit=${max}) and page with startkey or since.`,
});

/** Query parameters whose JSON is checked: `keys` (all_docs, views) and `doc_ids` (_changes). */
const JSON_LIST_PARAMS = ['keys', 'doc_ids'];

/**
 * Checks the query string of a request: JSON list parameters (count and depth), and, when
 * `rowsBounded`, that a read which builds its whole answer in memory asks for a bounded number of
 * rows (`_all_docs`, views, one-off and longpoll `_changes`; streamed feeds need no limit).
 */
export function checkQuery(
  query: URLSearchParams,
  limits: RequestLimits,
  opts: { rowsBounded: boolean },
): LimitRefusal | null {
  let listed = false; // a list of keys bounds the rows
  for (const name of JSON_LIST_PARAMS) {
    const value = query.get(name);
    if (value === null) continue;
    const parsed = parseJsonBody(Buffer.from(value, 'utf8'), limits.maxJsonDepth);
    if (!parsed.ok) return { code: parsed.code, reason: `${name}: ${parsed.reason}` };
    if (!Array.isArray(parsed.value)) return malformed(`"${name}" must be a JSON array.`);
    if (parsed.value.length > limits.maxDocsPerRequest) {
      return tooMany(name, limits.maxDocsPerRequest);
    }
    listed = true;
  }
  if (listed || !opts.rowsBounded) return null;
  const limit = query.get('limit');
  if (limit === null || !/^\d+$/.test(limit) || Number(limit) > limits.maxRowsPerRead) {
    return readLimitRefusal(limits.maxRowsPerRead);
  }
  return null;
}

/** Size check for a `_local` document body (trusted callers are not limited). */
export function checkLocalDocSize(
  bytes: number,
  limits: RequestLimits,
  trusted: boolean,
): LimitRefusal | null {
  if (trusted || bytes <= limits.maxLocalDocBytes) return null;
  return {
    code: 'SYNC_ERR_LOCAL_TOO_LARGE',
    reason: `A _local document may hold at most ${limits.maxLocalDocBytes} bytes (replication checkpoints need a few KB).`,
  };
}
