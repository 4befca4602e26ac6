// A label printed from a phone at one site on a printer at another: admin sets up printers at
// sites south and north and a template through the admin pages (the template editor shows the
// label drawn by zpl-renderer-js and its barcode drawn by bwip-js, which scans back); the north
// printer's status badge follows its TCP 9100 listener going away and coming back; a scanner of
// site south scans a waybill offline and prints it on the north printer; back online the job goes
// queued → done on screen, the north bridge sent the ZPL to the listener, and that ZPL renders
// (zpl-renderer-js) to a barcode that decodes (zbarimg) to the waybill. Last, the admin prints the
// selected and the missing waybills of the manifest from the dashboard and sees them done.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zplToBase64Async } from 'zpl-renderer-js';
import { createBridge, type Bridge } from '@/print-bridge/bridge';
import { openPrinting } from '@/print-bridge/jobs/printing';
import { startReplication, type Replication } from '@/print-bridge/sync/replication';
import { probeSyncServer } from '@/print-bridge/sync/session-probe';
import {
  collectPageErrors,
  launchChromium,
  waitForServiceWorkerControl,
  type Browser,
} from '../helpers/browser';
import {
  startTestSyncServer,
  TEST_ADMIN_PASSWORD,
  TEST_ADMIN_USER,
  type TestSyncServer,
} from '../helpers/sync-server';
import { startZplPrinter, type ZplPrinter } from '../helpers/zpl-printer';
import { chooseManifest, logIn, nextResult, seedManifest, typeCode } from './scan-helpers';

const log = pino({ level: process.env.DOCKHAND_TEST_LOG_LEVEL ?? 'silent' });
const BRIDGE_PASSWORD = 'north-bridge-pw-1';
const TEMPLATE_ZPL = [
  '^XA',
  '^FO40,40^A0N,36,36^FDTo: {{consignee}}^FS',
  '^FO40,100^BY3^BCN,120,Y,N,N^FD{{waybill}}^FS',
  '^XZ',
].join('\n');
const WAYBILL = 'JD014600006281940';
const OTHER_WAYBILL = 'JD0000000002';
const PROBE_MS = 500; // the bridge checks its printers this often here (a minute in production)

let server: TestSyncServer;
let browser: Browser;
let printer: ZplPrinter;
let bridge: Bridge | undefined;
let dir: string;

/** What zbarimg reads in a PNG (every code found, one per line). */
function decodePng(png: Buffer, name: string): string[] {
  const file = join(dir, name);
  writeFileSync(file, png);
  return execFileSync('zbarimg', ['--quiet', '--raw', file], { encoding: 'utf8' })
    .trim()
    .split('\n');
}

async function startNorthBridge(): Promise<Bridge> {
  const config = {
    site: 'north',
    syncUrl: server.url,
    user: 'bridge-north',
    password: BRIDGE_PASSWORD,
    httpHost: '127.0.0.1',
    httpPort: 0,
    probeIntervalMs: PROBE_MS,
    shutdownGraceMs: 2_000,
    logLevel: 'fatal' as const,
  };
  let replication: Replication | undefined;
  const printing = await openPrinting({
    site: 'north',
    dataDir: join(dir, 'bridge'),
    now: () => new Date(),
    log,
    probeIntervalMs: PROBE_MS,
    policy: { baseMs: 100, maxMs: 500, maxAttempts: 20 },
    jitterMs: () => 0,
    onPrinterStatus: async (id, status) => replication?.writePrinterStatus(id, status),
  });
  const started = createBridge({
    config,
    probe: () => probeSyncServer(server.url, config.user, config.password, fetch, 'north'),
    now: () => new Date(),
    log,
    printing,
    shutdownGraceMs: 2_000,
    startSync: () => {
      replication = startReplication({
        syncUrl: server.url,
        user: config.user,
        password: config.password,
        site: 'north',
        local: printing.localDbs,
        log,
        now: () => new Date(),
        backoff: { baseMs: 100, maxMs: 500 },
      });
      return replication;
    },
  });
  await started.start();
  return started;
}

