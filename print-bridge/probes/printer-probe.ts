// Printer health probes: ask each printer how it is on an interval (through its serial queue, so a
// probe never cuts into a label), and report a status in the one model of lib/schema/printer.ts.
import type { Logger } from 'pino';
import { printerStateOf } from '@/lib/core/zebra-host-status';
import type { PrinterCondition, PrinterStatus } from '@/lib/schema/printer';
import { PrintDriverError, type PrinterDriver } from '../drivers/driver';
import { formatPrintError } from '../errors';
import type { SerialQueue } from '../jobs/serial-queue';

export interface ProbedPrinter {
  id: string;
  driver: PrinterDriver;
  queue: SerialQueue;
}

export interface PrinterProbeDeps {
  printers: readonly ProbedPrinter[];
  intervalMs: number;
  now: () => Date;
  log: Logger;
  /** Every probe result; the runner holds a blocked printer's queue. */
  onCondition: (printerId: string, condition: PrinterCondition) => void;
  /** Called when the status a person sees changed (or is stale): write it to the printer doc. */
  onStatus: (printerId: string, status: PrinterStatus) => Promise<void>;
  /** Rewrite an unchanged status this often so `checkedAt` shows the bridge is alive. */
  heartbeatMs?: number;
}

export interface PrinterProbes {
  start(): Promise<void>;
  stop(): Promise<void>;
  probeNow(printerId: string): Promise<PrinterStatus | undefined>;
  statuses(): Record<string, PrinterStatus>;
}

const HEARTBEAT_MS = 5 * 60_000; // 5 min

const OFFLINE: PrinterCondition = {
  online: false,
  paperOut: false,
  headOpen: false,
  paused: false,
  ribbonOut: false,
  reasons: [],
};

/** The status of one probe answer (or failure). */
export function printerStatusOf(
  condition: PrinterCondition,
  checkedAt: Date,
  error?: PrintDriverError,
): PrinterStatus {
  const status: PrinterStatus = {
    ...condition,
    reasons: condition.reasons.slice(0, 30),
    state: printerStateOf(condition),
    checkedAt: checkedAt.toISOString(),
  };
  if (error) {
    status.error = error.code;
    status.message = error.message.slice(0, 500);
  } else if (status.state !== 'ready' && status.state !== 'printing') {
    const code = {
      offline: 'PRINT_ERR_PRINTER_OFFLINE',
      'head-open': 'PRINT_ERR_HEAD_OPEN',
      'paper-out': 'PRINT_ERR_PAPER_OUT',
      'ribbon-out': 'PRINT_ERR_RIBBON_OUT',
      paused: 'PRINT_ERR_PAUSED',
    } as const;
    status.error = code[status.state];
    status.message = formatPrintError(code[status.state]);
  }
  return status;
}

const sameStatus = (a: PrinterStatus, b: PrinterStatus) =>
  a.state === b.state && a.error === b.error && a.reasons.join() === b.reasons.join();

export function createPrinterProbes(deps: PrinterProbeDeps): PrinterProbes {
  const { printers, intervalMs, now, log } = deps;
  const heartbeatMs = deps.heartbeatMs ?? HEARTBEAT_MS;
  const latest = new Map<string, PrinterStatus>();
  const written = new Map<string, PrinterStatus>();
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<unknown>>();
  let stopped = false;

  async function probe(printer: ProbedPrinter): Promise<PrinterStatus> {
    let status: PrinterStatus;
    try {
      const condition = await printer.queue.run(() => printer.driver.status());
      status = printerStatusOf(condition, now());
    } catch (error) {
      if (!(error instanceof PrintDriverError)) throw error;
      status = printerStatusOf(OFFLINE, now(), error);
      if (error.code === 'PRINT_ERR_STATUS_UNREADABLE') status.online = true;
    }
    const before = latest.get(printer.id);
    latest.set(printer.id, status);
    deps.onCondition(printer.id, status);
    if (!before || !sameStatus(before, status)) {
      log.info({ printer: printer.id, state: status.state, error: status.error }, 'printer status');
    }
    const last = written.get(printer.id);
    const stale = !last || Date.parse(status.checkedAt) - Date.parse(last.checkedAt) >= heartbeatMs;
    if (stale || !sameStatus(last, status)) {
      await deps.onStatus(printer.id, status);
      written.set(printer.id, status);
    }
    return status;
  }

  function track<T>(promise: Promise<T>): Promise<T> {
    running.add(promise);
    void promise.finally(() => running.delete(promise)).catch(() => undefined);
    return promise;
  }

  function schedule(printer: ProbedPrinter): void {
    if (stopped) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      track(probe(printer))
        .catch((error: unknown) =>
          log.error({ err: error, printer: printer.id }, 'printer probe failed'),
        )
        .finally(() => schedule(printer));
    }, intervalMs);
    timer.unref();
    timers.add(timer);
  }

  return {
    async start() {
      await Promise.all(
        printers.map((printer) =>
          track(probe(printer)).catch((error: unknown) =>
            log.error({ err: error, printer: printer.id }, 'printer probe failed'),
          ),
        ),
      );
      for (const printer of printers) schedule(printer);
    },
    async stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.allSettled([...running]);
    },
    async probeNow(printerId) {
      const printer = printers.find((p) => p.id === printerId);
      return printer ? track(probe(printer)) : undefined;
    },
    statuses: () => Object.fromEntries(latest),
  };
}
