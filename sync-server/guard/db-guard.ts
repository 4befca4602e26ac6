// The /db guard: size cap, login limit, session lookup, allow-list — then the store, never before.
import express from 'express';
import type { Request, Response, Router } from 'express';
import type { Logger } from 'pino';
import { SERVER_ADMIN_ROLE } from '@/lib/schema';
import { sendSyncError } from '../errors';
import { forwardToStore, sessionOf } from '../store/upstream-client';
import type { StoreUpstream } from '../store/store';
import { authorize, classifyRequest } from './route-access';
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
  log: Logger;
}

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
      const session = await sessionOf(opts.upstream, req.headers);
      if (!session.ok) {
        // 401 from the store = wrong basic-auth password; anything else is the store's trouble.
        if (session.status === 401) {
          if (basic) await limiter.recordFailure(req);
          return sendSyncError(res, 'SYNC_ERR_BAD_CREDENTIALS');
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
      // New links are counted per user before the store sees them; the server admin (the
      // operator, and this server's own jobs) is not limited.
      if (
        access.level === 'write' &&
        access.db === 'links' &&
        !session.user.roles.includes(SERVER_ADMIN_ROLE)
      ) {
        const body = await bufferedBody(req, res);
        const count = newLinksIn(
          req.method,
          belowDatabase(path),
          body,
          req.headers as Record<string, string | string[] | undefined>,
        );
        const taken = linkBuckets.take(session.user.name ?? '', count);
        if (!taken.ok) {
          req.log.warn(
            { user: session.user.name, newLinks: count, retryAfterS: taken.retryAfterS },
            'link creation rate-limited',
          );
          return sendTooManyLinks(res, taken.retryAfterS);
        }
        return forwardToStore(req, res, {
          upstream: opts.upstream,
          path,
          maxBodyBytes: opts.maxBodyBytes,
          log,
          body: body ?? Buffer.alloc(0),
        });
      }
    }
    forwardToStore(req, res, {
      upstream: opts.upstream,
      path,
      maxBodyBytes: opts.maxBodyBytes,
      log,
    });
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
