// Live `_changes` feeds answered from the guard's memory (sync-server/guard/changes-hub.ts): the
// store serves one feed per database however many devices wait, every device gets each change,
// and the answers are the store's own.
import http from 'node:http';
import PouchDB from 'pouchdb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  basicAuth,
  putScanAs,
  startTestSyncServer,
  type TestSyncServer,
} from '../helpers/sync-server';

const scanner = basicAuth('sam', 'sam-password-123');
const pouchEvents = PouchDB as unknown as {
  on(
    event: 'ref',
    listener: (db: { name: string; listenerCount(e: string): number }) => void,
  ): void;
  removeListener(event: 'ref', listener: (db: unknown) => void): void;
};

let server: TestSyncServer;
let storeScans: { name: string; listenerCount(e: string): number };
/** Live feeds the store itself runs on `scans` (PouchDB puts a 'destroyed' listener per feed). */
const storeFeeds = () => storeScans.listenerCount('destroyed') - 1;

interface ChangesAnswer {
  results: Array<{
    id: string;
    seq: number;
    changes: Array<{ rev: string }>;
    doc?: { _id: string };
  }>;
  last_seq: number;
}

async function changes(query: string): Promise<ChangesAnswer> {
  const res = await fetch(`${server.dbUrl}/scans/_changes?${query}`, {
    headers: { authorization: scanner },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as ChangesAnswer;
}

const putScan = () => putScanAs(server.dbUrl, scanner, 'sam');

beforeAll(async () => {
  const opened: Array<{ name: string; listenerCount(e: string): number }> = [];
  const onRef = (db: unknown) => opened.push(db as (typeof opened)[number]);
  pouchEvents.on('ref', onRef);
  try {
    server = await startTestSyncServer();
  } finally {
    pouchEvents.removeListener('ref', onRef);
  }
  storeScans = opened.find((db) => db.name === 'scans')!;
  await server.createUser('sam', 'sam-password-123', ['scanner']);
});

afterAll(async () => {
  await server?.close();
});

describe('changes hub', () => {
  it('answers 50 waiting longpolls with one store feed, each with the new scan', async () => {
    const { last_seq: now } = await changes('since=0&limit=1000');
    const baseline = storeFeeds();
    const polls = Array.from({ length: 50 }, () =>
      fetch(
        `${server.dbUrl}/scans/_changes?feed=longpoll&style=all_docs&include_docs=true&since=${now}&limit=50&heartbeat=10000`,
        { headers: { authorization: scanner } },
      ).then((r) => r.json() as Promise<ChangesAnswer>),
    );
    // Every longpoll is waiting in the guard; the store runs at most the hub's one feed.
    await new Promise((r) => setTimeout(r, 300));
    expect(storeFeeds()).toBeLessThanOrEqual(Math.max(baseline, 1));
    const id = await putScan();
    const answers = await Promise.all(polls);
    for (const answer of answers) {
      expect(answer.results.map((r) => r.id)).toEqual([id]);
      expect(answer.results[0]!.doc?._id).toBe(id);
      expect(answer.last_seq).toBeGreaterThan(now);
    }
  });

  it("answers as the store does: the same changes after a seq, with the store's seqs", async () => {
    const { last_seq: from } = await changes('since=0&limit=1000');
    const ids = [await putScan(), await putScan(), await putScan()];
    const viaHub = await changes(
      `feed=longpoll&style=all_docs&include_docs=true&since=${from}&limit=10`,
    );
    // conflicts=false is an option the hub leaves to the store.
    const viaStore = await changes(
      `feed=longpoll&style=all_docs&include_docs=true&since=${from}&limit=10&conflicts=false`,
    );
    expect(viaHub.results.map((r) => r.id)).toEqual(ids);
    expect(viaHub.results.map((r) => [r.id, r.seq, r.changes])).toEqual(
      viaStore.results.map((r) => [r.id, r.seq, r.changes]),
    );
    expect(viaHub.last_seq).toBe(viaStore.last_seq);
    // A limit pages the answer, as the store's does.
    const firstTwo = await changes(`feed=longpoll&style=all_docs&since=${from}&limit=2`);
    expect(firstTwo.results.map((r) => r.id)).toEqual(ids.slice(0, 2));
    expect(firstTwo.results[0]).not.toHaveProperty('doc');
  });

  it('sends a catch-up from before it started to the store, whole', async () => {
    const all = await changes('feed=longpoll&style=all_docs&since=0&limit=1000');
    const store = await changes('since=0&limit=1000');
    expect(all.results.map((r) => r.id)).toEqual(store.results.map((r) => r.id));
  });

  it('streams a continuous feed: changes as they come, heartbeats between', async () => {
    const { last_seq: now } = await changes('since=0&limit=1000');
    const received: string[] = [];
    const url = new URL(
      `${server.dbUrl}/scans/_changes?feed=continuous&style=all_docs&since=${now}&heartbeat=100`,
    );
    const req = http.get(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        headers: { authorization: scanner },
      },
      (res) => res.on('data', (c: Buffer) => received.push(c.toString())),
    );
    try {
      await expect.poll(() => received.join('').includes('\n')).toBe(true);
      const id = await putScan();
      await expect.poll(() => received.join('')).toContain(`"id":"${id}"`);
    } finally {
      req.destroy();
    }
  });
  it('answers a feed from memory with the headers every other answer carries', async () => {
    // The first request looks the session up the full way; the feed then takes the lane that
    // answers before Express (guard/feed-lane.ts), which must not lose a security header.
    const full = await fetch(`${server.dbUrl}/scans`, { headers: { authorization: scanner } });
    expect(full.status).toBe(200);
    const feed = await fetch(
      `${server.dbUrl}/scans/_changes?feed=longpoll&since=now&timeout=50&heartbeat=10000&limit=100`,
      { headers: { authorization: scanner } },
    );
    expect(feed.status).toBe(200);
    expect(await feed.json()).toMatchObject({ results: [] });
    const security = [
      'content-security-policy',
      'cross-origin-opener-policy',
      'cross-origin-resource-policy',
      'permissions-policy',
      'referrer-policy',
      'x-content-type-options',
      'x-frame-options',
    ];
    for (const name of security) {
      expect(full.headers.get(name), name).toBeTruthy();
      expect(feed.headers.get(name), name).toBe(full.headers.get(name));
    }
    expect(feed.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(feed.headers.get('x-request-id')).not.toBe(full.headers.get('x-request-id'));
  });

  it('refuses a feed with a wrong password the full way, as JSON', async () => {
    const res = await fetch(`${server.dbUrl}/scans/_changes?feed=longpoll&since=now&timeout=50`, {
      headers: { authorization: basicAuth('sam', 'not-the-password') },
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: expect.any(String) });
  });
});
