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
type Pouch = PouchDatabase & {
  bulkDocs(body: unknown, opts: Options): Promise<Array<Record<string, unknown>>>;
  allDocs(opts: Options): Promise<unknown>;
};

export function createDirectStore(database: (name: string) => Promise<PouchDatabase>): DirectStore {
  // As utils.makeOpts: the user (with the database named, as express-pouchdb adds it); no secObj,
  // so pouchdb-security reads the current one as it does for a request.
  const userCtxOf = (user: UserContext, db: string) => ({
    name: user.name,
    roles: [...user.roles],
    db,
  });
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
        return {
          status: 200,
          json: await pouch.allDocs({ ...body, userCtx: userCtxOf(user, db) }),
        };
      } catch (err) {
        return errorAnswer(err, 400);
      }
    },
  };
}
