// Uploaded manifest files waiting to be imported: streamed to DATA_DIR/uploads with a byte cap
// counted as they arrive, checked (inspect + preview) before anyone sees a row, and deleted after
// a successful import or a day. The record of each upload (`upload:<id>` in the servers' own
// database, server-db.ts) is what every sync server reads, so a person can preview on one server,
// import on another, or come back after a restart and confirm the good rows without uploading
// again. Where the bytes live:
// - embedded store: DATA_DIR/uploads/<id>.xlsx, beside the store (one machine, one server);
// - Apache CouchDB: the `file` attachment of the record, streamed up once checked; each server
//   keeps a copy in DATA_DIR/uploads as a cache and fetches it (streamed) when it has none.
//   Why attachments and not a shared volume: the cluster already keeps n copies of them, so an
//   upload outlives a server and a CouchDB node, with nothing more to deploy; measured here
//   (CouchDB 3.4.3, 2 cores): 50 MB up in 1.8 s, down in 0.8 s, the server's memory flat.
// All kept uploads together stay under a size cap (the oldest idle ones go first); any server's
// sweep deletes expired ones, and a record another server changed meanwhile is left for the next.
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Request } from 'express';
import type { Logger } from 'pino';
import type { PouchDatabase } from 'pouchdb';
import { ImportError, inspectUpload, previewManifest } from '../import';
import type { ImportLimits, ManifestPreview, UploadInspection } from '../import';
import { docsWithPrefix, readDoc, updateDoc } from './server-db';
import type { ServerDb, ServerDoc } from './server-db';

export const UPLOAD_TTL_MS = 24 * 60 * 60_000; // 24 h
/** All kept uploads together; past it the oldest idle ones are deleted. */
export const UPLOADS_MAX_BYTES = 1024 * 1024 * 1024; // 1 GB
export const PREVIEW_ROWS = 10;
/** How often a server looks for expired uploads and stale cached files (1 min). */
const SWEEP_MS = 60_000;
const PREFIX = 'upload:';
const ATTACHMENT = 'file';

/** The record every server reads (`upload:<id>`). */
interface UploadDoc extends ServerDoc {
  fileName: string;
  bytes: number;
  user: string;
  createdAt: string;
  inspection: UploadInspection;
  /** The import running on this file, if any (one at a time). */
  busyWith?: string | null;
}

export interface Upload {
  id: string;
  fileName: string;
  bytes: number;
  user: string;
  createdAt: string;
  inspection: UploadInspection;
  /** An import of this file is running (its id). */
  busyWith: string | null;
}

/** Where an upload's bytes are kept besides this server's disk (null: only on this disk). */
export interface UploadBlobs {
  /** Streams the file up as the record's attachment; answers the new revision. */
  put(id: string, rev: string, path: string, bytes: number): Promise<void>;
  /** Streams the attachment down to `path`; false when there is none. */
  fetchTo(id: string, path: string): Promise<boolean>;
}

