// A print job whose document carries `id` (the schema's primary key, which travels as `_id` and
// which the server allows only equal to it) against a real sync server, bridge and TCP 9100
// printer: the bridge writes job states back without that member, and the server took that for a
// change of the job's `id` and refused every one — the label printed, the job stayed `queued` on
// the server for good, and the bridge's /health said ok while its refused pushes counted up.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newPrintJob } from '@/lib/core/print-job-state';
import type { PrintJob } from '@/lib/schema/print-job';
import { createBridge, type Bridge } from '@/print-bridge/bridge';
import { createStatusApp } from '@/print-bridge/http/status-server';
import { openPrinting } from '@/print-bridge/jobs/printing';
import { startReplication } from '@/print-bridge/sync/replication';
import { probeSyncServer } from '@/print-bridge/sync/session-probe';
import { basicAuth, startTestSyncServer, type TestSyncServer } from '../helpers/sync-server';
import { startZplPrinter, type ZplPrinter } from '../helpers/zpl-printer';

const log = pino({ level: process.env.DOCKHAND_TEST_LOG_LEVEL ?? 'silent' });
const SITE = 'north';
const BRIDGE_USER = 'bridge-north';
const BRIDGE_PASSWORD = 'north-bridge-pw-1';
const SCANNER = basicAuth('sam', 'scanner-password-1');
const TEMPLATE = '^XA\n^FO40,90^BCN,80,Y,N,N^FD{{waybill}}^FS\n^XZ';

let server: TestSyncServer;
let printer: ZplPrinter;
let dataRoot: string;
let bridge: Bridge;
let statusServer: Server;
let statusUrl: string;
let seq = 0;
let printing: Awaited<ReturnType<typeof openPrinting>>;

/** The bridge's replication with the sync server, as the bridge starts it. */
const bridgeReplication = () =>
  startReplication({
    syncUrl: server.url,
    user: BRIDGE_USER,
    password: BRIDGE_PASSWORD,
    site: SITE,
    local: printing.localDbs,
    log,
    now: () => new Date(),
    backoff: { baseMs: 100, maxMs: 500 },
  });

