// The sync server end to end over HTTP: login, bootstrap, health, scans written as a scanner.
import { DATABASES } from '@/lib/schema';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scan } from '@/lib/schema';
import { TEST_STORE, basicAuth, scanDoc, startTestSyncServer } from '../helpers/sync-server';
import type { TestSyncServer } from '../helpers/sync-server';

const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json' };
const ANA = { name: 'ana', password: 'ana-password-123' };

describe('sync server', () => {
  let server: TestSyncServer;
  const ana = basicAuth(ANA.name, ANA.password);

  beforeAll(async () => {
    server = await startTestSyncServer();
    await server.createUser(ANA.name, ANA.password, ['scanner']);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers /health with the store state', async () => {
    const res = await fetch(`${server.url}/health`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      status: 'ok',
      store: { ok: true, databases: DATABASES.length + 1 }, // and dockhand_server
      version: '0.1.0',
    });
    expect(typeof body.uptimeS).toBe('number');
  });

  it('gives a session cookie at login that then works', async () => {
    const login = await fetch(`${server.dbUrl}/_session`, {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify(ANA),
    });
    expect(login.status).toBe(200);
    expect(await login.json()).toMatchObject({ ok: true, name: 'ana', roles: ['scanner'] });
    const setCookie = login.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^AuthSession=[^;]+;.*HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/);
    const cookie = setCookie.split(';')[0] ?? '';

    const session = await fetch(`${server.dbUrl}/_session`, {
      headers: { cookie, ...JSON_HEADERS },
    });
    expect(await session.json()).toMatchObject({ userCtx: { name: 'ana', roles: ['scanner'] } });
    const docs = await fetch(`${server.dbUrl}/scans/_all_docs?limit=10`, { headers: { cookie } });
    expect(docs.status).toBe(200);

    const logout = await fetch(`${server.dbUrl}/_session`, {
      method: 'DELETE',
      headers: { cookie },
    });
    expect(logout.status).toBe(200);
  });

  it('refuses a wrong password', async () => {
    const res = await fetch(`${server.dbUrl}/_session`, {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({ name: 'ana', password: 'wrong-password' }),
    });
    expect(res.status).toBe(401);
    const basic = await fetch(`${server.dbUrl}/scans`, {
      headers: { authorization: basicAuth('ana', 'nope') },
    });
    expect(basic.status).toBe(401);
  });

  it('lets a scanner write its own scan via PUT', async () => {
    const doc = scanDoc('ana');
    const res = await fetch(`${server.dbUrl}/scans/${encodeURIComponent(String(doc._id))}`, {
      method: 'PUT',
      headers: { ...JSON_HEADERS, authorization: ana },
      body: JSON.stringify(doc),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBeNull(); // the store's own URL must not leak
  });

  it('lets a scanner push scans the replication way (_bulk_docs, new_edits:false)', async () => {
    const doc = { ...scanDoc('ana'), _rev: '1-0123456789abcdef0123456789abcdef' };
    const res = await fetch(`${server.dbUrl}/scans/_bulk_docs`, {
      method: 'POST',
      headers: { ...JSON_HEADERS, authorization: ana },
      body: JSON.stringify({ docs: [doc], new_edits: false }),
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual([]);
    const stored = await fetch(`${server.dbUrl}/scans/${encodeURIComponent(String(doc._id))}`, {
      headers: { authorization: server.adminAuth, accept: 'application/json' },
    });
    expect(((await stored.json()) as { user: string }).user).toBe('ana');
  });

  it('runs validate_doc_update on replication writes too', async () => {
    const res = await fetch(`${server.dbUrl}/scans/_bulk_docs`, {
      method: 'POST',
      headers: { ...JSON_HEADERS, authorization: ana },
      body: JSON.stringify({
        docs: [
          { ...scanDoc('bob'), _rev: '1-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' },
          {
            ...scanDoc('ana', { source: 'telepathy' as Scan['source'] }),
            _rev: '1-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
          },
        ],
        new_edits: false,
      }),
    });
    const rows = (await res.json()) as Array<{ error?: string; reason?: string }>;
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      error: 'forbidden',
      reason: expect.stringMatching(/user must be your own name/),
    });
    expect(rows[1]).toMatchObject({
      error: 'forbidden',
      reason: expect.stringMatching(/source must be one of/),
    });
  });

  it('serves server info to a logged-in user', async () => {
    const res = await fetch(`${server.dbUrl}/`, { headers: { authorization: ana } });
    expect(res.status).toBe(200);
  });
});

