// Raw 9100 printing end to end against a real TCP listener: drivers, runner, store, rendering.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { zplToBase64Async } from 'zpl-renderer-js';
import { newPrintJob } from '@/lib/core/print-job-state';
import { unescapeZplFieldData } from '@/lib/core/zpl';
import type { PrintJob } from '@/lib/schema/print-job';
import { PrintDriverError } from '@/print-bridge/drivers/driver';
import { createRaw9100Driver } from '@/print-bridge/drivers/raw9100';
import { putLocalDoc } from '@/print-bridge/jobs/pouch-store';
import { openPrinting, type Printing } from '@/print-bridge/jobs/printing';
import { startZplPrinter, type ZplPrinter } from '../helpers/zpl-printer';

const SITE = 'depot-north';
const log = pino({ level: 'silent' });
export const WAYBILL_TEMPLATE = [
  '^XA',
  '^FO40,40^A0N,36,36^FDTo: {{consignee}}^FS',
  '^FO40,100^BY3^BCN,120,Y,N,N^FD{{waybill}}^FS',
  '^XZ',
].join('\n');
const HOSTILE = '^XA^FDpwned^FS~JA';

let dir: string;
let printer: ZplPrinter;
let printing: Printing | undefined;
let seq = 0;

async function seed(): Promise<void> {
  await putLocalDoc(dir, 'printers', {
    id: 'zebra-1',
    site: SITE,
    name: 'Dock door 1',
    driver: 'zpl-raw',
    host: printer.host,
    port: printer.port,
  });
  await putLocalDoc(dir, 'templates', {
    id: 'waybill',
    name: 'Waybill 4x2',
    zpl: WAYBILL_TEMPLATE,
    fields: ['consignee', 'waybill'],
  });
}

async function start(probeIntervalMs = 60_000): Promise<Printing> {
  printing = await openPrinting({
    site: SITE,
    dataDir: dir,
    now: () => new Date(),
    log,
    probeIntervalMs,
    policy: { baseMs: 50, maxMs: 200, maxAttempts: 100 },
    jitterMs: () => 0,
  });
  await printing.start();
  return printing;
}

function job(values: Record<string, string>): PrintJob {
  seq += 1;
  const now = new Date(Date.UTC(2026, 2, 2, 8, 0, 0, seq));
  return newPrintJob(
    {
      id: `job-${String(seq).padStart(4, '0')}`,
      site: SITE,
      printerId: 'zebra-1',
      templateId: 'waybill',
      values,
    },
    now,
  );
}

