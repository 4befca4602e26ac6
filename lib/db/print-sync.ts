// Polled (not long-polled) pull of a CouchDB database into a collection: for printers and
// templates, which change rarely, so they hold no browser connection between polls.
// Same `_changes?feed=normal` handler as RxDB's CouchDB plugin; the live stream is a timer that
// asks for a checkpoint iteration ('RESYNC') instead of a held long-poll.
// https://docs.couchdb.org/en/stable/api/database/changes.html
import type { RxCollection } from 'rxdb';
import type { RxReplicationState } from 'rxdb/plugins/replication';
import { replicateRxCollection } from 'rxdb/plugins/replication';
import { couchDBDocToRxDocData, mergeUrlQueryParams } from 'rxdb/plugins/replication-couchdb';
import { interval, map } from 'rxjs';
import { nextJobState } from '../core/print-job-state';
import type { PrintJob } from '../schema/print-job';
import { hideDesignDoc } from './design-docs';

export const PRINT_CONFIG_POLL_MS = 30_000; // 30 s; a reSync (reconnect, admin save) is at once

interface ChangesCheckpoint {
  sequence: string | number;
}

interface ChangesAnswer {
  results?: Array<{ doc?: Record<string, unknown> }>;
  last_seq: string | number;
}

export function replicatePolledPull<T>(options: {
  collection: RxCollection<T>;
  /** Database URL with a trailing slash, e.g. https://host/db/printers/ */
  url: string;
  fetch: typeof fetch;
  replicationIdentifier: string;
  retryTime: number;
  pollMs?: number;
  batchSize?: number;
}): RxReplicationState<T, ChangesCheckpoint> {
  const primaryPath = options.collection.schema.primaryPath as string;
  return replicateRxCollection<T, ChangesCheckpoint>({
    replicationIdentifier: options.replicationIdentifier,
    collection: options.collection,
    deletedField: '_deleted',
    live: true,
    retryTime: options.retryTime,
    waitForLeadership: true,
    autoStart: true,
    pull: {
      batchSize: options.batchSize ?? 200,
      stream$: interval(options.pollMs ?? PRINT_CONFIG_POLL_MS).pipe(map(() => 'RESYNC' as const)),
      async handler(checkpoint, batchSize) {
        const url = `${options.url}_changes?${mergeUrlQueryParams({
          style: 'all_docs',
          feed: 'normal',
          include_docs: true,
          since: checkpoint ? checkpoint.sequence : 0,
          limit: batchSize,
        })}`;
        const response = await options.fetch(url);
        if (!response.ok) throw new Error(`pull ${options.url}: HTTP ${response.status}`);
        const answer = (await response.json()) as ChangesAnswer;
        if (!answer.results) throw new Error(`pull ${options.url}: no results`);
        // Design documents come as tombstones: dropping them would make a full batch look short.
        const documents = answer.results.map((row) =>
          hideDesignDoc(couchDBDocToRxDocData<T>(primaryPath, row.doc)),
        );
        return { documents, checkpoint: { sequence: answer.last_seq } };
      },
    },
  });
}

interface BulkRow {
  id?: string;
  ok?: boolean;
  error?: string;
  reason?: string;
}

interface AllDocsRow {
  key?: string;
  id?: string;
  doc?: Record<string, unknown> | null;
  error?: string;
}

type SentDoc = PrintJob & { _id: string; _rev?: string; _deleted?: boolean };

/** A refused new job as it is kept on the device (the `refused` transition; else as sent). */
export function refusedJobCopy(sent: SentDoc, reason: string, now: Date): SentDoc {
  const { _id, _rev, _deleted, ...job } = sent;
  const next = nextJobState({ ...job, id: _id }, { type: 'refused', reason }, now);
  const { id: _dropped, ...kept } = next.ok ? next.job : { ...job, id: _id };
  // A revision the server never made: RxDB strips it; it only has to look like one.
  return { ...kept, _id, _rev: '1-refused', _deleted: _deleted ?? false } as SentDoc;
}

