// Browser side of bench/scan-record.bench.ts: RxDB (Dexie) with 100,000 waybills of open
// manifests, the scan desk built from it, then lookup + record of single scans, timed.
import { monotonicFactory } from 'ulidx';
import { scanEventFrom } from '@/lib/core/scan-event';
import { waybillCodeFrom } from '@/lib/core/waybill-code';
import { createDockhandDatabase } from '@/lib/db/database';
import { openScanDesk } from '@/lib/db/scan-desk';

const waybillNo = (i: number) => `JD${String(14_600_000_000_000 + i).padStart(15, '0')}`;

declare global {
  interface Window {
    scanRecordBench(options: { waybills: number; manifests: number; scans: number }): Promise<{
      seedMs: number;
      deskMs: number;
      lookupMs: number[];
      recordMs: number[];
      results: Record<string, number>;
    }>;
  }
}

window.scanRecordBench = async ({ waybills, manifests, scans }) => {
  const db = await createDockhandDatabase({ name: `bench-${Date.now()}` });
  const perManifest = waybills / manifests;
  const seedStart = performance.now();
  const BATCH = 5_000;
  for (let start = 0; start < waybills; start += BATCH) {
    const docs = [];
    for (let i = start; i < Math.min(waybills, start + BATCH); i += 1) {
      const manifestId = `M${String(Math.floor(i / perManifest)).padStart(2, '0')}`;
      docs.push({ id: `${manifestId}:${waybillNo(i)}`, manifestId, number: waybillNo(i) });
    }
    await db.waybills.bulkInsert(docs);
  }
  for (let m = 0; m < manifests; m += 1) {
    await db.manifests.insert({
      id: `M${String(m).padStart(2, '0')}`,
      name: `Manifest ${m}`,
      rowCount: perManifest,
      status: 'open',
      createdAt: new Date().toISOString(),
    });
  }
  const seedMs = performance.now() - seedStart;

  const deskStart = performance.now();
  const desk = openScanDesk(db);
  await new Promise<void>((resolve) => {
    const check = () => {
      const s = desk.get();
      if (
        s.ready &&
        s.manifests.length === manifests &&
        s.manifests.every((m) => m.expected === perManifest)
      )
        resolve();
    };
    desk.subscribe(check);
    check();
  });
  const deskMs = performance.now() - deskStart;

  const nextUlid = monotonicFactory();
  const lookupMs: number[] = [];
  const recordMs: number[] = [];
  const results: Record<string, number> = {};
  const manifestId = 'M03';
  for (let n = 0; n < scans; n += 1) {
    const r = (n * 37) % 100;
    const raw =
      r < 75
        ? waybillNo(3 * perManifest + ((n * 7_919) % perManifest))
        : r < 90
          ? waybillNo((n * 104_729) % waybills)
          : `ZZ${n}`;
    const started = performance.now();
    const code = waybillCodeFrom(raw);
    if (!code.ok) continue;
    const classification = desk.classify(manifestId, code.value);
    const now = new Date();
    const scan = scanEventFrom({
      code: raw,
      normalised: code.value,
      manifestId,
      result: classification.result,
      deviceId: 'bench-device',
      ulid: nextUlid(now.getTime()),
      user: 'ana',
      source: 'wedge',
      now,
    });
    desk.note(scan);
    const looked = performance.now();
    await db.scans.insert(scan);
    const done = performance.now();
    lookupMs.push(looked - started);
    recordMs.push(done - started);
    results[classification.result] = (results[classification.result] ?? 0) + 1;
  }
  desk.stop();
  await db.remove();
  return { seedMs, deskMs, lookupMs, recordMs, results };
};
document.title = 'ready';
