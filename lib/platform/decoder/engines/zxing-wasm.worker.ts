// Module worker that runs ZXing-C++ off the main thread; frames arrive as transferables.
import { imageDataFrom } from '../frame';
import type { Decoded, DecodeHint } from '../types';
import { prepareZxingWasm, readFrameWithZxingWasm, type FramePlan } from './zxing-wasm-read';

export type WorkerRequest =
  | { type: 'init'; wasmUrl: string; plan: FramePlan }
  | { type: 'decode'; id: number; frame: ImageData | ImageBitmap; hint?: DecodeHint };

export type WorkerResponse =
  | { type: 'decoded'; id: number; results: Decoded[] }
  | { type: 'failed'; id: number; error: string };

const scope = self as unknown as DedicatedWorkerGlobalScope;
let plan: FramePlan = { whole: {}, region: null };

scope.onmessage = async (event: MessageEvent<WorkerRequest>) => {
  const message = event.data;
  if (message.type === 'init') {
    prepareZxingWasm(message.wasmUrl);
    plan = message.plan;
    return;
  }
  const { id, frame, hint } = message;
  let reply: WorkerResponse;
  try {
    const image = imageDataFrom(frame);
    if (!(frame instanceof ImageData)) frame.close();
    reply = { type: 'decoded', id, results: await readFrameWithZxingWasm(image, plan, hint) };
  } catch (error) {
    reply = { type: 'failed', id, error: error instanceof Error ? error.message : String(error) };
  }
  scope.postMessage(reply);
};
