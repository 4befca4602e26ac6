// `_changes` feeds served from memory: one read of the store's changes per database, its recent
// changes kept in order, and every device's longpoll and continuous feed (and, on the embedded
// store, its catch-up reads) answered from them. Each feed the embedded store served itself read
// every change from LevelDB again (~50 µs a row per feed: 200 devices made one scan cost ~10 ms of
// the server's one thread); Apache CouchDB on one node answered ~100 scans a second to 600 feeds.
// A request the hub cannot answer exactly (a filter, a `since` it does not hold, options it does
// not know) goes to the store as before.
//
// Positions: the embedded store's seqs are numbers and are the positions. Apache CouchDB's are
// opaque strings: entries are numbered as they come, and a `since` is found by the seq string the
// hub itself handed out. A device whose `since` came from the store (its catch-up read) is
// matched once: if the store has nothing after it, the device is where the hub is now.
// https://docs.couchdb.org/en/stable/api/database/changes.html
import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { PouchDatabase } from 'pouchdb';

export interface ChangesHubOptions {
  /** The store's database, opened on first use. */
  database(name: string): Promise<PouchDatabase>;
  log: Logger;
  /** Changes kept per database (older `since` values go to the store). */
  maxChanges?: number;
  /**
   * How long a longpoll answer waits after the first change it will carry, for more to join it:
   * every answer is a new request from each device, so under a burst of scans answering each
   * change alone costs the server more than the scans themselves.
   */
  gatherMs?: number;
  now?: () => number;
}

type Seq = number | string;

interface Entry {
  /** Order in the hub: the seq itself on the embedded store, a count on CouchDB. */
  pos: number;
  /** The store's seq, as the store wrote it. */
  seq: Seq;
  /** When the hub heard of it (ms, the hub's clock). */
  at: number;
  id: string;
  /**
   * The change as the store sends it with include_docs=true, encoded once into the hub's row log,
   * followed by `,\n`: `block` from `start` to `end` (the separator not counted). Consecutive
   * rows lie side by side, so an answer copies a few runs of bytes rather than joining ~500 rows
   * (joining text and encoding each answer, then joining rows one by one, were each a twentieth
   * of the server's time with 200 devices fetching ~500 rows a few times a second).
   */
  block: Buffer;
  start: number;
  end: number;
  /** Without its document, made when first asked for. */
  bare?: Buffer;
  /** A later change of the same document is kept: this one is not sent again. */
  superseded: boolean;
}

interface Waiter {
  /** Position of the last change it has (or was told of). */
  since: number;
  /** The store's seq at that position, for an answer with no rows. */
  sinceSeq: Seq;
  limit: number;
  includeDocs: boolean;
  continuous: boolean;
  res: ServerResponse;
  done: () => void;
}

interface Answer {
  lastPos: number;
  lastSeq: Seq;
  /** Rows in it: none when every change in range was superseded (a longpoll keeps waiting). */
  rows: number;
  body: Buffer;
}

interface Hub {
  /** Opaque seqs (Apache CouchDB): positions are counted, seqs looked up in `positions`. */
  opaque: boolean;
  /** Every change after position coveredFrom is in `entries` (or was superseded). */
  coveredFrom: number;
  /** Position and store seq up to which the hub has read. */
  lastPos: number;
  lastSeq: Seq;
  /** Opaque stores: the position of each seq the hub holds (and of where it started). */
  positions: Map<string, number>;
  /** Whether the store has nothing after `since` (a device's seq from the store itself). */
  storeHasNothingAfter: (since: string) => Promise<boolean>;
  entries: Entry[];
  latest: Map<string, Entry>;
  waiters: Set<Waiter>;
  /** The row log's current block and how much of it is written (see Entry.block). */
  log: Buffer;
  logUsed: number;
  /** The continuous ones among them, written to as each change arrives. */
  streams: Set<Waiter>;
  /** One timer answers every longpoll that is due, so equal answers are built once. */
  flush?: NodeJS.Timeout;
  flushAt: number;
  /** Reads what the store has written until now (a read then sees its own writes). */
  readUpToStore: () => Promise<void>;
  cancel: () => void;
}

/** Query parameters the hub answers exactly as the store does; any other goes to the store. */
/** The embedded store's PouchDB, patched to tell its commits (patches/pouchdb+9.0.0.patch). */
type CommitSource = PouchDatabase & {
  _dockhandOnCommit?: (
    listener: (from: number, to: number, changes: ReadonlyArray<object | null>) => void,
  ) => (() => void) | null;
};

