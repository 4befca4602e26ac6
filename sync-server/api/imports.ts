// Imports running in the background: progress a person can leave and come back to, the row
// report, cancel, "import the good rows" later. The last 50 are kept in memory and in
// DATA_DIR/api/imports.json (progress written at most every PERSIST_MS, reports beside it), so a
// reload or a server restart still shows them; an import the restart cut short is marked failed
// and its half manifest rolled back (recoverInterruptedImports).
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { ColumnMapping } from '@/lib/core/manifest-columns';
import {
  IMPORT_ERRORS,
  ImportError,
  importManifest,
  stopParseWorkers,
  writeValidationReportXlsx,
} from '../import';
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
  /** What the import was asked to do, so it can be run again on the same upload. */
  settings: ImportSettings;
  /** The report summary of a job an earlier process ran (its full report is in a file). */
  storedReport?: ImportStatus['report'];
  controller: AbortController;
}

/** The choices of an import besides the file: enough to run it again (e.g. good rows only). */
export interface ImportSettings {
  sheet: string;
  header: { rowNumber: number; dataStartRow: number };
  mapping: ColumnMapping;
  waybillPattern?: string;
}

const KEEP_JOBS = 50;
const REPORT_ISSUES_SHOWN = 50;
const PERSIST_MS = 1_000; // progress reaches the disk at most once a second

/** The wire form of a job (no controller; the report cut to its first issues). */
export function importStatusOf(job: ImportJob, canRetry = false): ImportStatus {
  const {
    controller: _controller,
    report,
    headers: _headers,
    settings: _settings,
    storedReport,
    ...rest
  } = job;
  return {
    ...rest,
    canRetry,
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
      : (storedReport ?? null),
  };
}

export interface StartImport extends ImportSettings {
  upload: Upload;
  name: string;
  headers: string[];
  mode: 'good-rows' | 'refuse';
  user: string;
  writer: ManifestWriter;
  /** Called when the import has settled (the upload is freed or deleted). */
  onSettled: (job: ImportJob) => void;
}

export interface ImportRegistry {
  /** Loads the jobs an earlier process kept; the ones it left running are marked failed. */
  open(): Promise<void>;
  start(options: StartImport): ImportJob;
  get(id: string): ImportJob | null;
  list(): ImportJob[];
  /** The full row report (from memory, or from its file for a job of an earlier process). */
  reportOf(job: ImportJob): Promise<ValidationReport | null>;
  writeReport(job: ImportJob, dir: string): Promise<string>;
  close(): Promise<void>;
}

/** A job as stored in imports.json: no controller, the report only as a summary. */
type StoredJob = Omit<ImportJob, 'controller' | 'report'> & {
  report: ImportStatus['report'];
};

