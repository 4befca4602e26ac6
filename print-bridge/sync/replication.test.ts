// How a replication failure is named for a person: the bridge says "unreachable" only when it is.
import { describe, expect, it } from 'vitest';
import { countsAfter, syncErrorCode } from './replication';
import { IdleTimeoutError } from './timed-fetch';

/** What PouchDB's replicator hands on: a copy of the error's own properties (pouchdb-errors). */
function asPouchHandsItOn(error: Error): unknown {
  const copy = Object.create(Error.prototype) as Record<string, unknown>;
  for (const name of Object.getOwnPropertyNames(error)) {
    copy[name] = (error as unknown as Record<string, unknown>)[name];
  }
  return copy;
}
const withName = (name: string, message: string) => Object.assign(new Error(message), { name });
const fetchFailed = (cause: unknown) => new TypeError('fetch failed', { cause });

describe('syncErrorCode', () => {
  it.each([
    { what: 'our idle cut', error: new IdleTimeoutError(45_000), code: 'PRINT_ERR_SYNC_TIMEOUT' },
    // What an idle bridge logged 3 times a minute as "cannot be reached".
    {
      what: 'our idle cut as PouchDB hands it on',
      error: asPouchHandsItOn(new IdleTimeoutError(45_000)),
      code: 'PRINT_ERR_SYNC_TIMEOUT',
    },
    {
      what: 'our idle cut under a fetch error',
      error: fetchFailed(new IdleTimeoutError(1)),
      code: 'PRINT_ERR_SYNC_TIMEOUT',
    },
    {
      what: 'a refused connection',
      error: fetchFailed(
        Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      ),
      code: 'PRINT_ERR_SYNC_UNREACHABLE',
    },
    { what: 'a wrong password', error: { status: 401 }, code: 'PRINT_ERR_SYNC_AUTH' },
    { what: 'a refused write', error: { status: 403 }, code: 'PRINT_ERR_SYNC_REFUSED' },
    { what: 'a server error', error: { status: 500 }, code: 'PRINT_ERR_SYNC_SERVER' },
    {
      what: "the bridge's own store that cannot open",
      error: asPouchHandsItOn(
        withName('OpenError', 'IO error: /var/lib/bridge/print_jobs/LOCK: No such file'),
      ),
      code: 'PRINT_ERR_SYNC_STORE',
    },
    {
      what: "the bridge's own full disk",
      error: withName('WriteError', 'IO error: No space left on device'),
      code: 'PRINT_ERR_SYNC_STORE',
    },
  ])('$what is $code', ({ error, code }) => {
    expect(syncErrorCode(error)).toBe(code);
  });
});

describe('countsAfter', () => {
  it('adds a run of the replication to what the flow counted before it restarted', () => {
    const before = { docsRead: 10, docsWritten: 7, writeFailures: 2 };
    expect(countsAfter(before, { docs_read: 3, docs_written: 3, doc_write_failures: 1 })).toEqual({
      docsRead: 13,
      docsWritten: 10,
      writeFailures: 3,
    });
    // A run that has counted nothing yet leaves the totals as they were, never back to zero.
    expect(countsAfter(before, {})).toEqual(before);
  });
});
