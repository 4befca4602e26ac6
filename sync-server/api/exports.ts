// Streams a manifest's scanned, missing or unexpected waybills as XLSX (exceljs streaming writer:
// styled header, frozen first row, typed columns, waybill numbers as text) or CSV (BOM, formula
// injection neutralised). Waybills are read page by page, so 100k rows never sit in memory twice.
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { PouchDatabase } from 'pouchdb';
import {
  EXPORT_COLUMNS,
  csvHeader,
  csvLine,
  exportFileName,
  manifestScanIndex,
  unexpectedExportRows,
  waybillExportRow,
} from '@/lib/core/export-rows';
import type {
  ExportColumn,
  ExportFormat,
  ExportKind,
  ExportRow,
  ExportScan,
  ExportWaybill,
} from '@/lib/core/export-rows';

const PAGE = 5_000;

export interface ExportSource {
  manifests: PouchDatabase;
  waybills: PouchDatabase;
  scans: PouchDatabase;
}

type Doc = Record<string, unknown>;

async function* pagesOf(
  db: PouchDatabase,
  range: { startkey?: string; endkey?: string } = {},
): AsyncGenerator<Doc[]> {
  let startkey = range.startkey;
  let skip = 0;
  for (;;) {
    const page = await db.allDocs({
      include_docs: true,
      limit: PAGE,
      skip,
      ...(startkey !== undefined ? { startkey } : {}),
      ...(range.endkey !== undefined ? { endkey: range.endkey } : {}),
    });
    const docs = page.rows
      .filter((r) => !r.id.startsWith('_design/'))
      .map((r) => r.doc)
      .filter((d): d is Doc => d !== undefined);
    if (docs.length > 0) yield docs;
    if (page.rows.length < PAGE) return;
    startkey = page.rows[page.rows.length - 1]!.id;
    skip = 1; // the page starts after the last key seen (CouchDB paging recipe)
  }
}

function scanOf(doc: Doc): ExportScan | null {
  const str = (k: string) => (typeof doc[k] === 'string' ? (doc[k] as string) : '');
  if (typeof doc._id !== 'string' || !str('normalised')) return null;
  return {
    id: doc._id,
    normalised: str('normalised'),
    manifestId: str('manifestId'),
    user: str('user'),
    scannedAt: str('scannedAt'),
    result: str('result'),
    code: str('code'),
    deviceId: str('deviceId'),
    source: str('source'),
    ...(typeof doc.voids === 'string' ? { voids: doc.voids } : {}),
  };
}

function waybillOf(doc: Doc): ExportWaybill {
  return {
    number: String(doc.number ?? ''),
    ...(typeof doc.consignee === 'string' ? { consignee: doc.consignee } : {}),
    ...(typeof doc.address === 'string' ? { address: doc.address } : {}),
    ...(typeof doc.phone === 'string' ? { phone: doc.phone } : {}),
    ...(typeof doc.weight === 'number' ? { weight: doc.weight } : {}),
  };
}

/** The manifest document, or null. */
export async function manifestDoc(db: PouchDatabase, id: string): Promise<Doc | null> {
  try {
    return await db.get(id);
  } catch (err) {
    if ((err as { status?: number }).status === 404) return null;
    throw err;
  }
}

/** Rows of the export, in pages (waybill order for scanned/missing, first-scan time for unexpected). */
export async function* exportRows(
  source: ExportSource,
  manifestId: string,
  kind: ExportKind,
): AsyncGenerator<ExportRow[]> {
  // Scans: a few hundred bytes each; the manifest's live ones are grouped by number in memory.
  const mine: ExportScan[] = [];
  for await (const docs of pagesOf(source.scans)) {
    for (const doc of docs) {
      if (doc.manifestId !== manifestId && doc.result !== 'void') continue;
      const scan = scanOf(doc);
      if (scan) mine.push(scan);
    }
  }
  const index = manifestScanIndex(manifestId, mine);
  const prefix = `${manifestId}:`;
  if (kind === 'unexpected') {
    const numbers = [...index.byNumber.keys()];
    const expected = new Set<string>();
    for (let i = 0; i < numbers.length; i += PAGE) {
      const keys = numbers.slice(i, i + PAGE).map((n) => prefix + n);
      const found = (await source.waybills.allDocs({ keys } as never)) as unknown as {
        rows: { key: string; value?: { deleted?: boolean }; error?: string }[];
      };
      for (const row of found.rows)
        if (!row.error && row.value && !row.value.deleted)
          expected.add(row.key.slice(prefix.length));
    }
    yield unexpectedExportRows(index, (n) => expected.has(n));
    return;
  }
  for await (const docs of pagesOf(source.waybills, {
    startkey: prefix,
    endkey: `${prefix}\uffff`,
  })) {
    const rows: ExportRow[] = [];
    for (const doc of docs) {
      const row = waybillExportRow(kind, waybillOf(doc), index);
      if (row) rows.push(row);
    }
    yield rows;
  }
}

const HEADER_FILL = 'FF1F4E79';
const NUM_FMT: Record<ExportColumn['type'], string | undefined> = {
  text: '@', // Text: leading zeros and long numbers stay as typed if someone edits the cell
  number: '0.###',
  integer: '0',
  date: 'yyyy-mm-dd hh:mm:ss',
};

/** Writes the rows as an XLSX workbook into `out` (ends it). */
export async function writeExportXlsx(
  out: Writable,
  kind: ExportKind,
  pages: AsyncIterable<ExportRow[]>,
): Promise<number> {
  const columns = EXPORT_COLUMNS[kind];
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  const ws = wb.addWorksheet(kind[0]!.toUpperCase() + kind.slice(1), {
    views: [{ state: 'frozen', ySplit: 1 }],
  });
  ws.columns = columns.map((c) => ({
    header: c.header,
    key: c.key,
    width: c.width,
    style: NUM_FMT[c.type] ? { numFmt: NUM_FMT[c.type] } : {},
  }));
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  const head = ws.getRow(1);
  head.eachCell((cell) => {
    cell.font = { bold: true, color: { argb: 'FFFFFFFF' } };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: HEADER_FILL } };
    cell.numFmt = 'General';
  });
  head.commit();
  let count = 0;
  for await (const rows of pages) {
    for (const row of rows) {
      // Values go in as their types: strings stay strings (never parsed as numbers), Dates become
      // date serials shown with the date format, numbers stay numbers.
      ws.addRow(columns.map((c) => row[c.key] ?? null)).commit();
      count += 1;
    }
  }
  ws.commit();
  await wb.commit();
  return count;
}

/** Writes the rows as CSV into `out` (ends it), respecting back-pressure. */
export async function writeExportCsv(
  out: Writable,
  kind: ExportKind,
  pages: AsyncIterable<ExportRow[]>,
): Promise<number> {
  const columns = EXPORT_COLUMNS[kind];
  const write = (text: string) =>
    out.write(text) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', r));
  await write(csvHeader(columns));
  let count = 0;
  for await (const rows of pages) {
    let chunk = '';
    for (const row of rows) chunk += csvLine(columns, row);
    count += rows.length;
    await write(chunk);
  }
  await new Promise<void>((resolve) => out.end(resolve));
  return count;
}

export function contentDisposition(name: string, kind: ExportKind, format: ExportFormat): string {
  const file = exportFileName(name, kind, format);
  return `attachment; filename="${file}"; filename*=UTF-8''${encodeURIComponent(file)}`;
}
