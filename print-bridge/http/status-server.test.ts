import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { BridgeStatus } from '../bridge';
import { FLOWS, type FlowStatus, type ReplicationStatus } from '../sync/replication';
import { createStatusApp, isHealthy, refusedPushesOf } from './status-server';

const AT = '2026-03-02T08:00:00.000Z';
const idle = (writeFailures = 0): FlowStatus => ({
  state: 'idle',
  lastOkAt: AT,
  error: null,
  message: null,
  detail: null,
  retryAt: null,
  docsRead: 3,
  docsWritten: 3,
  writeFailures,
});

function statusWith(replication: Partial<ReplicationStatus> = {}, pushFailures = 0): BridgeStatus {
  const flows = Object.fromEntries(FLOWS.map((name) => [name, idle()])) as Record<
    (typeof FLOWS)[number],
    FlowStatus
  >;
  flows['print_jobs:push'] = idle(pushFailures);
  return {
    site: 'north',
    startedAt: AT,
    sync: { ok: true, checkedAt: AT, lastOkAt: AT, error: null, message: null },
    printers: {},
    configuredPrinters: ['zebra-north'],
    jobs: { done: 3 },
    replication: { ok: true, flows, refused: null, ...replication },
  };
}

const refusal = {
  flow: 'print_jobs:push' as const,
  id: 'dev-1:000001',
  reason: 'The id of a print job never changes.',
  at: AT,
};

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function get(status: BridgeStatus, path: string) {
  const server = createStatusApp(() => status).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  close = () => new Promise((resolve) => server.close(() => resolve()));
  const { port } = server.address() as AddressInfo;
  return fetch(`http://127.0.0.1:${port}${path}`);
}

describe('bridge health', () => {
  it.each([
    ['all flows caught up', statusWith(), 0, true],
    ['pushes refused while every flow is idle', statusWith({ refused: refusal }, 2), 2, false],
    // A flow restarted after an error counts from zero again; the last refusal is still there.
    ['a refusal whose flow count began again', statusWith({ refused: refusal }, 0), 1, false],
  ])('%s', (_name, status, refused, healthy) => {
    expect(refusedPushesOf(status)).toBe(refused);
    expect(isHealthy(status)).toBe(healthy);
  });

  it('a bridge whose pushes are refused is not ok on /health, and says how many', async () => {
    const response = await get(statusWith({ refused: refusal }, 2), '/health');
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({
      status: 'degraded',
      refusedPushes: 2,
      replication: { ok: true, refused: { id: 'dev-1:000001' } },
    });
  });

  it('an ok bridge answers 200 with no refused pushes', async () => {
    const response = await get(statusWith(), '/health');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', refusedPushes: 0 });
  });

  it('the status page names the refusal for a person', async () => {
    const page = await (await get(statusWith({ refused: refusal }, 2), '/')).text();
    expect(page).toContain('PRINT_ERR_SYNC_REFUSED');
    expect(page).toContain('2 refused since start');
    expect(page).toContain('The id of a print job never changes.');
  });
});
