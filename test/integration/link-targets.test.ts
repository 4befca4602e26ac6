// Link targets against a real sync server: an IRI target (non-ASCII path, IDN host) redirects with
// an ASCII Location instead of a request Node cannot answer, and a target with a line break or
// another control character is refused when it is written, before it can reach a header.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, startTestSyncServer, type TestSyncServer } from '../helpers/sync-server';

const SUE = basicAuth('sue', 'sue-password-1234'); // supervisor
let server: TestSyncServer;

beforeAll(async () => {
  server = await startTestSyncServer();
  await server.createUser('sue', 'sue-password-1234', ['supervisor']);
});
afterAll(() => server?.close());

async function putLink(id: string, target: string) {
  const response = await fetch(`${server.dbUrl}/links/${id}`, {
    method: 'PUT',
    headers: { authorization: SUE, 'content-type': 'application/json' },
    body: JSON.stringify({
      _id: id,
      target,
      enabled: true,
      owner: 'sue',
      createdAt: '2026-11-23T08:00:00.000Z',
    }),
  });
  return { status: response.status, body: (await response.json()) as { reason?: string } };
}

// A request that is never answered fails here in seconds, not at the test's timeout.
const visit = (slug: string) =>
  fetch(`${server.url}/r/${slug}`, { redirect: 'manual', signal: AbortSignal.timeout(5_000) });

describe('link targets', () => {
  it.each([
    ['jp-path', 'http://example.com/日本', 'http://example.com/%E6%97%A5%E6%9C%AC'],
    [
      'idn-host',
      'https://bücher.example/straße?q=ü#teil',
      'https://xn--bcher-kva.example/stra%C3%9Fe?q=%C3%BC#teil',
    ],
  ])('%s redirects with an ASCII Location', async (slug, target, location) => {
    expect((await putLink(slug, target)).status).toBe(201);
    await expect.poll(() => visit(slug).then((r) => r.status)).toBe(302);
    expect((await visit(slug)).headers.get('location')).toBe(location);
  });

  it.each([
    ['crlf-link', 'https://example.com/a\r\nSet-Cookie: owned=1'],
    ['lf-end-link', 'https://example.com/\n'],
    ['nul-link', 'https://example.com/\u0000'],
  ])('%s: a target with a control character is refused', async (slug, target) => {
    const refused = await putLink(slug, target);
    expect(refused.status).toBe(403);
    expect(refused.body.reason).toMatch(/target does not match/);
    expect((await visit(slug)).status).toBe(404);
  });
});
