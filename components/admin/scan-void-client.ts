// Records a supervisor's void on the sync server itself, not through the device's queue: the
// person learns at once whether the server took it (a refused void must not sit on this device
// looking done), and the device gets it back with the next pull of scans, like every other scan.
// https://docs.couchdb.org/en/stable/api/document/common.html#put--db-docid
import type { VoidWriteProblem } from '@/lib/core/scan-void';
import { voidWriteProblemOf } from '@/lib/core/scan-void';
import type { Scan } from '@/lib/schema/scan';

export type VoidWriteResult =
  | { ok: true }
  | { ok: false; problem: VoidWriteProblem; status: number | null; reason: string | null };

export async function recordVoidOnServer(
  fetchFn: typeof fetch,
  event: Scan,
): Promise<VoidWriteResult> {
  const { id, ...fields } = event;
  let response: Response;
  try {
    response = await fetchFn(`/db/scans/${encodeURIComponent(id)}`, {
      method: 'PUT',
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      // RxDB's CouchDB shape: the primary key travels as `_id`.
      body: JSON.stringify({ _id: id, ...fields }),
    });
  } catch (error) {
    console.warn('[dockhand] could not reach the server to record a void', error);
    return { ok: false, problem: voidWriteProblemOf(null), status: null, reason: null };
  }
  // 409: this very event is stored already (a retry after an answer that never arrived).
  if (response.ok || response.status === 409) return { ok: true };
  const answer = (await response.json().catch(() => ({}))) as { reason?: unknown };
  const reason = typeof answer.reason === 'string' ? answer.reason : null;
  console.warn('[dockhand] the server refused a void', { status: response.status, reason });
  return {
    ok: false,
    problem: voidWriteProblemOf(response.status),
    status: response.status,
    reason,
  };
}
