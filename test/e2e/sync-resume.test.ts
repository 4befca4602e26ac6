// Replication that resumes by itself: after the session expires (the person logs in again and
// nothing local is lost) and after the sync server restarts. Real server, real Chromium.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type Browser, type Page } from '../helpers/browser';
import { freePort } from '../helpers/ports';
import { startTestSyncServer, type TestSyncServer } from '../helpers/sync-server';
import { logIn, serverScans } from './scan-helpers';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

async function scanTyped(page: Page, codes: string[]): Promise<void> {
  for (const code of codes) {
    await page.getByTestId('scan-input').fill(code);
    await page.getByTestId('scan-input').press('Enter');
  }
}

describe('sync resumes', () => {
  it('after the session expired: scans stay on the device and go out after logging in again', async () => {
    const server = await startTestSyncServer();
    try {
      await server.createUser('ana', 'ana-password-123', ['scanner']);
      const context = await browser.newContext();
      const page = await context.newPage();
      await logIn(page, server.url, 'ana', 'ana-password-123');
      const status = page.getByTestId('sync-status');
      await scanTyped(page, ['EXP-001']);
      await expect.poll(() => status.getAttribute('data-recorded')).toBe('1');
      await expect.poll(() => status.getAttribute('data-pending'), { timeout: 30_000 }).toBe('0');
      expect((await serverScans(server)).map((scan) => scan.code)).toEqual(['EXP-001']);

      await context.clearCookies(); // what an expired AuthSession cookie amounts to
      await scanTyped(page, ['EXP-002', 'EXP-003']);
      await expect.poll(() => status.getAttribute('data-recorded')).toBe('3');
      await expect
        .poll(() => status.getAttribute('data-state'), { timeout: 30_000 })
        .toBe('session-expired');
      await expect.poll(() => page.getByTestId('session-banner').textContent()).toMatch(/2 scans/);
      expect(await status.getAttribute('data-pending')).toBe('2');
      expect((await serverScans(server)).map((scan) => scan.code)).toEqual(['EXP-001']);

      await page.getByTestId('session-banner').getByRole('link').click();
      await page.waitForURL(/\/login\//);
      await page.getByLabel('Username').fill('ana');
      await page.getByLabel('Password').fill('ana-password-123');
      await page.getByRole('button', { name: /log in/i }).click();
      await page.waitForURL(/\/scan\//);
      await expect.poll(() => status.getAttribute('data-pending'), { timeout: 30_000 }).toBe('0');
      const codes = (await serverScans(server)).map((scan) => scan.code).sort();
      expect(codes).toEqual(['EXP-001', 'EXP-002', 'EXP-003']);
      await context.close();
    } finally {
      await server.close();
    }
  });

  it('after the sync server restarted: scans made while it was down arrive once', async () => {
    const port = await freePort();
    let server: TestSyncServer = await startTestSyncServer({ keepDataDir: true, config: { port } });
    const dataDir = server.dataDir;
    try {
      await server.createUser('bo', 'bo-password-1234', ['scanner']);
      const context = await browser.newContext();
      const page = await context.newPage();
      await logIn(page, server.url, 'bo', 'bo-password-1234');
      const status = page.getByTestId('sync-status');
      await expect.poll(() => status.getAttribute('data-online')).toBe('true');

      await server.close();
      await scanTyped(page, ['RST-001', 'RST-002']);
      await expect.poll(() => status.getAttribute('data-recorded')).toBe('2');
      await expect.poll(() => status.getAttribute('data-pending')).toBe('2');

      server = await startTestSyncServer({ dataDir, config: { port } });
      await expect.poll(() => status.getAttribute('data-pending'), { timeout: 60_000 }).toBe('0');
      const scans = await serverScans(server);
      expect(scans.map((scan) => scan.code).sort()).toEqual(['RST-001', 'RST-002']);
      await context.close();
    } finally {
      await server.close();
      (await import('node:fs')).rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
