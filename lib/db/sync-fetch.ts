// The fetch every replication uses: same-origin cookie session, a gate that holds requests while
// the session is expired (no hammering; they continue after re-login), and a reader of the
// server's answers to `scans` pushes that records which scans the server really holds.
// https://docs.couchdb.org/en/stable/api/database/bulk-api.html#db-bulk-docs

export interface SyncFetchDeps {
  fetch: typeof fetch;
  /** Resolves when requests may go out (session active or not yet known). */
  whenAllowed(): Promise<void>;
  /** The server answered 401 (no valid session): close the gate before we wait on it again. */
  onUnauthorized(status: number): void;
  /**
   * The server answered 403: logged in, but this account may not do that. Logging in again
   * would not help, so the gate stays open and only that replication fails (and retries).
   */
  onForbidden(url: string): void;
  onReached(): void;
  onUnreachable(error: unknown): void;
  /** A 2xx answer to a replication request. */
  onSuccess(url: string): void;
  onServerError(status: number, url: string): void;
  /** Scan ids the server now holds. Awaited, so the receipt is saved before RxDB moves on. */
  onScansConfirmed(ids: string[]): Promise<void>;
  /** Scan ids the server refused (e.g. validate_doc_update said forbidden). */
  onScansRefused(ids: string[], reasons: string[]): void;
  /** Path prefix of the scans database, e.g. '/db/scans/'. */
  scansPath: string;
}

interface BulkDocsRow {
  id?: string;
  ok?: boolean;
  error?: string;
  reason?: string;
}

interface AllDocsRow {
  key?: string;
  id?: string;
  doc?: { _deleted?: boolean } | null;
  error?: string;
}

function urlOf(input: RequestInfo | URL): string {
  if (typeof input === 'string') return input;
  if (input instanceof URL) return input.href;
  return input.url;
}

function pathOf(url: string): string {
  try {
    return new URL(url, 'http://localhost').pathname;
  } catch {
    return url;
  }
}

async function readScanAnswer(
  deps: SyncFetchDeps,
  path: string,
  response: Response,
): Promise<void> {
  if (path === `${deps.scansPath}_bulk_docs`) {
    const rows = (await response.clone().json()) as BulkDocsRow[];
    if (!Array.isArray(rows)) return;
    // A conflict on an immutable, device-unique id means the server already holds it.
    const confirmed = rows
      .filter((r) => r.id && (r.ok || r.error === 'conflict'))
      .map((r) => r.id!);
    const refused = rows.filter((r) => r.id && r.error && r.error !== 'conflict');
    if (confirmed.length > 0) await deps.onScansConfirmed(confirmed);
    if (refused.length > 0) {
      deps.onScansRefused(
        refused.map((r) => r.id!),
        refused.map((r) => `${r.error}: ${r.reason ?? ''}`),
      );
    }
  } else if (path === `${deps.scansPath}_all_docs`) {
    const body = (await response.clone().json()) as { rows?: AllDocsRow[] };
    const held = (body.rows ?? []).filter((r) => r.doc && !r.doc._deleted && (r.id ?? r.key));
    if (held.length > 0) await deps.onScansConfirmed(held.map((r) => (r.id ?? r.key)!));
  }
}

export function createSyncFetch(deps: SyncFetchDeps): typeof fetch {
  return async function syncFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const url = urlOf(input);
    const path = pathOf(url);
    for (;;) {
      await deps.whenAllowed();
      let response: Response;
      try {
        response = await deps.fetch(input, {
          ...init,
          credentials: 'same-origin',
          cache: 'no-store',
        });
      } catch (error) {
        deps.onUnreachable(error);
        throw error;
      }
      deps.onReached();
      if (response.status === 401) {
        deps.onUnauthorized(response.status);
        continue; // held at the gate until the person logs in again, then retried
      }
      if (response.status === 403) {
        deps.onForbidden(url);
        return response;
      }
      if (response.status >= 500) {
        deps.onServerError(response.status, url);
        return response;
      }
      if (response.ok) {
        deps.onSuccess(url);
        if (path.startsWith(deps.scansPath)) {
          try {
            await readScanAnswer(deps, path, response);
          } catch (error) {
            console.error('[dockhand] could not read the answer to a scan push', error);
          }
        }
      }
      return response;
    }
  };
}
