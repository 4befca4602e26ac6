// /r/:slug against a real sync server: redirects from the live table, 404/410 pages, no open
// redirect, visits counted exactly in batches with bots apart, rate limiting per client; and the
// limit on new links per user, with the device's push waiting it out without losing a link.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { holdWhenRateLimited, type LinksHold } from '@/lib/db/links-sync';
import { DEFAULT_LINK_CREATE_LIMIT } from '@/sync-server/guard/link-create-limit';
import { startTestSyncServer, type TestSyncServer } from '../helpers/sync-server';

const PHONE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1';
let server: TestSyncServer;

beforeAll(async () => {
  server = await startTestSyncServer({ config: { visitFlushMs: 100, redirectRatePerMinute: 50 } });
  await server.createUser('sam', 'sam-password-1234', ['supervisor']);
  await server.createUser('ana', 'ana-password-1234', ['scanner']);
  await server.createUser('sol', 'sol-password-1234', ['supervisor']);
  await server.createUser('sid', 'sid-password-1234', ['supervisor']);
});
afterAll(() => server?.close());

const auth = (name: string, password: string) =>
  `Basic ${Buffer.from(`${name}:${password}`).toString('base64')}`;
const SAM = auth('sam', 'sam-password-1234');

async function putLink(id: string, fields: Record<string, unknown>, as = SAM): Promise<number> {
  const response = await fetch(`${server.dbUrl}/links/${id}`, {
    method: 'PUT',
    headers: { authorization: as, 'content-type': 'application/json' },
    body: JSON.stringify({
      _id: id,
      owner: 'sam',
      createdAt: '2026-11-23T08:00:00.000Z',
      enabled: true,
      ...fields,
    }),
  });
  return response.status;
}

const visit = (slug: string, headers: Record<string, string> = {}, from = '127.0.0.1') =>
  fetch(`${server.url}/r/${slug}`, {
    redirect: 'manual',
    headers: { 'user-agent': PHONE_UA, 'x-test-from': from, ...headers },
  });

async function visitDocs(): Promise<
  Array<{ slug: string; bot: boolean; count: number; referrerHost: string | null }>
> {
  const response = await fetch(`${server.dbUrl}/link_visits/_all_docs?include_docs=true`, {
    headers: { authorization: server.adminAuth },
  });
  const body = (await response.json()) as { rows: Array<{ id: string; doc: never }> };
  return body.rows.filter((r) => !r.id.startsWith('_design/')).map((r) => r.doc);
}

