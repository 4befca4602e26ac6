// A scanner's whole path: log in, lose the network, reload, scan, get the network back — and the
// server holds every scan exactly once. Real sync server, real Chromium, real service worker.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  collectPageErrors,
  launchChromium,
  waitForServiceWorkerControl,
  type Browser,
} from '../helpers/browser';
import { startTestSyncServer, type TestSyncServer } from '../helpers/sync-server';

interface ScanDoc {
  _id: string;
  code: string;
  user: string;
  source: string;
}

let server: TestSyncServer;
let browser: Browser;

beforeAll(async () => {
  server = await startTestSyncServer();
  await server.createUser('ana', 'ana-password-123', ['scanner']);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function serverScans(): Promise<ScanDoc[]> {
  const response = await fetch(`${server.dbUrl}/scans/_all_docs?include_docs=true`, {
    headers: { authorization: server.adminAuth },
  });
  const body = (await response.json()) as { rows: Array<{ id: string; doc: ScanDoc }> };
  return body.rows.filter((row) => !row.id.startsWith('_design/')).map((row) => row.doc);
}

describe('offline scanning', () => {
  it('three scans recorded offline reach the server exactly once', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = collectPageErrors(page);

    await page.goto(`${server.url}/scan/`);
    await page.waitForURL(/\/login\//);
    await page.getByLabel('Username').fill('ana');
    await page.getByLabel('Password').fill('ana-password-123');
    await page.getByRole('button', { name: /log in/i }).click();
    await page.waitForURL(/\/scan\//);
    await waitForServiceWorkerControl(page);
    const status = page.getByTestId('sync-status');
    await expect.poll(() => status.getAttribute('data-online')).toBe('true');

    await context.setOffline(true);
    await page.reload();
    await expect.poll(() => status.getAttribute('data-online')).toBe('false');

    const codes = ['JD0001', 'JD0002', 'JD0003'];
    for (const code of codes) {
      await page.getByTestId('scan-input').fill(code);
      await page.getByTestId('scan-input').press('Enter');
    }
    await expect.poll(() => page.getByTestId('scan-row').count()).toBe(3);
    await expect.poll(() => status.getAttribute('data-pending')).toBe('3');
    expect(await serverScans()).toHaveLength(0);

    await context.setOffline(false);
    await expect.poll(() => status.getAttribute('data-pending'), { timeout: 30_000 }).toBe('0');

    const scans = await serverScans();
    expect(scans.map((scan) => scan.code).sort()).toEqual(codes);
    expect(new Set(scans.map((scan) => scan._id)).size).toBe(3);
    expect(scans.every((scan) => scan.user === 'ana' && scan.source === 'manual')).toBe(true);
    await expect.poll(() => status.getAttribute('data-last-sync')).toMatch(/^\d{4}-/);
    expect(errors).toEqual([]);
    await context.close();
  });
});
