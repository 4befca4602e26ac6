// What the sync status shows: one state derived from connectivity, session and replication facts.
export type SyncState = 'idle' | 'syncing' | 'offline' | 'error' | 'session-expired';
export type SessionStatus = 'unknown' | 'active' | 'expired' | 'none';

/** Why the last sync attempt failed; the UI turns these into plain words. */
export type SyncErrorCode =
  | 'SYNC_ERR_NETWORK'
  | 'SYNC_ERR_SERVER'
  | 'SYNC_ERR_UNAUTHORIZED'
  | 'SYNC_ERR_FORBIDDEN'
  | 'SYNC_ERR_REFUSED'
  | 'SYNC_ERR_UNKNOWN';

export interface SyncFacts {
  online: boolean;
  session: SessionStatus;
  active: boolean;
  lastError: SyncErrorCode | null;
}

export function syncStateFrom(facts: SyncFacts): SyncState {
  if (facts.session === 'expired') return 'session-expired';
  if (!facts.online) return 'offline';
  if (facts.lastError && facts.lastError !== 'SYNC_ERR_NETWORK') return 'error';
  if (facts.lastError === 'SYNC_ERR_NETWORK') return 'offline';
  if (facts.active) return 'syncing';
  return 'idle';
}

const MESSAGES: Record<SyncErrorCode, string> = {
  SYNC_ERR_NETWORK: 'Cannot reach the Dockhand server. Scans are kept on this device.',
  SYNC_ERR_SERVER: 'The Dockhand server had a problem. Retrying by itself.',
  SYNC_ERR_UNAUTHORIZED: 'Your session expired. Log in again to sync.',
  SYNC_ERR_FORBIDDEN: 'This account may not sync this data. Ask a supervisor.',
  SYNC_ERR_REFUSED: 'The server refused some scans. Ask a supervisor.',
  SYNC_ERR_UNKNOWN: 'Sync hit an unexpected problem. Retrying by itself.',
};

export function syncErrorMessage(code: SyncErrorCode): string {
  return MESSAGES[code];
}

/** Scans recorded here minus scans the server has confirmed; never negative. */
export function pendingCountFrom(recorded: number, confirmed: number): number {
  return Math.max(0, recorded - confirmed);
}

/** Longer waits after repeated failures, so a down server is not hammered: 5 s … 30 s. */
export function retryDelayMs(consecutiveFailures: number): number {
  const BASE_MS = 5_000; // 5 s, RxDB's default retry time
  const MAX_MS = 30_000; // 30 s: a restarted server is found again quickly
  if (consecutiveFailures <= 1) return BASE_MS;
  return Math.min(MAX_MS, BASE_MS * 2 ** Math.min(consecutiveFailures - 1, 10));
}
