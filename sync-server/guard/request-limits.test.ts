import { describe, expect, it } from 'vitest';
import {
  DEFAULT_REQUEST_LIMITS,
  checkBody,
  checkQuery,
  jsonDeeperThan,
  parseJsonBody,
  selectorUsesRegex,
} from './request-limits';

const limits = { ...DEFAULT_REQUEST_LIMITS, maxDocsPerRequest: 3, maxRowsPerRead: 100 };
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('jsonDeeperThan', () => {
  it.each([
    ['{}', 1, false],
    ['{"a":{}}', 1, true],
    [nested(32), 32, false],
    [nested(33), 32, true],
    ['{"a":"[[[[[[[["}', 1, false], // brackets inside strings do not count
    ['{"a":"\\"[[[["}', 1, false], // nor after an escaped quote
    [nested(100_000), 32, true],
  ])('%s deeper than %i: %s', (text, max, expected) => {
    expect(jsonDeeperThan(Buffer.from(text), max)).toBe(expected);
  });
});

describe('parseJsonBody', () => {
  it('drops a byte-order mark, as the store does, from what it forwards', () => {
    const parsed = parseJsonBody(Buffer.from('\ufeff{"a":1}'), 32);
    expect(parsed).toMatchObject({ ok: true, value: { a: 1 } });
    expect(parsed.ok && parsed.bytes.toString()).toBe('{"a":1}');
  });

  it.each([
    ['{nope', 'SYNC_ERR_BAD_JSON'],
    [nested(40), 'SYNC_ERR_TOO_DEEP'],
  ])('refuses %s as %s', (text, code) => {
    expect(parseJsonBody(Buffer.from(text), 32)).toMatchObject({ ok: false, code });
  });
});

describe('checkBody', () => {
  it.each([
    ['_bulk_docs', { docs: [{}, {}, {}] }, null],
    ['_bulk_docs', { docs: [{}, {}, {}, {}] }, 'SYNC_ERR_TOO_MANY_DOCS'],
    ['_bulk_docs', { docs: { a: 1 } }, 'SYNC_ERR_BAD_REQUEST'],
    ['_bulk_docs', { docs: [1] }, 'SYNC_ERR_BAD_REQUEST'],
    ['_bulk_docs', [], 'SYNC_ERR_BAD_REQUEST'],
    [
      '_bulk_get',
      { docs: [{ id: 'a' }, { id: 'b' }, { id: 'c' }, { id: 'd' }] },
      'SYNC_ERR_TOO_MANY_DOCS',
    ],
    ['_all_docs', { keys: ['a', 'b', 'c', 'd'] }, 'SYNC_ERR_TOO_MANY_DOCS'],
    ['_all_docs', { keys: 'a' }, 'SYNC_ERR_BAD_REQUEST'],
    ['_view', { keys: ['a'] }, null],
    ['_revs_diff', { a: ['1-a'], b: ['1-b'] }, null],
    ['_revs_diff', { a: Array.from({ length: 31 }, (_, i) => `${i}-a`) }, 'SYNC_ERR_TOO_MANY_DOCS'],
    ['_revs_diff', null, 'SYNC_ERR_BAD_REQUEST'],
    ['_changes', { doc_ids: ['a', 'b', 'c', 'd'] }, 'SYNC_ERR_TOO_MANY_DOCS'],
    ['_find', { selector: { code: 'JD1' }, limit: 50 }, null],
    ['_find', { selector: { code: 'JD1' }, limit: 500 }, 'SYNC_ERR_LIMIT_REQUIRED'],
    ['_find', { selector: { code: { $regex: '^(a+)+$' } } }, 'SYNC_ERR_QUERY_REFUSED'],
    ['_find', {}, 'SYNC_ERR_BAD_REQUEST'],
    ['doc', [1], 'SYNC_ERR_BAD_REQUEST'],
    ['_local', { seq: 1 }, null],
  ] as const)('%s %j → %s', (endpoint, body, code) => {
    const refusal = checkBody(endpoint, body, limits, false);
    expect(refusal?.code ?? null).toBe(code);
  });

  it('lets admins use $regex, never more documents', () => {
    expect(checkBody('_find', { selector: { a: { $regex: 'x' } } }, limits, true)).toBeNull();
    expect(checkBody('_bulk_docs', { docs: [{}, {}, {}, {}] }, limits, true)?.code).toBe(
      'SYNC_ERR_TOO_MANY_DOCS',
    );
  });
});

describe('selectorUsesRegex', () => {
  it.each([
    [{ a: 1 }, false],
    [{ a: { $regex: 'x' } }, true],
    [{ $or: [{ a: 1 }, { $and: [{ b: { $regex: 'y' } }] }] }, true],
    [{ a: { $elemMatch: { $regex: 'z' } } }, true],
    [{ a: '$regex' }, false],
  ])('%j: %s', (selector, expected) => {
    expect(selectorUsesRegex(selector)).toBe(expected);
  });
});

describe('checkQuery', () => {
  const q = (s: string) => new URLSearchParams(s);
  it.each([
    ['limit=100', true, null],
    ['limit=101', true, 'SYNC_ERR_LIMIT_REQUIRED'],
    ['', true, 'SYNC_ERR_LIMIT_REQUIRED'],
    ['limit=-1', true, 'SYNC_ERR_LIMIT_REQUIRED'],
    ['', false, null],
    ['keys=["a","b"]', true, null], // a list of keys bounds the rows
    ['keys=["a","b","c","d"]', true, 'SYNC_ERR_TOO_MANY_DOCS'],
    ['keys=nope', false, 'SYNC_ERR_BAD_JSON'],
    ['keys={"a":1}', false, 'SYNC_ERR_BAD_REQUEST'],
    [`doc_ids=[${nested(40)}]`, false, 'SYNC_ERR_TOO_DEEP'],
  ])('%s (bounded rows: %s) → %s', (query, rowsBounded, code) => {
    expect(checkQuery(q(query), limits, { rowsBounded })?.code ?? null).toBe(code);
  });
});