export interface UploadRegistry {
  receive(req: Request, user: string): Promise<{ upload: Upload; preview: ManifestPreview }>;
  get(id: string): Promise<Upload | null>;
  /** This server's copy of the file (fetched from the store when it has none), or null: gone. */
  fileOf(upload: Upload): Promise<string | null>;
  /** The preview of a sheet; null when the file is gone. */
  preview(upload: Upload, sheet: string | undefined): Promise<ManifestPreview | null>;
  /**
   * Marks the upload busy with an import, unless another import of it is still running
   * (`isLive`); answers false then.
   */
  claim(
    id: string,
    importId: string,
    isLive: (importId: string) => Promise<boolean>,
  ): Promise<boolean>;
  /** Frees it after that import (no-op when another import holds it or it is gone). */
  release(id: string, importId: string): Promise<void>;
  /** Deletes the file and the record. */
  discard(id: string): Promise<void>;
  /** Deletes expired uploads, keeps all under the cap, drops cached files of gone uploads. */
  sweep(): Promise<void>;
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

export const UPLOAD_ID = /^[0-9a-f-]{36}$/;

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

const uploadOf = (doc: UploadDoc): Upload => ({
  id: doc._id.slice(PREFIX.length),
  fileName: doc.fileName,
  bytes: doc.bytes,
  user: doc.user,
  createdAt: doc.createdAt,
  inspection: doc.inspection,
  busyWith: doc.busyWith ?? null,
});

/**
 * Attachments of the record through the database's own HTTP handle (Apache CouchDB: PouchDB's
 * `fetch` carries the service account), streamed both ways.
 * https://docs.couchdb.org/en/stable/api/document/attachments.html
 */
export function attachmentBlobs(db: PouchDatabase): UploadBlobs | null {
  const http = db as PouchDatabase & {
    fetch?: (
      path: string,
      init: { method: string; body?: NodeJS.ReadableStream; headers?: Headers },
    ) => Promise<{ status: number; body: NodeJS.ReadableStream; text(): Promise<string> }>;
  };
  const fetchOf = http.fetch?.bind(db);
  if (!fetchOf) return null;
  const path = (id: string) => `${encodeURIComponent(PREFIX + id)}/${ATTACHMENT}`;
  return {
    async put(id, rev, file, bytes) {
      const res = await fetchOf(`${path(id)}?rev=${encodeURIComponent(rev)}`, {
        method: 'PUT',
        body: createReadStream(file),
        // PouchDB's fetch adds its credentials with `headers.set`: a Headers object, not a record.
        headers: new Headers({
          'content-type': 'application/octet-stream',
          'content-length': String(bytes),
        }),
      });
      if (res.status !== 201)
        throw new Error(`store refused the upload file (${res.status}): ${await res.text()}`);
      await res.text();
    },
    async fetchTo(id, file) {
      const res = await fetchOf(path(id), { method: 'GET' });
      if (res.status === 404) {
        await res.text();
        return false;
      }
      if (res.status !== 200) throw new Error(`store answered ${res.status} for an upload file`);
      const tmp = `${file}.${randomUUID()}.part`;
      try {
        await pipeline(res.body, createWriteStream(tmp, { flags: 'wx', mode: 0o600 }));
        await rename(tmp, file);
      } finally {
        await rm(tmp, { force: true });
      }
      return true;
    },
  };
}

export async function openUploadRegistry(options: {
  db: ServerDb;
  /** This server's folder for the files (the store's copy lives here on the embedded store). */
  dir: string;
  limits: ImportLimits;
  log: Logger;
  /** Attachments in the store (Apache CouchDB); null: the files live in `dir` only. */
  blobs?: UploadBlobs | null;
  ttlMs?: number;
  maxStoredBytes?: number;
  now?: () => number;
  /** Sweep now and then (off in tests that drive the clock). */
  sweepEveryMs?: number | null;
}): Promise<UploadRegistry> {
  const { db, dir, limits, log } = options;
  const blobs = options.blobs ?? null;
  const ttlMs = options.ttlMs ?? UPLOAD_TTL_MS;
  const maxStoredBytes = options.maxStoredBytes ?? UPLOADS_MAX_BYTES;
  const now = options.now ?? Date.now;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const fileOfId = (id: string) => join(dir, `${id}.xlsx`);
  /** Uploads this server is receiving: their file exists before their record. */
  const receiving = new Set<string>();
  /** Previews are the same on every server for one file: each keeps those it made. */
  const previews = new Map<string, ManifestPreview>();
  const fetching = new Map<string, Promise<string | null>>();

  const isExpired = (u: Upload) => !(now() - Date.parse(u.createdAt) < ttlMs);

  /** Deletes the record (unless another server changed it meanwhile) and this server's copy. */
  async function remove(doc: UploadDoc): Promise<void> {
    const id = doc._id.slice(PREFIX.length);
    try {
      await db.put({ _id: doc._id, _rev: doc._rev, _deleted: true } as never);
    } catch (err) {
      if ((err as { status?: number }).status !== 409) throw err;
      return; // changed meanwhile (claimed, or deleted by another server): decided next time
    }
    for (const key of previews.keys()) if (key.startsWith(`${id}\0`)) previews.delete(key);
    await rm(fileOfId(id), { force: true });
  }

  /** Oldest idle uploads go (never `keepId`) while all of them pass the cap; expired ones go. */
  async function sweep(keepId?: string): Promise<void> {
    // The folder is listed before the records are read: a file that finished arriving after the
    // records were read (so not among them) would otherwise be taken for a leftover and deleted
    // under the import about to read it.
    const names = await readdir(dir);
    const docs = await docsWithPrefix<UploadDoc>(db, PREFIX);
    let total = docs.reduce((n, d) => n + d.bytes, 0);
    const oldest = docs
      .filter((d) => d._id !== PREFIX + keepId && !d.busyWith)
      .sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1));
    const gone = new Set<string>();
    for (const doc of oldest) {
      const expired = isExpired(uploadOf(doc));
      if (!expired && total <= maxStoredBytes) continue;
      total -= doc.bytes;
      if (!expired)
        log.info(
          { uploadId: doc._id, bytes: doc.bytes },
          'oldest upload deleted to stay under the cap',
        );
      await remove(doc);
      gone.add(doc._id.slice(PREFIX.length));
    }
    // This server's files of uploads that are gone, and anything else left in the folder.
    const kept = new Set(docs.map((d) => `${d._id.slice(PREFIX.length)}.xlsx`));
    for (const name of names) {
      const id = name.slice(0, 36);
      if (receiving.has(id) || fetching.has(id)) continue;
      if (!kept.has(name) || gone.has(id))
        await rm(join(dir, name), { force: true, recursive: true });
    }
  }

  const sweepLogged = () =>
    sweep().catch((err: unknown) => log.error({ err }, 'upload clean-up failed'));
  await sweep();
  const every = options.sweepEveryMs === undefined ? SWEEP_MS : options.sweepEveryMs;
  const timer = every ? setInterval(() => void sweepLogged(), every).unref() : null;

  async function fileOf(upload: Upload): Promise<string | null> {
    const path = fileOfId(upload.id);
    const here = await stat(path).catch(() => null);
    if (here?.size === upload.bytes) return path;
    if (!blobs) return null;
    // One download per file at a time, however many requests want it.
    let pending = fetching.get(upload.id);
    if (!pending) {
      pending = blobs
        .fetchTo(upload.id, path)
        .then((found) => (found ? path : null))
        .finally(() => fetching.delete(upload.id));
      fetching.set(upload.id, pending);
    }
    return pending;
  }

  return {
    async receive(req, user) {
      const declared = Number(req.headers['content-length']);
      if (Number.isFinite(declared) && declared > limits.maxFileBytes + DRAIN_BYTES)
        throw new ImportError('IMPORT_ERR_TOO_LARGE', `declared ${declared} bytes`);
      const id = randomUUID();
      const path = fileOfId(id);
      receiving.add(id);
      try {
        const bytes = await saveBody(req, path, limits.maxFileBytes);
        const inspection = await inspectUpload(path, limits);
        const preview = await previewManifest(path, { inspection, limits, rows: PREVIEW_ROWS });
        const record = {
          fileName: fileNameOf(req),
          bytes,
          user,
          createdAt: new Date(now()).toISOString(),
          inspection,
          busyWith: null,
        };
        // Checked before it is stored; announced only once every server can read it.
        const { rev } = await db.put({ _id: PREFIX + id, ...record } as never);
        if (blobs) {
          try {
            await blobs.put(id, rev, path, bytes);
          } catch (err) {
            await db
              .put({ _id: PREFIX + id, _rev: rev, _deleted: true } as never)
              .catch((e: unknown) => log.error({ err: e, uploadId: id }, 'upload record left'));
            throw err;
          }
        }
        previews.set(`${id}\0${preview.sheet}`, preview);
        await sweep(id);
        return { upload: { id, ...record }, preview };
      } catch (err) {
        await rm(path, { force: true });
        throw err;
      } finally {
        receiving.delete(id);
      }
    },
    async get(id) {
      if (!UPLOAD_ID.test(id)) return null;
      const doc = await readDoc<UploadDoc>(db, PREFIX + id);
      if (!doc) return null;
      const upload = uploadOf(doc);
      // Past its time and not being imported: gone, even before a sweep deletes it.
      return isExpired(upload) && !upload.busyWith ? null : upload;
    },
    fileOf,
    async preview(upload, sheet) {
      const known = sheet === undefined ? undefined : previews.get(`${upload.id}\0${sheet}`);
      if (known) return known;
      const path = await fileOf(upload);
      if (!path) return null;
      const preview = await previewManifest(path, {
        inspection: upload.inspection,
        limits,
        rows: PREVIEW_ROWS,
        ...(sheet !== undefined ? { sheet } : {}),
      });
      if (previews.size > 200) previews.clear();
      previews.set(`${upload.id}\0${preview.sheet}`, preview);
      return preview;
    },
    async claim(id, importId, isLive) {
      const doc = await readDoc<UploadDoc>(db, PREFIX + id);
      if (!doc) return false;
      const holder = doc.busyWith && doc.busyWith !== importId ? doc.busyWith : null;
      if (holder && (await isLive(holder))) return false;
      let claimed = false;
      await updateDoc<UploadDoc>(db, PREFIX + id, (current) => {
        claimed = false;
        if (!current) return null;
        // Someone else claimed it after our look: theirs stands.
        if (current.busyWith && current.busyWith !== holder && current.busyWith !== importId)
          return null;
        claimed = true;
        const { _id, _rev, ...rest } = current;
        return { ...rest, busyWith: importId };
      });
      return claimed;
    },
    async release(id, importId) {
      await updateDoc<UploadDoc>(db, PREFIX + id, (current) => {
        if (!current || current.busyWith !== importId) return null;
        const { _id, _rev, ...rest } = current;
        return { ...rest, busyWith: null };
      });
    },
    async discard(id) {
      for (;;) {
        const doc = await readDoc<UploadDoc>(db, PREFIX + id);
        if (!doc) break;
        try {
          await db.put({ _id: doc._id, _rev: doc._rev, _deleted: true } as never);
          break;
        } catch (err) {
          if ((err as { status?: number }).status !== 409) throw err;
        }
      }
      await rm(fileOfId(id), { force: true });
    },
    sweep: sweepLogged,
    async close() {
      // Files and records stay for the next start (and the other servers).
      if (timer) clearInterval(timer);
    },
  };
}

