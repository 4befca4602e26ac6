// Benchmark (issue 11): a site's devices replicating with one sync server at once. The server runs
// in its own process, as `npm start` runs it (same heap cap); this process is the load generator:
// 200 devices, each with its own scanner account and session cookie, holding RxDB's three
// long-polls (scans, manifests, waybills), pushing scans as RxDB does (bench/sync-load/device.ts),
// some losing the network mid-feed and coming back; and one supervisor's dashboard feed on scans.
// Scans come faster than one person scans (12 a second per device on average, in bursts) so that
// the devices together offer more than the target and the figure says what the server sustains;
// `--rate 0.1` is a person's pace.
// Options (arguments, or env for `npm run bench -- sync-load`, which passes none through):
//   --seconds N   (BENCH_SYNC_SECONDS, 60)        measured window
//   --store couchdb (BENCH_SYNC_STORE)            Apache CouchDB behind the sync server
//   --devices N   (BENCH_SYNC_DEVICES, 200)
//   --rate R      (BENCH_SYNC_RATE, 12)           scans per device per second, on average
//   --profile     (BENCH_SYNC_PROFILE=1)          --cpu-prof the server; summary of the window
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { manifestNumbers } from '../test/fixtures/carrier-numbers';
import type { CouchDb } from '../test/helpers/couchdb';
import { percentile } from './pages/serve';
import { Device, emptyStats } from './sync-load/device';
import type { FeedDb, LoadContext } from './sync-load/device';
import { FanoutTracker } from './sync-load/fanout';
import { createHttpClient } from './sync-load/http-client';
import type { HttpClient } from './sync-load/http-client';
import { monotonicUs, printProfileSummary } from './sync-load/profile-summary';
import type { ProfileWindow } from './sync-load/profile-summary';
import { createAccounts, eachLimited, logIn, seedManifest } from './sync-load/seed';
import type { Account } from './sync-load/seed';
import {
  cpuSecondsOf,
  pidWithCommandLine,
  rssMbOf,
  rssPeakSampler,
  startSyncServerProcess,
} from './sync-load/server-process';

const ADMIN_PASSWORD = 'bench-admin-password-11';
const MANIFEST_ID = 'm-inbound-wed';
const WAYBILLS = 2_000;
/** Devices that pull the manifest from scratch; the rest replicated it before the run. */
const FRESH_DEVICES = 10;
/** Every SAMPLE_EVERY-th scan is a fan-out sample (fewer in a short run, for ~500 samples). */
const SAMPLE_EVERY = 50;
const SAMPLES_WANTED = 500;
const TICK_MS = 100; // scans are made in 100 ms steps
const BURST_START_PER_TICK = 0.02; // a burst (a pallet) starts every ~5 s per device
const BURST_MS = [1_000, 3_000] as const;
const BURST_FACTOR = 3;
/** Share of time in a burst (2 s of every ~7 s), to keep the average at the rate asked. */
const BURST_SHARE = 2 / 7;
const DROPS_PER_DEVICE_S = 1 / 60; // each device loses the network about once a minute
const OFFLINE_MS = [1_000, 6_000] as const;
const CONNECT_SPREAD_MS = 8_000; // devices log in over 8 s, not all in the same millisecond
const CONNECT_TIMEOUT_MS = 180_000; // 200 devices connect in ~30 s on 2 busy cores
const HEALTH_EVERY_MS = 500;
const DRAIN_MS = 20_000; // after the window: pushes finish, samples reach every feed

interface Options {
  seconds: number;
  store: 'embedded' | 'couchdb';
  devices: number;
  rate: number;
  profile: boolean;
}

