// Two sync servers in front of one Apache CouchDB share every piece of /api state (uploads, import
// jobs and their progress, remembered mappings, export marks: sync-server/api/server-db.ts), so a
// person whose requests land on either server sees one system; a server killed mid-import is
// noticed by the other, which ends the import with words that say what to do.
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEASE_MS } from '@/sync-server/api/lease';
import { makeSimpleManifest } from '../fixtures/xlsx/make-fixtures';
import { couchDbAvailable, couchDbUnavailableReason, startCouchDb } from '../helpers/couchdb';
import type { CouchDb } from '../helpers/couchdb';
import { TEST_ADMIN_PASSWORD, basicAuth, startTestSyncServer } from '../helpers/sync-server';
import type { TestSyncServer } from '../helpers/sync-server';
import { killSyncServer, spawnSyncServer } from '../helpers/sync-server-process';

const available = couchDbAvailable();
if (!available) console.warn(`Skipping the shared /api state test: ${couchDbUnavailableReason()}`);

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const ADMIN = basicAuth('admin', TEST_ADMIN_PASSWORD);
const MAPPING = { waybill: 1, consignee: 2, extra: [] };

interface Status {
  state: string;
  phase: string;
  manifestId: string;
  waybillsWritten: number;
  canRetry: boolean;
  error: { code: string; reason: string } | null;
}

