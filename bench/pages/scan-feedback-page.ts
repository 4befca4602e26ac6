// Browser side of bench/scan-feedback.bench.ts: a canvas stream stands in for the camera and
// feeds the real read path — <video> + requestVideoFrameCallback → zxing-wasm in its worker →
// agreeingReads/suppressRepeats → waybillCodeFrom → match index → feedbackFor → colour on screen.
// Timed from the frame the code first appears on to the first paint of the result colour.
import { createMatchIndex } from '@/lib/core/scan-matching';
import { feedbackFor } from '@/lib/core/scan-feedback';
import { waybillCodeFrom } from '@/lib/core/waybill-code';
import { startReadLoop, videoFrames } from '@/lib/platform/camera-reads';
import { createDecoder, type BarcodeDecoder } from '@/lib/platform/decoder';

declare global {
  interface Window {
    scanFeedbackBench(options: {
      frames: Array<{ url: string; expected: string }>;
      trials: number;
    }): Promise<{
      ms: number[];
      byFrame: number[][];
      misses: number;
      wrong: number;
      phases: Record<string, number[]>;
      steps: Record<string, Record<string, number[]>>;
    }>;
  }
}

const W = 640;
const H = 480;
const FRAME_MS = 33; // ~30 fps, like the fake camera and most phone cameras

window.scanFeedbackBench = async ({ frames, trials }) => {
  const canvas = document.createElement('canvas');
  canvas.width = W;
  canvas.height = H;
  const ctx = canvas.getContext('2d')!;
  const images = await Promise.all(
    frames.map(async (f) => createImageBitmap(await (await fetch(f.url)).blob())),
  );
  const flash = document.createElement('div');
  flash.style.cssText = 'position:fixed;inset:0;display:none;font:bold 80px sans-serif';
  document.body.append(canvas, flash);

  const index = createMatchIndex();
  for (const f of frames) index.addWaybill('M1', f.expected);

  let drawCode: ImageBitmap | null = null;
  let seed = 1;
  const clutter = () => {
    for (let i = 0; i < 60; i += 1) {
      seed = (seed * 16_807) % 2_147_483_647;
      ctx.fillStyle = `hsl(${seed % 360} 40% ${30 + (seed % 50)}%)`;
      ctx.fillRect(seed % W, (seed >> 8) % H, 20 + (seed % 90), 20 + ((seed >> 4) % 90));
    }
  };
  const timer = window.setInterval(() => {
    if (drawCode) ctx.drawImage(drawCode, 0, 0, W, H);
    else clutter();
  }, FRAME_MS);

  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = canvas.captureStream(30);
  document.body.append(video);
  await video.play();

  let lastTrace: Record<string, number> = {};
  const engine = await createDecoder('zxing-wasm', {
    createWorker: () =>
      new Worker(new URL('/zxing-wasm.worker.js', location.href), { type: 'module' }),
    onTrace: (trace) => {
      lastTrace = trace;
    },
  });
  await engine.decode(new ImageData(W, H)); // compile the wasm before timing
  // Every decode's start and end (and its steps), to split the latency into phases afterwards.
  const decodes: Array<{
    start: number;
    end: number;
    found: number;
    trace: Record<string, number>;
  }> = [];
  const decoder: BarcodeDecoder = {
    name: engine.name,
    formats: engine.formats,
    async decode(frame, hint) {
      const start = performance.now();
      lastTrace = {};
      const reads = await engine.decode(frame, hint);
      decodes.push({ start, end: performance.now(), found: reads.length, trace: lastTrace });
      return reads;
    },
    dispose: () => engine.dispose(),
  };

  let onShown: ((code: string) => void) | null = null;
  let handedAt = 0;
  const loop = startReadLoop({
    decoder,
    nextFrame: videoFrames(video),
    now: () => performance.now(),
    repeatWindowMs: 300,
    onReads(reads) {
      handedAt = performance.now();
      for (const read of reads) {
        const code = waybillCodeFrom(read.text);
        if (!code.ok) continue;
        const answer = feedbackFor(index.classify('M1', code.value), code.value);
        flash.textContent = answer.headline;
        flash.style.background = answer.colour;
        flash.style.display = 'block';
        requestAnimationFrame(() => onShown?.(code.value));
      }
    },
  });

  const ms: number[] = [];
  const byFrame: number[][] = frames.map(() => []);
  const phases: Record<string, number[]> = {
    'in-flight decode': [],
    'frame wait': [],
    'first decode': [],
    'agreeing decode': [],
    'decodes before the code': [],
    'decode end→onReads': [],
    paint: [],
  };
  const steps: Record<string, Record<string, number[]>> = {
    'in-flight': {},
    first: {},
    agreeing: {},
  };
  const addSteps = (kind: string, trace: Record<string, number>) => {
    for (const [name, value] of Object.entries(trace)) (steps[kind]![name] ??= []).push(value);
  };
  let misses = 0;
  let wrong = 0;
  for (let t = 0; t < trials; t += 1) {
    drawCode = null;
    flash.style.display = 'none';
    await new Promise((r) => setTimeout(r, 600)); // clutter, longer than the repeat window
    const k = t % frames.length;
    const shown = new Promise<string | null>((resolve) => {
      onShown = resolve;
      setTimeout(() => resolve(null), 3_000);
    });
    drawCode = images[k]!;
    ctx.drawImage(drawCode, 0, 0, W, H);
    const t0 = performance.now();
    decodes.length = 0;
    const code = await shown;
    const shownAt = performance.now();
    onShown = null;
    // Phases: the decode running when the code appeared, waits for new frames, the decode that
    // first saw the code, the agreeing one (1D), and from the last decode to the paint.
    const busy = decodes.find((d) => d.start < t0);
    const after = decodes.filter((d) => d.start >= t0);
    const first = after.findIndex((d) => d.found > 0);
    const last = decodes[decodes.length - 1];
    if (busy) {
      phases['in-flight decode']!.push(busy.end - t0);
      addSteps('in-flight', busy.trace);
    }
    if (first >= 0 && last) {
      const seen = after.slice(first);
      phases['decodes before the code']!.push(
        after.slice(0, first).reduce((sum, d) => sum + d.end - d.start, 0),
      );
      phases['first decode']!.push(seen[0]!.end - seen[0]!.start);
      addSteps('first', seen[0]!.trace);
      for (const d of seen.slice(1)) {
        phases['agreeing decode']!.push(d.end - d.start);
        addSteps('agreeing', d.trace);
      }
      phases['decode end→onReads']!.push(handedAt - last.end);
      let waited = 0;
      let previousEnd = busy ? busy.end : t0;
      for (const d of after) {
        waited += Math.max(0, d.start - previousEnd);
        previousEnd = d.end;
      }
      phases['frame wait']!.push(waited);
      phases['paint']!.push(shownAt - last.end);
    }
    if (code === null) misses += 1;
    else if (code !== frames[k]!.expected) wrong += 1;
    else {
      ms.push(performance.now() - t0);
      byFrame[k]!.push(performance.now() - t0);
    }
  }
  loop.stop();
  window.clearInterval(timer);
  decoder.dispose();
  return { ms, byFrame, misses, wrong, phases, steps };
};
document.title = 'ready';
