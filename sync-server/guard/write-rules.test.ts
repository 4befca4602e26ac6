import { describe, expect, it } from 'vitest';
import {
  alreadyStored,
  historyOf,
  idsToLookUp,
  refusedWrites,
  storedFromAllDocs,
  writeRulesApply,
} from './write-rules';
import type { StoredDoc } from './write-rules';

const sam = { name: 'sam', roles: ['scanner'] };
const sue = { name: 'sue', roles: ['supervisor'] };
const ada = { name: 'ada', roles: ['admin'] };
const bridge = { name: 'b', roles: ['bridge', 'site:north'] };

describe('historyOf', () => {
  it.each([
    [{ _revisions: { start: 3, ids: ['c', 'b', 'a'] } }, ['3-c', '2-b', '1-a']],
    [{ _rev: '2-x' }, ['2-x']],
    [{}, []],
    [{ _revisions: { start: 'x', ids: [] }, _rev: '1-y' }, ['1-y']],
  ])('%j → %j', (doc, expected) => {
    expect(historyOf(doc)).toEqual(expected);
  });
});

describe('writeRulesApply', () => {
  it.each([
    ['scans', sam, false, { replicated: false, voids: true }],
    ['scans', sue, false, { replicated: false, voids: true }],
    ['scans', ada, true, { replicated: false, voids: true }],
    ['scans', { name: 'admin', roles: ['_admin'] }, true, { replicated: false, voids: false }],
    ['print_jobs', bridge, true, { replicated: true, voids: false }],
    ['print_jobs', sam, false, { replicated: false, voids: false }],
  ] as const)('%s for %j (replicated %s)', (db, user, replicated, expected) => {
    expect(writeRulesApply(db, user, replicated)).toEqual(expected);
  });
});

describe('refusedWrites', () => {
  const both = { replicated: true, voids: true };
  const stored = new Map<string, StoredDoc>([
    ['s1', { rev: '1-a', deleted: false, doc: { user: 'bob' } }],
    ['job', { rev: '3-c', deleted: false }],
  ]);

  it('refuses a replicated revision that does not build on the stored one', () => {
    const docs = [
      { _id: 'job', _revisions: { start: 4, ids: ['d', 'c'] } }, // extends 3-c
      { _id: 'job', _revisions: { start: 2, ids: ['z', 'a'] } }, // a branch from 1-a
      { _id: 'new', _rev: '1-q' },
    ];
    const refused = refusedWrites(docs, bridge, { replicated: true, voids: false }, stored);
    expect([...refused.keys()]).toEqual([1]);
    expect(refused.get(1)?.reason).toMatch(/new branch/);
  });

  it("refuses a void of another user's scan, stored or in the same batch", () => {
    const docs = [
      { _id: 'v1', result: 'void', voids: 's1', user: 'sam' },
      { _id: 'own', result: 'matched', user: 'sam' },
      { _id: 'v2', result: 'void', voids: 'own', user: 'sam' },
      { _id: 'v3', result: 'void', voids: 'not-here', user: 'sam' },
      { _id: 'theirs', result: 'matched', user: 'bob' },
      { _id: 'v4', result: 'void', voids: 'theirs', user: 'sam' },
    ];
    const refused = refusedWrites(docs, sam, { replicated: false, voids: true }, stored);
    expect([...refused.keys()]).toEqual([0, 5]);
  });

  it("takes a supervisor's void of another's scan only with a reason", () => {
    const docs = [
      { _id: 'v1', result: 'void', voids: 's1', user: 'sue' },
      { _id: 'v2', result: 'void', voids: 's1', user: 'sue', voidReason: '  ' },
      { _id: 'v3', result: 'void', voids: 's1', user: 'sue', voidReason: 'wrong pallet' },
    ];
    const refused = refusedWrites(docs, sue, { replicated: false, voids: true }, stored);
    expect([...refused.keys()]).toEqual([0, 1]);
    expect(refused.get(0)?.reason).toMatch(/Give a reason/);
  });

  it('asks the store only for what the rules need', () => {
    const docs = [
      { _id: 'v1', result: 'void', voids: 's1' },
      { _id: 'own', result: 'matched' },
      { _id: 'v2', result: 'void', voids: 'own' },
    ];
    expect(idsToLookUp(docs, { replicated: false, voids: true })).toEqual({
      ids: ['s1'],
      withDocs: true,
    });
    expect(idsToLookUp(docs, both).ids.sort()).toEqual(['own', 's1', 'v1', 'v2']);
    expect(idsToLookUp(docs, { replicated: true, voids: false }).withDocs).toBe(false);
  });
});

describe('alreadyStored', () => {
  it('finds replicated documents whose revision is the stored one', () => {
    const stored = new Map<string, StoredDoc>([['job', { rev: '3-c', deleted: false }]]);
    const docs = [
      { _id: 'job', _rev: '3-c' },
      { _id: 'job', _rev: '4-d' },
      { _id: 'new', _rev: '1-a' },
    ];
    expect([...alreadyStored(docs, stored)]).toEqual([0]);
  });
});

describe('storedFromAllDocs', () => {
  it('reads live, deleted and missing rows', () => {
    const stored = storedFromAllDocs({
      rows: [
        { id: 'a', key: 'a', value: { rev: '1-a' }, doc: { _id: 'a', user: 'x' } },
        { id: 'b', key: 'b', value: { rev: '2-b', deleted: true }, doc: null },
        { key: 'c', error: 'not_found' },
      ],
    });
    expect([...stored.keys()]).toEqual(['a', 'b']);
    expect(stored.get('b')).toEqual({ rev: '2-b', deleted: true, doc: null });
    expect(storedFromAllDocs(undefined).size).toBe(0);
  });
});
