// Streams a manifest's scanned, missing or unexpected waybills as XLSX (xlsx-stream.ts: styled
// header, frozen first row, typed columns, waybill numbers as text) or CSV (BOM, formula injection
// neutralised). From the embedded store the manifest's waybills and the scans are read with
// sequential LevelDB scans (../exports/level-read.ts); otherwise through PouchDB, page by page,
// several pages ahead in parallel.
import type { Writable } from 'node:stream';
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
  ExportFormat,
  ExportKind,
  ExportRow,
  ExportScan,
  ExportValue,
  ExportWaybill,
  ManifestScanIndex,
} from '@/lib/core/export-rows';
import { wallClockIn, wallClockText } from '@/lib/core/time-zone';
import {
  docsWrittenSince,
  liveIdsIn,
  winningBodiesIn,
  winningDocsWhere,
} from '../exports/level-read';
import { markedSeq } from '../exports/scans-marks';
import type { ScansMark } from '../exports/scans-marks';
import { localLevelOf } from '../store/pouch-store';
import { SCANS_BY_MANIFEST_VIEW, SCANS_BY_MANIFEST_VOID_KEY } from '../bootstrap/export-views';
import { createXlsxSheetWriter } from './xlsx-stream';

/** Keys listed per `_all_docs` call without bodies (one LevelDB iterator, no per-doc reads). */
const KEY_PAGE = 20_000;
/** Documents per `_all_docs` call with bodies. */
const DOC_PAGE = 1_000;
/**
 * Body reads in flight. PouchDB's LevelDB adapter fetches each body with its own `get` after the
 * key, strictly one after the other inside a call, so one call is latency-bound; several calls
 * over disjoint key ranges keep LevelDB's thread pool busy (measured ~2× at 4–8 on 2 cores).
 */
const READS_IN_FLIGHT = 6;

export interface ExportSource {
  manifests: PouchDatabase;
  waybills: PouchDatabase;
  scans: PouchDatabase;
  /** Where `scans` stood when the manifest was created (../exports/scans-marks.ts), if known. */
  scansMark?: ScansMark | null;
}

type Doc = Record<string, unknown>;

interface AllDocsPage {
  rows: { id: string; doc?: Doc }[];
}

/** The document ids in a key range (design documents left out), a page at a time. */
async function* idsIn(
  db: PouchDatabase,
  range: { startkey?: string; endkey?: string },
): AsyncGenerator<string[]> {
  let startkey = range.startkey;
  let skip = 0;
  for (;;) {
    const page = (await db.allDocs({
      limit: KEY_PAGE,
      skip,
      ...(startkey !== undefined ? { startkey } : {}),
      ...(range.endkey !== undefined ? { endkey: range.endkey } : {}),
    })) as AllDocsPage;
    const ids = page.rows.map((r) => r.id).filter((id) => !id.startsWith('_design/'));
    if (ids.length > 0) yield ids;
    if (page.rows.length < KEY_PAGE) return;
    startkey = page.rows[page.rows.length - 1]!.id;
    skip = 1; // the page starts after the last key seen (CouchDB paging recipe)
  }
}

/**
 * The documents of a key range in key order, a page at a time, with up to READS_IN_FLIGHT pages
 * read ahead in parallel (each page is the exact key range of DOC_PAGE listed ids).
 */
export async function* docsIn(
  db: PouchDatabase,
  range: { startkey?: string; endkey?: string } = {},
): AsyncGenerator<Doc[]> {
  const ahead: Promise<Doc[]>[] = [];
  const read = async (ids: string[]): Promise<Doc[]> => {
    const page = (await db.allDocs({
      include_docs: true,
      startkey: ids[0],
      endkey: ids[ids.length - 1],
    })) as AllDocsPage;
    const docs: Doc[] = [];
    for (const row of page.rows) if (row.doc && !row.id.startsWith('_design/')) docs.push(row.doc);
    return docs;
  };
  try {
    for await (const ids of idsIn(db, range)) {
      for (let i = 0; i < ids.length; i += DOC_PAGE) {
        const chunk = read(ids.slice(i, i + DOC_PAGE));
        chunk.catch(() => undefined); // awaited in order below; an early failure must not go unhandled
        ahead.push(chunk);
        if (ahead.length >= READS_IN_FLIGHT) yield await ahead.shift()!;
      }
    }
    while (ahead.length > 0) yield await ahead.shift()!;
  } finally {
    ahead.length = 0;
  }
}

