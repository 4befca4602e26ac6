// Module worker that runs ZXing-C++ off the main thread; frames arrive as transferables.
import { imageDataFrom } from '../frame';
import type { Decoded } from '../types';
import { prepareZxingWasm, readWithZxingWasm } from './zxing-wasm-read';
import type { ReaderOptions } from 'zxing-wasm/reader';

export type WorkerRequest =
  | { type: 'init'; wasmUrl: string; options: ReaderOptions }
  | { type: 'decode'; id: number; frame: ImageData | ImageBitmap };

export type WorkerResponse =
  | { type: 'decoded'; id: number; results: Decoded[] }
  | { type: 'failed'; id: number; error: string };

const scope = self as unknown as DedicatedWorkerGlobalScope;
let options: ReaderOptions = {};

scope.onmessage = async (event: MessageEvent<WorkerRequest>) => {
  const message = event.data;
  if (message.type === 'init') {
    prepareZxingWasm(message.wasmUrl);
    options = message.options;
    return;
  }
  const { id, frame } = message;
  let reply: WorkerResponse;
  try {
    const image = imageDataFrom(frame);
    if (!(frame instanceof ImageData)) frame.close();
    reply = { type: 'decoded', id, results: await readWithZxingWasm(image, options) };
  } catch (error) {
    reply = { type: 'failed', id, error: error instanceof Error ? error.message : String(error) };
  }
  scope.postMessage(reply);
};
