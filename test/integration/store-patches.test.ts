// The patches under patches/ fix failures of the embedded store that ended or confused the
// server; each is checked here against the real modules, so an upgrade that drops one shows.
import http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openPouchStore } from '../../sync-server/store/pouch-store';

const dirs: string[] = [];
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

// pouchdb-changeslike-wrapper re-emitted every 'error' on its own emitter; with no listener (a
// .then() caller, as express-pouchdb's longpoll is) the emit threw inside PouchDB's promise chain.
describe('pouchdb-changeslike-wrapper patch', () => {
  it.each(['continuous', 'longpoll'])(
    'a filtered %s feed on a database that closed answers with an error, never an unhandled rejection',
    async (feed) => {
      const dir = await mkdtemp(path.join(tmpdir(), 'dockhand-patch-'));
      dirs.push(dir);
      const store = await openPouchStore({ dataDir: dir, sessionTimeoutS: 600, maxBodyBytes: 1e6 });
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown) => unhandled.push(reason);
      process.on('unhandledRejection', onUnhandled);
      try {
        const db = await store.database('jobs');
        await db.put({ _id: '_design/f', filters: { all: 'function (doc) { return true; }' } });
        // As at shutdown: the database closes while the server still takes a request.
        await db.close();
        const socketPath = store.upstream.socketPath;
        const res = await get(socketPath, `/jobs/_changes?feed=${feed}&filter=f/all&since=now`);
        expect(res.status).toBeGreaterThanOrEqual(400);
        await new Promise((r) => setTimeout(r, 100));
        expect(unhandled).toEqual([]);
      } finally {
        process.off('unhandledRejection', onUnhandled);
        await store.close();
      }
    },
  );
});
