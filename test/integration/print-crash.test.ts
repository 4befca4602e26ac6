// The bridge killed with SIGKILL in the middle of a queue: nothing lost, nothing printed twice
// unless a person reprints a job the bridge could not vouch for.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { newPrintJob, nextJobState } from '@/lib/core/print-job-state';
import { openJobStore, putLocalDoc } from '@/print-bridge/jobs/pouch-store';
import { startZplPrinter, type ZplPrinter } from '../helpers/zpl-printer';

const SITE = 'depot-north';
const JOBS = 100;
const TEMPLATE =
  '^XA\n^FO40,40^A0N,30,30^FD{{consignee}}^FS\n^FO40,90^BCN,80,Y,N,N^FD{{waybill}}^FS\n^XZ';
const waybillOf = (label: string) => /\^FD(WB\d{4})\^FS/.exec(label)?.[1];
let dir: string;
let printer: ZplPrinter;

function runBridge(exitWhenIdle: boolean): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'print-bridge/jobs/run-printing.ts'], {
    cwd: join(import.meta.dirname, '../..'),
    env: {
      ...process.env,
      DOCKHAND_BRIDGE_SITE: SITE,
      DOCKHAND_BRIDGE_DATA_DIR: dir,
      DOCKHAND_BRIDGE_PROBE_INTERVAL_MS: '60000',
      DOCKHAND_PRINT_RETRY_BASE_MS: '50',
      DOCKHAND_PRINT_EXIT_WHEN_IDLE: exitWhenIdle ? '1' : '0',
      DOCKHAND_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

const exited = (child: ChildProcess, timeoutMs = 60_000) =>
  new Promise<number | null>((resolve, reject) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
    const timer = setTimeout(() => reject(new Error('bridge did not exit')), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });

async function withJobs<T>(
  fn: (store: Awaited<ReturnType<typeof openJobStore>>) => Promise<T>,
): Promise<T> {
  const store = await openJobStore(dir, SITE, (error) => {
    throw error;
  });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dockhand-crash-'));
  printer = await startZplPrinter({ closeDelayMs: 25 }); // a slow printer: ~25 ms per label
  await putLocalDoc(dir, 'printers', {
    id: 'zebra-1',
    site: SITE,
    name: 'Dock 1',
    driver: 'zpl-raw',
    host: printer.host,
    port: printer.port,
  });
  await putLocalDoc(dir, 'templates', {
    id: 'waybill',
    name: 'Waybill',
    zpl: TEMPLATE,
    fields: ['consignee', 'waybill'],
  });
  await withJobs(async (store) => {
    for (let i = 0; i < JOBS; i += 1) {
      const waybill = `WB${String(i).padStart(4, '0')}`;
      await store.add(
        newPrintJob(
          {
            id: `job-${waybill}`,
            site: SITE,
            printerId: 'zebra-1',
            templateId: 'waybill',
            values: { consignee: `Consignee ${i}`, waybill },
          },
          new Date(Date.UTC(2026, 2, 2, 8, 0, 0, i)),
        ),
      );
    }
  });
});

afterEach(async () => {
  await printer.close();
  rmSync(dir, { recursive: true, force: true });
});

it('reprint after bridge crash is not silent: SIGKILL mid-queue loses no job and prints none twice', async () => {
  const first = runBridge(false);
  await printer.waitForLabels(20, 30_000);
  first.kill('SIGKILL');
  await exited(first);
  const beforeRestart = printer.labels.length;
  expect(beforeRestart).toBeLessThan(JOBS);

  expect(await exited(runBridge(true))).toBe(0);

  const jobs = await withJobs(async (store) =>
    (
      await Promise.all(
        Array.from({ length: JOBS }, (_, i) => store.get(`job-WB${String(i).padStart(4, '0')}`)),
      )
    ).map((s) => s!.job),
  );
  const received = new Map<string, number>();
  for (const label of printer.labels)
    received.set(waybillOf(label)!, (received.get(waybillOf(label)!) ?? 0) + 1);

  const states = jobs.map((j) => j.state);
  expect(states.every((s) => s === 'done' || s === 'unknown')).toBe(true);
  const unknown = jobs.filter((j) => j.state === 'unknown');
  expect(unknown.length).toBeLessThanOrEqual(1); // one queue, one label in flight at a time
  for (const j of jobs) {
    const count = received.get(j.values.waybill!) ?? 0;
    if (j.state === 'done') expect(count, j.id).toBe(1);
    else expect(count, j.id).toBeLessThanOrEqual(1);
  }
  for (const j of unknown) expect(j.error?.code).toBe('PRINT_ERR_INTERRUPTED');
  console.log(`crash test: killed after ${beforeRestart} labels; ${unknown.length} unknown`);

  // A person checks the printer and reprints what the bridge could not vouch for.
  await withJobs(async (store) => {
    for (const j of unknown) {
      const stored = (await store.get(j.id))!;
      const next = nextJobState(stored.job, { type: 'reprint', by: 'ana' }, new Date());
      if (!next.ok) throw new Error(next.error);
      await store.update(next.job, stored.rev);
    }
  });
  expect(await exited(runBridge(true))).toBe(0);
  await withJobs(async (store) => {
    for (const j of unknown) {
      const after = (await store.get(j.id))!.job;
      expect(after).toMatchObject({ state: 'done', series: 2 });
      expect(after.decisions?.[0]).toMatchObject({
        action: 'reprint',
        by: 'ana',
        fromState: 'unknown',
      });
      expect(
        printer.labels.filter((l) => waybillOf(l) === j.values.waybill).length,
      ).toBeLessThanOrEqual(2);
    }
  });
  expect(new Set(printer.labels.map(waybillOf)).size).toBe(JOBS);
});
