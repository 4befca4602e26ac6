// The /db guard: size cap, login limit, session lookup, allow-list, the cost of the request and
// the write rules that need other documents — then the store, never before.
import express from 'express';
import type { Request, Response, Router } from 'express';
import type { Logger } from 'pino';
import { SERVER_ADMIN_ROLE, isAdmin } from '@/lib/schema';
import type { UserContext } from '@/lib/schema';
import { sendSyncError } from '../errors';
import { forwardToStore, sessionOf } from '../store/upstream-client';
import type { SessionResult } from '../store/upstream-client';
import type { StoreUpstream } from '../store/store';
import { answerJson, storeRequest } from '../store/store-request';
import type { DirectAnswer, DirectStore } from '../store/direct-store';
import { authorize, classifyRequest } from './route-access';
import type { Access } from './route-access';
import {
  DEFAULT_REQUEST_LIMITS,
  checkBody,
  checkLocalDocSize,
  checkQuery,
  isObject,
  parseJsonBody,
} from './request-limits';
import type { RequestLimits } from './request-limits';
import { targetOf } from './request-target';
import type { RequestTarget } from './request-target';
import { RESERVED_LOCAL_PREFIX, createLocalQuota } from './local-quota';
import { SITE_DATABASES, sitesHeldTo, withoutOtherSites } from './site-reads';
import {
  alreadyStored,
  idsToLookUp,
  refusedWrites,
  storedFromAllDocs,
  writeRulesApply,
} from './write-rules';
import { loginFromOtherSite } from './login-origin';
import { feedRequestOf } from './changes-hub';
import type { ChangesHub } from './changes-hub';
import { sessionRefusal } from './session-refusal';
import { DEFAULT_SESSION_CACHE, createSessionCache, credentialKey } from './session-cache';
import type { SessionCache, SessionCacheOptions } from './session-cache';
import { createLoginLimiter } from './login-limit';
import type { LoginLimitOptions } from './login-limit';
import {
  DEFAULT_LINK_CREATE_LIMIT,
  createTokenBuckets,
  newLinksIn,
  sendTooManyLinks,
} from './link-create-limit';
import type { LinkCreateLimitOptions } from './link-create-limit';

export interface DbGuardOptions {
  upstream: StoreUpstream;
  maxBodyBytes: number;
  loginLimit: LoginLimitOptions;
  /** New links per user (default: DEFAULT_LINK_CREATE_LIMIT). */
  linkCreateLimit?: LinkCreateLimitOptions;
  /** What one request may cost the store (default: DEFAULT_REQUEST_LIMITS). */
  requestLimits?: RequestLimits;
  /** How long a user's session lookup is remembered (default: DEFAULT_SESSION_CACHE). */
  sessionCache?: SessionCacheOptions;
  /** The session cache itself, when another part (the feed lane) reads it too. */
  sessions?: SessionCache;
  /** Serves live `_changes` feeds from memory where it can (the embedded store). */
  changesHub?: ChangesHub;
  /** Writes and key lookups called on the store in this process (the embedded store). */
  direct?: DirectStore;
  /** Which store is behind `upstream` (default: the embedded one). */
  storeKind?: 'embedded' | 'couchdb';
  /** Origins besides this server's own that may log in (DOCKHAND_CORS_ORIGINS). */
  corsOrigins?: readonly string[];
  log: Logger;
}

/** Request headers that carry who the user is, for the guard's own reads on their behalf. */
const credentialsOf = (req: Request) => ({
  ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
  ...(req.headers.cookie ? { cookie: req.headers.cookie } : {}),
  accept: 'application/json',
  'content-type': 'application/json',
});

const LOGIN_BODY_LIMIT = '16kb';

/** The URL below the /db mount, query included, exactly as the client sent it. */
function pathBelowMount(req: Request): string {
  const below = req.originalUrl.slice(req.baseUrl.length);
  return below.startsWith('/') ? below : `/${below}`;
}

