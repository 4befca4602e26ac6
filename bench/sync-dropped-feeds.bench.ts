// Write latency of the sync server after 1,000 clients dropped their continuous _changes feeds,
// against a fresh server: single-doc PUTs of scans through the guard as a scanner, p95 of each.
// Each server runs in its own child process (this file with --serve); the load comes from this
// one. Blocks of writes alternate between the two, so whatever else loads the machine meanwhile
// weighs on both alike (one server measured before and after moved by a third between runs).
import { fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import type { PouchDatabase } from 'pouchdb';
import { basicAuth, scanDoc, startTestSyncServer } from '../test/helpers/sync-server';
import { percentile } from './pages/serve';

const DROPPED_FEEDS = 1_000;
const OPEN_AT_ONCE = 20; // clients opening and dropping a feed at the same time
const BLOCKS = 7; // per server, alternating
const WRITES_PER_BLOCK = 200;
const WARM_UP = 50;
const HEARTBEAT_MS = 10_000; // what PouchDB and the print bridge ask for
const SETTLE_MS = 60_000; // at most this long for the store to end the dropped feeds
const SCANNER = { name: 'sam', password: 'bench-scanner-pw-1' };

/** What the server process reports about itself. */
interface ServerReport {
  /** Live feeds the store serves on `scans` (see liveFeedsOn). */
  liveFeeds: number;
  /** JS heap in use after a full collection. */
  heapMb: number;
}
type FromServer = { ready: { url: string; adminAuth: string } } | { report: ServerReport };

/**
 * PouchDB's changes() puts one 'destroyed' listener on its database per live feed and takes it off
 * when the feed ends: the count of feeds the store still serves (the database's own one aside).
 */
function liveFeedsOn(db: { listenerCount(event: string): number }): number {
  return db.listenerCount('destroyed') - 1;
}

async function serve(): Promise<void> {
  const { default: PouchDB } = await import('pouchdb');
  const events = PouchDB as unknown as {
    on(event: 'ref', fn: (db: PouchDatabase & { name: string }) => void): void;
  };
  let scans: { listenerCount(event: string): number } | undefined;
  events.on('ref', (db) => {
    if (db.name === 'scans') scans ??= db as unknown as { listenerCount(e: string): number };
  });
  const server = await startTestSyncServer({ logLevel: 'warn' });
  const send = (message: FromServer) => process.send?.(message);
  process.on('message', (message) => {
    if (message === 'report' && scans) {
      globalThis.gc?.();
      const heapMb = Math.round(process.memoryUsage().heapUsed / 2 ** 20);
      send({ report: { liveFeeds: liveFeedsOn(scans), heapMb } });
    }
  });
  process.on('disconnect', () => void server.close().then(() => process.exit(0)));
  send({ ready: { url: server.url, adminAuth: server.adminAuth } });
}

interface ServerProcess {
  child: ChildProcess;
  url: string;
  adminAuth: string;
  report(): Promise<ServerReport>;
}

function startServer(): Promise<ServerProcess> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve'], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const report = () =>
    new Promise<ServerReport>((resolve) => {
      const onMessage = (message: FromServer) => {
        if (!('report' in message)) return;
        child.off('message', onMessage);
        resolve(message.report);
      };
      child.on('message', onMessage);
      child.send('report');
    });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the server process exited (${code})`)));
    child.on('message', (message: FromServer) => {
      if ('ready' in message) resolve({ child, ...message.ready, report });
    });
  });
}

/** Write latencies (ms) of `count` sequential single-doc PUTs of new scans. */
async function putScans(dbUrl: string, auth: string, count: number): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const doc = scanDoc(SCANNER.name);
    const started = performance.now();
    const res = await fetch(`${dbUrl}/scans/${encodeURIComponent(doc._id)}`, {
      method: 'PUT',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify(doc),
    });
    await res.arrayBuffer();
    if (res.status !== 201) throw new Error(`PUT ${doc._id} answered ${res.status}`);
    ms.push(performance.now() - started);
  }
  return ms;
}

async function blockP95(dbUrl: string, auth: string): Promise<number> {
  const sorted = (await putScans(dbUrl, auth, WRITES_PER_BLOCK)).sort((x, y) => x - y);
  return percentile(sorted, 95);
}

const median = (values: number[]) =>
  [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;

/** The database's last sequence, where a device that is up to date resumes its feed. */
async function lastSeq(dbUrl: string, auth: string): Promise<number> {
  const res = await fetch(`${dbUrl}/scans/_changes?descending=true&limit=1`, {
    headers: { authorization: auth },
  });
  const body = (await res.json()) as { last_seq?: unknown };
  if (typeof body.last_seq !== 'number') throw new Error(`no last_seq: ${JSON.stringify(body)}`);
  return body.last_seq;
}

/**
 * Opens a continuous feed one change behind, as a device resuming from its checkpoint: that change
 * comes at once, so its first byte says the store is serving the feed. Then the client goes away
 * (a closed laptop, a killed tab) without ending the request.
 */
function openAndDrop(dbUrl: string, auth: string, since: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      `${dbUrl}/scans/_changes?feed=continuous&since=${since}&heartbeat=${HEARTBEAT_MS}`,
      { agent: false, headers: { authorization: auth } },
      (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
        res.on('error', () => undefined);
      },
    );
    req.on('error', reject);
  });
}

async function dropFeeds(dbUrl: string, auth: string): Promise<void> {
  const since = (await lastSeq(dbUrl, auth)) - 1;
  let next = 0;
  const client = async () => {
    while (next < DROPPED_FEEDS) {
      next += 1;
      await openAndDrop(dbUrl, auth, since);
    }
  };
  await Promise.all(Array.from({ length: OPEN_AT_ONCE }, client));
}

async function withScanner(server: ServerProcess): Promise<{ dbUrl: string; auth: string }> {
  const dbUrl = `${server.url}/db`;
  const res = await fetch(`${dbUrl}/_users/org.couchdb.user:${SCANNER.name}`, {
    method: 'PUT',
    headers: { authorization: server.adminAuth, 'content-type': 'application/json' },
    body: JSON.stringify({ ...SCANNER, type: 'user', roles: ['scanner'] }),
  });
  if (res.status !== 201) throw new Error(`creating the scanner failed: ${res.status}`);
  return { dbUrl, auth: basicAuth(SCANNER.name, SCANNER.password) };
}

async function stopServer(server: ServerProcess): Promise<void> {
  if (server.child.exitCode !== null) return;
  const exited = new Promise((r) => server.child.once('exit', r));
  server.child.disconnect();
  await exited;
}

async function main(): Promise<void> {
  const servers = await Promise.all([startServer(), startServer()]);
  try {
    const fresh = await withScanner(servers[0]);
    const dropped = await withScanner(servers[1]);
    for (const s of [fresh, dropped]) await putScans(s.dbUrl, s.auth, WARM_UP);
    const before = await servers[1].report();

    const dropStarted = performance.now();
    await dropFeeds(dropped.dbUrl, dropped.auth);
    const dropS = (performance.now() - dropStarted) / 1000;
    const settleStarted = performance.now();
    let after = await servers[1].report();
    while (after.liveFeeds > before.liveFeeds && performance.now() - settleStarted < SETTLE_MS) {
      await new Promise((r) => setTimeout(r, 250));
      after = await servers[1].report();
    }
    const settleS = (performance.now() - settleStarted) / 1000;

    const freshP95: number[] = [];
    const droppedP95: number[] = [];
    for (let b = 0; b < BLOCKS; b += 1) {
      // Alternate which goes first, so neither always follows the other's garbage collection.
      const order = b % 2 === 0 ? ([fresh, dropped] as const) : ([dropped, fresh] as const);
      for (const s of order) {
        (s === fresh ? freshP95 : droppedP95).push(await blockP95(s.dbUrl, s.auth));
      }
    }

    console.log(
      `# ${before.liveFeeds} live feeds in the store, heap ${before.heapMb} MB; ` +
        `${DROPPED_FEEDS} feeds opened and dropped in ${dropS.toFixed(1)} s (${OPEN_AT_ONCE} at once); ` +
        `${after.liveFeeds} live feeds ${settleS.toFixed(1)} s later, heap ${after.heapMb} MB`,
    );
    const ms = (values: number[]) => values.map((v) => v.toFixed(1)).join(', ');
    console.log(
      `# p95 of ${BLOCKS} alternating blocks of ${WRITES_PER_BLOCK} single-doc PUTs per server ` +
        `after ${WARM_UP} warm-up: fresh ${ms(freshP95)} ms; after the drops ${ms(droppedP95)} ms (medians; the ratio is the median of each round's)`,
    );
    const freshMs = median(freshP95);
    const droppedMs = median(droppedP95);
    // The two blocks of a round ran back to back: their ratio cancels the machine's drift.
    const ratio = median(freshP95.map((f, b) => droppedP95[b]! / f));
    console.log(`figure: sync-write-p95-fresh ${freshMs.toFixed(1)} ms`);
    console.log(`figure: sync-write-p95-after-dropped-feeds ${droppedMs.toFixed(1)} ms`);
    console.log(`figure: sync-dropped-feeds-write-p95-ratio ${ratio.toFixed(2)} x (target <= 1.2)`);
  } finally {
    await Promise.all(servers.map(stopServer));
  }
}

const run = process.argv.includes('--serve') ? serve : main;
void run().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
