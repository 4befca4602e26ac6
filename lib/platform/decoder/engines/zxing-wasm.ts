// ZXing-C++ in WebAssembly behind the decoder interface: by default in a module worker, so a slow
// frame (TRY_HARDER on a cluttered 640x480 image) never blocks the beep or the feed.
import type {
  BarcodeDecoder,
  BarcodeFormat,
  Decoded,
  DecodeFrame,
  DecodeHint,
  DecoderOptions,
} from '../types';
import { DEFAULT_WASM_URL, readerOptionsFor, regionOptionsFor } from './zxing-wasm-options';
import type { FramePlan, ReadTrace } from './zxing-wasm-read';
import type { WorkerRequest, WorkerResponse } from './zxing-wasm.worker';

function planFor(formats: readonly BarcodeFormat[]): FramePlan {
  return { whole: readerOptionsFor(formats), region: regionOptionsFor(formats) };
}

/**
 * The video's current frame as something to transfer: a VideoFrame (no copy on this thread; the
 * worker reads its luma plane) where WebCodecs exists, else an ImageBitmap (a copy and a colour
 * conversion, ~13 ms a 640x480 frame on this thread in headless Chromium).
 */
async function grab(video: HTMLVideoElement): Promise<VideoFrame | ImageBitmap> {
  if (typeof VideoFrame === 'function') {
    try {
      return new VideoFrame(video);
    } catch {
      // no frame to wrap yet, or a browser that cannot wrap a video element: copy instead
    }
  }
  return createImageBitmap(video);
}

function defaultWorker(): Worker {
  return new Worker(new URL('./zxing-wasm.worker.ts', import.meta.url), {
    type: 'module',
    name: 'zxing-wasm',
  });
}

async function inThreadDecoder(
  formats: readonly BarcodeFormat[],
  wasmUrl: string,
): Promise<BarcodeDecoder> {
  const [{ prepareZxingWasm, readFrameWithZxingWasm }, { imageDataFrom, pixelsFromImageData }] =
    await Promise.all([import('./zxing-wasm-read'), import('../frame')]);
  prepareZxingWasm(wasmUrl);
  const plan = planFor(formats);
  // Frame buffers are reused between reads (frame.ts): one read at a time.
  let queue: Promise<unknown> = Promise.resolve();
  return {
    name: 'zxing-wasm',
    formats,
    decode(frame, hint) {
      const read = queue.then(() =>
        readFrameWithZxingWasm(pixelsFromImageData(imageDataFrom(frame)), plan, hint),
      );
      queue = read.catch(() => undefined);
      return read;
    },
    dispose() {},
  };
}

function workerDecoder(
  formats: readonly BarcodeFormat[],
  wasmUrl: string,
  worker: Worker,
  onTrace?: DecoderOptions['onTrace'],
): BarcodeDecoder {
  const pending = new Map<
    number,
    { resolve: (r: Decoded[]) => void; reject: (e: Error) => void; trace?: ReadTrace }
  >();
  let nextId = 1;
  let broken: Error | null = null;

  const failAll = (error: Error) => {
    broken = error;
    for (const { reject } of pending.values()) reject(error);
    pending.clear();
  };
  worker.onmessage = (event: MessageEvent<WorkerResponse>) => {
    const reply = event.data;
    const waiter = pending.get(reply.id);
    if (!waiter) return;
    pending.delete(reply.id);
    if (reply.type === 'decoded' && onTrace && waiter.trace && reply.trace) {
      const now = performance.timeOrigin + performance.now();
      const trace = { ...waiter.trace, ...reply.trace };
      trace['posted→worker'] = reply.trace['posted→worker']! - waiter.trace['posted→worker']!;
      trace['worker→reply'] = now - reply.trace['worker→reply']!;
      onTrace(trace);
    }
    if (reply.type === 'decoded') waiter.resolve(reply.results);
    else waiter.reject(new Error(`zxing-wasm worker: ${reply.error}`));
  };
  worker.onerror = (event) => failAll(new Error(`zxing-wasm worker crashed: ${event.message}`));
  const init: WorkerRequest = {
    type: 'init',
    wasmUrl: new URL(wasmUrl, location.href).href,
    plan: planFor(formats),
  };
  worker.postMessage(init);

  return {
    name: 'zxing-wasm',
    formats,
    async decode(frame: DecodeFrame, hint?: DecodeHint): Promise<Decoded[]> {
      if (broken) throw broken;
      const grabbing = performance.now();
      const transferable =
        frame instanceof ImageData || frame instanceof ImageBitmap ? frame : await grab(frame);
      const id = nextId++;
      const request: WorkerRequest = { type: 'decode', id, frame: transferable, hint };
      const posted = performance.now();
      const trace: ReadTrace | undefined = onTrace
        ? { grab: posted - grabbing, 'posted→worker': performance.timeOrigin + posted }
        : undefined;
      if (trace) request.trace = true;
      return new Promise<Decoded[]>((resolve, reject) => {
        pending.set(id, { resolve, reject, trace });
        worker.postMessage(request, [
          transferable instanceof ImageData ? transferable.data.buffer : transferable,
        ]);
      });
    },
    dispose() {
      worker.terminate();
      failAll(new Error('zxing-wasm decoder disposed'));
    },
  };
}

export async function createZxingWasmDecoder(
  formats: readonly BarcodeFormat[],
  options: DecoderOptions = {},
): Promise<BarcodeDecoder> {
  const wasmUrl = options.wasmUrl ?? DEFAULT_WASM_URL;
  if (options.inThread || typeof Worker === 'undefined') return inThreadDecoder(formats, wasmUrl);
  return workerDecoder(
    formats,
    wasmUrl,
    (options.createWorker ?? defaultWorker)(),
    options.onTrace,
  );
}
