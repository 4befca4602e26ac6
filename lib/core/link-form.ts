// What a person types into the short-link form, checked and turned into a link document; the
// plain-words messages for slug and target errors; search over title, slug and tags. Pure.
import type { SlugError, TargetError } from './short-link';
import { checkSlug, checkTarget } from './short-link';

export interface LinkDraft {
  slug: string;
  target: string;
  title: string;
  /** Comma- or space-separated, as typed. */
  tags: string;
  enabled: boolean;
  /** `datetime-local` text (local time) or ''. */
  expiresAt: string;
  passQuery: boolean;
}

export interface LinkFields {
  id: string;
  target: string;
  title?: string;
  tags?: string[];
  enabled: boolean;
  expiresAt?: string;
  passQuery?: boolean;
  owner: string;
  createdAt: string;
}

export type LinkFieldError =
  SlugError | TargetError | 'expiry-invalid' | 'expiry-past' | 'too-many-tags' | 'title-too-long';

export const LINK_MESSAGES: Record<LinkFieldError | 'slug-taken', string> = {
  'slug-format':
    'A slug is 3–64 characters: lower-case letters, digits and dashes, starting with a letter or digit.',
  'slug-reserved': 'That slug is a word the app uses itself. Pick another.',
  'slug-taken': 'That slug is already taken by another link. Pick another or generate one.',
  'target-empty': 'Enter the address the link should open.',
  'target-too-long': 'That address is longer than 2,048 characters.',
  'target-not-absolute':
    'Enter a full address starting with https:// or http:// (for example https://example.com/track).',
  'target-scheme': 'Only web addresses (https:// or http://) can be link targets.',
  'target-credentials':
    'The address contains a user name or password before “@”; links cannot carry those.',
  'target-control':
    'The address contains a line break, tab or other invisible control character. Paste it again as one line.',
  'expiry-invalid': 'The expiry date is not a date.',
  'expiry-past': 'The expiry is in the past: the link would never work.',
  'too-many-tags': 'At most 20 tags of up to 50 characters each.',
  'title-too-long': 'The title is longer than 200 characters.',
};

export const MAX_TAGS = 20;

/** Tags as typed ("dock 7, returns") → distinct, lower-case, trimmed. */
export function tagsFromText(text: string): string[] {
  const tags = text
    .split(/[,\s;]+/)
    .map((tag) => tag.trim().toLowerCase())
    .filter(Boolean);
  return [...new Set(tags)];
}

export type LinkCheck =
  | { ok: true; link: LinkFields }
  | {
      ok: false;
      errors: Partial<Record<'slug' | 'target' | 'expiresAt' | 'tags' | 'title', LinkFieldError>>;
    };

/** Checks a draft; `expiresAt` text is read as local time by `parseLocal` (the edge passes Date). */
export function linkFromDraft(
  draft: LinkDraft,
  context: { owner: string; now: Date; parseLocal?: (text: string) => number },
): LinkCheck {
  const errors: Extract<LinkCheck, { ok: false }>['errors'] = {};
  const slug = draft.slug.trim().toLowerCase();
  const slugError = checkSlug(slug);
  if (slugError) errors.slug = slugError;
  const target = draft.target.trim();
  const targetError = checkTarget(target);
  if (targetError) errors.target = targetError;
  const tags = tagsFromText(draft.tags);
  if (tags.length > MAX_TAGS || tags.some((tag) => tag.length > 50)) errors.tags = 'too-many-tags';
  const title = draft.title.trim();
  if (title.length > 200) errors.title = 'title-too-long';
  let expiresAt: string | undefined;
  if (draft.expiresAt.trim() !== '') {
    const ms = (context.parseLocal ?? Date.parse)(draft.expiresAt.trim());
    if (!Number.isFinite(ms)) errors.expiresAt = 'expiry-invalid';
    else if (ms <= context.now.getTime()) errors.expiresAt = 'expiry-past';
    else expiresAt = new Date(ms).toISOString();
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    link: {
      id: slug,
      target,
      ...(title ? { title } : {}),
      ...(tags.length > 0 ? { tags } : {}),
      enabled: draft.enabled,
      ...(expiresAt ? { expiresAt } : {}),
      ...(draft.passQuery ? { passQuery: true } : {}),
      owner: context.owner,
      createdAt: context.now.toISOString(),
    },
  };
}

export interface SearchableLink {
  id: string;
  title?: string;
  tags?: readonly string[];
  target: string;
}

/** Every word of the query must appear in the slug, title, target or a tag (`#tag` = that tag). */
export function linkMatches(link: SearchableLink, query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const haystack = `${link.id} ${link.title ?? ''} ${link.target}`.toLowerCase();
  const tags = (link.tags ?? []).map((tag) => tag.toLowerCase());
  return words.every((word) =>
    word.startsWith('#')
      ? tags.includes(word.slice(1))
      : haystack.includes(word) || tags.some((tag) => tag.includes(word)),
  );
}

export type LinkState = 'live' | 'disabled' | 'expired';

export function linkStateOf(link: { enabled: boolean; expiresAt?: string }, now: Date): LinkState {
  if (!link.enabled) return 'disabled';
  if (link.expiresAt && Date.parse(link.expiresAt) <= now.getTime()) return 'expired';
  return 'live';
}

/** The URL a QR code carries: always the app's own origin, never the target itself. */
export function shortUrlOf(origin: string, slug: string): string {
  return `${origin.replace(/\/+$/, '')}/r/${slug}`;
}

/**
 * A link this device created, remembered so a slug clash decided on the server (another device
 * made the same slug first; the server's copy wins the conflict) is shown, never silently lost.
 */
export interface LinkClaim {
  id: string;
  target: string;
  createdAt: string;
  owner: string;
}

export type ClaimStatus = 'waiting' | 'ours' | 'lost';

export function claimStatusOf(
  claim: LinkClaim,
  doc: { createdAt: string; owner: string } | undefined,
): ClaimStatus {
  if (!doc) return 'waiting';
  return doc.createdAt === claim.createdAt && doc.owner === claim.owner ? 'ours' : 'lost';
}
