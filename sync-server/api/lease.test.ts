import { describe, expect, it } from 'vitest';
import { LEASE_MS, abandonedReason, isAbandoned, leaseView } from './lease';
import type { LeaseView } from './lease';

const NOW = Date.parse('2026-05-01T08:00:00Z');
const ago = (ms: number) => new Date(NOW - ms).toISOString();
const me = (runs: boolean) => ({ serverId: 'server-a', runs: () => runs });

describe('leaseView', () => {
  it.each<[string, Parameters<typeof leaseView>[0], boolean, LeaseView]>([
    [
      'a finished job',
      { state: 'done', owner: 'server-b', heartbeatAt: ago(1e9) },
      false,
      'settled',
    ],
    ['a failed job', { state: 'failed', owner: 'server-a', heartbeatAt: ago(0) }, false, 'settled'],
    [
      'my running job',
      { state: 'running', owner: 'server-a', heartbeatAt: ago(1e9) },
      true,
      'mine',
    ],
    [
      'my id, but this process never ran it (restart)',
      { state: 'running', owner: 'server-a', heartbeatAt: ago(0) },
      false,
      'orphaned',
    ],
    [
      'another server, heard just now',
      { state: 'running', owner: 'server-b', heartbeatAt: ago(1_000) },
      false,
      'live',
    ],
    [
      'another server, exactly at the lease',
      { state: 'running', owner: 'server-b', heartbeatAt: ago(LEASE_MS) },
      false,
      'live',
    ],
    [
      'another server, silent past the lease',
      { state: 'running', owner: 'server-b', heartbeatAt: ago(LEASE_MS + 1) },
      false,
      'expired',
    ],
    [
      'another server, unreadable time',
      { state: 'running', owner: 'server-b', heartbeatAt: 'soon' },
      false,
      'expired',
    ],
    [
      'another server, clock ahead of ours',
      { state: 'running', owner: 'server-b', heartbeatAt: ago(-5_000) },
      false,
      'live',
    ],
  ])('%s → %s', (_name, job, runs, view) => {
    expect(leaseView(job, me(runs), 'job-1', NOW)).toBe(view);
  });

  it.each<[LeaseView, boolean]>([
    ['settled', false],
    ['mine', false],
    ['live', false],
    ['orphaned', true],
    ['expired', true],
  ])('%s is abandoned: %s', (view, abandoned) => {
    expect(isAbandoned(view)).toBe(abandoned);
  });
});

describe('abandonedReason', () => {
  it('names the server, how long ago, and what to do', () => {
    const reason = abandonedReason(
      { state: 'running', owner: 'server-b', heartbeatAt: ago(42_000) },
      NOW,
    );
    expect(reason).toContain('server-b');
    expect(reason).toContain('42 s ago');
    expect(reason).toContain('Press Retry');
  });
});
