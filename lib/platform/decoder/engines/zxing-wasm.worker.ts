// Module worker that runs ZXing-C++ off the main thread; frames arrive as transferables.
import {
  imageDataFrom,
  pixelsFromImageData,
  pixelsFromVideoFrame,
  type FramePixels,
} from '../frame';
import type { Decoded, DecodeHint } from '../types';
import {
  prepareZxingWasm,
  readFrameWithZxingWasm,
  type FramePlan,
  type ReadTrace,
} from './zxing-wasm-read';

export type WorkerRequest =
  | { type: 'init'; wasmUrl: string; plan: FramePlan }
  | {
      type: 'decode';
      id: number;
      frame: ImageData | ImageBitmap | VideoFrame;
      hint?: DecodeHint;
      /** Reply with the time each step took (bench/scan-feedback.bench.ts). */
      trace?: boolean;
    };

export type WorkerResponse =
  | { type: 'decoded'; id: number; results: Decoded[]; trace?: ReadTrace }
  | { type: 'failed'; id: number; error: string };

const scope = self as unknown as DedicatedWorkerGlobalScope;
let plan: FramePlan = { whole: {}, region: null };

/** Reads one frame; the frame buffers are reused (frame.ts), so reads never overlap. */
async function decode(
  message: Extract<WorkerRequest, { type: 'decode' }>,
): Promise<WorkerResponse> {
  const { id, frame, hint } = message;
  try {
    const started = performance.now();
    const trace: ReadTrace | undefined = message.trace
      ? { 'posted→worker': performance.timeOrigin + started }
      : undefined;
    let pixels: FramePixels;
    if (typeof VideoFrame !== 'undefined' && frame instanceof VideoFrame) {
      if (trace) trace[`from ${frame.format ?? 'unknown'}`] = 0;
      pixels = await pixelsFromVideoFrame(frame);
    } else {
      pixels = pixelsFromImageData(imageDataFrom(frame as ImageData | ImageBitmap));
      if (!(frame instanceof ImageData)) frame.close();
    }
    if (trace) trace.pixels = performance.now() - started;
    const results = await readFrameWithZxingWasm(pixels, plan, hint, trace);
    if (trace) trace['worker→reply'] = performance.timeOrigin + performance.now();
    return { type: 'decoded', id, results, trace };
  } catch (error) {
    return { type: 'failed', id, error: error instanceof Error ? error.message : String(error) };
  }
}

let queue: Promise<void> = Promise.resolve();

scope.onmessage = (event: MessageEvent<WorkerRequest>) => {
  const message = event.data;
  if (message.type === 'init') {
    prepareZxingWasm(message.wasmUrl);
    plan = message.plan;
    return;
  }
  queue = queue.then(async () => scope.postMessage(await decode(message)));
};
