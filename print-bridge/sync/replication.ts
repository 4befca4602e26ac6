// Outbound-only replication of this site's documents with the sync server (ARCHITECTURE.md,
// principle 4): print_jobs both ways (pull filtered by site, push state changes), printers and
// templates pulled, printer status written back to the server document by document.
// CouchDB replication protocol: https://docs.couchdb.org/en/stable/replication/protocol.html
import { createRequire } from 'node:module';
import type { Logger } from 'pino';
import type { PrinterStatus } from '@/lib/schema/printer';
import { PRINT_ERRORS, type PrintErrorCode } from '../errors';
import { IDLE_TIMEOUT_ERROR, timedFetch } from './timed-fetch';

export const FLOWS = [
  'print_jobs:pull',
  'print_jobs:push',
  'printers:pull',
  'templates:pull',
  'printers:status',
] as const;
export type FlowName = (typeof FLOWS)[number];

export interface FlowStatus {
  /** starting → active (moving documents) ⇄ idle (caught up, listening) | error (retrying). */
  state: 'starting' | 'active' | 'idle' | 'error' | 'stopped';
  lastOkAt: string | null;
  error: PrintErrorCode | null;
  message: string | null;
  detail: string | null;
  /** When the next try is due after an error. */
  retryAt: string | null;
  docsRead: number;
  docsWritten: number;
  /** Documents the other side refused (validate_doc_update); the last one is in `refused`. */
  writeFailures: number;
}

export interface ReplicationStatus {
  ok: boolean;
  flows: Record<FlowName, FlowStatus>;
  refused: { flow: FlowName; id: string; reason: string; at: string } | null;
}

/** A PouchDB database as the replicator sees it (pouchdb 9 ships no types). */
export type PouchDb = object;

interface ReplicationEmitter {
  on(event: string, listener: (arg?: unknown) => void): ReplicationEmitter;
  cancel(): void;
}

interface PouchStatic {
  new (name: string, options?: Record<string, unknown>): PouchDb & { close(): Promise<void> };
  replicate(source: PouchDb, target: PouchDb, options: Record<string, unknown>): ReplicationEmitter;
}

const PouchDB = createRequire(import.meta.url)('pouchdb') as PouchStatic;

export interface ReplicationOptions {
  syncUrl: string;
  user: string;
  password: string;
  site: string;
  local: { print_jobs: PouchDb; printers: PouchDb; templates: PouchDb };
  log: Logger;
  now: () => Date;
  /** A request with no byte for this long is cut (the server's heartbeat keeps live feeds alive). */
  idleMs?: number;
  /** Heartbeat asked of the server for live feeds. */
  heartbeatMs?: number;
  backoff?: { baseMs: number; maxMs: number };
  fetchImpl?: typeof fetch;
}

