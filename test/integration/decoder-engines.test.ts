// Decoder engines in real headless Chromium: exact text for the symbols Dockhand scans, GS1 FNC1
// in a form lib/core understands, and one pass through the fake camera.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waybillCodeFrom } from '@/lib/core/waybill-code';
import { DEFAULT_ENGINE, type EngineName } from '@/lib/platform/decoder';
import { launchChromium, type Browser, type Page } from '../helpers/browser';
import { isCorrectRead, makeClip, makeFrame, type CodeSpec } from '../helpers/clips';
import { startDecoderHarness, type DecoderHarnessServer } from '../helpers/decoder-page/server';

const CLIPS_DIR = join(tmpdir(), 'dockhand-clips');
const SSCC = '106141411234567897';

const CODES: Record<string, CodeSpec> = {
  code128: { kind: 'code128', text: 'JD014600006281234' },
  sscc: { kind: 'gs1-128', text: `(00)${SSCC}` },
  qr: { kind: 'qr', text: 'https://dockhand.example/r/k7Qm2x' },
  datamatrix: { kind: 'datamatrix', text: 'JD014600006281299' },
  pdf417: { kind: 'pdf417', text: 'JD014600006281266' },
  aztec: { kind: 'aztec', text: 'JD014600006281288' },
};

const OTHER_ENGINE: EngineName = DEFAULT_ENGINE === 'zxing-wasm' ? 'zxing-js' : 'zxing-wasm';

let harness: DecoderHarnessServer;
let browser: Browser;
let page: Page;
const frames: Record<string, string> = {};

beforeAll(async () => {
  for (const [name, code] of Object.entries(CODES)) {
    frames[name] = await makeFrame({ ...code, variant: 'clean', outDir: CLIPS_DIR });
  }
  harness = await startDecoderHarness(CLIPS_DIR);
  browser = await launchChromium();
  page = await browser.newPage();
  await page.goto(harness.url);
  await page.waitForFunction(() => 'decoderHarness' in window);
});

afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

async function decode(engine: EngineName, name: string) {
  await page.evaluate((e) => window.decoderHarness.init({ engine: e }), engine);
  const [outcome] = await page.evaluate(
    (urls) => window.decoderHarness.decodeUrls(urls),
    [harness.frameUrl(frames[name]!)],
  );
  expect(outcome!.error).toBeUndefined();
  return outcome!.results;
}

describe.each([DEFAULT_ENGINE, OTHER_ENGINE])('%s in Chromium', (engine) => {
  it('reads a Code 128 waybill exactly', async () => {
    expect(await decode(engine, 'code128')).toMatchObject([
      { text: CODES.code128!.text, format: 'code128' },
    ]);
  });

  it('reads a QR code exactly', async () => {
    expect(await decode(engine, 'qr')).toMatchObject([{ text: CODES.qr!.text, format: 'qr' }]);
  });

  it('reads a DataMatrix exactly', async () => {
    expect(await decode(engine, 'datamatrix')).toMatchObject([
      { text: CODES.datamatrix!.text, format: 'datamatrix' },
    ]);
  });

  it('reads a PDF417 exactly', async () => {
    expect(await decode(engine, 'pdf417')).toMatchObject([
      { text: CODES.pdf417!.text, format: 'pdf417' },
    ]);
  });

  // zxing-js finds no Aztec symbol in this clean frame; `it.fails` keeps the gap visible.
  const aztecTest = engine === 'zxing-js' ? it.fails : it;
  aztecTest('reads an Aztec code exactly', async () => {
    expect(await decode(engine, 'aztec')).toMatchObject([
      { text: CODES.aztec!.text, format: 'aztec' },
    ]);
  });

  // zxing-js misses this dense all-numeric (code set C) symbol at 2.5 px per module, even clean
  // (bench/decode.bench.ts: 9/20 GS1-128 frames, ]C1 correct on those it reads). `it.fails`
  // keeps the gap visible and turns red once it is fixed.
  const ssccTest = engine === 'zxing-js' ? it.fails : it;
  ssccTest(
    'reads a GS1-128 SSCC with its ]C1 identifier, which normalises to the SSCC',
    async () => {
      const results = await decode(engine, 'sscc');
      expect(results).toMatchObject([{ text: `]C100${SSCC}`, format: 'code128' }]);
      expect(waybillCodeFrom(results[0]!.text)).toMatchObject({ ok: true, value: SSCC });
    },
  );
});

// The whole-frame read misses these (ZXing's per-line threshold); the levelled, enlarged region
// pass and the glare-flattened one read them (lib/platform/decoder/regions.ts).
it.each([
  { name: 'a Code 128 at 1.5 px per module', code: CODES.code128!, variant: 'small' as const },
  {
    name: 'a GS1-128 at 1.5 px per module',
    code: { kind: 'gs1-128', text: '(00)340123450000001236' } as CodeSpec,
    variant: 'small' as const,
  },
  { name: 'a Code 128 under glare', code: CODES.code128!, variant: 'glare' as const },
  {
    name: 'an ITF-14 under glare',
    code: { kind: 'itf14', text: '15400141288763' } as CodeSpec,
    variant: 'glare' as const,
  },
  {
    name: 'an ITF-14 tilted 15° (bearer bars cut every row)',
    code: { kind: 'itf14', text: '15400141288763' } as CodeSpec,
    variant: 'rotated-15' as const,
  },
])('$name is read by zxing-wasm, and read correctly', async ({ code, variant }) => {
  const frame = await makeFrame({ ...code, variant, outDir: CLIPS_DIR });
  await page.evaluate(() => window.decoderHarness.init({ engine: 'zxing-wasm' }));
  const [outcome] = await page.evaluate(
    (urls) => window.decoderHarness.decodeUrls(urls),
    [harness.frameUrl(frame)],
  );
  expect(outcome!.error).toBeUndefined();
  expect(outcome!.results.length).toBeGreaterThan(0);
  for (const read of outcome!.results) expect(isCorrectRead(code, read.text)).toBe(true);
});

it(`${DEFAULT_ENGINE} reads a waybill from the fake camera after a second of clutter`, async () => {
  const clip = await makeClip({ ...CODES.code128!, variant: 'clean', outDir: CLIPS_DIR });
  const cameraBrowser = await launchChromium({ fakeCameraClip: clip });
  try {
    const cameraPage = await cameraBrowser.newPage();
    await cameraPage.goto(harness.url);
    await cameraPage.waitForFunction(() => 'decoderHarness' in window);
    await cameraPage.evaluate((e) => window.decoderHarness.init({ engine: e }), DEFAULT_ENGINE);
    const scan = await cameraPage.evaluate(() => window.decoderHarness.scanCamera(15_000));
    expect(scan.results).toMatchObject([{ text: CODES.code128!.text, format: 'code128' }]);
  } finally {
    await cameraBrowser.close();
  }
});
