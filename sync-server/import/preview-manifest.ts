// The first look at an upload: sheets, the first rows as the person sees them, the detected
// header row, a suggested column mapping and the layout fingerprint to remember it by.
import {
  HEADER_SCAN_ROWS,
  detectHeaderRow,
  mappingFingerprint,
  suggestMapping,
} from '@/lib/core/manifest-columns';
import type { HeaderDetection, MappingSuggestion } from '@/lib/core/manifest-columns';
import { inspectUpload } from './inspect-upload';
import type { UploadInspection } from './inspect-upload';
import { importLimits } from './limits';
import type { ImportLimitsInput } from './limits';
import { chooseSheet, readSheetRows } from './read-sheet';

export interface PreviewOptions {
  /** Sheet name; the first visible sheet when absent. */
  sheet?: string;
  /** Rows to return (default 20, at most 100). */
  rows?: number;
  limits?: ImportLimitsInput;
  /** A result of inspectUpload for this file, to skip checking it again. */
  inspection?: UploadInspection;
}

export interface ManifestPreview {
  sheets: { name: string; rows: number; hidden: boolean }[];
  sheet: string;
  /** The first rows (index 0 of `cells` = column 1), blank rows left out. */
  rows: { rowNumber: number; cells: string[] }[];
  columnCount: number;
  header: HeaderDetection | null;
  suggestion: MappingSuggestion | null;
  /** Key for remembering this source's mapping; null without a header. */
  fingerprint: string | null;
}

const MAX_PREVIEW_ROWS = 100;

export async function previewManifest(
  path: string,
  options: PreviewOptions = {},
): Promise<ManifestPreview> {
  const limits = importLimits(options.limits);
  const inspection = options.inspection ?? (await inspectUpload(path, limits));
  const sheet = chooseSheet(inspection, options.sheet, limits.maxRows);
  const wanted = Math.min(
    Math.max(options.rows ?? HEADER_SCAN_ROWS, HEADER_SCAN_ROWS),
    MAX_PREVIEW_ROWS,
  );
  const rows: ManifestPreview['rows'] = [];
  for await (const row of readSheetRows({ path, inspection, sheet: sheet.name, limits })) {
    const cells = Array.from(row.cells, (c) => c?.text ?? '');
    if (cells.every((c) => c === '')) continue;
    rows.push({ rowNumber: row.rowNumber, cells });
    if (rows.length >= wanted) break;
  }
  const header = detectHeaderRow(rows.slice(0, HEADER_SCAN_ROWS));
  return {
    sheets: inspection.sheets.map(({ name, rows: n, hidden }) => ({ name, rows: n, hidden })),
    sheet: sheet.name,
    rows: rows.slice(0, options.rows ?? HEADER_SCAN_ROWS),
    columnCount: rows.reduce((max, r) => Math.max(max, r.cells.length), 0),
    header,
    suggestion: header ? suggestMapping(header.headers) : null,
    fingerprint: header ? mappingFingerprint(header.headers) : null,
  };
}