export interface Replication {
  status(): ReplicationStatus;
  /** Queues the latest status of a printer for its server document (only `status` changes). */
  writePrinterStatus(printerId: string, status: PrinterStatus): Promise<void>;
  /** Waits (at most `timeoutMs`) for local job changes to reach the server. */
  flushPush(timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

const IDLE_MS = 45_000; // 45 s without a byte: the link is dead (heartbeat is 10 s)
const HEARTBEAT_MS = 10_000; // 10 s
const BACKOFF = { baseMs: 1_000, maxMs: 60_000 }; // 1 s doubling to 1 min: an outage of hours ends within a minute of the WAN returning
const BY_SITE_FILTER = 'dockhand/by_site';

interface ErrorLike {
  status?: number;
  name?: string;
  message?: string;
  reason?: string;
  cause?: unknown;
  code?: string;
}

/** What the bridge's own LevelDB throws (level-errors), e.g. OpenError for a missing directory. */
const LOCAL_STORE_ERRORS = new Set([
  'LevelUPError',
  'OpenError',
  'InitializationError',
  'ReadError',
  'WriteError',
  'EncodingError',
]);

/**
 * Whether the error is our idle cut. PouchDB hands a replication's error on as a copy of its own
 * properties (pouchdb-errors createError): the class is lost, the name is kept.
 */
function isIdleTimeout(error: unknown): boolean {
  const e = (error ?? {}) as ErrorLike;
  const cause = (e.cause ?? {}) as ErrorLike;
  return e.name === IDLE_TIMEOUT_ERROR || cause.name === IDLE_TIMEOUT_ERROR;
}

/** What a replication error means for a person, as one of the bridge's codes. */
export function syncErrorCode(error: unknown): PrintErrorCode {
  const e = (error ?? {}) as ErrorLike;
  if (isIdleTimeout(error)) return 'PRINT_ERR_SYNC_TIMEOUT';
  if (e.name === 'AbortError' || e.name === 'TimeoutError') return 'PRINT_ERR_SYNC_TIMEOUT';
  if (e.status === 401) return 'PRINT_ERR_SYNC_AUTH';
  if (e.status === 403) return 'PRINT_ERR_SYNC_REFUSED';
  if (typeof e.status === 'number' && e.status >= 400) return 'PRINT_ERR_SYNC_SERVER';
  if (e.name && LOCAL_STORE_ERRORS.has(e.name)) return 'PRINT_ERR_SYNC_STORE';
  if (e.name === 'TypeError' || e.name === 'FetchError' || e.code)
    return 'PRINT_ERR_SYNC_UNREACHABLE';
  return 'PRINT_ERR_SYNC_UNREACHABLE';
}

const describe = (error: unknown): string => {
  const e = (error ?? {}) as ErrorLike;
  const cause = e.cause as ErrorLike | undefined;
  return [e.status, e.name, e.reason ?? e.message, cause?.code ?? cause?.message]
    .filter((part) => part !== undefined && part !== '')
    .join(' ')
    .slice(0, 300);
};

type FlowCounts = Pick<FlowStatus, 'docsRead' | 'docsWritten' | 'writeFailures'>;

const countsOf = (flow: FlowCounts): FlowCounts => ({
  docsRead: flow.docsRead,
  docsWritten: flow.docsWritten,
  writeFailures: flow.writeFailures,
});

/** A flow's totals: those before this run of PouchDB's replication plus this run's own counts. */
export function countsAfter(
  base: FlowCounts,
  run: { docs_read?: number; docs_written?: number; doc_write_failures?: number },
): FlowCounts {
  return {
    docsRead: base.docsRead + (run.docs_read ?? 0),
    docsWritten: base.docsWritten + (run.docs_written ?? 0),
    writeFailures: base.writeFailures + (run.doc_write_failures ?? 0),
  };
}

export function backoffMs(failures: number, policy = BACKOFF, random = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(failures, 20));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2); // jitter: many sites do not retry in step
}