function pathOf(input: RequestInfo | URL): string {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  return new URL(url, 'http://localhost').pathname;
}

function sentDocs(init: RequestInit | undefined): Map<string, SentDoc> {
  const docs = new Map<string, SentDoc>();
  if (typeof init?.body !== 'string') return docs;
  try {
    const body = JSON.parse(init.body) as { docs?: SentDoc[] };
    for (const doc of body.docs ?? [])
      if (doc && typeof doc._id === 'string') docs.set(doc._id, doc);
  } catch (error) {
    console.warn('[dockhand] could not read a print job push body', error);
  }
  return docs;
}

/**
 * The fetch of the print_jobs replication. A job change the server refuses (validate_doc_update
 * said forbidden) comes back in `_bulk_docs` as a row error; RxDB's CouchDB push throws on it and
 * retries the same batch forever, holding up every later job. So refused rows are answered as
 * conflicts, and RxDB then reads the server's copy (`_all_docs`) and puts it on the device:
 * - a change to a job the server holds (e.g. a reprint by someone who may not): the server's copy
 *   comes back and the refused change is undone, visibly;
 * - a new job the server never took: there is no server copy, so the answer carries the job as
 *   the device keeps it — `failed` with the server's reason (PRINT_ERR_REFUSED). Nothing is lost
 *   and nothing retries by itself; a person sends it again (Reprint) or dismisses it.
 * `onRefused` reports every refused row.
 * https://docs.couchdb.org/en/stable/api/database/bulk-api.html#bulk-document-validation-and-conflict-errors
 */
export function printJobsFetch(
  fetchFn: typeof fetch,
  onRefused: (rows: Array<{ id: string; reason: string }>) => void,
  now: () => Date = () => new Date(),
): typeof fetch {
  /** Refused new jobs, as the device keeps them, until RxDB asks for the server's copy. */
  const refusedNew = new Map<string, SentDoc>();
  return async (input, init) => {
    const response = await fetchFn(input, init);
    const path = pathOf(input);
    if (!response.ok) return response;
    if (path.endsWith('/_all_docs') && refusedNew.size > 0) {
      const body = (await response.clone().json()) as { rows?: AllDocsRow[] };
      if (!Array.isArray(body.rows)) return response;
      let changed = false;
      const rows = body.rows.map((row) => {
        const key = row.key ?? row.id;
        const kept = key === undefined || row.doc ? undefined : refusedNew.get(key);
        if (!kept || key === undefined) return row;
        refusedNew.delete(key);
        changed = true;
        return { id: key, key, value: { rev: kept._rev }, doc: kept };
      });
      if (!changed) return response;
      return new Response(JSON.stringify({ ...body, rows }), {
        status: response.status,
        headers: response.headers,
      });
    }
    if (!path.endsWith('/_bulk_docs')) return response;
    const rows = (await response.clone().json()) as BulkRow[];
    if (!Array.isArray(rows)) return response;
    const refused = rows.filter((r) => r.id && r.error && r.error !== 'conflict');
    if (refused.length === 0) return response;
    const sent = sentDocs(init);
    const at = now();
    for (const row of refused) {
      const doc = sent.get(row.id!);
      // Without a revision the server held no copy: a new job (RxDB sends the server's _rev).
      if (doc && !doc._rev) {
        refusedNew.set(row.id!, refusedJobCopy(doc, row.reason ?? row.error!, at));
      }
    }
    onRefused(refused.map((r) => ({ id: r.id!, reason: `${r.error}: ${r.reason ?? ''}` })));
    const answer = rows.map((r) => (refused.includes(r) ? { ...r, error: 'conflict' } : r));
    return new Response(JSON.stringify(answer), {
      status: response.status,
      headers: response.headers,
    });
  };
}