export function createDbGuard(opts: DbGuardOptions): Router {
  const router = express.Router();
  const limiter = createLoginLimiter(opts.loginLimit);
  const linkBuckets = createTokenBuckets(opts.linkCreateLimit ?? DEFAULT_LINK_CREATE_LIMIT);
  const readSmallBody = express.raw({ type: () => true, limit: opts.maxBodyBytes });
  const log = opts.log;
  const limits = opts.requestLimits ?? DEFAULT_REQUEST_LIMITS;
  const sessions = opts.sessions ?? createSessionCache(opts.sessionCache ?? DEFAULT_SESSION_CACHE);
  const corsOrigins = opts.corsOrigins ?? [];
  const localQuota = createLocalQuota(
    {
      async request(method, db, localId, headers, body) {
        const answer = await storeRequest(opts.upstream, {
          method,
          path: `/${encodeURIComponent(db)}/_local/${encodeURIComponent(localId)}`,
          headers: { ...headers },
          body: body === undefined ? undefined : Buffer.from(JSON.stringify(body)),
        });
        return { status: answer.status, json: answerJson(answer) };
      },
    },
    limits.maxLocalDocsPerUser,
  );

  // Apache CouchDB locks an account per name and client IP, taking the IP from the last
  // X-Forwarded-For entry of a request from a private address: without ours, every client behind
  // this server would share one IP, and one person's wrong passwords would lock the name for all.
  router.use((req, _res, next) => {
    req.headers['x-forwarded-for'] = req.ip ?? req.socket.remoteAddress ?? '';
    next();
  });

  // A declared size over the cap is refused before anything is read; chunked bodies are counted
  // while streaming (forwardToStore).
  router.use((req, res, next) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (Number.isFinite(declared) && declared > opts.maxBodyBytes) {
      res.setHeader('Connection', 'close');
      return sendSyncError(res, 'SYNC_ERR_TOO_LARGE');
    }
    next();
  });

  // Login and logout from another site's page (a form posted at us) would swap the browser's
  // session for the attacker's account: only this origin and the configured CORS origins may.
  router.use('/_session', (req, res, next) => {
    if (req.method !== 'POST' && req.method !== 'DELETE') return next();
    if (loginFromOtherSite(req, corsOrigins)) return sendSyncError(res, 'SYNC_ERR_CROSS_SITE');
    const key = credentialKey(req.headers);
    if (key) sessions.forget(key); // logged out (or in as someone else) from now on
    next();
  });

  // Login: read the small body so the limiter can key on the name, then forward those bytes.
  router.post(
    '/_session',
    express.raw({ type: () => true, limit: LOGIN_BODY_LIMIT }),
    (req, res, next) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      res.locals.rawLogin = raw;
      req.body = parseLoginBody(raw, req.headers['content-type']);
      next();
    },
    limiter.sessionPost,
    (req, res) =>
      forwardToStore(req, res, {
        upstream: opts.upstream,
        path: pathBelowMount(req),
        maxBodyBytes: opts.maxBodyBytes,
        log,
        body: res.locals.rawLogin as Buffer,
        // Apache CouchDB answers a locked account's login with 403, even with the right password.
        replaceAnswer: (status) => (status === 403 ? sessionRefusal(403, false) : null),
      }),
  );

  router.use((req, res) => {
    guardAndForward(req, res).catch((err: unknown) => {
      const status = (err as { status?: number }).status;
      if (status === 413) {
        res.setHeader('Connection', 'close');
        return sendSyncError(res, 'SYNC_ERR_TOO_LARGE');
      }
      if (status === 400) return sendSyncError(res, 'SYNC_ERR_BAD_REQUEST');
      log.error({ err }, 'guard failed');
      sendSyncError(res, 'SYNC_ERR_STORE_UNAVAILABLE');
    });
  });

  async function guardAndForward(req: Request, res: Response): Promise<void> {
    const path = pathBelowMount(req);
    const access = classifyRequest(req.method, path);
    if (access.level !== 'public') {
      if (access.level === 'refuse' && access.code === 'SYNC_ERR_BAD_PATH') {
        return sendSyncError(res, access.code);
      }
      // Only requests that carry a password can be guesses.
      const basic = /^basic\s/i.test(req.headers.authorization ?? '');
      if (basic && (await limiter.refuseIfLocked(req, res))) return;
      const key = credentialKey(req.headers);
      const known = key ? sessions.get(key) : null;
      const session: SessionResult = known
        ? { ok: true, user: known }
        : await sessionOf(opts.upstream, req.headers);
      if (session.ok && key && !known) sessions.set(key, session.user);
      if (!session.ok) {
        const refused = sessionRefusal(session.status, basic);
        if (refused) {
          if (basic && session.status === 401) await limiter.recordFailure(req);
          return sendSyncError(res, refused.code, refused.reason);
        }
        log.error({ status: session.status }, 'store refused the session lookup');
        return sendSyncError(res, 'SYNC_ERR_STORE_UNAVAILABLE');
      }
      const refusal = authorize(access, session.user);
      if (refusal) {
        if (refusal.code === 'SYNC_ERR_UNAUTHORIZED') res.setHeader('WWW-Authenticate', 'Cookie');
        req.log.info({ user: session.user.name, code: refusal.code }, 'refused');
        return sendSyncError(res, refusal.code, refusal.reason);
      }
      return guardedForward(req, res, path, access, session.user);
    }
    forwardToStore(req, res, {
      upstream: opts.upstream,
      path,
      maxBodyBytes: opts.maxBodyBytes,
      log,
    });
  }

  /** A signed-in user's request that may reach the store: its cost and rules are checked first. */
  async function guardedForward(
    req: Request,
    res: Response,
    path: string,
    access: Access,
    user: UserContext,
  ): Promise<void> {
    const target = targetOf(req.method, path);
    const trusted = isAdmin(user);
    const serverAdmin = user.roles.includes(SERVER_ADMIN_ROLE);
    const sites = target.db && SITE_DATABASES.includes(target.db) ? sitesHeldTo(user) : null;
    if (sites) {
      const refusal = siteRefusal(target, sites);
      if (refusal) return sendSyncError(res, 'SYNC_ERR_OTHER_SITE', refusal);
    }

    let body: Buffer | undefined;
    let parsed: unknown;
    if (hasBody(req)) {
      const raw = (await bufferedBody(req, res)) ?? Buffer.alloc(0);
      const read = parseJsonBody(raw, limits.maxJsonDepth);
      if (!read.ok) return sendSyncError(res, read.code, read.reason);
      body = read.bytes;
      parsed = read.value;
      if (target.endpoint) {
        const refusal = checkBody(target.endpoint, parsed, limits, trusted);
        if (refusal) return sendSyncError(res, refusal.code, refusal.reason);
      }
    }
    // Reads that build their whole answer in memory ask for a bounded number of rows (a list of
    // keys in the body bounds them too).
    const keyed = Array.isArray((parsed as { keys?: unknown } | undefined)?.keys);
    const queryRefusal = checkQuery(target.query, limits, {
      rowsBounded: !trusted && target.readsRows && !keyed,
    });
    if (queryRefusal) return sendSyncError(res, queryRefusal.code, queryRefusal.reason);

    if (opts.changesHub && target.db && !sites && req.method === 'GET') {
      const feed = target.endpoint === '_changes' ? feedRequestOf(target.query) : null;
      if (feed && (await opts.changesHub.serve(target.db, feed, res))) return;
    }

    if (target.endpoint === '_local' && target.db && target.docId !== undefined && !trusted) {
      return forwardLocal(req, res, path, target.db, target.docId, user, body);
    }

    // New links are counted per user before the store sees them; the server admin (the
    // operator, and this server's own jobs) is not limited.
    if (access.level === 'write' && access.db === 'links' && !serverAdmin) {
      const count = newLinksIn(req.method, belowDatabase(path), parsed, req.headers);
      const taken = linkBuckets.take(user.name ?? '', count);
      if (!taken.ok) {
        req.log.warn(
          { user: user.name, newLinks: count, retryAfterS: taken.retryAfterS },
          'link creation rate-limited',
        );
        return sendTooManyLinks(res, taken.retryAfterS);
      }
    }

    if (access.level === 'write' && target.db && parsed !== undefined) {
      const written = await applyWriteRules(req, res, path, target, user, parsed);
      if (written) return;
    }

    // A device's push, on the embedded store: called in this process, not through its HTTP server.
    const direct = opts.direct && target.db && req.method === 'POST' && target.query.size === 0;
    if (direct && isObject(parsed) && target.endpoint === '_bulk_docs') {
      return sendDirect(req, res, await opts.direct!.bulkDocs(target.db!, parsed, user));
    }
    if (direct && isObject(parsed) && target.endpoint === '_all_docs' && !sites) {
      return sendDirect(req, res, await opts.direct!.allDocs(target.db!, parsed, user));
    }

    const readsDocs =
      req.method === 'GET'
        ? target.endpoint !== '_changes'
        : target.endpoint === '_bulk_get' || target.endpoint === '_all_docs';
    if (sites && readsDocs) return forwardSiteRead(req, res, path, sites, body);
    forwardToStore(req, res, {
      upstream: opts.upstream,
      path: storePath(path),
      maxBodyBytes: opts.maxBodyBytes,
      log,
      ...(body ? { body } : {}),
    });
  }

  /**
   * The store's path for a request. `/_config` is CouchDB 1's and the embedded store's; CouchDB 3
   * keeps each node's configuration at `/_node/_local/_config`, so the same /db API reaches both.
   */
  function storePath(path: string): string {
    if (opts.storeKind !== 'couchdb') return path;
    return /^\/_config(\/|\?|$)/.test(path) ? `/_node/_local${path}` : path;
  }

  /**
   * The rules that need other documents (write-rules.ts). Answers and returns true when it
   * handled the request; false when the request goes on to the store unchanged.
   */
  async function applyWriteRules(
    req: Request,
    res: Response,
    path: string,
    target: RequestTarget,
    user: UserContext,
    parsed: unknown,
  ): Promise<boolean> {
    const db = target.db!;
    const bulk = target.endpoint === '_bulk_docs';
    if (!bulk && target.endpoint !== 'doc') return false;
    const body = parsed as Record<string, unknown>;
    const replicated = bulk ? body.new_edits === false : target.query.get('new_edits') === 'false';
    const rules = writeRulesApply(db, user, replicated);
    if (!rules.replicated && !rules.voids) return false;
    const docs = bulk
      ? (body.docs as Array<Record<string, unknown>>)
      : [target.docId === undefined ? body : { ...body, _id: target.docId }];
    const lookUp = idsToLookUp(docs, rules);
    let stored = new Map();
    if (lookUp.ids.length > 0) {
      const query = { keys: lookUp.ids, include_docs: lookUp.withDocs };
      const answer = opts.direct
        ? await opts.direct.allDocs(db, query, user)
        : await storeRequest(opts.upstream, {
            method: 'POST',
            path: `/${encodeURIComponent(db)}/_all_docs`,
            headers: credentialsOf(req),
            body: Buffer.from(JSON.stringify(query)),
          }).then((a) => ({ status: a.status, json: answerJson(a) }));
      if (answer.status !== 200) {
        log.error({ status: answer.status, db }, 'store refused the write-rule lookup');
        sendSyncError(res, 'SYNC_ERR_STORE_UNAVAILABLE');
        return true;
      }
      stored = storedFromAllDocs(answer.json);
    }
    const refused = refusedWrites(docs, user, rules, stored);
    // A replicated revision the store already has is a no-op in CouchDB; the embedded store would
    // validate it again as a change from itself to itself and refuse it (done → done).
    const stale = rules.replicated ? alreadyStored(docs, stored) : new Set<number>();
    if (refused.size === 0 && stale.size === 0) return false;
    if (refused.size > 0) {
      req.log.info({ user: user.name, db, refused: refused.size }, 'write rules refused documents');
    }
    if (!bulk) {
      const first = [...refused.values()][0];
      if (first) sendSyncError(res, 'SYNC_ERR_FORBIDDEN', first.reason);
      else res.status(201).json({ ok: true, id: docs[0]!._id, rev: docs[0]!._rev });
      return true;
    }
    // As CouchDB answers a batch: the refused documents with their reason, then the store's rows
    // (with new_edits:false CouchDB lists only failures, so an already stored one is not listed).
    const kept = docs.filter((_doc, i) => !refused.has(i) && !stale.has(i));
    const refusedRows = [...refused.values()];
    if (kept.length === 0) {
      res.status(201).json(refusedRows);
      return true;
    }
    if (opts.direct && target.query.size === 0) {
      const answer = await opts.direct.bulkDocs(db, { ...body, docs: kept }, user);
      const rows = answer.json;
      if (Array.isArray(rows)) res.status(answer.status).json([...refusedRows, ...rows]);
      else sendDirect(req, res, answer);
      return true;
    }
    const answer = await storeRequest(opts.upstream, {
      method: 'POST',
      path,
      headers: credentialsOf(req),
      body: Buffer.from(JSON.stringify({ ...body, docs: kept })),
    });
    const rows = answerJson(answer);
    if (Array.isArray(rows)) res.status(answer.status).json([...refusedRows, ...rows]);
    else res.status(answer.status).type('application/json').send(answer.body);
    return true;
  }

  /** `_local/<id>` from a non-admin: a small document, within the user's count. */
  async function forwardLocal(
    req: Request,
    res: Response,
    path: string,
    db: string,
    localId: string,
    user: UserContext,
    body: Buffer | undefined,
  ): Promise<void> {
    const name = user.name ?? '';
    if (req.method === 'PUT') {
      const tooBig = checkLocalDocSize(body?.length ?? 0, limits, false);
      if (tooBig) return sendSyncError(res, tooBig.code, tooBig.reason);
      const quota = await localQuota.mayWrite(db, name, localId, credentialsOf(req));
      if (!quota.ok) {
        return quota.reserved
          ? sendSyncError(res, 'SYNC_ERR_FORBIDDEN', 'This _local id is reserved for the server.')
          : sendSyncError(
              res,
              'SYNC_ERR_LOCAL_QUOTA',
              `You keep ${limits.maxLocalDocsPerUser} _local documents in ${db} already: delete one first.`,
            );
      }
    } else if (localId.startsWith(RESERVED_LOCAL_PREFIX)) {
      return sendSyncError(res, 'SYNC_ERR_FORBIDDEN', 'This _local id is reserved for the server.');
    }
    if (req.method === 'DELETE') {
      const answer = await storeRequest(opts.upstream, {
        method: 'DELETE',
        path,
        headers: credentialsOf(req),
      });
      if (answer.status < 300) await localQuota.deleted(db, name, localId, credentialsOf(req));
      res.status(answer.status).type('application/json').send(answer.body);
      return;
    }
    forwardToStore(req, res, {
      upstream: opts.upstream,
      path,
      maxBodyBytes: opts.maxBodyBytes,
      log,
      ...(body ? { body } : {}),
    });
  }

  /** A bridge's read of a site database, with other sites' documents taken out. */
  async function forwardSiteRead(
    req: Request,
    res: Response,
    path: string,
    sites: string[],
    body?: Buffer,
  ): Promise<void> {
    const answer = await storeRequest(opts.upstream, {
      method: req.method,
      path,
      headers: credentialsOf(req),
      body,
    });
    const json = answerJson(answer);
    if (json === undefined || answer.status >= 400) {
      res.status(answer.status).type('application/json').send(answer.body);
      return;
    }
    const filtered = withoutOtherSites(json, sites);
    if (filtered.forbidden) return sendSyncError(res, 'SYNC_ERR_OTHER_SITE');
    res.status(answer.status).json(filtered.answer);
  }

  /** Reads the body (capped at maxBodyBytes; over it, the error handler answers 413). */
  function bufferedBody(req: Request, res: Response): Promise<Buffer | undefined> {
    return new Promise((resolve, reject) => {
      readSmallBody(req, res, (err?: unknown) => {
        if (err) reject(err instanceof Error ? err : new Error(String(err)));
        else resolve(Buffer.isBuffer(req.body) ? req.body : undefined);
      });
    });
  }

  return router;
}

