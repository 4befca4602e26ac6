// What the job runner needs from storage: the site's print jobs, its printers, its templates.
// The on-disk implementation is pouch-store.ts; tests may pass any other.
import type { PrintJob } from '@/lib/schema/print-job';
import type { Printer, PrinterStatus } from '@/lib/schema/printer';
import type { Template } from '@/lib/schema/template';

/** A job with the revision it was read at: writes name it, so a newer write is never undone. */
export interface StoredJob {
  job: PrintJob;
  rev: string;
}

export class JobConflictError extends Error {
  constructor(readonly jobId: string) {
    super(`print job ${jobId} was changed by someone else`);
    this.name = 'JobConflictError';
  }
}

export interface JobStore {
  /** Queued and printing jobs of this site (of one printer if given), oldest first. */
  active(printerId?: string): Promise<StoredJob[]>;
  get(id: string): Promise<StoredJob | undefined>;
  /** Creates a job (a device does this; tests and benchmarks too). */
  add(job: PrintJob): Promise<StoredJob>;
  /** Writes the next revision of a job read at `rev`; throws JobConflictError if it moved on. */
  update(job: PrintJob, rev: string): Promise<StoredJob>;
  /** Called after any change, local or replicated; returns an unsubscribe function. */
  onChange(listener: (job: PrintJob) => void): () => void;
  close(): Promise<void>;
}

export interface PrinterStore {
  /** The printers of this site. */
  list(): Promise<Printer[]>;
  /** Calls `listener` after any change of the printers replica; returns a stop function. */
  watch(listener: () => void, onError: (error: unknown) => void): () => void;
  /** Writes the status field of a printer (only the bridge writes it). */
  setStatus(printerId: string, status: PrinterStatus): Promise<void>;
  close(): Promise<void>;
}

export interface TemplateStore {
  get(id: string): Promise<Template | undefined>;
  close(): Promise<void>;
}

/** Oldest first, then by id: the order a queue prints in, the same on every restart. */
export function byAge(a: StoredJob, b: StoredJob): number {
  return a.job.createdAt.localeCompare(b.job.createdAt) || a.job.id.localeCompare(b.job.id);
}
