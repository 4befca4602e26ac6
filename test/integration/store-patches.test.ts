// The patches under patches/ fix failures of the embedded store that ended or confused the
// server; each is checked here against the real modules, so an upgrade that drops one shows.
import http from 'node:http';
import { createRequire } from 'node:module';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import PouchDB from 'pouchdb';
import type { PouchDatabase } from 'pouchdb';
import { afterAll, describe, expect, it } from 'vitest';
import { durableLeveldown } from '../../lib/node/durable-leveldown';
import { forEachEntry } from '../../sync-server/exports/level-read';
import { openPouchStore } from '../../sync-server/store/pouch-store';
import type { Store } from '../../sync-server/store/store';

// PouchDB's own leveldown, to read what it stored.
const requireFromPouch = createRequire(createRequire(import.meta.url).resolve('pouchdb'));
const dirs: string[] = [];
/** express-pouchdb passes the user as an option PouchDB's own typings do not name. */
type ChangesOptions = Parameters<PouchDatabase['changes']>[0];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

function get(socketPath: string, urlPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ socketPath, path: urlPath }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.setTimeout(5_000, () => req.destroy(new Error('feed never answered')));
  });
}

/** The embedded store's private socket. */
function socketOf(store: Store): string {
  if (!('socketPath' in store.upstream)) throw new Error('not an embedded store');
  return store.upstream.socketPath;
}

/**
 * Runs `use` on a fresh embedded store and answers the unhandled rejections seen meanwhile (and
 * for 100 ms after, for errors that surface late).
 */
async function unhandledWhile(use: (store: Store) => Promise<void>): Promise<unknown[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'dockhand-patch-'));
  dirs.push(dir);
  const store = await openPouchStore({ dataDir: dir, sessionTimeoutS: 600, maxBodyBytes: 1e6 });
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    await use(store);
    await new Promise((r) => setTimeout(r, 100));
    return unhandled;
  } finally {
    process.off('unhandledRejection', onUnhandled);
    await store.close();
  }
}

// pouchdb-changeslike-wrapper re-emitted every 'error' on its own emitter; with no listener (a
// .then() caller, as express-pouchdb's longpoll is) the emit threw inside PouchDB's promise chain.
describe('pouchdb-changeslike-wrapper patch', () => {
  it.each(['continuous', 'longpoll'])(
    'a filtered %s feed on a database that closed answers with an error, never an unhandled rejection',
    async (feed) => {
      const unhandled = await unhandledWhile(async (store) => {
        const db = await store.database('jobs');
        await db.put({ _id: '_design/f', filters: { all: 'function (doc) { return true; }' } });
        // As at shutdown: the database closes while the server still takes a request.
        await db.close();
        const socketPath = socketOf(store);
        const res = await get(socketPath, `/jobs/_changes?feed=${feed}&filter=f/all&since=now`);
        expect(res.status).toBeGreaterThanOrEqual(400);
      });
      expect(unhandled).toEqual([]);
    },
  );

  // CI caught this at shutdown: a device's feed (a user, not an admin, so the security check runs
  // first) started on a database that had just closed. express-pouchdb listens for events only.
  it("a user's feed on a closed database reports the error to listeners and to .then() callers, once", async () => {
    const heard: string[] = [];
    let viaThen = '';
    const unhandled = await unhandledWhile(async (store) => {
      await store.addServerAdmin('admin', 'a-long-test-password');
      const db = await store.database('scans');
      await db.close();
      const userCtx = { name: 'picker', roles: ['scanner'] };
      for (const live of [true, false]) {
        const feed = db.changes({ since: 'now', live, userCtx } as ChangesOptions);
        feed.on('error', (err) => {
          heard.push(`${live ? 'live' : 'once'}: ${(err as Error).message}`);
        });
      }
      viaThen = await Promise.resolve(db.changes({ since: 'now', userCtx } as ChangesOptions)).then(
        () => 'resolved',
        (err: Error) => err.message,
      );
    });
    expect(heard.sort()).toEqual(['live: database is closed', 'once: database is closed']);
    expect(viaThen).toBe('database is closed');
    expect(unhandled).toEqual([]);
  });
});