function optionsFrom(argv: string[], env: NodeJS.ProcessEnv): Options {
  const arg = (name: string) => {
    const at = argv.indexOf(`--${name}`);
    return at === -1 ? undefined : argv[at + 1];
  };
  const number = (value: string | undefined, fallback: number, what: string) => {
    if (value === undefined || value === '') return fallback;
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${what} must be a positive number`);
    return n;
  };
  const store = arg('store') ?? env.BENCH_SYNC_STORE ?? 'embedded';
  if (store !== 'embedded' && store !== 'couchdb') {
    throw new Error(`--store is embedded or couchdb, not ${store}`);
  }
  return {
    seconds: number(arg('seconds') ?? env.BENCH_SYNC_SECONDS, 60, '--seconds'),
    store,
    devices: Math.round(number(arg('devices') ?? env.BENCH_SYNC_DEVICES, 200, '--devices')),
    rate: number(arg('rate') ?? env.BENCH_SYNC_RATE, 12, '--rate'),
    profile: argv.includes('--profile') || env.BENCH_SYNC_PROFILE === '1',
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const basic = (name: string, password: string) =>
  `Basic ${Buffer.from(`${name}:${password}`).toString('base64')}`;

/** Poisson-distributed count with mean `mean` (Knuth; fine for the small means here). */
function poisson(mean: number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = Math.random(); p > limit; p *= Math.random()) k++;
  return k;
}

async function waitHealthy(client: HttpClient): Promise<void> {
  for (let i = 0; i < 240; i++) {
    const answer = await client
      .request('GET', '/health', { signal: AbortSignal.timeout(5_000) })
      .catch(() => null);
    if (answer?.status === 200) return;
    await sleep(250);
  }
  throw new Error('the sync server never reported healthy');
}

async function updateSeqOf(client: HttpClient, auth: string, db: string): Promise<string> {
  const answer = await client.request('GET', `/db/${db}`, { headers: { authorization: auth } });
  if (answer.status !== 200) throw new Error(`GET /db/${db}: HTTP ${answer.status}`);
  return String((JSON.parse(answer.text) as { update_seq: string | number }).update_seq);
}

const fmt = (ms: number | undefined) =>
  ms === undefined ? 'n/a' : Number.isFinite(ms) ? ms.toFixed(0) : 'Infinity';
const pct = (values: number[], p: number) =>
  values.length === 0
    ? undefined
    : percentile(
        [...values].sort((a, b) => a - b),
        p,
      );
const loadAverage = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/**
 * Logs the devices in (spread over CONNECT_SPREAD_MS) and runs their first pulls; FRESH_DEVICES
 * pull the manifest from the start, the others from `checkpoints` (they had it before the run).
 */
async function connectDevices(
  ctx: LoadContext,
  scanners: readonly Account[],
  numbers: readonly string[],
  checkpoints: Partial<Record<FeedDb, string>>,
): Promise<Device[]> {
  const devices: Device[] = [];
  const started = performance.now();
  const spreadMs = CONNECT_SPREAD_MS / Math.max(1, scanners.length);
  let connected = 0;
  const connecting = eachLimited(scanners, 16, async (account, i) => {
    await sleep(Math.max(0, i * spreadMs - (performance.now() - started)));
    const device = new Device(ctx, {
      index: i,
      cookie: await logIn(ctx.client, account),
      feeds: ['scans', 'manifests', 'waybills'],
      maker: {
        deviceId: `dev-${String(i + 1).padStart(3, '0')}`,
        user: account.name,
        manifestId: MANIFEST_ID,
        numbers,
        recent: [],
      },
    });
    devices[i] = device;
    await device.connect(i < FRESH_DEVICES ? undefined : checkpoints);
    connected += 1;
  });
  let giveUp: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    giveUp = setTimeout(() => {
      void ctx.client
        .request('GET', '/health', { signal: AbortSignal.timeout(5_000) })
        .then(
          (a) => `${a.status} ${a.text}`,
          (err: unknown) => String(err),
        )
        .then((health) =>
          reject(
            new Error(
              `only ${connected} of ${scanners.length} devices logged in and pulled within ` +
                `${CONNECT_TIMEOUT_MS / 1000} s; the server's /health: ${health}`,
            ),
          ),
        );
    }, CONNECT_TIMEOUT_MS);
  });
  try {
    await Promise.race([connecting, timedOut]);
  } finally {
    clearTimeout(giveUp);
  }
  return devices;
}

