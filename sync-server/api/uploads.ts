// Uploaded manifest files waiting to be imported: streamed to DATA_DIR/uploads with a byte cap
// counted as they arrive, checked (inspect + preview) before anyone sees a row, and deleted after
// a successful import or an hour.
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Request } from 'express';
import type { Logger } from 'pino';
import { ImportError, inspectUpload, previewManifest } from '../import';
import type { ImportLimits, ManifestPreview, UploadInspection } from '../import';

export const UPLOAD_TTL_MS = 60 * 60_000; // 1 h
export const PREVIEW_ROWS = 10;

export interface Upload {
  id: string;
  path: string;
  fileName: string;
  bytes: number;
  user: string;
  createdAt: string;
  inspection: UploadInspection;
  previews: Map<string, ManifestPreview>;
  /** An import of this file is running. */
  busy: boolean;
  expiry: NodeJS.Timeout;
}

export interface UploadRegistry {
  receive(req: Request, user: string): Promise<{ upload: Upload; preview: ManifestPreview }>;
  get(id: string): Upload | null;
  preview(upload: Upload, sheet: string | undefined): Promise<ManifestPreview>;
  /** Deletes the file and forgets the upload. */
  discard(id: string): Promise<void>;
  close(): Promise<void>;
}

/** Past the cap, this much more is read and dropped so the browser can still read our 413. */
const DRAIN_BYTES = 64 * 1024 * 1024; // 64 MB

/**
 * Saves the request body to `path`, counting bytes as they arrive (the declared length is not
 * trusted). Past `max` nothing more is written; the rest is drained (up to DRAIN_BYTES) and the
 * promise rejects with IMPORT_ERR_TOO_LARGE, so the answer is a clean 413, not a reset.
 */
function saveBody(req: Request, path: string, max: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(path, { flags: 'wx', mode: 0o600 });
    let seen = 0;
    let over = false;
    let settled = false;
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      out.destroy();
      reject(err);
    };
    req.on('data', (chunk: Buffer) => {
      seen += chunk.length;
      if (over) {
        if (seen > max + DRAIN_BYTES) fail(new ImportError('IMPORT_ERR_TOO_LARGE', 'drain cap'));
        return;
      }
      if (seen > max) {
        over = true;
        out.destroy();
        return;
      }
      if (!out.write(chunk)) {
        req.pause();
        out.once('drain', () => req.resume());
      }
    });
    req.on('end', () => {
      if (over) return fail(new ImportError('IMPORT_ERR_TOO_LARGE', `over ${max} bytes`));
      out.end(() => {
        if (settled) return;
        settled = true;
        resolve(seen);
      });
    });
    req.on('error', fail);
    req.on('aborted', () => fail(new Error('upload aborted by the client')));
    out.on('error', (err) => {
      if (!over) fail(err);
    });
  });
}

const UPLOAD_ID = /^[0-9a-f-]{36}$/;

/** The file's name as the browser sent it (X-File-Name, URI-encoded), for display only. */
function fileNameOf(req: Request): string {
  const raw = req.headers['x-file-name'];
  if (typeof raw !== 'string') return 'manifest.xlsx';
  try {
    return (
      decodeURIComponent(raw)
        .replace(/[\p{Cc}/\\]/gu, '_')
        .slice(0, 200) || 'manifest.xlsx'
    );
  } catch {
    return 'manifest.xlsx'; // a malformed escape: the name is only a label
  }
}

export async function openUploadRegistry(options: {
  dir: string;
  limits: ImportLimits;
  log: Logger;
}): Promise<UploadRegistry> {
  const { dir, limits, log } = options;
  await mkdir(dir, { recursive: true });
  // Files left by an earlier process belong to uploads nobody can reach any more.
  for (const name of await readdir(dir)) await rm(join(dir, name), { force: true });
  const uploads = new Map<string, Upload>();

  async function discard(id: string): Promise<void> {
    const upload = uploads.get(id);
    if (!upload) return;
    uploads.delete(id);
    clearTimeout(upload.expiry);
    await rm(upload.path, { force: true });
  }

  function expire(id: string): void {
    const upload = uploads.get(id);
    if (!upload) return;
    if (upload.busy) {
      upload.expiry = setTimeout(() => expire(id), 60_000).unref();
      return;
    }
    discard(id).catch((err: unknown) => log.error({ err, uploadId: id }, 'upload cleanup failed'));
  }

  return {
    async receive(req, user) {
      const declared = Number(req.headers['content-length']);
      if (Number.isFinite(declared) && declared > limits.maxFileBytes + DRAIN_BYTES)
        throw new ImportError('IMPORT_ERR_TOO_LARGE', `declared ${declared} bytes`);
      const id = randomUUID();
      const path = join(dir, `${id}.xlsx`);
      try {
        const bytes = await saveBody(req, path, limits.maxFileBytes);
        const inspection = await inspectUpload(path, limits);
        const preview = await previewManifest(path, { inspection, limits, rows: PREVIEW_ROWS });
        const upload: Upload = {
          id,
          path,
          fileName: fileNameOf(req),
          bytes,
          user,
          createdAt: new Date().toISOString(),
          inspection,
          previews: new Map([[preview.sheet, preview]]),
          busy: false,
          expiry: setTimeout(() => expire(id), UPLOAD_TTL_MS).unref(),
        };
        uploads.set(id, upload);
        return { upload, preview };
      } catch (err) {
        await rm(path, { force: true });
        throw err;
      }
    },
    get: (id) => (UPLOAD_ID.test(id) ? (uploads.get(id) ?? null) : null),
    async preview(upload, sheet) {
      const known = sheet === undefined ? undefined : upload.previews.get(sheet);
      if (known) return known;
      const preview = await previewManifest(upload.path, {
        inspection: upload.inspection,
        limits,
        rows: PREVIEW_ROWS,
        ...(sheet !== undefined ? { sheet } : {}),
      });
      upload.previews.set(preview.sheet, preview);
      return preview;
    },
    discard,
    async close() {
      for (const id of [...uploads.keys()]) await discard(id);
    },
  };
}
