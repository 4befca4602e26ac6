// The office's whole path in real Chromium: an admin uploads a messy manifest, confirms the
// columns, imports (good rows after seeing the report); a scanner's device gets it by replication
// and scans two waybills; the admin dashboard follows without a reload; the export has those rows.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCRIPT_TEXT, makeExceljsManifest } from '../fixtures/xlsx/make-fixtures';
import { collectPageErrors, launchChromium, type Browser } from '../helpers/browser';
import {
  TEST_ADMIN_PASSWORD,
  TEST_ADMIN_USER,
  startTestSyncServer,
  type TestSyncServer,
} from '../helpers/sync-server';
import { chooseManifest, logIn, typeCode } from './scan-helpers';

let server: TestSyncServer;
let browser: Browser;
let dir: string;
let file: string;

beforeAll(async () => {
  dir = await mkdtemp(join(os.tmpdir(), 'dockhand-admin-e2e-'));
  file = join(dir, 'acme-1-may.xlsx');
  await makeExceljsManifest(file);
  server = await startTestSyncServer();
  await server.createUser('sam', 'sam-password-123', ['scanner']);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('admin manifest', () => {
  it('upload → mapping → import → device scans → live dashboard → export', async () => {
    const adminContext = await browser.newContext({ acceptDownloads: true });
    const page = await adminContext.newPage();
    const errors = collectPageErrors(page);
    let alerted = false;
    page.on('dialog', (dialog) => {
      alerted = true;
      void dialog.dismiss();
    });

    await logIn(page, server.url, TEST_ADMIN_USER, TEST_ADMIN_PASSWORD);
    await page.goto(`${server.url}/admin/upload/`);
    // A file name with a right-to-left override: shown with it visible, never reversed.
    await page.getByTestId('upload-input').setInputFiles({
      name: 'ACME\u202exslx.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: await readFile(file),
    });

    // Preview: the detected header and the suggested mapping; cell text shown as text.
    await page.getByTestId('preview-table').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('preview-row').count()).toBeGreaterThan(3);
    expect(await page.getByTestId('upload-file-name').textContent()).toBe('ACME‹U+202E›xslx.xlsx');
    expect(await page.getByTestId('preview-table').textContent()).toContain(SCRIPT_TEXT);
    expect(await page.locator('[data-testid="preview-table"] script').count()).toBe(0);
    expect(await page.getByTestId('map-waybill').inputValue()).toBe('1');
    expect(await page.getByTestId('map-consignee').inputValue()).toBe('2');
    await page.getByTestId('manifest-name').fill('ACME 1 May');
    await page.getByTestId('import-start').click();

    // The file has bad rows: nothing imported, the report shows why, then "import the good rows".
    const progress = page.getByTestId('import-progress');
    await expect
      .poll(() => progress.getAttribute('data-state'), { timeout: 30_000 })
      .toBe('failed');
    expect(await page.getByTestId('upload-error').getAttribute('data-code')).toBe(
      'IMPORT_ERR_ROWS_INVALID',
    );
    expect(await page.getByTestId('report-counts').textContent()).toContain('Duplicate');
    expect(page.url()).toContain('?import=');

    // The person leaves and opens the upload page again (no address to come back to): the page
    // shows that import again, and the good rows can be imported without uploading the file.
    await page.goto(`${server.url}/admin/`);
    await page.goto(`${server.url}/admin/upload/`);
    await expect
      .poll(() => progress.getAttribute('data-state'), { timeout: 30_000 })
      .toBe('failed');
    expect(await page.getByTestId('report-counts').textContent()).toContain('Duplicate');
    await page.getByTestId('import-good-rows').click();
    await expect.poll(() => progress.getAttribute('data-state'), { timeout: 30_000 }).toBe('done');
    expect(await page.getByTestId('import-written').textContent()).toBe('4');
    const manifestId = (await progress.getAttribute('data-manifest-id'))!;
    expect(manifestId).toMatch(/^m-/);
    // A reload while (or after) importing comes back to the same import.
    await page.reload();
    await expect.poll(() => progress.getAttribute('data-manifest-id')).toBe(manifestId);
    expect(await progress.getAttribute('data-state')).toBe('done');

    // The dashboard, opened once and never reloaded from here on.
    await page.goto(`${server.url}/admin/`);
    const card = page.locator(`[data-testid="manifest-row"][data-manifest-id="${manifestId}"]`);
    const count = (name: string) => card.getByTestId(`count-${name}`).textContent();
    await expect.poll(() => count('expected'), { timeout: 30_000 }).toBe('4');
    // The refused attempt before it is not a second, red "failed" card of the same name.
    expect(await page.getByTestId('manifest-row').filter({ hasText: 'ACME 1 May' }).count()).toBe(
      1,
    );
    expect(await count('scanned')).toBe('0');
    expect(await count('missing')).toBe('4');

    // A scanner's device (its own browser context) gets the manifest and scans two waybills.
    const scannerContext = await browser.newContext();
    const scanner = await scannerContext.newPage();
    const scannerErrors = collectPageErrors(scanner);
    await logIn(scanner, server.url, 'sam', 'sam-password-123');
    await chooseManifest(scanner, manifestId, 4);
    await typeCode(scanner, 'JD0001');
    await typeCode(scanner, '000001234');
    await typeCode(scanner, 'NOT-ON-IT');

    await expect.poll(() => count('scanned'), { timeout: 30_000 }).toBe('2');
    await expect.poll(() => count('missing'), { timeout: 30_000 }).toBe('2');
    await expect.poll(() => count('unexpected'), { timeout: 30_000 }).toBe('1');
    expect(await page.getByTestId('latest-scan').count()).toBe(3);
    expect(
      await page.locator('[data-testid="scanner-row"][data-user="sam"]').textContent(),
    ).toContain('3');
    expect(Number(await page.getByTestId('scans-chart').getAttribute('data-total'))).toBe(3);

    // Search and filter the waybills.
    await page.getByTestId('waybill-filter').selectOption('missing');
    await expect.poll(() => page.getByTestId('waybill-total').getAttribute('data-total')).toBe('2');
    await page.getByTestId('waybill-search').fill('ok-');
    await expect.poll(() => page.getByTestId('waybill-row').count()).toBe(1);

    // Exports through the admin's session: the scanned rows, leading zeros kept.
    const scannedHref = await page.getByTestId('export-scanned-xlsx').getAttribute('href');
    const xlsx = await adminContext.request.get(`${server.url}${scannedHref}`);
    expect(xlsx.status()).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await xlsx.body()) as never);
    const ws = wb.worksheets[0]!;
    const numbers = [2, 3].map((r) => ws.getRow(r).getCell(1).value).sort();
    expect(numbers).toEqual(['000001234', 'JD0001']);
    expect(ws.rowCount).toBe(3);
    const missingHref = await page.getByTestId('export-missing-csv').getAttribute('href');
    const csv = await (await adminContext.request.get(`${server.url}${missingHref}`)).text();
    expect(
      csv
        .replace(/^\ufeff/, '')
        .split('\r\n')
        .slice(1, 3)
        .map((l) => l.split(',')[0])
        .sort(),
    ).toEqual(['JD0002', 'OK-3']);
    const unexpectedHref = await page.getByTestId('export-unexpected-csv').getAttribute('href');
    const unexpected = await (
      await adminContext.request.get(`${server.url}${unexpectedHref}`)
    ).text();
    expect(unexpected).toContain('NOT-ON-IT');

    // A scanner may not use the admin pages.
    await scanner.goto(`${server.url}/admin/`);
    await scanner.getByTestId('admin-forbidden').waitFor({ timeout: 15_000 });

    expect(alerted).toBe(false);
    expect(errors).toEqual([]);
    expect(scannerErrors).toEqual([]);
    await scannerContext.close();
    await adminContext.close();
  });

  it('a sheet whose header is not recognised: the person picks the header row and the columns', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Day').addRows([
      ['Dispatch list, Ikeja'],
      ['Item', 'Destination', 'Qty'],
      ['X-0001', 'Lagos', 2],
      ['X-0002', 'Abuja', 1],
    ]);
    const plain = join(dir, 'plain-list.xlsx');
    await wb.xlsx.writeFile(plain);
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await logIn(page, server.url, TEST_ADMIN_USER, TEST_ADMIN_PASSWORD);
    await page.goto(`${server.url}/admin/upload/`);
    await page.getByTestId('upload-input').setInputFiles(plain);
    await page.getByTestId('preview-table').waitFor({ timeout: 30_000 });
    // Nothing to import until a header row is chosen; then its names label the columns.
    expect(await page.getByTestId('upload-error').getAttribute('data-code')).toBe(
      'IMPORT_ERR_NO_HEADER',
    );
    expect(await page.getByTestId('mapping-form').count()).toBe(0);
    await page.getByTestId('header-row-select').selectOption('2');
    await page.getByTestId('mapping-form').waitFor();
    expect(
      await page.locator('[data-testid="preview-row"][data-header="true"] th').textContent(),
    ).toBe('2');
    expect(await page.getByTestId('map-waybill').inputValue()).toBe('');
    await page.getByTestId('map-waybill').selectOption({ label: 'A: Item' });
    await page.getByTestId('manifest-name').fill('Plain list');
    await page.getByTestId('import-start').click();
    const progress = page.getByTestId('import-progress');
    await expect.poll(() => progress.getAttribute('data-state'), { timeout: 30_000 }).toBe('done');
    expect(await page.getByTestId('import-written').textContent()).toBe('2');
    expect(errors).toEqual([]);
    await context.close();
  });
});
