import { describe, expect, it } from 'vitest';
import { importCounts, planLinkImport, reportAfterWrite, rowsFromCsv } from './link-import';

const NOW = new Date('2026-11-23T12:00:00Z');
let n = 0;
const context = (taken: string[] = []) => ({
  taken: new Set(taken),
  owner: 'sam',
  now: NOW,
  newSlug: () => `gen${String(++n).padStart(4, '0')}`,
});

describe('rowsFromCsv', () => {
  it.each([
    [
      'a,b\r\nc,d\n',
      [
        ['a', 'b'],
        ['c', 'd'],
      ],
    ],
    ['\ufeff"x, y","say ""hi"""\n', [['x, y', 'say "hi"']]],
    [
      'a;b;c\n1;2;3',
      [
        ['a', 'b', 'c'],
        ['1', '2', '3'],
      ],
    ],
    ['"multi\nline",z', [['multi\nline', 'z']]],
    ['a\tb', [['a', 'b']]],
  ])('%j', (text, rows) => expect(rowsFromCsv(text)).toEqual(rows));
});

describe('planLinkImport', () => {
  it('reports every row: ready, clash, duplicate, invalid slug, invalid target', () => {
    const csv = [
      'Slug,URL,Title,Tags',
      'dock-7,https://example.com/a,Dock 7,"dock, returns"',
      'taken-1,https://example.com/b,,',
      'dock-7,https://example.com/c,,',
      'A!,https://example.com/d,,',
      'bad-target,javascript:alert(1),,',
      'no-scheme,example.com/x,,',
      '',
      ',https://example.com/generated,Generated,',
    ].join('\n');
    n = 0;
    const report = planLinkImport(rowsFromCsv(csv), context(['taken-1']));
    expect(report.map((r) => [r.line, r.slug, r.status])).toEqual([
      [2, 'dock-7', 'ready'],
      [3, 'taken-1', 'clash'],
      [4, 'dock-7', 'duplicate-in-file'],
      [5, 'a!', 'invalid-slug'],
      [6, 'bad-target', 'invalid-target'],
      [7, 'no-scheme', 'invalid-target'],
      [9, 'gen0001', 'ready'],
    ]);
    expect(report[0]!.link).toEqual({
      id: 'dock-7',
      target: 'https://example.com/a',
      title: 'Dock 7',
      tags: ['dock', 'returns'],
      enabled: true,
      owner: 'sam',
      createdAt: '2026-11-23T12:00:00.000Z',
    });
    expect(report[4]!.reason).toMatch(/web addresses/);
    expect(report[5]!.reason).toMatch(/full address/);
  });

  it('without a header the columns are slug,target,title,tags', () => {
    const report = planLinkImport(
      [['shelf-1', 'http://intranet.local/doc', 'Shelf', 'a b']],
      context(),
    );
    expect(report[0]).toMatchObject({ line: 1, status: 'ready', link: { tags: ['a', 'b'] } });
  });

  it('a generated slug never repeats a taken one', () => {
    let i = 0;
    const slugs = ['taken-1', 'taken-1', 'fresh-1'];
    const report = planLinkImport([['', 'https://example.com']], {
      ...context(['taken-1']),
      newSlug: () => slugs[i++]!,
    });
    expect(report[0]!.slug).toBe('fresh-1');
  });

  it('clashes found at write time are reported as clashes', () => {
    const plan = planLinkImport(
      [
        ['one-1', 'https://example.com'],
        ['two-2', 'https://example.com'],
      ],
      context(),
    );
    const report = reportAfterWrite(plan, new Set(['two-2']));
    expect(report.map((r) => r.status)).toEqual(['created', 'clash']);
    expect(importCounts(report)).toMatchObject({ created: 1, clash: 1 });
  });
});