// _appendNewDocs (pouchdb patch) writes brand-new first revisions in one LevelDB batch for
// imports. What it stores must be what PouchDB's own new_edits:false write stores.
describe('pouchdb _appendNewDocs patch', () => {
  type Raw = [string, string][];
  type AppendResult = { written: number; existing: number[] };
  type Doc = Record<string, unknown>;
  /** The part of a PouchDB database these tests call. */
  interface Db {
    put(doc: Doc): Promise<{ rev: string }>;
    get(id: string): Promise<Doc>;
    remove(id: string, rev: string): Promise<unknown>;
    bulkDocs(docs: Doc[], opts: { new_edits: false }): Promise<unknown>;
    info(): Promise<{ doc_count: number; update_seq: number }>;
    changes(opts: { since: number }): Promise<{ results: { id: string; seq: number }[] }>;
    close(): Promise<void>;
    _appendNewDocs(docs: Doc[], cb: (err: unknown, r?: AppendResult) => void): void;
  }
  const append = (db: Db, docs: Doc[]) =>
    new Promise<AppendResult>((resolve, reject) =>
      db._appendNewDocs(docs, (err, r) => (err ? reject(err) : resolve(r!))),
    );
  const rev = (c: string) => `1-${c.repeat(32)}`;

  async function freshDb(): Promise<{ db: Db; dir: string }> {
    const dir = await mkdtemp(path.join(tmpdir(), 'dockhand-append-'));
    dirs.push(dir);
    return { db: new PouchDB(path.join(dir, 'db')) as unknown as Db, dir };
  }

  /** Every LevelDB entry, with seq numbers replaced by the id they belong to. */
  async function stored(dir: string): Promise<Record<string, unknown>> {
    const level = requireFromPouch('leveldown')(path.join(dir, 'db'));
    await new Promise<void>((resolve, reject) =>
      level.open((err: unknown) => (err ? reject(err) : resolve())),
    );
    const raw: Raw = [];
    await forEachEntry(level, {}, (key, value) => raw.push([key, value]));
    await new Promise((resolve) => level.close(resolve));
    const out: Record<string, unknown> = {};
    for (const [key, value] of raw) {
      if (key.endsWith('_local_uuid')) continue;
      const parsed = JSON.parse(value) as Record<string, unknown>;
      if (key.startsWith('\xffby-sequence\xff')) out[`body ${String(parsed._id)}`] = parsed;
      else if (key.startsWith('\xffdocument-store\xff')) {
        const { seq: _seq, rev_map: revMap, ...meta } = parsed;
        out[`meta ${key.slice(16)}`] = { ...meta, revs: Object.keys(revMap as object) };
      } else out[key] = parsed;
    }
    return out;
  }

  it('stores exactly what bulkDocs with new_edits:false stores, in one write', async () => {
    const docs = [
      { _id: 'm:2', _rev: rev('a'), number: '2', nested: { q: [1, 'x'] }, text: 'ü€😀 "<b>"' },
      { _id: 'm:1', _rev: rev('b'), number: '1' },
    ];
    const a = await freshDb();
    const b = await freshDb();
    await a.db.put({ _id: 'before', x: 1 });
    await b.db.put({ _id: 'before', x: 1 });
    await a.db.bulkDocs(structuredClone(docs), { new_edits: false });
    expect(await append(b.db, structuredClone(docs))).toEqual({ written: 2, existing: [] });
    const infoA = await a.db.info();
    const infoB = await b.db.info();
    expect([infoB.doc_count, infoB.update_seq]).toEqual([infoA.doc_count, infoA.update_seq]);
    expect(await b.db.get('m:2')).toEqual(await a.db.get('m:2'));
    // The adapter's counters moved on: the next ordinary write takes the next sequence.
    await b.db.put({ _id: 'after' });
    const changes = await b.db.changes({ since: 0 });
    expect(changes.results.map((r) => [r.id, r.seq])).toEqual([
      ['before', 1],
      ['m:2', 2],
      ['m:1', 3],
      ['after', 4],
    ]);
    await a.db.put({ _id: 'after' });
    await a.db.close();
    await b.db.close();
    expect(await stored(b.dir)).toEqual(await stored(a.dir));
  });

  it('leaves ids that exist (live or deleted) or repeat for bulkDocs, and refuses edits', async () => {
    const { db } = await freshDb();
    await db.put({ _id: 'm:live', v: 'old' });
    const gone = await db.put({ _id: 'm:gone' });
    await db.remove('m:gone', gone.rev);
    const result = await append(db, [
      { _id: 'm:live', _rev: rev('c'), v: 'new' },
      { _id: 'm:gone', _rev: rev('d') },
      { _id: 'm:new', _rev: rev('e') },
      { _id: 'm:new', _rev: rev('f') },
      { _id: 'm:\ud800', _rev: rev('a') }, // not valid UTF-8 as a key
    ]);
    expect(result).toEqual({ written: 1, existing: [0, 1, 3, 4] });
    expect(await db.get('m:live')).toMatchObject({ v: 'old' });
    await expect(db.get('m:gone')).rejects.toMatchObject({ status: 404 });
    expect(await db.get('m:new')).toMatchObject({ _rev: rev('e') });
    for (const bad of [
      { _id: 'm:x', _rev: '2-' + 'a'.repeat(32) },
      { _id: '_design/x', _rev: rev('a') },
      { _id: 'm:x', _rev: rev('a'), _deleted: true },
      { _id: 'm:x' },
    ])
      await expect(append(db, [bad])).rejects.toMatchObject({ status: 500 });
    expect((await db.info()).doc_count).toBe(2);
    await db.close();
  });

  it('looks up exactly the batch ids, not every id stored between its lowest and highest', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'dockhand-append-'));
    dirs.push(dir);
    let iterators = 0;
    let keysLookedUp = 0;
    const leveldown = durableLeveldown((_location, level) => {
      const raw = level as {
        iterator: (...args: unknown[]) => unknown;
        getMany: (keys: unknown[], ...rest: unknown[]) => void;
      };
      const { iterator, getMany } = raw;
      raw.iterator = (...args) => {
        iterators += 1;
        return iterator.apply(level, args);
      };
      raw.getMany = (keys, ...rest) => {
        keysLookedUp += keys.length;
        getMany.call(level, keys, ...rest);
      };
    });
    const db = new PouchDB(path.join(dir, 'db'), {
      db: leveldown,
    } as Record<string, unknown>) as unknown as Db;
    await db.info(); // open
    // A manifest's numbers come in no order: every batch spans what is stored.
    const ids = Array.from(
      { length: 2_000 },
      (_, i) => `m:${String((i * 7_919) % 2_000).padStart(5, '0')}`,
    );
    await append(
      db,
      ids.slice(0, 1_000).map((_id) => ({ _id, _rev: rev('a') })),
    );
    iterators = 0;
    keysLookedUp = 0;
    const second = ['m:00000', ...ids.slice(1_000, 1_010), 'm:99999'];
    const result = await append(
      db,
      second.map((_id) => ({ _id, _rev: rev('b') })),
    );
    expect(result.existing).toEqual([0]); // m:00000 was in the first batch
    expect(result.written).toBe(second.length - 1);
    expect(keysLookedUp).toBe(second.length);
    expect(iterators).toBe(0);
    await db.close();
  });
});

