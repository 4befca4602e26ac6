// The printing half of the bridge, put together: stores under the data dir, a driver per printer,
// the job runner and the health probes. bridge.ts starts and stops it.
import type { Logger } from 'pino';
import type { RetryPolicy } from '@/lib/core/print-job-state';
import type { PrintJobState } from '@/lib/schema/print-job';
import type { Printer, PrinterStatus } from '@/lib/schema/printer';
import type { PrinterDriver } from '../drivers/driver';
import { createIppDriver } from '../drivers/ipp';
import { createRaw9100Driver } from '../drivers/raw9100';
import { createPrinterProbes, type PrinterProbes } from '../probes/printer-probe';
import {
  type LocalDbs,
  openJobStore,
  openLocalDbs,
  openPrinterStore,
  openTemplateStore,
} from './pouch-store';
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
  /**
   * Where a printer's status goes. Default: the local printers replica (no sync). With sync, the
   * replicator writes it to the server document instead, so the replica stays a pure copy.
   */
  onPrinterStatus?: (printerId: string, status: PrinterStatus) => Promise<void>;
}

export interface PrintingStopOptions extends StopOptions {
  /** Runs after the last job write and before the stores close (e.g. push, then stop sync). */
  beforeClose?: () => Promise<void>;
}

export type JobCounts = Partial<Record<PrintJobState, number>>;

export interface Printing {
  readonly jobs: JobStore;
  /** The on-disk replicas, for the replicator: the same instances the stores use. */
  readonly localDbs: LocalDbs;
  start(): Promise<void>;
  stop(options?: PrintingStopOptions): Promise<void>;
  printers(): Record<string, PrinterStatus>;
  /** Ids of the printers the runner sends to now (the site's printers with a usable address). */
  configured(): string[];
  /** This site's jobs in the local replica, by state (refreshed shortly after each change). */
  counts(): JobCounts;
  whenIdle(): Promise<void>;
}

const JITTER_MS = 1_000; // up to 1 s added to each retry
const RECONFIGURE_GRACE_MS = 60_000; // a label being sent when printers change finishes first
const COUNT_DEBOUNCE_MS = 200; // 0.2 s

export function driverForPrinter(printer: Printer): PrinterDriver | undefined {
  if (printer.driver === 'zpl-raw' && printer.host) {
    return createRaw9100Driver({ host: printer.host, port: printer.port ?? 9100 });
  }
  if (printer.driver === 'ipp' && printer.url) return createIppDriver({ url: printer.url });
  return undefined;
}

/** What decides how the bridge talks to the printers; a status write changes none of it. */
const configOf = (printers: Printer[]): string =>
  JSON.stringify(
    printers.map(({ status: _status, ...rest }) => rest).sort((a, b) => a.id.localeCompare(b.id)),
  );

interface Generation {
  config: string;
  ids: string[];
  runner: JobRunner;
  probes: PrinterProbes;
}

export async function openPrinting(options: PrintingOptions): Promise<Printing> {
  const { site, dataDir, now, log } = options;
  const localDbs = openLocalDbs(dataDir);
  const jobs = await openJobStore(
    dataDir,
    site,
    (error) =>
      log.error(
        { err: error },
        'print_jobs changes feed stopped: new jobs are not seen until restart',
      ),
    localDbs.print_jobs,
  );
  const printerStore = await openPrinterStore(dataDir, site, localDbs.printers);
  const templates = await openTemplateStore(dataDir, localDbs.templates);
  const driverFor = options.driverFor ?? driverForPrinter;
  const onPrinterStatus =
    options.onPrinterStatus ??
    ((id: string, status: PrinterStatus) => printerStore.setStatus(id, status));

  function build(printers: Printer[]): Generation {
    const configured = printers.flatMap((printer) => {
      const driver = driverFor(printer);
      if (!driver)
        log.error({ printer: printer.id }, 'printer has no usable address for its driver');
      return driver ? [{ id: printer.id, driver, queue: new SerialQueue() }] : [];
    });
    const runner = createJobRunner({
      store: jobs,
      templates,
      printers: configured,
      now,
      log,
      policy: options.policy,
      jitterMs: options.jitterMs ?? (() => Math.random() * JITTER_MS),
    });
    const probes = createPrinterProbes({
      printers: configured,
      intervalMs: options.probeIntervalMs,
      now,
      log,
      onCondition: (id, condition) => runner.setCondition(id, condition),
      onStatus: (id, status) => onPrinterStatus(id, status),
    });
    return { config: configOf(printers), ids: configured.map((p) => p.id), runner, probes };
  }

  let current = build(await printerStore.list());
  let started = false;
  let stopped = false;
  let unwatch: (() => void) | undefined;
  let changing: Promise<void> = Promise.resolve();

  /** A printer added, edited or removed by an admin takes effect here, without a restart. */
  function reconfigure(): Promise<void> {
    changing = changing.then(async () => {
      if (stopped || !started) return;
      const printers = await printerStore.list();
      if (configOf(printers) === current.config) return;
      await current.runner.stop({ graceMs: RECONFIGURE_GRACE_MS });
      await current.probes.stop();
      if (stopped) return;
      current = build(printers);
      await current.probes.start();
      await current.runner.start();
      log.info({ printers: current.ids }, 'printers changed: print queues rebuilt');
    });
    changing = changing.catch((error: unknown) =>
      log.error({ err: error }, 'rebuilding the print queues failed; retrying on the next change'),
    );
    return changing;
  }

  let counts: JobCounts = {};
  let countTimer: NodeJS.Timeout | undefined;
  async function recount(): Promise<void> {
    const { rows } = await localDbs.print_jobs.allDocs({ include_docs: true });
    const next: JobCounts = {};
    for (const { doc } of rows) {
      if (!doc || doc._id.startsWith('_design/') || doc.site !== site) continue;
      const state = doc.state as PrintJobState;
      next[state] = (next[state] ?? 0) + 1;
    }
    counts = next;
  }
  const scheduleCount = () => {
    if (countTimer || stopped) return;
    countTimer = setTimeout(() => {
      countTimer = undefined;
      recount().catch((error: unknown) => log.error({ err: error }, 'counting jobs failed'));
    }, COUNT_DEBOUNCE_MS);
  };
  const unsubscribeCounts = jobs.onChange(scheduleCount);

  return {
    jobs,
    localDbs,
    async start() {
      await recount();
      await current.probes.start();
      await current.runner.start();
      started = true;
      unwatch = printerStore.watch(
        () => void reconfigure(),
        (error) => log.error({ err: error }, 'printers changes feed stopped'),
      );
      // A change replicated between list() above and watch() is not missed.
      await reconfigure();
    },
    async stop(stopOptions = {}) {
      stopped = true;
      unwatch?.();
      unsubscribeCounts();
      clearTimeout(countTimer);
      await changing;
      await current.runner.stop(stopOptions);
      await current.probes.stop();
      await stopOptions.beforeClose?.();
      await jobs.close();
      await printerStore.close();
      await templates.close();
    },
    printers: () => current.probes.statuses(),
    configured: () => [...current.ids],
    counts: () => ({ ...counts }),
    whenIdle: () => current.runner.whenIdle(),
  };
}
