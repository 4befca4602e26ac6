// Uploaded manifest files waiting to be imported: streamed to DATA_DIR/uploads with a byte cap
// counted as they arrive, checked (inspect + preview) before anyone sees a row, and deleted after
// a successful import or a day. Each file has a small JSON record beside it, so a person can come
// back (after a reload or a server restart) and confirm the good rows without uploading again;
// all stored uploads together stay under a size cap (the oldest idle ones go first).
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Request } from 'express';
import type { Logger } from 'pino';
import { ImportError, inspectUpload, previewManifest } from '../import';
import type { ImportLimits, ManifestPreview, UploadInspection } from '../import';

export const UPLOAD_TTL_MS = 24 * 60 * 60_000; // 24 h
/** All kept uploads together; past it the oldest idle ones are deleted. */
export const UPLOADS_MAX_BYTES = 1024 * 1024 * 1024; // 1 GB
export const PREVIEW_ROWS = 10;

/** The record kept beside each file (`<id>.json`). */
interface StoredUpload {
  id: string;
  fileName: string;
  bytes: number;
  user: string;
  createdAt: string;
  inspection: UploadInspection;
}

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
  ttlMs?: number;
  maxStoredBytes?: number;
  now?: () => number;
}): Promise<UploadRegistry> {
  const { dir, limits, log } = options;
  const ttlMs = options.ttlMs ?? UPLOAD_TTL_MS;
  const maxStoredBytes = options.maxStoredBytes ?? UPLOADS_MAX_BYTES;
  const now = options.now ?? Date.now;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const uploads = new Map<string, Upload>();
  const recordPath = (id: string) => join(dir, `${id}.json`);

  async function discard(id: string): Promise<void> {
    const upload = uploads.get(id);
    if (!upload) return;
    uploads.delete(id);
    clearTimeout(upload.expiry);
    await rm(upload.path, { force: true });
    await rm(recordPath(id), { force: true });
  }

  const expireIn = (id: string, ms: number) =>
    setTimeout(() => expire(id), Math.max(0, Math.min(ms, 2 ** 31 - 1))).unref();

  // Uploads kept by an earlier process come back while they are young; anything else there
  // (half-written files, records without a file, expired uploads) is deleted.
  const keep = new Set<string>();
  const names = await readdir(dir);
  for (const name of names) {
    const id = /^([0-9a-f-]{36})\.json$/.exec(name)?.[1];
    if (!id) continue;
    try {
      const stored = JSON.parse(await readFile(join(dir, name), 'utf8')) as StoredUpload;
      const path = join(dir, `${id}.xlsx`);
      const age = now() - Date.parse(stored.createdAt);
      if (stored.id !== id || !(age < ttlMs)) continue;
      if ((await stat(path)).size !== stored.bytes) continue;
      uploads.set(id, {
        ...stored,
        path,
        previews: new Map(),
        busy: false,
        expiry: expireIn(id, ttlMs - age),
      });
      keep.add(`${id}.json`).add(`${id}.xlsx`);
    } catch (err) {
      log.warn({ err, file: name }, 'stored upload dropped');
    }
  }
  for (const name of names)
    if (!keep.has(name)) await rm(join(dir, name), { force: true, recursive: true });

  function expire(id: string): void {
    const upload = uploads.get(id);
    if (!upload) return;
    if (upload.busy) {
      upload.expiry = expireIn(id, 60_000);
      return;
    }
    discard(id).catch((err: unknown) => log.error({ err, uploadId: id }, 'upload cleanup failed'));
  }

  /** Deletes the oldest idle uploads (never `keepId`) while all of them pass the cap. */
  async function makeRoom(keepId: string): Promise<void> {
    let total = 0;
    for (const u of uploads.values()) total += u.bytes;
    const oldest = [...uploads.values()]
      .filter((u) => u.id !== keepId && !u.busy)
      .sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1));
    for (const u of oldest) {
      if (total <= maxStoredBytes) return;
      total -= u.bytes;
      log.info({ uploadId: u.id, bytes: u.bytes }, 'oldest upload deleted to stay under the cap');
      await discard(u.id);
    }
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
        const stored: StoredUpload = {
          id,
          fileName: fileNameOf(req),
          bytes,
          user,
          createdAt: new Date(now()).toISOString(),
          inspection,
        };
        const tmp = `${recordPath(id)}.tmp`;
        await writeFile(tmp, JSON.stringify(stored), { mode: 0o600 });
        await rename(tmp, recordPath(id));
        const upload: Upload = {
          ...stored,
          path,
          previews: new Map([[preview.sheet, preview]]),
          busy: false,
          expiry: expireIn(id, ttlMs),
        };
        uploads.set(id, upload);
        await makeRoom(id);
        return { upload, preview };
      } catch (err) {
        await rm(path, { force: true });
        await rm(recordPath(id), { force: true });
        await rm(`${recordPath(id)}.tmp`, { force: true });
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
      // Files stay on disk for the next start; only the timers go.
      for (const upload of uploads.values()) clearTimeout(upload.expiry);
      uploads.clear();
    },
  };
}
