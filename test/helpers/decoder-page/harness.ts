// Browser side of the decoder harness: loads PNG frames into ImageData and times each engine's
// decode on them. Bundled by server.ts with esbuild; driven from Node through page.evaluate.
import { createDecoder } from '@/lib/platform/decoder';
import type { BarcodeDecoder, Decoded, EngineName } from '@/lib/platform/decoder';

export interface HarnessDecoderConfig {
  engine: EngineName;
  tryHarder?: boolean;
  inThread?: boolean;
}

export interface FrameOutcome {
  results: Decoded[];
  ms: number;
  error?: string;
}

export interface DecoderHarness {
  init(config: HarnessDecoderConfig): Promise<{ ms: number }>;
  decodeUrls(urls: string[]): Promise<FrameOutcome[]>;
  /** Opens the (fake) camera and decodes its video frames until a read or the timeout. */
  scanCamera(timeoutMs: number): Promise<{ results: Decoded[]; frames: number; ms: number }>;
  dispose(): void;
  hasBarcodeDetector(): boolean;
}

declare global {
  interface Window {
    decoderHarness: DecoderHarness;
  }
}

let decoder: BarcodeDecoder | null = null;
const canvas = document.createElement('canvas');
const ctx = canvas.getContext('2d', { willReadFrequently: true })!;

async function imageDataOf(url: string): Promise<ImageData> {
  const bitmap = await createImageBitmap(await (await fetch(url)).blob());
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  return ctx.getImageData(0, 0, canvas.width, canvas.height);
}

window.decoderHarness = {
  async init(config) {
    decoder?.dispose();
    const started = performance.now();
    decoder = await createDecoder(config.engine, {
      tryHarder: config.tryHarder,
      inThread: config.inThread,
      createWorker: () =>
        new Worker(new URL('/zxing-wasm.worker.js', location.href), { type: 'module' }),
    });
    // Warm up (WASM compile, JIT) on an empty frame so per-frame times are steady state.
    await decoder.decode(new ImageData(640, 480));
    return { ms: performance.now() - started };
  },
  async decodeUrls(urls) {
    if (!decoder) throw new Error('init first');
    const outcomes: FrameOutcome[] = [];
    for (const url of urls) {
      const image = await imageDataOf(url);
      const started = performance.now();
      try {
        const results = await decoder.decode(image);
        outcomes.push({ results, ms: performance.now() - started });
      } catch (error) {
        outcomes.push({ results: [], ms: performance.now() - started, error: String(error) });
      }
    }
    return outcomes;
  },
  async scanCamera(timeoutMs) {
    if (!decoder) throw new Error('init first');
    const stream = await navigator.mediaDevices.getUserMedia({
      video: { width: 640, height: 480 },
    });
    const video = document.createElement('video');
    video.muted = true;
    video.srcObject = stream;
    await video.play();
    const started = performance.now();
    let frames = 0;
    try {
      while (performance.now() - started < timeoutMs) {
        const results = await decoder.decode(video);
        frames += 1;
        if (results.length > 0) return { results, frames, ms: performance.now() - started };
        await new Promise((next) => requestAnimationFrame(next));
      }
      return { results: [], frames, ms: performance.now() - started };
    } finally {
      for (const track of stream.getTracks()) track.stop();
    }
  },
  dispose() {
    decoder?.dispose();
    decoder = null;
  },
  hasBarcodeDetector: () => 'BarcodeDetector' in window,
};
