// The bridge's life: probe the sync server on an interval, run replication and printing, keep a
// status a person can read, and stop in order. Transports, clock and the halves are passed in.
import type { Logger } from 'pino';
import type { PrinterStatus } from '@/lib/schema/printer';
import type { BridgeConfig } from './config';
import { PRINT_ERRORS, type PrintErrorCode } from './errors';
import type { ReplicationStatus } from './sync/replication';
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
  /** Printers the bridge sends to now (the site's printers with a usable address). */
  configuredPrinters: string[];
  /** This site's jobs in the local replica, by state. */
  jobs: Record<string, number>;
  /** Each replication flow with the server (null without replication). */
  replication: ReplicationStatus | null;
}

/** The printing half (print-bridge/jobs/printing.ts), started after and stopped before sync. */
export interface BridgePrinting {
  start(): Promise<void>;
  stop(options?: { graceMs?: number; beforeClose?: () => Promise<void> }): Promise<void>;
  printers(): Record<string, PrinterStatus>;
  configured?(): string[];
  counts?(): Record<string, number>;
}

/** The replication half (print-bridge/sync/replication.ts), started by start(). */
export interface BridgeSync {
  status(): ReplicationStatus;
  flushPush(timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

export interface BridgeDeps {
  config: BridgeConfig;
  probe: () => Promise<SyncProbeResult>;
  now: () => Date;
  log: Logger;
  printing?: BridgePrinting;
  /** Starts replication (after printing has opened the local replicas). */
  startSync?: () => BridgeSync;
  /** How long an in-flight label may take to finish at stop. */
  shutdownGraceMs?: number;
}

export interface Bridge {
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): BridgeStatus;
}

const PUSH_FLUSH_MS = 3_000; // at stop, give the last job states 3 s to reach the server

export function createBridge(deps: BridgeDeps): Bridge {
  const { config, probe, now, log, printing } = deps;
  const status: BridgeStatus = {
    site: config.site,
    startedAt: now().toISOString(),
    sync: { ok: false, checkedAt: null, lastOkAt: null, error: null, message: null },
    printers: {},
    configuredPrinters: [],
    jobs: {},
    replication: null,
  };
  let sync: BridgeSync | undefined;
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
      sync = deps.startSync?.();
      await printing?.start();
    },
    async stop() {
      clearTimeout(timer);
      // Stop taking jobs and finish (or cut) the label in flight, push the last states, then
      // stop replication, then close the stores.
      const stopSync = async () => {
        await sync?.flushPush(PUSH_FLUSH_MS);
        await sync?.stop();
      };
      if (printing) await printing.stop({ graceMs: deps.shutdownGraceMs, beforeClose: stopSync });
      else await stopSync();
      await running;
    },
    status: () =>
      structuredClone({
        ...status,
        printers: printing?.printers() ?? {},
        configuredPrinters: printing?.configured?.() ?? [],
        jobs: printing?.counts?.() ?? {},
        replication: sync?.status() ?? null,
      }),
  };
}
