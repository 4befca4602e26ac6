// Coming back to an import: the server keeps the uploaded file and the import list (in the store,
// sync-server/api/server-db.ts), so a person can reload, leave, or live through a server restart
// and still see the outcome and import the good rows without uploading again; a server killed
// mid-import leaves no half manifest.
import fs from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { Request } from 'express';
import pino from 'pino';
import PouchDB from 'pouchdb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSyncServer } from '@/sync-server/app';
import type { SyncServer } from '@/sync-server/app';
import { configFromEnv } from '@/sync-server/config';
import { importLimits } from '@/sync-server/import';
import { openUploadRegistry } from '@/sync-server/api/uploads';
import { makeExceljsManifest, makeSimpleManifest } from '../fixtures/xlsx/make-fixtures';
import { basicAuth } from '../helpers/sync-server';
import { spawnSyncServer } from '../helpers/sync-server-process';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const PASSWORD = 'test-admin-password-123';
const ADMIN = basicAuth('admin', PASSWORD);
const silent = pino({ level: process.env.DOCKHAND_TEST_LOG_LEVEL ?? 'silent' });

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(os.tmpdir(), 'dockhand-resume-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function serverOn(dataDir: string): SyncServer {
  return createSyncServer(
    {
      ...configFromEnv({}),
      host: '127.0.0.1',
      port: 0,
      dataDir,
      adminUser: 'admin',
      adminPassword: PASSWORD,
      staticDir: join(dir, 'no-app'),
    },
    silent,
    { print: () => undefined },
  );
}

