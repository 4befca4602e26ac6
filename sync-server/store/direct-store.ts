// The embedded store's hot write path, called on its database in this process instead of through
// its HTTP server. A device's push is a key lookup (`_all_docs` with keys) and a `_bulk_docs`; the
// guard has read, parsed and checked both bodies already, and the hop parsed them again, looked
// the session up again, read `_security` and answered through Express — a sixth of the server's
// time under 200 devices. The same wrapped database object express-pouchdb uses is called with
// the same options it passes (userCtx, so `_security` and validate_doc_update still decide), and
// the answers are worded as its routes word them (express-pouchdb/lib/routes/bulk-docs.js,
// all-docs.js, utils.sendError).
import type { PouchDatabase } from 'pouchdb';
import type { UserContext } from '@/lib/schema';
import { storedIdsOf } from '../exports/level-read';
import type { LocalLevel } from './store';

export interface DirectAnswer {
  status: number;
  json: unknown;
}

export interface DirectStore {
  bulkDocs(db: string, body: Record<string, unknown>, user: UserContext): Promise<DirectAnswer>;
  /** A POST `_all_docs` with no query string: its options are the body. */
  allDocs(db: string, body: Record<string, unknown>, user: UserContext): Promise<DirectAnswer>;
}

interface PouchError {
  status?: number;
  name?: string;
  message?: string;
}

/** express-pouchdb's utils.sendError wording. */
export function errorAnswer(err: unknown, baseStatus?: number): DirectAnswer {
  const e = (err ?? {}) as PouchError;
  const status = e.status || baseStatus || 500;
  if (!e.name || !e.message) return { status, json: err };
  let name = e.name;
  if (name === 'Error' || name === 'TypeError') {
    name = e.message.includes('Bad special document member') ? 'doc_validation' : 'bad_request';
  }
  return { status, json: { error: name, reason: e.message } };
}

type Options = Record<string, unknown>;
/** How long a database's `_security` is reused by this path (see createDirectStore). */
const SECURITY_REUSE_MS = 1_000;

type Pouch = PouchDatabase & {
  getSecurity(): Promise<unknown>;
  bulkDocs(body: unknown, opts: Options): Promise<Array<Record<string, unknown>>>;
  allDocs(opts: Options): Promise<unknown>;
};

/** Options of a device's push check that the key lookup below answers exactly as PouchDB does. */
const KEY_CHECK_OPTIONS = new Set(['keys', 'include_docs', 'deleted']);
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The ids of a `_all_docs` body that only asks which of them exist, or null. */
function checkedIds(body: Record<string, unknown>): string[] | null {
  const keys = body.keys;
  if (!Array.isArray(keys) || keys.length === 0) return null;
  for (const option of Object.keys(body)) if (!KEY_CHECK_OPTIONS.has(option)) return null;
  // Ids that do not survive UTF-8 (a lone surrogate) are left to PouchDB.
  for (const key of keys) if (typeof key !== 'string' || LONE_SURROGATE.test(key)) return null;
  return keys as string[];
}

export function createDirectStore(
  database: (name: string) => Promise<PouchDatabase>,
  levelOf: (db: PouchDatabase) => LocalLevel | null = () => null,
): DirectStore {
  // As utils.makeOpts: the user (with the database named, as express-pouchdb adds it) and the
  // database's `_security`, which express-pouchdb reads for every request. Here it is reused for
  // SECURITY_REUSE_MS: read per push it was a twentieth of the server's time under 200 devices. It
  // changes when the server sets up its databases, and the guard checks each role first anyway.
  const userCtxOf = (user: UserContext, db: string) => ({
    name: user.name,
    roles: [...user.roles],
    db,
  });
  const security = new Map<string, { at: number; secObj: Promise<unknown> }>();
  const securityOf = (name: string, pouch: Pouch): Promise<unknown> => {
    const now = performance.now();
    const held = security.get(name);
    if (held && now - held.at < SECURITY_REUSE_MS) return held.secObj;
    // No user: read as the server, as express-pouchdb's own read is.
    const secObj = pouch.getSecurity();
    security.set(name, { at: now, secObj });
    secObj.catch(() => security.delete(name));
    return secObj;
  };
  return {
    async bulkDocs(db, body, user) {
      if (!Array.isArray(body.docs)) {
        return {
          status: 400,
          json: { error: 'bad_request', reason: "Missing JSON list of 'docs'" },
        };
      }
      const opts: Options = 'new_edits' in body ? { new_edits: body.new_edits } : {};
      opts.userCtx = userCtxOf(user, db);
      try {
        const pouch = (await database(db)) as Pouch;
        opts.secObj = await securityOf(db, pouch);
        const rows = await pouch.bulkDocs(body, opts);
        return {
          status: 201,
          json: rows.map((info) =>
            info.error ? { id: info.id, error: info.name, reason: info.message } : info,
          ),
        };
      } catch (err) {
        return errorAnswer(err);
      }
    },
    async allDocs(db, body, user) {
      try {
        const pouch = (await database(db)) as Pouch;
        const userCtx = userCtxOf(user, db);
        const secObj = await securityOf(db, pouch);
        // A device's push starts by asking which of its new scans the server holds: usually none.
        // One LevelDB lookup of all of them answers that; if any is held, PouchDB answers it all.
        // The empty PouchDB query first lets `_security` decide as before, and counts the docs.
        const ids = checkedIds(body);
        const level = ids && levelOf(pouch);
        if (ids && level) {
          const head = (await pouch.allDocs({ ...body, keys: [], userCtx, secObj })) as {
            total_rows: number;
          };
          const stored = await storedIdsOf(level, ids);
          if (stored && !stored.includes(true)) {
            const rows = ids.map((key) => ({ key, error: 'not_found' }));
            return { status: 200, json: { offset: 0, total_rows: head.total_rows, rows } };
          }
        }
        return {
          status: 200,
          json: await pouch.allDocs({ ...body, userCtx, secObj }),
        };
      } catch (err) {
        return errorAnswer(err, 400);
      }
    },
  };
}