async function waitForState(id: string, states: string[], timeoutMs = 10_000): Promise<PrintJob> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stored = await printing!.jobs.get(id);
    if (stored && states.includes(stored.job.state)) return stored.job;
    if (Date.now() > deadline)
      throw new Error(`job ${id} is ${stored?.job.state}, not ${states.join('/')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dockhand-print-'));
  printer = await startZplPrinter();
  await seed();
});

afterEach(async () => {
  await printing?.stop({ graceMs: 1_000 });
  printing = undefined;
  await printer.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('raw 9100 driver', () => {
  it.each([
    ['ok', 'ready'],
    ['paper-out', 'paper-out'],
    ['head-open', 'head-open'],
  ] as const)('reads a %s printer from ~HS', async (condition, expected) => {
    printer.setCondition(condition);
    const status = await createRaw9100Driver({ host: printer.host, port: printer.port }).status();
    const { printerStateOf } = await import('@/lib/core/zebra-host-status');
    expect(printerStateOf(status)).toBe(expected);
    expect(printer.labels).toEqual([]);
  });

  it('says a refused connection sent nothing, and names the printer', async () => {
    await printer.refuse();
    const error = await createRaw9100Driver({ host: printer.host, port: printer.port })
      .send('^XA^XZ')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PrintDriverError);
    expect(error).toMatchObject({
      code: 'PRINT_ERR_PRINTER_OFFLINE',
      bytesMayHaveReachedPrinter: false,
      retryable: true,
    });
    expect((error as Error).message).toContain(
      `The printer at 127.0.0.1:${printer.port} does not answer`,
    );
  });

  it('says a printer that takes the bytes but never closes may have printed', async () => {
    const stuck = await startZplPrinter({ closeDelayMs: 5_000 });
    const driver = createRaw9100Driver({ host: stuck.host, port: stuck.port, writeTimeoutMs: 300 });
    const error = await driver.send('^XA^FDx^FS^XZ').catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'PRINT_ERR_PRINTER_TIMEOUT',
      bytesMayHaveReachedPrinter: true,
    });
    await stuck.close();
  });

  it('reports an answer that is not a host status as unreadable', async () => {
    printer.setCondition('garbage');
    await expect(
      createRaw9100Driver({ host: printer.host, port: printer.port }).status(),
    ).rejects.toMatchObject({
      code: 'PRINT_ERR_STATUS_UNREADABLE',
    });
  });
});

describe('printing waybill labels through the job runner', () => {
  it('prints a waybill whose Code 128 decodes back to the number, with a hostile consignee as text', async () => {
    const p = await start();
    const waybill = 'JD014600006281940';
    const j = job({ consignee: HOSTILE, waybill });
    await p.jobs.add(j);
    const [label] = await printer.waitForLabels(1);
    const done = await waitForState(j.id, ['done']);
    expect(done).toMatchObject({ attempt: 1, sendStarted: true });

    // One label, one ^XA: the consignee's ^XA / ^FD / ~JA are field data, hex-escaped.
    expect(label!.match(/\^XA/g)).toHaveLength(1);
    expect(label).not.toContain('~JA');
    const consigneeData = /\^FDTo: ([^^]*)\^FS/.exec(label!)?.[1];
    expect(unescapeZplFieldData(consigneeData!)).toBe(HOSTILE);

    const png = Buffer.from(await zplToBase64Async(label!, 101.6, 50.8, 8), 'base64');
    const file = join(dir, 'label.png');
    writeFileSync(file, png);
    const decoded = execFileSync('zbarimg', ['--quiet', '--raw', '-Scode128.enable', file], {
      encoding: 'utf8',
    });
    expect(decoded.trim().split('\n')).toContain(waybill);
  });

  it('holds queued jobs while the printer refuses connections, then prints each exactly once', async () => {
    await printer.refuse();
    const p = await start();
    const jobs = [
      job({ consignee: 'Ana', waybill: 'W1' }),
      job({ consignee: 'Bo', waybill: 'W2' }),
      job({ consignee: 'Cy', waybill: 'W3' }),
    ];
    for (const j of jobs) await p.jobs.add(j);
    const retried = await waitForState(jobs[0]!.id, ['queued']).then(async () => {
      await new Promise((r) => setTimeout(r, 400));
      return (await p.jobs.get(jobs[0]!.id))!.job;
    });
    expect(retried.attempt).toBeGreaterThan(1);
    expect(retried.error?.code).toBe('PRINT_ERR_PRINTER_OFFLINE');
    expect((await p.jobs.get(jobs[2]!.id))!.job.attempt).toBe(0); // the queue waits behind its head
    expect(printer.labels).toEqual([]);

    await printer.accept();
    await printer.waitForLabels(3);
    for (const j of jobs) await waitForState(j.id, ['done']);
    await new Promise((r) => setTimeout(r, 300));
    const waybills = printer.labels.map((l) => /\^FD(W\d)\^FS/.exec(l)?.[1]);
    expect(waybills).toEqual(['W1', 'W2', 'W3']);
  });

  it('does not send to a printer that is out of paper, and prints once paper is back', async () => {
    printer.setCondition('paper-out');
    const p = await start(100);
    const j = job({ consignee: 'Ana', waybill: 'W9' });
    await p.jobs.add(j);
    await new Promise((r) => setTimeout(r, 500));
    expect(printer.labels).toEqual([]);
    expect((await p.jobs.get(j.id))!.job).toMatchObject({ state: 'queued', attempt: 0 });
    expect(p.printers()['zebra-1']).toMatchObject({
      state: 'paper-out',
      error: 'PRINT_ERR_PAPER_OUT',
    });

    printer.setCondition('ok');
    await waitForState(j.id, ['done']);
    expect(printer.labels).toHaveLength(1);
  });

  it('fails a job whose template lacks a value, without sending anything', async () => {
    const p = await start();
    const j = job({ consignee: 'Ana' });
    await p.jobs.add(j);
    const failed = await waitForState(j.id, ['failed']);
    expect(failed.error).toMatchObject({
      code: 'PRINT_ERR_TEMPLATE_VALUES',
      bytesMayHaveReachedPrinter: false,
    });
    expect(printer.labels).toEqual([]);
  });
});
