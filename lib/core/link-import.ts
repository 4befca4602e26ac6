// Bulk short-link creation: rows of slug,target,title,tags (from CSV text or a worksheet) checked
// one by one into a per-row report. Pure: the edge passes the slugs already taken, the owner, the
// clock and a slug generator; it then writes the `ready` rows and reports clashes the store found.
import type { LinkFields } from './link-form';
import { LINK_MESSAGES, MAX_TAGS, tagsFromText } from './link-form';
import { checkSlug, checkTarget } from './short-link';

export type ImportRowStatus =
  | 'ready'
  | 'created'
  | 'clash'
  | 'duplicate-in-file'
  | 'invalid-slug'
  | 'invalid-target'
  | 'invalid-row';

export interface ImportRow {
  /** 1-based line (CSV) or row number (sheet) in the file. */
  line: number;
  slug: string;
  target: string;
  status: ImportRowStatus;
  /** Plain words for anything but ready/created. */
  reason?: string;
  link?: LinkFields;
}

export const MAX_IMPORT_ROWS = 5_000;

/** RFC 4180 CSV (quotes, doubled quotes, CRLF/LF, a BOM); `;` or tab separated files too. */
export function rowsFromCsv(text: string): string[][] {
  const source = text.replace(/^\ufeff/, '');
  const firstLine = source.slice(0, source.search(/\r?\n|$/));
  const separator = [',', ';', '\t'].reduce((best, sep) =>
    firstLine.split(sep).length > firstLine.split(best).length ? sep : best,
  );
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (quoted) {
      if (ch === '"' && source[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === separator) {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && source[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

type Column = 'slug' | 'target' | 'title' | 'tags';
const HEADER_WORDS: Record<Column, readonly string[]> = {
  slug: ['slug', 'short', 'code', 'id'],
  target: ['target', 'url', 'link', 'address', 'destination'],
  title: ['title', 'name', 'description'],
  tags: ['tags', 'tag', 'labels'],
};

/** Column positions from a header row, or null when the first row is data (slug,target,title,tags). */
function columnsFrom(header: string[]): Record<Column, number> | null {
  const found: Partial<Record<Column, number>> = {};
  header.forEach((cell, index) => {
    const word = cell.trim().toLowerCase();
    for (const column of Object.keys(HEADER_WORDS) as Column[])
      if (found[column] === undefined && HEADER_WORDS[column].includes(word)) found[column] = index;
  });
  if (found.target === undefined) return null;
  return {
    slug: found.slug ?? -1,
    target: found.target,
    title: found.title ?? -1,
    tags: found.tags ?? -1,
  };
}

const DEFAULT_COLUMNS: Record<Column, number> = { slug: 0, target: 1, title: 2, tags: 3 };

export interface ImportContext {
  /** Slugs of links already on this device (pulled from the server or made here). */
  taken: ReadonlySet<string>;
  owner: string;
  now: Date;
  /** A fresh random slug, for rows whose slug cell is empty. */
  newSlug: () => string;
}

/** Checks every row; the first row is a header when it names a target/url column. */
export function planLinkImport(rows: string[][], context: ImportContext): ImportRow[] {
  const columns = rows.length > 0 ? columnsFrom(rows[0]!) : null;
  const body = columns ? rows.slice(1) : rows;
  const at = columns ?? DEFAULT_COLUMNS;
  const firstLine = columns ? 2 : 1;
  const seen = new Set<string>();
  const createdAt = context.now.toISOString();
  const report: ImportRow[] = [];
  body.forEach((cells, index) => {
    const line = firstLine + index;
    const cell = (column: Column) => (at[column] >= 0 ? (cells[at[column]] ?? '').trim() : '');
    if (cells.every((c) => c.trim() === '')) return; // blank lines are not rows
    let slug = cell('slug').toLowerCase();
    const target = cell('target');
    if (report.length >= MAX_IMPORT_ROWS) {
      report.push({
        line,
        slug,
        target,
        status: 'invalid-row',
        reason: `More than ${MAX_IMPORT_ROWS} rows: split the file.`,
      });
      return;
    }
    if (slug === '') {
      do slug = context.newSlug();
      while (context.taken.has(slug) || seen.has(slug));
    }
    const slugError = checkSlug(slug);
    if (slugError) {
      report.push({ line, slug, target, status: 'invalid-slug', reason: LINK_MESSAGES[slugError] });
      return;
    }
    const targetError = checkTarget(target);
    if (targetError) {
      report.push({
        line,
        slug,
        target,
        status: 'invalid-target',
        reason: LINK_MESSAGES[targetError],
      });
      return;
    }
    if (seen.has(slug)) {
      report.push({
        line,
        slug,
        target,
        status: 'duplicate-in-file',
        reason: 'This slug appears earlier in the file.',
      });
      return;
    }
    seen.add(slug);
    if (context.taken.has(slug)) {
      report.push({ line, slug, target, status: 'clash', reason: LINK_MESSAGES['slug-taken'] });
      return;
    }
    const title = cell('title').slice(0, 200);
    const tags = tagsFromText(cell('tags'))
      .filter((tag) => tag.length <= 50)
      .slice(0, MAX_TAGS);
    report.push({
      line,
      slug,
      target,
      status: 'ready',
      link: {
        id: slug,
        target,
        ...(title ? { title } : {}),
        ...(tags.length > 0 ? { tags } : {}),
        enabled: true,
        owner: context.owner,
        createdAt,
      },
    });
  });
  return report;
}

/** After the write: ready rows become created, or clash when the store already held the slug. */
export function reportAfterWrite(plan: ImportRow[], clashed: ReadonlySet<string>): ImportRow[] {
  return plan.map((row) => {
    if (row.status !== 'ready') return row;
    return clashed.has(row.slug)
      ? { ...row, status: 'clash', reason: LINK_MESSAGES['slug-taken'] }
      : { ...row, status: 'created' };
  });
}

export function importCounts(report: ImportRow[]): Record<ImportRowStatus, number> {
  const counts: Record<ImportRowStatus, number> = {
    ready: 0,
    created: 0,
    clash: 0,
    'duplicate-in-file': 0,
    'invalid-slug': 0,
    'invalid-target': 0,
    'invalid-row': 0,
  };
  for (const row of report) counts[row.status] += 1;
  return counts;
}
