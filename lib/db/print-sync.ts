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

export const PRINT_CONFIG_POLL_MS = 30_000; // 30 s; a reSync (reconnect, admin save) is at once

interface ChangesCheckpoint {
  sequence: string | number;
}

interface ChangesAnswer {
  results?: Array<{ doc?: Record<string, unknown> }>;
  last_seq: string | number;
}

/** A `_design/…` document is the server's rules, not data: kept on the device as deleted. */
export function hideDesignDoc<D>(doc: D): D {
  const id = (doc as { id?: unknown }).id;
  return typeof id === 'string' && id.startsWith('_design/') ? { ...doc, _deleted: true } : doc;
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

/**
 * The fetch of the print_jobs replication. A job change the server refuses (validate_doc_update:
 * e.g. a reprint by someone who may not) comes back in `_bulk_docs` as `forbidden`; RxDB's CouchDB
 * push would throw on it and retry the same batch forever, holding up every later job. Such rows
 * are answered as conflicts instead, so RxDB reads the server's copy and puts it back on the device
 * (the refused change is undone there, visibly), and `onRefused` reports them.
 * https://docs.couchdb.org/en/stable/api/database/bulk-api.html#bulk-document-validation-and-conflict-errors
 */
export function printJobsFetch(
  fetchFn: typeof fetch,
  onRefused: (rows: Array<{ id: string; reason: string }>) => void,
): typeof fetch {
  return async (input, init) => {
    const response = await fetchFn(input, init);
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!response.ok || !new URL(url, 'http://localhost').pathname.endsWith('/_bulk_docs')) {
      return response;
    }
    const rows = (await response.clone().json()) as BulkRow[];
    if (!Array.isArray(rows)) return response;
    const refused = rows.filter((r) => r.id && r.error && r.error !== 'conflict');
    if (refused.length === 0) return response;
    onRefused(refused.map((r) => ({ id: r.id!, reason: `${r.error}: ${r.reason ?? ''}` })));
    const answer = rows.map((r) => (refused.includes(r) ? { ...r, error: 'conflict' } : r));
    return new Response(JSON.stringify(answer), {
      status: response.status,
      headers: response.headers,
    });
  };
}
