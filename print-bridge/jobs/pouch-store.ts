// On-disk stores of the bridge: one PouchDB per database under the data directory, named like the
// server's databases (print_jobs, printers, templates) so each local database IS the replica of the
// server's, filtered to this site (replication is wired by the bridge; see ARCHITECTURE.md).
// Documents follow RxDB's CouchDB shape: the primary key travels as `_id`, not as `id`.
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { durableLeveldown } from '@/lib/node/durable-leveldown';
import type { PrintJob } from '@/lib/schema/print-job';
import type { Printer, PrinterStatus } from '@/lib/schema/printer';
import type { Template } from '@/lib/schema/template';
import {
  byAge,
  JobConflictError,
  type JobStore,
  type PrinterStore,
  type StoredJob,
  type TemplateStore,
} from './store';

type Doc = Record<string, unknown> & { _id: string; _rev?: string; _deleted?: boolean };

interface ChangesFeed {
  on(event: 'change', listener: (change: { doc?: Doc }) => void): ChangesFeed;
  on(event: 'error', listener: (error: unknown) => void): ChangesFeed;
  cancel(): void;
}

/** The few PouchDB calls used here (pouchdb 9 ships no types). */
export interface LocalDb {
  get(id: string): Promise<Doc>;
  put(doc: Doc): Promise<{ rev: string }>;
  changes(options: { since: number | string; include_docs: true; live: true }): ChangesFeed;
  changes(options: {
    since: number | string;
    include_docs: true;
  }): Promise<{ results: Array<{ doc?: Doc }>; last_seq: number | string }>;
  allDocs(options: { include_docs: true }): Promise<{ rows: Array<{ doc?: Doc }> }>;
  close(): Promise<void>;
}

/** The three local replicas, opened once and shared by the stores and the replicator. */
export interface LocalDbs {
  print_jobs: LocalDb;
  printers: LocalDb;
  templates: LocalDb;
}

export function openLocalDbs(dataDir: string): LocalDbs {
  return {
    print_jobs: openLocalDb(dataDir, 'print_jobs'),
    printers: openLocalDb(dataDir, 'printers'),
    templates: openLocalDb(dataDir, 'templates'),
  };
}

const PouchDB = createRequire(import.meta.url)('pouchdb') as new (
  name: string,
  options: { db: unknown },
) => LocalDb;
/** Durable writes: a job marked `printing` is on disk before its first byte goes out. */
const leveldown = durableLeveldown();

export function openLocalDb(dataDir: string, name: string): LocalDb {
  mkdirSync(dataDir, { recursive: true });
  return new PouchDB(join(dataDir, name), { db: leveldown });
}

const isNotFound = (error: unknown) =>
  typeof error === 'object' && error !== null && (error as { status?: number }).status === 404;
const isConflict = (error: unknown) =>
  typeof error === 'object' && error !== null && (error as { status?: number }).status === 409;

function toDoc<T extends { id: string }>(value: T, rev?: string): Doc {
  const { id, ...rest } = value;
  return rev ? { _id: id, _rev: rev, ...rest } : { _id: id, ...rest };
}

function fromDoc<T>(doc: Doc): T {
  const { _id, _rev: _r, _deleted: _d, _revisions: _v, _attachments: _a, _meta: _m, ...rest } = doc;
  return { id: _id, ...rest } as T;
}

const ACTIVE = new Set(['queued', 'printing']);
const revNumber = (rev: string) => Number.parseInt(rev, 10);

