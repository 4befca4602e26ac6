import { describe, expect, it } from 'vitest';
import type { SyncFacts } from './sync-state';
import { pendingCountFrom, retryDelayMs, syncErrorMessage, syncStateFrom } from './sync-state';

const base: SyncFacts = { online: true, session: 'active', active: false, lastError: null };

describe('syncStateFrom', () => {
  it.each<[Partial<SyncFacts>, string]>([
    [{}, 'idle'],
    [{ active: true }, 'syncing'],
    [{ online: false }, 'offline'],
    [{ online: false, active: true }, 'offline'],
    [{ lastError: 'SYNC_ERR_NETWORK' }, 'offline'],
    [{ lastError: 'SYNC_ERR_SERVER' }, 'error'],
    [{ lastError: 'SYNC_ERR_SERVER', active: true }, 'error'],
    [{ session: 'expired' }, 'session-expired'],
    [{ session: 'expired', online: false }, 'session-expired'],
    [{ session: 'unknown' }, 'idle'],
  ])('%j → %s', (facts, expected) => {
    expect(syncStateFrom({ ...base, ...facts })).toBe(expected);
  });
});

describe('pendingCountFrom', () => {
  it.each([
    [0, 0, 0],
    [5, 2, 3],
    [2, 5, 0],
  ])('%i recorded, %i confirmed → %i', (recorded, confirmed, expected) => {
    expect(pendingCountFrom(recorded, confirmed)).toBe(expected);
  });
});

describe('retryDelayMs', () => {
  it.each([
    [0, 5_000],
    [1, 5_000],
    [2, 10_000],
    [3, 20_000],
    [4, 30_000],
    [50, 30_000],
  ])('after %i failures → %i ms', (failures, expected) => {
    expect(retryDelayMs(failures)).toBe(expected);
  });
});

it('has a message for every error code', () => {
  expect(syncErrorMessage('SYNC_ERR_UNAUTHORIZED')).toMatch(/log in/i);
});
