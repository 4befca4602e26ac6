// Attacks on the sync server by signed-in users, each once able to end, freeze or fool it: every one
// must now fail with a JSON 4xx and leave the server answering.
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
const otherScanner = basicAuth('bob', 'bob-password-123');
const supervisor = basicAuth('sue', 'sue-password-123');
const bridgeNorth = basicAuth('bridge-north', 'bridge-north-pass-1');
const bridgeSouth = basicAuth('bridge-south', 'bridge-south-pass-1');

interface Answer {
  status: number;
  type: string;
  text: string;
  body: Record<string, unknown> & { error?: string; reason?: string };
}

async function call(
  server: TestSyncServer,
  method: string,
  path: string,
  auth: string | undefined,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await fetch(`${server.dbUrl}${path}`, {
    method,
    headers: { ...JSON_HEADERS, ...(auth ? { authorization: auth } : {}), ...headers },
    body:
      body === undefined
        ? undefined
        : typeof body === 'string'
          ? body
          : Buffer.isBuffer(body)
            ? new Uint8Array(body)
            : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: Answer['body'] = {};
  try {
    parsed = text ? (JSON.parse(text) as Answer['body']) : {};
  } catch {
    parsed = {};
  }
  return { status: res.status, type: res.headers.get('content-type') ?? '', text, body: parsed };
}

const rows = (a: Answer) =>
  a.body as unknown as Array<{ id?: string; error?: string; reason?: string }>;

function expectJsonError(answer: Answer, status: number) {
  expect(answer.status).toBe(status);
  expect(answer.type).toMatch(/application\/json/);
  expect(answer.body.error).toEqual(expect.any(String));
  expect(answer.body.reason).toEqual(expect.any(String));
  expect(answer.text).not.toMatch(/<html|at .*\.js:\d+|node_modules/i);
}

function nested(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

describe('guard against costly and forged requests', () => {
  let server: TestSyncServer;

  /** PUT one scan document as `auth`. */
  const putScan = (auth: string, doc: { _id: string }) =>
    call(server, 'PUT', `/scans/${encodeURIComponent(doc._id)}`, auth, doc);

  const alive = async () => {
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
  };

  beforeAll(async () => {
    server = await startTestSyncServer({
      maxBodyBytes: 4 * 1024 * 1024,
      config: {
        requestLimits: {
          maxDocsPerRequest: 500,
          maxRowsPerRead: 1_000,
          maxJsonDepth: 32,
          maxLocalDocBytes: 8 * 1024,
          maxLocalDocsPerUser: 3,
        },
      },
    });
    await server.createUser('sam', 'sam-password-123', ['scanner']);
    await server.createUser('bob', 'bob-password-123', ['scanner']);
    await server.createUser('sue', 'sue-password-123', ['supervisor']);
    await server.createUser('bridge-north', 'bridge-north-pass-1', ['bridge', 'site:north']);
    await server.createUser('bridge-south', 'bridge-south-pass-1', ['bridge', 'site:south']);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('refuses a _bulk_docs of 12,000 empty documents before the store, and keeps running', async () => {
    const docs = Array.from({ length: 12_000 }, () => ({}));
    const answer = await call(server, 'POST', '/scans/_bulk_docs', scanner, { docs });
    expectJsonError(answer, 413);
    expect(answer.body.reason).toMatch(/at most 500/);
    await alive();
  });

  it.each([
    ['_bulk_get', { docs: Array.from({ length: 501 }, (_, i) => ({ id: `x${i}` })) }],
    ['_all_docs', { keys: Array.from({ length: 501 }, (_, i) => `x${i}`) }],
  ])('refuses more than the cap in one %s', async (endpoint, body) => {
    expectJsonError(await call(server, 'POST', `/scans/${endpoint}`, scanner, body), 413);
  });

  it('refuses too many keys in the query string', async () => {
    const keys = encodeURIComponent(JSON.stringify(Array.from({ length: 501 }, (_, i) => i)));
    expectJsonError(await call(server, 'GET', `/scans/_all_docs?keys=${keys}`, scanner), 413);
  });

  it('refuses a _local document nested 5,000 deep, and keeps running', async () => {
    const answer = await call(server, 'PUT', '/templates/_local/deep', scanner, nested(5_000));
    expectJsonError(answer, 400);
    expect(answer.body.reason).toMatch(/nests more than 32/);
    await alive();
  });

  it('refuses deep nesting in any body, documents and bulk bodies alike', async () => {
    const doc = `{"docs":[${nested(40)}]}`;
    expectJsonError(await call(server, 'POST', '/scans/_bulk_docs', scanner, doc), 400);
    const keys = encodeURIComponent(`[${nested(40)}]`);
    expectJsonError(await call(server, 'GET', `/scans/_all_docs?keys=${keys}`, scanner), 400);
  });

  it('keeps _local documents to checkpoint size and a few per user, in databases one only reads', async () => {
    const big = { history: 'x'.repeat(40 * 1024) };
    expectJsonError(await call(server, 'PUT', '/templates/_local/big', scanner, big), 413);
    for (const id of ['c1', 'c2', 'c3']) {
      expect(
        (await call(server, 'PUT', `/templates/_local/${id}`, scanner, { seq: 1 })).status,
      ).toBe(201);
    }
    // Rewriting a checkpoint is free; a fourth one is not.
    const c1 = await call(server, 'GET', '/templates/_local/c1', scanner);
    expect(
      (await call(server, 'PUT', '/templates/_local/c1', scanner, { ...c1.body, seq: 2 })).status,
    ).toBe(201);
    expectJsonError(await call(server, 'PUT', '/templates/_local/c4', scanner, { seq: 1 }), 403);
    // Another user has their own count; the guard's own records are out of reach.
    expect(
      (await call(server, 'PUT', '/templates/_local/c4', otherScanner, { seq: 1 })).status,
    ).toBe(201);
    expectJsonError(
      await call(server, 'PUT', '/templates/_local/dockhand.quota.x', scanner, { ids: [] }),
      403,
    );
    // Deleting one frees its place.
    const c2 = await call(server, 'GET', '/templates/_local/c2', scanner);
    const removed = await call(
      server,
      'DELETE',
      `/templates/_local/c2?rev=${String(c2.body._rev)}`,
      scanner,
    );
    expect(removed.status).toBe(200);
    expect((await call(server, 'PUT', '/templates/_local/c5', scanner, { seq: 1 })).status).toBe(
      201,
    );
  });

  it('refuses a backtracking $regex in _find from a scanner without freezing anyone', async () => {
    const value = `${'a'.repeat(28)}b`;
    expect(
      (
        await call(
          server,
          'PUT',
          `/scans/${encodeURIComponent(scanDoc('sam')._id)}`,
          scanner,
          scanDoc('sam', { code: value }),
        )
      ).status,
    ).toBe(201);
    const started = Date.now();
    const answer = await call(server, 'POST', '/scans/_find', scanner, {
      selector: { code: { $regex: '^(a+)+$' } },
    });
    expectJsonError(answer, 400);
    expect(answer.body.reason).toMatch(/\$regex/);
    expect(Date.now() - started).toBeLessThan(2_000);
    const nestedRegex = await call(server, 'POST', '/scans/_find', scanner, {
      selector: { $or: [{ user: 'sam' }, { code: { $regex: 'a' } }] },
    });
    expectJsonError(nestedRegex, 400);
  });

  it('asks reads that build their answer in memory for a bounded number of rows', async () => {
    const unbounded = await call(server, 'GET', '/waybills/_all_docs?include_docs=true', scanner);
    expectJsonError(unbounded, 400);
    expect(unbounded.body.reason).toMatch(/limit=1000/);
    expect(
      (await call(server, 'GET', '/waybills/_all_docs?include_docs=true&limit=1000', scanner))
        .status,
    ).toBe(200);
    expectJsonError(await call(server, 'GET', '/scans/_changes?since=0', scanner), 400);
    expect((await call(server, 'GET', '/scans/_changes?since=0&limit=50', scanner)).status).toBe(
      200,
    );
  });

  it.each([
    ['_bulk_docs with docs as an object', 'POST', '/scans/_bulk_docs', '{"docs":{"a":1}}'],
    ['_bulk_docs with a number in docs', 'POST', '/scans/_bulk_docs', '{"docs":[1]}'],
    ['a document that is an array', 'PUT', '/scans/x', '[1,2]'],
    ['a body that is not JSON', 'POST', '/scans/_bulk_docs', '{"docs": ['],
    ['_bulk_get with no docs', 'POST', '/scans/_bulk_get', '{}'],
    ['_find with no selector', 'POST', '/scans/_find', '{}'],
  ])('answers %s with JSON 400, never an HTML stack trace', async (_name, method, path, body) => {
    expectJsonError(await call(server, method, path, scanner, body), 400);
  });

  it('counts new links in a body that starts with a byte-order mark', async () => {
    const limited = await startTestSyncServer({
      config: { linkCreateLimit: { burst: 2, refillPerMinute: 1 } },
    });
    try {
      await limited.createUser('sue', 'sue-password-123', ['supervisor']);
      const link = (id: string) => ({
        _id: id,
        target: 'https://example.com/dock',
        owner: 'sue',
        createdAt: '2026-11-23T08:00:00.000Z',
        enabled: true,
      });
      const body = (ids: string[]) =>
        Buffer.concat([
          Buffer.from([0xef, 0xbb, 0xbf]),
          Buffer.from(JSON.stringify({ docs: ids.map(link) })),
        ]);
      const postLinks = (ids: string[]) =>
        call(limited, 'POST', '/links/_bulk_docs', supervisor, body(ids));
      const first = await postLinks(['bom-1', 'bom-2']);
      expect(first.status).toBe(201);
      const second = await postLinks(['bom-3', 'bom-4']);
      expect(second.status).toBe(429);
      const stored = await call(limited, 'GET', '/links/_all_docs?limit=10', supervisor);
      expect((stored.body.rows as unknown[]).length).toBe(3); // the design document and two links
    } finally {
      await limited.close();
    }
  });

  it('refuses a login form posted from another site', async () => {
    const form = 'name=sam&password=sam-password-123';
    const forged = await call(server, 'POST', '/_session', undefined, form, {
      'content-type': 'application/x-www-form-urlencoded',
      origin: 'https://evil.example',
    });
    expectJsonError(forged, 403);
    expect(forged.body.reason).toMatch(/another site/);
    const own = await call(server, 'POST', '/_session', undefined, form, {
      'content-type': 'application/x-www-form-urlencoded',
      origin: server.url,
    });
    expect(own.status).toBe(200);
    // A client that is not a browser sends no Origin: the print bridge logs in so.
    const plain = await call(server, 'POST', '/_session', undefined, {
      name: 'sam',
      password: 'sam-password-123',
    });
    expect(plain.status).toBe(200);
  });

  it.runIf(TEST_STORE === 'couchdb')(
    "tells a person CouchDB's lockout after failed logins as a lockout, not as a wrong password",
    async () => {
      await server.createUser('lock-me', 'lock-me-password-1', ['scanner']);
      for (let i = 0; i < 5; i++) {
        const wrong = await call(server, 'GET', '/', basicAuth('lock-me', 'wrong'));
        expect(wrong.status).toBe(401);
      }
      const locked = await call(server, 'GET', '/', basicAuth('lock-me', 'lock-me-password-1'));
      expectJsonError(locked, 429);
      expect(locked.body.reason).toMatch(/locked/);
      const login = await call(server, 'POST', '/_session', undefined, {
        name: 'lock-me',
        password: 'lock-me-password-1',
      });
      expectJsonError(login, 429);
      expect(login.body.reason).toMatch(/wait 5 minutes/);
    },
  );

  describe('undo', () => {
    it("refuses a scanner's void of another user's scan, in a batch and alone", async () => {
      const bobs = scanDoc('bob');
      expect((await putScan(otherScanner, bobs)).status).toBe(201);
      const own = scanDoc('sam');
      const forged = scanDoc('sam', { result: 'void', voids: bobs._id });
      const ownVoid = scanDoc('sam', { result: 'void', voids: own._id });
      const batch = await call(server, 'POST', '/scans/_bulk_docs', scanner, {
        docs: [own, forged, ownVoid],
      });
      expect(batch.status).toBe(201);
      const byId = new Map(rows(batch).map((r) => [r.id, r]));
      expect(byId.get(forged._id)).toMatchObject({ error: 'forbidden' });
      expect(byId.get(forged._id)?.reason).toMatch(/only your own scans.*bob/);
      expect(byId.get(own._id)).not.toHaveProperty('error');
      expect(byId.get(ownVoid._id)).not.toHaveProperty('error');
      const stored = await call(server, 'GET', `/scans/${encodeURIComponent(forged._id)}`, scanner);
      expect(stored.status).toBe(404);

      const alone = scanDoc('sam', { result: 'void', voids: bobs._id });
      const single = await putScan(scanner, alone);
      expectJsonError(single, 403);
    });

    it("lets a supervisor void anyone's scan with a reason", async () => {
      const bobs = scanDoc('bob');
      await putScan(otherScanner, bobs);
      const bare = scanDoc('sue', { result: 'void', voids: bobs._id });
      expectJsonError(await putScan(supervisor, bare), 403);
      const undo = scanDoc('sue', { result: 'void', voids: bobs._id, voidReason: 'wrong pallet' });
      const answer = await putScan(supervisor, undo);
      expect(answer.status).toBe(201);
    });
  });

  it('answers a scan pushed again (a retry after a cut) as a conflict, as CouchDB does', async () => {
    // A device whose push was cut after the store wrote it sends the same scan again: the store
    // holds it, so this is a conflict the device resolves by pulling, not a refusal of its write.
    const scan = scanDoc('sam');
    expect((await putScan(scanner, scan)).status).toBe(201);
    const again = await call(server, 'POST', '/scans/_bulk_docs', scanner, { docs: [scan] });
    expect(again.status).toBe(201);
    expect(rows(again)).toEqual([expect.objectContaining({ id: scan._id, error: 'conflict' })]);
  });

  describe('replicated writes (new_edits:false) from non-admins', () => {
    it('refuses a revision that starts a new branch of a stored scan', async () => {
      const scan = scanDoc('sam');
      const put = await putScan(scanner, scan);
      expect(put.status).toBe(201);
      const forged = {
        ...scan,
        code: 'FORGED',
        _rev: '1-ffffffffffffffffffffffffffffffff',
        _revisions: { start: 1, ids: ['ffffffffffffffffffffffffffffffff'] },
      };
      const answer = await call(server, 'POST', '/scans/_bulk_docs', scanner, {
        new_edits: false,
        docs: [forged],
      });
      expect(answer.status).toBe(201);
      expect(rows(answer)[0]).toMatchObject({ id: scan._id, error: 'forbidden' });
      expect(rows(answer)[0]?.reason).toMatch(/new branch/);
      const stored = await call(
        server,
        'GET',
        `/scans/${encodeURIComponent(scan._id)}?conflicts=true`,
        scanner,
      );
      expect(stored.body.code).toBe(scan.code);
      expect(stored.body._conflicts).toBeUndefined();
      // A new document replicated in is fine.
      const fresh = { ...scanDoc('sam'), _rev: '1-abcabcabcabcabcabcabcabcabcabcab' };
      const ok = await call(server, 'POST', '/scans/_bulk_docs', scanner, {
        new_edits: false,
        docs: [fresh],
      });
      expect(rows(ok).filter((r) => r.error)).toEqual([]);
    });
  });

  describe("a bridge reads only its own site's jobs", () => {
    const job = (id: string, site: string) => ({
      _id: id,
      site,
      printerId: `${site}-zebra`,
      templateId: 'tpl-1',
      values: { waybill: `WB-${site}` },
      copies: 1,
      state: 'queued',
      attempt: 0,
      seriesAttempt: 0,
      series: 1,
      sendStarted: false,
      createdBy: 'sue',
      createdAt: '2026-11-23T08:00:00.000Z',
      updatedAt: '2026-11-23T08:00:00.000Z',
    });

    beforeAll(async () => {
      for (const [id, site] of [
        ['job-north-1', 'north'],
        ['job-south-1', 'south'],
      ] as const) {
        const answer = await call(
          server,
          'PUT',
          `/print_jobs/${id}`,
          server.adminAuth,
          job(id, site),
        );
        expect(answer.status, answer.text).toBe(201);
      }
    });

    it('refuses an unfiltered feed or one of another site', async () => {
      expectJsonError(
        await call(server, 'GET', '/print_jobs/_changes?since=0&limit=10', bridgeSouth),
        403,
      );
      expectJsonError(
        await call(
          server,
          'GET',
          '/print_jobs/_changes?since=0&limit=10&filter=dockhand/by_site&site=north',
          bridgeSouth,
        ),
        403,
      );
      const own = await call(
        server,
        'GET',
        '/print_jobs/_changes?since=0&limit=10&include_docs=true&filter=dockhand/by_site&site=south',
        bridgeSouth,
      );
      expect(own.status).toBe(200);
      expect((own.body.results as Array<{ id: string }>).map((r) => r.id)).toEqual(['job-south-1']);
    });

    it("hides another site's job from document reads, _all_docs and _bulk_get", async () => {
      expectJsonError(await call(server, 'GET', '/print_jobs/job-north-1', bridgeSouth), 403);
      expect((await call(server, 'GET', '/print_jobs/job-south-1', bridgeSouth)).body.site).toBe(
        'south',
      );
      const all = await call(server, 'POST', '/print_jobs/_all_docs', bridgeSouth, {
        keys: ['job-north-1', 'job-south-1'],
        include_docs: true,
      });
      const allRows = all.body.rows as Array<{ doc?: { site: string }; error?: string }>;
      expect(allRows[0]).toMatchObject({ error: 'forbidden' });
      expect(allRows[0]).not.toHaveProperty('doc');
      expect(allRows[1]?.doc?.site).toBe('south');
      const bulk = await call(server, 'POST', '/print_jobs/_bulk_get', bridgeSouth, {
        docs: [{ id: 'job-north-1' }, { id: 'job-south-1' }],
      });
      expect(JSON.stringify(bulk.body)).not.toContain('WB-north');
      expect(JSON.stringify(bulk.body)).toContain('WB-south');
      // The northern bridge and people still read it.
      expect((await call(server, 'GET', '/print_jobs/job-north-1', bridgeNorth)).status).toBe(200);
      expect((await call(server, 'GET', '/print_jobs/job-north-1', supervisor)).status).toBe(200);
    });
  });

  it('is still answering after all of the above', async () => {
    await alive();
    const raw = await rawPost(
      `${server.dbUrl}/scans/_bulk_docs`,
      { authorization: scanner },
      (req) => req.end(nested(100_000)),
    );
    expect(raw).toBe(400);
    await alive();
  });
});
