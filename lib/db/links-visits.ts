// Visit counts of short links: the aggregate documents the sync server writes to `link_visits`,
// read with the signed-in user's cookie (admins and supervisors may read them) and folded on the
// device. Not replicated: they are the server's, and only the links screen needs them.
import type { VisitBucketDoc, VisitTotals } from '../core/visit-tally';
import { visitTotalsFrom } from '../core/visit-tally';

export type VisitsAnswer =
  { ok: true; bySlug: Map<string, VisitTotals>; all: VisitTotals } | { ok: false; status: number };

/** Rows per read: the server answers reads of bounded size only. */
const PAGE_ROWS = 1_000;

export async function fetchVisitTotals(
  fetchImpl: typeof fetch,
  origin = '',
): Promise<VisitsAnswer> {
  const docs: VisitBucketDoc[] = [];
  let after: string | null = null;
  for (;;) {
    const query = new URLSearchParams({ include_docs: 'true', limit: String(PAGE_ROWS) });
    if (after !== null) {
      query.set('startkey', JSON.stringify(after));
      query.set('skip', '1');
    }
    const response = await fetchImpl(`${origin}/db/link_visits/_all_docs?${query}`, {
      credentials: 'same-origin',
      headers: { accept: 'application/json' },
    });
    if (!response.ok) return { ok: false, status: response.status };
    const body = (await response.json()) as { rows: Array<{ id: string; doc?: VisitBucketDoc }> };
    for (const row of body.rows) {
      if (!row.id.startsWith('_design/') && row.doc) docs.push(row.doc);
    }
    if (body.rows.length < PAGE_ROWS) break;
    after = body.rows[body.rows.length - 1]!.id;
  }
  const grouped = new Map<string, VisitBucketDoc[]>();
  for (const doc of docs) {
    const list = grouped.get(doc.slug);
    if (list) list.push(doc);
    else grouped.set(doc.slug, [doc]);
  }
  const bySlug = new Map<string, VisitTotals>();
  for (const [slug, list] of grouped) bySlug.set(slug, visitTotalsFrom(list));
  return { ok: true, bySlug, all: visitTotalsFrom(docs) };
}
