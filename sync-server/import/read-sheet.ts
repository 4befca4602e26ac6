// Streams the rows of one sheet of an inspected xlsx as cell texts (exceljs WorkbookReader, with
// styles cached so number formats — zero padding, dates — read as the person sees them).
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { cellText } from '@/lib/core/cell-text';
import type { CellText } from '@/lib/core/cell-text';
import { ImportError } from './errors';
import type { ImportLimits } from './limits';
import type { SheetInfo, UploadInspection } from './inspect-upload';

export interface SheetRowTexts {
  rowNumber: number;
  /** Index 0 = column 1; holes are empty cells. */
  cells: (CellText | undefined)[];
}

export interface ReadSheetOptions {
  path: string;
  inspection: UploadInspection;
  /** Sheet name; the first visible sheet when absent. */
  sheet?: string;
  limits: ImportLimits;
  signal?: AbortSignal;
  /** Called with the bytes of the file read so far. */
  onBytes?: (bytesRead: number) => void;
}

/**
 * The sheet a name refers to, or by default the first visible one within the row cap (a huge
 * first sheet must not stop the person reaching the manifest on the next), else the first.
 */
export function chooseSheet(
  inspection: UploadInspection,
  name?: string,
  maxRows = Infinity,
): SheetInfo {
  const { sheets } = inspection;
  const sheet =
    name === undefined
      ? (sheets.find((s) => !s.hidden && s.rows <= maxRows) ??
        sheets.find((s) => !s.hidden) ??
        sheets[0])
      : sheets.find((s) => s.name === name);
  if (!sheet)
    throw new ImportError(name === undefined ? 'IMPORT_ERR_NO_SHEETS' : 'IMPORT_ERR_UNKNOWN_SHEET');
  return sheet;
}

/**
 * The workbook's bytes with its entries reordered for a one-pass streaming read: every part
 * except worksheets first (shared strings, styles, workbook), then only the chosen sheet; the
 * other sheets are left out entirely. exceljs reads local headers in order, so when the shared
 * strings come first it parses rows as they arrive instead of spooling the sheet to a temp file
 * (exceljs and Excel usually write the shared strings after the sheets). Entries are copied
 * byte for byte; inspectUpload has checked that they tile the file exactly.
 */
function reorderedZip(
  file: FileHandle,
  inspection: UploadInspection,
  sheetEntry: string,
): Readable & { bytesRead: number } {
  const isSheet = (name: string) => /^xl\/worksheets\/[^/]+\.xml$/.test(name);
  const { entries, directoryStart } = inspection.layout;
  const ranges = [
    ...entries.filter((e) => !isSheet(e.name)),
    ...entries.filter((e) => e.name === sheetEntry),
    { start: directoryStart, end: inspection.bytes },
  ].filter((r) => r.end > r.start);
  let bytesRead = 0;
  async function* chunks() {
    for (const range of ranges) {
      // By descriptor: a FileHandle's own streams each leave a listener on it until it closes.
      for await (const chunk of createReadStream('', {
        fd: file.fd,
        start: range.start,
        end: range.end - 1,
        highWaterMark: 256 * 1024,
        autoClose: false,
      })) {
        bytesRead += (chunk as Buffer).length;
        yield chunk as Buffer;
      }
    }
  }
  const stream = Readable.from(chunks(), { objectMode: false }) as Readable & { bytesRead: number };
  Object.defineProperty(stream, 'bytesRead', { get: () => bytesRead });
  return stream;
}

interface ExcelCellLike {
  value: unknown;
  numFmt?: string;
  /** A formula cell's cached result, kept even when falsy (`value` drops 0, "" and FALSE). */
  result?: unknown;
}
interface ExcelRowLike {
  number: number;
  eachCell(iteratee: (cell: ExcelCellLike, colNumber: number) => void): void;
}

/**
 * Yields the chosen sheet's rows; other sheets are skipped unread. Stops with ImportError on
 * too many rows or columns, on abort, or when the file does not parse. Breaking out of the loop
 * closes the file.
 */
export async function* readSheetRows(options: ReadSheetOptions): AsyncGenerator<SheetRowTexts> {
  const { path, inspection, limits, signal, onBytes } = options;
  const sheet = chooseSheet(inspection, options.sheet, limits.maxRows);
  if (sheet.rows > limits.maxRows)
    throw new ImportError('IMPORT_ERR_TOO_MANY_ROWS', `${sheet.name}: ${sheet.rows} rows`);
  const date1904 = inspection.date1904;
  // Opened once and read through that handle: a file deleted meanwhile (its upload discarded
  // after an import, a sweep) is still read whole, and one gone already fails here with ENOENT
  // rather than inside exceljs, which never settles on an input stream's error.
  const file = await open(path, 'r');
  const input = reorderedZip(file, inspection, sheet.entry);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  // One cell callback for the whole sheet (not a closure per row: 100k rows under tsx each paid
  // a `__name` call), filling the row being read.
  let cells: (CellText | undefined)[] = [];
  let tooWide = 0;
  const onCell = (cell: ExcelCellLike, col: number) => {
    if (col > limits.maxColumns) {
      tooWide = col;
      return;
    }
    let value = cell.value;
    if (
      value !== null &&
      typeof value === 'object' &&
      ('formula' in value || 'sharedFormula' in value)
    )
      value = { ...value, result: cell.result };
    const text = cellText({ value, numFmt: cell.numFmt }, { date1904 });
    if (text.text !== '' || text.issue) cells[col - 1] = text;
  };
  let found = false;
  try {
    // The stream holds the chosen sheet only (reorderedZip), so the first sheet exceljs emits is
    // it. Its name is not compared: exceljs misses names when the workbook's relationships use
    // absolute targets (`/xl/worksheets/sheet1.xml`, as openpyxl and so pandas write them).
    for await (const ws of reader as unknown as AsyncIterable<AsyncIterable<ExcelRowLike>>) {
      found = true;
      for await (const row of ws) {
        if (signal?.aborted) throw new ImportError('IMPORT_ERR_ABORTED');
        if (row.number > limits.maxRows)
          throw new ImportError('IMPORT_ERR_TOO_MANY_ROWS', `row ${row.number}`);
        cells = [];
        tooWide = 0;
        row.eachCell(onCell);
        if (tooWide)
          throw new ImportError(
            'IMPORT_ERR_TOO_MANY_COLUMNS',
            `column ${tooWide} in row ${row.number}`,
          );
        onBytes?.(input.bytesRead);
        yield { rowNumber: row.number, cells };
      }
      break; // the rest of the file holds nothing we need
    }
  } catch (err) {
    if (err instanceof ImportError) throw err;
    throw new ImportError('IMPORT_ERR_CORRUPT', err instanceof Error ? err.message : String(err), {
      cause: err,
    });
  } finally {
    input.destroy();
    await file.close();
  }
  if (!found)
    throw new ImportError(
      'IMPORT_ERR_UNKNOWN_SHEET',
      `sheet ${sheet.name} not found while reading`,
    );
  onBytes?.(inspection.bytes);
}
