// 100 print jobs from `queued` to bytes at a raw 9100 listener, through the real job runner and
// the on-disk PouchDB store (each job: 4 persisted state changes, one TCP connection).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { newPrintJob } from '@/lib/core/print-job-state';
import { putLocalDoc } from '@/print-bridge/jobs/pouch-store';
import { openPrinting } from '@/print-bridge/jobs/printing';
import { startZplPrinter } from '@/test/helpers/zpl-printer';

const JOBS = 100;
const TARGET_S = 2;
const SITE = 'bench';
const TEMPLATE = [
  '^XA',
  '^FO40,40^A0N,30,30^FDTo: {{consignee}}^FS',
  '^FO40,80^A0N,24,24^FD{{address}}^FS',
  '^FO40,130^BY3^BCN,120,Y,N,N^FD{{waybill}}^FS',
  '^XZ',
].join('\n');

async function main(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'dockhand-bench-'));
  const printer = await startZplPrinter();
  await putLocalDoc(dir, 'printers', {
    id: 'zebra-1',
    site: SITE,
    name: 'Bench',
    driver: 'zpl-raw',
    host: printer.host,
    port: printer.port,
  });
  await putLocalDoc(dir, 'templates', {
    id: 'waybill',
    name: 'Waybill',
    zpl: TEMPLATE,
    fields: ['consignee', 'address', 'waybill'],
  });
  const printing = await openPrinting({
    site: SITE,
    dataDir: dir,
    now: () => new Date(),
    log: pino({ level: 'silent' }),
    probeIntervalMs: 60_000,
  });
  await printing.start();

  const started = performance.now();
  for (let i = 0; i < JOBS; i += 1) {
    await printing.jobs.add(
      newPrintJob(
        {
          id: `job-${String(i).padStart(4, '0')}`,
          site: SITE,
          printerId: 'zebra-1',
          templateId: 'waybill',
          values: {
            consignee: `Zoë Müller ${i}`,
            address: `${i} Harbour Road, Durban 4001`,
            waybill: `JD0146${String(i).padStart(8, '0')}`,
          },
        },
        new Date(Date.UTC(2026, 0, 1, 0, 0, 0, i)),
      ),
    );
  }
  await printer.waitForLabels(JOBS, 60_000);
  const seconds = (performance.now() - started) / 1000;
  await printing.whenIdle();
  await printing.stop();
  await printer.close();
  rmSync(dir, { recursive: true, force: true });

  console.log(`figure: print-100-labels ${seconds.toFixed(2)} s (target <= ${TARGET_S})`);
  return seconds;
}

main().then(
  (seconds) => process.exit(seconds <= TARGET_S ? 0 : 1),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
