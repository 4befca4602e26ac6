// One simulated device, making the requests lib/db/sync.ts makes through RxDB's CouchDB
// replication (node_modules/rxdb/dist/esm/plugins/replication-couchdb/index.js):
// - pull: a checkpoint pull (`feed=normal` from the last checkpoint until an empty batch) at start
//   and again when the network comes back (the app's reSync), and a held `feed=longpoll` per
//   database from `since=now`, re-issued as soon as it is answered;
// - push of scans: every open scan at once, cut into batches of 50 sent side by side, each a
//   conflict check (`POST _all_docs` with keys) and then `POST _bulk_docs` of the ones not there;
// - at most SHORT_REQUESTS short requests at a time: a browser opens 6 connections per origin and
//   the app holds 4 of them with long-polls (sync.ts).
// Losing the network cuts every request of the device at once (its AbortController); scans made
// meanwhile wait and go out together when it is back.
// https://docs.couchdb.org/en/stable/api/database/changes.html
// https://docs.couchdb.org/en/stable/api/database/bulk-api.html
import type { FanoutTracker } from './fanout';
import { sampledIdsIn } from './fanout';
import type { HttpClient } from './http-client';
import type { ScanDoc, ScanMaker } from './scans';
import { nextScan } from './scans';

export type FeedDb = 'scans' | 'manifests' | 'waybills';

/** Batch sizes sync.ts gives each replication, and its heartbeat. */
const PULL_BATCH: Record<FeedDb, number> = { scans: 2000, manifests: 200, waybills: 500 };
const HEARTBEAT_MS = 30_000;
const PUSH_BATCH = 50;
const SHORT_REQUESTS = 2;
/** After an error that is not a cut connection: sync.ts's first retry delay is 5 s. */
const RETRY_MS = 5_000;
/** A reconnected feed counts as caught up at its first non-full answer, or after this long. */
const CATCH_UP_GIVE_UP_MS = 10_000;

export type Phase = 'connect' | 'measure' | 'drain' | 'stop';

/** Shared by every device: the client, the clock, the counters and the fan-out tracker. */
export interface LoadContext {
  client: HttpClient;
  tracker: FanoutTracker;
  stats: LoadStats;
  phase: Phase;
  /** Every SAMPLE_EVERY-th scan made is a fan-out sample. */
  sampleEvery: number;
  madeScans: number;
}

export interface LoadStats {
  /** Scans the server acknowledged while measuring (ok in _bulk_docs, or found held on a retry). */
  ackedInWindow: number;
  ackedTotal: number;
  madeInWindow: number;
  /** One push batch: conflict check + _bulk_docs (ms), while measuring. */
  pushMs: number[];
  /** The _bulk_docs request alone (ms), while measuring. */
  bulkDocsMs: number[];
  /** Time from reconnecting to the scans feed being caught up (ms). */
  catchUpMs: number[];
  /** Answers while measuring, by request kind (longpoll, pull, _all_docs, _bulk_docs). */
  answers: Map<string, number>;
  /** `_changes` rows delivered to devices and the dashboard while measuring. */
  rowsDelivered: number;
  /** Scans sent in _bulk_docs while measuring. */
  docsSent: number;
  drops: number;
  /** Requests cut by a simulated network loss (expected, not errors). */
  cutRequests: number;
  errors: Map<string, number>;
}

export function emptyStats(): LoadStats {
  return {
    ackedInWindow: 0,
    ackedTotal: 0,
    madeInWindow: 0,
    pushMs: [],
    bulkDocsMs: [],
    catchUpMs: [],
    answers: new Map(),
    rowsDelivered: 0,
    docsSent: 0,
    drops: 0,
    cutRequests: 0,
    errors: new Map(),
  };
}

function countError(stats: LoadStats, what: string): void {
  stats.errors.set(what, (stats.errors.get(what) ?? 0) + 1);
}

function countAnswer(ctx: LoadContext, kind: string): void {
  if (ctx.phase === 'measure') ctx.stats.answers.set(kind, (ctx.stats.answers.get(kind) ?? 0) + 1);
}