// pouchdb-validation compiled the design document's validate_doc_update again for every document
// of a batch, so one _bulk_docs of 12,000 small documents held ~470 MB and ended the server.
function post(store: Store, urlPath: string, body: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        socketPath: socketOf(store),
        path: urlPath,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve(JSON.parse(text)));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('pouchdb-validation patch', () => {
  it('compiles a validation function once per design-document revision, not per document', async () => {
    const coucheval = createRequire(createRequire(import.meta.url).resolve('pouchdb-validation'))(
      'couchdb-eval',
    ) as { evaluate: (...args: unknown[]) => unknown };
    const evaluate = coucheval.evaluate;
    let compiled = 0;
    coucheval.evaluate = (...args: unknown[]) => {
      compiled += 1;
      return evaluate(...args);
    };
    try {
      const unhandled = await unhandledWhile(async (store) => {
        const db = await store.database('checked');
        await db.put({
          _id: '_design/v',
          validate_doc_update:
            'function (doc) { if (doc.bad) throw { forbidden: "bad " + doc._id }; }',
        });
        compiled = 0; // the store compiled _users' own rules as it opened
        const docs = Array.from({ length: 300 }, (_, i) => ({ _id: `d${i}`, bad: i % 3 === 0 }));
        const results = (await post(store, '/checked/_bulk_docs', { docs })) as Array<{
          error?: string;
        }>;
        expect(results.filter((r) => r.error === 'forbidden')).toHaveLength(100);
        expect(compiled).toBe(1);
        // A new revision of the design document is compiled once more, and its rule holds.
        const ddoc = await db.get('_design/v');
        await db.put({
          ...ddoc,
          validate_doc_update: 'function (doc) { throw { forbidden: "no" }; }',
        });
        const after = (await post(store, '/checked/_bulk_docs', {
          docs: [{ _id: 'x1' }, { _id: 'x2' }],
        })) as Array<{ error?: string }>;
        expect(after.map((r) => r.error)).toEqual(['forbidden', 'forbidden']);
        expect(compiled).toBe(2);
      });
      expect(unhandled).toEqual([]);
    } finally {
      coucheval.evaluate = evaluate;
    }
  });

  it('reads the design documents once until a write changes one', async () => {
    const unhandled = await unhandledWhile(async (store) => {
      const db = await store.database('kept');
      let designReads = 0;
      const counted = db as unknown as { allDocs(opts?: { startkey?: string }): unknown };
      const allDocs = counted.allDocs;
      counted.allDocs = function (this: unknown, ...args: [{ startkey?: string }?]) {
        if (args[0]?.startkey === '_design/') designReads += 1;
        return allDocs.apply(this, args);
      };
      // What each id got (the wrapper answers refused documents first, so by id, not by order).
      const push = async (...ids: string[]) => {
        const results = (await post(store, '/kept/_bulk_docs', {
          docs: ids.map((_id) => ({ _id })),
        })) as Array<{ id: string; error?: string }>;
        return Object.fromEntries(results.map((r) => [r.id, r.error ?? 'ok']));
      };
      await db.put({
        _id: '_design/v',
        validate_doc_update: 'function (doc) { if (doc._id[0] === "x") throw { forbidden: "x" }; }',
      });
      designReads = 0; // the design document's own write read them (there were none)
      for (let i = 0; i < 5; i++) {
        expect(await push(`a${i}`, `x${i}`)).toEqual({ [`a${i}`]: 'ok', [`x${i}`]: 'forbidden' });
      }
      expect(designReads).toBe(1);
      // Removing the design document lifts its rule at once.
      const ddoc = await db.get('_design/v');
      await db.put({ ...ddoc, _deleted: true });
      expect(await push('x9')).toEqual({ x9: 'ok' });
      expect(designReads).toBe(2);
      // A change the commit cannot describe (a losing replicated branch) is read again too.
      await (db as unknown as { bulkDocs(d: object[], o: object): Promise<unknown> }).bulkDocs(
        [{ _id: 'a0', _rev: '1-0000' }],
        { new_edits: false },
      );
      await push('b1');
      expect(designReads).toBe(3);
    });
    expect(unhandled).toEqual([]);
  });
});

