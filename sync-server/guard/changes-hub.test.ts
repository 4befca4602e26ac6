// The hub's bookkeeping against a stand-in store feed, answered over real HTTP: what a device
// gets when it asks at once (feed=normal), and when what it waits for falls out of memory; and
// on the real embedded store, fed by its commits.
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import PouchDB from 'pouchdb';
import type { PouchDatabase } from 'pouchdb';
import { afterEach, describe, expect, it } from 'vitest';
import { createChangesHub, feedRequestOf } from './changes-hub';
import type { ChangesHub } from './changes-hub';

const START_SEQ = 10;

/** A store's changes as PouchDB gives them: by seq, a document only at its latest write. */
function fakeStore() {
  const rows: Array<{ id: string; seq: number; changes: Array<{ rev: string }>; doc: unknown }> =
    [];
  const latest = new Map<string, number>();
  let seq = START_SEQ;
  const db = {
    info: async () => ({ update_seq: seq }),
    changes: async (opts: { since: number; limit: number }) => {
      const results = rows
        .filter((row) => row.seq > opts.since && latest.get(row.id) === row.seq)
        .slice(0, opts.limit);
      return { results, last_seq: results.at(-1)?.seq ?? opts.since };
    },
  } as unknown as PouchDatabase;
  return {
    db,
    /** The store takes a write of `id`. */
    write(id: string) {
      seq += 1;
      rows.push({ id, seq, changes: [{ rev: `${seq}-${id}` }], doc: { _id: id } });
      latest.set(id, seq);
      return seq;
    },
  };
}