/** A direct answer as express-pouchdb sends one (JSON, or text/plain to a client not asking). */
function sendDirect(req: Request, res: Response, answer: DirectAnswer): void {
  const type = req.accepts(['text', 'json']) === 'json' ? 'application/json' : 'text/plain';
  res
    .status(answer.status)
    .type(type)
    .send(`${JSON.stringify(answer.json)}\n`);
}

/** Whether a request carries a body to read (any POST or PUT that declares one). */
function hasBody(req: Request): boolean {
  if (req.method !== 'POST' && req.method !== 'PUT') return false;
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** Why a site-bound bridge may not make this read, or null. */
function siteRefusal(target: RequestTarget, sites: readonly string[]): string | null {
  if (target.endpoint === '_changes') {
    const filter = target.query.get('filter');
    const site = target.query.get('site');
    if (filter !== 'dockhand/by_site' || site === null || !sites.includes(site)) {
      return `Read your site's changes with filter=dockhand/by_site&site=<site> (yours: ${sites.join(', ') || 'none'}).`;
    }
    return null;
  }
  if (target.endpoint === '_find' || target.endpoint === '_view') {
    return "A print bridge reads its site's documents through the filtered _changes feed.";
  }
  // Document reads go on; other sites' documents are taken out of the answer (forwardSiteRead).
  return null;
}

/** `/links/_bulk_docs?x` → `/_bulk_docs?x`: the part below the database segment. */
function belowDatabase(path: string): string {
  const [pathOnly = '', query] = path.split('?', 2);
  const next = pathOnly.indexOf('/', 1);
  const rest = next === -1 ? '' : pathOnly.slice(next);
  return query === undefined ? rest : `${rest}?${query}`;
}

/** CouchDB accepts JSON or form-encoded login bodies; we only need the name for the limiter. */
function parseLoginBody(raw: Buffer, contentType: string | undefined): { name?: string } {
  const text = raw.toString('utf8');
  try {
    if (/application\/x-www-form-urlencoded/i.test(contentType ?? '')) {
      return { name: new URLSearchParams(text).get('name') ?? undefined };
    }
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && 'name' in parsed) {
      const name = (parsed as { name: unknown }).name;
      return typeof name === 'string' ? { name } : {};
    }
    return {};
  } catch {
    return {}; // a malformed body still goes to the store, which answers 400 in CouchDB's words
  }
}