describe('pouchdb commit listener patch', () => {
  type Change = { seq: number } & Record<string, unknown>;
  type Listener = (from: number, to: number, changes: Array<Change | null>) => void;
  /** PouchDB as used here (its bundled typings name less than it takes). */
  interface Db {
    _dockhandOnCommit(listener: Listener): () => void;
    info(): Promise<unknown>;
    bulkDocs(docs: object[], opts?: object): Promise<Array<{ id: string; rev: string }>>;
    put(doc: object): Promise<unknown>;
    changes(opts: object): Promise<{ results: Change[] }>;
    close(): Promise<void>;
  }

  it("tells each commit's changes exactly as the changes feed words them, or null", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'dockhand-commits-'));
    dirs.push(dir);
    const db = new PouchDB(path.join(dir, 'db')) as unknown as Db;
    // A second object on the same database: listeners hear writes made through any of them.
    const writer = new PouchDB(path.join(dir, 'db')) as unknown as Db;
    await db.info();
    const heard: Array<{ from: number; to: number; changes: Array<Change | null> }> = [];
    const stop = db._dockhandOnCommit((from, to, changes) =>
      heard.push({ from, to, changes: JSON.parse(JSON.stringify(changes)) }),
    );

    const [a] = await writer.bulkDocs([
      { _id: 'a', n: 1 },
      { _id: 'b', n: 2 },
    ]);
    await writer.bulkDocs([
      { _id: 'a', _rev: a!.rev, n: 3 },
      { _id: 'b', n: 9 }, // a conflict: not written, no seq
      { _id: 'c', _deleted: true },
    ]);
    // A replicated branch that loses (lower hash at the same depth) and one with an attachment.
    await writer.bulkDocs([{ _id: 'a', _rev: '2-0000', n: 'loser' }], { new_edits: false });
    await writer.put({
      _id: 'd',
      _attachments: { 'p.txt': { content_type: 'text/plain', data: 'aGk=' } },
    });
    await writer.bulkDocs([{ _id: '_local/x', n: 1 }]); // no seq: nothing to tell

    expect(heard.map(({ from, to }) => [from, to])).toEqual([
      [0, 2],
      [2, 4],
      [4, 5],
      [5, 6],
    ]);
    expect(heard.map(({ changes }) => changes.map((c) => c && c.seq))).toEqual([
      [1, 2],
      [3, 4],
      [null],
      [null],
    ]);
    // Each change told is the store's own answer for that seq, key for key and byte for byte.
    const store = (await db.changes({
      since: 0,
      include_docs: true,
      style: 'all_docs',
    })) as unknown as {
      results: Change[];
    };
    const told = heard.flatMap(({ changes }) => changes).filter((c): c is Change => c !== null);
    for (const change of told) {
      const now = store.results.find((r) => r.id === change.id)!;
      // A document written again later is listed at its later seq only (a at 1, 3 and 5).
      if (now.seq > change.seq) continue;
      expect(JSON.stringify(change)).toBe(JSON.stringify(now));
    }
    expect(told.filter((c) => store.results.some((r) => r.seq === c.seq))).toHaveLength(2);
    expect(told.find((c) => c.id === 'c')).toMatchObject({ deleted: true });

    stop();
    await writer.put({ _id: 'e' });
    expect(heard).toHaveLength(4);
    await db.close();
  });
});

