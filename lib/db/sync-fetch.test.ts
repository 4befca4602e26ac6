import { describe, expect, it, vi } from 'vitest';
import type { SyncFetchDeps } from './sync-fetch';
import { createSyncFetch } from './sync-fetch';

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

function depsWith(fetchFn: typeof fetch, overrides: Partial<SyncFetchDeps> = {}) {
  const confirmed: string[] = [];
  const deps: SyncFetchDeps = {
    fetch: fetchFn,
    whenAllowed: () => Promise.resolve(),
    onUnauthorized: vi.fn(),
    onForbidden: vi.fn(),
    onReached: vi.fn(),
    onUnreachable: vi.fn(),
    onSuccess: vi.fn(),
    onServerError: vi.fn(),
    onScansConfirmed: vi.fn(async (ids: string[]) => void confirmed.push(...ids)),
    onScansRefused: vi.fn(),
    scansPath: '/db/scans/',
    ...overrides,
  };
  return { deps, confirmed };
}

describe('createSyncFetch', () => {
  it('confirms scans the server wrote or already had, not the refused ones', async () => {
    const fetchFn = vi.fn(async () =>
      json([
        { id: 'd:1', ok: true, rev: '1-a' },
        { id: 'd:2', error: 'conflict', reason: 'Document update conflict.' },
        { id: 'd:3', error: 'forbidden', reason: 'not your scan' },
      ]),
    );
    const { deps, confirmed } = depsWith(fetchFn as typeof fetch);
    const response = await createSyncFetch(deps)('http://x/db/scans/_bulk_docs?', {
      method: 'POST',
      body: '{}',
    });
    expect(await response.json()).toHaveLength(3);
    expect(confirmed).toEqual(['d:1', 'd:2']);
    expect(deps.onScansRefused).toHaveBeenCalledWith(['d:3'], ['forbidden: not your scan']);
    expect(fetchFn).toHaveBeenCalledWith(
      'http://x/db/scans/_bulk_docs?',
      expect.objectContaining({ credentials: 'same-origin' }),
    );
  });

  it('confirms scans that _all_docs shows on the server', async () => {
    const fetchFn = vi.fn(async () =>
      json({
        rows: [
          { key: 'd:1', id: 'd:1', doc: { _id: 'd:1' } },
          { key: 'd:2', error: 'not_found' },
          { key: 'd:3', id: 'd:3', doc: { _id: 'd:3', _deleted: true } },
        ],
      }),
    );
    const { deps, confirmed } = depsWith(fetchFn as typeof fetch);
    await createSyncFetch(deps)('http://x/db/scans/_all_docs?', { method: 'POST', body: '{}' });
    expect(confirmed).toEqual(['d:1']);
  });

  it('ignores answers of other databases', async () => {
    const fetchFn = vi.fn(async () => json([{ id: 'm1', ok: true }]));
    const { deps, confirmed } = depsWith(fetchFn as typeof fetch);
    await createSyncFetch(deps)('http://x/db/manifests/_bulk_docs?', { method: 'POST' });
    expect(confirmed).toEqual([]);
  });

  it('holds a request after a 401 until the gate opens, then retries it', async () => {
    let open = true;
    let release: () => void = () => undefined;
    const fetchFn = vi
      .fn()
      .mockResolvedValueOnce(json({ error: 'unauthorized' }, 401))
      .mockResolvedValueOnce(json({ results: [], last_seq: '5' }));
    const { deps } = depsWith(fetchFn as typeof fetch, {
      whenAllowed: () => (open ? Promise.resolve() : new Promise<void>((r) => (release = r))),
      onUnauthorized: vi.fn(() => {
        open = false;
      }),
    });
    const pending = createSyncFetch(deps)('http://x/db/waybills/_changes?since=0');
    await vi.waitFor(() => expect(deps.onUnauthorized).toHaveBeenCalledWith(401));
    expect(fetchFn).toHaveBeenCalledTimes(1);
    open = true;
    release();
    const response = await pending;
    expect(response.status).toBe(200);
    expect(fetchFn).toHaveBeenCalledTimes(2);
  });

  it('a 403 (logged in, not allowed) fails that request only and never closes the gate', async () => {
    const fetchFn = vi.fn().mockResolvedValueOnce(json({ error: 'forbidden' }, 403));
    const { deps } = depsWith(fetchFn as typeof fetch);
    const response = await createSyncFetch(deps)('http://x/db/links/_bulk_docs');
    expect(response.status).toBe(403);
    expect(deps.onForbidden).toHaveBeenCalledWith('http://x/db/links/_bulk_docs');
    expect(deps.onUnauthorized).not.toHaveBeenCalled();
  });

  it('reports an unreachable server and rethrows', async () => {
    const fetchFn = vi.fn(async () => {
      throw new TypeError('Failed to fetch');
    });
    const { deps } = depsWith(fetchFn as typeof fetch);
    await expect(createSyncFetch(deps)('http://x/db/scans/_bulk_docs')).rejects.toThrow(TypeError);
    expect(deps.onUnreachable).toHaveBeenCalled();
  });

  it('reports server errors without confirming anything', async () => {
    const fetchFn = vi.fn(async () => json({ error: 'boom' }, 503));
    const { deps, confirmed } = depsWith(fetchFn as typeof fetch);
    const response = await createSyncFetch(deps)('http://x/db/scans/_bulk_docs', {
      method: 'POST',
    });
    expect(response.status).toBe(503);
    expect(deps.onServerError).toHaveBeenCalledWith(503, 'http://x/db/scans/_bulk_docs');
    expect(confirmed).toEqual([]);
  });
});
