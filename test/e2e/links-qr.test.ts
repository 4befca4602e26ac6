// A supervisor makes a short link in Chromium; its QR code (the PNG the page drew) goes into a
// fake-camera clip; a second Chromium's own camera scanner reads it (free scan); following it
// answers 302 to the target; the visit shows on the links screen after the server's flush.
// Also: the downloaded PNG decodes (zbarimg) to the short URL; bulk creation from CSV with a row
// report; a scanner sees links read-only (pulled to the device, writes refused by the server); and
// a supervisor over the new-link limit sees the wait while the links sync by themselves after it.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPageErrors, launchChromium } from '../helpers/browser';
import type { Browser } from '../helpers/browser';
import { startTestSyncServer, type TestSyncServer } from '../helpers/sync-server';
import { logIn, nextResult, serverScans } from './scan-helpers';

const run = promisify(execFile);
const TARGET = 'https://example.com/track?dock=7';
const PHONE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1';

let server: TestSyncServer;
let dir: string;
const browsers: Browser[] = [];

beforeAll(async () => {
  server = await startTestSyncServer({ config: { visitFlushMs: 200 } });
  await server.createUser('sue', 'sue-password-1234', ['supervisor']);
  await server.createUser('ana', 'ana-password-1234', ['scanner']);
  await server.createUser('sol', 'sol-password-1234', ['supervisor']);
  dir = mkdtempSync(join(tmpdir(), 'dockhand-links-e2e-'));
});