describe('pouchdb one-call metadata read patch', () => {
  /** PouchDB as used here (its bundled typings name less than it takes). */
  interface Db {
    bulkDocs(docs: object[]): Promise<Array<Record<string, unknown>>>;
    allDocs(opts: object): Promise<{ rows: unknown[] }>;
    close(): Promise<void>;
  }
  type Raw = { getMany?: (...args: unknown[]) => void };

  /** The same writes on a fresh database; `oneCall` false takes PouchDB's own get per doc. */
  async function writes(oneCall: boolean) {
    const dir = await mkdtemp(path.join(tmpdir(), 'dockhand-getmany-'));
    dirs.push(dir);
    let raw: Raw | undefined;
    let manyCalls = 0;
    // The server's leveldown (durable writes), whose handles the patch reads through.
    const leveldown = durableLeveldown((_location, level) => {
      raw = level as Raw;
      const getMany = raw.getMany!;
      raw.getMany = oneCall
        ? (...args: unknown[]) => {
            manyCalls += 1;
            getMany.apply(level, args);
          }
        : undefined;
    });
    const db = new PouchDB(path.join(dir, 'db'), { db: leveldown } as Record<
      string,
      unknown
    >) as unknown as Db;
    const outcome = (rows: Array<Record<string, unknown>>) =>
      rows.map(({ ok, id, error }) => ({ ok, id, error }));
    const first = await db.bulkDocs([{ _id: 'a', n: 1 }, { _id: 'b' }, { _id: 'gone' }]);
    const revOf = (id: string) => first.find((r) => r.id === id)!.rev as string;
    const answers = [outcome(first)];
    answers.push(
      outcome(
        await db.bulkDocs([
          { _id: 'a', _rev: revOf('a'), n: 2 }, // an edit
          { _id: 'b', n: 9 }, // a conflict
          { _id: 'gone', _rev: revOf('gone'), _deleted: true },
          { _id: 'c' },
          { _id: 'c' }, // twice in one call
        ]),
      ),
    );
    answers.push(outcome(await db.bulkDocs([{ _id: 'gone' }, { _id: 'd' }])));
    const stored = await db.allDocs({ include_docs: true, conflicts: true });
    await db.close();
    expect(raw).toBeDefined();
    return { answers, stored: JSON.parse(JSON.stringify(stored)) as unknown, manyCalls };
  }

  it('reads the metadata of a multi-document write in one call, with the same outcome', async () => {
    const patched = await writes(true);
    const plain = await writes(false);
    expect(patched.manyCalls).toBe(3);
    expect(plain.manyCalls).toBe(0);
    // Revision ids are content hashes: the same writes give the same answers and stored state.
    expect(patched.answers).toEqual(plain.answers);
    expect(patched.stored).toEqual(plain.stored);
    expect(patched.answers[1]).toEqual([
      { ok: true, id: 'a', error: undefined },
      { ok: undefined, id: 'b', error: true },
      { ok: true, id: 'gone', error: undefined },
      { ok: true, id: 'c', error: undefined },
      { ok: undefined, id: 'c', error: true },
    ]);
  });
});
