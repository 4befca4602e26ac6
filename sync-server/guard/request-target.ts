// What a /db request addresses, for the checks on its cost: its database, the endpoint below it
// (the names of request-limits.ts) and the document id, from the path below /db. Pure.
import { DATABASES } from '@/lib/schema';
import type { DatabaseName } from '@/lib/schema';
import type { BodyEndpoint } from './request-limits';
import { pathSegments } from './route-access';

export interface RequestTarget {
  /** A Dockhand database (not _users or server endpoints). */
  db: DatabaseName | null;
  endpoint: BodyEndpoint | null;
  /** The document (or `_local` document) id, for single-document requests. */
  docId?: string;
  query: URLSearchParams;
  /** A read whose answer is built whole in memory: it must ask for bounded rows. */
  readsRows: boolean;
}

const KNOWN = new Set<string>(DATABASES);
/** `_changes` feeds that stream change by change and need no limit. */
const STREAMED_FEEDS = new Set(['continuous', 'eventsource']);

export function targetOf(method: string, rawPath: string): RequestTarget {
  const queryAt = rawPath.indexOf('?');
  const query = new URLSearchParams(queryAt === -1 ? '' : rawPath.slice(queryAt + 1));
  const segs = pathSegments(rawPath) ?? [];
  const [first, second, ...rest] = segs;
  const db = first !== undefined && KNOWN.has(first) ? (first as DatabaseName) : null;
  const base = { db, query, readsRows: false };
  if (first === undefined || (first.startsWith('_') && first !== '_users')) {
    return { ...base, endpoint: null };
  }
  if (second === undefined) {
    return { ...base, endpoint: method === 'POST' ? 'doc' : null };
  }
  switch (second) {
    case '_bulk_docs':
    case '_bulk_get':
    case '_revs_diff':
    case '_find':
      return { ...base, endpoint: second, readsRows: second === '_find' };
    case '_all_docs':
      return { ...base, endpoint: '_all_docs', readsRows: true };
    case '_changes': {
      const feed = query.get('feed') ?? 'normal';
      return { ...base, endpoint: '_changes', readsRows: !STREAMED_FEEDS.has(feed) };
    }
    case '_local':
      return { ...base, endpoint: '_local', docId: rest.length === 1 ? rest[0] : undefined };
    case '_design':
      if (rest[1] === '_view') return { ...base, endpoint: '_view', readsRows: true };
      return { ...base, endpoint: 'doc' };
    default:
      break;
  }
  if (second.startsWith('_local/')) {
    return { ...base, endpoint: '_local', docId: second.slice('_local/'.length) };
  }
  if (second.startsWith('_design/')) {
    return rest[0] === '_view'
      ? { ...base, endpoint: '_view', readsRows: true }
      : { ...base, endpoint: 'doc' };
  }
  if (second.startsWith('_')) return { ...base, endpoint: null };
  return rest.length === 0
    ? { ...base, endpoint: 'doc', docId: second }
    : { ...base, endpoint: null };
}