export function createImportRegistry(
  limits: ImportLimits,
  log: Logger,
  /** Where the jobs file and the full reports are kept; nothing is persisted when absent. */
  dir?: string,
): ImportRegistry {
  const jobs = new Map<string, ImportJob>();
  const running = new Set<Promise<void>>();
  const file = dir ? join(dir, 'imports.json') : null;
  const reportFile = (id: string) => join(dir ?? '.', 'import-reports', `${id}.json`);

  // Writes go one after another (temp file, then rename: a crash never leaves half a file).
  let writing: Promise<void> = Promise.resolve();
  let dirty = false;
  let timer: NodeJS.Timeout | null = null;
  const persistNow = (): Promise<void> => {
    if (!file) return Promise.resolve();
    if (timer) clearTimeout(timer);
    timer = null;
    dirty = false;
    const stored: StoredJob[] = [...jobs.values()].map((job) => {
      const { controller: _c, report: _report, storedReport: _stored, ...rest } = job;
      return { ...rest, report: importStatusOf(job).report };
    });
    const text = JSON.stringify({ version: 1, jobs: stored });
    writing = writing
      .then(async () => {
        await writeFile(`${file}.tmp`, text, { mode: 0o600 });
        await rename(`${file}.tmp`, file);
      })
      .catch((err: unknown) => log.error({ err, file }, 'import list not saved'));
    return writing;
  };
  const persistSoon = () => {
    if (!file || dirty) return;
    dirty = true;
    timer = setTimeout(() => void persistNow(), PERSIST_MS);
    timer.unref();
  };
  const saveReport = async (job: ImportJob) => {
    if (!dir || !job.report) return;
    const path = reportFile(job.id);
    await mkdir(join(dir, 'import-reports'), { recursive: true, mode: 0o700 });
    await writeFile(`${path}.tmp`, JSON.stringify(job.report), { mode: 0o600 });
    await rename(`${path}.tmp`, path);
  };
  const forget = (id: string) => {
    jobs.delete(id);
    if (dir)
      rm(reportFile(id), { force: true }).catch((err: unknown) =>
        log.error({ err, importId: id }, 'old import report not deleted'),
      );
  };

  return {
    async open() {
      if (!file || !dir) return;
      await mkdir(dir, { recursive: true, mode: 0o700 });
      let stored: StoredJob[] = [];
      try {
        stored = (JSON.parse(await readFile(file, 'utf8')) as { jobs: StoredJob[] }).jobs;
      } catch (err) {
        if ((err as { code?: string }).code !== 'ENOENT')
          log.error({ err, file }, 'import list unreadable; starting with none');
      }
      const interrupted = IMPORT_ERRORS.IMPORT_ERR_INTERRUPTED.message;
      for (const s of stored) {
        const { report, ...rest } = s;
        const job: ImportJob = {
          ...rest,
          report: null,
          ...(report ? { storedReport: report } : {}),
          controller: new AbortController(),
        };
        if (job.state === 'running') {
          // This process never ran it: the server stopped mid-import. recoverInterruptedImports
          // rolls its manifest back; here it only stops looking like it is still going.
          job.state = 'failed';
          job.phase = 'failed';
          job.finishedAt = job.finishedAt ?? new Date().toISOString();
          job.waybillsWritten = 0;
          job.error = { code: 'IMPORT_ERR_INTERRUPTED', reason: interrupted };
        }
        jobs.set(job.id, job);
      }
      await persistNow();
    },
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
        settings: {
          sheet: o.sheet,
          header: o.header,
          mapping: o.mapping,
          ...(o.waybillPattern ? { waybillPattern: o.waybillPattern } : {}),
        },
        controller: new AbortController(),
      };
      jobs.set(id, job);
      for (const old of [...jobs.values()].slice(0, Math.max(0, jobs.size - KEEP_JOBS)))
        if (old.state !== 'running') forget(old.id);
      void persistNow();

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
        // The XLSX parse runs beside the store's writes on the other core, and the server's event
        // loop stays free for devices syncing meanwhile.
        parser: 'worker',
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
          persistSoon();
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
      const settled = run
        .then(() =>
          saveReport(job).catch((err: unknown) =>
            log.error({ err, importId: id }, 'import report not saved'),
          ),
        )
        .finally(async () => {
          job.finishedAt = new Date().toISOString();
          o.upload.busy = false;
          await persistNow();
          running.delete(settled);
          o.onSettled(job);
        });
      running.add(settled);
      return job;
    },
    get: (id) => jobs.get(id) ?? null,
    list: () => [...jobs.values()].reverse(),
    async reportOf(job) {
      if (job.report) return job.report;
      if (!dir || !job.storedReport) return null;
      try {
        return JSON.parse(await readFile(reportFile(job.id), 'utf8')) as ValidationReport;
      } catch (err) {
        log.warn({ err, importId: job.id }, 'stored import report unreadable');
        return null;
      }
    },
    async writeReport(job, outDir) {
      const report = await this.reportOf(job);
      if (!report) throw new Error('no report');
      const file = join(outDir, `report-${job.id}-${randomUUID()}.xlsx`);
      try {
        await writeValidationReportXlsx(report, file, job.headers);
      } catch (err) {
        await rm(file, { force: true });
        throw err;
      }
      return file;
    },
    async close() {
      for (const job of jobs.values()) job.controller.abort();
      await Promise.allSettled([...running]);
      await Promise.all([persistNow(), stopParseWorkers()]);
    },
  };
}
