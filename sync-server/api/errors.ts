// The `/api` error list (API_ERR_…), and one way to answer with it or with an import error:
// always the CouchDB shape `{ error, reason }` plus `code` for the UI.
import type { Response } from 'express';
import { IMPORT_ERRORS, importErrorBody } from '../import';
import type { ImportErrorCode } from '../import';

export const API_ERRORS = {
  API_ERR_UNAUTHORIZED: {
    status: 401,
    error: 'unauthorized',
    reason: 'You are not logged in. Log in again, then retry.',
  },
  API_ERR_FORBIDDEN: {
    status: 403,
    error: 'forbidden',
    reason: 'You need the supervisor or admin role for this.',
  },
  API_ERR_CROSS_SITE: {
    status: 403,
    error: 'forbidden',
    reason: 'This request came from another site and was refused.',
  },
  API_ERR_CONTENT_TYPE: {
    status: 415,
    error: 'unsupported_media_type',
    reason: 'The request body is not of the expected type.',
  },
  API_ERR_BAD_REQUEST: {
    status: 400,
    error: 'bad_request',
    reason: 'The request is malformed.',
  },
  API_ERR_UNKNOWN_UPLOAD: {
    status: 404,
    error: 'not_found',
    reason: 'That upload is gone (uploads are kept for a day). Upload the file again.',
  },
  API_ERR_UNKNOWN_IMPORT: {
    status: 404,
    error: 'not_found',
    reason: 'That import is not known (only the last 50 are kept). Check the manifest list.',
  },
  API_ERR_UNKNOWN_MANIFEST: {
    status: 404,
    error: 'not_found',
    reason: 'That manifest does not exist.',
  },
  API_ERR_NO_REPORT: {
    status: 404,
    error: 'not_found',
    reason: 'This import has no validation report (no rows were read).',
  },
  API_ERR_UPLOAD_BUSY: {
    status: 409,
    error: 'conflict',
    reason: 'This upload is already being imported. Wait for that import to finish.',
  },
  API_ERR_STORE: {
    status: 503,
    error: 'service_unavailable',
    reason: 'The document store is not available. Try again in a moment.',
  },
  API_ERR_INTERNAL: {
    status: 500,
    error: 'internal_server_error',
    reason: 'Internal server error.',
  },
} as const satisfies Record<string, { status: number; error: string; reason: string }>;

export type ApiErrorCode = keyof typeof API_ERRORS;

export function apiErrorBody(code: ApiErrorCode, reason?: string) {
  const spec = API_ERRORS[code];
  return { error: spec.error, reason: reason ?? spec.reason, code };
}

export function sendApiError(res: Response, code: ApiErrorCode, reason?: string): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.status(API_ERRORS[code].status).json(apiErrorBody(code, reason));
}

export function sendImportError(res: Response, code: ImportErrorCode): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.status(IMPORT_ERRORS[code].status).json(importErrorBody(code));
}
