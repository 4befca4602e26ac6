// `/api`: manifest upload → preview → import (background, with progress and a row report) and
// exports. Same session as `/db`; admins and supervisors only; JSON errors `{ error, reason, code }`.
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { UploadPreview } from '@/lib/schema/manifest-api';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import type { NextFunction, Request, Response, Router } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { EXPORT_FORMATS, EXPORT_KINDS } from '@/lib/core/export-rows';
import { knownTimeZone } from '@/lib/core/time-zone';
import { mappingError, withHeaderRow } from '@/lib/core/manifest-columns';
import type { Manifest } from '@/lib/schema';
import type { Store } from '../store/store';
import { ImportError, importLimits, pouchManifestWriter, prewarmParseWorker } from '../import';
import type { ImportLimits, ImportLimitsInput, ManifestPreview, PouchLike } from '../import';
import { contentTypeOneOf, requireManifestRole, sameOriginOnly, userOf } from './auth';
import { sendApiError, sendImportError } from './errors';
import {
  contentDisposition,
  exportRows,
  manifestDoc,
  writeExportCsv,
  writeExportXlsx,
} from './exports';
import { openScansMarks } from '../exports/scans-marks';
import type { ScansMarks } from '../exports/scans-marks';
import { createImportRegistry, importStatusOf, manifestIdOf, newImportId } from './imports';
import type { ImportJob, ImportRegistry, StartImport } from './imports';
import { isAbandoned, leaseView } from './lease';
import { columnMappingSchema, openMappingMemory, withRememberedHeader } from './mapping-memory';
import type { MappingMemory } from './mapping-memory';
import { migrateApiFiles } from './migrate-files';
import { SERVER_DB, docsWithPrefix } from './server-db';
import { attachmentBlobs, migrateUploadRecords, openUploadRegistry } from './uploads';
import type { Upload, UploadRegistry } from './uploads';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export interface ApiDeps {
  store: () => Store | null;
  dataDir: string;
  log: Logger;
  limits?: ImportLimitsInput;
  /** How long an uploaded file is kept for "import the good rows" later (default 24 h). */
  uploadTtlMs?: number;
  /** All kept uploads together (default 1 GB); past it the oldest idle ones are deleted. */
  uploadsMaxBytes?: number;
}

export interface Api {
  router: Router;
  /** Opens the shared state in the store and ends imports this server left (store open). */
  start(): Promise<void>;
  close(): Promise<void>;
}

const importBodySchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    sheet: z.string().max(200).optional(),
    mapping: columnMappingSchema,
    mode: z.enum(['good-rows', 'refuse']).default('refuse'),
    /** The header row the person chose among the preview's rows (else the detected one). */
    headerRow: z.number().int().min(1).max(1_048_576).optional(),
    waybillPattern: z
      .string()
      .max(200)
      .optional()
      .refine((p) => {
        if (!p) return true;
        try {
          new RegExp(p);
          return true;
        } catch {
          return false; // reported as a bad request below
        }
      }, 'not a valid regular expression'),
  })
  .strict();

const retryBodySchema = z.object({ mode: z.enum(['good-rows', 'refuse']) }).strict();

const exportQuerySchema = z.object({
  kind: z.enum(EXPORT_KINDS),
  format: z.enum(EXPORT_FORMATS).default('xlsx'),
  /** The reader's time zone (the admin page sends the browser's): times are written in it. */
  tz: z.string().max(64).default('UTC'),
});

/** Async route handlers: a rejection goes to the router's error handler, never unhandled. */
const route =
  (fn: (req: Request, res: Response) => Promise<void>) =>
  (req: Request, res: Response, next: NextFunction) => {
    fn(req, res).catch(next);
  };

/**
 * This server's name in import jobs (lease.ts): kept in DATA_DIR so that a restarted server knows
 * its own unfinished jobs at once. Each sync server needs its own DATA_DIR.
 */
