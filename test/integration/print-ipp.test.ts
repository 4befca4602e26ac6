// IPP printing against CUPS's ippeveprinter: the job lands in its spool, status maps to the model.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newPrintJob } from '@/lib/core/print-job-state';
import { printerStateOf } from '@/lib/core/zebra-host-status';
import { createIppDriver } from '@/print-bridge/drivers/ipp';
import { putLocalDoc } from '@/print-bridge/jobs/pouch-store';
import { openPrinting } from '@/print-bridge/jobs/printing';
import { startIppPrinter, type IppPrinter } from '../helpers/ipp-printer';

const SITE = 'depot-north';
let dir: string;
let ipp: IppPrinter;
let slow: IppPrinter;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dockhand-ipp-test-'));
  const script = join(dir, 'slow-print.sh');
  writeFileSync(script, '#!/bin/sh\nsleep 8\n'); // long enough to be seen busy on a loaded machine
  chmodSync(script, 0o755);
  ipp = await startIppPrinter();
  slow = await startIppPrinter({ command: script, name: 'dockhand-slow' });
});

afterAll(async () => {
  await ipp?.stop();
  await slow?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('IPP driver against ippeveprinter', () => {
  it('reports an idle printer as ready', async () => {
    const status = await createIppDriver({ url: ipp.url }).status();
    expect(status).toMatchObject({ online: true, paperOut: false, headOpen: false });
    expect(printerStateOf(status)).toBe('ready');
  });

  it('reports a printer busy with a job as printing', async () => {
    const driver = createIppDriver({ url: slow.url });
    await driver.send('^XA^FDslow^FS^XZ');
    // ippeveprinter starts the job's command a moment after accepting it.
    await expect
      .poll(async () => printerStateOf(await driver.status()), { timeout: 6_000 })
      .toBe('printing');
  });

  it('says an IPP printer that is not there sent nothing', async () => {
    const error = await createIppDriver({ url: 'ipp://127.0.0.1:9/ipp/print', timeoutMs: 1_000 })
      .send('^XA^XZ')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'PRINT_ERR_PRINTER_OFFLINE',
      bytesMayHaveReachedPrinter: false,
    });
  });

  it('prints a job from the queue as ZPL into the spool, once', async () => {
    const data = join(dir, 'bridge');
    await putLocalDoc(data, 'printers', {
      id: 'ipp-1',
      site: SITE,
      name: 'Office',
      driver: 'ipp',
      url: ipp.url,
    });
    await putLocalDoc(data, 'templates', {
      id: 'waybill',
      name: 'Waybill',
      zpl: '^XA^FO40,40^FD{{consignee}}^FS^FO40,90^BCN,80,Y,N,N^FD{{waybill}}^FS^XZ',
      fields: ['consignee', 'waybill'],
    });
    const printing = await openPrinting({
      site: SITE,
      dataDir: data,
      now: () => new Date(),
      log: pino({ level: 'silent' }),
      probeIntervalMs: 60_000,
    });
    await printing.start();
    const before = ipp.documents().length;
    const job = newPrintJob(
      {
        id: 'ipp-job-1',
        site: SITE,
        printerId: 'ipp-1',
        templateId: 'waybill',
        values: { consignee: 'Zoë ^FS', waybill: 'JD0099' },
      },
      new Date(),
    );
    await printing.jobs.add(job);
    await printing.whenIdle();
    expect((await printing.jobs.get(job.id))!.job.state).toBe('done');
    expect(printing.printers()['ipp-1']).toMatchObject({ state: 'ready', online: true });
    await printing.stop();
    const docs = ipp.documents().slice(before);
    expect(docs).toHaveLength(1);
    expect(docs[0]!.content).toContain('^FDJD0099^FS');
    expect(docs[0]!.content).toContain('^FH_^FDZo_C3_AB _5EFS^FS');
  });
});