describe('sync server restart', () => {
  it('keeps data and admin across restarts; a generated password is printed only on first start', async () => {
    const printed: string[] = [];
    const first = await startTestSyncServer({
      adminPassword: null,
      keepDataDir: true,
      print: (t) => printed.push(t),
    });
    const dataDir = first.dataDir;
    try {
      expect(printed).toHaveLength(1);
      const password = /password: (\S+)/.exec(printed[0] ?? '')?.[1] ?? '';
      expect(password.length).toBeGreaterThanOrEqual(20);
      expect(printed[0]).toContain(`${first.url}/login/`);
      const admin = basicAuth('admin', password);
      const put = await fetch(`${first.dbUrl}/links/link-1`, {
        method: 'PUT',
        headers: { ...JSON_HEADERS, authorization: admin },
        body: JSON.stringify({
          target: 'https://example.com',
          enabled: true,
          owner: 'admin',
          createdAt: '2026-11-23T08:00:00.000Z',
        }),
      });
      expect(put.status).toBe(201);
      // Only a hash is kept.
      const admins = await fetch(`${first.dbUrl}/_config/admins`, {
        headers: { authorization: admin },
      });
      expect(JSON.stringify(await admins.json())).not.toContain(password);
      if (TEST_STORE === 'embedded') {
        const onDisk = fs.readFileSync(`${dataDir}/store-config.json`, 'utf8');
        expect(onDisk).not.toContain(password);
      }
      await first.close();

      // Same dir, a different password in the env: the existing admin is kept unchanged.
      const second = await startTestSyncServer({
        dataDir,
        adminPassword: 'another-password-456',
        print: (t) => printed.push(t),
      });
      try {
        expect(printed).toHaveLength(1);
        const get = await fetch(`${second.dbUrl}/links/link-1`, {
          headers: { authorization: admin },
        });
        expect(get.status).toBe(200);
        const other = await fetch(`${second.dbUrl}/links/link-1`, {
          headers: { authorization: second.adminAuth },
        });
        expect(other.status).toBe(401);
        const health = await fetch(`${second.url}/health`);
        expect(health.status).toBe(200);
      } finally {
        await second.close();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('static app', () => {
  let server: TestSyncServer;
  let staticDir: string;
  const inline = 'self.__next_f=self.__next_f||[]';

  beforeAll(async () => {
    staticDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockhand-static-'));
    fs.mkdirSync(path.join(staticDir, 'scan'));
    fs.mkdirSync(path.join(staticDir, '_next/static/chunks'), { recursive: true });
    fs.writeFileSync(path.join(staticDir, 'index.html'), `<html><script>${inline}</script></html>`);
    fs.writeFileSync(path.join(staticDir, 'scan/index.html'), '<html>scan</html>');
    fs.writeFileSync(path.join(staticDir, '404.html'), '<html>not here</html>');
    fs.writeFileSync(path.join(staticDir, 'sw.js'), 'self.addEventListener("fetch", () => {})');
    fs.writeFileSync(path.join(staticDir, '_next/static/chunks/a1b2.js'), 'console.log(1)');
    server = await startTestSyncServer({ staticDir });
  });
  afterAll(async () => {
    await server?.close();
    fs.rmSync(staticDir, { recursive: true, force: true });
  });

  it('serves pages with no-cache and a CSP admitting exactly their inline scripts', async () => {
    const res = await fetch(`${server.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const hash = createHash('sha256').update(inline).digest('base64');
    expect(res.headers.get('content-security-policy')).toContain(`'sha256-${hash}'`);
    expect(res.headers.get('content-security-policy')).not.toContain("'unsafe-inline' 'sha");
    const scan = await fetch(`${server.url}/scan/`);
    expect(await scan.text()).toBe('<html>scan</html>');
  });

  it('caches hashed build assets forever and revalidates the service worker', async () => {
    const asset = await fetch(`${server.url}/_next/static/chunks/a1b2.js`);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const sw = await fetch(`${server.url}/sw.js`);
    expect(sw.headers.get('cache-control')).toBe('no-cache');
  });

  it('answers unknown app paths with the export 404 page', async () => {
    const res = await fetch(`${server.url}/no/such/page/`);
    expect(res.status).toBe(404);
    expect(await res.text()).toBe('<html>not here</html>');
  });
});
