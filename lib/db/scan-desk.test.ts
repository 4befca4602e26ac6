import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { afterEach, describe, expect, it } from 'vitest';
import { createDockhandDatabase } from './database';
import type { DockhandDatabase } from './database';
import { openScanDesk } from './scan-desk';
import type { ScanDesk } from './scan-desk';

// The scan page's in-memory index over a real RxDB database (memory storage): waybills arrive,
// change and leave the way replication writes them, and the counts and answers follow.

let db: DockhandDatabase | null = null;
let desk: ScanDesk | null = null;
let seq = 0;

afterEach(async () => {
  desk?.stop();
  await db?.close();
  desk = null;
  db = null;
});

async function open(): Promise<{ db: DockhandDatabase; desk: ScanDesk }> {
  db = await createDockhandDatabase({
    name: `desk${Date.now()}${seq++}`,
    storage: getRxStorageMemory(),
  });
  await db.manifests.insert({
    id: 'm1',
    name: 'Monday',
    rowCount: 4,
    status: 'open',
    createdAt: '2026-05-01T07:00:00.000Z',
  });
  desk = openScanDesk(db);
  const opened = desk;
  await waitFor(() => opened.get().ready);
  return { db, desk };
}

async function waitFor(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
}

describe('scan desk', () => {
  it('counts each number once however many rows carry it, through changes and removals', async () => {
    const { db, desk } = await open();
    await db.waybills.bulkInsert([
      { id: 'm1:1', manifestId: 'm1', number: 'JD1' },
      { id: 'm1:2', manifestId: 'm1', number: 'JD2' },
      { id: 'm1:3', manifestId: 'm1', number: 'JD2' }, // a second row with the same number
      { id: 'm1:4', manifestId: 'm1', number: 'JD4' },
    ]);
    await waitFor(() => desk.expectedCount('m1') === 3);
    expect(desk.classify('m1', 'JD2').result).toBe('matched');

    // One of JD2's rows goes: JD2 is still expected.
    await (await db.waybills.findOne('m1:3').exec())!.remove();
    await waitFor(() => desk.expectedCount('m1') === 3);
    expect(desk.classify('m1', 'JD2').result).toBe('matched');
    // The other too: no longer.
    await (await db.waybills.findOne('m1:2').exec())!.remove();
    await waitFor(() => desk.expectedCount('m1') === 2);
    expect(desk.classify('m1', 'JD2').result).not.toBe('matched');

    // A row's number corrected: the old number leaves, the new one counts.
    await (await db.waybills.findOne('m1:4').exec())!.incrementalPatch({ number: 'JD5' });
    await waitFor(() => desk.classify('m1', 'JD5').result === 'matched');
    expect(desk.classify('m1', 'JD4').result).not.toBe('matched');
    expect(desk.expectedCount('m1')).toBe(2);
    expect(desk.missing('m1', '', 10)).toEqual({ total: 2, numbers: ['JD1', 'JD5'] });

    // The manifest closes: nothing of it is expected any more.
    await (await db.manifests.findOne('m1').exec())!.incrementalPatch({ status: 'closed' });
    await waitFor(() => desk.expectedCount('m1') === 0);
    expect(desk.classify('m1', 'JD1').result).not.toBe('matched');
  });
});
