// CORS for /db: off unless DOCKHAND_CORS_ORIGINS lists origins; then only those, with credentials.
// (Stock pouchdb-server echoes any Origin with credentials, which lets any site use a session.)
import type { RequestHandler } from 'express';
import { sendSyncError } from '../errors';

const ALLOWED_METHODS = 'GET, HEAD, POST, PUT, DELETE, OPTIONS';
const ALLOWED_HEADERS = 'Accept, Authorization, Content-Type, Origin, Referer, X-Requested-With';
const EXPOSED_HEADERS =
  'Content-Type, Cache-Control, ETag, Server, X-Couch-Request-ID, X-CouchDB-Body-Time';
const PREFLIGHT_MAX_AGE_S = '600'; // 10 min

export function createCors(origins: readonly string[]): RequestHandler {
  const allowed = new Set(origins);
  return (req, res, next) => {
    if (allowed.size === 0) return next();
    res.vary('Origin');
    const origin = req.headers.origin;
    const isPreflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'];
    if (!origin || !allowed.has(origin)) {
      if (isPreflight) return sendSyncError(res, 'SYNC_ERR_CORS_ORIGIN');
      return next();
    }
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Credentials', 'true');
    if (isPreflight) {
      res.setHeader('Access-Control-Allow-Methods', ALLOWED_METHODS);
      res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
      res.setHeader('Access-Control-Max-Age', PREFLIGHT_MAX_AGE_S);
      res.status(204).end();
      return;
    }
    res.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS);
    next();
  };
}
