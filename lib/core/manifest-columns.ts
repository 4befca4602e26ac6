// Manifest columns: finding the header row, suggesting which column is which field, a fingerprint
// per source layout, and turning one row into a waybill document or a reported issue.
import type { Waybill } from '../schema/waybill';
import type { CellText } from './cell-text';
import { waybillCodeFrom } from './waybill-code';

export const MANIFEST_FIELDS = ['waybill', 'consignee', 'address', 'phone', 'weight'] as const;
export type ManifestField = (typeof MANIFEST_FIELDS)[number];

/** Which column (1-based, as in Excel: A = 1) holds each field; other columns go to `extra`. */
export interface ColumnMapping {
  waybill: number;
  consignee?: number;
  address?: number;
  phone?: number;
  weight?: number;
  /** Columns kept verbatim under their header name in `waybill.extra`. */
  extra: number[];
}

export const HEADER_SCAN_ROWS = 20;

export interface SheetRow {
  /** 1-based row number in the sheet. */
  rowNumber: number;
  /** Cell texts; index 0 is column 1. */
  cells: string[];
}

export interface HeaderDetection {
  /** The header row (the upper one of a two-row header). */
  rowNumber: number;
  /** Header labels per column, index 0 = column 1; two-row headers are joined ("Consignee Phone"). */
  headers: string[];
  /** The first row that holds data. */
  dataStartRow: number;
  /** How many manifest fields the header names (higher is surer). */
  score: number;
}