const UNDERSTOOD = new Set([
  'feed',
  'since',
  'limit',
  'include_docs',
  'heartbeat',
  'timeout',
  'style',
  'seq_interval',
]);
const DEFAULT_HEARTBEAT_MS = 60_000; // CouchDB's
const MIN_HEARTBEAT_MS = 100; // a client asking for less gets this, not a flood of newlines
// ~25 s of scans at 2,000 a second (~500 bytes each with its document: ~25 MB).
const DEFAULT_MAX_CHANGES = 50_000;
const DEFAULT_GATHER_MS = 250;
/** How often the store is asked whether it has new changes (its in-memory update seq). */
const POLL_MS = 25;
const READ_RANGE = 100;
const READ_PARALLEL = 16;
/** Changes per request of the live feed from Apache CouchDB (PouchDB asks for 25 by default). */
const FEED_BATCH = 1000;

export interface FeedRequest {
  /** normal: what there is now, at once; longpoll: wait for a change; continuous: stream. */
  kind: 'normal' | 'longpoll' | 'continuous';
  /** A number (the embedded store), an opaque string (CouchDB) or 'now'. */
  since: Seq;
  limit: number;
  includeDocs: boolean;
  heartbeatMs: number;
  timeoutMs: number | null;
}

/** The feed a query asks for, when the hub can serve it; null sends it to the store. */
export function feedRequestOf(query: URLSearchParams): FeedRequest | null {
  for (const key of query.keys()) if (!UNDERSTOOD.has(key)) return null;
  const feed = query.get('feed') ?? 'normal';
  if (feed !== 'normal' && feed !== 'longpoll' && feed !== 'continuous') return null;
  const style = query.get('style');
  if (style !== null && style !== 'all_docs') return null; // the hub's entries list every leaf
  const sinceText = query.get('since') ?? '0';
  const since = /^\d+$/.test(sinceText) ? Number(sinceText) : sinceText;
  const limitText = query.get('limit');
  const limit = limitText === null ? Infinity : Number(limitText);
  if (!(limit >= 1)) return null;
  const heartbeat = Number(query.get('heartbeat') ?? DEFAULT_HEARTBEAT_MS);
  const timeout = query.get('timeout');
  return {
    kind: feed,
    since,
    limit,
    includeDocs: query.get('include_docs') === 'true',
    heartbeatMs: Number.isFinite(heartbeat)
      ? Math.max(MIN_HEARTBEAT_MS, heartbeat)
      : DEFAULT_HEARTBEAT_MS,
    timeoutMs: timeout !== null && /^\d+$/.test(timeout) ? Number(timeout) : null,
  };
}

/** The first index in `entries` with a position after `since` (entries are in order). */
function firstAfter(entries: Entry[], since: number): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (entries[mid]!.pos > since) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function lineOf(entry: Entry, includeDocs: boolean): Buffer {
  const line = entry.block.subarray(entry.start, entry.end);
  if (includeDocs) return line;
  if (entry.bare === undefined) {
    const { doc: _doc, ...bare } = JSON.parse(line.toString()) as Record<string, unknown>;
    entry.bare = Buffer.from(JSON.stringify(bare));
  }
  return entry.bare;
}

const ROW_SEPARATOR = Buffer.from(',\n');
const NEWLINE = Buffer.from('\n');
/** Size of the row log's blocks (a block is freed when its last row leaves memory). */
const LOG_BLOCK_BYTES = 1 << 20;
const RESULTS_OPEN = Buffer.from('{"results":[');

