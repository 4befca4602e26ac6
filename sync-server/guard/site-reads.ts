// A print bridge reads only its own site's jobs and printers: its feed must be filtered by one of
// its sites, and documents of other sites are taken out of what the store answers it. Pure.
import { hasRole } from '@/lib/schema';
import type { DatabaseName, UserContext } from '@/lib/schema';
import { isObject } from './request-limits';

/** Databases whose documents carry `site` and are read by bridges. */
export const SITE_DATABASES: readonly DatabaseName[] = ['print_jobs', 'printers'];

const SITE_ROLE_PREFIX = 'site:';

/**
 * The sites a user is held to, or null when they may read every site: a user whose only Dockhand
 * role is `bridge` (people and admins read all sites).
 */
export function sitesHeldTo(user: UserContext): string[] | null {
  if (!hasRole(user, 'bridge')) return null;
  if (hasRole(user, '_admin', 'admin', 'supervisor', 'scanner')) return null;
  return user.roles
    .filter((role) => role.startsWith(SITE_ROLE_PREFIX))
    .map((role) => role.slice(SITE_ROLE_PREFIX.length));
}

type Json = Record<string, unknown>;

/** Whether a document may be shown: tombstones and documents of an allowed site. */
function visible(doc: unknown, sites: readonly string[]): boolean {
  if (!isObject(doc)) return true;
  if (doc._deleted === true) return true;
  if (typeof doc._id === 'string' && doc._id.startsWith('_design/')) return true;
  return typeof doc.site === 'string' && sites.includes(doc.site);
}

const hidden = (id: unknown) => ({
  error: 'forbidden',
  reason: 'This document belongs to another site.',
  id: typeof id === 'string' ? id : undefined,
});

/**
 * The store's answer to a read with other sites' documents taken out: a document (403 when it is
 * another site's), `open_revs` lists, `_all_docs` rows and `_bulk_get` results.
 * Returns `forbidden: true` when the whole answer is one document of another site.
 */
export function withoutOtherSites(
  answer: unknown,
  sites: readonly string[],
): { forbidden: boolean; answer: unknown } {
  if (Array.isArray(answer)) {
    // GET doc?open_revs=…: [{ ok: doc } | { missing: rev }]
    return {
      forbidden: false,
      answer: answer.map((entry) =>
        isObject(entry) && !visible(entry.ok, sites) ? { missing: (entry.ok as Json)._rev } : entry,
      ),
    };
  }
  if (!isObject(answer)) return { forbidden: false, answer };
  if (Array.isArray(answer.rows)) {
    return {
      forbidden: false,
      answer: {
        ...answer,
        rows: answer.rows.map((row: unknown) =>
          isObject(row) && !visible(row.doc, sites)
            ? { key: row.key, ...hidden(row.id), error: 'forbidden' }
            : row,
        ),
      },
    };
  }
  if (Array.isArray(answer.results) && answer.results.every((r) => isObject(r) && 'docs' in r)) {
    // _bulk_get: { results: [{ id, docs: [{ ok: doc } | { error }] }] }
    return {
      forbidden: false,
      answer: {
        ...answer,
        results: (answer.results as Json[]).map((result) => ({
          ...result,
          docs: (Array.isArray(result.docs) ? result.docs : []).map((entry: unknown) =>
            isObject(entry) && !visible(entry.ok, sites)
              ? { error: { ...hidden(result.id), rev: (entry.ok as Json)._rev } }
              : entry,
          ),
        })),
      },
    };
  }
  if (Array.isArray(answer.results)) return { forbidden: false, answer }; // _changes: filtered
  return { forbidden: !visible(answer, sites), answer };
}
