// Parses one sheet into waybill batches and row issues: header, mapping check, rows → docs. No
// store access, so it can run inline or in a worker thread (sheet-worker.ts) beside the writes.
import {
  HEADER_SCAN_ROWS,
  createRowReader,
  detectHeaderRow,
  mappingError,
} from '@/lib/core/manifest-columns';
import type { ColumnMapping, RowIssue, SheetRow } from '@/lib/core/manifest-columns';
import type { Waybill } from '@/lib/schema';
import { ImportError } from './errors';
import type { UploadInspection } from './inspect-upload';
import type { ImportLimits } from './limits';
import { readSheetRows } from './read-sheet';
import type { SheetRowTexts } from './read-sheet';

export interface ParseOptions {
  path: string;
  inspection: UploadInspection;
  sheet: string;
  limits: ImportLimits;
  header?: { rowNumber: number; dataStartRow?: number };
  mapping: ColumnMapping;
  manifestId: string;
  waybillPattern?: string;
  batchSize: number;
}

export type ParseEvent =
  | { type: 'header'; headers: string[]; headerRow: number; dataStartRow: number }
  | {
      type: 'batch';
      docs: Waybill[];
      issues: RowIssue[];
      rowsRead: number;
      blankRows: number;
      skipped: number;
      bytesRead: number;
    };

export async function* parseManifestRows(
  options: ParseOptions,
  signal?: AbortSignal,
): AsyncGenerator<ParseEvent> {
  const { path, inspection, sheet, limits, mapping, batchSize } = options;
  let pattern: RegExp | undefined;
  try {
    pattern = options.waybillPattern ? new RegExp(options.waybillPattern) : undefined;
  } catch (err) {
    throw new ImportError('IMPORT_ERR_BAD_MAPPING', 'invalid waybill pattern', { cause: err });
  }
  let bytesRead = 0;
  const rows = readSheetRows({
    path,
    inspection,
    sheet,
    limits,
    signal,
    onBytes: (b) => (bytesRead = b),
  });
  try {
    // The header: buffer the first rows, then detect (or take the row the person chose).
    const head: SheetRowTexts[] = [];
    const wantedHeadRows = Math.max(
      HEADER_SCAN_ROWS,
      (options.header?.dataStartRow ?? options.header?.rowNumber ?? 0) + 1,
    );
    let next = await rows.next();
    while (!next.done && next.value.rowNumber <= wantedHeadRows) {
      head.push(next.value);
      next = await rows.next();
    }
    const asText: SheetRow[] = head.map((r) => ({
      rowNumber: r.rowNumber,
      cells: Array.from(r.cells, (c) => c?.text ?? ''),
    }));
    const detected = detectHeaderRow(asText.filter((r) => r.cells.some((c) => c !== '')));
    let headers: string[];
    let dataStartRow: number;
    if (options.header && detected?.rowNumber !== options.header.rowNumber) {
      headers = asText.find((r) => r.rowNumber === options.header?.rowNumber)?.cells ?? [];
      dataStartRow = options.header.dataStartRow ?? options.header.rowNumber + 1;
    } else if (detected) {
      headers = detected.headers;
      dataStartRow = options.header?.dataStartRow ?? detected.dataStartRow;
    } else throw new ImportError('IMPORT_ERR_NO_HEADER');
    const columnCount = Math.max(headers.length, ...head.map((r) => r.cells.length));
    const badMapping = mappingError(mapping, columnCount);
    if (badMapping) throw new ImportError('IMPORT_ERR_BAD_MAPPING', badMapping);
    yield { type: 'header', headers, headerRow: dataStartRow - 1, dataStartRow };

    const readRow = createRowReader({ manifestId: options.manifestId, mapping, headers, pattern });
    let batch: ParseEvent & { type: 'batch' } = fresh();
    function fresh(): ParseEvent & { type: 'batch' } {
      return {
        type: 'batch',
        docs: [],
        issues: [],
        rowsRead: 0,
        blankRows: 0,
        skipped: 0,
        bytesRead,
      };
    }
    const handle = (row: SheetRowTexts) => {
      if (row.rowNumber < dataStartRow) return;
      const result = readRow(row.rowNumber, row.cells);
      if (result.kind === 'blank') {
        batch.blankRows += 1;
        return;
      }
      batch.rowsRead += 1;
      if (result.issues.length > 0) batch.issues.push(...result.issues);
      if (result.kind === 'skipped') batch.skipped += 1;
      else batch.docs.push(result.doc);
    };
    for (const row of head) handle(row);
    while (!next.done) {
      handle(next.value);
      if (batch.docs.length >= batchSize) {
        batch.bytesRead = bytesRead;
        yield batch;
        batch = fresh();
      }
      next = await rows.next();
    }
    batch.bytesRead = inspection.bytes;
    yield batch;
  } finally {
    await rows.return(undefined);
  }
}
