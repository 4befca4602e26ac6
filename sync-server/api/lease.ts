// Who may act on an import job when several sync servers share one store: the server running a
// job renews its lease (a heartbeat time in the job document); a job whose lease ran out belongs
// to a server that stopped, and the first server to look at it ends it. Pure: time comes in.

/** The owner writes progress at least this often while a job runs (5 s). */
export const HEARTBEAT_MS = 5_000;
/** A running job not heard of for this long is taken as dead (6 missed heartbeats, 30 s). */
export const LEASE_MS = 30_000;

export interface LeasedJob {
  state: 'running' | 'done' | 'failed';
  /** The sync server that runs (or ran) it. */
  owner: string;
  /** ISO time of its owner's last write. */
  heartbeatAt: string;
}

/**
 * What a server sees in a job:
 * - `settled`: done or failed, nobody runs it;
 * - `mine`: this server runs it now;
 * - `orphaned`: marked running by this server id, but this process does not run it (this server
 *   restarted mid-import), so it is dead at once;
 * - `live`: another server runs it and was heard of within the lease;
 * - `expired`: another server ran it and has been silent past the lease.
 */
export type LeaseView = 'settled' | 'mine' | 'orphaned' | 'live' | 'expired';

export function leaseView(
  job: LeasedJob,
  me: { serverId: string; runs: (jobId: string) => boolean },
  jobId: string,
  now: number,
  leaseMs = LEASE_MS,
): LeaseView {
  if (job.state !== 'running') return 'settled';
  if (job.owner === me.serverId) return me.runs(jobId) ? 'mine' : 'orphaned';
  const heard = Date.parse(job.heartbeatAt);
  // An unreadable time cannot prove the owner alive.
  if (!Number.isFinite(heard)) return 'expired';
  return now - heard > leaseMs ? 'expired' : 'live';
}

/** True when the job is gone from every server and must be ended by whoever looks. */
export const isAbandoned = (view: LeaseView): boolean => view === 'orphaned' || view === 'expired';

/** The words a person reads on an import whose server stopped: what happened, what to do. */
export function abandonedReason(job: LeasedJob, now: number): string {
  const heard = Date.parse(job.heartbeatAt);
  const ago = Number.isFinite(heard) ? Math.max(0, Math.round((now - heard) / 1000)) : null;
  return (
    `The sync server running this import (${job.owner}) stopped` +
    (ago === null ? '' : ` ${ago} s ago`) +
    '; nothing from it was kept. Press Retry to import the kept file again (it is kept for a day).'
  );
}
