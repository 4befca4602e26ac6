// Export rows of one manifest (scanned, missing, unexpected waybills) and the CSV cell rules that
// keep them safe to open in a spreadsheet; pure, so the server streams them and tests check them.
import { compareScanEvents, liveScansOf } from './live-scans';
import type { ScanEvent } from './scan-matching';

export const EXPORT_KINDS = ['scanned', 'missing', 'unexpected'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];
export const EXPORT_FORMATS = ['xlsx', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export type ExportCellType = 'text' | 'number' | 'date' | 'integer';

export interface ExportColumn {
  key: string;
  header: string;
  type: ExportCellType;
  width: number;
}

export type ExportValue = string | number | Date | null;
export type ExportRow = Record<string, ExportValue>;

/** What an export needs of a waybill (lib/schema Waybill). */
export interface ExportWaybill {
  number: string;
  consignee?: string;
  address?: string;
  phone?: string;
  weight?: number;
}

/** What an export needs of a scan (lib/schema Scan). */
export interface ExportScan extends ScanEvent {
  code: string;
  deviceId: string;
  source: string;
}

const WAYBILL_COLUMNS: ExportColumn[] = [
  { key: 'number', header: 'Waybill number', type: 'text', width: 22 },
  { key: 'consignee', header: 'Consignee', type: 'text', width: 28 },
  { key: 'address', header: 'Address', type: 'text', width: 40 },
  { key: 'phone', header: 'Phone', type: 'text', width: 18 },
  { key: 'weight', header: 'Weight (kg)', type: 'number', width: 12 },
];

export const EXPORT_COLUMNS: Record<ExportKind, ExportColumn[]> = {
  scanned: [
    ...WAYBILL_COLUMNS,
    { key: 'firstScannedAt', header: 'First scanned at', type: 'date', width: 20 },
    { key: 'scannedBy', header: 'Scanned by', type: 'text', width: 16 },
    { key: 'device', header: 'Device', type: 'text', width: 16 },
    { key: 'scans', header: 'Scans', type: 'integer', width: 8 },
  ],
  missing: WAYBILL_COLUMNS,
  unexpected: [
    { key: 'normalised', header: 'Waybill number', type: 'text', width: 22 },
    { key: 'code', header: 'Code as read', type: 'text', width: 28 },
    { key: 'firstScannedAt', header: 'First scanned at', type: 'date', width: 20 },
    { key: 'scannedBy', header: 'Scanned by', type: 'text', width: 16 },
    { key: 'device', header: 'Device', type: 'text', width: 16 },
    { key: 'source', header: 'Source', type: 'text', width: 10 },
    { key: 'scans', header: 'Scans', type: 'integer', width: 8 },
  ],
};

/** Per number: its live (not voided) scans of this manifest, earliest first. */
export interface ManifestScanIndex {
  /** Live scans per normalised number. */
  byNumber: Map<string, ExportScan[]>;
}

/**
 * Groups a manifest's live scans by number, earliest first: the scans manifestProgress() counts
 * (live-scans.ts decides which; void events themselves never count). `events` must hold every
 * void, whatever manifest it names.
 */
export function manifestScanIndex(
  manifestId: string,
  events: Iterable<ExportScan>,
): ManifestScanIndex {
  const byNumber = new Map<string, ExportScan[]>();
  for (const e of liveScansOf(events)) {
    if (e.manifestId !== manifestId) continue;
    const list = byNumber.get(e.normalised);
    if (list) list.push(e);
    else byNumber.set(e.normalised, [e]);
  }
  for (const list of byNumber.values()) list.sort(compareScanEvents);
  return { byNumber };
}

function dateOf(iso: string): Date | null {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

function waybillCells(w: ExportWaybill): ExportRow {
  return {
    number: w.number,
    consignee: w.consignee ?? null,
    address: w.address ?? null,
    phone: w.phone ?? null,
    weight: typeof w.weight === 'number' ? w.weight : null,
  };
}

/** The row of one expected waybill for `scanned` or `missing`, or null when it belongs to the other. */
export function waybillExportRow(
  kind: 'scanned' | 'missing',
  waybill: ExportWaybill,
  index: ManifestScanIndex,
): ExportRow | null {
  const scans = index.byNumber.get(waybill.number);
  if (kind === 'missing') return scans ? null : waybillCells(waybill);
  if (!scans) return null;
  const first = scans[0]!;
  // Spelled out rather than spread: this runs once per row of a 100k-row export.
  return {
    number: waybill.number,
    consignee: waybill.consignee ?? null,
    address: waybill.address ?? null,
    phone: waybill.phone ?? null,
    weight: typeof waybill.weight === 'number' ? waybill.weight : null,
    firstScannedAt: dateOf(first.scannedAt),
    scannedBy: first.user,
    device: first.deviceId,
    scans: scans.length,
  };
}

/** Rows of scanned numbers the manifest does not expect, one per number, by first scan time. */
export function unexpectedExportRows(
  index: ManifestScanIndex,
  isExpected: (number: string) => boolean,
): ExportRow[] {
  const rows: { at: string; row: ExportRow }[] = [];
  for (const [number, scans] of index.byNumber) {
    if (isExpected(number)) continue;
    const first = scans[0]!;
    rows.push({
      at: first.scannedAt,
      row: {
        normalised: number,
        code: first.code,
        firstScannedAt: dateOf(first.scannedAt),
        scannedBy: first.user,
        device: first.deviceId,
        source: first.source,
        scans: scans.length,
      },
    });
  }
  rows.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return rows.map((r) => r.row);
}

// Characters a spreadsheet may take as the start of a formula (OWASP "CSV injection"), plus the
// tab and carriage return some programs strip before looking.
const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV field: text that could start a formula gets a leading apostrophe; quoted when needed. */
export function csvField(value: ExportValue): string {
  let text: string;
  if (value === null) text = '';
  else if (value instanceof Date) text = value.toISOString();
  else if (typeof value === 'number') text = String(value);
  else text = FORMULA_START.test(value) ? `'${value}` : value;
  // `;` too: Excel set to a semicolon locale splits on it, so "X;=cmd…" would become two cells
  // the second of which starts a formula.
  return /[",;\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV line of values in column order (CRLF, as RFC 4180 and Excel expect). */
export function csvLine(values: readonly ExportValue[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

/** The header line; the UTF-8 BOM goes first so Excel reads accents and CJK correctly. */
export function csvHeader(columns: readonly Pick<ExportColumn, 'header'>[]): string {
  return `\ufeff${columns.map((c) => csvField(c.header)).join(',')}\r\n`;
}

/**
 * A file name for an export: the manifest's name in any script (letters, digits, `._-`), so
 * "上海 仓库 5月" stays readable, with nothing a file system or a header could misread.
 * `ascii` gives the fallback for clients that ignore RFC 6266's `filename*`.
 */
export function exportFileName(
  manifestName: string,
  kind: ExportKind,
  format: ExportFormat,
  options: { ascii?: boolean } = {},
): string {
  const allowed = options.ascii ? /[^A-Za-z0-9._ -]/g : /[^\p{L}\p{M}\p{N}._ -]/gu;
  const base =
    Array.from(
      manifestName
        .normalize(options.ascii ? 'NFKD' : 'NFC')
        .replace(allowed, '')
        .trim()
        .replace(/\s+/g, '-'),
    )
      .slice(0, 80)
      .join('')
      .replace(/^[.-]+/, '') || 'manifest';
  return `${base}-${kind}.${format}`;
}
