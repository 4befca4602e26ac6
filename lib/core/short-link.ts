// Short links: what a slug and a target may be, and what /r/:slug answers. Pure: the server
// feeds it the link, the clock and the request; the answer is the same on every instance.

export type SlugError = 'slug-format' | 'slug-reserved';
export type TargetError =
  | 'target-empty'
  | 'target-too-long'
  | 'target-not-absolute'
  | 'target-scheme'
  | 'target-credentials'
  | 'target-control';

const SLUG = /^[a-z0-9][a-z0-9-]{2,63}$/;
// Words a person might mistake for a page of ours, or that routes already use.
const RESERVED = new Set([
  'admin',
  'api',
  'db',
  'health',
  'login',
  'logout',
  'metrics',
  'r',
  'scan',
  'static',
  'www',
]);
// No 0/o, 1/l/i: slugs get read aloud and typed from paper.
const SLUG_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
export const GENERATED_SLUG_LENGTH = 7; // 31^7 ≈ 2.7e10: clashes are rare and checked anyway

export function checkSlug(slug: string): SlugError | null {
  if (!SLUG.test(slug)) return 'slug-format';
  return RESERVED.has(slug) ? 'slug-reserved' : null;
}

/** A slug from random bytes (pass crypto.getRandomValues output); rejection sampling avoids bias. */
export function slugFromRandomBytes(bytes: Uint8Array, length = GENERATED_SLUG_LENGTH): string {
  const limit = 256 - (256 % SLUG_ALPHABET.length);
  let slug = '';
  for (const byte of bytes) {
    if (byte >= limit) continue;
    slug += SLUG_ALPHABET[byte % SLUG_ALPHABET.length];
    if (slug.length === length) return slug;
  }
  throw new Error(`not enough random bytes for a ${length}-character slug`);
}

// C0 controls, DEL and C1 controls. `new URL()` drops tabs and line breaks silently, so a target
// with a CR/LF would parse, be stored, and then break the Location header it is sent in.
// eslint-disable-next-line no-control-regex -- matching control characters is the point here
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

export function checkTarget(target: string): TargetError | null {
  const text = target.trim();
  if (text.length === 0) return 'target-empty';
  if (text.length > 2048) return 'target-too-long';
  // The untrimmed text: a stored target is sent as it is, trailing line break and all.
  if (CONTROL.test(target)) return 'target-control';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'target-not-absolute';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'target-scheme';
  if (!/^https?:\/\//i.test(text)) return 'target-not-absolute'; // "http:example.com" parses, but is not what was meant
  if (url.username || url.password) return 'target-credentials'; // https://bank.com@evil.example
  return null;
}

export interface RedirectableLink {
  target: string;
  enabled: boolean;
  expiresAt?: string;
  passQuery?: boolean;
}

export type RedirectDecision =
  { status: 302; location: string } | { status: 404 } | { status: 410 };

/**
 * A checked target as a Location header can carry it (RFC 3986 URI, RFC 9110 §10.2.2): a target
 * that is an IRI, such as `http://bücher.example/日本`, gets its host in punycode and its path,
 * query and fragment percent-encoded as UTF-8 by the WHATWG URL serialiser. Node refuses a header
 * with a character above U+00FF, and one in U+0080–U+00FF would go out as a Latin-1 byte. A
 * target of printable ASCII only is sent exactly as stored.
 */
export function locationOf(target: string): string {
  return /[^\x21-\x7e]/.test(target) ? new URL(target).href : target;
}

/** What /r/:slug answers: only ever the stored target, so the link cannot be an open redirect. */
export function redirectFor(
  link: RedirectableLink | undefined,
  now: Date,
  query: string,
): RedirectDecision {
  if (!link || !link.enabled || checkTarget(link.target)) return { status: 404 };
  if (link.expiresAt && Date.parse(link.expiresAt) <= now.getTime()) return { status: 410 };
  if (!link.passQuery || query === '' || query === '?')
    return { status: 302, location: locationOf(link.target) };
  const location = new URL(link.target);
  for (const [name, value] of new URLSearchParams(query)) location.searchParams.append(name, value);
  return { status: 302, location: location.toString() };
}

export type DeviceClass = 'mobile' | 'tablet' | 'desktop' | 'other';

const BOT =
  /bot\b|crawl|spider|slurp|preview|facebookexternalhit|whatsapp|telegram|curl|wget|python-requests|go-http-client|headless|lighthouse|monitor|httpclient|okhttp|node-fetch|axios/i;

export function isBot(userAgent: string | undefined): boolean {
  return !userAgent || BOT.test(userAgent);
}

export function deviceClassOf(userAgent: string | undefined): DeviceClass {
  if (!userAgent) return 'other';
  if (/iPad|Tablet|Android(?!.*Mobile)/i.test(userAgent)) return 'tablet';
  if (/Mobi|iPhone|Android/i.test(userAgent)) return 'mobile';
  if (/Windows NT|Macintosh|X11|CrOS/i.test(userAgent)) return 'desktop';
  return 'other';
}

/** The referrer's host only: paths and queries of other sites are not ours to store. */
export function referrerHostOf(referrer: string | undefined): string | null {
  if (!referrer) return null;
  try {
    return new URL(referrer).host || null;
  } catch {
    return null;
  }
}
