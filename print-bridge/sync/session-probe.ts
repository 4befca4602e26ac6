// Asks the sync server who the bridge is: proves reachability, credentials and role in one call.
// CouchDB `GET /_session`: https://docs.couchdb.org/en/stable/api/server/authn.html#get--_session
import type { PrintErrorCode } from '../errors';

export interface SyncProbeResult {
  ok: boolean;
  error?: PrintErrorCode;
  detail?: string;
  roles?: string[];
}

interface SessionBody {
  userCtx?: { name?: string | null; roles?: string[] };
}

const PROBE_TIMEOUT_MS = 5_000; // a slow WAN answers within 5 s or counts as down

export async function probeSyncServer(
  syncUrl: string,
  user: string,
  password: string,
  fetchImpl: typeof fetch = fetch,
  /** When given, the user must also hold `site:<site>` (the server checks it on every job write). */
  site?: string,
): Promise<SyncProbeResult> {
  const authorization = 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
  let response: Response;
  try {
    response = await fetchImpl(new URL('/db/_session', syncUrl), {
      headers: { authorization, accept: 'application/json' },
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
  } catch (error) {
    return { ok: false, error: 'PRINT_ERR_SYNC_UNREACHABLE', detail: String(error) };
  }
  if (response.status === 401 || response.status === 403) {
    return { ok: false, error: 'PRINT_ERR_SYNC_AUTH', detail: `HTTP ${response.status}` };
  }
  if (!response.ok) {
    return { ok: false, error: 'PRINT_ERR_SYNC_SERVER', detail: `HTTP ${response.status}` };
  }
  const body = (await response.json()) as SessionBody;
  const roles = body.userCtx?.roles ?? [];
  if (body.userCtx?.name !== user) return { ok: false, error: 'PRINT_ERR_SYNC_AUTH', roles };
  if (!roles.includes('bridge')) return { ok: false, error: 'PRINT_ERR_NOT_BRIDGE', roles };
  if (site !== undefined && !roles.includes(`site:${site}`)) {
    return { ok: false, error: 'PRINT_ERR_NO_SITE_ROLE', roles };
  }
  return { ok: true, roles };
}