async function api<T = Record<string, unknown>>(
  url: string,
  path: string,
  init: { method?: string; json?: unknown; body?: Buffer } = {},
): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = { authorization: ADMIN };
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  if (init.body) {
    headers['content-type'] = XLSX;
    headers['x-file-name'] = 'day.xlsx';
  }
  const res = await fetch(`${url}${path}`, {
    method: init.method ?? (init.json !== undefined || init.body ? 'POST' : 'GET'),
    headers,
    ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
    ...(init.body ? { body: new Uint8Array(init.body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as T };
}

interface Status {
  id: string;
  state: string;
  uploadId: string;
  manifestId: string;
  waybillsWritten: number;
  canRetry: boolean;
  error: { code: string } | null;
  report: { valid: number; imported: number } | null;
}

async function settled(url: string, importId: string): Promise<Status> {
  for (let i = 0; i < 600; i++) {
    const { body } = await api<Status>(url, `/api/imports/${importId}`);
    if (body.state !== 'running') return body;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('import did not settle');
}

async function docsOf(url: string, db: string): Promise<Record<string, unknown>[]> {
  const res = await fetch(`${url}/db/${db}/_all_docs?include_docs=true`, {
    headers: { authorization: ADMIN },
  });
  const body = (await res.json()) as { rows: { id: string; doc: Record<string, unknown> }[] };
  return body.rows.filter((r) => !r.id.startsWith('_design/')).map((r) => r.doc);
}

describe('confirming the good rows later', () => {
  it('after a reload and a server restart, without uploading again', async () => {
    const dataDir = join(dir, 'good-rows');
    const file = join(dir, 'messy.xlsx');
    await makeExceljsManifest(file);
    let server = serverOn(dataDir);
    let { url } = await server.listen();
    try {
      const up = await api<{ uploadId: string; suggestion: { mapping: unknown } }>(
        url,
        '/api/manifests/uploads',
        { body: await readFile(file) },
      );
      expect(up.status).toBe(201);
      const started = await api<{ importId: string }>(
        url,
        `/api/manifests/uploads/${up.body.uploadId}/import`,
        { json: { name: 'Messy', mapping: up.body.suggestion.mapping, mode: 'refuse' } },
      );
      expect(started.status).toBe(202);
      const refused = await settled(url, started.body.importId);
      expect(refused).toMatchObject({
        state: 'failed',
        error: { code: 'IMPORT_ERR_ROWS_INVALID' },
        canRetry: true,
      });

      // The server restarts: the import, its report and the file are still there.
      await server.close();
      server = serverOn(dataDir);
      ({ url } = await server.listen());
      const list = await api<{ imports: Status[] }>(url, '/api/imports');
      expect(list.body.imports.map((j) => j.id)).toContain(started.body.importId);
      const again = await api<Status>(url, `/api/imports/${started.body.importId}`);
      expect(again.body).toMatchObject({ state: 'failed', canRetry: true });
      expect(again.body.report?.valid).toBe(refused.report?.valid);
      const report = await fetch(`${url}/api/imports/${started.body.importId}/report.xlsx`, {
        headers: { authorization: ADMIN },
      });
      expect(report.status).toBe(200);
      expect((await report.arrayBuffer()).byteLength).toBeGreaterThan(1000);
      const preview = await api(url, `/api/manifests/uploads/${up.body.uploadId}`);
      expect(preview.status).toBe(200);

      // "Import the good rows": the same file and choices, nothing sent again.
      const retried = await api<{ importId: string; manifestId: string }>(
        url,
        `/api/imports/${started.body.importId}/retry`,
        { json: { mode: 'good-rows' } },
      );
      expect(retried.status).toBe(202);
      const done = await settled(url, retried.body.importId);
      expect(done.state).toBe('done');
      expect(done.waybillsWritten).toBe(refused.report?.valid);
      const manifest = (await docsOf(url, 'manifests')).find(
        (m) => m._id === retried.body.manifestId,
      );
      expect(manifest).toMatchObject({ status: 'open', name: 'Messy' });
      const waybills = (await docsOf(url, 'waybills')).filter(
        (w) => w.manifestId === retried.body.manifestId,
      );
      expect(waybills).toHaveLength(done.waybillsWritten);

      // Imported: the file is gone, and a second "good rows" is refused clearly.
      expect(fs.readdirSync(join(dataDir, 'uploads'))).toEqual([]);
      const twice = await api(url, `/api/imports/${started.body.importId}/retry`, {
        json: { mode: 'good-rows' },
      });
      expect(twice).toMatchObject({ status: 404, body: { code: 'API_ERR_UNKNOWN_UPLOAD' } });
      expect((await api<Status>(url, `/api/imports/${started.body.importId}`)).body.canRetry).toBe(
        false,
      );
    } finally {
      await server.close();
    }
  });
});

/** Starts `sync-server/main.ts` in its own process (so it can be killed, not closed). */
const spawnServer = (dataDir: string) => spawnSyncServer(dataDir, PASSWORD);

describe('a server killed mid-import', () => {
  it('leaves no half manifest, says what happened, and the file can be imported again', async () => {
    const dataDir = join(dir, 'killed');
    const file = join(dir, 'rows-40k.xlsx');
    await makeSimpleManifest(file, 40_000, 4);
    const { child, url } = await spawnServer(dataDir);
    let importId = '';
    let manifestId = '';
    try {
      const up = await api<{ uploadId: string }>(url, '/api/manifests/uploads', {
        body: await readFile(file),
      });
      expect(up.status).toBe(201);
      const started = await api<{ importId: string; manifestId: string }>(
        url,
        `/api/manifests/uploads/${up.body.uploadId}/import`,
        { json: { name: 'Big', mapping: { waybill: 1, consignee: 2, extra: [] } } },
      );
      expect(started.status).toBe(202);
      ({ importId, manifestId } = started.body);
      // Wait until some waybills are stored (the job is in the store before the 202), then kill
      // the process without any clean-up (at once: 40k rows take ~2 s to import).
      for (let i = 0; ; i++) {
        const { body } = await api<Status>(url, `/api/imports/${importId}`);
        if (body.state !== 'running')
          throw new Error(`import ended before the kill: ${body.state}`);
        if (body.waybillsWritten > 0) break;
        if (i === 600) throw new Error('no waybills written in 30 s');
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    }

    const server = serverOn(dataDir);
    const { url: url2 } = await server.listen();
    try {
      const manifest = (await docsOf(url2, 'manifests')).find((m) => m._id === manifestId);
      expect(manifest).toMatchObject({ status: 'failed', rowCount: 0 });
      const left = (await docsOf(url2, 'waybills')).filter((w) => w.manifestId === manifestId);
      expect(left).toEqual([]);
      const status = await api<Status>(url2, `/api/imports/${importId}`);
      expect(status.body).toMatchObject({
        state: 'failed',
        error: { code: 'IMPORT_ERR_INTERRUPTED' },
        canRetry: true,
      });
      const retried = await api<{ importId: string }>(url2, `/api/imports/${importId}/retry`, {
        json: { mode: 'good-rows' },
      });
      expect(retried.status).toBe(202);
      const done = await settled(url2, retried.body.importId);
      expect(done).toMatchObject({ state: 'done', waybillsWritten: 40_000 });
    } finally {
      await server.close();
    }
  }, 180_000);
});

/** A request body as express would hand it to the registry. */
function requestOf(bytes: Buffer): Request {
  const req = new PassThrough() as unknown as Request & PassThrough;
  Object.assign(req, {
    headers: { 'content-length': String(bytes.length), 'x-file-name': 'f.xlsx' },
    complete: true,
  });
  setImmediate(() => (req as unknown as PassThrough).end(bytes));
  return req;
}

describe('kept uploads', () => {
  it('come back after a restart while young, expire when old, and stay under the size cap', async () => {
    const uploadsDir = join(dir, 'kept', 'uploads');
    const file = join(dir, 'kept.xlsx');
    await makeSimpleManifest(file, 50);
    const bytes = await readFile(file);
    const limits = importLimits();
    const db = new PouchDB(join(dir, 'kept-server-db'));
    let clock = Date.parse('2026-05-01T08:00:00Z');
    const open = (maxStoredBytes = 10 * bytes.length) =>
      openUploadRegistry({
        db,
        dir: uploadsDir,
        limits,
        log: silent,
        ttlMs: 60 * 60_000,
        maxStoredBytes,
        now: () => clock,
        sweepEveryMs: null,
      });

    try {
      let registry = await open();
      const first = (await registry.receive(requestOf(bytes), 'sue')).upload;
      clock += 10 * 60_000;
      const second = (await registry.receive(requestOf(bytes), 'sue')).upload;
      await registry.close();
      await writeFile(join(uploadsDir, 'leftover.xlsx.tmp'), 'half a file');

      // Restart 30 min later: both come back (with what was checked), the junk goes.
      clock += 20 * 60_000;
      registry = await open();
      expect(await registry.get(first.id)).toMatchObject({
        fileName: 'f.xlsx',
        bytes: bytes.length,
      });
      expect((await registry.get(first.id))?.inspection.sheets[0]?.rows).toBe(51);
      expect(
        (await registry.preview((await registry.get(second.id))!, undefined))?.rows.length,
      ).toBe(10);
      expect(fs.readdirSync(uploadsDir).sort()).toEqual(
        [`${first.id}.xlsx`, `${second.id}.xlsx`].sort(),
      );
      await registry.close();

      // 35 min later the first is past its hour (65 min): deleted on start; the second (55) is kept.
      clock += 35 * 60_000;
      registry = await open();
      expect(await registry.get(first.id)).toBeNull();
      expect(await registry.get(second.id)).not.toBeNull();
      expect(fs.readdirSync(uploadsDir)).not.toContain(`${first.id}.xlsx`);
      await registry.close();

      // A cap of two files: a third upload makes the oldest idle one go, never a busy one.
      registry = await open(2 * bytes.length);
      const third = (await registry.receive(requestOf(bytes), 'sue')).upload;
      expect(await registry.claim(third.id, 'import-1', async () => true)).toBe(true);
      // Busy with a live import: a second import of it is refused.
      expect(await registry.claim(third.id, 'import-2', async () => true)).toBe(false);
      const fourth = (await registry.receive(requestOf(bytes), 'sue')).upload;
      expect(await registry.get(second.id)).toBeNull();
      expect(await registry.get(third.id)).not.toBeNull();
      expect(await registry.get(fourth.id)).not.toBeNull();
      expect(fs.readdirSync(uploadsDir).filter((n) => n.endsWith('.xlsx'))).toHaveLength(2);
      // Its import's server died: the next import takes it over.
      expect(await registry.claim(third.id, 'import-3', async () => false)).toBe(true);
      await registry.close();
    } finally {
      await db.close();
    }
  });
});
