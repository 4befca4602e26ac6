import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createBridge } from './bridge';
import type { BridgeConfig } from './config';
import type { SyncProbeResult } from './sync/session-probe';

const config: BridgeConfig = {
  site: 'depot-north',
  syncUrl: 'http://127.0.0.1:1',
  user: 'bridge',
  password: 'x',
  httpHost: '127.0.0.1',
  httpPort: 0,
  probeIntervalMs: 60_000,
  shutdownGraceMs: 1_000,
  logLevel: 'fatal',
};

function bridgeWith(results: SyncProbeResult[]) {
  let tick = 0;
  const bridge = createBridge({
    config,
    probe: async () => results.shift() ?? { ok: true },
    now: () => new Date(Date.UTC(2026, 0, 1, 8, 0, tick++)),
    log: pino({ level: 'silent' }),
  });
  return bridge;
}

describe('createBridge', () => {
  it('reports a reachable sync server as connected with the time of contact', async () => {
    const bridge = bridgeWith([{ ok: true, roles: ['bridge'] }]);
    await bridge.start();
    expect(bridge.status().sync).toMatchObject({
      ok: true,
      error: null,
      lastOkAt: '2026-01-01T08:00:01.000Z',
    });
    await bridge.stop();
  });

  it('says what to do when the credentials are refused, and keeps no stale success', async () => {
    const bridge = bridgeWith([{ ok: false, error: 'PRINT_ERR_SYNC_AUTH' }]);
    await bridge.start();
    const { sync } = bridge.status();
    expect(sync.ok).toBe(false);
    expect(sync.lastOkAt).toBeNull();
    expect(sync.message).toMatch(/DOCKHAND_BRIDGE_PASSWORD/);
    await bridge.stop();
  });
});
