// The bridge's sync probe against a real sync server: it tells a person what is wrong.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeSyncServer } from '@/print-bridge/sync/session-probe';
import { startTestSyncServer, type TestSyncServer } from '../helpers/sync-server';

let server: TestSyncServer;

beforeAll(async () => {
  server = await startTestSyncServer();
  await server.createUser('bridge-north', 'bridge-password-1', ['bridge']);
  await server.createUser('ana', 'ana-password-123', ['scanner']);
});
afterAll(() => server?.close());

describe('probeSyncServer', () => {
  it('accepts a bridge user', async () => {
    expect(await probeSyncServer(server.url, 'bridge-north', 'bridge-password-1')).toMatchObject({
      ok: true,
      roles: ['bridge'],
    });
  });

  it.each([
    ['a wrong password', 'bridge-north', 'nope-nope-nope', 'PRINT_ERR_SYNC_AUTH'],
    ['a user without the bridge role', 'ana', 'ana-password-123', 'PRINT_ERR_NOT_BRIDGE'],
  ])('refuses %s', async (_name, user, password, error) => {
    expect(await probeSyncServer(server.url, user, password)).toMatchObject({ ok: false, error });
  });

  it('reports an unreachable server', async () => {
    expect(await probeSyncServer('http://127.0.0.1:9', 'x', 'y')).toMatchObject({
      ok: false,
      error: 'PRINT_ERR_SYNC_UNREACHABLE',
    });
  });
});
