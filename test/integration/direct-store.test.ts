// The embedded store's in-process write path (sync-server/store/direct-store.ts) against the real
// store: a device's push check (`_all_docs` with keys) is answered by one LevelDB lookup when none
// of the ids is held, exactly as PouchDB answers it, and by PouchDB itself otherwise.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDirectStore } from '../../sync-server/store/direct-store';
import type { DirectStore } from '../../sync-server/store/direct-store';
import { localLevelOf, openPouchStore } from '../../sync-server/store/pouch-store';
import type { Store } from '../../sync-server/store/store';

interface Db {
  allDocs(opts: Record<string, unknown>): Promise<unknown>;
  bulkDocs(docs: object[]): Promise<unknown>;
}

describe('direct store: push check', () => {
  let dir: string;
  let store: Store;
  let db: Db;
  let direct: DirectStore;
  /** Keys PouchDB's own allDocs was asked for, per call. */
  const pouchCalls: unknown[][] = [];
  const user = { name: 'sam', roles: ['scanner'] };
  const check = (keys: string[]) =>
    direct.allDocs('scans', { keys, include_docs: true, deleted: 'ok' }, user);
  /** What PouchDB itself answers, for comparison. */
  const pouchAnswer = (keys: string[]) => db.allDocs({ keys, include_docs: true, deleted: 'ok' });

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'dockhand-direct-'));
    store = await openPouchStore({ dataDir: dir, sessionTimeoutS: 600, maxBodyBytes: 1e6 });
    db = (await store.database('scans')) as unknown as Db;
    const allDocs = db.allDocs.bind(db);
    db.allDocs = (opts) => {
      pouchCalls.push(opts.keys as unknown[]);
      return allDocs(opts);
    };
    await db.bulkDocs([
      { _id: 'held-1', n: 1 },
      { _id: 'held-2', _deleted: true },
    ]);
    direct = createDirectStore((name) => store.database(name), localLevelOf);
  });
  afterAll(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers ids none of which is held from one lookup, as PouchDB words it', async () => {
    const keys = ['dev-1:01J0', 'dev-1:01J1', 'dev-1:01J0', 'ÿdocument-store'];
    pouchCalls.length = 0;
    const answer = await check(keys);
    // PouchDB was asked only the empty question (which lets _security decide), not the keys.
    expect(pouchCalls).toEqual([[]]);
    expect(answer).toEqual({ status: 200, json: await pouchAnswer(keys) });
  });

  it('leaves it to PouchDB when any id is held, live or deleted', async () => {
    for (const held of ['held-1', 'held-2']) {
      const keys = ['dev-1:01J2', held];
      pouchCalls.length = 0;
      const answer = await check(keys);
      expect(pouchCalls).toContainEqual(keys);
      expect(answer).toEqual({ status: 200, json: await pouchAnswer(keys) });
    }
  });

  it('leaves other options and ids that are not valid UTF-16 to PouchDB', async () => {
    pouchCalls.length = 0;
    const lone = ['dev-1:\ud800x'];
    expect(await check(lone)).toEqual({ status: 200, json: await pouchAnswer(lone) });
    expect(pouchCalls[0]).toEqual(lone);
    pouchCalls.length = 0;
    const answer = await direct.allDocs('scans', { keys: ['held-1'], conflicts: true }, user);
    expect(answer.status).toBe(200);
    expect(pouchCalls).toEqual([['held-1']]);
  });

  it("lets the database's _security refuse, and applies a change of it within a second", async () => {
    type Secured = { putSecurity(secObj: object): Promise<unknown> };
    const locked = (await store.database('locked')) as unknown as Secured;
    await locked.putSecurity({ members: { names: [], roles: ['supervisor'] } });
    const ask = () => direct.allDocs('locked', { keys: ['a'] }, user);
    expect(await ask()).toMatchObject({ status: 401, json: { error: 'unauthorized' } });
    await locked.putSecurity({ members: { names: [], roles: ['scanner'] } });
    await new Promise((r) => setTimeout(r, 1_100));
    expect(await ask()).toMatchObject({ status: 200 });
    const write = await direct.bulkDocs('locked', { docs: [{ _id: 'b' }] }, user);
    expect(write).toMatchObject({ status: 201, json: [{ ok: true, id: 'b' }] });
  });
});