const changesPath = (db: FeedDb, live: boolean, since: string) => {
  const batch = PULL_BATCH[db];
  // The parameters in the order RxDB writes them.
  return live
    ? `/db/${db}/_changes?style=all_docs&feed=longpoll&since=${encodeURIComponent(since)}&include_docs=true&heartbeat=${HEARTBEAT_MS}&limit=${batch}&seq_interval=${batch}`
    : `/db/${db}/_changes?style=all_docs&feed=normal&include_docs=true&since=${encodeURIComponent(since)}&heartbeat=${HEARTBEAT_MS}&limit=${batch}&seq_interval=${batch}`;
};

/** `last_seq` of a `_changes` answer without parsing it: a number (embedded) or a string. */
export function lastSeqOf(body: Buffer): string | null {
  const at = body.lastIndexOf('"last_seq":');
  if (at === -1) return null;
  // Only the tail is decoded: the seq and what follows it are short.
  const text = body.toString('utf8', at + '"last_seq":'.length);
  let i = 0;
  while (text[i] === ' ') i++;
  if (text[i] === '"') return text.slice(i + 1, text.indexOf('"', i + 1));
  let j = i;
  while (j < text.length && !',} \n'.includes(text[j]!)) j++;
  return text.slice(i, j);
}

const NEWLINE = 0x0a;
const OPEN_BRACE = 0x7b;

/**
 * Rows in a `_changes` answer: both stores put each row on its own line, so a row is a line
 * break followed by `{` (`{"results":[\n<row>,\n<row>\n],\n"last_seq":…}\n`; CouchDB answers none
 * as `[\n\n]`). A byte search per line is memchr; searching for a longer pattern rebuilt its
 * search table on each call and took more of this process than anything else.
 */
export function rowsIn(body: Buffer): number {
  let rows = 0;
  for (let at = body.indexOf(NEWLINE); at !== -1; at = body.indexOf(NEWLINE, at + 1)) {
    if (body[at + 1] === OPEN_BRACE) rows++;
  }
  return rows;
}

const isCut = (err: unknown) => (err as { name?: string }).name === 'AbortError';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface DeviceOptions {
  index: number;
  cookie: string;
  feeds: readonly FeedDb[];
  /** Null for the dashboard, which only listens. */
  maker: ScanMaker | null;
}

export class Device {
  readonly index: number;
  private readonly cookie: string;
  private readonly feeds: readonly FeedDb[];
  private readonly maker: ScanMaker | null;
  private readonly since = new Map<FeedDb, string>();
  private pending: ScanDoc[] = [];
  /** Scans in push requests now. */
  private sending = 0;
  private pushing = false;
  private online = true;
  private network = new AbortController();
  private whenOnline: Promise<void> = Promise.resolve();
  private markOnline: () => void = () => undefined;
  private shortInUse = 0;
  private shortWaiting: Array<() => void> = [];
  private reconnectedAt = NaN;

  constructor(
    private readonly ctx: LoadContext,
    opts: DeviceOptions,
  ) {
    this.index = opts.index;
    this.cookie = opts.cookie;
    this.feeds = opts.feeds;
    this.maker = opts.maker;
  }

  get isOnline(): boolean {
    return this.online;
  }

  /** Scans made on this device that the server has not acknowledged yet. */
  get backlog(): number {
    return this.pending.length + this.sending;
  }

  /**
   * Starts the live feeds and the checkpoint pulls; resolves when the pulls are done. `checkpoints`:
   * where this device's earlier replication got to (from the start when absent).
   */
  async connect(checkpoints: Partial<Record<FeedDb, string>> = {}): Promise<void> {
    for (const db of this.feeds) {
      this.since.set(db, 'now');
      void this.liveFeed(db);
    }
    await Promise.all(this.feeds.map((db) => this.checkpointPull(db, checkpoints[db] ?? '0')));
  }

  /** A person scans `count` parcels now (pushed at once when online, kept while not). */
  scan(count: number, nowMs: number): void {
    if (!this.maker) return;
    for (let i = 0; i < count; i++) {
      this.ctx.madeScans += 1;
      const sampled = this.ctx.madeScans % this.ctx.sampleEvery === 0;
      const doc = nextScan(this.maker, nowMs, sampled);
      if (sampled) this.ctx.tracker.add(doc._id, this.index);
      if (this.ctx.phase === 'measure') this.ctx.stats.madeInWindow += 1;
      this.pending.push(doc);
    }
    void this.push();
  }

