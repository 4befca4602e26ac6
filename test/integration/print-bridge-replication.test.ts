// A bridge that reaches its site's jobs only through outbound replication with a real sync server,
// printing to a real TCP 9100 listener: jobs printed once, other sites untouched, restarts of the
// bridge and of the server survived, and the server's rules on who may move a job.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newPrintJob, nextJobState } from '@/lib/core/print-job-state';
import type { PrintJob } from '@/lib/schema/print-job';
import { createBridge, type Bridge } from '@/print-bridge/bridge';
import { openPrinting } from '@/print-bridge/jobs/printing';
import { startReplication, type Replication } from '@/print-bridge/sync/replication';
import { probeSyncServer } from '@/print-bridge/sync/session-probe';
import { basicAuth, startTestSyncServer, type TestSyncServer } from '../helpers/sync-server';
import { startZplPrinter, type ZplPrinter } from '../helpers/zpl-printer';

const log = pino({ level: process.env.DOCKHAND_TEST_LOG_LEVEL ?? 'silent' });
const TEMPLATE =
  '^XA\n^FO40,40^A0N,30,30^FD{{consignee}}^FS\n^FO40,90^BCN,80,Y,N,N^FD{{waybill}}^FS\n^XZ';
const PASSWORDS = {
  scanner: 'scanner-password-1',
  north: 'north-bridge-pw-1',
  south: 'south-bridge-pw-1',
};
const waybillOf = (label: string) => /\^FD(WB[\w-]+)\^FS/.exec(label)?.[1];

