// Imports running in the background: progress a person can leave and come back to, the row
// report, cancel, "import the good rows" later — from any sync server in front of the store.
// Each job is an `import:<id>` document in the servers' own database (server-db.ts): the server
// running it writes its progress there at most every PERSIST_MS and at least every HEARTBEAT_MS
// (its lease, lease.ts), the full row report goes in as an attachment when it ends, and the last
// 50 are kept. A job whose server stopped (its lease ran out, or this very server restarted) is
// ended by the first server that looks at it: marked failed with words that say what to do, its
// half manifest rolled back, its upload freed for "Retry". A cancel asked on another server is
// written into the job; its owner reads it on its next write and aborts.
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { ColumnMapping } from '@/lib/core/manifest-columns';
import {
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
import { HEARTBEAT_MS, abandonedReason, isAbandoned, leaseView } from './lease';
import { docsWithPrefix, readDoc, updateDoc } from './server-db';
import type { ServerDb, ServerDoc } from './server-db';
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
  /** The report summary of a job read from the store (its full report is an attachment). */
  storedReport?: ImportStatus['report'];
  /** The sync server that runs (or ran) it, and its last word: see lease.ts. */
  owner: string;
  heartbeatAt: string;
  /** A person asked to cancel it on another server; its owner aborts on its next write. */
  cancelRequested?: boolean;
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
const PERSIST_MS = 1_000; // progress reaches the store at most once a second
const PREFIX = 'import:';
const REPORT_ATTACHMENT = 'report.json';

/** The wire form of a job (no controller; the report cut to its first issues). */
export function importStatusOf(job: ImportJob, canRetry = false): ImportStatus {
  const {
    controller: _controller,
    report,
    headers: _headers,
    settings: _settings,
    storedReport,
    owner: _owner,
    heartbeatAt: _heartbeatAt,
    cancelRequested: _cancelRequested,
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
  /** This server's copy of the upload's file. */
  path: string;
  name: string;
  headers: string[];
  mode: 'good-rows' | 'refuse';
  user: string;
  writer: ManifestWriter;
  /** Called when the import has settled. */
  onSettled: (job: ImportJob) => void;
}

/** What the registry needs from the rest of the server to end a job another server left. */
export interface AbandonedJobCleanup {
  /** Rolls back the job's manifest if it is still `importing` (waybills deleted, `failed`). */
  rollBack(manifestId: string): Promise<void>;
  /** Frees the job's upload for a retry. */
  release(uploadId: string, importId: string): Promise<void>;
}

export interface ImportRegistry {
  /** Ends the jobs this server left running when it stopped. */
  open(): Promise<void>;
  /** Stores the job (every server sees it from here on), then runs it in the background. */
  start(options: StartImport & { id: string }): Promise<ImportJob>;
  get(id: string): Promise<ImportJob | null>;
  list(): Promise<ImportJob[]>;
  /** True when the job runs on some server now (here, or elsewhere within its lease). */
  isLive(id: string): Promise<boolean>;
  /** Aborts it here, or asks its owner to; false when it is not running. */
  cancel(id: string): Promise<boolean>;
  /** The full row report (from memory, or the job's attachment). */
  reportOf(job: ImportJob): Promise<ValidationReport | null>;
  writeReport(job: ImportJob, dir: string): Promise<string>;
  close(): Promise<void>;
}

/** A job as stored: no controller, the report only as a summary (the full one attached). */
type StoredJob = Omit<ImportJob, 'controller' | 'report' | 'storedReport'> & {
  report: ImportStatus['report'];
};
type JobDoc = ServerDoc & StoredJob;

export const newImportId = (): string => randomUUID();

export function manifestIdOf(importId: string): string {
  return `m-${importId.replace(/-/g, '').slice(0, 20)}`;
}

function storedOf(job: ImportJob): StoredJob {
  const { controller: _c, report: _r, storedReport: _s, ...rest } = job;
  return { ...rest, report: importStatusOf(job).report };
}

function jobOf(doc: JobDoc): ImportJob {
  const {
    _id: _i,
    _rev: _v,
    _attachments: _a,
    report,
    ...rest
  } = doc as JobDoc & {
    _attachments?: unknown;
  };
  return {
    ...rest,
    report: null,
    ...(report ? { storedReport: report } : {}),
    controller: new AbortController(),
  };
}

export function createImportRegistry(options: {
  db: ServerDb & { getAttachment?: unknown };
  serverId: string;
  limits: ImportLimits;
  log: Logger;
  cleanup: AbandonedJobCleanup;
  now?: () => number;
}): ImportRegistry {
  const { db, serverId, limits, log, cleanup } = options;
  const now = options.now ?? Date.now;
  /** Jobs this process runs (and has run): the live objects. */
  const mine = new Map<string, ImportJob>();
  const running = new Set<Promise<void>>();
  const me = { serverId, runs: (id: string) => mine.get(id)?.state === 'running' };
  const iso = () => new Date(now()).toISOString();

  // Each job's writes go one after another, so an older progress never lands after the end.
  const writes = new Map<string, Promise<void>>();
  const timers = new Map<string, NodeJS.Timeout>();

  /** Writes this server's view of its job, unless another server ended it meanwhile. */
  const writeJob = (job: ImportJob, extra: Record<string, unknown> = {}): Promise<void> => {
    const previous = writes.get(job.id) ?? Promise.resolve();
    const next = previous.then(async () => {
      let lost = false;
      await updateDoc<JobDoc>(db, PREFIX + job.id, (current) => {
        lost = false;
        if (current && (current.owner !== serverId || current.state !== 'running')) {
          lost = true;
          return null;
        }
        if (current?.cancelRequested) job.cancelRequested = true;
        job.heartbeatAt = iso();
        const { _id, _rev, ...kept } = current ?? { _id: '' };
        return { ...kept, ...storedOf(job), ...extra } as Omit<JobDoc, '_id' | '_rev'>;
      });
      if (job.cancelRequested && job.state === 'running') job.controller.abort();
      if (lost && job.state === 'running') {
        log.warn({ importId: job.id }, 'another server ended this import; stopping it here');
        job.controller.abort();
      }
    });
    const logged = next.catch((err: unknown) =>
      log.error({ err, importId: job.id }, 'import state not saved'),
    );
    writes.set(job.id, logged);
    return logged;
  };

  const persistSoon = (job: ImportJob) => {
    if (timers.has(job.id)) return;
    const timer = setTimeout(() => {
      timers.delete(job.id);
      void writeJob(job);
    }, PERSIST_MS).unref();
    timers.set(job.id, timer);
  };

  /** Ends a job whose server stopped; only the server whose write wins cleans up after it. */
  async function endAbandoned(doc: JobDoc): Promise<JobDoc> {
    let reason = '';
    const ended = await updateDoc<JobDoc>(db, doc._id, (current) => {
      if (!current || !isAbandoned(leaseView(current, me, current.id, now()))) return null;
      reason = abandonedReason(current, now());
      const { _id, _rev, ...kept } = current;
      return {
        ...kept,
        state: 'failed',
        phase: 'failed',
        finishedAt: current.finishedAt ?? iso(),
        waybillsWritten: 0,
        error: { code: 'IMPORT_ERR_INTERRUPTED', reason },
      };
    });
    if (!ended) return (await readDoc<JobDoc>(db, doc._id)) ?? doc;
    log.warn({ importId: ended.id, owner: doc.owner, reason }, 'abandoned import ended');
    await cleanup.rollBack(ended.manifestId);
    await cleanup.release(ended.uploadId, ended.id);
    return ended;
  }

  /** The job as a person should see it now: this server's live object, or the stored one. */
  async function current(doc: JobDoc): Promise<ImportJob> {
    const own = mine.get(doc.id);
    if (own) return own;
    const view = leaseView(doc, me, doc.id, now());
    return jobOf(isAbandoned(view) ? await endAbandoned(doc) : doc);
  }

  async function forgetOld(): Promise<void> {
    const docs = await docsWithPrefix<JobDoc>(db, PREFIX);
    const old = docs
      .sort((a, b) => (a.startedAt < b.startedAt ? 1 : -1))
      .slice(KEEP_JOBS)
      .filter((d) => d.state !== 'running');
    for (const doc of old) {
      await db.put({ _id: doc._id, _rev: doc._rev, _deleted: true } as never).catch((err) => {
        if ((err as { status?: number }).status !== 409) throw err;
      });
      mine.delete(doc.id);
    }
  }

  return {
    async open() {
      // This server's own jobs still marked running: it stopped mid-import (orphaned).
      for (const doc of await docsWithPrefix<JobDoc>(db, PREFIX))
        if (doc.state === 'running' && doc.owner === serverId) await endAbandoned(doc);
    },
    async start(o) {
      const sheetInfo = o.upload.inspection.sheets.find((s) => s.name === o.sheet);
      const job: ImportJob = {
        id: o.id,
        manifestId: manifestIdOf(o.id),
        name: o.name,
        uploadId: o.upload.id,
        fileName: o.upload.fileName,
        user: o.user,
        mode: o.mode,
        startedAt: iso(),
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
        owner: serverId,
        heartbeatAt: iso(),
        controller: new AbortController(),
      };
      mine.set(job.id, job);
      // Stored before anything of it exists in the store: a manifest `importing` with no live
      // job is one a stopped server left (rollBackOrphans in index.ts).
      await updateDoc<JobDoc>(db, PREFIX + job.id, () => storedOf(job));
      forgetOld().catch((err: unknown) => log.error({ err }, 'old imports not deleted'));
      const heartbeat = setInterval(() => void writeJob(job), HEARTBEAT_MS).unref();

      const run = importManifest({
        path: o.path,
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
          id: job.manifestId,
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
          persistSoon(job);
        },
      }).then(
        (result) => {
          job.state = 'done';
          job.phase = 'done';
          job.report = result.report;
          job.waybillsWritten = result.manifest.rowCount;
          job.bytesRead = job.totalBytes;
          log.info(
            { importId: job.id, manifestId: job.manifestId, rows: result.manifest.rowCount },
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
            {
              importId: job.id,
              manifestId: job.manifestId,
              code: failure.code,
              detail: failure.detail,
            },
            'manifest import failed',
          );
        },
      );
      const settled = run.finally(async () => {
        clearInterval(heartbeat);
        clearTimeout(timers.get(job.id));
        timers.delete(job.id);
        job.finishedAt = iso();
        // The end and the full report in one write: whoever reads "done" can read the report.
        const attachment = job.report
          ? {
              _attachments: {
                [REPORT_ATTACHMENT]: {
                  content_type: 'application/json',
                  data: Buffer.from(JSON.stringify(job.report)).toString('base64'),
                },
              },
            }
          : {};
        await writeJob(job, attachment);
        await cleanup
          .release(job.uploadId, job.id)
          .catch((err: unknown) => log.error({ err, importId: job.id }, 'upload not freed'));
        running.delete(settled);
        o.onSettled(job);
      });
      running.add(settled);
      return job;
    },
    async get(id) {
      if (!/^[0-9a-f-]{36}$/.test(id)) return null;
      const doc = await readDoc<JobDoc>(db, PREFIX + id);
      return doc ? current(doc) : null;
    },
    async list() {
      const docs = await docsWithPrefix<JobDoc>(db, PREFIX);
      docs.sort((a, b) => (a.startedAt < b.startedAt ? 1 : -1));
      return Promise.all(docs.slice(0, KEEP_JOBS).map(current));
    },
    async isLive(id) {
      const job = await this.get(id);
      return job?.state === 'running';
    },
    async cancel(id) {
      const own = mine.get(id);
      if (own) {
        if (own.state !== 'running') return false;
        own.controller.abort();
        return true;
      }
      const job = await this.get(id);
      if (job?.state !== 'running') return false;
      await updateDoc<JobDoc>(db, PREFIX + id, (doc) => {
        if (!doc || doc.state !== 'running') return null;
        const { _id, _rev, ...kept } = doc;
        return { ...kept, cancelRequested: true };
      });
      return true;
    },
    async reportOf(job) {
      if (job.report) return job.report;
      if (!job.storedReport) return null;
      try {
        const data = (await (
          db as unknown as { getAttachment(id: string, name: string): Promise<Buffer> }
        ).getAttachment(PREFIX + job.id, REPORT_ATTACHMENT)) as Buffer;
        return JSON.parse(data.toString('utf8')) as ValidationReport;
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
      for (const job of mine.values()) job.controller.abort();
      await Promise.allSettled([...running]);
      await Promise.all([...writes.values(), stopParseWorkers()]);
    },
  };
}