  /** The device loses the network for `ms`: every request in flight is cut. */
  drop(ms: number): void {
    if (!this.online) return;
    this.online = false;
    this.ctx.stats.drops += 1;
    this.ctx.tracker.leave(this.index, performance.now());
    this.whenOnline = new Promise((resolve) => (this.markOnline = resolve));
    this.network.abort();
    setTimeout(() => this.reconnect(), ms);
  }

  private reconnect(): void {
    this.network = new AbortController();
    this.online = true;
    this.reconnectedAt = performance.now();
    this.markOnline();
    // The app's reSync when the network is back: a checkpoint pull of each replication.
    for (const db of this.feeds) void this.checkpointPull(db, this.since.get(db) ?? '0');
    void this.push();
  }

  /** Ends the device's requests (end of the run). */
  stop(): void {
    this.network.abort();
    this.markOnline();
  }

  private get headers() {
    return { cookie: this.cookie };
  }

  private async shortSlot(): Promise<() => void> {
    while (this.shortInUse >= SHORT_REQUESTS) {
      await new Promise<void>((resolve) => this.shortWaiting.push(resolve));
    }
    this.shortInUse += 1;
    return () => {
      this.shortInUse -= 1;
      this.shortWaiting.shift()?.();
    };
  }

  private get running(): boolean {
    return this.ctx.phase !== 'stop';
  }

  private async liveFeed(db: FeedDb): Promise<void> {
    const { client, stats, tracker } = this.ctx;
    while (this.running) {
      if (!this.online) await this.whenOnline;
      if (!this.running) return;
      const since = this.since.get(db)!;
      let body: Buffer;
      try {
        const answer = await client.request('GET', changesPath(db, true, since), {
          headers: this.headers,
          signal: this.network.signal,
        });
        if (answer.status !== 200) {
          countError(stats, `${db} longpoll HTTP ${answer.status}`);
          await sleep(RETRY_MS);
          continue;
        }
        body = answer.bytes;
      } catch (err) {
        if (isCut(err)) stats.cutRequests += 1;
        else if (this.running) {
          countError(stats, `${db} longpoll ${(err as NodeJS.ErrnoException).code ?? err}`);
          await sleep(RETRY_MS);
        }
        continue;
      }
      const at = performance.now();
      const rows = rowsIn(body);
      if (db === 'scans') tracker.arrived(this.index, sampledIdsIn(body), at);
      countAnswer(this.ctx, 'longpoll');
      if (this.ctx.phase === 'measure') stats.rowsDelivered += rows;
      const last = lastSeqOf(body);
      if (last === null) countError(stats, `${db} longpoll answer without last_seq`);
      else this.since.set(db, last);
      if (db === 'scans' && !Number.isNaN(this.reconnectedAt)) {
        if (rows < PULL_BATCH.scans || at - this.reconnectedAt > CATCH_UP_GIVE_UP_MS) {
          stats.catchUpMs.push(at - this.reconnectedAt);
          tracker.back(this.index, at);
          this.reconnectedAt = NaN;
        }
      }
    }
  }

  /** RxDB's downstream checkpoint iteration: `feed=normal` batches until one comes back empty. */
  private async checkpointPull(db: FeedDb, from: string): Promise<void> {
    const { client, stats } = this.ctx;
    let since = from;
    const signal = this.network.signal;
    while (this.running && !signal.aborted) {
      const release = await this.shortSlot();
      try {
        const answer = await client.request('GET', changesPath(db, false, since), {
          headers: this.headers,
          signal,
        });
        if (answer.status !== 200) {
          countError(stats, `${db} pull HTTP ${answer.status}`);
          return;
        }
        if (db === 'scans') {
          this.ctx.tracker.arrived(this.index, sampledIdsIn(answer.bytes), performance.now());
        }
        const rows = rowsIn(answer.bytes);
        countAnswer(this.ctx, 'pull');
        if (this.ctx.phase === 'measure') stats.rowsDelivered += rows;
        since = lastSeqOf(answer.bytes) ?? since;
        if (rows === 0) return;
      } catch (err) {
        if (isCut(err)) stats.cutRequests += 1;
        else countError(stats, `${db} pull ${(err as NodeJS.ErrnoException).code ?? err}`);
        return;
      } finally {
        release();
      }
    }
  }