/** People scanning: each device's scans in TICK_MS steps, bursts, and network drops. */
function startScanning(devices: readonly Device[], rate: number): () => void {
  const burstUntil = new Float64Array(devices.length);
  const baseRate = rate / (1 + (BURST_FACTOR - 1) * BURST_SHARE);
  let lastTick = performance.now();
  const scanTicker = setInterval(() => {
    const now = performance.now();
    const wall = Date.now();
    // People do not wait for this process: a late tick makes the scans of the time it missed.
    const elapsedMs = now - lastTick;
    lastTick = now;
    for (const device of devices) {
      const i = device.index;
      if (burstUntil[i]! < now && Math.random() < (BURST_START_PER_TICK * elapsedMs) / TICK_MS) {
        burstUntil[i] = now + BURST_MS[0] + Math.random() * (BURST_MS[1] - BURST_MS[0]);
      }
      const factor = burstUntil[i]! > now ? BURST_FACTOR : 1;
      const count = poisson((baseRate * factor * elapsedMs) / 1000);
      if (count > 0) device.scan(count, wall);
    }
  }, TICK_MS);
  const dropTicker = setInterval(() => {
    for (const device of devices) {
      if (device.isOnline && Math.random() < DROPS_PER_DEVICE_S) {
        device.drop(OFFLINE_MS[0] + Math.random() * (OFFLINE_MS[1] - OFFLINE_MS[0]));
      }
    }
  }, 1_000);
  return () => {
    clearInterval(scanTicker);
    clearInterval(dropTicker);
  };
}

/** /health polled as a monitor polls it: how long it takes to answer, and when it is not ok. */
function pollHealth(client: HttpClient) {
  const ms: number[] = [];
  const notOk = new Map<string, number>();
  const count = (what: string) => notOk.set(what, (notOk.get(what) ?? 0) + 1);
  const timer = setInterval(() => {
    const started = performance.now();
    client.request('GET', '/health').then(
      (answer) => {
        ms.push(answer.ms);
        if (answer.status !== 200) count(`HTTP ${answer.status}`);
      },
      (err: unknown) => {
        ms.push(performance.now() - started);
        count(String((err as NodeJS.ErrnoException).code ?? err));
      },
    );
  }, HEALTH_EVERY_MS);
  return { ms, notOk, stop: () => clearInterval(timer) };
}

