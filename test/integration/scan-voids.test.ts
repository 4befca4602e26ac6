// Whose scan a void cancels, against a real sync server: a scanner's void of another person's scan
// may reach the server (it can arrive before the scan it names), and the export must not honour
// it; a supervisor's correction carries a reason and is honoured; a scanner cannot give a reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  basicAuth,
  scanDoc,
  startTestSyncServer,
  type TestSyncServer,
} from '../helpers/sync-server';

const MANIFEST = 'm-voids';
const SUE = basicAuth('sue', 'sue-password-123'); // supervisor
const SAM = basicAuth('sam', 'sam-password-123'); // scanner
const BO = basicAuth('bo', 'bo-password-1234'); // scanner

let server: TestSyncServer;

async function post(path: string, auth: string, body: unknown) {
  const res = await fetch(`${server.dbUrl}/${path}`, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as unknown };
}

async function put(doc: { _id: string }, db: string, auth: string) {
  const res = await fetch(`${server.dbUrl}/${db}/${encodeURIComponent(doc._id)}`, {
    method: 'PUT',
    headers: { authorization: auth, 'content-type': 'application/json' },
    body: JSON.stringify(doc),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** The numbers of one export (CSV, first column), header left out. */
async function exported(kind: 'scanned' | 'missing'): Promise<string[]> {
  const res = await fetch(
    `${server.url}/api/manifests/${MANIFEST}/export?kind=${kind}&format=csv`,
    {
      headers: { authorization: SUE },
    },
  );
  expect(res.status).toBe(200);
  const lines = (await res.text()).split('\r\n').filter(Boolean);
  return lines.slice(1).map((line) => line.split(',')[0]!);
}

const scanOf = (user: string, number: string, at: string, extra: Record<string, unknown> = {}) =>
  scanDoc(user, {
    manifestId: MANIFEST,
    code: number,
    normalised: number,
    scannedAt: `2026-11-23T08:${at}.000Z`,
    deviceId: `dev-${user}`,
    ...extra,
  });

beforeAll(async () => {
  server = await startTestSyncServer();
  await server.createUser('sam', 'sam-password-123', ['scanner']);
  await server.createUser('bo', 'bo-password-1234', ['scanner']);
  await server.createUser('sue', 'sue-password-123', ['supervisor']);
  const manifest = {
    _id: MANIFEST,
    name: 'Voids',
    rowCount: 3,
    status: 'open',
    createdAt: '2026-11-23T07:00:00.000Z',
  };
  expect((await put(manifest, 'manifests', server.adminAuth)).status).toBe(201);
  const waybills = ['A1', 'B1', 'C1'].map((number) => ({
    _id: `${MANIFEST}:${number}`,
    manifestId: MANIFEST,
    number,
  }));
  expect((await post('waybills/_bulk_docs', server.adminAuth, { docs: waybills })).status).toBe(
    201,
  );
});
afterAll(() => server?.close());

describe('voids of another person’s scan', () => {
  it('the export honours a supervisor’s correction and the owner’s undo, not another scanner’s void', async () => {
    const a = scanOf('sam', 'A1', '00:01');
    const b = scanOf('sam', 'B1', '00:02');
    const c = scanOf('sam', 'C1', '00:03');
    // bo's void reaches the server before sam's scan does (sam was offline): nothing on the
    // server can see then whose scan it names.
    const bosVoid = scanOf('bo', 'A1', '00:04', { result: 'void', voids: a._id });
    expect((await post('scans/_bulk_docs', BO, { docs: [bosVoid] })).status).toBe(201);
    expect((await post('scans/_bulk_docs', SAM, { docs: [a, b, c] })).status).toBe(201);
    const correction = scanOf('sue', 'B1', '00:05', {
      result: 'void',
      voids: b._id,
      voidReason: 'scanned onto the wrong pallet',
    });
    const samsUndo = scanOf('sam', 'C1', '00:06', { result: 'void', voids: c._id });
    expect((await put(correction, 'scans', SUE)).status).toBe(201);
    expect((await put(samsUndo, 'scans', SAM)).status).toBe(201);

    expect(await exported('scanned')).toEqual(['A1']);
    expect(await exported('missing')).toEqual(['B1', 'C1']);
  });

  it('a scanner cannot void with a reason', async () => {
    const target = scanOf('sam', 'A1', '00:07');
    const refused = await put(
      scanOf('bo', 'A1', '00:08', { result: 'void', voids: target._id, voidReason: 'mine now' }),
      'scans',
      BO,
    );
    expect(refused.status).toBe(403);
    expect(String(refused.body.reason)).toMatch(
      /Only a supervisor or an admin voids with a reason/,
    );
  });
});