async function db(method: string, path: string, auth: string, body?: unknown) {
  const response = await fetch(`${server.dbUrl}/${path}`, {
    method,
    headers: { authorization: auth, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function job(waybill: string): PrintJob {
  seq += 1;
  return newPrintJob(
    {
      id: `dev-1:${String(seq).padStart(6, '0')}`,
      site: SITE,
      printerId: 'zebra-north',
      templateId: 'waybill',
      values: { waybill },
      createdBy: 'sam',
    },
    new Date(Date.UTC(2026, 2, 2, 8, 0, 0, seq)),
  );
}

const serverJob = async (id: string) =>
  (await db('GET', `print_jobs/${encodeURIComponent(id)}`, server.adminAuth)).body;

async function health(): Promise<{ code: number; body: Record<string, unknown> }> {
  const response = await fetch(`${statusUrl}/health`);
  return { code: response.status, body: (await response.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  dataRoot = mkdtempSync(join(tmpdir(), 'dockhand-job-id-'));
  server = await startTestSyncServer({ dataDir: join(dataRoot, 'server') });
  printer = await startZplPrinter();
  await server.createUser('sam', 'scanner-password-1', ['scanner']);
  await server.createUser(BRIDGE_USER, BRIDGE_PASSWORD, ['bridge', `site:${SITE}`]);
  const printerDoc = {
    _id: 'zebra-north',
    site: SITE,
    name: 'Dock north',
    driver: 'zpl-raw',
    host: printer.host,
    port: printer.port,
  };
  expect((await db('PUT', 'printers/zebra-north', server.adminAuth, printerDoc)).status).toBe(201);
  const template = { _id: 'waybill', name: 'Waybill', zpl: TEMPLATE, fields: ['waybill'] };
  expect((await db('PUT', 'templates/waybill', server.adminAuth, template)).status).toBe(201);

  printing = await openPrinting({
    site: SITE,
    dataDir: join(dataRoot, 'bridge'),
    now: () => new Date(),
    log,
    probeIntervalMs: 60_000,
    policy: { baseMs: 50, maxMs: 200, maxAttempts: 100 },
    jitterMs: () => 0,
  });
  bridge = createBridge({
    config: {
      site: SITE,
      syncUrl: server.url,
      user: BRIDGE_USER,
      password: BRIDGE_PASSWORD,
      httpHost: '127.0.0.1',
      httpPort: 0,
      probeIntervalMs: 60_000,
      shutdownGraceMs: 2_000,
      logLevel: 'fatal',
    },
    probe: () => probeSyncServer(server.url, BRIDGE_USER, BRIDGE_PASSWORD, fetch, SITE),
    now: () => new Date(),
    log,
    printing,
    shutdownGraceMs: 2_000,
    startSync: bridgeReplication,
  });
  await bridge.start();
  statusServer = createStatusApp(bridge.status).listen(0, '127.0.0.1');
  await new Promise((resolve) => statusServer.once('listening', resolve));
  statusUrl = `http://127.0.0.1:${(statusServer.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => statusServer?.close(resolve));
  await bridge?.stop();
  await printer?.close();
  await server?.close();
  rmSync(dataRoot, { recursive: true, force: true });
});

describe('a print job carrying its id', () => {
  it('prints once and reaches done on the server', async () => {
    const value = job('WB-ID-0001');
    // What a client that keeps the primary key in the body sends (RxDB itself moves it to _id).
    const created = await db('PUT', `print_jobs/${encodeURIComponent(value.id)}`, SCANNER, {
      _id: value.id,
      ...value,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    await printer.waitForLabels(1, 20_000);
    await expect
      .poll(async () => (await serverJob(value.id)).state, { timeout: 20_000 })
      .toBe('done');
    expect(printer.labels.join('')).toContain('WB-ID-0001');
    const { code, body } = await health();
    expect(body.refusedPushes).toBe(0);
    expect(code).toBe(200);
  });

  it('/health is not ok while the server refuses what the bridge writes back', async () => {
    // Any rule the bridge's write breaks will do: a second validate_doc_update that refuses
    // every state of one waybill's job after `queued`, as the id rule did before.
    const rule = {
      _id: '_design/refuse-one',
      validate_doc_update: `function (newDoc) {
        if (newDoc.values && newDoc.values.waybill === 'WB-ID-REFUSED' && newDoc.state !== 'queued') {
          throw { forbidden: 'This job may not move (test rule).' };
        }
      }`,
    };
    expect((await db('PUT', 'print_jobs/_design/refuse-one', server.adminAuth, rule)).status).toBe(
      201,
    );
    const value = job('WB-ID-REFUSED');
    const { id, ...rest } = value;
    const created = await db('PUT', `print_jobs/${encodeURIComponent(id)}`, SCANNER, {
      _id: id,
      ...rest,
    });
    expect(created.status).toBe(201);
    await printer.waitForLabels(2, 20_000);
    await expect.poll(async () => (await health()).code, { timeout: 20_000 }).toBe(503);
    const { body } = await health();
    expect(body).toMatchObject({
      status: 'degraded',
      sync: { ok: true },
      replication: { ok: true, refused: { id, reason: 'This job may not move (test rule).' } },
    });
    expect(body.refusedPushes).toBeGreaterThanOrEqual(1);
    expect((await serverJob(id)).state).toBe('queued');
  });
  it('a bridge starting again sends the state the server refused, once the cause is gone', async () => {
    // The refused job of the test above printed, but the server still says queued, and the live
    // push's checkpoint is past it. The rule is fixed (removed); the next start must heal it.
    const rule = await db('GET', 'print_jobs/_design/refuse-one', server.adminAuth);
    expect(rule.status).toBe(200);
    const removed = await db(
      'DELETE',
      `print_jobs/_design/refuse-one?rev=${String(rule.body._rev)}`,
      server.adminAuth,
    );
    expect(removed.status).toBe(200);
    const refused = (await db('GET', 'print_jobs/_all_docs?include_docs=true&limit=100', SCANNER))
      .body as { rows: Array<{ doc: PrintJob & { _id: string } }> };
    const job = refused.rows.find((row) => row.doc.values?.waybill === 'WB-ID-REFUSED')!.doc;
    expect(job.state).toBe('queued');
    // What a restarted bridge starts with: the same local jobs, the same replication checkpoints.
    const again = bridgeReplication();
    try {
      await expect
        .poll(async () => (await serverJob(job._id)).state, { timeout: 20_000 })
        .toBe('done');
    } finally {
      await again.stop();
    }
  });
});
