// Live `_changes` feeds through the guard: a client that goes away leaves nothing running in the
// store, and a feed is never compressed.
// https://docs.couchdb.org/en/stable/api/database/changes.html
import http from 'node:http';
import PouchDB from 'pouchdb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  basicAuth,
  scanDoc,
  startTestSyncServer,
  type TestSyncServer,
} from '../helpers/sync-server';

const SCANNER = { name: 'sam', password: 'sam-password-123' };
const scanner = basicAuth(SCANNER.name, SCANNER.password);

/** A database of the store as PouchDB holds it: an event emitter with a name. */
interface StoreDb {
  name: string;
  listenerCount(event: string): number;
}
/** PouchDB's constructor is an event emitter too: it announces each database it opens. */
const pouchEvents = PouchDB as unknown as {
  on(event: 'ref', listener: (db: StoreDb) => void): void;
  removeListener(event: 'ref', listener: (db: StoreDb) => void): void;
};

let server: TestSyncServer;
let storeScans: StoreDb;

/**
 * Live feeds running on the store's `scans` database. PouchDB's changes() puts one 'destroyed'
 * listener on its database for each live feed (to end it if the database goes) and takes it off
 * when the feed ends; the database holds one of its own.
 */
const liveFeedsInStore = () => storeScans.listenerCount('destroyed') - 1;

interface Feed {
  /** Resolves with the response headers once the first byte of the body is on its way. */
  response: Promise<http.IncomingMessage>;
  /** Body bytes as they arrived, each with the ms since the request was sent. */
  received: Array<{ atMs: number; text: string }>;
  drop(): void;
}

function openFeed(
  feed: 'continuous' | 'longpoll',
  opts: { heartbeatMs: number; headers?: http.OutgoingHttpHeaders },
): Feed {
  const startedAt = performance.now();
  const received: Feed['received'] = [];
  // With a limit, as PouchDB and RxDB ask (the guard may refuse an unbounded longpoll).
  const req = http.get(
    `${server.dbUrl}/scans/_changes?feed=${feed}&since=now&limit=100&heartbeat=${opts.heartbeatMs}`,
    { agent: false, headers: { authorization: scanner, ...opts.headers } },
  );
  const response = new Promise<http.IncomingMessage>((resolve, reject) => {
    req.on('response', (res) => {
      res.on('data', (chunk: Buffer) => {
        received.push({ atMs: performance.now() - startedAt, text: chunk.toString('latin1') });
      });
      res.on('error', () => undefined); // drop() cuts it on purpose
      resolve(res);
    });
    req.on('error', reject);
  });
  response.catch(() => undefined); // a dropped feed may never have answered
  return { response, received, drop: () => req.destroy() };
}

async function putScan(): Promise<string> {
  const doc = scanDoc(SCANNER.name);
  const res = await fetch(`${server.dbUrl}/scans/${encodeURIComponent(doc._id)}`, {
    method: 'PUT',
    headers: { authorization: scanner, 'content-type': 'application/json' },
    body: JSON.stringify(doc),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return doc._id;
}

beforeAll(async () => {
  const opened: StoreDb[] = [];
  const onRef = (db: StoreDb) => opened.push(db);
  pouchEvents.on('ref', onRef);
  try {
    server = await startTestSyncServer();
  } finally {
    pouchEvents.removeListener('ref', onRef);
  }
  const scans = opened.find((db) => db.name === 'scans');
  if (!scans) throw new Error(`the store opened no scans database (${opened.map((d) => d.name)})`);
  storeScans = scans;
  await server.createUser(SCANNER.name, SCANNER.password, ['scanner']);
});

afterAll(() => server?.close());

describe('dropped feeds', () => {
  const DROPPED = 25;

  it.each(['continuous', 'longpoll'] as const)(
    'a %s feed whose client goes away leaves nothing running in the store',
    async (feed) => {
      const baseline = liveFeedsInStore();
      const kept = openFeed('continuous', { heartbeatMs: 100 });
      const feeds = Array.from({ length: DROPPED }, () => openFeed(feed, { heartbeatMs: 100 }));
      // Every feed reached the store before its client goes.
      await expect.poll(liveFeedsInStore).toBe(baseline + 1 + DROPPED);
      for (const f of feeds) f.drop();
      await expect.poll(liveFeedsInStore).toBe(baseline + 1);

      // The feed that stayed is still served: the next write reaches it.
      await kept.response;
      const id = await putScan();
      await expect.poll(() => kept.received.map((c) => c.text).join('')).toContain(id);
      kept.drop();
      await expect.poll(liveFeedsInStore).toBe(baseline);
    },
  );
});

describe('compression', () => {
  it.each(['continuous', 'longpoll'] as const)(
    'a %s feed asked for gzip comes uncompressed, its heartbeats within a second',
    async (feed) => {
      const f = openFeed(feed, { heartbeatMs: 200, headers: { 'accept-encoding': 'gzip' } });
      try {
        const res = await f.response;
        expect(res.headers['content-encoding']).toBeUndefined();
        await expect
          .poll(() =>
            f.received
              .filter((c) => c.atMs < 1_000 && /^\n+$/.test(c.text))
              .reduce((heartbeats, c) => heartbeats + c.text.length, 0),
          )
          .toBeGreaterThanOrEqual(2);
      } finally {
        f.drop();
      }
    },
  );
});
