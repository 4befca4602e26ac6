// Pure request classification for the /db guard: which CouchDB endpoint a request hits, and whether
// a user may call it. The allow-list is deliberately small: anything not listed never reaches the store.
// Endpoint reference: https://docs.couchdb.org/en/stable/api/index.html
import { DATABASES, DATABASE_RULES, SERVER_ADMIN_ROLE, hasRole, isAdmin } from '@/lib/schema';
import type { DatabaseName, UserContext } from '@/lib/schema';
import type { SyncErrorCode } from '../errors';

export type Access =
  | { level: 'public' }
  | { level: 'user' }
  | { level: 'read'; db: DatabaseName }
  | { level: 'write'; db: DatabaseName }
  | { level: 'admin' }
  | { level: 'server-admin'; db?: string; knownDb?: boolean }
  | { level: 'own-user-doc'; docId: string }
  | { level: 'refuse'; code: SyncErrorCode; reason?: string };

export interface Refusal {
  code: SyncErrorCode;
  reason?: string;
}

const USERS_DB = '_users';
const USER_DOC_PREFIX = 'org.couchdb.user:';
const READ_METHODS = new Set(['GET', 'HEAD']);
const KNOWN = new Set<string>(DATABASES);

const isKnownDb = (name: string): name is DatabaseName => KNOWN.has(name);
const refuse = (code: SyncErrorCode, reason?: string): Access => ({
  level: 'refuse',
  code,
  reason,
});
const methodNotAllowed = refuse('SYNC_ERR_METHOD');

/** Splits the path below /db into decoded segments; null when it cannot be a CouchDB path. */
export function pathSegments(rawPath: string): string[] | null {
  const pathOnly = rawPath.split('?')[0] ?? '';
  const parts = pathOnly.split('/').slice(1); // leading '' before the first slash
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop(); // '/db/scans/' = '/db/scans'
  const out: string[] = [];
  for (const part of parts) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(part);
    } catch {
      return null; // malformed percent-encoding, e.g. '%zz'
    }
    // eslint-disable-next-line no-control-regex -- control characters are never valid here
    if (decoded === '' || /[\u0000-\u001f\u007f]/.test(decoded)) return null;
    out.push(decoded);
  }
  return out;
}

/** What the request is, in access terms. `rawPath` is the URL below `/db`, e.g. `/scans/_changes`. */
export function classifyRequest(method: string, rawPath: string): Access {
  const segs = pathSegments(rawPath);
  if (!segs) return refuse('SYNC_ERR_BAD_PATH');
  const [first, ...rest] = segs;

  if (first === undefined) return READ_METHODS.has(method) ? { level: 'user' } : methodNotAllowed;
  if (first.startsWith('_') && first !== USERS_DB)
    return classifyServerEndpoint(method, first, rest);
  if (first === USERS_DB) return classifyUsersDb(method, rest);
  if (!isKnownDb(first)) {
    // Creating or deleting a database is a server-admin act whatever its name (as in CouchDB);
    // the authorize step then refuses names Dockhand does not know.
    if (rest.length === 0 && (method === 'PUT' || method === 'DELETE')) {
      return { level: 'server-admin', db: first, knownDb: false };
    }
    return refuse('SYNC_ERR_UNKNOWN_DB');
  }
  const access = classifyDatabase(method, first, rest);
  if (access.level !== 'refuse' && rest[0] === '_changes')
    return changesFilterCheck(rawPath, access);
  return access;
}

/**
 * `_changes` filters that run on every store. The embedded store (express-pouchdb) ignores a
 * `_selector` body and looks for a design doc named `_selector`, failing the request with an
 * unhandled error; an unknown design-doc filter fails the same way. So: no filter, `_doc_ids`, or
 * a filter of Dockhand's own design doc (`dockhand/by_site`, which a bridge pulls its site with).
 * https://docs.couchdb.org/en/stable/api/database/changes.html#filtering
 */
const CHANGES_FILTERS = new Set(['_doc_ids', 'dockhand/by_site']);

