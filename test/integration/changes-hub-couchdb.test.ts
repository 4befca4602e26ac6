// Live feeds answered from the guard's memory with Apache CouchDB as the store
// (sync-server/guard/changes-hub.ts): CouchDB's seqs are opaque strings, so the hub follows one
// feed per database in its own order and finds a device's `since` by the seq it handed out — or,
// for a seq from CouchDB itself (a catch-up read it answered), by asking whether CouchDB has
// anything after it. No change may be skipped either way.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { couchDbAvailable, couchDbUnavailableReason, startCouchDb } from '../helpers/couchdb';
import type { CouchDb } from '../helpers/couchdb';
import { basicAuth, putScanAs, startTestSyncServer } from '../helpers/sync-server';
import type { TestSyncServer } from '../helpers/sync-server';

const available = couchDbAvailable();
if (!available) console.warn(`Skipping the CouchDB feed hub test: ${couchDbUnavailableReason()}`);

const scanner = basicAuth('sam', 'sam-password-123');

interface ChangesAnswer {
  results: Array<{ id: string; seq: string; doc?: { _id: string } }>;
  last_seq: string;
}

describe.skipIf(!available)('changes hub on Apache CouchDB', () => {
  let couch: CouchDb;
  let server: TestSyncServer;

  const changes = async (query: string): Promise<ChangesAnswer> => {
    const res = await fetch(`${server.dbUrl}/scans/_changes?${query}`, {
      headers: { authorization: scanner },
    });
    expect(res.status).toBe(200);
    return (await res.json()) as ChangesAnswer;
  };
  const longpoll = (since: string) =>
    changes(
      `feed=longpoll&style=all_docs&include_docs=true&since=${encodeURIComponent(since)}&limit=100&heartbeat=10000&timeout=20000`,
    );
  const putScan = () => putScanAs(server.dbUrl, scanner, 'sam');
  /** A catch-up read, answered by CouchDB itself: its last_seq is CouchDB's, not the hub's. */
  const caughtUp = async () => (await changes('feed=normal&since=0&limit=10000')).last_seq;

  beforeAll(async () => {
    couch = await startCouchDb({ adminUser: 'dockhand-service' });
    server = await startTestSyncServer({
      config: {
        couchdb: { url: couch.url, user: couch.adminUser, password: couch.adminPassword },
      },
    });
    await server.createUser('sam', 'sam-password-123', ['scanner']);
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await couch?.stop();
  });

  it('answers 30 waiting devices with each new scan, and the next from the seq it gave', async () => {
    const since = await caughtUp();
    const waiting = Array.from({ length: 30 }, () => longpoll(since));
    await new Promise((r) => setTimeout(r, 300)); // all waiting
    // CouchDB holds the hub's one feed of scans, not one per device.
    const stats = await fetch(
      `${couch.url}/_node/_local/_stats/couchdb/httpd/clients_requesting_changes`,
      { headers: { authorization: couch.adminAuth } },
    );
    expect(stats.status).toBe(200);
    expect(((await stats.json()) as { value: number }).value).toBeLessThanOrEqual(2);
    const first = await putScan();
    const answers = await Promise.all(waiting);
    for (const answer of answers) {
      expect(answer.results.map((r) => r.id)).toEqual([first]);
      expect(answer.results[0]?.doc?._id).toBe(first);
      expect(typeof answer.last_seq).toBe('string');
    }
    // From the hub's own seq: the next scan, and only it.
    const next = longpoll(answers[0]!.last_seq);
    const second = await putScan();
    expect((await next).results.map((r) => r.id)).toEqual([second]);
  });

  it('skips nothing for a device whose seq is from before changes it has not had', async () => {
    const before = await caughtUp();
    const missed = [await putScan(), await putScan()];
    // CouchDB has changes after `before`: the device gets them, whoever answers (CouchDB orders
    // a feed by shard, not by write).
    const answer = await longpoll(before);
    expect(answer.results.map((r) => r.id).sort()).toEqual([...missed].sort());
    const later = longpoll(answer.last_seq);
    const next = await putScan();
    expect((await later).results.map((r) => r.id)).toContain(next);
  });

  it("gives CouchDB's own seqs that CouchDB takes back", async () => {
    const since = await caughtUp();
    const waiting = longpoll(since);
    await new Promise((r) => setTimeout(r, 200));
    await putScan();
    const { last_seq: fromHub } = await waiting;
    // The store reads a catch-up from the hub's seq (a filter sends it there): nothing new.
    const direct = await fetch(
      `${couch.url}/scans/_changes?since=${encodeURIComponent(fromHub)}&limit=10`,
      { headers: { authorization: couch.adminAuth } },
    );
    expect(direct.status).toBe(200);
    expect(((await direct.json()) as ChangesAnswer).results).toEqual([]);
  });
});
