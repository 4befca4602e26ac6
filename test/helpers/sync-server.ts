// Starts a real sync server on 127.0.0.1 (free port, temp data dir) for integration and e2e tests.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { Scan } from '@/lib/schema';
import { createSyncServer } from '@/sync-server/app';
import { configFromEnv } from '@/sync-server/config';
import type { SyncServerConfig } from '@/sync-server/config';
import type { LoginLimitOptions } from '@/sync-server/guard/login-limit';
import { startCouchDb } from './couchdb';
import type { CouchDb } from './couchdb';

export const TEST_ADMIN_USER = 'admin';
export const TEST_ADMIN_PASSWORD = 'test-admin-password-123';

export interface StartTestSyncServerOptions {
  /** Reuse a data dir (restart tests); it is then not removed by close(). */
  dataDir?: string;
  /** Keep the temp data dir on close() so a second server can start on it. */
  keepDataDir?: boolean;
  /** Admin password; `null` lets the server generate (and print) one. */
  adminPassword?: string | null;
  staticDir?: string;
  corsOrigins?: string[];
  maxBodyBytes?: number;
  loginLimit?: LoginLimitOptions;
  /** Receives what the server prints to stdout (the once-only generated password). */
  print?: (text: string) => void;
  logLevel?: SyncServerConfig['logLevel'];
  /** Any other configuration (e.g. redirect rate limits, visit flush interval). */
  config?: Partial<SyncServerConfig>;
}

export interface TestSyncServer {
  url: string;
  /** `${url}/db`, without a trailing slash. */
  dbUrl: string;
  dataDir: string;
  /** An `Authorization` header value for the server admin. */
  adminAuth: string;
  createUser(name: string, password: string, roles: string[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * The store the suites run against: `DOCKHAND_TEST_STORE=couchdb` gives each test server its own
 * Apache CouchDB node (test/helpers/couchdb.ts); otherwise the embedded store.
 */
export const TEST_STORE: 'embedded' | 'couchdb' =
  process.env.DOCKHAND_TEST_STORE === 'couchdb' ? 'couchdb' : 'embedded';

/** CouchDB nodes kept for a data dir whose server closed with keepDataDir (restart tests). */
const keptCouchNodes = new Map<string, CouchDb>();

/**
 * For tests that build their own server: the `couchdb` configuration of the store under test (a
 * fresh CouchDB node when TEST_STORE is couchdb, null for the embedded store) and how to stop it.
 */
export async function testStoreConfig(): Promise<{
  couchdb: SyncServerConfig['couchdb'];
  stop(): Promise<void>;
}> {
  if (TEST_STORE !== 'couchdb') return { couchdb: null, stop: async () => undefined };
  const couch = await startCouchDb({ adminUser: 'dockhand-service' });
  return {
    couchdb: { url: couch.url, user: couch.adminUser, password: couch.adminPassword },
    stop: () => couch.stop(),
  };
}

/**
 * POSTs a body written by `write` straight to the socket (chunked, no Content-Length unless a
 * header sets one), for bodies fetch() would not send as such; answers the status.
 */
export function rawPost(
  url: string,
  headers: http.OutgoingHttpHeaders,
  write: (req: http.ClientRequest) => void,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const req = http.request(
      { host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    write(req);
  });
}

export function basicAuth(name: string, password: string): string {
  return `Basic ${Buffer.from(`${name}:${password}`).toString('base64')}`;
}

export async function startTestSyncServer(
  opts: StartTestSyncServerOptions = {},
): Promise<TestSyncServer> {
  const ownsDir = !opts.dataDir && !opts.keepDataDir;
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'dockhand-sync-'));
  const password = opts.adminPassword === undefined ? TEST_ADMIN_PASSWORD : opts.adminPassword;
  let couch: CouchDb | undefined;
  if (TEST_STORE === 'couchdb' && opts.config?.couchdb === undefined) {
    couch = keptCouchNodes.get(dataDir) ?? (await startCouchDb({ adminUser: 'dockhand-service' }));
    keptCouchNodes.delete(dataDir);
  }
  const config: SyncServerConfig = {
    ...configFromEnv({}),
    host: '127.0.0.1',
    port: 0,
    dataDir,
    adminUser: TEST_ADMIN_USER,
    adminPassword: password ?? undefined,
    staticDir: opts.staticDir ?? path.resolve('out'),
    corsOrigins: opts.corsOrigins ?? [],
    maxBodyBytes: opts.maxBodyBytes ?? 16 * 1024 * 1024,
    couchdb: couch
      ? { url: couch.url, user: couch.adminUser, password: couch.adminPassword }
      : null,
    ...opts.config,
  };
  const log = pino({ level: opts.logLevel ?? process.env.DOCKHAND_TEST_LOG_LEVEL ?? 'silent' });
  const server = createSyncServer(config, log, {
    print: opts.print ?? (() => undefined),
    loginLimit: opts.loginLimit,
  });
  let url: string;
  try {
    ({ url } = await server.listen());
  } catch (err) {
    await server.close();
    await couch?.stop();
    if (ownsDir) fs.rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  const dbUrl = `${url}/db`;
  const adminAuth = basicAuth(TEST_ADMIN_USER, password ?? '');

  return {
    url,
    dbUrl,
    dataDir,
    adminAuth,
    async createUser(name, userPassword, roles) {
      const id = `org.couchdb.user:${name}`;
      const res = await fetch(`${dbUrl}/_users/${encodeURIComponent(id)}`, {
        method: 'PUT',
        headers: { authorization: adminAuth, 'content-type': 'application/json' },
        body: JSON.stringify({ _id: id, name, password: userPassword, roles, type: 'user' }),
      });
      if (res.status !== 201) {
        throw new Error(`createUser(${name}) failed: ${res.status} ${await res.text()}`);
      }
    },
    async close() {
      await server.close();
      if (couch && !ownsDir) keptCouchNodes.set(dataDir, couch);
      else await couch?.stop();
      if (ownsDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

let scanSeq = 0;

/** A valid scan (lib/schema/scan.ts) as RxDB sends it: the primary key `id` becomes `_id`. */
export function scanDoc(
  user: string,
  overrides: Partial<Scan> = {},
): { _id: string } & Record<string, unknown> {
  scanSeq += 1;
  const scan: Scan = {
    id: `dev-1:01HZ${String(scanSeq).padStart(22, '0')}`,
    code: 'JD0140000001',
    normalised: 'JD0140000001',
    manifestId: 'm-1',
    result: 'matched',
    source: 'camera',
    deviceId: 'dev-1',
    user,
    scannedAt: '2026-11-23T08:00:00.000Z',
    ...overrides,
  };
  const { id, ...rest } = scan;
  return { _id: id, ...rest };
}

/** PUTs a new scan of `user` through the guard with `authorization`; answers its id. */
export async function putScanAs(
  dbUrl: string,
  authorization: string,
  user: string,
): Promise<string> {
  const doc = scanDoc(user);
  const res = await fetch(`${dbUrl}/scans/${encodeURIComponent(doc._id)}`, {
    method: 'PUT',
    headers: { authorization, 'content-type': 'application/json' },
    body: JSON.stringify(doc),
  });
  if (res.status !== 201)
    throw new Error(`scan not stored: HTTP ${res.status} ${await res.text()}`);
  return doc._id;
}
