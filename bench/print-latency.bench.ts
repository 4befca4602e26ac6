// Latency from a job created on the sync server (as a device's push lands it) to its bytes at a raw
// 9100 listener, through the bridge's outbound live replication on loopback: p50/p95 over 60 jobs,
// created one at a time (each measured alone, so queueing does not inflate the figure).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { newPrintJob } from '@/lib/core/print-job-state';
import { openPrinting } from '@/print-bridge/jobs/printing';
import { startReplication } from '@/print-bridge/sync/replication';
import { basicAuth, startTestSyncServer } from '@/test/helpers/sync-server';
import { startZplPrinter } from '@/test/helpers/zpl-printer';

const JOBS = 60;
const TARGET_MS = 1_000;
const SITE = 'bench';
const TEMPLATE = '^XA\n^FO40,40^A0N,30,30^FD{{waybill}}^FS\n^XZ';

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;

async function main(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'dockhand-latency-'));
  const log = pino({ level: 'silent' });
  const server = await startTestSyncServer();
  const printer = await startZplPrinter();
  await server.createUser('sam', 'scanner-password-1', ['scanner']);
  await server.createUser('bridge-bench', 'bridge-password-1', ['bridge', `site:${SITE}`]);
  const put = async (path: string, auth: string, body: unknown) => {
    const res = await fetch(`${server.dbUrl}/${path}`, {
      method: 'PUT',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (res.status !== 201) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  };
  await put('printers/zebra-1', server.adminAuth, {
    _id: 'zebra-1',
    site: SITE,
    name: 'Bench',
    driver: 'zpl-raw',
    host: printer.host,
    port: printer.port,
  });
  await put('templates/waybill', server.adminAuth, {
    _id: 'waybill',
    name: 'W',
    zpl: TEMPLATE,
    fields: ['waybill'],
  });

  const printing = await openPrinting({
    site: SITE,
    dataDir: dir,
    now: () => new Date(),
    log,
    probeIntervalMs: 60_000,
    onPrinterStatus: async () => undefined,
  });
  const replication = startReplication({
    syncUrl: server.url,
    user: 'bridge-bench',
    password: 'bridge-password-1',
    site: SITE,
    local: printing.localDbs,
    log,
    now: () => new Date(),
  });
  await printing.start();
  const scanner = basicAuth('sam', 'scanner-password-1');
  // Wait for the printer to be configured from the replica.
  for (let i = 0; i < 200 && !printing.configured().includes('zebra-1'); i += 1) {
    await new Promise((r) => setTimeout(r, 50));
  }

  const latencies: number[] = [];
  for (let i = 0; i < JOBS + 5; i += 1) {
    const job = newPrintJob(
      {
        id: `dev-1:${String(i).padStart(6, '0')}`,
        site: SITE,
        printerId: 'zebra-1',
        templateId: 'waybill',
        values: { waybill: `WB${i}` },
        createdBy: 'sam',
      },
      new Date(),
    );
    const { id, ...rest } = job;
    const before = printer.labels.length;
    const started = performance.now();
    await put(`print_jobs/${encodeURIComponent(id)}`, scanner, { _id: id, ...rest });
    await printer.waitForLabels(before + 1, 10_000);
    if (i >= 5) latencies.push(performance.now() - started); // 5 warm-up jobs
  }
  latencies.sort((a, b) => a - b);
  const p50 = quantile(latencies, 0.5);
  const p95 = quantile(latencies, 0.95);

  await printing.stop({ graceMs: 1_000, beforeClose: () => replication.stop() });
  await printer.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
  console.log(`figure: print-latency-p95 ${p95.toFixed(0)} ms (target <= ${TARGET_MS})`);
  console.log(`figure: print-latency-p50 ${p50.toFixed(0)} ms`);
  console.log(`(jobs: ${latencies.length}, max ${latencies.at(-1)!.toFixed(0)} ms)`);
  return p95 <= TARGET_MS ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
