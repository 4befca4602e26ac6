// Imports running in the background: progress a person can leave and come back to, the row
// report, cancel. Kept in memory (the last 50); the manifest documents themselves are the record.
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { ColumnMapping } from '@/lib/core/manifest-columns';
import { ImportError, importManifest, writeValidationReportXlsx } from '../import';
import type {
  ImportErrorCode,
  ImportLimits,
  ImportProgress,
  ManifestWriter,
  ValidationReport,
} from '../import';
import type { ImportStatus } from '@/lib/schema/manifest-api';
import type { Upload } from './uploads';

export type ImportState = 'running' | 'done' | 'failed';

export interface ImportJob {
  id: string;
  manifestId: string;
  name: string;
  uploadId: string;
  fileName: string;
  user: string;
  mode: 'good-rows' | 'refuse';
  startedAt: string;
  finishedAt: string | null;
  state: ImportState;
  phase: ImportProgress['phase'] | 'queued' | 'done' | 'failed';
  bytesRead: number;
  totalBytes: number;
  rowsRead: number;
  waybillsWritten: number;
  /** Rows in the sheet (as counted while checking the file), for a rows progress bar. */
  totalRows: number;
  error: { code: ImportErrorCode; reason: string } | null;
  report: ValidationReport | null;
  headers: string[];
  controller: AbortController;
}

const KEEP_JOBS = 50;
const REPORT_ISSUES_SHOWN = 50;

/** The wire form of a job (no controller; the report cut to its first issues). */
export function importStatusOf(job: ImportJob): ImportStatus {
  const { controller: _controller, report, headers: _headers, ...rest } = job;
  return {
    ...rest,
    report: report
      ? {
          sheet: report.sheet,
          headerRow: report.headerRow,
          rowsRead: report.rowsRead,
          blankRows: report.blankRows,
          valid: report.valid,
          imported: report.imported,
          skipped: report.skipped,
          counts: report.counts,
          hasErrors: report.hasErrors,
          truncated: report.truncated,
          issueCount: report.issues.length,
          issues: report.issues.slice(0, REPORT_ISSUES_SHOWN),
        }
      : null,
  };
}

export interface StartImport {
  upload: Upload;
  name: string;
  sheet: string;
  header: { rowNumber: number; dataStartRow: number };
  headers: string[];
  mapping: ColumnMapping;
  mode: 'good-rows' | 'refuse';
  waybillPattern?: string;
  user: string;
  writer: ManifestWriter;
  /** Called when the import has settled (the upload is freed or deleted). */
  onSettled: (job: ImportJob) => void;
}

export interface ImportRegistry {
  start(options: StartImport): ImportJob;
  get(id: string): ImportJob | null;
  list(): ImportJob[];
  writeReport(job: ImportJob, dir: string): Promise<string>;
  close(): Promise<void>;
}

export function createImportRegistry(limits: ImportLimits, log: Logger): ImportRegistry {
  const jobs = new Map<string, ImportJob>();
  const running = new Set<Promise<void>>();

  return {
    start(o) {
      const id = randomUUID();
      const manifestId = `m-${id.replace(/-/g, '').slice(0, 20)}`;
      const sheetInfo = o.upload.inspection.sheets.find((s) => s.name === o.sheet);
      const job: ImportJob = {
        id,
        manifestId,
        name: o.name,
        uploadId: o.upload.id,
        fileName: o.upload.fileName,
        user: o.user,
        mode: o.mode,
        startedAt: new Date().toISOString(),
        finishedAt: null,
        state: 'running',
        phase: 'queued',
        bytesRead: 0,
        totalBytes: o.upload.bytes,
        rowsRead: 0,
        waybillsWritten: 0,
        totalRows: Math.max(0, (sheetInfo?.rows ?? 0) - o.header.dataStartRow + 1),
        error: null,
        report: null,
        headers: o.headers,
        controller: new AbortController(),
      };
      jobs.set(id, job);
      for (const old of [...jobs.values()].slice(0, Math.max(0, jobs.size - KEEP_JOBS)))
        if (old.state !== 'running') jobs.delete(old.id);

      o.upload.busy = true;
      const run = importManifest({
        path: o.upload.path,
        inspection: o.upload.inspection,
        sheet: o.sheet,
        header: o.header,
        mapping: o.mapping,
        mode: o.mode,
        limits,
        writer: o.writer,
        signal: job.controller.signal,
        log,
        manifest: {
          id: manifestId,
          name: o.name,
          createdAt: job.startedAt,
          createdBy: o.user,
          sourceFile: o.upload.fileName,
          ...(o.waybillPattern ? { waybillPattern: o.waybillPattern } : {}),
        },
        onProgress(p) {
          job.phase = p.phase;
          job.bytesRead = p.bytesRead;
          job.totalBytes = p.totalBytes;
          job.rowsRead = p.rowsRead;
          job.waybillsWritten = p.waybillsWritten;
        },
      }).then(
        (result) => {
          job.state = 'done';
          job.phase = 'done';
          job.report = result.report;
          job.waybillsWritten = result.manifest.rowCount;
          job.bytesRead = job.totalBytes;
          log.info(
            { importId: id, manifestId, rows: result.manifest.rowCount },
            'manifest imported',
          );
        },
        (err: unknown) => {
          const failure =
            err instanceof ImportError
              ? err
              : new ImportError('IMPORT_ERR_STORE', String(err), { cause: err });
          job.state = 'failed';
          job.phase = 'failed';
          job.error = { code: failure.code, reason: failure.message };
          job.report = failure.report ?? null;
          job.waybillsWritten = 0;
          log.warn(
            { importId: id, manifestId, code: failure.code, detail: failure.detail },
            'manifest import failed',
          );
        },
      );
      const settled = run.finally(() => {
        job.finishedAt = new Date().toISOString();
        o.upload.busy = false;
        running.delete(settled);
        o.onSettled(job);
      });
      running.add(settled);
      return job;
    },
    get: (id) => jobs.get(id) ?? null,
    list: () => [...jobs.values()].reverse(),
    async writeReport(job, dir) {
      if (!job.report) throw new Error('no report');
      const file = join(dir, `report-${job.id}-${randomUUID()}.xlsx`);
      try {
        await writeValidationReportXlsx(job.report, file, job.headers);
      } catch (err) {
        await rm(file, { force: true });
        throw err;
      }
      return file;
    },
    async close() {
      for (const job of jobs.values()) job.controller.abort();
      await Promise.allSettled([...running]);
    },
  };
}
