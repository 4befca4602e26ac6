// The guard's refusals, limits and headers, and requests that once crashed pouchdb-server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  TEST_STORE,
  basicAuth,
  rawPost,
  scanDoc,
  startTestSyncServer,
} from '../helpers/sync-server';
import type { TestSyncServer } from '../helpers/sync-server';

const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json' };
const scanner = basicAuth('sam', 'sam-password-123');
const supervisor = basicAuth('sue', 'sue-password-123');
const roleAdmin = basicAuth('ada', 'ada-password-123');

async function call(
  server: TestSyncServer,
  method: string,
  path: string,
  auth?: string,
  body?: unknown,
): Promise<{
  status: number;
  body: { error?: string; reason?: string } & Record<string, unknown>;
}> {
  const res = await fetch(`${server.dbUrl}${path}`, {
    method,
    headers: { ...JSON_HEADERS, ...(auth ? { authorization: auth } : {}) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {} };
}

describe('security', () => {
  let server: TestSyncServer;

  beforeAll(async () => {
    server = await startTestSyncServer({
      maxBodyBytes: 64 * 1024,
      loginLimit: { windowMs: 60_000, maxFailures: 3 },
    });
    await server.createUser('sam', 'sam-password-123', ['scanner']);
    await server.createUser('sue', 'sue-password-123', ['supervisor']);
    await server.createUser('ada', 'ada-password-123', ['admin']);
  });
  afterAll(async () => {
    await server?.close();
  });

  it.each([
    ['GET', '/scans/_all_docs'],
    ['GET', '/scans'],
    ['PUT', '/scans/x'],
    ['POST', '/scans/_bulk_docs'],
    ['GET', '/'],
    ['PUT', '/anydb'],
  ])('refuses anonymous %s %s with 401', async (method, path) => {
    const res = await call(server, method, path, undefined, method === 'GET' ? undefined : {});
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('unauthorized');
  });

  it('keeps scans immutable and owned', async () => {
    const doc = scanDoc('sam');
    const path = `/scans/${encodeURIComponent(doc._id)}`;
    expect((await call(server, 'PUT', path, scanner, doc)).status).toBe(201);
    const stored = (await call(server, 'GET', path, scanner)).body;
    const update = await call(server, 'PUT', path, scanner, { ...stored, code: 'other' });
    expect(update.status).toBe(403);
    expect(update.body.reason).toMatch(/immutable/);
    const del = await call(server, 'DELETE', `${path}?rev=${String(stored._rev)}`, scanner);
    expect(del.status).toBe(403);
    const other = scanDoc('bob');
    const asOther = await call(
      server,
      'PUT',
      `/scans/${encodeURIComponent(other._id)}`,
      scanner,
      other,
    );
    expect(asOther.status).toBe(403);
    expect(asOther.body.reason).toMatch(/user must be your own name/);
  });

  it('refuses a scan that violates the schema', async () => {
    const bad = { ...scanDoc('sam'), extra: 1, result: 'maybe' };
    const res = await call(server, 'PUT', `/scans/${encodeURIComponent(bad._id)}`, scanner, bad);
    expect(res.status).toBe(403);
    expect(res.body.reason).toMatch(/extra is not allowed/);
    expect(res.body.reason).toMatch(/result must be one of/);
    const badId = { ...scanDoc('sam'), _id: 'not-a-scan-id' };
    expect((await call(server, 'PUT', '/scans/not-a-scan-id', scanner, badId)).status).toBe(403);
  });

  it('refuses writes by roles that are not writers of a database', async () => {
    const res = await call(server, 'PUT', '/templates/t1', scanner, {
      name: 'Label',
      zpl: '^XA^XZ',
      fields: [],
    });
    expect(res.status).toBe(403);
    expect(
      (
        await call(server, 'PUT', '/templates/t1', roleAdmin, {
          name: 'Label',
          zpl: '^XA^XZ',
          fields: [],
        })
      ).status,
    ).toBe(201);
  });

  it.each([
    ['PUT', '/newdb', scanner],
    ['DELETE', '/scans', scanner],
    ['PUT', '/newdb', roleAdmin],
    ['DELETE', '/scans', roleAdmin],
    ['GET', '/_config', roleAdmin],
    ['PUT', '/_config/admins/evil', roleAdmin],
    ['GET', '/_config', scanner],
  ])('only a server admin may %s %s', async (method, path, auth) => {
    const res = await call(server, method, path, auth, method === 'PUT' ? '"x"' : undefined);
    expect(res.status).toBe(403);
    expect(res.body.reason).toMatch(/server admin/);
  });

  it('lets the server admin read _config but not create unknown databases', async () => {
    const admins = await call(server, 'GET', '/_config/admins', server.adminAuth);
    expect(admins.status).toBe(200);
    expect(String(admins.body.admin)).toMatch(/^-pbkdf2/);
    const res = await call(server, 'PUT', '/newdb', server.adminAuth);
    expect(res.status).toBe(403);
    expect(res.body.reason).toMatch(/not a Dockhand database/);
  });

  it.each([
    [
      'PUT',
      '/_users/org.couchdb.user:eve',
      { name: 'eve', password: 'x', roles: ['admin'], type: 'user' },
    ],
    [
      'PUT',
      '/_users/org.couchdb.user:sam',
      { name: 'sam', password: 'x', roles: ['admin'], type: 'user' },
    ],
    ['POST', '/_users/_bulk_docs', { docs: [] }],
    ['GET', '/_users/_all_docs', undefined],
    ['GET', '/_users/org.couchdb.user:sue', undefined],
    ['PUT', '/scans/_security', { admins: {}, members: {} }],
    ['PUT', '/scans/_design/evil', { views: {} }],
    ['PUT', '/scans/_design%2Fevil', { views: {} }],
    ['POST', '/scans/_index', { index: { fields: ['code'] } }],
    ['GET', '/_all_dbs', undefined],
  ])('refuses a scanner %s %s', async (method, path, body) => {
    const res = await call(server, method, path, scanner, body);
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('forbidden');
  });

  describe('short links: scanners read, admins and supervisors write', () => {
    const link = (id: string, owner = 'sue') => ({
      _id: id,
      target: 'https://example.com/dock',
      owner,
      createdAt: '2026-11-23T08:00:00.000Z',
      enabled: true,
    });

    beforeAll(async () => {
      expect(
        (await call(server, 'PUT', '/links/sec-dock-1', supervisor, link('sec-dock-1'))).status,
      ).toBe(201);
    });

    it.each([
      ['GET', '/links/_all_docs?include_docs=true&limit=100', undefined],
      ['GET', '/links/sec-dock-1', undefined],
      ['GET', '/links/_changes?since=0&include_docs=true&limit=100', undefined],
      ['POST', '/links/_all_docs', { keys: ['sec-dock-1'] }],
      ['POST', '/links/_bulk_get', { docs: [{ id: 'sec-dock-1' }] }],
      ['PUT', '/links/_local/checkpoint-scanner', { seq: 1 }],
    ])('lets a scanner read links: %s %s', async (method, path, body) => {
      const res = await call(server, method, path, scanner, body);
      expect(res.status).toBeLessThan(300);
    });

    it.each([
      ['PUT', '/links/sam-link', link('sam-link', 'sam')],
      ['POST', '/links', link('sam-link-2', 'sam')],
      ['POST', '/links/_bulk_docs', { docs: [link('sam-link-3', 'sam')] }],
      [
        'POST',
        '/links/_bulk_docs',
        { new_edits: false, docs: [{ ...link('sam-4'), _rev: '1-a' }] },
      ],
      ['DELETE', '/links/sec-dock-1', undefined],
      ['PUT', '/links/_security', { admins: {}, members: {} }],
      ['PUT', '/links/_design/evil', { validate_doc_update: 'function(){}' }],
      ['GET', '/link_visits/_all_docs', undefined],
    ])('refuses a scanner %s %s', async (method, path, body) => {
      const res = await call(server, method, path, scanner, body);
      expect(res.status).toBe(403);
      expect(res.body.error).toBe('forbidden');
    });

    it('refuses a scanner editing an existing link, and lets a supervisor edit it', async () => {
      const current = (await call(server, 'GET', '/links/sec-dock-1', scanner)).body;
      const change = { ...current, target: 'https://evil.example/' };
      expect((await call(server, 'PUT', '/links/sec-dock-1', scanner, change)).status).toBe(403);
      expect((await call(server, 'GET', '/links/sec-dock-1', scanner)).body.target).toBe(
        'https://example.com/dock',
      );
      const edit = { ...current, title: 'Dock' };
      expect((await call(server, 'PUT', '/links/sec-dock-1', supervisor, edit)).status).toBe(201);
    });

    it('keeps the rules on the database itself (_security and validate_doc_update)', async () => {
      const security = await call(server, 'GET', '/links/_security', server.adminAuth);
      expect(security.body).toEqual({
        admins: { names: [], roles: ['admin'] },
        members: { names: [], roles: ['admin', 'supervisor', 'scanner'] },
      });
      const ddoc = await call(server, 'GET', '/links/_design/dockhand', scanner);
      const vdu = new Function(`return (${String(ddoc.body.validate_doc_update)});`)() as (
        ...args: unknown[]
      ) => void;
      // Were the guard bypassed (a real CouchDB behind another proxy), the store still refuses.
      const asScanner = () =>
        vdu(link('vdu-link', 'sam'), null, { name: 'sam', roles: ['scanner'] }, {});
      expect(asScanner).toThrow(
        expect.objectContaining({ forbidden: expect.stringMatching(/may not write to links/) }),
      );
      expect(() =>
        vdu(link('vdu-link'), null, { name: 'sue', roles: ['supervisor'] }, {}),
      ).not.toThrow();
    });

    it('reads a links write body under the size cap (413 when streamed over it)', async () => {
      const status = await rawPost(
        `${server.dbUrl}/links/_bulk_docs`,
        { authorization: supervisor, 'content-type': 'application/json' },
        (req) => {
          for (let i = 0; i < 20; i++) req.write('x'.repeat(8 * 1024));
          req.end();
        },
      );
      expect(status).toBe(413);
    });
  });

  it('lets a user read their own user document', async () => {
    expect((await call(server, 'GET', '/_users/org.couchdb.user:sam', scanner)).status).toBe(200);
  });

  it('stores passwords only as pbkdf2 hashes with a strong iteration count', async () => {
    const res = await call(server, 'GET', '/_users/org.couchdb.user:sam', server.adminAuth);
    expect(res.body).not.toHaveProperty('password');
    expect(res.body).toMatchObject({ password_scheme: 'pbkdf2' });
    expect(res.body.iterations).toBeGreaterThanOrEqual(50_000);
    // Apache CouchDB 3 hashes with PBKDF2-SHA256 (64 hex digits); the embedded store with SHA-1.
    expect(res.body.derived_key).toMatch(
      TEST_STORE === 'couchdb' ? /^[0-9a-f]{64}$/ : /^[0-9a-f]{40}$/,
    );
  });

  it('refuses design documents from non-admins inside _bulk_docs too', async () => {
    const res = await call(server, 'POST', '/print_jobs/_bulk_docs', supervisor, {
      docs: [{ _id: '_design/evil', validate_doc_update: 'function(){}' }],
    });
    expect(res.status).toBe(201);
    // pouchdb-validation's own design-doc check answers first ('unauthorized'); CouchDB says 'forbidden'.
    const row = (res.body as unknown as Array<{ error: string }>)[0];
    expect(['forbidden', 'unauthorized']).toContain(row?.error);
  });

  it.each([
    ['GET', '/_utils/'],
    ['GET', '/_replicator'],
    ['GET', '/_stats'],
    ['GET', '/nope/_all_docs'],
    ['GET', '/scans/_design/dockhand/_show/x'],
    ['POST', '/scans/_temp_view'],
    ['POST', '/scans/_compact'],
    ['GET', '/_session/extra'],
  ])('answers unknown endpoint %s %s with 404', async (method, path) => {
    const res = await call(
      server,
      method,
      path,
      server.adminAuth,
      method === 'POST' ? {} : undefined,
    );
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: 'not_found' });
  });

  it('refuses an oversize body with 413 (declared and streamed)', async () => {
    const big = { ...scanDoc('sam'), code: 'x'.repeat(70 * 1024) };
    const declared = await call(
      server,
      'PUT',
      `/scans/${encodeURIComponent(big._id)}`,
      scanner,
      big,
    );
    expect(declared.status).toBe(413);
    expect(declared.body.error).toBe('too_large');

    // Chunked: no Content-Length, so only counting the streamed bytes can catch it.
    const streamed = await rawPost(
      `${server.dbUrl}/scans/_bulk_docs`,
      { authorization: scanner, 'content-type': 'application/json' },
      (req) => {
        for (let i = 0; i < 20; i++) req.write('x'.repeat(8 * 1024));
        req.end();
      },
    );
    expect(streamed).toBe(413);
  });

  it('survives requests that crash stock pouchdb-server', async () => {
    const crashers: Array<[string, string, string | undefined, string | undefined]> = [
      ['PUT', '/anydb', undefined, undefined],
      ['PUT', '/anydb', scanner, undefined],
      ['PUT', '/anydb', server.adminAuth, undefined],
      ['POST', '/scans/_bulk_docs', scanner, '{"docs": [{"_id": '],
      ['PUT', '/scans/doc', scanner, '{not json'],
      ['POST', '/_session', undefined, '{"name": '],
      ['POST', '/scans/_bulk_docs', scanner, '{"docs": 5}'],
      ['POST', '/scans/_bulk_docs', scanner, '[]'],
      ['POST', '/scans/_revs_diff', scanner, 'null'],
      ['GET', '/%00', scanner, undefined],
      ['GET', '/%zz', scanner, undefined],
      ['GET', '/scans/%00', scanner, undefined],
      ['GET', '/_users/_design/x', scanner, undefined],
      ['GET', '/_users/_design/x', server.adminAuth, undefined],
      ['DELETE', '/_users', server.adminAuth, undefined],
      ['GET', '/scans/..%2F..%2Fetc', scanner, undefined],
      ['GET', '/', 'Basic !!!notbase64', undefined],
      ['GET', '/', 'Bearer token', undefined],
    ];
    for (const [method, path, auth, body] of crashers) {
      const res = await fetch(`${server.dbUrl}${path}`, {
        method,
        headers: { ...JSON_HEADERS, ...(auth ? { authorization: auth } : {}) },
        body,
      });
      expect(res.status, `${method} ${path}`).toBeGreaterThanOrEqual(200);
      await res.text();
    }
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
  });

  it('sets security headers', async () => {
    const res = await fetch(`${server.url}/health`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(csp).toContain("worker-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain("'unsafe-eval'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('sends no CORS headers by default', async () => {
    const res = await fetch(`${server.dbUrl}/_session`, {
      headers: { origin: 'https://evil.example' },
    });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  // Last: it locks `sam` out for this server.
  it('rate-limits failed logins per IP and name', async () => {
    const attempt = (password: string) =>
      fetch(`${server.dbUrl}/_session`, {
        method: 'POST',
        headers: JSON_HEADERS,
        body: JSON.stringify({ name: 'sam', password }),
      });
    for (let i = 0; i < 3; i++) expect((await attempt('wrong')).status).toBe(401);
    const limited = await attempt('sam-password-123');
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({
      error: 'too_many_requests',
      reason: expect.stringMatching(/wait \d+ minute/),
    });
    // Basic auth shares the budget; other names are not affected.
    const basic = await fetch(`${server.dbUrl}/`, {
      headers: { authorization: basicAuth('sam', 'x') },
    });
    expect(basic.status).toBe(429);
    expect((await call(server, 'GET', '/', supervisor)).status).toBe(200);
  });
});

describe('CORS when configured', () => {
  let server: TestSyncServer;
  beforeAll(async () => {
    server = await startTestSyncServer({ corsOrigins: ['https://app.example'] });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers only listed origins, with credentials', async () => {
    const ok = await fetch(`${server.dbUrl}/_session`, {
      headers: { origin: 'https://app.example' },
    });
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(ok.headers.get('access-control-allow-credentials')).toBe('true');
    const evil = await fetch(`${server.dbUrl}/_session`, {
      headers: { origin: 'https://evil.example' },
    });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${server.dbUrl}/scans/_bulk_docs`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    const evilPreflight = await fetch(`${server.dbUrl}/scans/_bulk_docs`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(evilPreflight.status).toBe(403);
    expect(evilPreflight.headers.get('access-control-allow-origin')).toBeNull();
  });
});
