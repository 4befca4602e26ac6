// Where the scans database stood when each manifest was created. None of a manifest's scans (or
// voids of them) can reach the server before the manifest exists, so its export reads only the
// scans stored after its mark (level-read.ts docsWrittenSince), not every scan ever stored.
// Kept as `marks:<manifestId>` documents in the sync servers' own database (api/server-db.ts),
// which no device can reach: a `_local` document in `scans` would be writable by every user who
// may read it (replication checkpoints), and a mark set too late would hide scans from the
// export. Every sync server reads the same marks. A mark never changes once set (the first one
// wins a race), so found marks are cached. A scans database restored from an older copy of
// itself (same instance id) would reuse seqs below a mark: the README says to delete the marks
// then. Only the embedded store has numbered seqs; on Apache CouchDB no mark is set.
import type { Logger } from 'pino';
import type { PouchDatabase } from 'pouchdb';
import { z } from 'zod';
import { readDoc, updateDoc } from '../api/server-db';
import type { ServerDb, ServerDoc } from '../api/server-db';

const markSchema = z.object({
  /** The database's update_seq just before the manifest was created. */
  seq: z.number().int().min(0),
  /** The database's instance id: a database created again starts its seqs again. */
  dbId: z.string(),
  at: z.string(),
});
export type ScansMark = z.infer<typeof markSchema>;

export const MARK_PREFIX = 'marks:';

export interface ScansMarks {
  /** Marks where `scans` stands now, for a manifest about to be created (an old mark is kept). */
  mark(scans: PouchDatabase, manifestId: string): Promise<void>;
  of(manifestId: string): Promise<ScansMark | null>;
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

export function openScansMarks(db: ServerDb, log: Logger): ScansMarks {
  const known = new Map<string, ScansMark>();
  return {
    async mark(scans, manifestId) {
      const now = await whereScansStand(scans);
      if (!now) return;
      const at = new Date().toISOString();
      // An existing mark (another server's, or an earlier try's) is older, so it is kept.
      await updateDoc<ServerDoc & ScansMark>(db, MARK_PREFIX + manifestId, (current) =>
        current ? null : { ...now, at },
      );
    },
    async of(manifestId) {
      const cached = known.get(manifestId);
      if (cached) return cached;
      const doc = await readDoc(db, MARK_PREFIX + manifestId);
      if (!doc) return null;
      const parsed = markSchema.safeParse(doc);
      if (!parsed.success) {
        log.warn({ manifestId }, 'scans mark unreadable; the export reads every scan');
        return null;
      }
      known.set(manifestId, parsed.data);
      return parsed.data;
    },
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