const servers: http.Server[] = [];
const hubs: ChangesHub[] = [];
afterEach(async () => {
  for (const hub of hubs.splice(0)) await hub.close();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A hub on `db` served over HTTP (299: the request would go to the store); how to ask it. */
async function serveHub(db: PouchDatabase, maxChanges = 100, gatherMs = 0) {
  const hub = createChangesHub({
    database: async () => db,
    log: pino({ level: 'silent' }),
    maxChanges,
    gatherMs,
  });
  hubs.push(hub);
  const server = http.createServer((req, res) => {
    const query = new URL(req.url ?? '/', 'http://x').searchParams;
    void hub.serve('scans', feedRequestOf(query)!, res).then((served) => {
      if (!served) res.writeHead(299).end('to the store');
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return async (query: string) => {
    const res = await fetch(`http://127.0.0.1:${port}/?${query}`);
    return { status: res.status, text: await res.text() };
  };
}

async function start(maxChanges = 100, gatherMs = 0) {
  const store = fakeStore();
  const ask = await serveHub(store.db, maxChanges, gatherMs);
  // The hub opens on its first request (one that goes to the store: nothing held yet).
  expect((await ask('feed=normal&since=0')).status).toBe(299);
  return { store, ask };
}

describe('changes hub', () => {
  it('answers a catch-up read at once, newest revision only, a page at a time', async () => {
    const { store, ask } = await start();
    store.write('a');
    store.write('b');
    store.write('a'); // a again: its first change is superseded
    const last = store.write('c');
    const page = await ask(`feed=normal&since=${START_SEQ}&limit=2&include_docs=true`);
    expect(page.status).toBe(200);
    const first = JSON.parse(page.text) as { results: Array<{ id: string }>; last_seq: number };
    expect(first.results.map((r) => r.id)).toEqual(['b', 'a']);
    const rest = JSON.parse(
      (await ask(`feed=normal&since=${first.last_seq}&limit=2`)).text,
    ) as typeof first;
    expect(rest.results.map((r) => r.id)).toEqual(['c']);
    expect(rest.last_seq).toBe(last);
    const nothing = JSON.parse((await ask(`feed=normal&since=${last}`)).text) as typeof first;
    expect(nothing).toMatchObject({ results: [], last_seq: last });
  });

  it('sends a read from before what it holds to the store', async () => {
    const { store, ask } = await start(2);
    for (const id of ['a', 'b', 'c', 'd']) store.write(id);
    expect((await ask(`feed=normal&since=${START_SEQ}`)).status).toBe(299);
    expect((await ask(`feed=normal&since=${START_SEQ + 2}`)).status).toBe(200);
  });

  it('ends a waiting feed whose changes fell out of memory where it was, not past them', async () => {
    const { store, ask } = await start(2);
    const waiting = ask(`feed=longpoll&since=${START_SEQ}&limit=1`);
    await new Promise((r) => setTimeout(r, 50)); // it waits
    // More changes arrive at once than the hub keeps: a, b and c leave memory before any answer.
    for (const id of ['a', 'b', 'c', 'd', 'e']) store.write(id);
    const answer = JSON.parse((await waiting).text) as { results: unknown[]; last_seq: number };
    // It asks again from where it was, and that read goes to the store, which has a, b and c.
    expect(answer).toMatchObject({ results: [], last_seq: START_SEQ });
    expect((await ask(`feed=normal&since=${START_SEQ}`)).status).toBe(299);
  });

  it('holds a catch-up read of changes made this instant briefly, then answers with them', async () => {
    const { store, ask } = await start(100, 200);
    const old = store.write('old');
    await new Promise((r) => setTimeout(r, 250));
    const asked = performance.now();
    // Nothing young: at once.
    expect(JSON.parse((await ask(`feed=normal&since=${START_SEQ}`)).text)).toMatchObject({
      last_seq: old,
    });
    expect(performance.now() - asked).toBeLessThan(150);
    const young = store.write('young');
    const held = performance.now();
    const answer = JSON.parse((await ask(`feed=normal&since=${old}`)).text) as {
      results: Array<{ id: string }>;
      last_seq: number;
    };
    expect(performance.now() - held).toBeGreaterThanOrEqual(150);
    expect(answer.results.map((r) => r.id)).toEqual(['young']);
    expect(answer.last_seq).toBe(young);
  });
});

describe('changes hub on the embedded store', () => {
  it('takes plain writes as they commit, reads gaps back, and answers as the store does', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'dockhand-hub-'));
    /** PouchDB as used here (its bundled typings name less than it takes). */
    interface Db {
      bulkDocs(docs: object[], opts?: object): Promise<Array<{ id: string; rev: string }>>;
      changes(opts: object): Promise<{ results: unknown[] }>;
      close(): Promise<void>;
    }
    const db = new PouchDB(path.join(dir, 'scans')) as unknown as Db;
    try {
      let storeReads = 0;
      const changes = db.changes.bind(db);
      db.changes = (opts) => {
        storeReads += 1;
        return changes(opts);
      };
      const ask = await serveHub(db as unknown as PouchDatabase);
      const query = 'feed=normal&since=0&include_docs=true&style=all_docs';
      // Opens the hub on the empty database: it holds everything from seq 0.
      expect(JSON.parse((await ask(query)).text)).toMatchObject({ results: [], last_seq: 0 });
      const readsBefore = storeReads;

      const [a] = await db.bulkDocs([{ _id: 'a', n: 1 }, { _id: 'b' }]);
      await db.bulkDocs([
        { _id: 'a', _rev: a!.rev, n: 2 },
        { _id: 'c', _deleted: true },
      ]);
      const plain = await ask(query);
      expect(plain.status).toBe(200);
      expect(storeReads).toBe(readsBefore); // nothing read back
      const fromStore = await changes({ since: 0, include_docs: true, style: 'all_docs' });
      const answered = JSON.parse(plain.text) as { results: unknown[]; last_seq: number };
      expect(answered.results).toEqual(fromStore.results);
      expect(answered.last_seq).toBe(4);

      // A losing replicated branch cannot be told at commit: the hub reads it, then goes on.
      await db.bulkDocs([{ _id: 'b', _rev: '1-0000', n: 'loser' }], { new_edits: false });
      await db.bulkDocs([{ _id: 'd' }]);
      const after = await ask(query);
      expect(storeReads).toBeGreaterThan(readsBefore);
      const all = await changes({ since: 0, include_docs: true, style: 'all_docs' });
      expect((JSON.parse(after.text) as { results: unknown[] }).results).toEqual(all.results);
      const readsAfterGap = storeReads;
      await db.bulkDocs([{ _id: 'e' }]);
      const last = JSON.parse((await ask(query)).text) as { last_seq: number };
      expect(last.last_seq).toBe(7);
      expect(storeReads).toBe(readsAfterGap);
    } finally {
      await db.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