/** The print_jobs replica; keeps the site's active jobs in memory, fed by the changes feed. */
export async function openJobStore(
  dataDir: string,
  site: string,
  onFeedError: (error: unknown) => void,
  db: LocalDb = openLocalDb(dataDir, 'print_jobs'),
): Promise<JobStore> {
  const active = new Map<string, StoredJob>();
  const listeners = new Set<(job: PrintJob) => void>();

  const index = (doc: Doc | undefined): PrintJob | undefined => {
    if (!doc || doc._id.startsWith('_design/')) return undefined;
    const known = active.get(doc._id);
    if (known && doc._rev && revNumber(known.rev) > revNumber(doc._rev)) return undefined;
    if (doc._deleted) {
      active.delete(doc._id);
      return undefined;
    }
    const job = fromDoc<PrintJob>(doc);
    if (job.site !== site) return undefined; // not ours: a replica filtered to the site holds none
    if (ACTIVE.has(job.state)) active.set(job.id, { job, rev: doc._rev! });
    else active.delete(job.id);
    return job;
  };

  const initial = await db.changes({ since: 0, include_docs: true });
  for (const change of initial.results) index(change.doc);
  const feed = db.changes({ since: initial.last_seq, include_docs: true, live: true });
  feed.on('change', (change) => {
    const job = index(change.doc);
    if (job) for (const listener of listeners) listener(job);
  });
  // A dead feed means replicated jobs go unnoticed: the caller logs it and shows it.
  feed.on('error', onFeedError);

  const written = (job: PrintJob, rev: string): StoredJob => {
    const stored = { job, rev };
    if (ACTIVE.has(job.state)) active.set(job.id, stored);
    else active.delete(job.id);
    return stored;
  };

  return {
    async active(printerId) {
      return [...active.values()]
        .filter((s) => printerId === undefined || s.job.printerId === printerId)
        .sort(byAge);
    },
    async get(id) {
      try {
        const doc = await db.get(id);
        return { job: fromDoc<PrintJob>(doc), rev: doc._rev! };
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
    async add(job) {
      const { rev } = await db.put(toDoc(job));
      return written(job, rev);
    },
    async update(job, rev) {
      try {
        const result = await db.put(toDoc(job, rev));
        return written(job, result.rev);
      } catch (error) {
        if (isConflict(error)) throw new JobConflictError(job.id);
        throw error;
      }
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      feed.cancel();
      await db.close();
    },
  };
}

export async function openPrinterStore(
  dataDir: string,
  site: string,
  db: LocalDb = openLocalDb(dataDir, 'printers'),
): Promise<PrinterStore> {
  const feeds = new Set<ChangesFeed>();
  return {
    watch(listener, onError) {
      const feed = db.changes({ since: 'now', include_docs: true, live: true });
      feed.on('change', () => listener());
      feed.on('error', onError);
      feeds.add(feed);
      return () => {
        feed.cancel();
        feeds.delete(feed);
      };
    },
    async list() {
      const { rows } = await db.allDocs({ include_docs: true });
      return rows
        .flatMap((row) => (row.doc && !row.doc._id.startsWith('_design/') ? [row.doc] : []))
        .map((doc) => fromDoc<Printer>(doc))
        .filter((printer) => printer.site === site);
    },
    async setStatus(printerId: string, status: PrinterStatus) {
      // An admin may edit the printer meanwhile: re-read and write again on a conflict.
      for (let tries = 0; tries < 5; tries += 1) {
        const doc = await db.get(printerId);
        try {
          await db.put({ ...doc, status });
          return;
        } catch (error) {
          if (!isConflict(error)) throw error;
        }
      }
      throw new Error(`printer ${printerId}: status not written after 5 conflicts`);
    },
    async close() {
      for (const feed of feeds) feed.cancel();
      await db.close();
    },
  };
}

export async function openTemplateStore(
  dataDir: string,
  db: LocalDb = openLocalDb(dataDir, 'templates'),
): Promise<TemplateStore> {
  return {
    async get(id) {
      try {
        return fromDoc<Template>(await db.get(id));
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
    close: () => db.close(),
  };
}

/** Writes a printer or template document (admin work in the app; seeding in tests). */
export async function putLocalDoc<T extends { id: string }>(
  dataDir: string,
  dbName: 'printers' | 'templates',
  value: T,
): Promise<void> {
  const db = openLocalDb(dataDir, dbName);
  try {
    let rev: string | undefined;
    try {
      rev = (await db.get(value.id))._rev;
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    await db.put(toDoc(value, rev));
  } finally {
    await db.close();
  }
}
