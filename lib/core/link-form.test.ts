import { describe, expect, it } from 'vitest';
import type { LinkDraft } from './link-form';
import {
  claimStatusOf,
  linkFromDraft,
  linkMatches,
  linkStateOf,
  shortUrlOf,
  tagsFromText,
} from './link-form';

const NOW = new Date('2026-11-23T12:00:00Z');
const DRAFT: LinkDraft = {
  slug: 'dock-7',
  target: 'https://example.com/track',
  title: ' Dock 7 tracking ',
  tags: 'Dock, returns dock',
  enabled: true,
  expiresAt: '',
  passQuery: false,
};
const check = (change: Partial<LinkDraft>) =>
  linkFromDraft({ ...DRAFT, ...change }, { owner: 'sam', now: NOW });

describe('linkFromDraft', () => {
  it('builds the document the server accepts', () => {
    expect(check({})).toEqual({
      ok: true,
      link: {
        id: 'dock-7',
        target: 'https://example.com/track',
        title: 'Dock 7 tracking',
        tags: ['dock', 'returns'],
        enabled: true,
        owner: 'sam',
        createdAt: '2026-11-23T12:00:00.000Z',
      },
    });
  });

  it.each([
    [{ slug: 'a' }, 'slug', 'slug-format'],
    [{ slug: 'admin' }, 'slug', 'slug-reserved'],
    [{ target: 'javascript:alert(1)' }, 'target', 'target-scheme'],
    [{ target: 'data:text/html,x' }, 'target', 'target-scheme'],
    [{ target: 'example.com/x' }, 'target', 'target-not-absolute'],
    [{ target: '/relative' }, 'target', 'target-not-absolute'],
    [{ target: 'https://bank.com@evil.example/' }, 'target', 'target-credentials'],
    [{ target: 'https://example.com/a\r\nSet-Cookie: x=1' }, 'target', 'target-control'],
    [{ target: 'https://example.com/a\tb' }, 'target', 'target-control'],
    [{ expiresAt: 'soon' }, 'expiresAt', 'expiry-invalid'],
    [{ expiresAt: '2026-11-22T10:00' }, 'expiresAt', 'expiry-past'],
  ] as const)('%o → %s %s', (change, field, error) => {
    const result = check(change);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[field]).toBe(error);
  });

  it('takes a pasted address with a line break at its end, trimmed', () => {
    const result = check({ target: ' https://example.com/日本\r\n' });
    expect(result.ok && result.link.target).toBe('https://example.com/日本');
  });

  it('keeps expiry and query passing when asked', () => {
    const result = check({ expiresAt: '2026-12-01T09:30:00Z', passQuery: true, slug: ' Dock-8 ' });
    expect(result.ok && result.link).toMatchObject({
      id: 'dock-8',
      expiresAt: '2026-12-01T09:30:00.000Z',
      passQuery: true,
    });
  });
});

describe('search and state', () => {
  const link = {
    id: 'k7qm2xa',
    title: 'Returns form',
    tags: ['dock-7', 'forms'],
    target: 'https://x.example/f',
  };
  it.each([
    ['', true],
    ['returns', true],
    ['#forms', true],
    ['#form', false],
    ['dock', true],
    ['returns dock', true],
    ['invoice', false],
  ])('%s → %s', (query, expected) => expect(linkMatches(link, query)).toBe(expected));

  it.each([
    [{ enabled: false }, 'disabled'],
    [{ enabled: true, expiresAt: '2026-11-23T11:59:59Z' }, 'expired'],
    [{ enabled: true, expiresAt: '2026-11-24T00:00:00Z' }, 'live'],
    [{ enabled: true }, 'live'],
  ])('%o is %s', (l, state) => expect(linkStateOf(l, NOW)).toBe(state));

  it('short URL uses the origin', () => {
    expect(shortUrlOf('http://127.0.0.1:3000/', 'dock-7')).toBe('http://127.0.0.1:3000/r/dock-7');
    expect(tagsFromText(' a,,b ; a ')).toEqual(['a', 'b']);
  });
});

describe('claimStatusOf', () => {
  const claim = {
    id: 'dock-7',
    target: 'https://a.example',
    createdAt: '2026-11-23T12:00:00.000Z',
    owner: 'sam',
  };
  it('a slug another device made first is reported lost, not silently replaced', () => {
    expect(claimStatusOf(claim, undefined)).toBe('waiting');
    expect(claimStatusOf(claim, { createdAt: claim.createdAt, owner: 'sam' })).toBe('ours');
    expect(claimStatusOf(claim, { createdAt: '2026-11-23T11:00:00.000Z', owner: 'bo' })).toBe(
      'lost',
    );
  });
});
