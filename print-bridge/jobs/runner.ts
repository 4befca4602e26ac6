// The job runner: one serial queue per printer; every state change goes through nextJobState and
// is persisted before the next step. `sending` is persisted before the first byte is written, so a
// bridge killed mid-send finds the job `printing` + sendStarted on restart and marks it `unknown`.
import type { Logger } from 'pino';
import {
  DEFAULT_RETRY_POLICY,
  type JobEvent,
  nextJobState,
  type RetryPolicy,
} from '@/lib/core/print-job-state';
import { printerBlocked } from '@/lib/core/zebra-host-status';
import { zplFromTemplate } from '@/lib/core/zpl';
import type { PrintJob } from '@/lib/schema/print-job';
import type { PrinterCondition } from '@/lib/schema/printer';
import { PrintDriverError, type PrinterDriver } from '../drivers/driver';
import { formatPrintError, type PrintErrorCode } from '../errors';
import { SerialQueue, Wakeup } from './serial-queue';
import { JobConflictError, type JobStore, type StoredJob, type TemplateStore } from './store';

export interface RunnerPrinter {
  id: string;
  driver: PrinterDriver;
  /** Shared with the health probe of the printer so they never talk over each other. */
  queue?: SerialQueue;
}

export interface JobRunnerDeps {
  store: JobStore;
  templates: TemplateStore;
  printers: readonly RunnerPrinter[];
  now: () => Date;
  /** Jitter added to each retry backoff, in ms (e.g. () => Math.random() * 1000). */
  jitterMs: () => number;
  log: Logger;
  policy?: RetryPolicy;
  /** How long a queue sleeps when it has nothing to do and hears nothing (a safety net). */
  idleRecheckMs?: number;
}

export interface StopOptions {
  /** How long an in-flight send may take to finish before it is cut (then: unknown or queued). */
  graceMs?: number;
}

export interface JobRunner {
  /** Recovers jobs left `printing` by a previous run, then starts a queue per printer. */
  start(): Promise<void>;
  stop(options?: StopOptions): Promise<void>;
  /** The latest condition of a printer (from its health probe): a blocked printer is not sent to. */
  setCondition(printerId: string, condition: PrinterCondition): void;
  /** Resolves when no job of this runner's printers is queued (backoff included) or printing. */
  whenIdle(): Promise<void>;
}

const IDLE_RECHECK_MS = 5_000; // 5 s
const BLOCKED_RECHECK_MS = 1_000; // 1 s
const STORE_RETRY_MS = 1_000; // 1 s after a failed store write
const GRACE_MS = 10_000; // 10 s for an in-flight label at shutdown

