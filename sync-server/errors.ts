// The one list of sync-server error codes: HTTP status, CouchDB-style `error` and a human reason.
import type { Response } from 'express';

export interface SyncErrorSpec {
  status: number;
  /** CouchDB `error` field (https://docs.couchdb.org/en/stable/api/basics.html#http-status-codes). */
  error: string;
  reason: string;
}

export const SYNC_ERRORS = {
  SYNC_ERR_UNAUTHORIZED: {
    status: 401,
    error: 'unauthorized',
    reason: 'You are not logged in: sign in via /db/_session or send HTTP basic auth.',
  },
  SYNC_ERR_BAD_CREDENTIALS: {
    status: 401,
    error: 'unauthorized',
    reason: 'Name or password is incorrect.',
  },
  SYNC_ERR_FORBIDDEN: {
    status: 403,
    error: 'forbidden',
    reason: 'You are not allowed to access this resource.',
  },
  SYNC_ERR_SERVER_ADMIN_ONLY: {
    status: 403,
    error: 'forbidden',
    reason: 'Only a server admin may do this.',
  },
  SYNC_ERR_ADMIN_ONLY: {
    status: 403,
    error: 'forbidden',
    reason: 'Only an admin may do this.',
  },
  SYNC_ERR_NOT_MEMBER: {
    status: 403,
    error: 'forbidden',
    reason: 'Your roles do not allow access to this database.',
  },
  SYNC_ERR_OTHER_USER: {
    status: 403,
    error: 'forbidden',
    reason: 'You may only read your own user document.',
  },
  SYNC_ERR_UNKNOWN_DB: {
    status: 404,
    error: 'not_found',
    reason: 'Database does not exist.',
  },
  SYNC_ERR_UNKNOWN_ENDPOINT: {
    status: 404,
    error: 'not_found',
    reason: 'Unknown or disabled endpoint.',
  },
  SYNC_ERR_METHOD: {
    status: 405,
    error: 'method_not_allowed',
    reason: 'This method is not allowed on this endpoint.',
  },
  SYNC_ERR_BAD_PATH: {
    status: 400,
    error: 'bad_request',
    reason: 'The request path is malformed.',
  },
  SYNC_ERR_BAD_REQUEST: {
    status: 400,
    error: 'bad_request',
    reason: 'The request is malformed.',
  },
  SYNC_ERR_TOO_LARGE: {
    status: 413,
    error: 'too_large',
    reason: 'The request entity is too large.',
  },
  SYNC_ERR_BAD_JSON: {
    status: 400,
    error: 'bad_request',
    reason: 'The body is not valid JSON.',
  },
  SYNC_ERR_TOO_DEEP: {
    status: 400,
    error: 'bad_request',
    reason: 'The JSON body nests too deep.',
  },
  SYNC_ERR_TOO_MANY_DOCS: {
    status: 413,
    error: 'too_large',
    reason: 'Too many documents in one request: send smaller batches.',
  },
  SYNC_ERR_LIMIT_REQUIRED: {
    status: 400,
    error: 'bad_request',
    reason: 'Ask for a bounded number of rows (limit).',
  },
  SYNC_ERR_QUERY_REFUSED: {
    status: 400,
    error: 'bad_request',
    reason: 'This query operator is not allowed for your roles.',
  },
  SYNC_ERR_LOCAL_TOO_LARGE: {
    status: 413,
    error: 'too_large',
    reason: 'The _local document is too large.',
  },
  SYNC_ERR_LOCAL_QUOTA: {
    status: 403,
    error: 'forbidden',
    reason: 'You keep too many _local documents in this database.',
  },
  SYNC_ERR_CROSS_SITE: {
    status: 403,
    error: 'forbidden',
    reason: 'Requests from another site may not log in or out: open the app on this server.',
  },
  SYNC_ERR_OTHER_SITE: {
    status: 403,
    error: 'forbidden',
    reason: "Your print bridge may read only its own site's documents.",
  },
  SYNC_ERR_TOO_MANY_LOGINS: {
    status: 429,
    error: 'too_many_requests',
    reason: 'Too many failed logins.',
  },
  SYNC_ERR_CORS_ORIGIN: {
    status: 403,
    error: 'forbidden',
    reason: 'This origin is not allowed.',
  },
  SYNC_ERR_STORE_UNAVAILABLE: {
    status: 503,
    error: 'service_unavailable',
    reason: 'The document store is not available.',
  },
  SYNC_ERR_INTERNAL: {
    status: 500,
    error: 'internal_server_error',
    reason: 'Internal server error.',
  },
} as const satisfies Record<string, SyncErrorSpec>;

export type SyncErrorCode = keyof typeof SYNC_ERRORS;

/** The CouchDB wire shape of an error. */
export function errorBody(code: SyncErrorCode, reason?: string): { error: string; reason: string } {
  const spec = SYNC_ERRORS[code];
  return { error: spec.error, reason: reason ?? spec.reason };
}

/** Answers with a listed error unless an answer has already started (then only ends it). */
export function sendSyncError(res: Response, code: SyncErrorCode, reason?: string): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.status(SYNC_ERRORS[code].status).json(errorBody(code, reason));
}
