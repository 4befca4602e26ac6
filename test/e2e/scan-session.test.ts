// A scan session end to end: manifests seeded through the admin API reach the device by
// replication; typed, wedge and undo scans are answered from the device's index (matched,
// duplicate by whom, unknown, other-manifest, rejected) and reach the server; offline too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  collectPageErrors,
  launchChromium,
  waitForServiceWorkerControl,
  type Browser,
} from '../helpers/browser';
import { startTestSyncServer, type TestSyncServer } from '../helpers/sync-server';
import {
  chooseManifest,
  logIn,
  nextResult,
  seedManifest,
  seedScan,
  serverScans,
  typeCode,
  typeWithKeyTiming,
} from './scan-helpers';

let server: TestSyncServer;
let browser: Browser;

beforeAll(async () => {
  server = await startTestSyncServer();
  await server.createUser('ana', 'ana-password-123', ['scanner']);
  await seedManifest(server, {
    id: 'm-dock1',
    name: 'Dock 1 Monday',
    status: 'open',
    numbers: ['JD0001', 'JD0002', 'JD0003'],
  });
  await seedManifest(server, {
    id: 'm-dock2',
    name: 'Dock 2 Monday',
    status: 'open',
    numbers: ['WB9001'],
    waybillPattern: '^WB\\d{4}$',
  });
  await seedManifest(server, {
    id: 'm-importing',
    name: 'Still importing',
    status: 'importing',
    numbers: ['IMP0001'],
  });
  // Another device already scanned JD0003 at 08:15.
  await seedScan(server, {
    _id: 'dev-bo:01JNQ0000000000000000000B1',
    code: 'JD0003',
    normalised: 'JD0003',
    manifestId: 'm-dock1',
    result: 'matched',
    source: 'camera',
    deviceId: 'dev-bo',
    user: 'bo',
    scannedAt: '2026-03-02T08:15:00.000Z',
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('scan session', () => {
  it('answers every kind of scan from the device, undoes, takes wedge bursts and works offline', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await logIn(page, server.url, 'ana', 'ana-password-123');
    await waitForServiceWorkerControl(page);

    // Only open manifests are offered; bo's scan (pulled) already counts.
    await chooseManifest(page, 'm-dock1', 3);
    const picker = page.getByTestId('manifest-picker');
    expect(await picker.locator('option[value="m-importing"]').count()).toBe(0);
    const progress = page.getByTestId('scan-progress');
    await expect.poll(() => progress.getAttribute('data-scanned'), { timeout: 30_000 }).toBe('1');

    expect((await nextResult(page, () => typeCode(page, 'JD0001'))).result).toBe('matched');
    await expect.poll(() => progress.getAttribute('data-scanned')).toBe('2');

    const again = await nextResult(page, () => typeCode(page, ' jd0001 '));
    expect(again.result).toBe('duplicate');
    expect(again.text).toContain('by ana');

    const bo = await nextResult(page, () => typeCode(page, 'JD0003'));
    expect(bo.result).toBe('duplicate');
    expect(bo.text).toContain('by bo at 08:15');

    expect((await nextResult(page, () => typeCode(page, 'ZZ999'))).result).toBe('unknown');
    // A manifest still importing is invisible: its numbers are unknown, not "other manifest".
    expect((await nextResult(page, () => typeCode(page, 'IMP0001'))).result).toBe('unknown');

    const other = await nextResult(page, () => typeCode(page, 'WB9001'));
    expect(other.result).toBe('other-manifest');
    expect(other.text).toContain('Dock 2 Monday');

    // A GS1 SSCC with a wrong check digit is refused and not recorded. (The list is a live
    // query: count once the last recorded scan is in it.)
    await page.locator('[data-testid="scan-row"][data-code="WB9001"]').waitFor();
    const rowsBefore = await page.getByTestId('scan-row').count();
    const bad = await nextResult(page, () => typeCode(page, '(00)106141411234567890'));
    expect(bad.result).toBe('rejected');
    expect(bad.text).toContain('GS1');

    expect((await nextResult(page, () => typeCode(page, 'JD0002'))).result).toBe('matched');
    await expect.poll(() => progress.getAttribute('data-scanned')).toBe('3');
    await expect.poll(() => page.getByTestId('scan-row').count()).toBe(rowsBefore + 1);

    // Undo: a void event naming the scan; the count goes back.
    await page.getByTestId('scan-undo').click();
    await expect.poll(() => progress.getAttribute('data-scanned')).toBe('2');
    await expect
      .poll(() =>
        page
          .locator('[data-testid="scan-row"][data-code="JD0002"][data-result="matched"]')
          .getAttribute('data-voided'),
      )
      .toBe('true');

    // A wedge burst with focus outside any field (8 ms between keys, then Enter).
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    const wedge = await nextResult(page, async () => {
      await typeWithKeyTiming(page, 'JD0002', 8);
    });
    expect(wedge.result).toBe('matched');
    await expect.poll(() => progress.getAttribute('data-scanned')).toBe('3');
    await expect
      .poll(() => page.locator('[data-testid="scan-row"]').first().getAttribute('data-source'))
      .toBe('wedge');

    // A burst while the typed-entry field has focus: recorded once, as wedge, field cleared.
    const rowsBeforeBurst = await page.getByTestId('scan-row').count();
    await page.getByTestId('scan-input').focus();
    const burst = await nextResult(page, async () => {
      await typeWithKeyTiming(page, 'ZZ4242', 8);
    });
    expect(burst.code).toBe('ZZ4242');
    await expect.poll(() => page.getByTestId('scan-row').count()).toBe(rowsBeforeBurst + 1);
    expect(await page.getByTestId('scan-input').inputValue()).toBe('');
    expect(await page.locator('[data-testid="scan-row"]').first().getAttribute('data-source')).toBe(
      'wedge',
    );

    // A Bluetooth scanner sends in chunks: an 80 ms pause mid-code; the whole code, once.
    await page.getByTestId('scan-input').focus();
    const chunked = await nextResult(page, async () => {
      await typeWithKeyTiming(page, 'ZZ515151', [5, 5, 5, 80, 5, 5, 5, 5]);
    });
    expect(chunked.code).toBe('ZZ515151');
    await expect.poll(() => page.getByTestId('scan-row').count()).toBe(rowsBeforeBurst + 2);
    expect(await page.getByTestId('scan-input').inputValue()).toBe('');

    // A person typing at human speed in the field is manual entry, not a wedge scan.
    await page.getByTestId('scan-input').focus();
    const typed = await nextResult(page, async () => {
      await typeWithKeyTiming(page, 'ZZ7777', 110);
    });
    expect(typed.code).toBe('ZZ7777');
    await expect
      .poll(() => page.locator('[data-testid="scan-row"]').first().getAttribute('data-source'))
      .toBe('manual');
    await expect.poll(() => page.getByTestId('scan-row').count()).toBe(rowsBeforeBurst + 3);

    // At phone width every number in the feed is shown whole, not cut to a stub (a UPS number
    // is 18 characters).
    expect((await nextResult(page, () => typeCode(page, '1Z999AA10123456784'))).result).toBe(
      'unknown',
    );
    await page.setViewportSize({ width: 360, height: 740 });
    const cut = await page
      .getByTestId('scan-row-number')
      .evaluateAll((spans) =>
        spans
          .filter(
            (span) => span.scrollWidth > span.clientWidth + 1 || span.getClientRects().length === 0,
          )
          .map((span) => span.textContent),
      );
    expect(cut).toEqual([]);
    await page.setViewportSize({ width: 1280, height: 720 });

    // Everything reaches the server, pulled scans never counted as pending.
    const status = page.getByTestId('sync-status');
    await expect.poll(() => status.getAttribute('data-pending'), { timeout: 30_000 }).toBe('0');
    const scans = await serverScans(server);
    const mine = scans.filter((s) => s.user === 'ana');
    expect(mine).toHaveLength(13); // 12 scans and 1 void
    const voidDoc = mine.find((s) => s.result === 'void');
    expect(voidDoc?.voids).toBeTruthy();
    expect(mine.find((s) => s._id === voidDoc?.voids)?.normalised).toBe('JD0002');
    expect(
      mine
        .filter((s) => s.source === 'wedge')
        .map((s) => s.normalised)
        .sort(),
    ).toEqual(['JD0002', 'ZZ4242', 'ZZ515151']);
    expect(mine.some((s) => s.normalised === '106141411234567890')).toBe(false);

    // Offline, after a reload: the remembered manifest, the index and the pattern still work.
    await page.getByTestId('manifest-picker').selectOption('m-dock2');
    await context.setOffline(true);
    await page.reload();
    await expect.poll(() => status.getAttribute('data-online')).toBe('false');
    await expect
      .poll(() => page.getByTestId('scan-progress').getAttribute('data-expected'), {
        timeout: 30_000,
      })
      .toBe('1');
    expect(await page.getByTestId('manifest-picker').inputValue()).toBe('m-dock2');
    expect((await nextResult(page, () => typeCode(page, 'WB9001'))).result).toBe('matched');
    const stray = await nextResult(page, () => typeCode(page, '4006381333931'));
    expect(stray.result).toBe('rejected');
    expect(stray.text).toContain('not a waybill number of this manifest');
    await expect.poll(() => status.getAttribute('data-pending')).toBe('1');
    await context.setOffline(false);
    await expect.poll(() => status.getAttribute('data-pending'), { timeout: 30_000 }).toBe('0');
    expect(errors).toEqual([]);
    await context.close();
  });
});
