// Talks HTTP to the store's CouchDB API: the session lookup and the streaming, byte-counted proxy.
import type http from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { Transform } from 'node:stream';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import type { UserContext } from '@/lib/schema';
import { sendSyncError } from '../errors';
import type { SyncErrorCode } from '../errors';
import type { StoreUpstream } from './store';
import { requestToStore } from './upstream-request';

/** Request headers the store may see; everything else (hop-by-hop, forwarding, origin) stays here. */
const FORWARDED_REQUEST_HEADERS = [
  'accept',
  'accept-encoding',
  'authorization',
  'content-type',
  'content-length',
  'cookie',
  'if-match',
  'if-none-match',
  'x-forwarded-for', // set by the guard, never the client's (CouchDB's lockout is per client IP)
];
/** Response headers we pass back; `location` is dropped because the store cannot know our URL. */
const DROPPED_RESPONSE_HEADERS = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'location',
  'x-powered-by',
  'date',
]);

export type SessionResult =
  { ok: true; user: UserContext } | { ok: false; status: number; body: unknown };

function pickHeaders(headers: IncomingHttpHeaders, names: string[]): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const name of names) {
    const v = headers[name];
    if (v !== undefined) out[name] = v;
  }
  return out;
}

/**
 * Asks the store who sent the request: GET /_session with the request's cookie / basic auth.
 * https://docs.couchdb.org/en/stable/api/server/authn.html#get--_session
 */
export function sessionOf(
  upstream: StoreUpstream,
  headers: IncomingHttpHeaders,
): Promise<SessionResult> {
  return new Promise((resolve, reject) => {
    const req = requestToStore(
      upstream,
      {
        method: 'GET',
        path: '/_session',
        headers: {
          ...pickHeaders(headers, ['authorization', 'cookie', 'x-forwarded-for']),
          accept: 'application/json',
        },
        timeout: 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          let body: unknown;
          try {
            body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch (err) {
            reject(
              new Error(`store answered /_session with non-JSON (${res.statusCode})`, {
                cause: err,
              }),
            );
            return;
          }
          const ctx = (body as { userCtx?: { name?: unknown; roles?: unknown } }).userCtx;
          if (res.statusCode !== 200 || !ctx) {
            resolve({ ok: false, status: res.statusCode ?? 500, body });
            return;
          }
          resolve({
            ok: true,
            user: {
              name: typeof ctx.name === 'string' ? ctx.name : null,
              roles: Array.isArray(ctx.roles) ? ctx.roles.filter((r) => typeof r === 'string') : [],
            },
          });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('store /_session timed out')));
    req.on('error', reject);
    req.end();
  });
}

/**
 * Live `_changes` feeds, whose answer is a trickle of heartbeat newlines and single changes.
 * https://docs.couchdb.org/en/stable/api/database/changes.html#changes-feeds
 */
const LIVE_FEEDS = new Set(['longpoll', 'continuous', 'eventsource']);

/** Whether `path` (below the mount, query included) asks for a live `_changes` feed. */
export function isLiveChangesFeed(path: string): boolean {
  const q = path.indexOf('?');
  if (q === -1) return false;
  const route = path.slice(0, q).replace(/\/+$/, '');
  if (!route.endsWith('/_changes')) return false;
  const feed = new URLSearchParams(path.slice(q + 1)).get('feed');
  return feed !== null && LIVE_FEEDS.has(feed);
}

/** Counts body bytes as they stream through and fails once the cap is passed. */
function byteCounter(maxBytes: number, onTooLarge: () => void): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen > maxBytes) {
        onTooLarge();
        done();
        return;
      }
      done(null, chunk);
    },
  });
}

/** Adds SameSite (and Secure behind TLS) to the store's AuthSession cookie. */
function hardenCookie(cookie: string, secure: boolean): string {
  let out = cookie;
  if (!/;\s*samesite=/i.test(out)) out += '; SameSite=Lax';
  if (secure && !/;\s*secure/i.test(out)) out += '; Secure';
  return out;
}

export interface ForwardOptions {
  upstream: StoreUpstream;
  /** Path and query below the mount, e.g. `/scans/_changes?since=0`. */
  path: string;
  maxBodyBytes: number;
  log: Logger;
  /** A body already read (login); otherwise the request stream is piped. */
  body?: Buffer;
  /**
   * An answer of the store to replace by one of ours, by status (e.g. Apache CouchDB's 403 lockout
   * at login, which the app would show as a wrong password); null keeps the store's.
   */
  replaceAnswer?: (status: number) => { code: SyncErrorCode; reason?: string } | null;
}

/** A request that is not a live feed gets no byte from the store for this long: it has failed. */
const STORE_IDLE_MS = 120_000;

/** Streams the request to the store and the answer back (continuous _changes included). */
export function forwardToStore(req: Request, res: Response, opts: ForwardOptions): void {
  const headers = pickHeaders(req.headers, FORWARDED_REQUEST_HEADERS);
  if (opts.body) headers['content-length'] = String(opts.body.length);
  // The embedded store gzips when asked, and gzip holds heartbeat newlines back until a block
  // fills: an idle client then hears nothing and cuts a healthy feed. A feed is never compressed.
  if (isLiveChangesFeed(opts.path)) delete headers['accept-encoding'];

  const upstreamReq = requestToStore(opts.upstream, {
    method: req.method,
    path: opts.path,
    headers,
  });
  let finished = false;

  if (!isLiveChangesFeed(opts.path)) {
    upstreamReq.setTimeout(STORE_IDLE_MS, () =>
      upstreamReq.destroy(new Error(`store sent nothing for ${STORE_IDLE_MS} ms`)),
    );
  }

  upstreamReq.on('response', (upRes) => {
    const replaced = opts.replaceAnswer?.(upRes.statusCode ?? 502);
    if (replaced) {
      upRes.resume();
      sendSyncError(res, replaced.code, replaced.reason);
      return;
    }
    const outHeaders: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(upRes.headers)) {
      if (value === undefined || DROPPED_RESPONSE_HEADERS.has(name)) continue;
      outHeaders[name] =
        name === 'set-cookie' && Array.isArray(value)
          ? value.map((c) => hardenCookie(c, req.secure))
          : value;
    }
    if (res.headersSent) {
      upRes.resume();
      return;
    }
    res.writeHead(upRes.statusCode ?? 502, outHeaders);
    upRes.pipe(res);
    upRes.on('error', (err) => {
      // Once the client has gone, the store's answer is cut on purpose (below): nothing failed.
      if (!finished) opts.log.warn({ err, path: opts.path }, 'store response stream failed');
      res.destroy();
    });
  });
  upstreamReq.on('error', (err) => {
    if (finished) return;
    opts.log.error({ err, path: opts.path }, 'store request failed');
    if (!res.headersSent) sendSyncError(res, 'SYNC_ERR_STORE_UNAVAILABLE');
    else res.destroy();
  });
  // A client that goes away (e.g. a continuous _changes feed) must not leave the store request open.
  res.on('close', () => {
    finished = true;
    if (!upstreamReq.destroyed) upstreamReq.destroy();
  });

  if (opts.body) {
    upstreamReq.end(opts.body);
    return;
  }
  const counter = byteCounter(opts.maxBodyBytes, () => {
    if (finished) return;
    finished = true;
    req.unpipe(counter);
    upstreamReq.destroy();
    if (!res.headersSent) {
      res.setHeader('Connection', 'close'); // the rest of the body is not read
      sendSyncError(res, 'SYNC_ERR_TOO_LARGE');
    }
  });
  req.pipe(counter).pipe(upstreamReq);
}
