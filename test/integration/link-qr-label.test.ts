// A short link's QR label through the print bridge: the job the links screen queues (its values
// from linkLabelSource + labelValuesFrom, as lib/db/print-desk does), the bridge's job runner,
// the raw 9100 driver, a real TCP listener; the received ZPL is rendered with zpl-renderer-js and
// the QR must decode (zbarimg) to the short URL, byte for byte.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { zplToBase64Async } from 'zpl-renderer-js';
import { labelValuesFrom } from '@/lib/core/label-fields';
import { LINK_QR_LABEL_ZPL, linkLabelSource } from '@/lib/core/link-qr';
import { newPrintJob } from '@/lib/core/print-job-state';
import { checkZplTemplate } from '@/lib/core/zpl';
import { putLocalDoc } from '@/print-bridge/jobs/pouch-store';
import { openPrinting, type Printing } from '@/print-bridge/jobs/printing';
import { startZplPrinter, type ZplPrinter } from '../helpers/zpl-printer';

const SITE = 'depot-north';
const LABEL_MM = 50.8; // the 2×2 in label of LINK_QR_LABEL_ZPL
const log = pino({ level: 'silent' });

let dir: string;
let printer: ZplPrinter;
let printing: Printing | undefined;
let seq = 0;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dockhand-link-label-'));
  printer = await startZplPrinter();
  const check = checkZplTemplate(LINK_QR_LABEL_ZPL);
  if (!check.ok) throw new Error(`link label template refused: ${check.error}`);
  await putLocalDoc(dir, 'printers', {
    id: 'zebra-1',
    site: SITE,
    name: 'Office',
    driver: 'zpl-raw',
    host: printer.host,
    port: printer.port,
  });
  await putLocalDoc(dir, 'templates', {
    id: 'link-qr',
    name: 'Short link QR 2×2',
    zpl: LINK_QR_LABEL_ZPL,
    fields: check.slots,
  });
  printing = await openPrinting({
    site: SITE,
    dataDir: dir,
    now: () => new Date(),
    log,
    probeIntervalMs: 60_000,
    policy: { baseMs: 50, maxMs: 200, maxAttempts: 100 },
    jitterMs: () => 0,
  });
  await printing.start();
});

afterEach(async () => {
  await printing?.stop({ graceMs: 1_000 });
  printing = undefined;
  await printer.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What zbarimg reads as QR codes in the rendered label. */
async function qrTextsOf(label: string): Promise<string[]> {
  const png = Buffer.from(await zplToBase64Async(label, LABEL_MM, LABEL_MM, 8), 'base64');
  const file = join(dir, `label-${seq}.png`);
  writeFileSync(file, png);
  const out = execFileSync('zbarimg', ['--quiet', '--raw', '-Sdisable', '-Sqrcode.enable', file], {
    encoding: 'utf8',
  });
  return out.trim().split('\n');
}

describe('QR labels of short links', () => {
  it.each([
    ['a plain short URL', 'http://127.0.0.1:8080', 'dock-7-returns', 'Dock 7 returns'],
    // `_` is the ^FH escape character: it must reach the QR as itself, not as `_5F`.
    [
      'a host with an underscore and a caret in the title',
      'https://dock_hand.example',
      'shelf-a1',
      'A^1',
    ],
  ])('prints %s whose QR decodes to the short URL', async (_name, origin, slug, title) => {
    const url = `${origin}/r/${slug}`;
    seq += 1;
    const job = newPrintJob(
      {
        id: `dev-1:job-${seq}`,
        site: SITE,
        printerId: 'zebra-1',
        templateId: 'link-qr',
        values: labelValuesFrom(
          ['url', 'title'],
          linkLabelSource({ slug, url, title, target: 'https://example.com/' }),
        ),
      },
      new Date(Date.UTC(2026, 2, 2, 8, 0, seq)),
    );
    await printing!.jobs.add(job);
    const labels = await printer.waitForLabels(1);
    const label = labels[labels.length - 1]!;
    expect(label).toMatch(/\^BQN,2,6/);
    if (origin.includes('_')) expect(label).toContain('dock_5Fhand'); // escaped on the wire
    expect(await qrTextsOf(label)).toEqual([url]);
  });
});