afterAll(async () => {
  for (const b of browsers) await b.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The RECIPES clip: the PNG centred on white, 640x480, 4 s at 30 fps (Chromium loops it). */
async function clipFromPng(png: string, clip: string) {
  await run('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-loop',
    '1',
    '-i',
    png,
    '-t',
    '4',
    '-r',
    '30',
    '-pix_fmt',
    'yuv420p',
    '-vf',
    'scale=640:480:force_original_aspect_ratio=decrease,pad=640:480:(ow-iw)/2:(oh-ih)/2:white',
    '-f',
    'yuv4mpegpipe',
    clip,
  ]);
}

/** What zbarimg reads as QR codes in an image file. */
async function qrTextsOf(file: string): Promise<string[]> {
  const { stdout } = await run('zbarimg', [
    '--quiet',
    '--raw',
    '-Sdisable',
    '-Sqrcode.enable',
    file,
  ]);
  return stdout.trim().split('\n');
}

const redirectStatus = (slug: string) =>
  fetch(`${server.url}/r/${slug}`, {
    redirect: 'manual',
    headers: { 'user-agent': 'curl/8' },
  }).then((r) => r.status);

describe('short links with QR codes', () => {
  it('a supervisor creates a link; its QR scans to the short URL, redirects, and the visit shows', async () => {
    // 1. Create the link in the UI.
    const admin = await launchChromium();
    browsers.push(admin);
    const page = await (await admin.newContext()).newPage();
    const errors = collectPageErrors(page);
    await logIn(page, server.url, 'sue', 'sue-password-1234');
    await page.goto(`${server.url}/admin/links/`);
    await page.getByTestId('link-form').waitFor({ timeout: 30_000 });
    await page.getByTestId('link-slug').fill('dock-7-returns');
    await page.getByTestId('link-target').fill('javascript:alert(1)');
    await page.getByTestId('link-save').click();
    await expect
      .poll(() => page.getByTestId('link-error-target').textContent())
      .toMatch(/web addresses/);
    await page.getByTestId('link-target').fill(TARGET);
    await page.getByTestId('link-title').fill('Dock 7 returns');
    await page.getByTestId('link-tags').fill('dock-7, returns');
    await page.getByTestId('link-save').click();

    const shortUrl = `${server.url}/r/dock-7-returns`;
    const row = page.locator('[data-testid="link-row"][data-slug="dock-7-returns"]');
    await expect
      .poll(() => row.getByTestId('short-url').textContent(), { timeout: 10_000 })
      .toBe(shortUrl);

    // A second link with the same slug is refused on the device.
    await page.getByTestId('link-slug').fill('dock-7-returns');
    await page.getByTestId('link-target').fill('https://example.com/other');
    await page.getByTestId('link-save').click();
    await expect
      .poll(() => page.getByTestId('link-error-slug').textContent())
      .toMatch(/already taken/);

    // The PNG a person downloads decodes to the short URL too.
    const detail = page.locator('[data-testid="link-detail"][data-slug="dock-7-returns"]');
    await detail.getByTestId('qr-image').waitFor({ timeout: 15_000 });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      detail.getByTestId('qr-download-png').click(),
    ]);
    expect(download.suggestedFilename()).toBe('qr-dock-7-returns.png');
    const downloaded = join(dir, 'downloaded.png');
    await download.saveAs(downloaded);
    expect(await qrTextsOf(downloaded)).toEqual([shortUrl]);

    // 2. The QR code the page drew, as PNG bytes.
    const img = page.locator(
      '[data-testid="link-detail"][data-slug="dock-7-returns"] [data-testid="qr-image"]',
    );
    await img.waitFor({ timeout: 15_000 });
    expect(await img.getAttribute('data-text')).toBe(shortUrl);
    const dataUrl = (await img.getAttribute('src')) ?? '';
    expect(dataUrl.startsWith('data:image/png;base64,')).toBe(true);
    const pngPath = join(dir, 'qr.png');
    writeFileSync(pngPath, Buffer.from(dataUrl.slice('data:image/png;base64,'.length), 'base64'));
    const clip = join(dir, 'qr.y4m');
    await clipFromPng(pngPath, clip);

    // The link reached the server by replication and redirects.
    await expect
      .poll(
        () =>
          fetch(shortUrl, { redirect: 'manual', headers: { 'user-agent': 'curl/8' } }).then(
            (r) => r.status,
          ),
        {
          timeout: 30_000,
        },
      )
      .toBe(302);

    // 3. A second Chromium with the clip as its camera: the app's own scanner, free scan.
    const phone = await launchChromium({ fakeCameraClip: clip });
    browsers.push(phone);
    const scanner = await (await phone.newContext()).newPage();
    await logIn(scanner, server.url, 'sue', 'sue-password-1234');
    const shown = await nextResult(
      scanner,
      () => scanner.getByTestId('camera-open').click(),
      30_000,
    );
    // The scan screen shows codes normalised (upper case); the scan event keeps the text as read.
    expect(shown.code).toBe(shortUrl.toUpperCase());
    await expect
      .poll(async () => (await serverScans(server)).map((s) => s.code), { timeout: 30_000 })
      .toContain(shortUrl);
    await scanner.getByTestId('camera-close').click();

    // 4. Follow it as a phone would.
    const response = await fetch(shortUrl, {
      redirect: 'manual',
      headers: { 'user-agent': PHONE_UA, referer: 'https://intranet.example/page' },
    });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(TARGET);

    // 5. The visit shows on the links screen after the flush (the screen refreshes every 5 s).
    await page
      .locator('[data-testid="link-row"][data-slug="dock-7-returns"] [data-testid="link-open"]')
      .click();
    await expect
      .poll(() => page.getByTestId('visits-humans').textContent(), { timeout: 20_000 })
      .toBe('1');
    expect(await page.getByTestId('visits-bots').textContent()).toBe('1'); // the curl check above
    expect(
      await page
        .locator('[data-testid="visits-devices"] li[data-key="mobile"]')
        .getAttribute('data-count'),
    ).toBe('1');
    expect(
      await page
        .locator('[data-testid="visits-referrers"] li[data-key="intranet.example"]')
        .count(),
    ).toBe(1);
    expect(await page.getByTestId('visits-chart').getAttribute('data-total')).toBe('1');

    // Search by tag.
    await page.getByTestId('link-search').fill('#returns');
    expect(await page.getByTestId('link-row').count()).toBe(1);
    await page.getByTestId('link-search').fill('#nothing');
    expect(await page.getByTestId('link-row').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('bulk creation from CSV reports each row', async () => {
    const browser = await launchChromium();
    browsers.push(browser);
    const page = await (await browser.newContext()).newPage();
    await logIn(page, server.url, 'sue', 'sue-password-1234');
    await page.goto(`${server.url}/admin/links/`);
    await page.getByTestId('link-import').waitFor({ timeout: 30_000 });
    await expect
      .poll(() => page.locator('[data-testid="link-row"][data-slug="dock-7-returns"]').count(), {
        timeout: 30_000,
      })
      .toBe(1);
    const csv = [
      'slug,target,title,tags',
      'shelf-a1,https://example.com/a1,Shelf A1,shelves',
      'dock-7-returns,https://example.com/x,,',
      'bad-one,javascript:alert(1),,',
      'shelf-a1,https://example.com/again,,',
    ].join('\n');
    await page
      .getByTestId('link-import-file')
      .setInputFiles({ name: 'links.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByTestId('link-import-summary').waitFor();
    const statuses = await page
      .getByTestId('link-import-row')
      .evaluateAll((rows) =>
        rows.map((r) => `${r.getAttribute('data-slug')}:${r.getAttribute('data-status')}`),
      );
    expect(statuses).toEqual([
      'shelf-a1:created',
      'dock-7-returns:clash',
      'bad-one:invalid-target',
      'shelf-a1:duplicate-in-file',
    ]);
    await expect
      .poll(
        () =>
          fetch(`${server.url}/r/shelf-a1`, {
            redirect: 'manual',
            headers: { 'user-agent': 'curl/8' },
          }).then((r) => r.status),
        { timeout: 30_000 },
      )
      .toBe(302);
  });

  it('a scanner sees links read-only on /links/: list and QR, no editing, and the server refuses writes', async () => {
    const browser = await launchChromium();
    browsers.push(browser);
    const page = await (await browser.newContext()).newPage();
    const errors = collectPageErrors(page);
    await logIn(page, server.url, 'ana', 'ana-password-1234');
    await page.goto(`${server.url}/links/`);
    const screen = page.getByTestId('links-screen');
    await screen.waitFor({ timeout: 30_000 });
    expect(await screen.getAttribute('data-mode')).toBe('view');
    await page.getByTestId('links-read-only').waitFor();

    // Pulled to the device (a polled pull on a scanner's device).
    const row = page.locator('[data-testid="link-row"][data-slug="dock-7-returns"]');
    await expect.poll(() => row.count(), { timeout: 30_000 }).toBe(1);
    expect(await row.getByTestId('short-url').textContent()).toBe(`${server.url}/r/dock-7-returns`);
    await row.getByTestId('link-open').click();
    const detail = page.locator('[data-testid="link-detail"][data-slug="dock-7-returns"]');
    const img = detail.getByTestId('qr-image');
    await img.waitFor({ timeout: 15_000 });
    const dataUrl = (await img.getAttribute('src')) ?? '';
    const pngPath = join(dir, 'scanner-view.png');
    writeFileSync(pngPath, Buffer.from(dataUrl.replace(/^data:image\/png;base64,/, ''), 'base64'));
    expect(await qrTextsOf(pngPath)).toEqual([`${server.url}/r/dock-7-returns`]);

    // Nothing to edit with.
    expect(await page.getByTestId('link-form').count()).toBe(0);
    expect(await page.getByTestId('link-import').count()).toBe(0);
    expect(await page.getByTestId('link-edit').count()).toBe(0);

    // The server is the gate: the same session may read links but not write them.
    const answers = await page.evaluate(async () => {
      const put = await fetch('/db/links/ana-made-this', {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          target: 'https://example.com/',
          enabled: true,
          owner: 'ana',
          createdAt: new Date().toISOString(),
        }),
      });
      const read = await fetch('/db/links/dock-7-returns');
      return { put: put.status, read: read.status };
    });
    expect(answers).toEqual({ put: 403, read: 200 });
    // The admin pages stay closed to a scanner.
    await page.goto(`${server.url}/admin/links/`);
    await page.getByTestId('admin-forbidden').waitFor({ timeout: 30_000 });
    expect(errors).toEqual([]);
  });

  it('over the new-link limit, the screen says to wait and the links sync by themselves after', async () => {
    const browser = await launchChromium();
    browsers.push(browser);
    const page = await (await browser.newContext()).newPage();
    await logIn(page, server.url, 'sol', 'sol-password-1234');
    await page.goto(`${server.url}/admin/links/`);
    await page.getByTestId('link-import').waitFor({ timeout: 30_000 });

    // Another of sol's devices (a script here) spends sol's whole budget of new links.
    const solAuth = `Basic ${Buffer.from('sol:sol-password-1234').toString('base64')}`;
    let n = 0;
    const spend = async (count: number) => {
      const docs = Array.from({ length: count }, () => {
        n += 1;
        return {
          _id: `spent-${n}`,
          target: 'https://example.com/',
          enabled: true,
          owner: 'sol',
          createdAt: '2026-11-23T08:00:00.000Z',
        };
      });
      const response = await fetch(`${server.dbUrl}/links/_bulk_docs`, {
        method: 'POST',
        headers: { authorization: solAuth, 'content-type': 'application/json' },
        body: JSON.stringify({ docs }),
      });
      expect([201, 429]).toContain(response.status);
      return response.status;
    };
    while ((await spend(50)) === 201);
    while ((await spend(1)) === 201);

    const slugs = Array.from({ length: 8 }, (_, i) => `held-${i}`);
    const csv = ['slug,target', ...slugs.map((slug) => `${slug},https://example.com/${slug}`)];
    await page.getByTestId('link-import-file').setInputFiles({
      name: 'held.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv.join('\n')),
    });
    await page.getByTestId('link-import-summary').waitFor();
    const held = page.getByTestId('links-held');
    await held.waitFor({ timeout: 30_000 });
    expect(await held.textContent()).toMatch(/Too many new links: wait \d+ s\./);
    // The links are on the device meanwhile, and reach the server once the wait is over.
    expect(await page.locator('[data-testid="link-row"][data-slug^="held-"]').count()).toBe(8);
    await held.waitFor({ state: 'detached', timeout: 60_000 });
    await expect.poll(() => redirectStatus('held-7'), { timeout: 30_000 }).toBe(302);
    for (const slug of slugs) expect(await redirectStatus(slug)).toBe(302);
  });
});