/**
 * The scans an export of `manifestId` needs: through the scans database's by-manifest view
 * (bootstrap/export-views.ts) where the store has it, which reads only this manifest's scans and
 * the voids; else every scan (the view is missing, e.g. a store not yet bootstrapped).
 * https://docs.couchdb.org/en/stable/api/ddoc/views.html
 */
async function* manifestScanDocs(db: PouchDatabase, manifestId: string): AsyncGenerator<Doc[]> {
  const viaView = scansByManifestView(db, manifestId);
  let first: IteratorResult<Doc[]>;
  try {
    first = await viaView.next();
  } catch (err) {
    if ((err as { status?: number }).status !== 404) throw err;
    yield* docsIn(db);
    return;
  }
  if (!first.done) yield first.value;
  yield* viaView;
}

async function* scansByManifestView(db: PouchDatabase, manifestId: string): AsyncGenerator<Doc[]> {
  for (const key of [manifestId, SCANS_BY_MANIFEST_VOID_KEY]) {
    let startDocId: string | undefined;
    for (;;) {
      const page = (await db.query(SCANS_BY_MANIFEST_VIEW, {
        key,
        include_docs: true,
        limit: DOC_PAGE,
        reduce: false,
        ...(startDocId !== undefined ? { startkey: key, startkey_docid: startDocId, skip: 1 } : {}),
      })) as AllDocsPage;
      const docs: Doc[] = [];
      for (const row of page.rows) if (row.doc) docs.push(row.doc);
      if (docs.length > 0) yield docs;
      if (page.rows.length < DOC_PAGE) break;
      startDocId = page.rows[page.rows.length - 1]!.id;
    }
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
    // Whether a void may cancel another person's scan (lib/core/live-scans.ts).
    ...(typeof doc.voidReason === 'string' ? { voidReason: doc.voidReason } : {}),
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
  const direct = await exportPagesFromLevel(source, manifestId, kind);
  if (direct) yield* direct;
  else yield* exportRowsViaPouch(source, manifestId, kind);
}

/** Whether a scan document belongs in the manifest's scan index (its own scans and all voids). */
const isManifestScan = (doc: Doc, manifestId: string) =>
  doc.manifestId === manifestId || doc.result === 'void';

function rowsOfWaybills(kind: 'scanned' | 'missing', docs: Doc[], index: ManifestScanIndex) {
  const rows: ExportRow[] = [];
  for (const doc of docs) {
    const row = waybillExportRow(kind, waybillOf(doc), index);
    if (row) rows.push(row);
  }
  return rows;
}

/**
 * The export read with sequential scans of the embedded store's LevelDB (level-read.ts): ~10×
 * less main-thread time than PouchDB's per-document gets. Null when the databases are not
 * embedded or not in the expected layout; nothing has been yielded then.
 */
async function exportPagesFromLevel(
  source: ExportSource,
  manifestId: string,
  kind: ExportKind,
): Promise<Iterable<ExportRow[]> | null> {
  const scansLevel = localLevelOf(source.scans);
  const waybillsLevel = localLevelOf(source.waybills);
  if (!scansLevel || !waybillsLevel) return null;
  const prefix = `${manifestId}:`;
  const range = { startkey: prefix, endkey: `${prefix}\uffff` };
  // Bodies are JSON.stringify output, so a scan of this manifest contains this text.
  const ownScan = `"manifestId":${JSON.stringify(manifestId)}`;
  const mayKeep = (body: string) => body.includes(ownScan) || body.includes('"result":"void"');
  const keep = (doc: Doc) => isManifestScan(doc, manifestId);
  const readScans = async () => {
    const from = await markedSeq(source.scans, source.scansMark);
    const since = from === null ? null : await docsWrittenSince(scansLevel, from, mayKeep, keep);
    return since ?? winningDocsWhere(scansLevel, mayKeep, keep);
  };
  const [scanDocs, waybills] = await Promise.all([
    readScans(),
    kind === 'unexpected' ? liveIdsIn(waybillsLevel, range) : winningBodiesIn(waybillsLevel, range),
  ]);
  if (!scanDocs || !waybills) return null;
  const mine: ExportScan[] = [];
  for (const doc of scanDocs) {
    const scan = scanOf(doc);
    if (scan) mine.push(scan);
  }
  const index = manifestScanIndex(manifestId, mine);
  if (kind === 'unexpected') {
    const expected = new Set(waybills.map((id) => id.slice(prefix.length)));
    return [unexpectedExportRows(index, (n) => expected.has(n))];
  }
  return (function* pages() {
    for (let i = 0; i < waybills.length; i += DOC_PAGE) {
      const docs = waybills.slice(i, i + DOC_PAGE).map((body) => JSON.parse(body) as Doc);
      yield rowsOfWaybills(kind, docs, index);
    }
  })();
}

/** The export read through PouchDB (any store; the reference the LevelDB reads are tested against). */
export async function* exportRowsViaPouch(
  source: ExportSource,
  manifestId: string,
  kind: ExportKind,
): AsyncGenerator<ExportRow[]> {
  // Scans: a few hundred bytes each; the manifest's live ones are grouped by number in memory.
  // The manifest's waybills start loading while the scans are read (both are read in parallel).
  const prefix = `${manifestId}:`;
  const range = { startkey: prefix, endkey: `${prefix}\uffff` };
  const waybillKind = kind === 'unexpected' ? null : kind;
  const waybillPages = waybillKind ? docsIn(source.waybills, range) : null;
  const firstWaybills = waybillPages?.next();
  firstWaybills?.catch(() => undefined); // awaited below
  const mine: ExportScan[] = [];
  for await (const docs of manifestScanDocs(source.scans, manifestId)) {
    for (const doc of docs) {
      if (!isManifestScan(doc, manifestId)) continue;
      const scan = scanOf(doc);
      if (scan) mine.push(scan);
    }
  }
  const index = manifestScanIndex(manifestId, mine);
  if (!waybillKind || !waybillPages || !firstWaybills) {
    // The manifest's waybill ids (keys only, no bodies): cheaper than one lookup per number.
    const expected = new Set<string>();
    for await (const ids of idsIn(source.waybills, range))
      for (const id of ids) expected.add(id.slice(prefix.length));
    yield unexpectedExportRows(index, (n) => expected.has(n));
    return;
  }
  const first = await firstWaybills;
  if (first.done) return;
  yield rowsOfWaybills(waybillKind, first.value, index);
  for await (const docs of waybillPages) yield rowsOfWaybills(waybillKind, docs, index);
}

/**
 * The export's columns, with times in `timeZone`: spreadsheets keep no zone with a date, so
 * times are written as that zone's wall clock and the header names it.
 */
function zonedColumns(kind: ExportKind, timeZone: string) {
  const wallClock = wallClockIn(timeZone);
  return EXPORT_COLUMNS[kind].map((c) => ({
    ...c,
    header: c.type === 'date' ? `${c.header} (${timeZone})` : c.header,
    valueOf: (row: ExportRow) => {
      const value = row[c.key] ?? null;
      return value instanceof Date ? wallClock(value) : value;
    },
  }));
}

/** Writes the rows as an XLSX workbook into `out` (ends it); times in `timeZone`. */
export async function writeExportXlsx(
  out: Writable,
  kind: ExportKind,
  pages: AsyncIterable<ExportRow[]>,
  timeZone = 'UTC',
): Promise<number> {
  const columns = zonedColumns(kind, timeZone);
  const writer = createXlsxSheetWriter(out, {
    sheetName: kind[0]!.toUpperCase() + kind.slice(1),
    columns: columns.map((c) => ({ header: c.header, type: c.type, width: c.width })),
  });
  let count = 0;
  for await (const rows of pages) {
    // Values go in as their types: strings stay strings (never parsed as numbers), Dates become
    // date serials shown with the date format, numbers stay numbers.
    await writer.addRows(rows.map((row) => columns.map((c) => c.valueOf(row))));
    count += rows.length;
  }
  await writer.finish();
  return count;
}

/**
 * Writes the rows as CSV into `out` (ends it), respecting back-pressure. Times are the wall
 * clock of `timeZone` as "yyyy-mm-dd hh:mm:ss", which Excel reads as a date and time.
 */
export async function writeExportCsv(
  out: Writable,
  kind: ExportKind,
  pages: AsyncIterable<ExportRow[]>,
  timeZone = 'UTC',
): Promise<number> {
  const columns = zonedColumns(kind, timeZone);
  const write = (text: string) =>
    out.write(text) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', r));
  await write(csvHeader(columns));
  const textOf = (value: ExportValue) => (value instanceof Date ? wallClockText(value) : value);
  let count = 0;
  for await (const rows of pages) {
    let chunk = '';
    for (const row of rows) chunk += csvLine(columns.map((c) => textOf(c.valueOf(row))));
    count += rows.length;
    await write(chunk);
  }
  await new Promise<void>((resolve) => out.end(resolve));
  return count;
}

export function contentDisposition(name: string, kind: ExportKind, format: ExportFormat): string {
  const ascii = exportFileName(name, kind, format, { ascii: true });
  const file = exportFileName(name, kind, format);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file)}`;
}