export function createJobRunner(deps: JobRunnerDeps): JobRunner {
  const { store, templates, now, log } = deps;
  const policy = deps.policy ?? DEFAULT_RETRY_POLICY;
  const idleRecheckMs = deps.idleRecheckMs ?? IDLE_RECHECK_MS;
  const printers = new Map(
    deps.printers.map((p) => [p.id, { ...p, queue: p.queue ?? new SerialQueue() }]),
  );
  const conditions = new Map<string, PrinterCondition>();
  const wakeup = new Wakeup();
  const inFlight = new Set<AbortController>();
  const idleWaiters = new Set<() => void>();
  let stopping = false;
  let loops: Promise<void>[] = [];
  let unsubscribe: (() => void) | undefined;

  /** Applies an event and persists it; on a conflict re-reads once and applies it to the newer job. */
  async function apply(stored: StoredJob, event: JobEvent): Promise<StoredJob | undefined> {
    let current = stored;
    for (let tries = 0; tries < 2; tries += 1) {
      const next = nextJobState(current.job, event, now(), policy);
      if (!next.ok) {
        log.warn(
          { job: current.job.id, state: current.job.state, event: event.type, error: next.error },
          'job event refused',
        );
        return undefined;
      }
      try {
        const written = await store.update(next.job, current.rev);
        log.debug(
          {
            job: written.job.id,
            state: written.job.state,
            attempt: written.job.attempt,
            event: event.type,
          },
          'job',
        );
        return written;
      } catch (error) {
        if (!(error instanceof JobConflictError)) throw error;
        const fresh = await store.get(current.job.id);
        if (!fresh) return undefined;
        current = fresh;
      }
    }
    log.warn(
      { job: stored.job.id, event: event.type },
      'job changed under the bridge twice: left as it is',
    );
    return undefined;
  }

  function failure(
    code: PrintErrorCode,
    address: string,
    retryable: boolean,
    detail?: string,
  ): JobEvent {
    return {
      type: 'send-failed',
      code,
      message: formatPrintError(code, address) + (detail ? ` (${detail})` : ''),
      bytesMayHaveReachedPrinter: false,
      retryable,
      jitterMs: deps.jitterMs(),
    };
  }

  async function render(job: PrintJob, address: string): Promise<string | JobEvent> {
    const template = await templates.get(job.templateId);
    if (!template) return failure('PRINT_ERR_TEMPLATE_MISSING', address, false, job.templateId);
    const filled = zplFromTemplate(template.zpl, job.values);
    if (!filled.ok) return failure('PRINT_ERR_TEMPLATE_VALUES', address, false, filled.field);
    return filled.zpl.repeat(job.copies);
  }

  async function runOne(
    printer: RunnerPrinter & { queue: SerialQueue },
    queued: StoredJob,
  ): Promise<void> {
    const taken = await apply(queued, { type: 'take' });
    if (!taken) return;
    let current: StoredJob = taken;
    const rendered = await render(current.job, printer.driver.address);
    if (typeof rendered !== 'string') {
      await apply(current, rendered);
      return;
    }
    const controller = new AbortController();
    inFlight.add(controller);
    try {
      await printer.queue.run(() =>
        printer.driver.send(rendered, {
          signal: controller.signal,
          beforeFirstWrite: async () => {
            const marked = await apply(current, { type: 'sending' });
            if (!marked) throw new Error('the job could not be marked as sending');
            current = marked;
          },
        }),
      );
      await apply(current, { type: 'sent' });
    } catch (error) {
      if (controller.signal.aborted || !(error instanceof PrintDriverError)) {
        // No driver verdict (shutdown, or the store refused the first-byte mark): the persisted
        // first-byte mark decides, exactly as after a crash.
        if (!controller.signal.aborted)
          log.error({ err: error, job: current.job.id }, 'send stopped before the first byte');
        const latest = (await store.get(current.job.id)) ?? current;
        if (latest.job.state === 'printing') await apply(latest, { type: 'interrupted' });
        return;
      }
      log.warn(
        {
          job: current.job.id,
          code: error.code,
          detail: error.detail,
          bytes: error.bytesMayHaveReachedPrinter,
        },
        'send failed',
      );
      await apply(current, {
        type: 'send-failed',
        code: error.code,
        message: error.message,
        bytesMayHaveReachedPrinter: error.bytesMayHaveReachedPrinter,
        retryable: error.retryable,
        jitterMs: deps.jitterMs(),
      });
    } finally {
      inFlight.delete(controller);
    }
  }

  async function loop(printer: RunnerPrinter & { queue: SerialQueue }): Promise<void> {
    while (!stopping) {
      try {
        const condition = conditions.get(printer.id);
        if (condition && printerBlocked(condition)) {
          await wakeup.wait(BLOCKED_RECHECK_MS);
          continue;
        }
        const head = (await store.active(printer.id)).find((s) => s.job.state === 'queued');
        if (!head) {
          notifyIdle();
          await wakeup.wait(idleRecheckMs);
          continue;
        }
        const wait = head.job.notBefore ? Date.parse(head.job.notBefore) - now().getTime() : 0;
        if (wait > 0) {
          // The head waits out its backoff and the jobs behind it wait too: labels keep their order.
          await wakeup.wait(wait);
          continue;
        }
        await runOne(printer, head);
      } catch (error) {
        log.error({ err: error, printer: printer.id }, 'print queue step failed; retrying');
        await wakeup.wait(STORE_RETRY_MS);
      }
    }
  }

  async function anyWork(): Promise<boolean> {
    const active = await store.active();
    return active.some((s) => printers.has(s.job.printerId));
  }

  function notifyIdle(): void {
    if (idleWaiters.size === 0) return;
    void anyWork().then((busy) => {
      if (busy) return;
      for (const resolve of [...idleWaiters]) resolve();
      idleWaiters.clear();
    });
  }

  return {
    async start() {
      for (const stored of await store.active()) {
        if (stored.job.state !== 'printing') continue;
        const recovered = await apply(stored, { type: 'interrupted' });
        log.info(
          { job: stored.job.id, state: recovered?.job.state },
          'recovered a job left printing',
        );
      }
      for (const stored of await store.active()) {
        if (stored.job.state === 'queued' && !printers.has(stored.job.printerId)) {
          log.warn(
            { job: stored.job.id, printer: stored.job.printerId },
            formatPrintError('PRINT_ERR_PRINTER_UNKNOWN'),
          );
        }
      }
      unsubscribe = store.onChange(() => wakeup.notify());
      loops = [...printers.values()].map((printer) => loop(printer));
    },
    async stop({ graceMs = GRACE_MS } = {}) {
      stopping = true;
      unsubscribe?.();
      wakeup.notify();
      const all = Promise.all(loops);
      let timer: NodeJS.Timeout | undefined;
      const cut = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          for (const controller of inFlight) controller.abort();
          resolve();
        }, graceMs);
      });
      await Promise.race([all, cut]);
      clearTimeout(timer);
      await all;
    },
    setCondition(printerId, condition) {
      const was = conditions.get(printerId);
      conditions.set(printerId, condition);
      if (was && printerBlocked(was) && !printerBlocked(condition)) wakeup.notify();
    },
    whenIdle() {
      return new Promise((resolve) => {
        idleWaiters.add(resolve);
        notifyIdle();
      });
    },
  };
}
