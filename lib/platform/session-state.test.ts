import { describe, expect, it, vi } from 'vitest';
import { memoryKeyValueStore } from './key-value';
import type { SessionApi } from './session';
import { SessionError } from './session';
import { createSessionState } from './session-state';

function fakeApi(overrides: Partial<SessionApi> = {}): SessionApi {
  return {
    current: vi.fn(async () => ({ name: null, roles: [] })),
    login: vi.fn(async (name: string) => ({ name, roles: ['scanner'] })),
    logout: vi.fn(async () => undefined),
    ...overrides,
  };
}

const saved = { 'dockhand.lastUser': JSON.stringify({ name: 'ana', roles: ['scanner'] }) };

describe('session state', () => {
  it('starts as none on a device nobody logged in on', () => {
    const session = createSessionState({ api: fakeApi(), store: memoryKeyValueStore() });
    expect(session.get()).toEqual({ status: 'none', user: null, roles: [] });
  });

  it('keeps the last user when the server says the session is gone', async () => {
    const session = createSessionState({ api: fakeApi(), store: memoryKeyValueStore(saved) });
    expect(session.get().status).toBe('unknown');
    await session.refresh();
    expect(session.get()).toEqual({ status: 'expired', user: 'ana', roles: ['scanner'] });
  });

  it('stays unknown while offline, so offline scans use the last user', async () => {
    const api = fakeApi({
      current: vi.fn(async () => {
        throw new SessionError('network-down');
      }),
    });
    const session = createSessionState({ api, store: memoryKeyValueStore(saved) });
    await session.refresh();
    expect(session.get()).toMatchObject({ status: 'unknown', user: 'ana' });
  });

  it('holds sync while expired and releases it after a new login', async () => {
    const session = createSessionState({ api: fakeApi(), store: memoryKeyValueStore(saved) });
    session.markExpired();
    let released = false;
    const waiting = session.whenSyncAllowed().then(() => (released = true));
    await Promise.resolve();
    expect(released).toBe(false);
    await session.login('ana', 'pw');
    await waiting;
    expect(released).toBe(true);
    expect(session.get().status).toBe('active');
  });

  it('forgets the user on logout even if the server is unreachable', async () => {
    const store = memoryKeyValueStore(saved);
    const api = fakeApi({
      logout: vi.fn(async () => {
        throw new SessionError('network-down');
      }),
    });
    const session = createSessionState({ api, store });
    await expect(session.logout()).rejects.toThrow(SessionError);
    expect(session.get().status).toBe('none');
    expect(store.getItem('dockhand.lastUser')).toBeNull();
  });
});
