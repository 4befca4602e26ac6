// The embedded store: express-pouchdb + PouchDB (LevelDB on disk) served on a private Unix socket.
// Why a socket and not an in-process mount: the guard then treats the store exactly like an Apache
// CouchDB upstream (session lookup via GET /_session, byte-counted streaming proxy), and the
// express 4 app inside express-pouchdb never shares request objects with our express 5 app.
import type { EventEmitter } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import expressPouchDB from 'express-pouchdb';
import { getOrCreateDB } from 'express-pouchdb/lib/create-or-delete-dbs.js';
import PouchDB from 'pouchdb';
import type { PouchDatabase } from 'pouchdb';
import { durableLeveldown } from '@/lib/node/durable-leveldown';
import { installNativePasswordHash, PASSWORD_ITERATIONS } from './native-password-hash';
import { readStoreConfig, writeStoreConfig } from './store-config';
import type { LocalLevel, Store } from './store';

/** The LevelDB handles PouchDB opened through recordingLeveldown, by location. */
const levelByLocation = new Map<string, LocalLevel>();
/** The databases stores handed out, to their LevelDB (see localLevelOf). */
const levelByDatabase = new WeakMap<PouchDatabase, LocalLevel>();

/**
 * PouchDB's leveldown with durable writes (lib/node/durable-leveldown.ts: a scan acknowledged to
 * a device is on disk), passed as PouchDB's documented `db` option so that the handles it opens
 * are known.
 */
const recordingLeveldown = durableLeveldown((location, level) =>
  levelByLocation.set(location, level as LocalLevel),
);

/**
 * The open LevelDB behind a database from an embedded store's database(), or null (another store,
 * or closed). Read-only use: PouchDB owns every write.
 */
export function localLevelOf(db: PouchDatabase): LocalLevel | null {
  const level = levelByDatabase.get(db);
  return level?.status === 'open' ? level : null;
}

export interface PouchStoreOptions {
  dataDir: string;
  sessionTimeoutS: number;
  maxBodyBytes: number;
}

/**
 * express-pouchdb parts we switch off: the Fauxton UI, vhosts/rewrites, server-side replication,
 * design-doc functions that run JS per request (_show/_list/_update/_temp_view), logs and stats.
 * The guard refuses these paths anyway; excluding them shrinks what a guard bug could expose.
 */
const EXCLUDED_PARTS = [
  // pouchdb-size walks the database folder (an lstat per file) on every info(), which each
  // session lookup makes of _users: 5-7 % of the server's CPU under load, for a figure unused.
  'disk-size',
  'routes/fauxton',
  'routes/vhosts',
  'routes/rewrite',
  'routes/cluster-rewrite',
  'routes/cluster',
  'routes/replicate',
  'replicator',
  'routes/special-test-auth',
  'routes/http-log',
  'routes/log',
  'routes/stats',
  'routes/db-updates',
  'routes/show',
  'routes/list',
  'routes/update',
  'routes/temp-views',
  'routes/compact',
  'routes/view-cleanup',
];

const MAX_FEEDS_PER_DATABASE = 5_000;
const AUTH_SECTION = 'couch_httpd_auth'; // https://docs.couchdb.org/en/stable/config/auth.html
const MAX_SOCKET_PATH = 100; // Unix socket paths are limited to ~104-108 bytes

function setConfig(
  app: ReturnType<typeof expressPouchDB>,
  section: string,
  key: string,
  value: unknown,
) {
  return new Promise<void>((resolve, reject) =>
    app.couchConfig.set(section, key, value, (err) => (err ? reject(err) : resolve())),
  );
}

function socketPathFor(dataDir: string): { socketPath: string; cleanupDir?: string } {
  const inData = path.join(dataDir, 'store.sock');
  if (inData.length <= MAX_SOCKET_PATH) return { socketPath: inData };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockhand-store-'));
  return { socketPath: path.join(dir, 'store.sock'), cleanupDir: dir };
}

export async function openPouchStore(opts: PouchStoreOptions): Promise<Store> {
  fs.mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  const dbDir = path.join(opts.dataDir, 'db');
  fs.mkdirSync(dbDir, { recursive: true, mode: 0o700 });

  // express-pouchdb's own config file races with itself (its constructor re-saves the file while
  // our first set() saves it too: ENOENT on rename), so its config lives in memory and we persist
  // the two values that must survive a restart — the hashed admins and the cookie secret.
  const persisted = readStoreConfig(opts.dataDir);
  installNativePasswordHash();
  const LocalPouch = PouchDB.defaults({ prefix: dbDir + path.sep, db: recordingLeveldown });
  const app = expressPouchDB(LocalPouch, {
    mode: 'fullCouchDB',
    inMemoryConfig: true,
    logPath: path.join(opts.dataDir, 'couch-log.txt'),
    overrideMode: { exclude: EXCLUDED_PARTS },
  });
  for (const [name, hash] of Object.entries(persisted.admins)) {
    await setConfig(app, 'admins', name, hash); // already hashed: stored as is
  }
  await setConfig(app, AUTH_SECTION, 'secret', persisted.secret);
  await setConfig(app, AUTH_SECTION, 'timeout', opts.sessionTimeoutS);
  await setConfig(app, AUTH_SECTION, 'iterations', PASSWORD_ITERATIONS);
  await setConfig(app, 'couchdb', 'max_document_size', opts.maxBodyBytes);
  writeStoreConfig(opts.dataDir, persisted);

  const { socketPath, cleanupDir } = socketPathFor(opts.dataDir);
  fs.rmSync(socketPath, { force: true }); // a stale socket from a killed process
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  fs.chmodSync(socketPath, 0o600);

  const database = async (name: string) => {
    const db = await getOrCreateDB(LocalPouch, name);
    // Each live _changes feed listens on its database: 200 devices are 600 feeds, not a leak
    // (test/integration/feeds.test.ts checks dropped feeds end); Node warns past 10 by default.
    (db as unknown as EventEmitter).setMaxListeners(MAX_FEEDS_PER_DATABASE);
    const level = levelByLocation.get(dbDir + path.sep + name);
    if (level) levelByDatabase.set(db, level);
    return app.dbWrapper.wrap(name, db); // wraps in place: the same object
  };

  return {
    kind: 'embedded',
    upstream: { socketPath },
    serverAdmins: () => Object.keys(app.couchConfig.getSection('admins')),
    async addServerAdmin(name, password) {
      await setConfig(app, 'admins', name, password); // express-pouchdb hashes it (pbkdf2)
      const hashed = app.couchConfig.getSection('admins')[name];
      if (!hashed?.startsWith('-pbkdf2-')) throw new Error('admin password was not hashed');
      persisted.admins[name] = hashed;
      writeStoreConfig(opts.dataDir, persisted);
    },
    database,
    databaseNames: () => LocalPouch.allDbs(),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      const open: PouchDatabase[] = [];
      LocalPouch.__dbCacheMap?.forEach((db) => open.push(db));
      await Promise.allSettled(open.map((db) => db.close()));
      fs.rmSync(socketPath, { force: true });
      if (cleanupDir) fs.rmSync(cleanupDir, { recursive: true, force: true });
    },
  };
}