async function api<T = Record<string, unknown>>(
  url: string,
  path: string,
  init: { json?: unknown; body?: Buffer } = {},
): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = { authorization: ADMIN };
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  if (init.body) Object.assign(headers, { 'content-type': XLSX, 'x-file-name': 'day.xlsx' });
  const res = await fetch(`${url}${path}`, {
    method: init.json !== undefined || init.body ? 'POST' : 'GET',
    headers,
    ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
    ...(init.body ? { body: new Uint8Array(init.body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: (text.startsWith('{') ? JSON.parse(text) : text) as T };
}

async function settled(url: string, importId: string, timeoutMs = 60_000): Promise<Status> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const { body } = await api<Status>(url, `/api/imports/${importId}`);
    if (body.state !== 'running') return body;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`import ${importId} did not settle through ${url}`);
}

/** A sync server in its own process on the shared CouchDB, so it can be killed, not closed. */
const spawnServer = (couch: CouchDb, dataDir: string) =>
  spawnSyncServer(dataDir, TEST_ADMIN_PASSWORD, {
    DOCKHAND_COUCHDB_URL: couch.url,
    DOCKHAND_COUCHDB_USER: couch.adminUser,
    DOCKHAND_COUCHDB_PASSWORD: couch.adminPassword,
  });
const kill = killSyncServer;

describe.skipIf(!available)('two sync servers on one CouchDB share the /api state', () => {
  let dir: string;
  let couch: CouchDb;
  let a: TestSyncServer;
  let b: { child: ChildProcess; url: string };
  let small: Buffer;
  let big: Buffer;

  beforeAll(async () => {
    dir = await mkdtemp(join(os.tmpdir(), 'dockhand-shared-'));
    await makeSimpleManifest(join(dir, 'small.xlsx'), 30);
    await makeSimpleManifest(join(dir, 'big.xlsx'), 40_000);
    [small, big] = await Promise.all([
      readFile(join(dir, 'small.xlsx')),
      readFile(join(dir, 'big.xlsx')),
    ]);
    couch = await startCouchDb({ adminUser: 'dockhand-service' });
    const couchdb = { url: couch.url, user: couch.adminUser, password: couch.adminPassword };
    a = await startTestSyncServer({ config: { couchdb } });
    b = await spawnServer(couch, join(dir, 'server-b'));
  }, 120_000);

  afterAll(async () => {
    if (b) await kill(b.child);
    await a?.close();
    await couch?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('upload on A, preview and import on B, progress and the mapping on A, same exports', async () => {
    const up = await api<{ uploadId: string; fingerprint: string }>(
      a.url,
      '/api/manifests/uploads',
      {
        body: small,
      },
    );
    expect(up.status).toBe(201);
    // The file was kept by A; B previews it and imports it.
    const preview = await api<{ sheet: string; rows: unknown[] }>(
      b.url,
      `/api/manifests/uploads/${up.body.uploadId}?sheet=Sheet1`,
    );
    expect(preview.status).toBe(200);
    expect(preview.body.rows.length).toBeGreaterThan(0);
    const started = await api<{ importId: string; manifestId: string }>(
      b.url,
      `/api/manifests/uploads/${up.body.uploadId}/import`,
      { json: { name: 'Shared', mapping: MAPPING } },
    );
    expect(started.status).toBe(202);
    // A second admin on A sees B's import, to its end.
    const listed = await api<{ imports: { id: string }[] }>(a.url, '/api/imports');
    expect(listed.body.imports.map((i) => i.id)).toContain(started.body.importId);
    const done = await settled(a.url, started.body.importId);
    expect(done).toMatchObject({ state: 'done', waybillsWritten: 30 });

    // The mapping B remembered is offered on A for the next file of that layout.
    const again = await api<{ remembered: { mapping: unknown } | null }>(
      a.url,
      '/api/manifests/uploads',
      { body: small },
    );
    expect(again.body.remembered?.mapping).toMatchObject(MAPPING);

    // Both servers export the same rows.
    const exportOf = async (url: string) => {
      const res = await fetch(
        `${url}/api/manifests/${started.body.manifestId}/export?kind=missing&format=csv`,
        { headers: { authorization: ADMIN } },
      );
      expect(res.status).toBe(200);
      return res.text();
    };
    const [fromA, fromB] = await Promise.all([exportOf(a.url), exportOf(b.url)]);
    expect(fromA.split('\r\n').length).toBeGreaterThan(30);
    expect(fromB).toBe(fromA);
  }, 120_000);

  it('no device reaches the servers’ own database, through the guard or at CouchDB', async () => {
    const viaGuard = await fetch(`${a.dbUrl}/dockhand_server/_all_docs`, {
      headers: { authorization: ADMIN },
    });
    expect(viaGuard.status).toBe(404);
    await a.createUser('sue', 'sue-password-123', ['admin']);
    const direct = await fetch(`${couch.url}/dockhand_server/_all_docs`, {
      headers: { authorization: basicAuth('sue', 'sue-password-123') },
    });
    expect(direct.status).toBe(403);
  });

  it('a server killed mid-import: the other ends it clearly, and Retry imports the file', async () => {
    const up = await api<{ uploadId: string }>(a.url, '/api/manifests/uploads', { body: big });
    expect(up.status).toBe(201);
    const started = await api<{ importId: string; manifestId: string }>(
      b.url,
      `/api/manifests/uploads/${up.body.uploadId}/import`,
      { json: { name: 'Big', mapping: MAPPING } },
    );
    expect(started.status).toBe(202);
    const { importId, manifestId } = started.body;
    for (let i = 0; ; i++) {
      const { body } = await api<Status>(a.url, `/api/imports/${importId}`);
      if (body.state !== 'running') throw new Error(`import ended before the kill: ${body.state}`);
      if (body.waybillsWritten > 0) break;
      if (i === 600) throw new Error('A saw no progress of B’s import in 60 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    await kill(b.child);

    // Within its lease the job still looks alive; past it, A ends it and says what to do.
    const failed = await settled(a.url, importId, LEASE_MS + 30_000);
    expect(failed).toMatchObject({
      state: 'failed',
      waybillsWritten: 0,
      canRetry: true,
      error: { code: 'IMPORT_ERR_INTERRUPTED' },
    });
    expect(failed.error?.reason).toMatch(/stopped.*Press Retry/);
    const manifest = await fetch(`${a.dbUrl}/manifests/${manifestId}`, {
      headers: { authorization: ADMIN },
    });
    expect(await manifest.json()).toMatchObject({ status: 'failed', rowCount: 0 });
    const left = await fetch(
      `${a.dbUrl}/waybills/_all_docs?startkey=${encodeURIComponent(`"${manifestId}:"`)}&endkey=${encodeURIComponent(`"${manifestId}:\uffff"`)}&limit=5`,
      { headers: { authorization: ADMIN } },
    );
    expect(((await left.json()) as { rows: unknown[] }).rows).toEqual([]);

    const retried = await api<{ importId: string }>(a.url, `/api/imports/${importId}/retry`, {
      json: { mode: 'good-rows' },
    });
    expect(retried.status).toBe(202);
    expect(await settled(a.url, retried.body.importId, 120_000)).toMatchObject({
      state: 'done',
      waybillsWritten: 40_000,
    });
  }, 240_000);
});
