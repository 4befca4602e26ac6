import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { afterEach, describe, expect, it } from 'vitest';
import type { Scan } from '../schema/scan';
import { openDashboard } from './dashboard';
import type { Dashboard, DashboardSnapshot } from './dashboard';
import { createDockhandDatabase } from './database';
import type { DockhandDatabase } from './database';

// The dashboard over a real RxDB database (memory storage): documents arrive the way replication
// writes them, in whatever order, and the model must read the same whatever that order.

let db: DockhandDatabase | null = null;
let dashboard: Dashboard | null = null;
let clock = new Date('2026-05-01T08:10:00.000Z');
let seq = 0;

afterEach(async () => {
  dashboard?.stop();
  await db?.close();
  dashboard = null;
  db = null;
});

async function open(latestCount = 20): Promise<{ db: DockhandDatabase; dashboard: Dashboard }> {
  db = await createDockhandDatabase({
    name: `dash${Date.now()}${seq++}`,
    storage: getRxStorageMemory(),
  });
  await db.manifests.insert({
    id: 'm1',
    name: 'Monday',
    rowCount: 5,
    status: 'open',
    createdAt: '2026-05-01T07:00:00.000Z',
  });
  dashboard = openDashboard(db, { now: () => clock, throttleMs: 1, latestCount });
  return { db, dashboard };
}

function scan(
  device: string,
  n: number,
  normalised: string,
  at: string,
  extra: Partial<Scan> = {},
): Scan {
  return {
    id: `${device}:${String(n).padStart(26, '0')}`,
    code: normalised,
    normalised,
    manifestId: 'm1',
    result: 'matched',
    source: 'camera',
    deviceId: device,
    user: 'sam',
    scannedAt: at,
    ...extra,
  };
}

/** The next snapshot that satisfies `ok` (the model publishes asynchronously). */
function until(d: Dashboard, ok: (s: DashboardSnapshot) => boolean): Promise<DashboardSnapshot> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('dashboard never got there')), 5_000);
    const check = () => {
      const s = d.get();
      if (!s.ready || !ok(s)) return;
      clearTimeout(timer);
      queueMicrotask(() => unsubscribe());
      resolve(s);
    };
    const unsubscribe = d.subscribe(check);
    check();
  });
}

