// Write rules a validate_doc_update cannot hold, because they need a document other than the one
// written: a replicated revision must build on the stored one, and an undo of another person's
// scan must carry a reason (which validate_doc_update takes only from supervisors and admins), the
// rule lib/core/live-scans.ts applies wherever scans are read. Pure: the guard looks the stored
// documents up and passes them in.
// https://docs.couchdb.org/en/stable/api/database/bulk-api.html#bulk-documents-transaction-semantics
import { hasVoidReason } from '@/lib/core/live-scans';
import { SERVER_ADMIN_ROLE, hasRole, isAdmin } from '@/lib/schema';
import type { DatabaseName, UserContext } from '@/lib/schema';

/** What the store holds for an id: its winning revision, and the document when it was asked for. */
export interface StoredDoc {
  rev: string;
  deleted: boolean;
  doc?: Record<string, unknown> | null;
}

export interface DocRefusal {
  id: string;
  error: 'forbidden';
  reason: string;
}

type Doc = Record<string, unknown>;

/** Revisions a document's history names, newest first (`_revisions`, else its `_rev`). */
export function historyOf(doc: Doc): string[] {
  const revisions = doc._revisions as { start?: unknown; ids?: unknown } | undefined;
  if (
    revisions &&
    typeof revisions.start === 'number' &&
    Array.isArray(revisions.ids) &&
    revisions.ids.every((h) => typeof h === 'string')
  ) {
    const start = revisions.start;
    return (revisions.ids as string[]).map((hash, i) => `${start - i}-${hash}`);
  }
  return typeof doc._rev === 'string' ? [doc._rev] : [];
}

/** Whether the guard must check these writes at all (admins write as CouchDB lets them). */
export function writeRulesApply(
  db: DatabaseName,
  user: UserContext,
  replicated: boolean,
): { replicated: boolean; voids: boolean } {
  if (hasRole(user, SERVER_ADMIN_ROLE)) return { replicated: false, voids: false };
  return { replicated: replicated && !isAdmin(user), voids: db === 'scans' };
}

/** Ids whose stored state the rules need, and whether their documents are needed too. */
export function idsToLookUp(
  docs: readonly Doc[],
  rules: { replicated: boolean; voids: boolean },
): { ids: string[]; withDocs: boolean } {
  const ids = new Set<string>();
  let withDocs = false;
  const inBatch = new Set(docs.map((d) => d._id));
  for (const doc of docs) {
    if (rules.replicated && typeof doc._id === 'string') ids.add(doc._id);
    if (rules.voids && doc.result === 'void' && typeof doc.voids === 'string') {
      if (!inBatch.has(doc.voids)) {
        ids.add(doc.voids);
        withDocs = true;
      }
    }
  }
  return { ids: [...ids], withDocs };
}

/**
 * The documents of a write the rules refuse, by index. `stored` holds what the store has for the
 * looked-up ids (absent: never stored).
 */
export function refusedWrites(
  docs: readonly Doc[],
  user: UserContext,
  rules: { replicated: boolean; voids: boolean },
  stored: ReadonlyMap<string, StoredDoc>,
): Map<number, DocRefusal> {
  const refused = new Map<number, DocRefusal>();
  const byId = new Map<unknown, Doc>(docs.map((d) => [d._id, d]));
  docs.forEach((doc, index) => {
    const id = typeof doc._id === 'string' ? doc._id : '';
    if (rules.replicated && id) {
      const current = stored.get(id);
      if (current && !historyOf(doc).includes(current.rev)) {
        refused.set(index, {
          id,
          error: 'forbidden',
          reason: `A replicated revision of ${id} must build on its current revision (${current.rev}); it would start a new branch.`,
        });
        return;
      }
    }
    if (rules.voids && doc.result === 'void' && typeof doc.voids === 'string') {
      const target = byId.get(doc.voids) ?? stored.get(doc.voids)?.doc ?? null;
      const owner = target && typeof target.user === 'string' ? target.user : null;
      if (owner !== null && owner !== user.name && !hasVoidReason(doc)) {
        refused.set(index, {
          id,
          error: 'forbidden',
          reason: hasRole(user, 'supervisor', 'admin')
            ? `Give a reason to undo ${owner}'s scan ${doc.voids}.`
            : `You can undo only your own scans; ${doc.voids} was scanned by ${owner} (a supervisor can undo it, with a reason).`,
        });
      }
    }
  });
  return refused;
}

/** The replicated documents whose revision is the one the store holds already (a re-send). */
export function alreadyStored(
  docs: readonly Doc[],
  stored: ReadonlyMap<string, StoredDoc>,
): Set<number> {
  const same = new Set<number>();
  docs.forEach((doc, index) => {
    const current = typeof doc._id === 'string' ? stored.get(doc._id) : undefined;
    if (current && typeof doc._rev === 'string' && doc._rev === current.rev) same.add(index);
  });
  return same;
}

/**
 * What the store answered from an `_all_docs` lookup with `keys`, as StoredDoc by id.
 * https://docs.couchdb.org/en/stable/api/database/bulk-api.html#post--db-_all_docs
 */
export function storedFromAllDocs(answer: unknown): Map<string, StoredDoc> {
  const out = new Map<string, StoredDoc>();
  const rows = (answer as { rows?: unknown } | undefined)?.rows;
  if (!Array.isArray(rows)) return out;
  for (const row of rows as Array<Record<string, unknown>>) {
    const value = row.value as { rev?: unknown; deleted?: unknown } | undefined;
    if (typeof row.id !== 'string' || !value || typeof value.rev !== 'string') continue;
    const doc = row.doc && typeof row.doc === 'object' ? (row.doc as Doc) : null;
    out.set(row.id, { rev: value.rev, deleted: value.deleted === true, doc });
  }
  return out;
}
