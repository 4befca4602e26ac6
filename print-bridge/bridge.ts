// The bridge's life: probe the sync server on an interval and keep a status a person can read.
// Job replication and printer drivers plug in here (issue 5); transports and clock are passed in.
import type { Logger } from 'pino';
import type { PrinterStatus } from '@/lib/schema/printer';
import type { BridgeConfig } from './config';
import { PRINT_ERRORS, type PrintErrorCode } from './errors';
import type { SyncProbeResult } from './sync/session-probe';

export interface BridgeStatus {
  site: string;
  startedAt: string;
  sync: {
    ok: boolean;
    checkedAt: string | null;
    lastOkAt: string | null;
    error: PrintErrorCode | null;
    message: string | null;
  };
  /** Latest probe of each printer of the site, by printer id (empty without printing). */
  printers: Record<string, PrinterStatus>;
}

/** The printing half (print-bridge/jobs/printing.ts), started after and stopped before sync. */
export interface BridgePrinting {
  start(): Promise<void>;
  stop(): Promise<void>;
  printers(): Record<string, PrinterStatus>;
}

export interface BridgeDeps {
  config: BridgeConfig;
  probe: () => Promise<SyncProbeResult>;
  now: () => Date;
  log: Logger;
  printing?: BridgePrinting;
}

export interface Bridge {
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): BridgeStatus;
}

export function createBridge({ config, probe, now, log, printing }: BridgeDeps): Bridge {
  const status: BridgeStatus = {
    site: config.site,
    startedAt: now().toISOString(),
    sync: { ok: false, checkedAt: null, lastOkAt: null, error: null, message: null },
    printers: {},
  };
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  async function probeOnce(): Promise<void> {
    const result = await probe();
    const at = now().toISOString();
    const wasOk = status.sync.ok;
    status.sync = {
      ok: result.ok,
      checkedAt: at,
      lastOkAt: result.ok ? at : status.sync.lastOkAt,
      error: result.error ?? null,
      message: result.error ? PRINT_ERRORS[result.error] : null,
    };
    if (result.ok && !wasOk) log.info({ site: config.site }, 'connected to the sync server');
    if (!result.ok)
      log.warn({ code: result.error, detail: result.detail }, status.sync.message ?? '');
  }

  function schedule(): void {
    timer = setTimeout(() => {
      running = probeOnce().finally(schedule);
    }, config.probeIntervalMs);
    timer.unref();
  }

  return {
    async start() {
      running = probeOnce();
      await running;
      schedule();
      await printing?.start();
    },
    async stop() {
      clearTimeout(timer);
      await printing?.stop();
      await running;
    },
    status: () => structuredClone({ ...status, printers: printing?.printers() ?? {} }),
  };
}
