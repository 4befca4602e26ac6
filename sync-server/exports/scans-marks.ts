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
import { jsonFileSaver, readJsonFile } from '../api/json-file';

const markSchema = z.object({
  /** The database's update_seq just before the manifest was created. */
  seq: z.number().int().min(0),
  /** The database's instance id: a database created again starts its seqs again. */
  dbId: z.string(),
  at: z.string(),
});
export type ScansMark = z.infer<typeof markSchema>;

const fileSchema = z.record(z.string(), markSchema);
/** Oldest forgotten first; a manifest without a mark is exported by reading every scan. */
const MAX_MARKS = 20_000;

export interface ScansMarks {
  /** Marks where `scans` stands now, for a manifest about to be created (an old mark is kept). */
  mark(scans: PouchDatabase, manifestId: string): Promise<void>;
  of(manifestId: string): ScansMark | null;
}

type IdentifiedDatabase = PouchDatabase & { id?(): Promise<string> };

export async function openScansMarks(file: string, log: Logger): Promise<ScansMarks> {
  let marks: Record<string, ScansMark> = {};
  try {
    marks = fileSchema.parse((await readJsonFile(file)) ?? {});
  } catch (err) {
    log.warn({ err, file }, 'scans marks unreadable; exports read every scan');
  }
  const save = jsonFileSaver(file, (err) => log.error({ err, file }, 'scans marks not saved'));
  return {
    async mark(scans, manifestId) {
      const db = scans as IdentifiedDatabase;
      if (marks[manifestId] || typeof db.id !== 'function') return;
      const [info, dbId] = await Promise.all([db.info(), db.id()]);
      if (typeof info.update_seq !== 'number') return;
      const next = {
        ...marks,
        [manifestId]: { seq: info.update_seq, dbId, at: new Date().toISOString() },
      };
      const ids = Object.keys(next).sort((a, b) => (next[a]!.at < next[b]!.at ? -1 : 1));
      for (const id of ids.slice(0, Math.max(0, ids.length - MAX_MARKS))) delete next[id];
      marks = next;
      await save(marks);
    },
    of: (manifestId) => marks[manifestId] ?? null,
  };
}

/**
 * The seq to read `scans` from for a mark, or null (read every scan): the mark must be of this
 * very database and not ahead of it.
 */
export async function markedSeq(scans: PouchDatabase, mark: ScansMark | null | undefined) {
  const db = scans as IdentifiedDatabase;
  if (!mark || typeof db.id !== 'function') return null;
  const [info, dbId] = await Promise.all([db.info(), db.id()]);
  if (dbId !== mark.dbId || typeof info.update_seq !== 'number' || mark.seq > info.update_seq)
    return null;
  return mark.seq;
}
