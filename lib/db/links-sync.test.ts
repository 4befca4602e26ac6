import { describe, expect, it } from 'vitest';
import { MAX_HOLD_MS, holdWhenRateLimited, retryAfterMs } from './links-sync';
import type { LinksHold } from './links-sync';

const tooMany = (retryAfter: string | null, reason = 'Too many new links: wait 3 s.') =>
  new Response(JSON.stringify({ error: 'too_many_requests', reason }), {
    status: 429,
    headers: retryAfter ? { 'retry-after': retryAfter } : {},
  });

describe('retryAfterMs', () => {
  it.each([
    ['3', 3_000],
    ['0', 0],
    ['99999', MAX_HOLD_MS],
    ['Thu, 01 Jan 1970 00:00:10 GMT', 10_000],
    ['soon', null],
    [null, null],
  ])('reads %s as %s ms', (header, expected) => {
    expect(retryAfterMs(header, 0)).toBe(expected);
  });
});

describe('holdWhenRateLimited', () => {
  function setUp(answers: Response[], stopped = false) {
    const sent: Array<string | undefined> = [];
    const slept: number[] = [];
    const holds: Array<LinksHold | null> = [];
    const fetchFn = (async (_input: RequestInfo | URL, init?: RequestInit) => {
      sent.push(init?.body as string | undefined);
      return answers.shift()!;
    }) as typeof fetch;
    const held = holdWhenRateLimited(fetchFn, {
      now: () => 1_000,
      sleep: async (ms) => {
        slept.push(ms);
      },
      isStopped: () => stopped,
      onHeld: (hold) => holds.push(hold),
      onReleased: () => holds.push(null),
    });
    return { held, sent, slept, holds };
  }

  it('waits for Retry-After and sends the same body again until the server takes it', async () => {
    const { held, sent, slept, holds } = setUp([
      tooMany('3'),
      tooMany('2', 'Too many new links: wait 2 s.'),
      new Response('[]', { status: 201 }),
    ]);
    const response = await held('/db/links/_bulk_docs', { method: 'POST', body: '{"docs":[1]}' });
    expect(response.status).toBe(201);
    expect(sent).toEqual(['{"docs":[1]}', '{"docs":[1]}', '{"docs":[1]}']);
    expect(slept).toEqual([3_000, 2_000]);
    expect(holds).toEqual([
      { until: new Date(4_000).toISOString(), reason: 'Too many new links: wait 3 s.' },
      { until: new Date(3_000).toISOString(), reason: 'Too many new links: wait 2 s.' },
      null,
    ]);
  });

  it('passes other answers through untouched and says nothing', async () => {
    const { held, holds } = setUp([new Response('{}', { status: 403 })]);
    expect((await held('/db/links/x')).status).toBe(403);
    expect(holds).toEqual([]);
  });

  it('gives up (RxDB keeps the links) once sync stops during the wait', async () => {
    const { held, holds } = setUp([tooMany(null)], true);
    await expect(held('/db/links/_bulk_docs', { method: 'POST', body: '{}' })).rejects.toThrow(
      /stopped/,
    );
    expect(holds.at(-1)).toBeNull();
  });
});