// Patterns are tried in this order: the first field that matches a header wins, so
// "Consignee phone" is a phone and "Consignment no" a waybill, not a consignee.
const FIELD_PATTERNS: { field: ManifestField; strong: RegExp; weak?: RegExp }[] = [
  {
    field: 'waybill',
    strong:
      /\b(awb|hawb|mawb|waybill|way bill|airway ?bill|air waybill|tracking|consignment (no|number|num|id|#)|consignment note|cn (no|number)|c n (no|number)|shipment (no|number|id)|docket|parcel (no|number|id)|con note|connote)\b|^(awb|cn|consignment)$/,
    weak: /\b(barcode|reference|ref no|order no|shipment)\b/,
  },
  {
    field: 'phone',
    strong: /\b(phone|mobile|mob|tel|telephone|cell|cellphone|msisdn|contact (no|number|#))\b/,
  },
  { field: 'weight', strong: /\b(weight|wt|gross wt|kgs?)\b/ },
  {
    field: 'address',
    strong: /\b(address|addr|street|delivery location|deliver to|delivery point)\b/,
  },
  {
    field: 'consignee',
    strong: /\b(consignee|receiver|recipient|ship to|addressee)\b/,
    weak: /\b(name|customer|client|contact)\b/,
  },
];
// Headers about the other party are not the consignee's: leave them as extra columns (and a
// "Return AWB" is only a weak waybill candidate, beaten by a plain "AWB").
const OTHER_PARTY = /\b(shipper|sender|consignor|origin|from|pickup|return)\b/;
// Columns about a number that are not the number: "Tracking URL", "AWB date", "Email address".
const NOT_THE_VALUE: Partial<Record<ManifestField, RegExp>> = {
  waybill: /\b(url|link|status|date|time|type|carrier|service|count|qty|quantity)\b/,
  address: /\b(e ?mail|ip|web|website|url)\b/,
  phone: /\b(e ?mail|type)\b/,
};

const MAX_HEADER_LENGTH = 60;

/** Header text as compared: NFKC, lower case, punctuation as spaces, spaces collapsed. */
export function normaliseHeader(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/#/g, ' # ')
    .replace(/[^\p{L}\p{N}#]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Header words for matching: joined-up names split where case or digits change, so
 * "trackingNumber", "AWBNo" and "ConsigneeName" read as "tracking number", "awb no" and
 * "consignee name". (Fingerprints keep normaliseHeader, so remembered layouts still match.)
 */
function headerWords(text: string): string {
  return normaliseHeader(
    text
      .replace(/(\p{Ll})(\p{Lu})/gu, '$1 $2')
      .replace(/(\p{Lu}+)(\p{Lu}\p{Ll})/gu, '$1 $2')
      .replace(/(\p{L})(\p{N})|(\p{N})(\p{L})/gu, (_m, a, b, c, d) =>
        a !== undefined ? `${a} ${b}` : `${c} ${d}`,
      ),
  );
}

/** The field a header names, and whether the name is a sure one. */
export function fieldForHeader(header: string): { field: ManifestField; strong: boolean } | null {
  const h = headerWords(header);
  if (h.length === 0 || h.length > MAX_HEADER_LENGTH) return null;
  const otherParty = OTHER_PARTY.test(h);
  for (const { field, strong, weak } of FIELD_PATTERNS) {
    if (otherParty && field !== 'waybill') return null;
    if (NOT_THE_VALUE[field]?.test(h)) continue;
    if (strong.test(h)) return { field, strong: !otherParty };
    if (weak?.test(h)) return { field, strong: false };
  }
  return null;
}

/** The header the person chose: row `rowNumber` of the first rows, data from the row below. */
export function headerAt(rows: readonly SheetRow[], rowNumber: number): HeaderDetection | null {
  const row = rows.find((r) => r.rowNumber === rowNumber);
  if (!row) return null;
  const headers = row.cells.map((c) => c.trim());
  return { rowNumber, headers, dataStartRow: rowNumber + 1, score: scoreHeaders(headers) };
}

/** What a preview says about its header (the server's and the admin page's previews alike). */
export interface HeaderedPreview {
  rows: readonly SheetRow[];
  header: HeaderDetection | null;
  suggestion: MappingSuggestion | null;
  fingerprint: string | null;
}

/**
 * The preview with row `rowNumber` as its header (a person's choice), with the mapping suggested
 * for that row and the row's layout key; null when the row is not among the preview's rows.
 */
export function withHeaderRow<P extends HeaderedPreview>(preview: P, rowNumber: number): P | null {
  const header = headerAt(preview.rows, rowNumber);
  if (!header) return null;
  return {
    ...preview,
    header,
    suggestion: suggestMapping(header.headers),
    fingerprint: mappingFingerprint(header.headers),
  };
}

/** A cell that could be a header label: short text, not a number or a code. */
function labelLike(text: string): boolean {
  if (text.length === 0 || text.length > MAX_HEADER_LENGTH) return false;
  const digits = text.replace(/\D/g, '').length;
  return digits <= 2;
}

function scoreHeaders(headers: string[]): number {
  const seen = new Set<ManifestField>();
  let score = 0;
  for (const header of headers) {
    if (!labelLike(header)) continue;
    const match = fieldForHeader(header);
    if (!match || seen.has(match.field)) continue;
    seen.add(match.field);
    score += (match.field === 'waybill' ? 2 : 1) * (match.strong ? 1 : 0.5);
  }
  return score;
}

/** Joins a header row with the sub-header row below it; merged parents fill to the right. */
function joinTwoRowHeader(upper: string[], lower: string[]): string[] {
  const width = Math.max(upper.length, lower.length);
  const out: string[] = [];
  let parent = '';
  for (let i = 0; i < width; i++) {
    const u = upper[i] ?? '';
    const l = lower[i] ?? '';
    if (u) parent = u;
    else if (!l) parent = '';
    const top = u || (l ? parent : '');
    out.push([top, l].filter(Boolean).join(' '));
  }
  return out;
}

/**
 * A row below a header that continues it: only labels, and under an empty (merged) header cell.
 * The upper row must name a field itself: a title line above the header (depot, printed by, page)
 * is not a parent, and joining it gave every column a name like "<title> AWB #".
 */
function isSubHeader(upper: string[], lower: string[]): boolean {
  if (scoreHeaders(upper) < 1) return false;
  const filled = lower.map((t, i) => ({ t, i })).filter(({ t }) => t.length > 0);
  if (filled.length === 0 || !filled.every(({ t }) => labelLike(t))) return false;
  if (!filled.some(({ i }) => !upper[i])) return false;
  return filled.some(({ t }) => fieldForHeader(t) !== null);
}

/**
 * Finds the header row among the first rows of a sheet (title rows, blank rows and merged
 * header cells above or around it are expected). Returns null when no row names a field.
 */
export function detectHeaderRow(rows: readonly SheetRow[]): HeaderDetection | null {
  const scan = rows.slice(0, HEADER_SCAN_ROWS);
  let best: HeaderDetection | null = null;
  for (let i = 0; i < scan.length; i++) {
    const row = scan[i]!;
    const cells = row.cells.map((c) => c.trim());
    if (cells.filter((c) => c.length > 0).length < 2) continue;
    const next = scan[i + 1];
    const candidates: HeaderDetection[] = [
      {
        rowNumber: row.rowNumber,
        headers: cells,
        dataStartRow: row.rowNumber + 1,
        score: scoreHeaders(cells),
      },
    ];
    if (next && next.rowNumber === row.rowNumber + 1) {
      const lower = next.cells.map((c) => c.trim());
      if (isSubHeader(cells, lower)) {
        const joined = joinTwoRowHeader(cells, lower);
        candidates.push({
          rowNumber: row.rowNumber,
          headers: joined,
          dataStartRow: next.rowNumber + 1,
          score: scoreHeaders(joined) + 0.25, // a parent + child pair explains more of the sheet
        });
      }
    }
    for (const candidate of candidates) {
      if (candidate.score >= 1.5 && (!best || candidate.score > best.score)) best = candidate;
    }
  }
  return best;
}

export interface MappingSuggestion {
  /** Null when no column looks like the waybill number: the person must choose it. */
  mapping: ColumnMapping | null;
  /** Per column (index 0 = column 1): the field suggested for it, or 'extra', or null if blank. */
  columns: (ManifestField | 'extra' | null)[];
}

/** Suggests a column mapping from header labels; the strongest, then leftmost, match wins. */
export function suggestMapping(headers: readonly string[]): MappingSuggestion {
  const chosen = new Map<ManifestField, { column: number; strong: boolean }>();
  headers.forEach((header, index) => {
    const match = fieldForHeader(header);
    if (!match) return;
    const current = chosen.get(match.field);
    if (!current || (match.strong && !current.strong))
      chosen.set(match.field, { column: index + 1, strong: match.strong });
  });
  const byColumn = new Map<number, ManifestField>();
  for (const [field, { column }] of chosen) byColumn.set(column, field);
  const columns = headers.map(
    (header, index) => byColumn.get(index + 1) ?? (header.trim() ? ('extra' as const) : null),
  );
  const waybill = chosen.get('waybill');
  if (!waybill) return { mapping: null, columns };
  const mapping: ColumnMapping = { waybill: waybill.column, extra: [] };
  for (const field of ['consignee', 'address', 'phone', 'weight'] as const) {
    const c = chosen.get(field);
    if (c) mapping[field] = c.column;
  }
  columns.forEach((kind, index) => {
    if (kind === 'extra') mapping.extra.push(index + 1);
  });
  return { mapping, columns };
}

/** cyrb53: a small, well-spread 53-bit string hash (no crypto needed for a layout key). */
function hash53(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16).padStart(14, '0');
}

/**
 * A key for a source's column layout: the normalised header list (trailing blanks dropped), so
 * the same export from the same system maps the same way next time, whatever the case or spacing.
 */
export function mappingFingerprint(headers: readonly string[]): string {
  const names = headers.map(normaliseHeader);
  while (names.length > 0 && names[names.length - 1] === '') names.pop();
  return `hdr1-${hash53(names.join('\u001f'))}`;
}

/** Errors skip the row; warnings import it without the bad value. */
export const ROW_ISSUES = {
  'empty-waybill': 'error',
  'malformed-waybill': 'error',
  'duplicate-waybill': 'error',
  'precision-lost': 'error',
  'waybill-not-a-value': 'error',
  'bad-weight': 'warning',
  'value-truncated': 'warning',
  'error-value': 'warning',
  'formula-not-calculated': 'warning',
} as const;
export type RowIssueCode = keyof typeof ROW_ISSUES;
export type RowIssueSeverity = (typeof ROW_ISSUES)[RowIssueCode];

export interface RowIssue {
  row: number;
  /** 1-based column, when the issue is about one cell. */
  column?: number;
  code: RowIssueCode;
  severity: RowIssueSeverity;
  /** The cell text as the person sees it. */
  value?: string;
  /** For duplicates: the row where the number first appeared. */
  firstRow?: number;
  /** A finer reason, e.g. the waybillCodeFrom error. */
  detail?: string;
}

export type RowResult =
  | { kind: 'blank' }
  | { kind: 'waybill'; doc: Waybill; issues: RowIssue[] }
  | { kind: 'skipped'; issues: RowIssue[] };

export interface RowReaderOptions {
  manifestId: string;
  mapping: ColumnMapping;
  /** Header labels (index 0 = column 1) naming the extra columns. */
  headers: readonly string[];
  /** The manifest's waybill pattern, applied as scanning applies it. */
  pattern?: RegExp;
}

// Limits of lib/schema waybill.ts.
// Room for real data (a delivery address with directions runs past 1,000 characters); anything
// longer is kept to this and reported with its row, column and value.
const MAX_LENGTH = { consignee: 500, address: 4000, phone: 100, extra: 4000, id: 200 } as const;

/** An issue shows the cell's text, not keeps it: a report (and Excel's 32,767-character cell) gets the start. */
const MAX_ISSUE_VALUE = 200;

const shown = (text: string) =>
  text.length > MAX_ISSUE_VALUE ? `${Array.from(text).slice(0, MAX_ISSUE_VALUE).join('')}…` : text;

function issue(
  code: RowIssueCode,
  row: number,
  extra: Omit<RowIssue, 'code' | 'row' | 'severity'> = {},
): RowIssue {
  const value = extra.value !== undefined ? { value: shown(extra.value) } : {};
  return { row, code, severity: ROW_ISSUES[code], ...extra, ...value };
}

/** Parses a weight in kilograms: a number cell, or text such as "2.5", "2,5 kg", "1,200". */
export function weightFrom(cell: CellText): number | null {
  if (cell.number !== undefined) return cell.number >= 0 ? cell.number : null;
  let t = cell.text
    .toLowerCase()
    .replace(/\s*(kgs?|kilograms?|kilos?)\.?$/, '')
    .trim();
  if (/^\d+,\d{1,2}$/.test(t)) t = t.replace(',', '.');
  else if (/^\d{1,3}(,\d{3})+(\.\d+)?$/.test(t)) t = t.replace(/,/g, '');
  if (!/^\d+(\.\d+)?$|^\.\d+$/.test(t)) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

/** Names for the extra columns: the header text, or "Column N"; repeats get " (2)". */
export function extraColumnNames(headers: readonly string[], columns: readonly number[]): string[] {
  const used = new Map<string, number>();
  return columns.map((column) => {
    const base = (headers[column - 1] ?? '').trim().slice(0, 200) || `Column ${column}`;
    const n = (used.get(base) ?? 0) + 1;
    used.set(base, n);
    return n === 1 ? base : `${base} (${n})`;
  });
}

const BLANK: CellText = { text: '' };

function isBlankRow(cells: readonly (CellText | undefined)[]): boolean {
  for (const c of cells) if (c && c.text !== '') return false;
  return true;
}

function cellAt(cells: readonly (CellText | undefined)[], column: number | undefined): CellText {
  return column === undefined ? BLANK : (cells[column - 1] ?? BLANK);
}

/** A mapped text cell, truncated to `max`; error cells and truncations are added to `issues`. */
function mappedText(
  cells: readonly (CellText | undefined)[],
  column: number | undefined,
  max: number,
  rowNumber: number,
  issues: RowIssue[],
): string | undefined {
  if (column === undefined) return undefined;
  const c = cellAt(cells, column);
  if (c.issue === 'error-value' || c.issue === 'formula-not-calculated') {
    issues.push(issue(c.issue, rowNumber, { column, value: c.text }));
    return undefined;
  }
  if (c.text === '') return undefined;
  if (c.text.length > max) {
    issues.push(
      issue('value-truncated', rowNumber, {
        column,
        value: c.text,
        detail: `kept the first ${max} of ${c.text.length} characters`,
      }),
    );
    return c.text.slice(0, max);
  }
  return c.text;
}

/**
 * A reader for the data rows of one manifest. It keeps the numbers seen so far to report
 * duplicates, and never throws: every bad row becomes a result with issues.
 *
 * The per-row function defines no closures: it runs 100,000 times per import, and under tsx
 * every function created gets a `__name` call.
 */
export function createRowReader(options: RowReaderOptions) {
  const { manifestId, mapping, headers, pattern } = options;
  const seen = new Map<string, number>();
  const extraNames = extraColumnNames(headers, mapping.extra);

  return function readRow(rowNumber: number, cells: readonly (CellText | undefined)[]): RowResult {
    if (isBlankRow(cells)) return { kind: 'blank' };
    const wb = cellAt(cells, mapping.waybill);
    if (wb.issue === 'precision-lost')
      return {
        kind: 'skipped',
        issues: [issue('precision-lost', rowNumber, { column: mapping.waybill, value: wb.text })],
      };
    // "#N/A" left by a lookup pasted as values is no waybill number, nor is an error result.
    if (wb.issue === 'error-value' || wb.issue === 'formula-not-calculated')
      return {
        kind: 'skipped',
        issues: [
          issue('waybill-not-a-value', rowNumber, {
            column: mapping.waybill,
            ...(wb.text ? { value: wb.text } : {}),
            detail: wb.issue,
          }),
        ],
      };
    const code = waybillCodeFrom(wb.text, pattern ? { pattern } : {});
    if (!code.ok) {
      const empty = code.error === 'empty';
      return {
        kind: 'skipped',
        issues: [
          issue(empty ? 'empty-waybill' : 'malformed-waybill', rowNumber, {
            column: mapping.waybill,
            ...(empty ? {} : { value: wb.text, detail: code.error }),
          }),
        ],
      };
    }
    const number = code.value;
    const id = `${manifestId}:${number}`;
    if (id.length > MAX_LENGTH.id)
      return {
        kind: 'skipped',
        issues: [
          issue('malformed-waybill', rowNumber, {
            column: mapping.waybill,
            value: wb.text,
            detail: 'too-long',
          }),
        ],
      };
    const firstRow = seen.get(number);
    if (firstRow !== undefined)
      return {
        kind: 'skipped',
        issues: [
          issue('duplicate-waybill', rowNumber, {
            column: mapping.waybill,
            value: number,
            firstRow,
          }),
        ],
      };
    seen.set(number, rowNumber);

    const issues: RowIssue[] = [];
    const doc: Waybill = { id, manifestId, number };
    const consignee = mappedText(cells, mapping.consignee, MAX_LENGTH.consignee, rowNumber, issues);
    if (consignee !== undefined) doc.consignee = consignee;
    const address = mappedText(cells, mapping.address, MAX_LENGTH.address, rowNumber, issues);
    if (address !== undefined) doc.address = address;
    const phone = mappedText(cells, mapping.phone, MAX_LENGTH.phone, rowNumber, issues);
    if (phone !== undefined) doc.phone = phone;
    if (mapping.weight !== undefined) {
      const w = cellAt(cells, mapping.weight);
      if (w.text !== '') {
        const weight = weightFrom(w);
        if (weight === null)
          issues.push(issue('bad-weight', rowNumber, { column: mapping.weight, value: w.text }));
        else doc.weight = weight;
      }
    }
    if (mapping.extra.length > 0) {
      const entries: [string, string][] = [];
      for (let i = 0; i < mapping.extra.length; i++) {
        const text = mappedText(cells, mapping.extra[i], MAX_LENGTH.extra, rowNumber, issues);
        if (text !== undefined) entries.push([extraNames[i]!, text]);
      }
      // fromEntries defines own properties, so a header named "__proto__" stays plain data.
      if (entries.length > 0) doc.extra = Object.fromEntries(entries);
    }
    return { kind: 'waybill', doc, issues };
  };
}

export type RowReader = ReturnType<typeof createRowReader>;

/** Checks a mapping against the sheet's width: the waybill column is required. */
export function mappingError(
  mapping: ColumnMapping,
  columnCount: number,
): 'no-waybill-column' | 'column-out-of-range' | 'column-used-twice' | null {
  if (!Number.isInteger(mapping.waybill) || mapping.waybill < 1) return 'no-waybill-column';
  const all = [
    mapping.waybill,
    mapping.consignee,
    mapping.address,
    mapping.phone,
    mapping.weight,
    ...mapping.extra,
  ].filter((c): c is number => c !== undefined);
  if (all.some((c) => !Number.isInteger(c) || c < 1 || c > columnCount))
    return 'column-out-of-range';
  if (new Set(all).size !== all.length) return 'column-used-twice';
  return null;
}
