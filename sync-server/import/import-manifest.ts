// Streams one sheet of an xlsx into a manifest: rows → waybills in batches through a writer, with
// progress, abort, and all-or-nothing visibility (`importing` → `open`, or rolled back → `failed`).
import type { ColumnMapping } from '@/lib/core/manifest-columns';
import type { Manifest, Waybill } from '@/lib/schema';
import { ImportError } from './errors';
import { inspectUpload } from './inspect-upload';
import type { UploadInspection } from './inspect-upload';
import { importLimits } from './limits';
import type { ImportLimitsInput } from './limits';
import { parseManifestRows } from './parse-manifest';
import type { ParseOptions } from './parse-manifest';
import { parseManifestRowsInWorker } from './parse-in-worker';
import { chooseSheet } from './read-sheet';
import { createReportCollector } from './validation-report';
import type { ValidationReport } from './validation-report';
import type { ManifestWriter } from './writer';

export interface ImportProgress {
  phase: 'reading' | 'finishing' | 'rolling-back';
  bytesRead: number;
  totalBytes: number;
  rowsRead: number;
  waybillsWritten: number;
}

export interface ManifestMeta {
  id: string;
  name: string;
  createdAt: string;
  createdBy?: string;
  sourceFile?: string;
  /** Regular expression source every waybill number must match (as scanning applies it). */
  waybillPattern?: string;
}

export interface ImportManifestOptions {
  path: string;
  /** Sheet name; the first visible sheet when absent. Other sheets are never read. */
  sheet?: string;
  /** The header row (from previewManifest or the person); detected when absent. */
  header?: { rowNumber: number; dataStartRow?: number };
  mapping: ColumnMapping;
  manifest: ManifestMeta;
  writer: ManifestWriter;
  /** 'good-rows' imports valid rows and reports the rest; 'refuse' keeps nothing if any row has an error. */
  mode?: 'good-rows' | 'refuse';
  limits?: ImportLimitsInput;
  /** Waybills per `_bulk_docs` (default 1,000). */
  batchSize?: number;
  onProgress?: (progress: ImportProgress) => void;
  signal?: AbortSignal;
  /** A result of inspectUpload for this file, to skip checking it again. */
  inspection?: UploadInspection;
  /**
   * 'inline' (default) parses on the calling thread; 'worker' parses in a worker thread with its
   * own capped heap, beside the writes (the server's choice: 100k rows in ~5.4 s against ~7 s
   * inline, with the event loop free). A worker takes ~0.7 s to load unless prewarmParseWorker
   * started one ahead.
   */
  parser?: 'worker' | 'inline';
  /** Where rollback failures are logged (they are never swallowed). */
  log?: { error(obj: object, msg: string): void };
}

export interface ImportResult {
  manifest: Manifest;
  report: ValidationReport;
}

const DEFAULT_BATCH = 1_000;

function isConflict(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { status?: unknown }).status === 409;
}

function headerLabels(headers: readonly string[]): string[] {
  return headers.slice(0, 200).map((h, i) => h.trim().slice(0, 200) || `Column ${i + 1}`);
}

/**
 * Imports a manifest. Resolves with the open manifest and the row report; on any failure the
 * waybills written so far are deleted, the manifest (if created) is marked `failed`, and an
 * ImportError is thrown (with `.report` when rows were read).
 */