export function startReplication(options: ReplicationOptions): Replication {
  const { site, log, now } = options;
  const backoff = options.backoff ?? BACKOFF;
  const fetchImpl = timedFetch({ idleMs: options.idleMs ?? IDLE_MS, fetchImpl: options.fetchImpl });
  const auth = { username: options.user, password: options.password };
  const remoteUrl = (db: string) => new URL(`/db/${db}`, options.syncUrl).toString();
  const remote = (db: string) =>
    new PouchDB(remoteUrl(db), { fetch: fetchImpl, auth, skip_setup: true });
  const remotes = {
    print_jobs: remote('print_jobs'),
    printers: remote('printers'),
    templates: remote('templates'),
  };
  const at = () => now().toISOString();
  const fresh = (): FlowStatus => ({
    state: 'starting',
    lastOkAt: null,
    error: null,
    message: null,
    detail: null,
    retryAt: null,
    docsRead: 0,
    docsWritten: 0,
    writeFailures: 0,
  });
  const flows = Object.fromEntries(FLOWS.map((name) => [name, fresh()])) as Record<
    FlowName,
    FlowStatus
  >;
  let refused: ReplicationStatus['refused'] = null;
  let stopping = false;
  const running = new Map<FlowName, ReplicationEmitter>();
  const timers = new Set<NodeJS.Timeout>();
  const failuresOf = new Map<FlowName, number>();
  const idleWaiters = new Set<() => void>();

  function ok(name: FlowName, state: 'active' | 'idle'): void {
    const flow = flows[name];
    if (flow.error) log.info({ flow: name }, 'replication recovered');
    Object.assign(flow, { state, lastOkAt: at(), error: null, message: null, detail: null });
    Object.assign(flow, { retryAt: null });
    failuresOf.set(name, 0);
    if (name === 'print_jobs:push' && state === 'idle') {
      for (const resolve of [...idleWaiters]) resolve();
    }
  }

  /** `retryInMs` undefined: PouchDB's own retry sets retryAt through back_off_function. */
  function failed(name: FlowName, error: unknown, retryInMs?: number): void {
    const code = syncErrorCode(error);
    const detail = describe(error);
    const flow = flows[name];
    // Logged every time: a background failure is never swallowed, and the status shows it.
    log.warn({ flow: name, code, detail, retryInMs }, PRINT_ERRORS[code]);
    Object.assign(flow, {
      state: 'error',
      error: code,
      message: PRINT_ERRORS[code],
      detail,
    });
    if (retryInMs !== undefined) flow.retryAt = new Date(now().getTime() + retryInMs).toISOString();
  }

  function later(fn: () => void, ms: number): void {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!stopping) fn();
    }, ms);
    timers.add(timer);
  }

  /** One live replication, restarted with backoff whenever PouchDB gives up on it. */
  function run(name: FlowName, source: PouchDb, target: PouchDb, extra: Record<string, unknown>) {
    const nextBackoff = () => {
      const failures = (failuresOf.get(name) ?? 0) + 1;
      failuresOf.set(name, failures);
      return backoffMs(failures - 1, backoff);
    };
    const replication = PouchDB.replicate(source, target, {
      live: true,
      retry: true,
      heartbeat: options.heartbeatMs ?? HEARTBEAT_MS,
      batch_size: 100,
      // PouchDB calls this before each retry; the delay is shown as retryAt.
      back_off_function: () => {
        const ms = nextBackoff();
        flows[name].retryAt = new Date(now().getTime() + ms).toISOString();
        return ms;
      },
      ...extra,
    });
    running.set(name, replication);
    // PouchDB counts from zero in each run; the flow's figures add up over its restarts.
    const base = countsOf(flows[name]);
    replication
      .on('active', () => ok(name, 'active'))
      .on('paused', (error) => {
        if (stopping) return;
        if (error) failed(name, error);
        else ok(name, 'idle');
      })
      .on('change', (info) => {
        const i = info as {
          docs_read?: number;
          docs_written?: number;
          doc_write_failures?: number;
        };
        const flow = flows[name];
        Object.assign(flow, countsAfter(base, i));
        flow.lastOkAt = at();
      })
      .on('denied', (error) => {
        const e = (error ?? {}) as { id?: string; reason?: string; message?: string };
        // Counted in the run's doc_write_failures, which the next 'change' brings.
        refused = { flow: name, id: e.id ?? '?', reason: e.reason ?? e.message ?? '', at: at() };
        log.error(
          { ...refused, code: 'PRINT_ERR_SYNC_REFUSED' },
          PRINT_ERRORS.PRINT_ERR_SYNC_REFUSED,
        );
      })
      .on('error', (error) => {
        if (stopping) return;
        const ms = nextBackoff();
        failed(name, error, ms);
        later(() => run(name, source, target, extra), ms);
      })
      .on('complete', () => {
        if (stopping) return;
        // A live replication completes only when cancelled or broken: start it again.
        const ms = nextBackoff();
        failed(name, new Error('replication ended'), ms);
        later(() => run(name, source, target, extra), ms);
      });
  }

  // A job state the server refused once (a rule since fixed, a bug of an older version) is past
  // the live push's checkpoint and would never go again. At each start one pass without a
  // checkpoint offers every local job; the server's revs_diff keeps the rest of it cheap.
  let sweep: ReplicationEmitter | null = null;
  let sweepFailures = 0;
  function sweepJobs(): void {
    const pass = PouchDB.replicate(options.local.print_jobs, remotes.print_jobs, {
      batch_size: 100,
      checkpoint: false,
    });
    sweep = pass;
    pass
      .on('denied', (error) => {
        const e = (error ?? {}) as { id?: string; reason?: string; message?: string };
        log.warn({ id: e.id, reason: e.reason ?? e.message }, 'start pass: job state refused');
      })
      .on('complete', (info) => {
        const i = info as { docs_written?: number; doc_write_failures?: number };
        log.info(
          { docsWritten: i.docs_written ?? 0, refused: i.doc_write_failures ?? 0 },
          'start pass over print jobs done',
        );
      })
      .on('error', (error) => {
        if (stopping) return;
        const ms = backoffMs(sweepFailures++, backoff);
        log.warn({ detail: describe(error), retryInMs: ms }, 'start pass over print jobs failed');
        later(sweepJobs, ms);
      });
  }
  sweepJobs();

  const bySite = { filter: BY_SITE_FILTER, query_params: { site } };
  run('print_jobs:pull', remotes.print_jobs, options.local.print_jobs, bySite);
  run('print_jobs:push', options.local.print_jobs, remotes.print_jobs, {});
  run('printers:pull', remotes.printers, options.local.printers, bySite);
  run('templates:pull', remotes.templates, options.local.templates, {});

  // Printer status: read the server's document, change `status` only, write it with its revision.
  // Direct writes (not a push of the local replica) never fork a printer an admin is editing.
  const pendingStatus = new Map<string, PrinterStatus>();
  let flushing: Promise<void> | undefined;
  flows['printers:status'].state = 'idle';
  const authorization =
    'Basic ' + Buffer.from(`${options.user}:${options.password}`).toString('base64');

  async function writeStatusOnce(printerId: string, status: PrinterStatus): Promise<void> {
    const url = `${remoteUrl('printers')}/${encodeURIComponent(printerId)}`;
    for (let tries = 0; tries < 3; tries += 1) {
      const got = await fetchImpl(url, { headers: { authorization, accept: 'application/json' } });
      if (got.status === 404) return; // removed by an admin: nothing to report on
      if (!got.ok) throw Object.assign(new Error(await got.text()), { status: got.status });
      const doc = (await got.json()) as Record<string, unknown>;
      const put = await fetchImpl(url, {
        method: 'PUT',
        headers: { authorization, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ ...doc, status }),
      });
      if (put.status === 409) continue; // an admin saved meanwhile: read again
      if (!put.ok) throw Object.assign(new Error(await put.text()), { status: put.status });
      flows['printers:status'].docsWritten += 1;
      return;
    }
    throw Object.assign(new Error('printer changed three times while writing its status'), {
      status: 409,
    });
  }

  async function flushStatus(): Promise<void> {
    while (pendingStatus.size > 0 && !stopping) {
      const [printerId, status] = pendingStatus.entries().next().value as [string, PrinterStatus];
      pendingStatus.delete(printerId);
      try {
        await writeStatusOnce(printerId, status);
        ok('printers:status', 'idle');
      } catch (error) {
        if (!pendingStatus.has(printerId)) pendingStatus.set(printerId, status);
        const failures = (failuresOf.get('printers:status') ?? 0) + 1;
        failuresOf.set('printers:status', failures);
        const ms = backoffMs(failures - 1, backoff);
        failed('printers:status', error, ms);
        later(() => void kickStatus(), ms);
        return;
      }
    }
  }
  function kickStatus(): Promise<void> {
    flushing ??= flushStatus().finally(() => {
      flushing = undefined;
    });
    return flushing;
  }

  return {
    status() {
      const copy = structuredClone(flows);
      return {
        ok: FLOWS.every((name) => copy[name].state === 'active' || copy[name].state === 'idle'),
        flows: copy,
        refused,
      };
    },
    async writePrinterStatus(printerId, status) {
      pendingStatus.set(printerId, status);
      if (flows['printers:status'].state !== 'error') void kickStatus();
    },
    flushPush(timeoutMs) {
      return new Promise<void>((resolve) => {
        // Give a just-written change a moment to wake the live push before judging it idle.
        const settle = setTimeout(() => {
          if (flows['print_jobs:push'].state === 'idle') done();
        }, 250);
        const limit = setTimeout(() => done(), timeoutMs);
        const done = () => {
          clearTimeout(settle);
          clearTimeout(limit);
          idleWaiters.delete(done);
          resolve();
        };
        idleWaiters.add(done);
      });
    },
    async stop() {
      stopping = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const replication of running.values()) replication.cancel();
      sweep?.cancel();
      for (const name of FLOWS) flows[name].state = 'stopped';
      await flushing?.catch(() => undefined);
      await Promise.allSettled(Object.values(remotes).map((db) => db.close()));
    },
  };
}
