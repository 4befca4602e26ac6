// Live `_changes` feeds through the guard: a client that goes away leaves nothing running in the
// store, a feed is never compressed, and an idle print bridge stays healthy on heartbeats alone.
// https://docs.couchdb.org/en/stable/api/database/changes.html
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import PouchDB from 'pouchdb';
import type { PouchDatabase } from 'pouchdb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReplication, type Replication } from '@/print-bridge/sync/replication';
import {
  basicAuth,
  scanDoc,
  startTestSyncServer,
  type TestSyncServer,
} from '../helpers/sync-server';

const SCANNER = { name: 'sam', password: 'sam-password-123' };
const BRIDGE = { name: 'bridge-north', password: 'bridge-north-pw-1' };
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
let dataRoot: string;

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
  // style=main_only: a feed the store serves itself (the guard's hub serves style=all_docs feeds
  // from memory; test/integration/changes-hub.test.ts).
  const req = http.get(
    `${server.dbUrl}/scans/_changes?feed=${feed}&since=now&limit=100&heartbeat=${opts.heartbeatMs}&style=main_only`,
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
  dataRoot = mkdtempSync(join(tmpdir(), 'dockhand-feeds-'));
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
  await server.createUser(BRIDGE.name, BRIDGE.password, ['bridge', 'site:north']);
});

afterAll(async () => {
  await server?.close();
  rmSync(dataRoot, { recursive: true, force: true });
});

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

describe('many live feeds', () => {
  it('are no reason for a memory-leak warning (200 devices hold 600)', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
    process.on('warning', onWarning);
    try {
      const baseline = liveFeedsInStore();
      const feeds = Array.from({ length: 30 }, () => openFeed('continuous', { heartbeatMs: 100 }));
      await expect.poll(liveFeedsInStore).toBe(baseline + 30);
      for (const f of feeds) f.drop();
      await expect.poll(liveFeedsInStore).toBe(baseline);
      expect(warnings).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });
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

/** A TCP relay to the server whose open connections can go silent, as a dead WAN link does. */
async function startRelay(targetPort: number): Promise<{
  url: string;
  silenceOpenLinks(): void;
  close(): Promise<void>;
}> {
  const links = new Set<{ client: Socket; upstream: Socket }>();
  const relay: Server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    const link = { client, upstream };
    links.add(link);
    for (const s of [client, upstream]) {
      s.on('error', () => s.destroy());
      s.on('close', () => {
        links.delete(link);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', () => resolve()));
  const { port } = relay.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    silenceOpenLinks() {
      for (const { client, upstream } of links) {
        upstream.unpipe(client);
        upstream.pause();
      }
    },
    close: () =>
      new Promise((resolve) => {
        for (const { client, upstream } of links) {
          client.destroy();
          upstream.destroy();
        }
        relay.close(() => resolve());
      }),
  };
}

describe('an idle print bridge', () => {
  const IDLE_MS = 1_500; // the bridge cuts a request silent this long (45 s in production)
  const HEARTBEAT_MS = 300; // asked of the server for live feeds (10 s in production)

  async function startBridge(syncUrl: string, name: string) {
    const dir = join(dataRoot, name);
    mkdirSync(dir);
    const local = {
      print_jobs: new PouchDB(join(dir, 'print_jobs')),
      printers: new PouchDB(join(dir, 'printers')),
      templates: new PouchDB(join(dir, 'templates')),
    };
    const warnings: Array<{ code?: string; flow?: string }> = [];
    const log = pino(
      { level: 'warn' },
      { write: (line: string) => warnings.push(JSON.parse(line)) },
    );
    const replication: Replication = startReplication({
      syncUrl,
      user: BRIDGE.name,
      password: BRIDGE.password,
      site: 'north',
      local,
      log,
      now: () => new Date(),
      idleMs: IDLE_MS,
      heartbeatMs: HEARTBEAT_MS,
      backoff: { baseMs: 100, maxMs: 500 },
    });
    await expect.poll(() => replication.status()).toMatchObject({ ok: true });
    return {
      replication,
      warnings,
      async stop() {
        await replication.stop();
        await Promise.all(Object.values(local).map((db: PouchDatabase) => db.close()));
      },
    };
  }

  it('stays healthy, with no error, for longer than its idle cut', async () => {
    const bridge = await startBridge(server.url, 'bridge-idle');
    try {
      const states = new Set<string>();
      const until = performance.now() + 3 * IDLE_MS;
      while (performance.now() < until) {
        const status = bridge.replication.status();
        for (const [name, flow] of Object.entries(status.flows))
          states.add(`${name}:${flow.state}`);
        expect(status.ok, JSON.stringify(status.flows)).toBe(true);
        await new Promise((r) => setTimeout(r, 100));
      }
      expect([...states].filter((s) => s.endsWith(':error'))).toEqual([]);
      expect(bridge.warnings).toEqual([]);
    } finally {
      await bridge.stop();
    }
  });

  it('says the server stopped answering, not that it cannot be reached, when its link goes silent', async () => {
    const relay = await startRelay(Number(new URL(server.url).port));
    const bridge = await startBridge(relay.url, 'bridge-silent');
    try {
      relay.silenceOpenLinks();
      await expect
        .poll(() => bridge.warnings.map((w) => w.code), { timeout: 5 * IDLE_MS })
        .toContain('PRINT_ERR_SYNC_TIMEOUT');
      expect(bridge.warnings.map((w) => w.code)).not.toContain('PRINT_ERR_SYNC_UNREACHABLE');
    } finally {
      await bridge.stop();
      await relay.close();
    }
  });
});