export function createChangesHub(opts: ChangesHubOptions) {
  const maxChanges = opts.maxChanges ?? DEFAULT_MAX_CHANGES;
  const gatherMs = opts.gatherMs ?? DEFAULT_GATHER_MS;
  const trimBy = Math.ceil(maxChanges / 10);
  const now = opts.now ?? Date.now;
  const hubs = new Map<string, Promise<Hub | null>>();
  let closed = false;

  async function open(name: string): Promise<Hub | null> {
    const db = await opts.database(name);
    const info = await db.info();
    const start = info.update_seq as Seq;
    const opaque = typeof start !== 'number';
    const hub: Hub = {
      opaque,
      coveredFrom: opaque ? 0 : (start as number),
      lastPos: opaque ? 0 : (start as number),
      lastSeq: start,
      positions: opaque ? new Map([[String(start), 0]]) : new Map(),
      storeHasNothingAfter: async (since) => {
        const answer = (await db.changes({ since, limit: 1 } as never)) as unknown as {
          results: unknown[];
        };
        return answer.results.length === 0;
      },
      entries: [],
      latest: new Map(),
      waiters: new Set(),
      log: Buffer.alloc(0),
      logUsed: 0,
      streams: new Set(),
      flushAt: Infinity,
      readUpToStore: async () => undefined,
      cancel: () => undefined,
    };
    const fail = (err: unknown) => {
      opts.log.error({ err, db: name }, 'changes hub could not read; feeds go to the store');
      hub.cancel();
      hubs.delete(name);
      clearTimeout(hub.flush);
      for (const waiter of [...hub.waiters]) release(waiter);
    };
    return opaque ? followFeed(hub, db, fail) : pollSeqs(hub, db, fail);
  }

  /**
   * Apache CouchDB: one live feed of the database (PouchDB's HTTP client, long-polling CouchDB
   * with large batches); CouchDB's seqs cannot be compared, so the hub follows in its order.
   */
  function followFeed(hub: Hub, db: PouchDatabase, fail: (err: unknown) => void): Hub {
    const feed = db.changes({
      live: true,
      since: hub.lastSeq,
      include_docs: true,
      style: 'all_docs',
      batch_size: FEED_BATCH,
    } as Parameters<PouchDatabase['changes']>[0]);
    let stopped = false;
    feed.on('change', (change) => {
      if (!stopped) add(hub, change as unknown as Record<string, unknown>);
    });
    feed.on('error', (err) => {
      if (!stopped) fail(err);
    });
    hub.cancel = () => {
      stopped = true;
      (feed as unknown as { cancel(): void }).cancel();
    };
    return hub;
  }

  /**
   * The embedded store: each write tells the hub its changes as it commits them (our PouchDB
   * patch, `_dockhandOnCommit`), so the hub reads nothing back. What a commit cannot tell (a
   * revision that does not win, attachments, an import's appended documents) leaves a gap in the
   * seqs, and a gap is read from the store in ranges side by side. PouchDB reads a range one row
   * after another, a LevelDB lookup or two per row, each waiting a turn of this busy thread: the
   * reads were a sixth of the server's time under 200 devices, and one live feed read only ~250
   * changes a second.
   */
  function pollSeqs(hub: Hub, db: PouchDatabase, fail: (err: unknown) => void): Hub {
    let reading: Promise<void> | null = null;
    let stopped = false;
    const onCommit = (db as CommitSource)._dockhandOnCommit;
    const listening =
      typeof onCommit === 'function'
        ? onCommit.call(db, (from, to, changes) => {
            // Taken only when it follows on from what the hub has and a read is not under way
            // (a read ends at a commit boundary, then commits follow on again).
            if (stopped || reading || from !== hub.lastPos || changes.length !== to - from) return;
            if (changes.some((change) => change === null)) return;
            for (const change of changes) add(hub, change as Record<string, unknown>);
            hub.lastPos = to;
            hub.lastSeq = to;
          })
        : null;
    // Without it (another adapter, or not open) the hub reads every change, as it reads gaps.
    const stopListening = listening ?? (() => undefined);
    const readRounds = async () => {
      try {
        for (;;) {
          const upTo = Number((await db.info()).update_seq);
          if (stopped || !(upTo > hub.lastPos)) break;
          const from = hub.lastPos;
          const end = Math.min(upTo, from + READ_RANGE * READ_PARALLEL);
          const ranges: Array<[number, number]> = [];
          for (let a = from; a < end; a += READ_RANGE)
            ranges.push([a, Math.min(a + READ_RANGE, end)]);
          const parts = await Promise.all(
            ranges.map(async ([a, b]) => {
              const answer = (await db.changes({
                since: a,
                limit: b - a,
                include_docs: true,
                style: 'all_docs',
              } as Parameters<PouchDatabase['changes']>[0])) as unknown as {
                results: Array<Record<string, unknown>>;
              };
              // A row past b is a document written again since: its own range has it.
              return answer.results.filter((change) => Number(change.seq) <= b);
            }),
          );
          if (stopped) break;
          for (const part of parts) {
            for (const change of part) add(hub, change);
          }
          // Superseded seqs in the range are behind us too.
          hub.lastPos = end;
          hub.lastSeq = end;
        }
      } catch (err) {
        if (!stopped) fail(err);
      }
    };
    const readNew = () =>
      stopped ? Promise.resolve() : (reading ??= readRounds().finally(() => (reading = null)));
    const poll = setInterval(() => void readNew(), POLL_MS);
    hub.readUpToStore = async () => {
      const upTo = Number((await db.info()).update_seq);
      while (!stopped && hub.lastPos < upTo) await readNew();
    };
    hub.cancel = () => {
      stopped = true;
      clearInterval(poll);
      stopListening();
    };
    return hub;
  }

  function add(hub: Hub, change: Record<string, unknown>): void {
    const seq = change.seq;
    const id = change.id;
    if (typeof id !== 'string') return;
    let pos: number;
    if (hub.opaque) {
      if (typeof seq !== 'string' || hub.positions.has(seq)) return;
      pos = hub.lastPos + 1;
      hub.positions.set(seq, pos);
    } else {
      if (typeof seq !== 'number' || seq <= hub.lastPos) return;
      pos = seq;
    }
    const row = `${JSON.stringify(change)},\n`;
    const bytes = Buffer.byteLength(row);
    if (hub.logUsed + bytes > hub.log.length) {
      hub.log = Buffer.allocUnsafe(Math.max(LOG_BLOCK_BYTES, bytes));
      hub.logUsed = 0;
    }
    const start = hub.logUsed;
    hub.logUsed += hub.log.write(row, start);
    const entry: Entry = {
      pos,
      seq,
      at: now(),
      id,
      block: hub.log,
      start,
      end: hub.logUsed - ROW_SEPARATOR.length,
      superseded: false,
    };
    const earlier = hub.latest.get(id);
    if (earlier) earlier.superseded = true;
    hub.latest.set(id, entry);
    hub.entries.push(entry);
    hub.lastPos = pos;
    hub.lastSeq = seq;
    // Trimmed by a tenth at a time: checking every waiter on each change cost more than a scan.
    if (hub.entries.length > maxChanges + trimBy) {
      const dropped = hub.entries.splice(0, hub.entries.length - maxChanges);
      hub.coveredFrom = dropped[dropped.length - 1]!.pos;
      for (const old of dropped) {
        if (hub.latest.get(old.id) === old) hub.latest.delete(old.id);
        if (hub.opaque) hub.positions.delete(String(old.seq));
      }
      for (const waiter of [...hub.waiters]) if (waiter.since < hub.coveredFrom) release(waiter);
    }
    for (const waiter of [...hub.streams]) stream(hub, waiter);
    scheduleFlush(hub, entry.at + gatherMs);
  }

  function scheduleFlush(hub: Hub, at: number): void {
    if (hub.flush && hub.flushAt <= at) return;
    clearTimeout(hub.flush);
    hub.flushAt = at;
    hub.flush = setTimeout(
      () => {
        hub.flush = undefined;
        hub.flushAt = Infinity;
        flush(hub);
      },
      Math.max(0, at - now()),
    );
  }

  /**
   * A feed so far behind that changes it has not had were dropped: it ends where it is, and the
   * client's next request from there goes to the store, which has them all.
   */
  function release(waiter: Waiter): void {
    if (waiter.continuous) return finishContinuous(waiter);
    waiter.res.end(`{"results":[],"last_seq":${JSON.stringify(waiter.sinceSeq)},"pending":0}\n`);
    waiter.done();
  }

  /**
   * Answers every longpoll whose first change has waited `gatherMs`. Devices that are caught up
   * wait on the same seq, so one answer (built and encoded once) goes to most of them.
   */
  function flush(hub: Hub): void {
    const answers = new Map<string, Answer>();
    let next = Infinity;
    for (const waiter of [...hub.waiters]) {
      if (waiter.continuous) continue;
      const start = firstAfter(hub.entries, waiter.since);
      if (start >= hub.entries.length) continue;
      const due = hub.entries[start]!.at + gatherMs;
      if (due > now()) next = Math.min(next, due);
      else answerLongpoll(hub, waiter, start, answers);
    }
    if (next < Infinity) scheduleFlush(hub, next);
  }

  /** The answer with the changes from `start` on, as the store words it. */
  function answerFrom(
    hub: Hub,
    start: number,
    since: { pos: number; seq: Seq },
    limit: number,
    includeDocs: boolean,
  ): Answer {
    // The store's wording: `{"results":[\n<row>,\n<row>\n],\n"last_seq":…,"pending":…}\n`.
    const parts: Buffer[] = [RESULTS_OPEN];
    let rows = 0;
    let lastPos = since.pos;
    let lastSeq = since.seq;
    // A run of rows side by side in one log block, each with its separator after it.
    let run: { block: Buffer; start: number; end: number } | null = null;
    let i = start;
    for (; i < hub.entries.length && rows < limit; i++) {
      const entry = hub.entries[i]!;
      lastPos = entry.pos;
      lastSeq = entry.seq;
      if (entry.superseded) continue;
      if (rows === 0) parts.push(NEWLINE);
      rows += 1;
      if (!includeDocs) {
        if (rows > 1) parts.push(ROW_SEPARATOR);
        parts.push(lineOf(entry, false));
        continue;
      }
      if (run && run.block === entry.block && run.end === entry.start) {
        run.end = entry.end + ROW_SEPARATOR.length;
        continue;
      }
      if (run) parts.push(run.block.subarray(run.start, run.end));
      run = { block: entry.block, start: entry.start, end: entry.end + ROW_SEPARATOR.length };
    }
    // The last row's separator is left out.
    if (run) parts.push(run.block.subarray(run.start, run.end - ROW_SEPARATOR.length));
    const pending = hub.entries.length - i;
    const last = JSON.stringify(lastSeq);
    parts.push(
      Buffer.from(`${rows === 0 ? '' : '\n'}],\n"last_seq":${last},"pending":${pending}}\n`),
    );
    return { lastPos, lastSeq, rows, body: Buffer.concat(parts) };
  }

  function answerLongpoll(
    hub: Hub,
    waiter: Waiter,
    start: number,
    answers: Map<string, Answer>,
  ): void {
    // From the same first change, the answer does not depend on the waiter's own `since`.
    const key = `${start}|${waiter.limit}|${waiter.includeDocs}`;
    let answer = answers.get(key);
    if (answer === undefined) {
      const since = { pos: waiter.since, seq: waiter.sinceSeq };
      answer = answerFrom(hub, start, since, waiter.limit, waiter.includeDocs);
      answers.set(key, answer);
    }
    waiter.since = answer.lastPos;
    waiter.sinceSeq = answer.lastSeq;
    if (answer.rows === 0) return; // only superseded changes: nothing new to say yet
    waiter.res.end(answer.body);
    waiter.done();
  }

  /** Writes what a continuous feed has not had yet; it ends when its limit is reached. */
  function stream(hub: Hub, waiter: Waiter): void {
    const start = firstAfter(hub.entries, waiter.since);
    for (let i = start; i < hub.entries.length && waiter.limit > 0; i++) {
      const entry = hub.entries[i]!;
      waiter.since = entry.pos;
      waiter.sinceSeq = entry.seq;
      if (entry.superseded) continue;
      waiter.res.write(Buffer.concat([lineOf(entry, waiter.includeDocs), NEWLINE]));
      waiter.limit -= 1;
    }
    if (waiter.limit <= 0) finishContinuous(waiter);
  }

  /** Where a feed starts in the hub; null: the store answers it. */
  async function startOf(
    db: string,
    opened: Hub | null,
    feed: FeedRequest,
  ): Promise<{ hub: Hub; since: number; sinceSeq: Seq } | null> {
    let hub = opened;
    if (!hub) return null;
    if (feed.since === 'now') return { hub, since: hub.lastPos, sinceSeq: hub.lastSeq };
    if (!hub.opaque) {
      if (typeof feed.since !== 'number') return null;
      // A catch-up read, or a `since` the hub has not read up to yet: what the store has
      // written until now is read first, so a client sees its own writes as the store shows them.
      if (feed.kind === 'normal' || feed.since > hub.lastPos) {
        await hub.readUpToStore();
        hub = (await hubs.get(db)) ?? null;
        if (!hub) return null;
      }
      if (feed.since < hub.coveredFrom || feed.since > hub.lastPos) return null;
      return { hub, since: feed.since, sinceSeq: feed.since };
    }
    // Apache CouchDB: a catch-up read must see the client's own writes, which the hub may not
    // have heard of yet, and CouchDB's seqs cannot tell: the store answers it.
    if (feed.kind === 'normal') return null;
    const since = String(feed.since);
    const known = hub.positions.get(since);
    if (known !== undefined) {
      return known < hub.coveredFrom ? null : { hub, since: known, sinceSeq: since };
    }
    // A seq from the store itself (a catch-up read): if the store has nothing after it, the
    // device has everything the hub had when asked; anything it hears again is a no-op.
    const pos = hub.lastPos;
    const seq = hub.lastSeq;
    try {
      if (!(await hub.storeHasNothingAfter(since))) return null;
    } catch {
      return null;
    }
    if (hubs.get(db) === undefined || pos < hub.coveredFrom) return null;
    return { hub, since: pos, sinceSeq: seq };
  }

  function finishContinuous(waiter: Waiter): void {
    waiter.res.end(`{"last_seq":${JSON.stringify(waiter.sinceSeq)}}\n`);
    waiter.done();
  }

  return {
    /**
     * Answers a `_changes` request of `db` from memory; false when it must go to the store
     * (nothing has been sent then).
     */
    async serve(db: string, feed: FeedRequest, res: ServerResponse): Promise<boolean> {
      if (closed) return false;
      let pending = hubs.get(db);
      if (!pending) {
        pending = open(db).catch((err: unknown) => {
          opts.log.error({ err, db }, 'changes hub could not open; feeds go to the store');
          hubs.delete(db);
          return null;
        });
        hubs.set(db, pending);
      }
      const found = await startOf(db, await pending, feed);
      if (!found) return false;
      const { hub, since, sinceSeq } = found;
      if (feed.kind === 'normal') {
        // A device catching up reads until an empty answer (RxDB); with scans arriving every
        // millisecond it would ask again at once, each time for a handful. Changes younger than
        // `gatherMs` wait that long, as for a longpoll: the answer has them all, a little later.
        const start = firstAfter(hub.entries, since);
        const wait = start < hub.entries.length ? hub.entries[start]!.at + gatherMs - now() : 0;
        if (wait > 0) {
          await new Promise((resolve) => setTimeout(resolve, wait));
          if (closed || since < hub.coveredFrom) return false;
        }
      }

      res.statusCode = 200;
      res.setHeader('Content-Type', 'application/json');
      res.setHeader('Cache-Control', 'must-revalidate');
      if (feed.kind === 'normal') {
        const start = firstAfter(hub.entries, since);
        const from = { pos: since, seq: sinceSeq };
        res.end(answerFrom(hub, start, from, feed.limit, feed.includeDocs).body);
        return true;
      }
      const continuous = feed.kind === 'continuous';
      const heartbeat = setInterval(() => res.write('\n'), feed.heartbeatMs);
      const timeout =
        feed.timeoutMs === null
          ? undefined
          : setTimeout(() => {
              if (continuous) finishContinuous(waiter);
              else {
                const last = JSON.stringify(waiter.sinceSeq);
                res.end(`{"results":[],"last_seq":${last},"pending":0}\n`);
                waiter.done();
              }
            }, feed.timeoutMs);
      const waiter: Waiter = {
        since,
        sinceSeq,
        limit: feed.limit,
        includeDocs: feed.includeDocs,
        continuous,
        res,
        done: () => {
          clearInterval(heartbeat);
          clearTimeout(timeout);
          hub.waiters.delete(waiter);
          hub.streams.delete(waiter);
        },
      };
      res.on('close', waiter.done);
      hub.waiters.add(waiter);
      if (continuous) {
        hub.streams.add(waiter);
        res.flushHeaders();
        stream(hub, waiter);
        return true;
      }
      const start = firstAfter(hub.entries, since);
      if (start < hub.entries.length) {
        const due = hub.entries[start]!.at + gatherMs;
        if (due <= now()) answerLongpoll(hub, waiter, start, new Map());
        else scheduleFlush(hub, due);
      }
      return true;
    },
    async close(): Promise<void> {
      closed = true;
      const open = await Promise.all(hubs.values());
      hubs.clear();
      for (const hub of open) {
        if (!hub) continue;
        hub.cancel();
        clearTimeout(hub.flush);
        for (const waiter of [...hub.waiters]) {
          waiter.res.end();
          waiter.done();
        }
      }
    },
  };
}

export type ChangesHub = ReturnType<typeof createChangesHub>;
