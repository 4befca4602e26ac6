// What the store's answer to a session lookup means for the person, when it is not "who you are".
// Apache CouchDB answers 403 once an account is locked after failed logins, and 400 to a cookie
// it cannot read; the embedded store answers 401 to a wrong password. Pure.
// https://docs.couchdb.org/en/stable/config/auth.html#chttpd_auth_lockout
import type { SyncErrorCode } from '../errors';

export function sessionRefusal(
  status: number,
  basicAuth: boolean,
): { code: SyncErrorCode; reason?: string } | null {
  if (status === 401)
    return { code: basicAuth ? 'SYNC_ERR_BAD_CREDENTIALS' : 'SYNC_ERR_UNAUTHORIZED' };
  if (status === 403) {
    return {
      code: 'SYNC_ERR_TOO_MANY_LOGINS',
      reason:
        'This account is locked for a few minutes after failed logins; wait 5 minutes, then log in again.',
    };
  }
  if (status === 400) {
    return {
      code: 'SYNC_ERR_UNAUTHORIZED',
      reason: 'Your session is not valid any more: log in again.',
    };
  }
  return null;
}
