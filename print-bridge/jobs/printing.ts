// The printing half of the bridge, put together: stores under the data dir, a driver per printer,
// the job runner and the health probes. bridge.ts starts and stops it.
import type { Logger } from 'pino';
import type { RetryPolicy } from '@/lib/core/print-job-state';
import type { Printer, PrinterStatus } from '@/lib/schema/printer';
import type { PrinterDriver } from '../drivers/driver';
import { createIppDriver } from '../drivers/ipp';
import { createRaw9100Driver } from '../drivers/raw9100';
import { createPrinterProbes, type PrinterProbes } from '../probes/printer-probe';
import { openJobStore, openPrinterStore, openTemplateStore } from './pouch-store';
import { createJobRunner, type JobRunner, type StopOptions } from './runner';
import { SerialQueue } from './serial-queue';
import type { JobStore } from './store';

export interface PrintingOptions {
  site: string;
  dataDir: string;
  now: () => Date;
  log: Logger;
  probeIntervalMs: number;
  policy?: RetryPolicy;
  jitterMs?: () => number;
  driverFor?: (printer: Printer) => PrinterDriver | undefined;
}

export interface Printing {
  readonly jobs: JobStore;
  start(): Promise<void>;
  stop(options?: StopOptions): Promise<void>;
  printers(): Record<string, PrinterStatus>;
  whenIdle(): Promise<void>;
}

const JITTER_MS = 1_000; // up to 1 s added to each retry

export function driverForPrinter(printer: Printer): PrinterDriver | undefined {
  if (printer.driver === 'zpl-raw' && printer.host) {
    return createRaw9100Driver({ host: printer.host, port: printer.port ?? 9100 });
  }
  if (printer.driver === 'ipp' && printer.url) return createIppDriver({ url: printer.url });
  return undefined;
}

export async function openPrinting(options: PrintingOptions): Promise<Printing> {
  const { site, dataDir, now, log } = options;
  const jobs = await openJobStore(dataDir, site, (error) =>
    log.error(
      { err: error },
      'print_jobs changes feed stopped: new jobs are not seen until restart',
    ),
  );
  const printerStore = await openPrinterStore(dataDir, site);
  const templates = await openTemplateStore(dataDir);
  const driverFor = options.driverFor ?? driverForPrinter;
  const configured = (await printerStore.list()).flatMap((printer) => {
    const driver = driverFor(printer);
    if (!driver) log.error({ printer: printer.id }, 'printer has no usable address for its driver');
    return driver ? [{ id: printer.id, driver, queue: new SerialQueue() }] : [];
  });

  const runner: JobRunner = createJobRunner({
    store: jobs,
    templates,
    printers: configured,
    now,
    log,
    policy: options.policy,
    jitterMs: options.jitterMs ?? (() => Math.random() * JITTER_MS),
  });
  const probes: PrinterProbes = createPrinterProbes({
    printers: configured,
    intervalMs: options.probeIntervalMs,
    now,
    log,
    onCondition: (id, condition) => runner.setCondition(id, condition),
    onStatus: (id, status) => printerStore.setStatus(id, status),
  });

  return {
    jobs,
    async start() {
      await probes.start();
      await runner.start();
    },
    async stop(stopOptions) {
      await runner.stop(stopOptions);
      await probes.stop();
      await jobs.close();
      await printerStore.close();
      await templates.close();
    },
    printers: () => probes.statuses(),
    whenIdle: () => runner.whenIdle(),
  };
}
