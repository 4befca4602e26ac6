// Entry point of the barcode decoder: pick an engine by name, loaded lazily so the scan page
// pays for the engine it uses only when the camera opens.
import { BARCODE_FORMATS } from '@/lib/core/read-filter';
import type { BarcodeDecoder, DecoderOptions, EngineName } from './types';

export * from './types';

/**
 * The default by measurement (bench/decode.bench.ts, 124 hard 640x480 frames, headless Chromium,
 * 2 busy cores): zxing-wasm with its 1D region pass (regions.ts) read 100 % with 0 misreads at
 * p50 27 ms / p95 66 ms per frame (in its worker; 93.5 % without the region pass); zxing-js with
 * TRY_HARDER 72.6 %, 0 misreads, p50 21 ms / p95 279 ms on the main thread.
 */
export const DEFAULT_ENGINE: EngineName = 'zxing-wasm';

export async function createDecoder(
  engine: EngineName = DEFAULT_ENGINE,
  options: DecoderOptions = {},
): Promise<BarcodeDecoder> {
  const formats = options.formats ?? BARCODE_FORMATS;
  switch (engine) {
    case 'barcode-detector-native': {
      const { createNativeDecoder } = await import('./engines/barcode-detector');
      return createNativeDecoder(formats);
    }
    case 'zxing-js': {
      const { createZxingJsDecoder } = await import('./engines/zxing-js');
      return createZxingJsDecoder(formats, options);
    }
    case 'zxing-wasm': {
      const { createZxingWasmDecoder } = await import('./engines/zxing-wasm');
      return createZxingWasmDecoder(formats, options);
    }
  }
}

/** Engines this browser can run, in the order of preference for a person to choose from. */
export async function availableEngines(): Promise<EngineName[]> {
  const engines: EngineName[] = ['zxing-wasm', 'zxing-js'];
  const { hasNativeBarcodeDetector } = await import('./engines/barcode-detector');
  if (await hasNativeBarcodeDetector(BARCODE_FORMATS)) engines.push('barcode-detector-native');
  return engines;
}