describe('openDashboard', () => {
  it('does not list a manifest whose import failed', async () => {
    const { db, dashboard } = await open();
    await db.manifests.insert({
      id: 'm-refused',
      name: 'Monday',
      rowCount: 0,
      status: 'failed',
      createdAt: '2026-05-01T06:59:00.000Z',
    });
    await db.waybills.insert({ id: 'm1:A', manifestId: 'm1', number: 'A' });
    const s = await until(dashboard, (s) => s.manifests[0]?.expected === 1);
    expect(s.manifests.map((m) => m.id)).toEqual(['m1']);
  });

  it('never shows a design document a device stored as data before the pull hid them', async () => {
    const { db, dashboard } = await open();
    // As replication stored the server's rules on devices of earlier versions.
    const rules = { id: '_design/rules', validate_doc_update: 'function () {}' };
    await db.manifests.insert(rules as never);
    await db.waybills.insert(rules as never);
    await db.waybills.insert({ id: 'm1:A', manifestId: 'm1', number: 'A' });
    const s = await until(dashboard, (s) => s.manifests[0]?.expected === 1);
    expect(s.manifests.map((m) => m.id)).toEqual(['m1']);
  });

  it('takes a scan voided twice off the counts once', async () => {
    const { db, dashboard } = await open();
    await db.waybills.bulkInsert(
      ['A', 'B'].map((n) => ({ id: `m1:${n}`, manifestId: 'm1', number: n })),
    );
    const b = scan('d1', 2, 'B', '2026-05-01T08:05:10.000Z');
    await db.scans.bulkInsert([
      scan('d1', 1, 'A', '2026-05-01T08:05:00.000Z'),
      b,
      scan('d1', 3, 'B', '2026-05-01T08:05:20.000Z', { result: 'void', voids: b.id }),
      scan('d2', 4, 'B', '2026-05-01T08:05:21.000Z', { result: 'void', voids: b.id }),
    ]);
    const s = await until(dashboard, (s) => s.manifests[0]?.scanned === 1 && s.totalScans === 1);
    expect(s.perScanner).toEqual([{ user: 'sam', count: 1 }]);
    expect(s.perMinute.reduce((sum, m) => sum + m.count, 0)).toBe(1);
    expect(s.manifests[0]).toMatchObject({ expected: 2, scanned: 1, missing: 1 });
  });

  it('a scanner’s void of someone else’s scan stays on the counts; a supervisor’s with a reason does not', async () => {
    const { db, dashboard } = await open();
    await db.waybills.bulkInsert(
      ['A', 'B', 'C'].map((n) => ({ id: `m1:${n}`, manifestId: 'm1', number: n })),
    );
    const a = scan('d1', 1, 'A', '2026-05-01T08:05:00.000Z');
    const b = scan('d1', 2, 'B', '2026-05-01T08:05:10.000Z');
    const c = scan('d1', 3, 'C', '2026-05-01T08:05:15.000Z');
    await db.scans.bulkInsert([
      // bo's void arrives first and names sam's scan in another manifest's name: it cancels nothing.
      scan('d2', 4, 'A', '2026-05-01T08:05:20.000Z', {
        result: 'void',
        voids: a.id,
        user: 'bo',
        manifestId: 'elsewhere',
      }),
      a,
      b,
      c,
      scan('d3', 5, 'B', '2026-05-01T08:05:30.000Z', {
        result: 'void',
        voids: b.id,
        user: 'sue',
        voidReason: 'scanned onto the wrong pallet',
        manifestId: 'elsewhere',
      }),
      scan('d1', 6, 'C', '2026-05-01T08:05:40.000Z', { result: 'void', voids: c.id }),
    ]);
    const s = await until(dashboard, (s) => s.totalScans === 1 && s.manifests[0]?.scanned === 1);
    expect(s.perScanner).toEqual([{ user: 'sam', count: 1 }]);
    expect(s.manifests[0]).toMatchObject({ expected: 3, scanned: 1, missing: 2 });
    expect(dashboard.waybills('m1', 'scanned', '', 10).rows.map((r) => r.number)).toEqual(['A']);
  });

  it('counts a stray number once however often it is scanned, as the export lists it', async () => {
    const { db, dashboard } = await open();
    await db.waybills.insert({ id: 'm1:A', manifestId: 'm1', number: 'A' });
    await db.scans.bulkInsert([
      scan('d1', 1, 'ZZZ', '2026-05-01T08:01:00.000Z', { result: 'unknown' }),
      scan('d1', 2, 'ZZZ', '2026-05-01T08:02:00.000Z', { result: 'unknown' }),
      scan('d2', 3, 'ZZZ', '2026-05-01T08:03:00.000Z', { result: 'unknown', user: 'bo' }),
    ]);
    const s = await until(dashboard, (s) => s.totalScans === 3);
    expect(s.manifests[0]).toMatchObject({ unexpected: 1, scanned: 0, missing: 1 });
  });

  it('lists the first waybills in number order whatever order they arrived in', async () => {
    const { db, dashboard } = await open();
    for (const n of ['A5', 'A4', 'A3', 'A2', 'A1'])
      await db.waybills.insert({ id: `m1:${n}`, manifestId: 'm1', number: n, consignee: `C ${n}` });
    await until(dashboard, (s) => s.manifests[0]?.expected === 5);
    expect(dashboard.waybills('m1', 'all', '', 2)).toEqual({
      total: 5,
      rows: [
        { id: 'm1:A1', number: 'A1', consignee: 'C A1', scanned: false },
        { id: 'm1:A2', number: 'A2', consignee: 'C A2', scanned: false },
      ],
    });
    expect(dashboard.waybills('m1', 'missing', 'c a', 3).rows.map((r) => r.number)).toEqual([
      'A1',
      'A2',
      'A3',
    ]);
  });

  it('lists a manifest’s scans newest first, each with the void that took it off the counts', async () => {
    const { db, dashboard } = await open();
    await db.waybills.bulkInsert(
      ['A', 'B', 'C'].map((n) => ({ id: `m1:${n}`, manifestId: 'm1', number: n })),
    );
    const a = scan('d1', 1, 'A', '2026-05-01T08:05:00.000Z', { user: 'ana' });
    const b = scan('d1', 2, 'B', '2026-05-01T08:05:10.000Z', { user: 'ana' });
    const c = scan('d2', 3, 'C', '2026-05-01T08:05:20.000Z', { user: 'bo' });
    const sues = scan('d9', 5, 'A', '2026-05-01T08:06:00.000Z', {
      result: 'void',
      voids: a.id,
      user: 'sue',
      voidReason: 'scanned onto the wrong pallet',
    });
    await db.scans.bulkInsert([
      sues, // before its target: replication keeps no order
      a,
      b,
      c,
      // bo's void of ana's scan, without a reason, cancels nothing.
      scan('d2', 4, 'B', '2026-05-01T08:05:30.000Z', { result: 'void', voids: b.id, user: 'bo' }),
    ]);
    await until(dashboard, (s) => s.totalScans === 2);
    const all = dashboard.scans('m1', '', 10);
    expect(all.total).toBe(3);
    expect(all.rows.map((r) => [r.scan.id, r.voidedBy?.id ?? null])).toEqual([
      [c.id, null],
      [b.id, null],
      [a.id, sues.id],
    ]);
    expect(all.rows[2]!.voidedBy).toMatchObject({
      user: 'sue',
      voidReason: 'scanned onto the wrong pallet',
    });
    expect(dashboard.scans('m1', '', 2).rows.map((r) => r.scan.id)).toEqual([c.id, b.id]);
    expect(dashboard.scans('m1', 'ANA', 1)).toMatchObject({ total: 2, rows: [{ scan: b }] });
    expect(dashboard.scans('m1', 'c', 10).rows.map((r) => r.scan.id)).toEqual([c.id]);
    expect(dashboard.scans('elsewhere', '', 10)).toEqual({ total: 0, rows: [] });
  });

  it('does not keep a scan from a device whose clock is ahead on top of the feed', async () => {
    const { db, dashboard } = await open(2);
    await db.waybills.insert({ id: 'm1:A', manifestId: 'm1', number: 'A' });
    const skewed = scan('skew', 1, 'A', '2027-01-01T00:00:00.000Z');
    await db.scans.insert(skewed);
    await until(dashboard, (s) => s.latest.length === 1);
    clock = new Date('2026-05-01T08:11:00.000Z');
    const later = scan('d1', 2, 'A', '2026-05-01T08:11:00.000Z');
    await db.scans.insert(later);
    clock = new Date('2026-05-01T08:12:00.000Z');
    const latest = scan('d1', 3, 'A', '2026-05-01T08:12:00.000Z');
    await db.scans.insert(latest);
    const s = await until(dashboard, (s) => s.latest.length === 2 && s.totalScans === 3);
    expect(s.latest.map((x) => x.id)).toEqual([latest.id, later.id]);
  });
});
