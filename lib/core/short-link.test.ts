import { describe, expect, it } from 'vitest';
import {
  checkSlug,
  checkTarget,
  deviceClassOf,
  isBot,
  redirectFor,
  referrerHostOf,
  slugFromRandomBytes,
} from './short-link';

const NOW = new Date('2026-11-23T12:00:00Z');
const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1';
const ANDROID_TABLET =
  'Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';
const DESKTOP =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';

describe('checkTarget', () => {
  it.each([
    ['https://example.com/track?id=1', null],
    ['http://intranet.local/doc', null],
    ['', 'target-empty'],
    ['javascript:alert(1)', 'target-scheme'],
    ['data:text/html,<script>alert(1)</script>', 'target-scheme'],
    ['ftp://example.com/file', 'target-scheme'],
    ['/relative/path', 'target-not-absolute'],
    ['example.com/no-scheme', 'target-not-absolute'],
    ['//example.com/protocol-relative', 'target-not-absolute'],
    ['http:example.com', 'target-not-absolute'],
    ['https://bank.example@evil.example/', 'target-credentials'],
    [`https://example.com/${'a'.repeat(2048)}`, 'target-too-long'],
    ['http://example.com/日本', null],
    ['http://bücher.example/straße', null],
    // `new URL()` drops tabs and line breaks silently: they must be refused before it parses.
    ['https://example.com/a\r\nSet-Cookie: x=1', 'target-control'],
    ['https://example.com/\n', 'target-control'],
    ['https://exa\tmple.com/', 'target-control'],
    ['https://example.com/\u0000', 'target-control'],
    ['https://example.com/\u007f', 'target-control'],
    ['https://example.com/\u0085', 'target-control'],
  ])('%j → %s', (target, error) => {
    expect(checkTarget(target)).toBe(error);
  });
});

describe('checkSlug', () => {
  it.each([
    ['dock-7', null],
    ['abc', null],
    ['ab', 'slug-format'],
    ['Dock7', 'slug-format'],
    ['-abc', 'slug-format'],
    ['a/b', 'slug-format'],
    ['admin', 'slug-reserved'],
    ['api', 'slug-reserved'],
  ])('%s → %s', (slug, error) => {
    expect(checkSlug(slug)).toBe(error);
  });

  it('generated slugs are valid and avoid look-alike characters', () => {
    const bytes = new Uint8Array(64).map((_, i) => (i * 37) % 256);
    const slug = slugFromRandomBytes(bytes);
    expect(slug).toHaveLength(7);
    expect(checkSlug(slug)).toBeNull();
    expect(slug).not.toMatch(/[01ilo]/);
  });

  it('refuses to make a short slug from too few usable bytes', () => {
    expect(() => slugFromRandomBytes(new Uint8Array([255, 255, 1]))).toThrow(/not enough/);
  });
});

describe('redirectFor', () => {
  const link = { target: 'https://example.com/t?a=1', enabled: true };
  it.each([
    ['an enabled link', link, '', { status: 302, location: 'https://example.com/t?a=1' }],
    ['an unknown slug', undefined, '', { status: 404 }],
    ['a disabled link', { ...link, enabled: false }, '', { status: 404 }],
    ['an expired link', { ...link, expiresAt: '2026-11-23T11:59:59Z' }, '', { status: 410 }],
    [
      'a link not yet expired',
      { ...link, expiresAt: '2026-11-24T00:00:00Z' },
      '',
      { status: 302, location: link.target },
    ],
    [
      'a query the link does not pass on',
      link,
      '?next=https://evil.example',
      { status: 302, location: link.target },
    ],
    [
      'a query a link passes on',
      { ...link, passQuery: true },
      '?b=2',
      { status: 302, location: 'https://example.com/t?a=1&b=2' },
    ],
    [
      'a stored target that became invalid',
      { ...link, target: 'javascript:alert(1)' },
      '',
      { status: 404 },
    ],
    [
      'a stored target with a line break (never a header)',
      { ...link, target: 'https://example.com/a\r\nSet-Cookie: x=1' },
      '',
      { status: 404 },
    ],
    [
      'a non-ASCII path, as UTF-8 percent-encoded',
      { ...link, target: 'http://example.com/日本' },
      '',
      { status: 302, location: 'http://example.com/%E6%97%A5%E6%9C%AC' },
    ],
    [
      'an IDN host, in punycode, with path, query and fragment encoded',
      { ...link, target: 'https://bücher.example/straße?q=ü#teil-ä' },
      '',
      {
        status: 302,
        location: 'https://xn--bcher-kva.example/stra%C3%9Fe?q=%C3%BC#teil-%C3%A4',
      },
    ],
    [
      'a Latin-1 character, not sent as a Latin-1 byte',
      { ...link, target: 'https://example.com/café' },
      '',
      { status: 302, location: 'https://example.com/caf%C3%A9' },
    ],
    [
      'an IRI with the query passed on',
      { ...link, target: 'https://bücher.example/日本?a=1', passQuery: true },
      '?b=ü',
      { status: 302, location: 'https://xn--bcher-kva.example/%E6%97%A5%E6%9C%AC?a=1&b=%C3%BC' },
    ],
  ])('%s', (_name, stored, query, decision) => {
    expect(redirectFor(stored, NOW, query)).toEqual(decision);
  });
});

describe('visitors', () => {
  it.each([
    [IPHONE, false, 'mobile'],
    [ANDROID_TABLET, false, 'tablet'],
    [DESKTOP, false, 'desktop'],
    ['Googlebot/2.1 (+http://www.google.com/bot.html)', true, 'other'],
    ['facebookexternalhit/1.1', true, 'other'],
    ['curl/8.5.0', true, 'other'],
    [undefined, true, 'other'],
  ])('%s → bot %s, %s', (userAgent, bot, deviceClass) => {
    expect(isBot(userAgent)).toBe(bot);
    expect(deviceClassOf(userAgent)).toBe(deviceClass);
  });

  it('keeps only the host of a referrer', () => {
    expect(referrerHostOf('https://mail.example.com/inbox/123?x=1')).toBe('mail.example.com');
    expect(referrerHostOf('not a url')).toBeNull();
    expect(referrerHostOf(undefined)).toBeNull();
  });
});