function changesFilterCheck(rawPath: string, access: Access): Access {
  const query = rawPath.includes('?') ? rawPath.slice(rawPath.indexOf('?') + 1) : '';
  const filters = new URLSearchParams(query).getAll('filter');
  if (filters.length === 0) return access;
  if (filters.length === 1 && CHANGES_FILTERS.has(filters[0]!)) return access;
  return refuse(
    'SYNC_ERR_UNKNOWN_ENDPOINT',
    `_changes filters allowed: ${[...CHANGES_FILTERS].join(', ')} (a site's jobs: filter=dockhand/by_site&site=<site>).`,
  );
}

function classifyServerEndpoint(method: string, name: string, rest: string[]): Access {
  switch (name) {
    case '_session': // https://docs.couchdb.org/en/stable/api/server/authn.html#cookie-authentication
      if (rest.length) return refuse('SYNC_ERR_UNKNOWN_ENDPOINT');
      return ['GET', 'POST', 'DELETE'].includes(method) ? { level: 'public' } : methodNotAllowed;
    case '_uuids':
      if (rest.length) return refuse('SYNC_ERR_UNKNOWN_ENDPOINT');
      return READ_METHODS.has(method) ? { level: 'user' } : methodNotAllowed;
    case '_config': // server-admin only, as in CouchDB
      return { level: 'server-admin' };
    case '_all_dbs':
    case '_active_tasks':
    case '_replicate':
      return rest.length ? refuse('SYNC_ERR_UNKNOWN_ENDPOINT') : { level: 'admin' };
    default: // _utils, _replicator, _stats, _log, _restart, vhosts …: disabled
      return refuse('SYNC_ERR_UNKNOWN_ENDPOINT');
  }
}

function classifyUsersDb(method: string, rest: string[]): Access {
  const [docId, ...sub] = rest;
  // A user may read their own user document; all else in _users is for admins (no self sign-up).
  if (docId?.startsWith(USER_DOC_PREFIX) && sub.length === 0 && READ_METHODS.has(method)) {
    return { level: 'own-user-doc', docId };
  }
  if (rest.length === 0 && (method === 'PUT' || method === 'DELETE')) {
    // Deleting it would log everyone out and lose every account; the store recreates it anyway.
    return refuse('SYNC_ERR_FORBIDDEN', 'The _users database is managed by the server.');
  }
  const inner = classifyDocEndpoints(method, rest);
  return inner.level === 'refuse' ? inner : { level: 'admin' };
}

function classifyDatabase(method: string, db: DatabaseName, rest: string[]): Access {
  if (rest.length === 0) {
    if (READ_METHODS.has(method)) return { level: 'read', db };
    if (method === 'POST') return { level: 'write', db }; // create a document with a server id
    if (method === 'PUT' || method === 'DELETE') {
      return { level: 'server-admin', db, knownDb: true };
    }
    return methodNotAllowed;
  }
  const inner = classifyDocEndpoints(method, rest);
  if (inner.level === 'read' || inner.level === 'write') return { level: inner.level, db };
  return inner;
}

/**
 * The per-database endpoints, with `db` left out (filled in by the caller). Replication uses
 * _changes, _revs_diff, _bulk_docs, _bulk_get, _all_docs and _local checkpoints:
 * https://docs.couchdb.org/en/stable/replication/protocol.html
 */
