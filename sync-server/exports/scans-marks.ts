// Where the scans database stood when each manifest was created. None of a manifest's scans (or
// voids of them) can reach the server before the manifest exists, so its export reads only the
// scans stored after its mark (level-read.ts docsWrittenSince), not every scan ever stored.
// Kept in a file under DATA_DIR that no device can reach: a `_local` document in the database
// would be writable by every user who may read it (replication checkpoints), and a mark set too
// late would hide scans from the export. A scans database restored from an older copy of itself
// (same instance id) would reuse seqs below a mark: the README says to delete this file then.
import type { Logger } from 'pino';
import type { PouchDatabase } from 'pouchdb';
import { z } from 'zod';
import { openJsonRecords } from '../api/json-file';

const markSchema = z.object({
  /** The database's update_seq just before the manifest was created. */
  seq: z.number().int().min(0),
  /** The database's instance id: a database created again starts its seqs again. */
  dbId: z.string(),
  at: z.string(),
});
export type ScansMark = z.infer<typeof markSchema>;

/** Oldest forgotten first; a manifest without a mark is exported by reading every scan. */
const MAX_MARKS = 20_000;

export interface ScansMarks {
  /** Marks where `scans` stands now, for a manifest about to be created (an old mark is kept). */
  mark(scans: PouchDatabase, manifestId: string): Promise<void>;
  of(manifestId: string): ScansMark | null;
}

/** The database's update_seq and instance id now; null where the store does not give them. */
async function whereScansStand(
  scans: PouchDatabase,
): Promise<{ seq: number; dbId: string } | null> {
  const db = scans as PouchDatabase & { id?(): Promise<string> };
  if (typeof db.id !== 'function') return null;
  const [info, dbId] = await Promise.all([db.info(), db.id()]);
  return typeof info.update_seq === 'number' ? { seq: info.update_seq, dbId } : null;
}

export async function openScansMarks(file: string, log: Logger): Promise<ScansMarks> {
  const marks = await openJsonRecords(file, markSchema, {
    max: MAX_MARKS,
    stampOf: (mark) => mark.at,
    onUnreadable: (err) =>
      log.warn({ err, file }, 'scans marks unreadable; exports read every scan'),
    onSaveError: (err) => log.error({ err, file }, 'scans marks not saved'),
  });
  return {
    async mark(scans, manifestId) {
      if (marks.get(manifestId)) return;
      const now = await whereScansStand(scans);
      if (now) await marks.set(manifestId, { ...now, at: new Date().toISOString() });
    },
    of: (manifestId) => marks.get(manifestId),
  };
}

/**
 * The seq to read `scans` from for a mark, or null (read every scan): the mark must be of this
 * very database and not ahead of it.
 */
export async function markedSeq(
  scans: PouchDatabase,
  mark: ScansMark | null | undefined,
): Promise<number | null> {
  if (!mark) return null;
  const now = await whereScansStand(scans);
  return now && now.dbId === mark.dbId && mark.seq <= now.seq ? mark.seq : null;
}