  /** RxDB's upstream: all open scans at once, in batches of 50 side by side, until none is left. */
  private async push(): Promise<void> {
    if (this.pushing || !this.online || this.pending.length === 0) return;
    this.pushing = true;
    try {
      while (this.online && this.running && this.pending.length > 0) {
        const open = this.pending;
        this.pending = [];
        const batches: ScanDoc[][] = [];
        for (let i = 0; i < open.length; i += PUSH_BATCH) {
          batches.push(open.slice(i, i + PUSH_BATCH));
        }
        const notSent = (await Promise.all(batches.map((b) => this.pushBatch(b)))).flat();
        if (notSent.length > 0) {
          this.pending = notSent.concat(this.pending);
          if (this.online) await sleep(RETRY_MS); // a refusal or a server error: RxDB retries later
        }
      }
    } finally {
      this.pushing = false;
    }
  }

  /** One batch; returns the scans not acknowledged (to be pushed again). */
  private async pushBatch(docs: ScanDoc[]): Promise<ScanDoc[]> {
    const { client, stats } = this.ctx;
    this.sending += docs.length;
    const release = await this.shortSlot();
    const signal = this.network.signal;
    const started = performance.now();
    try {
      if (signal.aborted) return docs;
      const check = await client.request('POST', '/db/scans/_all_docs?', {
        headers: this.headers,
        body: JSON.stringify({ keys: docs.map((d) => d._id), include_docs: true, deleted: 'ok' }),
        signal,
      });
      if (check.status !== 200) {
        countError(stats, `scans _all_docs HTTP ${check.status}`);
        return docs;
      }
      countAnswer(this.ctx, '_all_docs');
      const rows = (JSON.parse(check.text) as { rows: Array<{ key: string; doc?: unknown }> }).rows;
      const held = new Set(rows.filter((r) => r.doc).map((r) => r.key));
      const toWrite = docs.filter((d) => !held.has(d._id));
      if (held.size > 0) this.acknowledge([...held], performance.now());
      if (toWrite.length === 0) return [];
      const bulkStarted = performance.now();
      const answer = await client.request('POST', '/db/scans/_bulk_docs?', {
        headers: this.headers,
        body: JSON.stringify({ docs: toWrite }),
        signal,
      });
      const at = performance.now();
      if (answer.status !== 201) {
        countError(stats, `scans _bulk_docs HTTP ${answer.status}`);
        return toWrite;
      }
      countAnswer(this.ctx, '_bulk_docs');
      if (this.ctx.phase === 'measure') stats.docsSent += toWrite.length;
      const results = JSON.parse(answer.text) as Array<{
        id: string;
        ok?: boolean;
        error?: string;
      }>;
      const ok: string[] = [];
      for (const r of results) {
        // A conflict on a device-unique id means the server holds it already (sync-fetch.ts).
        if (r.ok || r.error === 'conflict') ok.push(r.id);
        else countError(stats, `scans _bulk_docs ${r.error}`);
      }
      this.acknowledge(ok, at);
      if (this.ctx.phase === 'measure') {
        stats.bulkDocsMs.push(at - bulkStarted);
        stats.pushMs.push(at - started);
      }
      // Refused scans are not retried (the app shows them as refused); nothing to send again.
      return [];
    } catch (err) {
      if (isCut(err)) stats.cutRequests += 1;
      else countError(stats, `scans push ${(err as NodeJS.ErrnoException).code ?? err}`);
      return docs;
    } finally {
      this.sending -= docs.length;
      release();
    }
  }

  private acknowledge(ids: string[], at: number): void {
    const { stats, tracker } = this.ctx;
    stats.ackedTotal += ids.length;
    if (this.ctx.phase === 'measure') stats.ackedInWindow += ids.length;
    for (const id of ids) if (tracker.isSample(id)) tracker.acked(id, at);
  }
}