async function main(): Promise<void> {
  const opts = optionsFrom(process.argv.slice(2), process.env);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockhand-bench-sync-'));
  const profileDir = opts.profile
    ? fs.mkdtempSync(path.join(os.tmpdir(), 'dockhand-bench-sync-prof-'))
    : undefined;
  let couch: CouchDb | undefined;
  let couchPid: number | null = null;
  if (opts.store === 'couchdb') {
    const { startCouchDb } = await import('../test/helpers/couchdb');
    couch = await startCouchDb({ adminUser: 'dockhand-service' });
    couchPid = pidWithCommandLine(path.dirname(couch.dataDir));
  }
  const server = await startSyncServerProcess({
    dataDir,
    adminPassword: ADMIN_PASSWORD,
    cpuProfileDir: profileDir,
    ...(couch
      ? { couchdb: { url: couch.url, user: couch.adminUser, password: couch.adminPassword } }
      : {}),
  });
  const rss = rssPeakSampler(server.pid);
  const couchRss = couchPid === null ? null : rssPeakSampler(couchPid);
  const client = createHttpClient(server.url);
  const adminAuth = basic('admin', ADMIN_PASSWORD);
  const devices: Device[] = [];
  let window: ProfileWindow | undefined;
  const ctx: LoadContext = {
    client,
    tracker: new FanoutTracker(opts.devices + 1), // the dashboard is the last receiver
    stats: emptyStats(),
    phase: 'connect',
    sampleEvery: Math.max(
      1,
      Math.min(
        SAMPLE_EVERY,
        Math.floor((opts.devices * opts.rate * opts.seconds) / SAMPLES_WANTED),
      ),
    ),
    madeScans: 0,
  };
  try {
    await waitHealthy(client);
    console.log(
      `# store ${opts.store}; ${opts.devices} devices + 1 dashboard; ${opts.rate} scans/device/s ` +
        `offered (${(opts.devices * opts.rate).toFixed(0)}/s); ${opts.seconds} s measured; ` +
        `server pid ${server.pid} (${(rssMbOf(server.pid) ?? 0).toFixed(0)} MB RSS idle)`,
    );

    const setupStarted = performance.now();
    const numbers = manifestNumbers(WAYBILLS, Math.random);
    await seedManifest(client, adminAuth, MANIFEST_ID, numbers);
    const scanners: Account[] = Array.from({ length: opts.devices }, (_, i) => ({
      name: `scanner-${String(i + 1).padStart(3, '0')}`,
      password: `scanner-pw-${i + 1}-load`,
    }));
    const supervisor: Account = { name: 'supervisor-1', password: 'supervisor-pw-load' };
    await createAccounts(client, adminAuth, scanners, ['scanner']);
    await createAccounts(client, adminAuth, [supervisor], ['supervisor']);
    const seqs = {
      manifests: await updateSeqOf(client, adminAuth, 'manifests'),
      waybills: await updateSeqOf(client, adminAuth, 'waybills'),
    };
    console.log(
      `# seeded ${WAYBILLS} waybills and ${opts.devices + 1} accounts in ` +
        `${((performance.now() - setupStarted) / 1000).toFixed(1)} s`,
    );

    // Devices log in once each (their session cookie is kept) and replicate.
    const connectStarted = performance.now();
    devices.push(...(await connectDevices(ctx, scanners, numbers, seqs)));
    const dashboard = new Device(ctx, {
      index: opts.devices,
      cookie: await logIn(client, supervisor),
      feeds: ['scans'],
      maker: null,
    });
    await dashboard.connect();
    console.log(
      `# ${opts.devices} devices logged in and caught up in ` +
        `${((performance.now() - connectStarted) / 1000).toFixed(1)} s ` +
        `(${FRESH_DEVICES} pulled all ${WAYBILLS} waybills); server RSS ` +
        `${(rssMbOf(server.pid) ?? 0).toFixed(0)} MB, ${client.openSockets()} sockets`,
    );
    await sleep(2_000); // every long-poll held at the server

    // The measured window.
    const loadBefore = loadAverage();
    const serverCpuBefore = cpuSecondsOf(server.pid) ?? 0;
    const ownCpuBefore = process.cpuUsage();
    window = { fromUs: monotonicUs(), toUs: Infinity };
    const from = performance.now();
    ctx.phase = 'measure';
    const stopScanning = startScanning(devices, opts.rate);
    const health = pollHealth(client);
    await sleep(opts.seconds * 1_000);
    const to = performance.now();
    ctx.phase = 'drain';
    window.toUs = monotonicUs();
    stopScanning();
    health.stop();
    const serverCpu = (cpuSecondsOf(server.pid) ?? 0) - serverCpuBefore;
    const ownCpu = process.cpuUsage(ownCpuBefore);
    const loadAfter = loadAverage();
    const windowS = (to - from) / 1_000;
    const backlogAtEnd = devices.reduce((n, d) => n + d.backlog, 0);
    const rssInWindow = rss.peakMb();

    // Drain: the last scans are pushed and reach every feed (or the wait gives up).
    const drainStarted = performance.now();
    while (performance.now() - drainStarted < DRAIN_MS) {
      const left = devices.reduce((n, d) => n + d.backlog, 0);
      if (left === 0 && ctx.tracker.complete(from, to, performance.now())) break;
      await sleep(250);
    }
    const fanout = ctx.tracker.result(from, to, performance.now());
    ctx.phase = 'stop';
    for (const device of [...devices, dashboard]) device.stop();

    const { stats } = ctx;
    const errors = [...stats.errors.values()].reduce((a, b) => a + b, 0);
    console.log(`# load average (1, 5, 15 min): ${loadBefore} before, ${loadAfter} after`);
    console.log(
      `# offered ${(stats.madeInWindow / windowS).toFixed(0)} scans/s; backlog on devices at the ` +
        `end ${backlogAtEnd}; ${stats.drops} network drops (${stats.cutRequests} requests cut)`,
    );
    console.log(
      `# server CPU ${(serverCpu / windowS).toFixed(2)} cores, load generator CPU ` +
        `${((ownCpu.user + ownCpu.system) / 1e6 / windowS).toFixed(2)} cores; ` +
        `${(stats.rowsDelivered / windowS).toFixed(0)} _changes rows/s delivered to feeds`,
    );
    const answered = (kind: string) => stats.answers.get(kind) ?? 0;
    const perS = (kind: string) => (answered(kind) / windowS).toFixed(1);
    const feedAnswers = answered('longpoll') + answered('pull');
    console.log(
      `# answers/s: longpoll ${perS('longpoll')}, checkpoint pull ${perS('pull')}, _all_docs ` +
        `${perS('_all_docs')}, _bulk_docs ${perS('_bulk_docs')} ` +
        `(${(stats.docsSent / Math.max(1, answered('_bulk_docs'))).toFixed(1)} scans each); ` +
        `${(stats.rowsDelivered / Math.max(1, feedAnswers)).toFixed(1)} rows per _changes answer`,
    );
    console.log(
      `# fan-out: ${fanout.latencies.length} sampled scans, ${fanout.missed} never reached every ` +
        `live feed within ${DRAIN_MS / 1000} s after the window; ${fanout.excluded} ` +
        `(scan, feed) pairs left out as the feed was cut or catching up; p50 ` +
        `${fmt(pct(fanout.latencies, 50))} ms, max ${fmt(fanout.latencies.at(-1))} ms`,
    );
    console.log(
      `# reconnect catch-up of the scans feed: p50 ${fmt(pct(stats.catchUpMs, 50))} ms, p95 ` +
        `${fmt(pct(stats.catchUpMs, 95))} ms (${stats.catchUpMs.length} reconnects)`,
    );
    if (couchRss) console.log(`# CouchDB node peak RSS ${couchRss.peakMb().toFixed(0)} MB`);
    console.log(
      `# server RSS peak ${rssInWindow.toFixed(0)} MB by the end of the window, ` +
        `${rss.lastMb().toFixed(0)} MB at the end`,
    );
    for (const [what, count] of stats.errors) console.log(`# error: ${what} × ${count}`);
    console.log(`figure: sync-write-p50 ${fmt(pct(stats.pushMs, 50))} ms`);
    console.log(`figure: sync-write-p95 ${fmt(pct(stats.pushMs, 95))} ms`);
    console.log(`figure: sync-bulk-docs-p95 ${fmt(pct(stats.bulkDocsMs, 95))} ms`);
    console.log(`figure: sync-errors ${errors} count`);
    const notOk = [...health.notOk].map(([what, n]) => `${what} × ${n}`).join(', ');
    console.log(
      `# /health during the window: ${health.ms.length} polls, p95 ${fmt(pct(health.ms, 95))} ms; ` +
        `not ok: ${notOk || 'none'}`,
    );
    console.log(`figure: sync-health-p50 ${fmt(pct(health.ms, 50))} ms`);
    console.log(
      `figure: sync-scans-per-s ${(stats.ackedInWindow / windowS).toFixed(0)} scans/s (target >= 2000)`,
    );
    console.log(`figure: sync-fanout-p95 ${fmt(pct(fanout.latencies, 95))} ms (target <= 500)`);
    console.log(`figure: sync-rss ${rss.peakMb().toFixed(0)} MB (target <= 400)`);
  } finally {
    ctx.phase = 'stop';
    for (const device of devices) device?.stop();
    client.close();
    rss.stop();
    couchRss?.stop();
    await server.stop();
    await couch?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (profileDir) {
      const file = fs.readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
      if (file) {
        const kept = path.join(os.tmpdir(), `dockhand-sync-load-${Date.now()}.cpuprofile`);
        fs.renameSync(path.join(profileDir, file), kept);
        printProfileSummary(kept, 25, window);
        console.log(`# server CPU profile kept at ${kept} (open it in Chrome DevTools)`);
      } else console.log('# no CPU profile was written (did the server exit cleanly?)');
      fs.rmSync(profileDir, { recursive: true, force: true });
    }
  }
}

// Ctrl+C or a kill: exit, so the exit hooks stop the server and CouchDB (server-process.ts).
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => process.exit(1));
}
// Exit explicitly: long-polls cut at the end may leave sockets that keep the event loop alive.
main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
