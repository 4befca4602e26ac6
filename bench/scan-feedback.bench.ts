// Time from a code entering the camera view to the feedback on screen, in headless Chromium.
// A canvas stream is the camera (so the moment the code appears is known exactly); everything
// after it is the real read path (see bench/pages/scan-feedback-page.ts). 1D codes need two
// agreeing frames, so they pay at least one more frame than 2D codes.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '../test/helpers/browser';
import { expectedValue, makeFrame, type CodeSpec } from '../test/helpers/clips';
import { percentile, serveBenchPage } from './pages/serve';

const CLIPS_DIR = process.env.DOCKHAND_CLIPS_DIR ?? join(tmpdir(), 'dockhand-clips');
const TRIALS = 60;
const CODES: CodeSpec[] = [
  { kind: 'code128', text: 'JD014600006281234' },
  { kind: 'gs1-128', text: '(00)106141411234567897' },
  { kind: 'qr', text: 'JD014600006281299' },
  { kind: 'datamatrix', text: 'JD014600006281277' },
];

async function main(): Promise<void> {
  const frames = [];
  for (const code of CODES) {
    const path = await makeFrame({ ...code, variant: 'clean', outDir: CLIPS_DIR });
    frames.push({ path, expected: expectedValue(code), kind: code.kind });
  }
  const server = await serveBenchPage('scan-feedback-page.ts', CLIPS_DIR);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.waitForFunction(() => document.title === 'ready');
    const out = await page.evaluate((o) => window.scanFeedbackBench(o), {
      frames: frames.map((f) => ({
        url: `${server.url}frames/${encodeURIComponent(f.path.split('/').pop()!)}`,
        expected: f.expected,
      })),
      trials: TRIALS,
    });
    const ms = [...out.ms].sort((a, b) => a - b);
    console.log(
      `# ${TRIALS} trials over ${CODES.map((c) => c.kind).join(', ')} (clean 640x480 frames at 30 fps, zxing-wasm in its worker): ${ms.length} shown, ${out.misses} missed, ${out.wrong} wrong`,
    );
    frames.forEach((f, i) => {
      const own = [...out.byFrame[i]!].sort((a, b) => a - b);
      console.log(
        `# ${f.kind}: p50 ${percentile(own, 50).toFixed(0)} ms, p95 ${percentile(own, 95).toFixed(0)} ms (${own.length} trials)`,
      );
    });
    for (const [phase, values] of Object.entries(out.phases)) {
      const sorted = [...values].sort((a, b) => a - b);
      console.log(
        `# phase ${phase}: p50 ${percentile(sorted, 50).toFixed(0)} ms, p95 ${percentile(sorted, 95).toFixed(0)} ms (${sorted.length})`,
      );
    }
    for (const [kind, named] of Object.entries(out.steps)) {
      const parts = Object.entries(named).map(([name, values]) => {
        const sorted = [...values].sort((a, b) => a - b);
        return `${name} ${percentile(sorted, 50).toFixed(1)}/${percentile(sorted, 95).toFixed(1)} (${sorted.length})`;
      });
      console.log(`# steps of the ${kind} decode, p50/p95 ms: ${parts.join(', ')}`);
    }
    console.log(`figure: scan-feedback-p50 ${percentile(ms, 50).toFixed(0)} ms`);
    console.log(`figure: scan-feedback-p95 ${percentile(ms, 95).toFixed(0)} ms (target <= 150)`);
    console.log(`# scan-feedback max ${ms[ms.length - 1]!.toFixed(0)} ms`);
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