async function serverIdOf(apiDir: string): Promise<string> {
  const file = join(apiDir, 'server-id');
  try {
    const id = (await readFile(file, 'utf8')).trim();
    if (/^[\w.-]{1,100}$/.test(id)) return id;
  } catch (err) {
    if ((err as { code?: string }).code !== 'ENOENT') throw err;
  }
  const id = `${hostname()
    .replace(/[^\w.-]/g, '_')
    .slice(0, 60)}-${randomBytes(4).toString('hex')}`;
  await mkdir(apiDir, { recursive: true, mode: 0o700 });
  await writeFile(file, `${id}\n`, { mode: 0o600 });
  return id;
}

interface SharedState {
  uploads: UploadRegistry;
  memory: MappingMemory;
  imports: ImportRegistry;
  marks: ScansMarks;
}

export function createApi(deps: ApiDeps): Api {
  const { log } = deps;
  const limits: ImportLimits = importLimits(deps.limits);
  const apiDir = join(deps.dataDir, 'api');
  const reportDir = join(deps.dataDir, 'uploads-reports');
  let shared: SharedState | null = null;

  const router = express.Router();
  const auth = requireManifestRole(() => deps.store()?.upstream ?? null, log);
  const ready = (res: Response): (SharedState & { store: Store }) | null => {
    const store = deps.store();
    if (!store || !shared) {
      sendApiError(res, 'API_ERR_STORE');
      return null;
    }
    return { ...shared, store };
  };

  const previewBody = async (
    upload: Upload,
    found: ManifestPreview,
    mem: MappingMemory,
  ): Promise<UploadPreview> => {
    const preview = await withRememberedHeader(found, mem);
    return {
      uploadId: upload.id,
      fileName: upload.fileName,
      bytes: upload.bytes,
      sheets: preview.sheets,
      sheet: preview.sheet,
      rows: preview.rows,
      columnCount: preview.columnCount,
      header: preview.header,
      suggestion: preview.suggestion,
      fingerprint: preview.fingerprint,
      remembered: preview.fingerprint ? await mem.get(preview.fingerprint) : null,
    };
  };

  /**
   * The wire status; `canRetry` when the file is still kept and idle. Held by this job itself,
   * which has ended, it is as good as idle: the job frees it just after it reads as ended, and a
   * retry may claim it from an ended holder anyway (uploads.claim).
   */
  const statusOf = async (ctx: SharedState, job: ImportJob) => {
    if (job.state === 'running') return importStatusOf(job, false);
    const upload = await ctx.uploads.get(job.uploadId);
    return importStatusOf(job, !!upload && (!upload.busyWith || upload.busyWith === job.id));
  };

  /**
   * Starts an import of a kept upload, unless another import of it runs (on any server): answers
   * the job, or the API error to send.
   */
  const startImportOf = async (
    ctx: SharedState & { store: Store },
    upload: Upload,
    options: Omit<StartImport, 'upload' | 'writer' | 'onSettled' | 'path'>,
  ): Promise<ImportJob | 'API_ERR_UPLOAD_BUSY' | 'API_ERR_UNKNOWN_UPLOAD'> => {
    const path = await ctx.uploads.fileOf(upload);
    if (!path) return 'API_ERR_UNKNOWN_UPLOAD';
    const id = newImportId();
    if (!(await ctx.uploads.claim(upload.id, id, (other) => ctx.imports.isLive(other))))
      return 'API_ERR_UPLOAD_BUSY';
    const [manifests, waybills, scans] = await Promise.all([
      ctx.store.database('manifests'),
      ctx.store.database('waybills'),
      ctx.store.database('scans'),
    ]);
    // The server built and checked every waybill itself: written past the store's per-document
    // wrappers (still the same database and changes feed); see writer.ts.
    const writer = pouchManifestWriter(
      {
        manifests: manifests as unknown as PouchLike,
        waybills: waybills as unknown as PouchLike,
      },
      { trustedWaybills: true },
    );
    return ctx.imports.start({
      ...options,
      id,
      upload,
      path,
      writer: {
        ...writer,
        async createManifest(doc) {
          // Its export then reads only the scans stored from here on (exports.ts); without the
          // mark it reads them all, so a failure here only costs speed.
          await ctx.marks
            .mark(scans, doc.id)
            .catch((err: unknown) => log.warn({ err, manifestId: doc.id }, 'scans mark not saved'));
          await writer.createManifest(doc);
        },
      },
      onSettled(settled) {
        // A finished import no longer needs the file; a failed one keeps it (for "import the
        // good rows", or a fixed mapping) until it expires.
        if (settled.state === 'done') {
          ctx.uploads
            .discard(upload.id)
            .catch((err: unknown) =>
              log.error({ err, uploadId: upload.id }, 'upload delete failed'),
            );
        }
      },
    });
  };

  router.post(
    '/manifests/uploads',
    auth,
    sameOriginOnly,
    contentTypeOneOf(XLSX_TYPE, 'application/octet-stream'),
    route(async (req, res) => {
      const ctx = ready(res);
      if (!ctx) return;
      try {
        const { upload, preview } = await ctx.uploads.receive(req, userOf(res).name);
        // An import usually follows: have its parse worker loaded while the mapping is checked.
        void prewarmParseWorker();
        res.status(201).json(await previewBody(upload, preview, ctx.memory));
      } catch (err) {
        if (!(err instanceof ImportError)) throw err;
        req.log.info({ code: err.code, detail: err.detail }, 'upload refused');
        // The rest of an oversize body is not read: close the connection after answering.
        if (err.code === 'IMPORT_ERR_TOO_LARGE') res.setHeader('Connection', 'close');
        sendImportError(res, err.code);
        if (!req.complete) req.resume();
      }
    }),
  );

  router.get(
    '/manifests/uploads/:uploadId',
    auth,
    route(async (req, res) => {
      const ctx = ready(res);
      if (!ctx) return;
      const upload = await ctx.uploads.get(String(req.params.uploadId));
      if (!upload) return sendApiError(res, 'API_ERR_UNKNOWN_UPLOAD');
      const sheet = typeof req.query.sheet === 'string' ? req.query.sheet : undefined;
      try {
        const preview = await ctx.uploads.preview(upload, sheet);
        if (!preview) return sendApiError(res, 'API_ERR_UNKNOWN_UPLOAD');
        res.json(await previewBody(upload, preview, ctx.memory));
      } catch (err) {
        // Deleted between the look-up and the read (its import just finished): gone.
        if ((err as NodeJS.ErrnoException).code === 'ENOENT')
          return sendApiError(res, 'API_ERR_UNKNOWN_UPLOAD');
        if (!(err instanceof ImportError)) throw err;
        sendImportError(res, err.code);
      }
    }),
  );

  router.post(
    '/manifests/uploads/:uploadId/import',
    auth,
    sameOriginOnly,
    contentTypeOneOf('application/json'),
    express.json({ limit: '64kb' }),
    route(async (req, res) => {
      const ctx = ready(res);
      if (!ctx) return;
      const upload = await ctx.uploads.get(String(req.params.uploadId));
      if (!upload) return sendApiError(res, 'API_ERR_UNKNOWN_UPLOAD');
      if (upload.busyWith && (await ctx.imports.isLive(upload.busyWith)))
        return sendApiError(res, 'API_ERR_UPLOAD_BUSY');
      const parsed = importBodySchema.safeParse(req.body);
      if (!parsed.success) {
        if (parsed.error.issues.some((i) => i.path[0] === 'mapping'))
          return sendImportError(res, 'IMPORT_ERR_BAD_MAPPING');
        return sendApiError(
          res,
          'API_ERR_BAD_REQUEST',
          parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
        );
      }
      const body = parsed.data;
      let preview: ManifestPreview;
      try {
        const found = await ctx.uploads.preview(upload, body.sheet);
        if (!found) return sendApiError(res, 'API_ERR_UNKNOWN_UPLOAD');
        preview = await withRememberedHeader(found, ctx.memory);
      } catch (err) {
        if (!(err instanceof ImportError)) throw err;
        return sendImportError(res, err.code);
      }
      const chosen =
        body.headerRow !== undefined ? withHeaderRow(preview, body.headerRow) : preview;
      if (!chosen?.header) return sendImportError(res, 'IMPORT_ERR_NO_HEADER');
      const { header, fingerprint } = chosen;
      const width = Math.max(preview.columnCount, header.headers.length);
      if (mappingError(body.mapping, width)) return sendImportError(res, 'IMPORT_ERR_BAD_MAPPING');
      const user = userOf(res).name;
      if (fingerprint) {
        await ctx.memory.remember(fingerprint, {
          mapping: body.mapping,
          sheet: preview.sheet,
          savedAt: new Date().toISOString(),
          savedBy: user,
        });
      }
      const job = await startImportOf(ctx, upload, {
        name: body.name,
        sheet: preview.sheet,
        header: { rowNumber: header.rowNumber, dataStartRow: header.dataStartRow },
        headers: header.headers,
        mapping: body.mapping,
        mode: body.mode,
        ...(body.waybillPattern ? { waybillPattern: body.waybillPattern } : {}),
        user,
      });
      if (typeof job === 'string') return sendApiError(res, job);
      res.status(202).json({ manifestId: job.manifestId, importId: job.id });
    }),
  );

  router.get(
    '/imports',
    auth,
    route(async (_req, res) => {
      const ctx = ready(res);
      if (!ctx) return;
      const jobs = await ctx.imports.list();
      res.setHeader('Cache-Control', 'no-store');
      res.json({ imports: await Promise.all(jobs.map((job) => statusOf(ctx, job))) });
    }),
  );

  router.get(
    '/imports/:importId',
    auth,
    route(async (req, res) => {
      const ctx = ready(res);
      if (!ctx) return;
      const job = await ctx.imports.get(String(req.params.importId));
      if (!job) return sendApiError(res, 'API_ERR_UNKNOWN_IMPORT');
      res.setHeader('Cache-Control', 'no-store');
      res.json(await statusOf(ctx, job));
    }),
  );

  // Runs a finished import again on the same kept file with the same choices — "import the good
  // rows" after a reload, a restart or a day, without uploading the file again.
  router.post(
    '/imports/:importId/retry',
    auth,
    sameOriginOnly,
    contentTypeOneOf('application/json'),
    express.json({ limit: '4kb' }),
    route(async (req, res) => {
      const ctx = ready(res);
      if (!ctx) return;
      const job = await ctx.imports.get(String(req.params.importId));
      if (!job) return sendApiError(res, 'API_ERR_UNKNOWN_IMPORT');
      const parsed = retryBodySchema.safeParse(req.body);
      if (!parsed.success)
        return sendApiError(res, 'API_ERR_BAD_REQUEST', 'Use {"mode":"good-rows"}.');
      if (job.state === 'running') return sendApiError(res, 'API_ERR_UPLOAD_BUSY');
      const upload = await ctx.uploads.get(job.uploadId);
      if (!upload) return sendApiError(res, 'API_ERR_UNKNOWN_UPLOAD');
      const next = await startImportOf(ctx, upload, {
        name: job.name,
        ...job.settings,
        headers: job.headers,
        mode: parsed.data.mode,
        user: userOf(res).name,
      });
      if (typeof next === 'string') return sendApiError(res, next);
      res.status(202).json({ manifestId: next.manifestId, importId: next.id });
    }),
  );

  router.post(
    '/imports/:importId/cancel',
    auth,
    sameOriginOnly,
    route(async (req, res) => {
      const ctx = ready(res);
      if (!ctx) return;
      const id = String(req.params.importId);
      if (!(await ctx.imports.get(id))) return sendApiError(res, 'API_ERR_UNKNOWN_IMPORT');
      // On this server it aborts now; on another, its owner aborts on its next write (≤ 5 s).
      await ctx.imports.cancel(id);
      res.status(202).json({ ok: true });
    }),
  );

  router.get(
    '/imports/:importId/report.xlsx',
    auth,
    route(async (req, res) => {
      const ctx = ready(res);
      if (!ctx) return;
      const job = await ctx.imports.get(String(req.params.importId));
      if (!job) return sendApiError(res, 'API_ERR_UNKNOWN_IMPORT');
      if (!(await ctx.imports.reportOf(job))) return sendApiError(res, 'API_ERR_NO_REPORT');
      await mkdir(reportDir, { recursive: true });
      const file = await ctx.imports.writeReport(job, reportDir);
      res.setHeader('Content-Type', XLSX_TYPE);
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader(
        'Content-Disposition',
        `attachment; filename="validation-report.xlsx"; filename*=UTF-8''validation-report.xlsx`,
      );
      const stream = createReadStream(file);
      const cleanup = () => {
        rm(file, { force: true }).catch((err: unknown) =>
          log.error({ err, file }, 'report temp file not deleted'),
        );
      };
      res.on('close', cleanup);
      stream.on('error', (err) => {
        log.error({ err }, 'report stream failed');
        res.destroy(err);
      });
      stream.pipe(res);
    }),
  );

  router.get(
    '/manifests/:manifestId/export',
    auth,
    route(async (req, res) => {
      const ctx = ready(res);
      if (!ctx) return;
      const { store } = ctx;
      const query = exportQuerySchema.safeParse(req.query);
      if (!query.success)
        return sendApiError(
          res,
          'API_ERR_BAD_REQUEST',
          'Use kind=scanned|missing|unexpected and format=xlsx|csv.',
        );
      const { kind, format } = query.data;
      const timeZone = knownTimeZone(query.data.tz);
      if (!timeZone)
        return sendApiError(
          res,
          'API_ERR_BAD_REQUEST',
          'Unknown time zone: use an IANA name such as Europe/Berlin, or leave tz out for UTC.',
        );
      const manifestId = String(req.params.manifestId);
      const [manifests, waybills, scans] = await Promise.all([
        store.database('manifests'),
        store.database('waybills'),
        store.database('scans'),
      ]);
      const manifest = await manifestDoc(manifests, manifestId);
      if (!manifest || manifestId.startsWith('_'))
        return sendApiError(res, 'API_ERR_UNKNOWN_MANIFEST');
      const name = typeof manifest.name === 'string' ? manifest.name : manifestId;
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Content-Disposition', contentDisposition(name, kind, format));
      res.setHeader('Content-Type', format === 'csv' ? 'text/csv; charset=utf-8' : XLSX_TYPE);
      const scansMark = await ctx.marks.of(manifestId);
      const pages = exportRows({ manifests, waybills, scans, scansMark }, manifestId, kind);
      const started = Date.now();
      const rows =
        format === 'csv'
          ? await writeExportCsv(res, kind, pages, timeZone)
          : await writeExportXlsx(res, kind, pages, timeZone);
      req.log.info({ manifestId, kind, format, rows, ms: Date.now() - started }, 'export written');
    }),
  );

  router.use((_req: Request, res: Response) =>
    sendApiError(res, 'API_ERR_BAD_REQUEST', 'Unknown /api endpoint.'),
  );
  router.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = (err as { status?: number; type?: string }).status;
    if (status === 400 || status === 413) {
      return sendApiError(res, 'API_ERR_BAD_REQUEST', 'The request body could not be read.');
    }
    req.log.error({ err }, 'api error');
    if (res.headersSent) {
      res.destroy(); // a half-written download must not look complete
      return;
    }
    sendApiError(res, 'API_ERR_INTERNAL');
  });

  return {
    router,
    async start() {
      const store = deps.store();
      if (!store) return;
      const [db, manifests, waybills] = await Promise.all([
        store.database(SERVER_DB),
        store.database('manifests'),
        store.database('waybills'),
      ]);
      const serverId = await serverIdOf(apiDir);
      const writer = pouchManifestWriter({
        manifests: manifests as unknown as PouchLike,
        waybills: waybills as unknown as PouchLike,
      });
      /** A manifest still `importing` whose import no server runs: waybills go, it is `failed`. */
      const rollBack = async (manifestId: string) => {
        const doc = await (manifests as unknown as PouchLike).get(manifestId).catch((err) => {
          if ((err as { status?: number }).status === 404) return null;
          throw err;
        });
        if (!doc || doc.status !== 'importing') return;
        const { _id: _ignored, _rev: _r, ...rest } = doc;
        const waybillsDeleted = await writer.deleteWaybills(manifestId);
        await writer.updateManifest({
          ...(rest as Omit<Manifest, 'id'>),
          id: manifestId,
          rowCount: 0,
          status: 'failed',
        });
        log.warn({ manifestId, waybillsDeleted }, 'interrupted manifest import rolled back');
      };
      // Files only an attachment makes visible to every server (Apache CouchDB); on the embedded
      // store there is one server, and the files stay beside the store.
      const blobs = store.kind === 'couchdb' ? attachmentBlobs(db) : null;
      const uploadsDir = join(deps.dataDir, 'uploads');
      await migrateApiFiles(apiDir, db, serverId, log);
      await migrateUploadRecords(uploadsDir, db, blobs, log);
      const uploads = await openUploadRegistry({
        db,
        dir: uploadsDir,
        limits,
        log,
        blobs,
        ...(deps.uploadTtlMs !== undefined ? { ttlMs: deps.uploadTtlMs } : {}),
        ...(deps.uploadsMaxBytes !== undefined ? { maxStoredBytes: deps.uploadsMaxBytes } : {}),
      });
      const imports = createImportRegistry({
        db,
        serverId,
        limits,
        log,
        cleanup: { rollBack, release: (uploadId, importId) => uploads.release(uploadId, importId) },
      });
      // Imports this server left running end now (a restart); then every manifest still
      // `importing` whose job no server runs any more is rolled back, before anyone can start one.
      await imports.open();
      await rollBackOrphans(manifests as unknown as PouchLike, db, serverId, rollBack);
      shared = {
        uploads,
        imports,
        memory: openMappingMemory(db, log),
        marks: openScansMarks(db, log),
      };
      await rm(reportDir, { recursive: true, force: true });
    },
    async close() {
      const closing = shared;
      shared = null;
      await closing?.imports.close();
      await closing?.uploads.close();
    },
  };
}

/**
 * Manifests left `importing` by a stopped server (no live job of any server names them) are
 * rolled back. A job is stored before its manifest is created, so a running import elsewhere is
 * always seen here and left alone.
 */
async function rollBackOrphans(
  manifests: PouchLike,
  db: Parameters<typeof docsWithPrefix>[0],
  serverId: string,
  rollBack: (manifestId: string) => Promise<void>,
): Promise<void> {
  const jobs = await docsWithPrefix<
    ServerDocOf<{
      id: string;
      state: 'running' | 'done' | 'failed';
      owner: string;
      heartbeatAt: string;
    }>
  >(db, 'import:');
  const now = Date.now();
  const live = new Set(
    jobs
      .filter((j) => !isAbandoned(leaseView(j, { serverId, runs: () => false }, j.id, now)))
      .filter((j) => j.state === 'running')
      .map((j) => manifestIdOf(j.id)),
  );
  const all = (await manifests.allDocs({ include_docs: true })) as unknown as {
    rows: { id: string; doc?: Record<string, unknown> }[];
  };
  for (const row of all.rows) {
    if (row.doc?.status !== 'importing' || live.has(row.id)) continue;
    await rollBack(row.id);
  }
}

type ServerDocOf<T> = T & { _id: string; _rev?: string };
