// Decoder engines on the hard clip set in real headless Chromium: read rate, misreads and time
// per 640x480 frame, per engine and per variant. Prints `figure:` lines and a `# ` table.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '../test/helpers/browser';
import {
  isCorrectRead,
  makeFrameSet,
  VARIANTS,
  type ClipSetEntry,
  type Variant,
} from '../test/helpers/clips';
import type { FrameOutcome, HarnessDecoderConfig } from '../test/helpers/decoder-page/harness';
import { startDecoderHarness } from '../test/helpers/decoder-page/server';

const CLIPS_DIR = process.env.DOCKHAND_CLIPS_DIR ?? join(tmpdir(), 'dockhand-clips');
const BATCH = 16; // frames per page.evaluate round trip

interface Config extends HarnessDecoderConfig {
  label: string;
}

const CONFIGS: Config[] = [
  { label: 'zxing-wasm', engine: 'zxing-wasm' },
  { label: 'zxing-js', engine: 'zxing-js', tryHarder: true },
  { label: 'zxing-js-fast', engine: 'zxing-js', tryHarder: false },
];

interface Scored {
  entry: ClipSetEntry;
  read: boolean;
  misreads: string[];
  ms: number;
  error?: string;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const fixed = (n: number, digits = 1) => n.toFixed(digits);

async function main(): Promise<void> {
  const started = Date.now();
  const entries = await makeFrameSet(CLIPS_DIR);
  const codes = new Set(entries.map((e) => `${e.kind}:${e.text}`)).size;
  console.log(
    `# clip set: ${entries.length} frames = ${codes} codes x ${VARIANTS.length} variants (inverted only for 2D codes), 640x480, in ${CLIPS_DIR} (${((Date.now() - started) / 1000).toFixed(1)} s to make/check)`,
  );
  const harness = await startDecoderHarness(CLIPS_DIR);
  const browser = await launchChromium();
  const results = new Map<string, Scored[]>();
  try {
    const page = await browser.newPage();
    await page.goto(harness.url);
    await page.waitForFunction(() => 'decoderHarness' in window);
    const native = await page.evaluate(() => window.decoderHarness.hasBarcodeDetector());
    const configs: Config[] = native
      ? [{ label: 'barcode-detector-native', engine: 'barcode-detector-native' }, ...CONFIGS]
      : CONFIGS;
    if (!native) {
      console.log(
        '# barcode-detector-native: no BarcodeDetector in this Chromium (Linux headless); not measured',
      );
    }
    for (const config of configs) {
      const { ms: initMs } = await page.evaluate((c) => window.decoderHarness.init(c), {
        engine: config.engine,
        tryHarder: config.tryHarder,
        inThread: config.inThread,
      });
      const scored: Scored[] = [];
      for (let at = 0; at < entries.length; at += BATCH) {
        const batch = entries.slice(at, at + BATCH);
        const outcomes: FrameOutcome[] = await page.evaluate(
          (urls) => window.decoderHarness.decodeUrls(urls),
          batch.map((e) => harness.frameUrl(e.frame)),
        );
        outcomes.forEach((outcome, i) => {
          const entry = batch[i]!;
          const texts = outcome.results.map((r) => r.text);
          scored.push({
            entry,
            read: texts.some((t) => isCorrectRead(entry, t)),
            misreads: texts.filter((t) => !isCorrectRead(entry, t)),
            ms: outcome.ms,
            error: outcome.error,
          });
        });
      }
      await page.evaluate(() => window.decoderHarness.dispose());
      results.set(config.label, scored);
      console.log(`# ${config.label}: ready in ${fixed(initMs)} ms (load + warm-up frame)`);
    }
  } finally {
    await browser.close();
    await harness.close();
  }

  const labels = [...results.keys()];
  // Per-variant table: correct reads / frames.
  console.log(`# per variant (correct reads / frames):`);
  console.log(`# ${'variant'.padEnd(13)} ${labels.map((l) => l.padStart(14)).join(' ')}`);
  const rowsOf = (key: (e: ClipSetEntry) => string, names: readonly string[]) => {
    for (const name of names) {
      const cells = labels.map((label) => {
        const rows = results.get(label)!.filter((s) => key(s.entry) === name);
        return `${rows.filter((s) => s.read).length}/${rows.length}`.padStart(14);
      });
      console.log(`# ${name.padEnd(13)} ${cells.join(' ')}`);
    }
  };
  rowsOf((e) => e.variant, VARIANTS as readonly Variant[]);
  console.log(`# per code kind:`);
  rowsOf((e) => e.kind, [...new Set(entries.map((e) => e.kind))]);

  for (const label of labels) {
    const scored = results.get(label)!;
    const missed = scored.filter((s) => !s.read).map((s) => `${s.entry.kind}/${s.entry.variant}`);
    if (missed.length > 0) console.log(`# ${label} missed: ${missed.join(', ')}`);
    for (const s of scored.filter((s) => s.misreads.length > 0 || s.error)) {
      console.log(
        `# ${label} ${s.entry.kind}/${s.entry.variant}: ${s.error ? `error ${s.error}` : `misread ${JSON.stringify(s.misreads)}`}`,
      );
    }
  }
  for (const label of labels) {
    const scored = results.get(label)!;
    const times = scored.map((s) => s.ms).sort((a, b) => a - b);
    const rate = (100 * scored.filter((s) => s.read).length) / scored.length;
    const misreads = scored.reduce((n, s) => n + s.misreads.length, 0);
    console.log(`figure: decode-rate-${label} ${fixed(rate)} % (target >= 95)`);
    console.log(`figure: decode-misreads-${label} ${misreads} count (target <= 0)`);
    console.log(`figure: decode-frame-p50-${label} ${fixed(percentile(times, 50))} ms`);
    console.log(`figure: decode-frame-p95-${label} ${fixed(percentile(times, 95))} ms`);
  }
  // Per symbology, for the first engine (the default): read rate and misreads.
  const first = results.get(labels[0]!)!;
  for (const kind of new Set(entries.map((e) => e.kind))) {
    const scored = first.filter((s) => s.entry.kind === kind);
    const rate = (100 * scored.filter((s) => s.read).length) / scored.length;
    const misreads = scored.reduce((n, s) => n + s.misreads.length, 0);
    console.log(`figure: decode-rate-${labels[0]}-${kind} ${fixed(rate)} %`);
    console.log(`figure: decode-misreads-${labels[0]}-${kind} ${misreads} count (target <= 0)`);
  }
  const best = labels
    .map((label) => {
      const scored = results.get(label)!;
      const reads = scored.filter((s) => s.read).length;
      const misreads = scored.reduce((n, s) => n + s.misreads.length, 0);
      return { label, reads, misreads };
    })
    .sort((a, b) => a.misreads - b.misreads || b.reads - a.reads)[0]!;
  console.log(
    `# recommended default engine: ${best.label} (most correct reads with fewest misreads; frame time is for one 640x480 frame, including the worker hop for zxing-wasm)`,
  );
  console.log(`# total ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
