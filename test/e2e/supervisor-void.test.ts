// A supervisor's whole path to void another person's scan: ana's scan reaches the server, sue
// opens the dashboard, picks it, cannot send an empty reason, loses her session mid-way without
// losing her reason, logs in again in a new tab, confirms — and the dashboard, the server's void
// event and the exports all say it is void, by sue, and why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPageErrors, launchChromium, type Browser } from '../helpers/browser';
import {
  basicAuth,
  scanDoc,
  startTestSyncServer,
  type TestSyncServer,
} from '../helpers/sync-server';
import { logIn, seedManifest, serverScans } from './scan-helpers';

let server: TestSyncServer;
let browser: Browser;

const MANIFEST = 'm-void';
const REASON = 'Scanned onto the wrong pallet';

beforeAll(async () => {
  server = await startTestSyncServer();
  await server.createUser('ana', 'ana-password-123', ['scanner']);
  await server.createUser('sue', 'sue-password-123', ['supervisor']);
  await seedManifest(server, {
    id: MANIFEST,
    name: 'Dock 4 Monday',
    status: 'open',
    numbers: ['JD0001', 'JD0002'],
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('supervisor voids a scan', () => {
  it('sue voids ana’s scan with a reason; dashboard, server and export agree', async () => {
    // Scanner A records a scan, in her own name, through the server's API.
    const anasScan = scanDoc('ana', {
      manifestId: MANIFEST,
      code: 'JD0001',
      normalised: 'JD0001',
      scannedAt: new Date().toISOString(),
    });
    const put = await fetch(`${server.dbUrl}/scans/${encodeURIComponent(anasScan._id)}`, {
      method: 'PUT',
      headers: {
        authorization: basicAuth('ana', 'ana-password-123'),
        'content-type': 'application/json',
      },
      body: JSON.stringify(anasScan),
    });
    expect(put.status).toBe(201);

    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    const voidWrites: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'PUT' && request.url().includes('/db/scans/'))
        voidWrites.push(request.url());
    });
    await logIn(page, server.url, 'sue', 'sue-password-123');
    await page.goto(`${server.url}/admin/`);

    const card = page.locator(`[data-testid="manifest-row"][data-manifest-id="${MANIFEST}"]`);
    await expect
      .poll(() => card.getByTestId('count-scanned').textContent(), { timeout: 30_000 })
      .toBe('1');
    const row = page.locator(`[data-testid="manifest-scan"][data-scan-id="${anasScan._id}"]`);
    await row.waitFor({ timeout: 30_000 });
    expect(await row.getAttribute('data-user')).toBe('ana');
    expect(await row.getAttribute('data-voided')).toBe('false');

    // Choose "Void scan"; an empty or blank reason is not sent.
    await row.getByTestId('void-open').click();
    const reason = row.getByTestId('void-reason');
    const confirm = row.getByTestId('void-confirm');
    await confirm.click();
    await row.getByTestId('void-reason-error').waitFor();
    await reason.fill('   ');
    await confirm.click();
    expect(await row.getByTestId('void-reason-error').textContent()).toContain('Write why');
    expect(voidWrites).toEqual([]);

    // The session ends before she confirms: a clear message, the reason still there, no void.
    await reason.fill(`  ${REASON}  `);
    await context.clearCookies();
    await confirm.click();
    const problem = row.getByTestId('void-problem');
    await expect.poll(() => problem.getAttribute('data-problem')).toBe('session-expired');
    expect(await problem.textContent()).toContain('Log in again');
    expect(await reason.inputValue()).toBe(`  ${REASON}  `);
    expect((await serverScans(server)).filter((s) => s.result === 'void')).toEqual([]);

    // She logs in again in a new tab, comes back and confirms: the scan shows voided, by her.
    const loginTab = await context.newPage();
    await loginTab.goto(`${server.url}${await row.getByTestId('void-login').getAttribute('href')}`);
    // The page has hydrated and checked the session (filling before that would be overwritten).
    await loginTab.getByText('Your session expired. Log in again as').waitFor();
    await loginTab.getByLabel('Username').fill('sue');
    await loginTab.getByLabel('Password').fill('sue-password-123');
    await loginTab.getByRole('button', { name: /log in/i }).click();
    await loginTab.waitForURL(/\/admin\//);
    await loginTab.close();
    await confirm.click();
    await expect.poll(() => row.getAttribute('data-voided'), { timeout: 30_000 }).toBe('true');
    expect(await row.getByTestId('scan-voided-by').textContent()).toBe('sue');
    expect(await row.getByTestId('scan-void-reason').textContent()).toBe(REASON);
    expect(await row.getByTestId('void-open').count()).toBe(0);
    await expect.poll(() => card.getByTestId('count-scanned').textContent()).toBe('0');
    expect(await card.getByTestId('count-missing').textContent()).toBe('2');

    // The server's stored void carries the reason and the supervisor's name.
    const voids = (await serverScans(server)).filter((s) => s.result === 'void');
    expect(voids).toHaveLength(1);
    expect(voids[0]).toMatchObject({ voids: anasScan._id, user: 'sue', voidReason: REASON });

    // Exports honour it: JD0001 is missing again, not scanned.
    const exported = async (kind: string) =>
      (
        await context.request.get(
          `${server.url}/api/manifests/${MANIFEST}/export?kind=${kind}&format=csv&tz=UTC`,
        )
      ).text();
    expect(await exported('scanned')).not.toContain('JD0001');
    expect(await exported('missing')).toContain('JD0001');

    expect(errors).toEqual([]);
    await context.close();
  });
});