function classifyDocEndpoints(method: string, rest: string[]): Access {
  const read = { level: 'read', db: 'scans' } as const; // db is replaced by the caller
  const write = { level: 'write', db: 'scans' } as const;
  const [first, ...sub] = rest;
  if (first === undefined) return refuse('SYNC_ERR_UNKNOWN_ENDPOINT');
  const isRead = READ_METHODS.has(method);

  switch (first) {
    case '_all_docs':
    case '_changes':
      if (sub.length) return refuse('SYNC_ERR_UNKNOWN_ENDPOINT');
      return isRead || method === 'POST' ? read : methodNotAllowed;
    case '_bulk_get':
    case '_revs_diff':
    case '_find':
    case '_ensure_full_commit':
      if (sub.length) return refuse('SYNC_ERR_UNKNOWN_ENDPOINT');
      return method === 'POST' ? read : methodNotAllowed;
    case '_bulk_docs':
      if (sub.length) return refuse('SYNC_ERR_UNKNOWN_ENDPOINT');
      return method === 'POST' ? write : methodNotAllowed;
    case '_index': // POST creates a design document, so it is an admin act
      if (sub.length) return refuse('SYNC_ERR_UNKNOWN_ENDPOINT');
      if (isRead) return read;
      return method === 'POST' ? { level: 'admin' } : methodNotAllowed;
    case '_security':
      if (sub.length) return refuse('SYNC_ERR_UNKNOWN_ENDPOINT');
      return isRead || method === 'PUT' ? { level: 'admin' } : methodNotAllowed;
    case '_local': {
      // Replication checkpoints; readers must write them too to pull. No validation runs on them.
      if (sub.length !== 1) return refuse('SYNC_ERR_UNKNOWN_ENDPOINT');
      return isRead || method === 'PUT' || method === 'DELETE' ? read : methodNotAllowed;
    }
    case '_design':
      return classifyDesign(method, sub);
    default:
      break;
  }
  if (first.startsWith('_design/')) return classifyDesign(method, [first.slice(8), ...sub]);
  if (first.startsWith('_local/')) {
    if (sub.length) return refuse('SYNC_ERR_UNKNOWN_ENDPOINT');
    return isRead || method === 'PUT' || method === 'DELETE' ? read : methodNotAllowed;
  }
  if (first.startsWith('_')) return refuse('SYNC_ERR_UNKNOWN_ENDPOINT');

  // A document, or one of its attachments (read only: no Dockhand document type has attachments).
  if (sub.length === 0) {
    if (isRead) return read;
    return method === 'PUT' || method === 'DELETE' ? write : methodNotAllowed;
  }
  if (sub.length === 1 && isRead) return read;
  return sub.length === 1
    ? refuse('SYNC_ERR_METHOD', 'Attachments are read-only.')
    : refuse('SYNC_ERR_UNKNOWN_ENDPOINT');
}

function classifyDesign(method: string, sub: string[]): Access {
  const read = { level: 'read', db: 'scans' } as const;
  const [name, fn, view, ...more] = sub;
  if (!name) return refuse('SYNC_ERR_UNKNOWN_ENDPOINT');
  if (fn === undefined) {
    if (READ_METHODS.has(method)) return read;
    return method === 'PUT' || method === 'DELETE' ? { level: 'admin' } : methodNotAllowed;
  }
  // Views are reads; _show/_list/_update/_rewrite run arbitrary JS per request and are disabled.
  if (fn === '_view' && view && more.length === 0) {
    return READ_METHODS.has(method) || method === 'POST' ? read : methodNotAllowed;
  }
  if (fn === '_info' && view === undefined)
    return READ_METHODS.has(method) ? read : methodNotAllowed;
  return refuse('SYNC_ERR_UNKNOWN_ENDPOINT');
}

/** Whether `user` may do what `access` describes; null means allowed. */
export function authorize(access: Access, user: UserContext): Refusal | null {
  if (access.level === 'public') return null;
  if (!user.name) return { code: 'SYNC_ERR_UNAUTHORIZED' };
  const serverAdmin = hasRole(user, SERVER_ADMIN_ROLE);
  switch (access.level) {
    case 'refuse':
      return { code: access.code, reason: access.reason };
    case 'user':
      return null;
    case 'server-admin':
      if (!serverAdmin) return { code: 'SYNC_ERR_SERVER_ADMIN_ONLY' };
      if (access.knownDb === false) {
        return { code: 'SYNC_ERR_FORBIDDEN', reason: `'${access.db}' is not a Dockhand database.` };
      }
      return null;
    case 'admin':
      return isAdmin(user) ? null : { code: 'SYNC_ERR_ADMIN_ONLY' };
    case 'own-user-doc':
      if (isAdmin(user) || access.docId === USER_DOC_PREFIX + user.name) return null;
      return { code: 'SYNC_ERR_OTHER_USER' };
    case 'read':
    case 'write': {
      if (isAdmin(user)) return null;
      const rules = DATABASE_RULES[access.db];
      const allowed = access.level === 'read' ? rules.readers : rules.writers;
      if (allowed.some((role) => user.roles.includes(role))) return null;
      const verb = access.level === 'read' ? 'read' : 'write to';
      return {
        code: 'SYNC_ERR_NOT_MEMBER',
        reason: `Your roles may not ${verb} '${access.db}' (allowed: ${allowed.join(', ')}).`,
      };
    }
  }
}
