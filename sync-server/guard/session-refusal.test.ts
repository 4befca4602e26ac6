import { describe, expect, it } from 'vitest';
import { sessionRefusal } from './session-refusal';

describe('sessionRefusal', () => {
  it.each([
    [401, true, 'SYNC_ERR_BAD_CREDENTIALS'],
    [401, false, 'SYNC_ERR_UNAUTHORIZED'],
    [403, true, 'SYNC_ERR_TOO_MANY_LOGINS'], // CouchDB's lockout, not "store not available"
    [400, false, 'SYNC_ERR_UNAUTHORIZED'], // a cookie CouchDB cannot read
    [500, false, null],
    [503, true, null],
  ])('%i (basic %s) → %s', (status, basic, code) => {
    expect(sessionRefusal(status, basic)?.code ?? null).toBe(code);
  });
});