async function serverJobs(): Promise<Array<{ _id: string; state: string; createdBy: string }>> {
  const response = await fetch(`${server.dbUrl}/print_jobs/_all_docs?include_docs=true`, {
    headers: { authorization: server.adminAuth },
  });
  const body = (await response.json()) as {
    rows: Array<{ id: string; doc: { _id: string; state: string; createdBy: string } }>;
  };
  return body.rows.filter((r) => !r.id.startsWith('_design/')).map((r) => r.doc);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dockhand-print-e2e-'));
  server = await startTestSyncServer();
  printer = await startZplPrinter();
  // sam works at site south; the printer he prints on is at site north.
  await server.createUser('sam', 'sam-password-123', ['scanner', 'site:south']);
  await server.createUser('bridge-north', BRIDGE_PASSWORD, ['bridge', 'site:north']);
  await seedManifest(server, {
    id: 'm-north',
    name: 'North morning',
    status: 'open',
    numbers: [WAYBILL, OTHER_WAYBILL],
  });
  bridge = await startNorthBridge();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await bridge?.stop();
  await printer?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('printing a label from the app', () => {
  it('a south phone prints on the north printer: queued offline, done online, the label scans back', async () => {
    // Admin: a printer at site north pointing at the listener, and a template, through the UI.
    const adminContext = await browser.newContext();
    const admin = await adminContext.newPage();
    const adminErrors = collectPageErrors(admin);
    await logIn(admin, server.url, TEST_ADMIN_USER, TEST_ADMIN_PASSWORD);
    await admin.goto(`${server.url}/admin/printers/`);
    const addPrinter = async (name: string, site: string, port: number) => {
      await admin.getByTestId('printer-add').click();
      await admin.getByTestId('printer-name').fill(name);
      await admin.getByTestId('printer-site').fill(site);
      await admin.getByTestId('printer-host').fill(printer.host);
      await admin.getByTestId('printer-port').fill(String(port));
      await admin.getByTestId('printer-height').fill('50.8');
      await admin.getByTestId('printer-save').click();
      await expect.poll(() => admin.getByTestId('template-form').count()).toBe(0);
    };
    // South has a printer too (sam's own site, no bridge running here): sam must choose north.
    await addPrinter('Dock south', 'south', 9);
    await addPrinter('Dock north', 'north', printer.port);
    await expect.poll(() => admin.getByTestId('printer-row').count(), { timeout: 15_000 }).toBe(2);

    // The north printer's badge follows its listener: online, switched off, back on.
    const northBadge = admin
      .getByTestId('printer-row')
      .filter({ hasText: 'Dock north' })
      .getByTestId('printer-status');
    const badgeState = () => northBadge.getAttribute('data-state');
    await expect.poll(badgeState, { timeout: 30_000 }).toBe('ready');
    expect(await northBadge.textContent()).toBe('Online');
    await printer.refuse();
    await expect.poll(badgeState, { timeout: 30_000 }).toBe('offline');
    expect(await northBadge.textContent()).toBe('Offline');
    await printer.accept();
    await expect.poll(badgeState, { timeout: 30_000 }).toBe('ready');

    await admin.goto(`${server.url}/admin/templates/`);
    await admin.getByTestId('template-add').click();
    await admin.getByTestId('template-name').fill('Waybill small');
    await admin.getByTestId('template-zpl').fill('^XA^FO40,40^FD{{bad name}}^FS^XZ');
    await expect.poll(() => admin.getByTestId('template-error').textContent()).toMatch(/slot name/);
    await admin.getByTestId('template-zpl').fill(TEMPLATE_ZPL);
    await admin.getByTestId('template-height').fill('50.8');
    await admin.getByTestId('template-sample-waybill').fill(WAYBILL);
    // The preview is drawn in the browser by zpl-renderer-js.
    await expect
      .poll(() => admin.getByTestId('zpl-preview').getAttribute('data-ready'), { timeout: 30_000 })
      .toBe('true');
    // Beside it, the label's one barcode drawn by bwip-js from the sample: it scans back.
    const barcode = admin.getByTestId('barcode-preview');
    await expect.poll(() => barcode.getAttribute('data-ready'), { timeout: 30_000 }).toBe('true');
    expect(await admin.getByTestId('barcode-preview').count()).toBe(1);
    expect(await barcode.getAttribute('data-symbology')).toBe('code128');
    const src = (await barcode.locator('img').getAttribute('src')) ?? '';
    expect(src).toMatch(/^data:image\/png;base64,/);
    const previewPng = Buffer.from(src.slice(src.indexOf(',') + 1), 'base64');
    expect(decodePng(previewPng, 'barcode-preview.png')).toEqual([WAYBILL]);
    await admin.getByTestId('template-save').click();
    await expect.poll(() => admin.getByTestId('template-row').count(), { timeout: 15_000 }).toBe(1);
    // The renderer (too big for the precache) was kept when it loaded: with no network, the
    // templates page opens from the device and still draws a preview. The browser's own HTTP
    // cache is switched off so that only the service worker can answer.
    const cdp = await adminContext.newCDPSession(admin);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await adminContext.setOffline(true);
    await admin.reload();
    await expect.poll(() => admin.getByTestId('template-row').count(), { timeout: 15_000 }).toBe(1);
    await admin.getByTestId('template-add').click();
    await admin.getByTestId('template-zpl').fill(TEMPLATE_ZPL);
    await admin.getByTestId('template-sample-waybill').fill(WAYBILL);
    await expect
      .poll(() => admin.getByTestId('zpl-preview').getAttribute('data-ready'), { timeout: 30_000 })
      .toBe('true');
    await adminContext.setOffline(false);
    expect(adminErrors).toEqual([]);
    await adminContext.close();

    // Scanner on a phone: logs in online, then loses the network.
    const phone = await browser.newContext();
    const page = await phone.newPage();
    const errors = collectPageErrors(page);
    const consoleLines: string[] = [];
    page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
    page.on('response', (r) => {
      if (r.status() >= 400)
        void r
          .text()
          .then((t) =>
            consoleLines.push(
              `HTTP ${r.status()} ${r.request().method()} ${r.url()} ${t.slice(0, 300)}`,
            ),
          )
          .catch(() => undefined);
    });
    await logIn(page, server.url, 'sam', 'sam-password-123');
    await waitForServiceWorkerControl(page);
    await chooseManifest(page, 'm-north', 2);
    await expect
      .poll(() => page.getByTestId('print-printer').locator('option').count(), { timeout: 30_000 })
      .toBe(2);
    await page.getByTestId('print-printer').selectOption({ label: 'Dock north (north)' });
    await expect
      .poll(() => page.getByTestId('printer-status').getAttribute('data-state'), {
        timeout: 30_000,
      })
      .toBe('ready');
    await expect.poll(() => page.getByTestId('print-template').inputValue()).toBe('waybill-small');

    const status = page.getByTestId('sync-status');
    await phone.setOffline(true);
    await page.reload();
    await expect.poll(() => status.getAttribute('data-online')).toBe('false');
    await expect
      .poll(() => page.getByTestId('scan-progress').getAttribute('data-expected'), {
        timeout: 30_000,
      })
      .toBe('2');

    const shown = await nextResult(page, () => typeCode(page, WAYBILL));
    expect(shown.result).toBe('matched');
    await page.getByTestId('print-label').click();
    const job = page.getByTestId('print-job').first();
    await expect.poll(() => job.getAttribute('data-state')).toBe('queued');
    expect(await job.getAttribute('data-waybill')).toBe(WAYBILL);
    expect(await serverJobs()).toHaveLength(0);
    expect(printer.labels).toHaveLength(0);

    // Back online: the job goes out, the north bridge prints it, and the state comes back.
    consoleLines.push('--- online ---');
    await phone.setOffline(false);
    try {
      await expect.poll(() => job.getAttribute('data-state'), { timeout: 45_000 }).toBe('done');
    } catch (error) {
      console.log(
        JSON.stringify(
          { jobs: await serverJobs(), labels: printer.labels, bridge: bridge?.status() },
          null,
          1,
        ),
      );
      console.log(consoleLines.slice(consoleLines.indexOf('--- online ---')).join('\n'));
      throw error;
    }
    const jobs = await serverJobs();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ state: 'done', createdBy: 'sam', site: 'north' });
    expect(printer.labels).toHaveLength(1);

    const label = printer.labels[0]!;
    expect(label.match(/\^XA/g)).toHaveLength(1);
    const png = Buffer.from(await zplToBase64Async(label, 101.6, 50.8, 8), 'base64');
    expect(decodePng(png, 'label.png')).toContain(WAYBILL);
    expect(errors).toEqual([]);
    await phone.close();

    // The admin prints from the dashboard: the ticked waybill, then the manifest's missing ones.
    const deskContext = await browser.newContext();
    const desk = await deskContext.newPage();
    const deskErrors = collectPageErrors(desk);
    await logIn(desk, server.url, TEST_ADMIN_USER, TEST_ADMIN_PASSWORD);
    await desk.goto(`${server.url}/admin/`);
    const row = desk.locator(`[data-testid=waybill-row][data-number="${OTHER_WAYBILL}"]`);
    await expect.poll(() => row.getAttribute('data-scanned'), { timeout: 30_000 }).toBe('false');
    await expect
      .poll(() => desk.getByTestId('manifest-print-printer').locator('option').count(), {
        timeout: 30_000,
      })
      .toBe(2);
    await desk.getByTestId('manifest-print-printer').selectOption({ label: 'Dock north (north)' });
    await row.getByTestId('waybill-select').check();
    await desk.getByTestId('manifest-print-selected').click();
    const deskJobs = desk.getByTestId('manifest-print').getByTestId('print-job');
    await expect.poll(() => deskJobs.count(), { timeout: 15_000 }).toBe(1);
    expect(await deskJobs.first().getAttribute('data-waybill')).toBe(OTHER_WAYBILL);
    await expect
      .poll(() => deskJobs.first().getAttribute('data-state'), { timeout: 45_000 })
      .toBe('done');

    const firstId = await deskJobs.first().getAttribute('data-job-id');
    await desk.getByTestId('manifest-print-copies').fill('2');
    await desk.getByTestId('manifest-print-missing').click();
    await expect
      .poll(() => deskJobs.first().getAttribute('data-job-id'), { timeout: 15_000 })
      .not.toBe(firstId);
    expect(await deskJobs.count()).toBe(1);
    expect(await deskJobs.first().getAttribute('data-waybill')).toBe(OTHER_WAYBILL);
    await expect
      .poll(() => deskJobs.first().getAttribute('data-state'), { timeout: 45_000 })
      .toBe('done');
    expect(printer.labels).toHaveLength(3);
    const missingLabel = printer.labels[2]!;
    expect(missingLabel.match(/\^XA/g)).toHaveLength(2); // two copies in one job
    const missingPng = Buffer.from(await zplToBase64Async(missingLabel, 101.6, 50.8, 8), 'base64');
    expect(decodePng(missingPng, 'missing.png')).toContain(OTHER_WAYBILL);
    expect(deskErrors).toEqual([]);
    await deskContext.close();
  });
});
