// A print job the server refuses when the device first pushes it (validate_doc_update: a job made
// on a shared phone by sam, pushed once bo has logged in, is not bo's to create): the device's real
// sync (startDockhandSync + RxDB against the real sync server) stops sending it, keeps it as
// `failed` with the server's reason, and later jobs still go out.
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRINT_ERR_REFUSED } from '@/lib/core/print-job-state';
import type { DockhandDatabase } from '@/lib/db/database';
import { createDockhandDatabase } from '@/lib/db/database';
import type { PrintDesk } from '@/lib/db/print-desk';
import { openPrintDesk } from '@/lib/db/print-desk';
import type { DockhandSync } from '@/lib/db/sync';
import { startDockhandSync } from '@/lib/db/sync';
import { memoryKeyValueStore } from '@/lib/platform/key-value';
import type { OnlineTracker } from '@/lib/platform/online';
import type { SessionSnapshot, SessionState } from '@/lib/platform/session-state';
import { writableStore } from '@/lib/platform/small-store';
import type { PrintJob } from '@/lib/schema/print-job';
import { basicAuth, startTestSyncServer, type TestSyncServer } from '../helpers/sync-server';

const DEVICE = 'phone-7';
const PRINTER = { id: 'zebra-south', site: 'south' };
const TEMPLATE = { id: 'small', fields: ['waybill'] };

let server: TestSyncServer;
let db: DockhandDatabase;
let desk: PrintDesk;
let sync: DockhandSync;
/** Every print_jobs `_bulk_docs` body the device sent. */
const pushes: string[] = [];

function sessionOf(user: string, roles: string[]): SessionState {
  const state = writableStore<SessionSnapshot>({ status: 'active', user, roles });
  return {
    get: state.get,
    subscribe: state.subscribe,
    refresh: async () => state.get(),
    login: async () => state.get(),
    logout: async () => undefined,
    markExpired: () => undefined,
    whenSyncAllowed: async () => undefined,
    dispose: () => undefined,
  };
}

function alwaysOnline(): OnlineTracker {
  const state = writableStore(true);
  return {
    get: state.get,
    subscribe: state.subscribe,
    reportReached: () => undefined,
    reportUnreachable: () => undefined,
    dispose: () => undefined,
  };
}

async function serverJob(id: string): Promise<PrintJob | null> {
  const response = await fetch(`${server.dbUrl}/print_jobs/${encodeURIComponent(id)}`, {
    headers: { authorization: server.adminAuth },
  });
  return response.ok ? ((await response.json()) as PrintJob) : null;
}

async function deviceJob(id: string): Promise<PrintJob | null> {
  const doc = await db.print_jobs.findOne(id).exec();
  return doc ? (doc.toJSON() as PrintJob) : null;
}

const queue = async (user: string, waybill: string) =>
  (
    await desk.queueLabels({
      printer: PRINTER,
      template: TEMPLATE,
      sources: [{ number: waybill }],
      copies: 1,
      user,
    })
  )[0]!;

beforeAll(async () => {
  server = await startTestSyncServer();
  await server.createUser('bo', 'bo-password-123', ['scanner']);
  db = await createDockhandDatabase({
    name: `refused-${Date.now()}`,
    storage: getRxStorageMemory(),
  });
  desk = openPrintDesk(db, DEVICE);
  const auth = basicAuth('bo', 'bo-password-123');
  sync = startDockhandSync(db, {
    origin: server.url,
    deviceId: DEVICE,
    session: sessionOf('bo', ['scanner']),
    online: alwaysOnline(),
    store: memoryKeyValueStore(),
    now: () => new Date(),
    fetch: async (input, init) => {
      const url = String(input);
      if (url.includes('/print_jobs/_bulk_docs') && typeof init?.body === 'string') {
        pushes.push(init.body);
      }
      const headers = new Headers(init?.headers);
      headers.set('authorization', auth);
      return fetch(input, { ...init, headers });
    },
  });
});

afterAll(async () => {
  await sync?.stop();
  await db?.close();
  await server?.close();
});

describe('a print job the server refuses', () => {
  it('is kept on the device as refused, with the reason, and not sent again by itself', async () => {
    // sam made this label on the shared phone before bo logged in: not bo's job to create.
    const refused = await queue('sam', 'JD0000000001');
    await expect
      .poll(async () => (await deviceJob(refused.id))?.state, { timeout: 30_000 })
      .toBe('failed');
    const kept = (await deviceJob(refused.id))!;
    expect(kept).toMatchObject({
      values: { waybill: 'JD0000000001' },
      createdBy: 'sam',
      attempt: 0,
      error: { code: PRINT_ERR_REFUSED, bytesMayHaveReachedPrinter: false },
    });
    expect(kept.error!.message).toMatch(/createdBy must be your own name \(bo\)/);
    expect(await serverJob(refused.id)).toBeNull();

    // Later jobs are not held up behind it, and it is not pushed again meanwhile.
    const good = await queue('bo', 'JD0000000002');
    await expect
      .poll(async () => (await serverJob(good.id))?.state, { timeout: 30_000 })
      .toBe('queued');
    sync.reSync();
    const third = await queue('bo', 'JD0000000003');
    await expect
      .poll(async () => (await serverJob(third.id))?.state, { timeout: 30_000 })
      .toBe('queued');
    expect(pushes.filter((body) => body.includes(refused.id))).toHaveLength(1);
    expect((await deviceJob(refused.id))?.state).toBe('failed');
  });

  it('sent again by a person it is refused again the same way; dismissed it stays dismissed', async () => {
    const refused = await queue('sam', 'JD0000000004');
    await expect
      .poll(async () => (await deviceJob(refused.id))?.state, { timeout: 30_000 })
      .toBe('failed');
    const before = pushes.filter((body) => body.includes(refused.id)).length;

    // Send again (still logged in as bo): one more push, refused again, kept again.
    expect(await desk.decide(refused.id, 'reprint', 'bo')).toEqual({ ok: true });
    await expect
      .poll(() => pushes.filter((body) => body.includes(refused.id)).length, { timeout: 30_000 })
      .toBe(before + 1);
    await expect
      .poll(async () => (await deviceJob(refused.id))?.error?.code, { timeout: 30_000 })
      .toBe(PRINT_ERR_REFUSED);
    expect((await deviceJob(refused.id))?.state).toBe('failed');

    // Dismissed: the server still refuses it (it never held the job) and the device keeps the
    // person's decision instead of flipping back.
    expect(await desk.decide(refused.id, 'dismiss', 'bo')).toEqual({ ok: true });
    await expect
      .poll(() => pushes.filter((body) => body.includes(refused.id)).length, { timeout: 30_000 })
      .toBe(before + 2);
    const marker = await queue('bo', 'JD0000000005');
    await expect
      .poll(async () => (await serverJob(marker.id))?.state, { timeout: 30_000 })
      .toBe('queued');
    expect(await deviceJob(refused.id)).toMatchObject({ state: 'dismissed', createdBy: 'sam' });
    expect(await serverJob(refused.id)).toBeNull();
  });
});
