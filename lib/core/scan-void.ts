// A supervisor's or admin's void of any person's scan, as the desk decides it: who may give one,
// what counts as a reason, which void a voided scan shows, and what a refused write means. The
// rule itself (which void cancels which scan) stays in live-scans.ts; the server holds the same
// one in validate_doc_update and guard/write-rules.ts.
import type { UserContext } from '../schema/roles';
import { SERVER_ADMIN_ROLE, hasRole } from '../schema/roles';
import { VOID_REASON_MAX_LENGTH } from '../schema/scan';
import type { VoidableEvent } from './live-scans';
import { compareScanEvents, voidCancels } from './live-scans';

export { VOID_REASON_MAX_LENGTH };

export type VoidReasonError = 'reason-missing' | 'reason-too-long';

/** The reason as it will be stored (trimmed), or why it cannot be. */
export function checkVoidReason(
  text: string,
): { ok: true; reason: string } | { ok: false; error: VoidReasonError } {
  const reason = text.trim();
  if (reason === '') return { ok: false, error: 'reason-missing' };
  // `length` in UTF-16 units, as the server's schema check counts it.
  if (reason.length > VOID_REASON_MAX_LENGTH) return { ok: false, error: 'reason-too-long' };
  return { ok: true, reason };
}

/** Only these may give a `voidReason`, so only they void another person's scan. */
export function mayVoidWithReason(viewer: Pick<UserContext, 'roles'>): boolean {
  return hasRole({ name: null, roles: viewer.roles }, 'supervisor', 'admin', SERVER_ADMIN_ROLE);
}

/**
 * What `viewer` may do to `target`: void it with a reason (a supervisor or admin, anyone's scan),
 * undo it without one (a scanner, their own scan only: the scan page's Undo), or nothing (a
 * void event, a scan already voided, or another person's scan for a scanner).
 */
export type VoidRight = 'with-reason' | 'own-undo' | 'none';

export function voidRightOf(
  viewer: Pick<UserContext, 'name' | 'roles'>,
  target: Pick<VoidableEvent, 'user' | 'result'>,
  alreadyVoided: boolean,
): VoidRight {
  if (target.result === 'void' || alreadyVoided || !viewer.name) return 'none';
  if (mayVoidWithReason(viewer)) return 'with-reason';
  return target.user === viewer.name ? 'own-undo' : 'none';
}

/** The void that cancels `target` (the earliest, if several do), or null while it counts. */
export function cancellingVoidOf<T extends VoidableEvent>(
  target: VoidableEvent,
  voids: Iterable<T>,
): T | null {
  let first: T | null = null;
  for (const v of voids) {
    if (!voidCancels(v, target)) continue;
    if (first === null || compareScanEvents(v, first) < 0) first = v;
  }
  return first;
}

/**
 * Why the server did not record a void, from its HTTP status (null: no answer at all).
 * https://docs.couchdb.org/en/stable/api/document/common.html#put--db-docid
 */
export type VoidWriteProblem = 'offline' | 'session-expired' | 'forbidden' | 'refused' | 'server';

export function voidWriteProblemOf(status: number | null): VoidWriteProblem {
  if (status === null) return 'offline';
  if (status === 401) return 'session-expired';
  if (status === 403) return 'forbidden';
  if (status >= 500 || status === 408 || status === 429) return 'server';
  return 'refused';
}

/**
 * Whether a write that failed this way may have reached the server anyway (the answer was lost),
 * so a retry should send the same event again: a second copy of its id then answers 409.
 */
export function voidMayBeStored(problem: VoidWriteProblem): boolean {
  return problem === 'offline' || problem === 'server';
}