/** A TCP relay on a fixed port: the bridge's "WAN" to a server that may restart on another port. */
async function startRelay(): Promise<{
  url: string;
  target(port: number | null): void;
  close(): Promise<void>;
}> {
  let targetPort: number | null = null;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    if (targetPort === null) return client.destroy();
    const upstream = connect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    target(next) {
      targetPort = next;
      if (next === null) for (const s of sockets) s.destroy(); // the link drops
    },
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

let server: TestSyncServer;
let relay: Awaited<ReturnType<typeof startRelay>>;
let printer: ZplPrinter;
let dataRoot: string;
let serverDir: string;
let seq = 0;
let debugStatus: (() => unknown) | undefined;

const portOf = (url: string) => Number(new URL(url).port);

async function db(method: string, path: string, auth: string, body?: unknown) {
  const response = await fetch(`${relay.url}/db/${path}`, {
    method,
    headers: { authorization: auth, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
const admin = () => server.adminAuth;
const scanner = basicAuth('sam', PASSWORDS.scanner);

function job(site: string, waybill: string): PrintJob {
  seq += 1;
  return newPrintJob(
    {
      id: `dev-1:${String(seq).padStart(6, '0')}`,
      site,
      printerId: `zebra-${site}`,
      templateId: 'waybill',
      values: { consignee: 'Ana', waybill },
      createdBy: 'sam',
    },
    new Date(Date.UTC(2026, 2, 2, 8, 0, 0, seq)),
  );
}

/** What a device's push does: PUT the queued job on the server as the scanner. */
async function createOnServer(value: PrintJob): Promise<void> {
  const { id, ...rest } = value;
  const res = await db('PUT', `print_jobs/${encodeURIComponent(id)}`, scanner, {
    _id: id,
    ...rest,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

async function serverJob(id: string): Promise<Record<string, unknown>> {
  return (await db('GET', `print_jobs/${encodeURIComponent(id)}`, admin())).body;
}

async function eventually<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs = 40_000, // a deadline, not a wait: under a loaded 2-core CI the first job took 22 s once
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      // Say what the bridge and the server held, so a timeout in CI explains itself.
      const jobs = await db('GET', 'print_jobs/_all_docs?include_docs=true', admin()).catch(
        (e: unknown) => String(e),
      );
      throw new Error(
        `timed out waiting for ${what}; bridge: ${JSON.stringify(debugStatus?.())}; ` +
          `server jobs: ${JSON.stringify(jobs)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
const serverState = (id: string, state: string) =>
  eventually(`${id} ${state} on the server`, async () => {
    const doc = await serverJob(id);
    return doc.state === state ? doc : undefined;
  });

interface RunningBridge {
  bridge: Bridge;
  replication: () => Replication | undefined;
  stop(): Promise<void>;
}

async function startBridge(site: 'north' | 'south', dataDir: string): Promise<RunningBridge> {
  const config = {
    site,
    syncUrl: relay.url,
    user: `bridge-${site}`,
    password: PASSWORDS[site],
    httpHost: '127.0.0.1',
    httpPort: 0,
    probeIntervalMs: 60_000,
    shutdownGraceMs: 2_000,
    logLevel: 'fatal' as const,
  };
  let replication: Replication | undefined;
  const printing = await openPrinting({
    site,
    dataDir,
    now: () => new Date(),
    log,
    probeIntervalMs: 60_000,
    policy: { baseMs: 50, maxMs: 200, maxAttempts: 100 },
    jitterMs: () => 0,
    onPrinterStatus: async (id, status) => replication?.writePrinterStatus(id, status),
  });
  const bridge = createBridge({
    config,
    probe: () => probeSyncServer(relay.url, config.user, config.password, fetch, site),
    now: () => new Date(),
    log,
    printing,
    shutdownGraceMs: 2_000,
    startSync: () => {
      replication = startReplication({
        syncUrl: relay.url,
        user: config.user,
        password: config.password,
        site,
        local: printing.localDbs,
        log,
        now: () => new Date(),
        backoff: { baseMs: 100, maxMs: 500 },
      });
      return replication;
    },
  });
  await bridge.start();
  debugStatus = () => ({ status: bridge.status(), labels: printer.labels.length });
  return { bridge, replication: () => replication, stop: () => bridge.stop() };
}

beforeAll(async () => {
  dataRoot = mkdtempSync(join(tmpdir(), 'dockhand-bridge-repl-'));
  serverDir = join(dataRoot, 'server');
  relay = await startRelay();
  server = await startTestSyncServer({ dataDir: serverDir });
  relay.target(portOf(server.url));
  printer = await startZplPrinter();
  await server.createUser('sam', PASSWORDS.scanner, ['scanner']);
  await server.createUser('bridge-north', PASSWORDS.north, ['bridge', 'site:north']);
  await server.createUser('bridge-south', PASSWORDS.south, ['bridge', 'site:south']);
  // An admin sets up the site's printer and the template, as the admin pages do.
  for (const site of ['north', 'south']) {
    const printerDoc = {
      _id: `zebra-${site}`,
      site,
      name: `Dock ${site}`,
      driver: 'zpl-raw',
      host: printer.host,
      port: site === 'north' ? printer.port : 9, // south's printer is never reached here
    };
    expect((await db('PUT', `printers/zebra-${site}`, admin(), printerDoc)).status).toBe(201);
  }
  const template = {
    _id: 'waybill',
    name: 'Waybill',
    zpl: TEMPLATE,
    fields: ['consignee', 'waybill'],
  };
  expect((await db('PUT', 'templates/waybill', admin(), template)).status).toBe(201);
});

afterAll(async () => {
  await printer?.close();
  await server?.close();
  await relay?.close();
  rmSync(dataRoot, { recursive: true, force: true });
});

describe('print bridge replication', () => {
  const northDir = () => join(dataRoot, 'bridge-north');

  it('prints a north job from the server once, reports done, and never takes a south job', async () => {
    const north = await startBridge('north', northDir());
    try {
      const mine = job('north', 'WB-N-0001');
      const theirs = job('south', 'WB-S-0001');
      await createOnServer(theirs);
      await createOnServer(mine);
      const done = await serverState(mine.id, 'done');
      expect(done.attempt).toBe(1);
      expect(printer.labels.map(waybillOf)).toEqual(['WB-N-0001']);
      // The south job stays queued on the server and never reaches the north replica.
      expect((await serverJob(theirs.id)).state).toBe('queued');
      // The bridge's counts are debounced: the server can hear of `done` before they move.
      await expect.poll(() => north.bridge.status().jobs).toMatchObject({ done: 1 });
      expect(Object.keys(north.bridge.status().jobs)).not.toContain('queued');
      const status = north.bridge.status();
      expect(status.replication?.ok).toBe(true);
      // The printer's status reached the server document, and only its status changed.
      const printerDoc = await eventually('printer status on the server', async () => {
        const { body } = await db('GET', 'printers/zebra-north', admin());
        return body.status ? body : undefined;
      });
      expect(printerDoc).toMatchObject({ name: 'Dock north', status: { state: 'ready' } });
    } finally {
      await north.stop();
    }
  });

  it('a printer added by an admin takes effect without a restart', async () => {
    const second = await startZplPrinter();
    const north = await startBridge('north', northDir());
    try {
      const doc = {
        _id: 'zebra-north-2',
        site: 'north',
        name: 'Dock 2',
        driver: 'zpl-raw',
        host: second.host,
        port: second.port,
      };
      expect((await db('PUT', 'printers/zebra-north-2', admin(), doc)).status).toBe(201);
      await eventually('the new printer configured', async () =>
        north.bridge.status().configuredPrinters.includes('zebra-north-2') ? true : undefined,
      );
      const value = { ...job('north', 'WB-N-0002'), printerId: 'zebra-north-2' };
      await createOnServer(value);
      await serverState(value.id, 'done');
      expect(second.labels.map(waybillOf)).toEqual(['WB-N-0002']);
    } finally {
      await north.stop();
      await second.close();
    }
  });

  it('jobs queued while the bridge was down print once after it restarts', async () => {
    const before = printer.labels.length;
    const queued = [
      job('north', 'WB-N-0101'),
      job('north', 'WB-N-0102'),
      job('north', 'WB-N-0103'),
    ];
    for (const value of queued) await createOnServer(value);
    const north = await startBridge('north', northDir());
    try {
      for (const value of queued) await serverState(value.id, 'done');
      await new Promise((r) => setTimeout(r, 300)); // anything printed twice would show by now
      expect(printer.labels.slice(before).map(waybillOf)).toEqual([
        'WB-N-0101',
        'WB-N-0102',
        'WB-N-0103',
      ]);
    } finally {
      await north.stop();
    }
  });

  it('the server killed and restarted mid-queue: replication resumes by itself, no job lost', async () => {
    const north = await startBridge('north', northDir());
    const before = printer.labels.length;
    const held = () => Object.values(north.bridge.status().jobs).reduce((a, b) => a + b, 0);
    const heldBefore = held();
    try {
      const first = Array.from({ length: 10 }, (_, i) =>
        job('north', `WB-N-02${String(i).padStart(2, '0')}`),
      );
      for (const value of first) await createOnServer(value);
      await printer.waitForLabels(before + 3, 20_000);
      // What the bridge holds is what it can print through the outage: all ten must be pulled.
      await eventually('all ten jobs held by the bridge', async () =>
        held() >= heldBefore + 10 ? true : undefined,
      );
      // The server dies (and the WAN with it) while the queue is still being printed.
      relay.target(null);
      await server.close();
      await eventually('the outage to show in the status', async () => {
        const repl = north.bridge.status().replication;
        return repl && !repl.ok && repl.flows['print_jobs:pull'].error ? repl : undefined;
      });
      const health = north.bridge.status().replication!.flows['print_jobs:pull'];
      expect(health.error).toMatch(/^PRINT_ERR_SYNC_/);
      // The bridge keeps printing what it already holds while the server is away.
      await printer.waitForLabels(before + 10, 20_000);
      server = await startTestSyncServer({ dataDir: serverDir });
      relay.target(portOf(server.url));
      const second = [job('north', 'WB-N-0300'), job('north', 'WB-N-0301')];
      for (const value of second) await createOnServer(value);
      for (const value of [...first, ...second]) await serverState(value.id, 'done');
      await eventually('replication healthy again', async () =>
        north.bridge.status().replication?.ok ? true : undefined,
      );
      const printed = printer.labels.slice(before).map(waybillOf);
      expect(printed).toHaveLength(12);
      expect(new Set(printed).size).toBe(12);
    } finally {
      await north.stop();
    }
  });

  it('a scanner cannot mark a job done; another site’s bridge cannot touch it', async () => {
    const value = job('north', 'WB-N-0400');
    await createOnServer(value);
    const stored = await serverJob(value.id);
    const taken = nextJobState(value, { type: 'take' }, new Date());
    if (!taken.ok) throw new Error(taken.error);
    const asDone = { ...stored, state: 'done', attempt: 1, sendStarted: true };
    const byScanner = await db(
      'PUT',
      `print_jobs/${encodeURIComponent(value.id)}`,
      scanner,
      asDone,
    );
    expect(byScanner.status).toBe(403);
    expect(String(byScanner.body.reason)).toMatch(/Only the print bridge/);
    const south = basicAuth('bridge-south', PASSWORDS.south);
    const { id: _id, ...takenFields } = taken.job;
    const bySouth = await db('PUT', `print_jobs/${encodeURIComponent(value.id)}`, south, {
      ...takenFields,
      _id: value.id,
      _rev: stored._rev,
    });
    expect(bySouth.status).toBe(403);
    expect(String(bySouth.body.reason)).toMatch(/bridge of site north/);
    expect((await serverJob(value.id)).state).toBe('queued');
  });
});
