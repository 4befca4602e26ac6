import { describe, expect, it } from 'vitest';
import { sitesHeldTo, withoutOtherSites } from './site-reads';

describe('sitesHeldTo', () => {
  it.each([
    [
      ['bridge', 'site:north', 'site:east'],
      ['north', 'east'],
    ],
    [['bridge'], []],
    [['bridge', 'site:north', 'supervisor'], null],
    [['scanner'], null],
    [['_admin'], null],
  ])('%j → %j', (roles, expected) => {
    expect(sitesHeldTo({ name: 'u', roles })).toEqual(expected);
  });
});

describe('withoutOtherSites', () => {
  const north = { _id: 'n', _rev: '1-n', site: 'north' };
  const south = { _id: 's', _rev: '1-s', site: 'south' };
  const gone = { _id: 'g', _rev: '2-g', _deleted: true };

  it('forbids a single document of another site', () => {
    expect(withoutOtherSites(north, ['south']).forbidden).toBe(true);
    expect(withoutOtherSites(south, ['south']).forbidden).toBe(false);
    expect(withoutOtherSites(gone, ['south']).forbidden).toBe(false);
  });

  it('takes other sites out of _all_docs, _bulk_get and open_revs answers', () => {
    const all = withoutOtherSites(
      {
        rows: [
          { id: 'n', key: 'n', doc: north },
          { id: 's', doc: south },
        ],
      },
      ['south'],
    );
    expect(JSON.stringify(all.answer)).not.toContain('north');
    expect(JSON.stringify(all.answer)).toContain('south');
    const bulk = withoutOtherSites(
      {
        results: [
          { id: 'n', docs: [{ ok: north }] },
          { id: 's', docs: [{ ok: south }] },
        ],
      },
      ['south'],
    );
    expect(JSON.stringify(bulk.answer)).not.toContain('north');
    expect(JSON.stringify(bulk.answer)).toContain('"site":"south"');
    const revs = withoutOtherSites([{ ok: north }, { ok: gone }], ['south']);
    expect(revs.answer).toEqual([{ missing: '1-n' }, { ok: gone }]);
  });
});