export async function importManifest(options: ImportManifestOptions): Promise<ImportResult> {
  const { path, writer, signal, onProgress, manifest: meta } = options;
  const mode = options.mode ?? 'good-rows';
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  const limits = importLimits(options.limits);
  if (signal?.aborted) throw new ImportError('IMPORT_ERR_ABORTED');
  const inspection = options.inspection ?? (await inspectUpload(path, limits));
  const sheet = chooseSheet(inspection, options.sheet, limits.maxRows);
  let bytesRead = 0;
  let rowsRead = 0;
  let written = 0;
  let created = false;
  let manifestDoc: Manifest | null = null;
  const progress = (phase: ImportProgress['phase']) =>
    onProgress?.({
      phase,
      bytesRead,
      totalBytes: inspection.bytes,
      rowsRead,
      waybillsWritten: written,
    });

  const parseOptions: ParseOptions = {
    path,
    inspection,
    sheet: sheet.name,
    limits,
    mapping: options.mapping,
    manifestId: meta.id,
    batchSize,
    ...(options.header ? { header: options.header } : {}),
    ...(meta.waybillPattern !== undefined ? { waybillPattern: meta.waybillPattern } : {}),
  };
  const events =
    options.parser === 'worker'
      ? parseManifestRowsInWorker(parseOptions, signal)
      : parseManifestRows(parseOptions, signal);

  // The first event is the header: mapping and header errors surface before anything is written.
  const first = await events.next();
  if (first.done || first.value.type !== 'header') {
    await events.return(undefined);
    throw new ImportError('IMPORT_ERR_NO_HEADER');
  }
  const { headers, headerRow } = first.value;
  const base: Manifest = {
    id: meta.id,
    name: meta.name,
    columns: headerLabels(headers),
    rowCount: 0,
    status: 'importing',
    createdAt: meta.createdAt,
    ...(meta.sourceFile !== undefined ? { sourceFile: meta.sourceFile.slice(0, 300) } : {}),
    ...(meta.createdBy !== undefined ? { createdBy: meta.createdBy } : {}),
    ...(meta.waybillPattern !== undefined ? { waybillPattern: meta.waybillPattern } : {}),
  };
  const collector = createReportCollector(sheet.name, headerRow);
  const { report } = collector;

  let pending: Promise<void> = Promise.resolve();
  let writeError: unknown = null;
  const write = async (docs: Waybill[]) => {
    await pending;
    if (writeError) throw writeError;
    if (docs.length === 0) return;
    // One batch in flight while the next is parsed: the store's disk work overlaps the XML parse.
    pending = writer.writeWaybills(docs).then(
      () => {
        written += docs.length;
      },
      (err: unknown) => {
        writeError = err;
      },
    );
  };

  try {
    try {
      await writer.createManifest(base);
    } catch (err) {
      throw isConflict(err) ? new ImportError('IMPORT_ERR_MANIFEST_EXISTS') : err;
    }
    created = true;
    manifestDoc = base;

    for await (const event of events) {
      if (event.type !== 'batch') continue;
      if (signal?.aborted) throw new ImportError('IMPORT_ERR_ABORTED');
      bytesRead = event.bytesRead;
      rowsRead += event.rowsRead;
      report.rowsRead += event.rowsRead;
      report.blankRows += event.blankRows;
      report.skipped += event.skipped;
      report.valid += event.docs.length;
      collector.add(event.issues);
      // Refusing: once a row has an error nothing will be kept, so stop writing.
      if (!(mode === 'refuse' && report.hasErrors)) await write(event.docs);
      progress('reading');
    }
    if (signal?.aborted) throw new ImportError('IMPORT_ERR_ABORTED');
    await pending;
    if (writeError) throw writeError;
    progress('finishing');

    if (mode === 'refuse' && report.hasErrors) throw new ImportError('IMPORT_ERR_ROWS_INVALID');
    if (report.valid === 0) throw new ImportError('IMPORT_ERR_NO_ROWS');
    if (signal?.aborted) throw new ImportError('IMPORT_ERR_ABORTED');
    const open: Manifest = { ...base, rowCount: written, status: 'open' };
    await writer.updateManifest(open);
    report.imported = written;
    return { manifest: open, report };
  } catch (err) {
    await events.return(undefined);
    await pending; // never delete while a batch is still being written
    const failure =
      err instanceof ImportError
        ? err
        : new ImportError('IMPORT_ERR_STORE', err instanceof Error ? err.message : String(err), {
            cause: err,
          });
    if (created && manifestDoc) {
      progress('rolling-back');
      try {
        await writer.deleteWaybills(meta.id);
        await writer.updateManifest({ ...manifestDoc, rowCount: 0, status: 'failed' });
      } catch (rollbackError) {
        // The manifest stays `importing` (never `open`), so the app keeps hiding it; an admin can delete it.
        options.log?.error(
          { err: rollbackError, manifestId: meta.id },
          'manifest import rollback failed',
        );
      }
    }
    report.imported = 0;
    if (report.rowsRead > 0 || report.blankRows > 0) failure.report = report;
    throw failure;
  }
}
