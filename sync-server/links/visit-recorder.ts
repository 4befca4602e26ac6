// Counts visits in memory and writes them in batches (one _bulk_docs per flush) to link_visits.
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { PouchDatabase } from 'pouchdb';
import { addVisit, createVisitTally, visitDocsFrom, type Visit } from '@/lib/core/visit-tally';

export interface VisitRecorder {
  record(visit: Visit): void;
  /** Writes what is tallied now; close() flushes too. */
  flush(): Promise<void>;
  close(): Promise<void>;
  /** Visits recorded but not yet written (tests and /metrics). */
  pending(): number;
}

export interface VisitRecorderOptions {
  flushIntervalMs: number;
  /** Flush early once this many visits wait, so memory stays bounded under a flood. */
  maxPending: number;
}

export function createVisitRecorder(
  db: PouchDatabase,
  log: Logger,
  options: VisitRecorderOptions = { flushIntervalMs: 2_000, maxPending: 10_000 },
): VisitRecorder {
  const instance = randomBytes(4).toString('hex'); // ids stay unique across restarts and instances
  let sequence = 0;
  let tally = createVisitTally();
  let pending = 0;
  let writing: Promise<void> = Promise.resolve();

  function flush(): Promise<void> {
    if (pending === 0) return writing;
    const docs = visitDocsFrom(tally, `${instance}-${(sequence += 1)}`);
    tally = createVisitTally();
    const count = pending;
    pending = 0;
    writing = writing.then(async () => {
      try {
        const results = await db.bulkDocs(docs as unknown as Array<Record<string, unknown>>);
        const failed = results.filter((r) => 'error' in r && r.error);
        if (failed.length > 0)
          log.error({ failed: failed.length }, 'some visit counts were not written');
      } catch (err) {
        log.error({ err, visits: count }, 'writing visit counts failed');
      }
    });
    return writing;
  }

  const timer = setInterval(() => void flush(), options.flushIntervalMs);
  timer.unref();

  return {
    record(visit) {
      addVisit(tally, visit);
      pending += 1;
      if (pending >= options.maxPending) void flush();
    },
    flush,
    async close() {
      clearInterval(timer);
      await flush();
    },
    pending: () => pending,
  };
}
