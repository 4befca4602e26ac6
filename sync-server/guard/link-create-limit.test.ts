import { describe, expect, it } from 'vitest';
import { createTokenBuckets, newLinksIn, tooManyLinksReason } from './link-create-limit';

const body = (value: unknown) => value;
const link = (id: string, extra: Record<string, unknown> = {}) => ({ _id: id, ...extra });

describe('newLinksIn', () => {
  it.each([
    ['a bulk push of new links', 'POST', '/_bulk_docs', { docs: [link('a'), link('b')] }, {}, 2],
    [
      'edits and deletions in a bulk push',
      'POST',
      '/_bulk_docs',
      { docs: [link('a', { _rev: '1-x' }), link('b', { _deleted: true }), link('c')] },
      {},
      1,
    ],
    [
      'new_edits=false (any revision may be written)',
      'POST',
      '/_bulk_docs',
      { new_edits: false, docs: [link('a', { _rev: '7-x' }), link('b', { _rev: '1-y' })] },
      {},
      2,
    ],
    [
      'design and local documents',
      'POST',
      '/_bulk_docs',
      { docs: [link('_design/x'), link('_local/y')] },
      {},
      0,
    ],
    ['a PUT of a new link', 'PUT', '/dock-7', { target: 'https://e.x/' }, {}, 1],
    ['a PUT edit (_rev in the body)', 'PUT', '/dock-7', { _rev: '1-a' }, {}, 0],
    ['a PUT edit (?rev=)', 'PUT', '/dock-7?rev=1-a', { target: 'https://e.x/' }, {}, 0],
    ['a PUT edit (If-Match)', 'PUT', '/dock-7', {}, { 'if-match': '"1-a"' }, 0],
    ['a PUT with new_edits=false', 'PUT', '/dock-7?new_edits=false', { _rev: '3-a' }, {}, 1],
    ['a POST with a server id', 'POST', '', { target: 'https://e.x/' }, {}, 1],
    ['a design document PUT', 'PUT', '/_design%2Fx', {}, {}, 0],
    ['a DELETE', 'DELETE', '/dock-7?rev=1-a', {}, {}, 0],
  ])('counts %s', (_name, method, path, value, headers, expected) => {
    expect(newLinksIn(method, path, body(value), headers)).toBe(expected);
  });

  it('counts nothing in a body that is not an object, or none', () => {
    expect(newLinksIn('POST', '/_bulk_docs', 'nope', {})).toBe(0);
    expect(newLinksIn('POST', '/_bulk_docs', undefined, {})).toBe(0);
  });
});

describe('createTokenBuckets', () => {
  it('allows a burst, then refills steadily, per key', () => {
    let t = 0;
    const buckets = createTokenBuckets({ burst: 10, refillPerMinute: 60 }, () => t);
    expect(buckets.take('sue', 8)).toEqual({ ok: true });
    expect(buckets.take('sue', 3)).toEqual({ ok: false, retryAfterS: 1 });
    expect(buckets.take('ana', 10)).toEqual({ ok: true }); // another user has their own bucket
    expect(buckets.take('sue', 2)).toEqual({ ok: true }); // all or none: the refused 3 took nothing
    expect(buckets.take('sue', 5)).toEqual({ ok: false, retryAfterS: 5 });
    t = 5_000;
    expect(buckets.take('sue', 5)).toEqual({ ok: true });
    t = 1_000_000;
    expect(buckets.left('sue')).toBe(10); // never more than the burst
  });

  it('lets a batch larger than the burst through on a full bucket, then holds the user back', () => {
    let t = 0;
    const buckets = createTokenBuckets({ burst: 10, refillPerMinute: 60 }, () => t);
    expect(buckets.take('sue', 50)).toEqual({ ok: true });
    expect(buckets.left('sue')).toBe(-40);
    expect(buckets.take('sue', 1)).toEqual({ ok: false, retryAfterS: 41 });
    t = 41_000;
    expect(buckets.take('sue', 1)).toEqual({ ok: true });
  });

  it('words the refusal the way the app shows it', () => {
    expect(tooManyLinksReason(12)).toBe('Too many new links: wait 12 s.');
  });
});