/**
 * Uploads an earlier version kept as `<id>.json` records beside their files: stored as records
 * (and attachments) once, then the old record is deleted. Expired or broken ones are dropped.
 */
export async function migrateUploadRecords(
  dir: string,
  db: ServerDb,
  blobs: UploadBlobs | null,
  log: Logger,
): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return 0;
    throw err;
  }
  let moved = 0;
  for (const name of names) {
    const id = /^([0-9a-f-]{36})\.json$/.exec(name)?.[1];
    if (!id) continue;
    try {
      const stored = JSON.parse(await readFile(join(dir, name), 'utf8')) as Omit<
        UploadDoc,
        '_id'
      > & {
        id: string;
      };
      const path = join(dir, `${id}.xlsx`);
      if (
        stored.id === id &&
        (await stat(path)).size === stored.bytes &&
        !(await readDoc(db, PREFIX + id))
      ) {
        const { id: _id, ...record } = stored;
        const { rev } = await db.put({ _id: PREFIX + id, ...record, busyWith: null } as never);
        if (blobs) await blobs.put(id, rev, path, stored.bytes);
        moved += 1;
      }
    } catch (err) {
      log.warn({ err, file: name }, 'stored upload dropped');
    }
    await rm(join(dir, name), { force: true });
  }
  return moved;
}