describe('short links', () => {
  it('a link written to the database redirects as soon as the table has it', async () => {
    expect(await putLink('dock-7', { target: 'https://example.com/track?a=1' })).toBe(201);
    await expect.poll(() => visit('dock-7').then((r) => r.status)).toBe(302);
    const response = await visit('dock-7');
    expect(response.headers.get('location')).toBe('https://example.com/track?a=1');
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('never passes a query on unless the link allows it (no open redirect)', async () => {
    const response = await fetch(`${server.url}/r/dock-7?next=https://evil.example`, {
      redirect: 'manual',
    });
    expect(response.headers.get('location')).toBe('https://example.com/track?a=1');
  });

  it.each([
    ['an unknown slug', 'nope-nope', 404],
    ['a malformed slug', '..%2F..%2Fetc', 404],
  ])('answers %s with a 404 page', async (_name, slug, status) => {
    const response = await visit(slug);
    expect(response.status).toBe(status);
    expect(await response.text()).toMatch(/Link not found/);
  });

  it('a disabled link is 404 and an expired one 410', async () => {
    await putLink('off-link', { target: 'https://example.com/', enabled: false });
    await putLink('old-link', {
      target: 'https://example.com/',
      expiresAt: '2020-01-01T00:00:00.000Z',
    });
    await expect.poll(() => visit('old-link').then((r) => r.status)).toBe(410);
    expect((await visit('off-link')).status).toBe(404);
  });

  it('the server refuses javascript: targets and links written by a scanner', async () => {
    expect(await putLink('bad-link', { target: 'javascript:alert(1)' })).toBe(403);
    expect(
      await putLink(
        'ana-link',
        { target: 'https://example.com/' },
        auth('ana', 'ana-password-1234'),
      ),
    ).toBe(403);
  });

  it('counts every visit exactly, bots apart, keeping only the referrer host', async () => {
    await putLink('count-me', { target: 'https://example.com/c' });
    let warmUps = 0; // bot visits made while waiting for the table to learn the link
    await expect
      .poll(() =>
        visit('count-me', { 'user-agent': 'curl/8' }).then((r) => {
          if (r.status === 302) warmUps += 1;
          return r.status;
        }),
      )
      .toBe(302);
    for (let i = 0; i < 20; i += 1) {
      expect(
        (await visit('count-me', { referer: 'https://mail.example.com/inbox/1?x=2' })).status,
      ).toBe(302);
    }
    await visit('count-me', { 'user-agent': 'Googlebot/2.1' });
    await expect
      .poll(async () => {
        const docs = (await visitDocs()).filter((d) => d.slug === 'count-me');
        return {
          humans: docs.filter((d) => !d.bot).reduce((n, d) => n + d.count, 0),
          bots: docs.filter((d) => d.bot).reduce((n, d) => n + d.count, 0) - warmUps,
          hosts: [...new Set(docs.filter((d) => !d.bot).map((d) => d.referrerHost))],
        };
      })
      .toEqual({ humans: 20, bots: 1, hosts: ['mail.example.com'] });
  });

  it('limits how many links one client opens per minute', async () => {
    let limited = 0;
    for (let i = 0; i < 60; i += 1) if ((await visit('dock-7')).status === 429) limited += 1;
    expect(limited).toBeGreaterThan(0);
  });
});

describe('new links per user', () => {
  const SOL = auth('sol', 'sol-password-1234');
  const SID = auth('sid', 'sid-password-1234');
  const { burst, refillPerMinute } = DEFAULT_LINK_CREATE_LIMIT;
  const linkDoc = (id: string, owner = 'sol') => ({
    _id: id,
    target: `https://example.com/${id}`,
    owner,
    createdAt: '2026-11-23T08:00:00.000Z',
    enabled: true,
  });
  const bulk = (docs: unknown[], as: string) =>
    fetch(`${server.dbUrl}/links/_bulk_docs`, {
      method: 'POST',
      headers: { authorization: as, 'content-type': 'application/json' },
      body: JSON.stringify({ docs }),
    });
  const stored = async (ids: string[]) => {
    const response = await fetch(`${server.dbUrl}/links/_all_docs`, {
      method: 'POST',
      headers: { authorization: SOL, 'content-type': 'application/json' },
      body: JSON.stringify({ keys: ids }),
    });
    const body = (await response.json()) as { rows: Array<{ id?: string; error?: string }> };
    return body.rows.filter((r) => r.id && !r.error).map((r) => r.id);
  };
  const ids = (prefix: string, n: number) =>
    Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(4, '0')}`);

  it('lets a supervisor import a few hundred links at once, in replication-sized batches', async () => {
    expect(burst).toBeGreaterThanOrEqual(400);
    const all = ids('csv', 400);
    for (let i = 0; i < all.length; i += 50) {
      const response = await bulk(
        all.slice(i, i + 50).map((id) => linkDoc(id)),
        SOL,
      );
      expect(response.status).toBe(201);
      const rows = (await response.json()) as Array<{ ok?: boolean }>;
      expect(rows.every((r) => r.ok)).toBe(true);
    }
    expect(await stored(all)).toHaveLength(400);
  });

  it('charges nothing for edits of existing links', async () => {
    const current = await fetch(`${server.dbUrl}/links/_all_docs?include_docs=true&limit=1000`, {
      headers: { authorization: SOL },
    }).then((r) => r.json() as Promise<{ rows: Array<{ doc: Record<string, unknown> }> }>);
    const mine = current.rows.map((r) => r.doc).filter((d) => String(d._id).startsWith('csv-'));
    expect(mine).toHaveLength(400);
    for (let i = 0; i < mine.length; i += 100) {
      const response = await bulk(
        mine.slice(i, i + 100).map((d) => ({ ...d, title: 'edited' })),
        SOL,
      );
      expect(response.status).toBe(201);
    }
  });

  it('stops a runaway script with 429, a wait in words and Retry-After; nothing of the batch is stored', async () => {
    const runaway = ids('runaway', 150); // 100 tokens are left (plus a few refilled)
    const response = await bulk(
      runaway.map((id) => linkDoc(id)),
      SOL,
    );
    expect(response.status).toBe(429);
    const retryAfter = Number(response.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(Math.ceil((50 * 60) / refillPerMinute));
    expect(await response.json()).toEqual({
      error: 'too_many_requests',
      reason: `Too many new links: wait ${retryAfter} s.`,
    });
    expect(await stored(runaway)).toEqual([]);
    // Single PUTs are counted too, and the limit is per user: another supervisor is not held back.
    expect(await putLink('sid-own', { target: 'https://example.com/', owner: 'sid' }, SID)).toBe(
      201,
    );
  });

  it('the device push waits out the 429 and sends the same links again, losing none', async () => {
    // Spend what is left so the next batch is certainly held.
    const filler = ids('filler', 200);
    let spent = 0;
    for (const id of filler) {
      const status = await putLink(id, { target: 'https://example.com/', owner: 'sol' }, SOL);
      if (status === 429) break;
      expect(status).toBe(201);
      spent += 1;
    }
    expect(spent).toBeLessThan(filler.length);

    const holds: LinksHold[] = [];
    let released = 0;
    const devicePush = holdWhenRateLimited(fetch, {
      now: () => Date.now(),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      isStopped: () => false,
      onHeld: (hold) => holds.push(hold),
      onReleased: () => {
        released += 1;
      },
    });
    const batch = ids('device', 2);
    const started = Date.now();
    const response = await devicePush(`${server.dbUrl}/links/_bulk_docs`, {
      method: 'POST',
      headers: { authorization: SOL, 'content-type': 'application/json' },
      body: JSON.stringify({ docs: batch.map((id) => linkDoc(id)) }),
    });
    expect(response.status).toBe(201);
    expect(holds.length).toBeGreaterThanOrEqual(1);
    expect(holds[0]!.reason).toMatch(/^Too many new links: wait \d+ s\.$/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000); // it did wait for Retry-After
    expect(released).toBe(1);
    expect(await stored(batch)).toEqual(batch);
  });
});
