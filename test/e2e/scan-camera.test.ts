// Camera scanning with Chromium's fake camera: a .y4m clip (1 s of clutter, then the code) per
// symbology, one browser per clip. Each read must end in the right result on screen and in the
// scan document on the server, and closing the camera must end every track.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPageErrors, launchChromium } from '../helpers/browser';
import { makeClip, type CodeSpec } from '../helpers/clips';
import { startTestSyncServer, type TestSyncServer } from '../helpers/sync-server';
import { chooseManifest, logIn, nextResult, seedManifest, serverScans } from './scan-helpers';

const CLIPS_DIR = process.env.DOCKHAND_CLIPS_DIR ?? join(tmpdir(), 'dockhand-clips');

const CASES: Array<{ name: string; code: CodeSpec; expected: string }> = [
  {
    name: 'Code 128 waybill',
    code: { kind: 'code128', text: 'JD014600006281234' },
    expected: 'JD014600006281234',
  },
  {
    name: 'GS1-128 SSCC',
    code: { kind: 'gs1-128', text: '(00)106141411234567897' },
    expected: '106141411234567897',
  },
  { name: 'QR', code: { kind: 'qr', text: 'JD014600006281299' }, expected: 'JD014600006281299' },
  {
    name: 'DataMatrix',
    code: { kind: 'datamatrix', text: 'JD014600006281277' },
    expected: 'JD014600006281277',
  },
  // FedEx ground and postal labels carry PDF417.
  {
    name: 'PDF417',
    code: { kind: 'pdf417', text: 'JD014600006281255' },
    expected: 'JD014600006281255',
  },
];

/** A product's EAN-13 on the parcel, not on the manifest. */
const PRODUCT_EAN = '4006381333931';

let server: TestSyncServer;
const clips = new Map<string, string>();

beforeAll(async () => {
  server = await startTestSyncServer();
  await server.createUser('cam', 'cam-password-123', ['scanner']);
  await seedManifest(server, {
    id: 'm-cam',
    name: 'Camera dock',
    status: 'open',
    numbers: CASES.map((c) => c.expected),
  });
  for (const c of CASES) {
    clips.set(c.name, await makeClip({ ...c.code, variant: 'clean', outDir: CLIPS_DIR }));
  }
  clips.set(
    'product',
    await makeClip({ kind: 'ean13', text: PRODUCT_EAN, variant: 'clean', outDir: CLIPS_DIR }),
  );
});

afterAll(async () => {
  await server?.close();
});

describe('camera scanning', () => {
  it('answers a product barcode grey "Not a waybill" and records nothing', async () => {
    const browser = await launchChromium({ fakeCameraClip: clips.get('product')! });
    try {
      const page = await (await browser.newContext()).newPage();
      const errors = collectPageErrors(page);
      await logIn(page, server.url, 'cam', 'cam-password-123');
      await chooseManifest(page, 'm-cam', CASES.length);
      const shown = await nextResult(page, () => page.getByTestId('camera-open').click(), 30_000);
      expect(shown).toMatchObject({ result: 'rejected', code: PRODUCT_EAN });
      expect(shown.text).toContain('Not a waybill');
      expect(await page.getByTestId('scan-row').count()).toBe(0);
      await page.getByTestId('camera-close').click();
      expect((await serverScans(server)).some((s) => s.normalised === PRODUCT_EAN)).toBe(false);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it.each(CASES)('$name: matched on screen and on the server', async ({ name, expected }) => {
    const browser = await launchChromium({ fakeCameraClip: clips.get(name)! });
    try {
      const context = await browser.newContext();
      // Record every stream the page opens, to prove none is left running.
      await context.addInitScript(() => {
        const streams: MediaStream[] = [];
        (window as unknown as { __streams: MediaStream[] }).__streams = streams;
        const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
        navigator.mediaDevices.getUserMedia = async (constraints) => {
          const stream = await original(constraints);
          streams.push(stream);
          return stream;
        };
      });
      const page = await context.newPage();
      const errors = collectPageErrors(page);
      if (process.env.DEBUG_CAMERA) page.on('console', (m) => console.log('[page]', m.text()));
      await logIn(page, server.url, 'cam', 'cam-password-123');
      await chooseManifest(page, 'm-cam', CASES.length);

      const shown = await nextResult(page, () => page.getByTestId('camera-open').click(), 30_000);
      expect(shown).toMatchObject({ result: 'matched', code: expected });

      await expect
        .poll(async () => (await serverScans(server)).filter((s) => s.normalised === expected), {
          timeout: 30_000,
        })
        .toHaveLength(1);
      const [doc] = (await serverScans(server)).filter((s) => s.normalised === expected);
      expect(doc).toMatchObject({
        source: 'camera',
        result: 'matched',
        manifestId: 'm-cam',
        user: 'cam',
      });
      expect(doc!.code.length).toBeGreaterThan(0);

      // Held in view, the code does not fire again (repeat suppression).
      await page.waitForTimeout(1_000);
      expect(await page.locator(`[data-testid="scan-row"][data-code="${expected}"]`).count()).toBe(
        1,
      );

      await page.getByTestId('camera-close').click();
      await expect
        .poll(() =>
          page.evaluate(() =>
            (window as unknown as { __streams: MediaStream[] }).__streams.flatMap((s) =>
              s.getTracks().map((t) => t.readyState),
            ),
          ),
        )
        .toEqual(expect.arrayContaining(['ended']));
      const live = await page.evaluate(
        () =>
          (window as unknown as { __streams: MediaStream[] }).__streams
            .flatMap((s) => s.getTracks())
            .filter((t) => t.readyState === 'live').length,
      );
      expect(live).toBe(0);
      expect(errors).toEqual([]);
      await context.close();
    } finally {
      await browser.close();
    }
  });

  it('stops the camera when the page is hidden', async () => {
    const browser = await launchChromium({ fakeCameraClip: clips.get('QR')! });
    try {
      const context = await browser.newContext();
      const page = await context.newPage();
      await logIn(page, server.url, 'cam', 'cam-password-123');
      await page.getByTestId('camera-open').click();
      await expect
        .poll(() => page.getByTestId('camera-view').getAttribute('data-state'), { timeout: 30_000 })
        .toBe('running');
      await page.evaluate(() => {
        Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
        document.dispatchEvent(new Event('visibilitychange'));
      });
      await expect
        .poll(() => page.getByTestId('camera-view').getAttribute('data-state'))
        .toBe('paused');
      expect(
        await page.getByTestId('camera-video').evaluate((v: HTMLVideoElement) => v.srcObject),
      ).toBeNull();
      await context.close();
    } finally {
      await browser.close();
    }
  });
});
