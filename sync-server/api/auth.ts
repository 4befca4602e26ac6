// Who may call `/api`: the same cookie session / basic auth as `/db` (asked of the store), a role
// check, and for state-changing calls a same-origin and content-type check against CSRF.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import type { UserContext } from '@/lib/schema';
import { SERVER_ADMIN_ROLE, hasRole } from '@/lib/schema';
import { sessionOf } from '../store/upstream-client';
import type { StoreUpstream } from '../store/store';
import { sendApiError } from './errors';

export interface ApiLocals {
  user: UserContext & { name: string };
}

export function userOf(res: Response): ApiLocals['user'] {
  return (res.locals as ApiLocals).user;
}

/** Admins, server admins and supervisors import and export manifests. */
export function requireManifestRole(
  upstream: () => StoreUpstream | null,
  log: Logger,
): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const up = upstream();
    if (!up) return sendApiError(res, 'API_ERR_STORE');
    // The client's address for CouchDB's per-IP lockout (see guard/db-guard.ts).
    sessionOf(up, { ...req.headers, 'x-forwarded-for': req.ip ?? '' }).then(
      (session) => {
        if (!session.ok) {
          // 401 wrong password; 400 a cookie CouchDB cannot read; 403 CouchDB's lockout.
          const signedOut = [400, 401, 403].includes(session.status);
          return sendApiError(res, signedOut ? 'API_ERR_UNAUTHORIZED' : 'API_ERR_STORE');
        }
        const { user } = session;
        if (!user.name) return sendApiError(res, 'API_ERR_UNAUTHORIZED');
        if (!hasRole(user, SERVER_ADMIN_ROLE, 'admin', 'supervisor'))
          return sendApiError(res, 'API_ERR_FORBIDDEN');
        (res.locals as ApiLocals).user = { name: user.name, roles: user.roles };
        next();
      },
      (err: unknown) => {
        log.error({ err }, 'api session lookup failed');
        sendApiError(res, 'API_ERR_STORE');
      },
    );
  };
}

/**
 * Refuses a state-changing request sent from another site. Browsers send `Origin` on POST and
 * `Sec-Fetch-Site` on every request; when present they must say "this origin". (The session
 * cookie is SameSite=Lax too; this is the second lock.)
 */
export function sameOriginOnly(req: Request, res: Response, next: NextFunction): void {
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string' && site !== 'same-origin' && site !== 'none') {
    return sendApiError(res, 'API_ERR_CROSS_SITE');
  }
  const origin = req.headers.origin;
  if (typeof origin === 'string') {
    const expected = `${req.protocol}://${req.headers.host ?? ''}`;
    if (origin !== expected) return sendApiError(res, 'API_ERR_CROSS_SITE');
  }
  next();
}

/** Requires the body's media type to be one of `types` (parameters such as charset ignored). */
export function contentTypeOneOf(...types: string[]): RequestHandler {
  return (req, res, next) => {
    const raw = req.headers['content-type'];
    const type = typeof raw === 'string' ? raw.split(';')[0]!.trim().toLowerCase() : '';
    if (!types.includes(type)) return sendApiError(res, 'API_ERR_CONTENT_TYPE');
    next();
  };
}
