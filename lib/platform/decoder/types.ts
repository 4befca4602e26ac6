// The one decoder interface every barcode engine implements (ARCHITECTURE.md "Scanning feedback").
import type { BarcodeFormat } from '@/lib/core/read-filter';

export type { BarcodeFormat };

export type EngineName = 'barcode-detector-native' | 'zxing-js' | 'zxing-wasm';

export const ENGINE_NAMES: readonly EngineName[] = [
  'barcode-detector-native',
  'zxing-js',
  'zxing-wasm',
];

export interface Point {
  x: number;
  y: number;
}

export interface Decoded {
  /**
   * The data as a scanner would transmit it. GS1 symbols (GS1-128, GS1 DataMatrix, GS1 QR) carry
   * their AIM symbology identifier (`]C1`, `]d2`, `]Q3`) and GS (0x1D) between variable-length
   * elements, which `waybillCodeFrom` in lib/core understands; other symbols are plain text.
   */
  text: string;
  format: BarcodeFormat;
  /** Corners in frame pixels, clockwise from top-left of the symbol, when the engine reports them. */
  cornerPoints?: Point[];
}

/**
 * A camera frame. An ImageData's pixel buffer and an ImageBitmap are transferred to a worker by
 * engines that decode off the main thread: the caller must not use them after `decode`.
 */
export type DecodeFrame = ImageData | ImageBitmap | HTMLVideoElement;

/** What the caller knows about a frame before it is read. */
export interface DecodeHint {
  /**
   * Corners of a code in the previous frame that still waits for its agreeing frame: an engine
   * may read around there first (a fraction of the time) and the whole frame only if that fails.
   */
  near?: readonly Point[];
  /** The format of the code at `near`. */
  format?: BarcodeFormat;
}

export interface BarcodeDecoder {
  readonly name: EngineName;
  readonly formats: readonly BarcodeFormat[];
  /**
   * All symbols found in the frame; an empty list when there is none (never throws for that).
   * With a hint, an engine may return only the symbols near it.
   */
  decode(frame: DecodeFrame, hint?: DecodeHint): Promise<Decoded[]>;
  /** Frees the worker / WASM instance; the decoder must not be used afterwards. */
  dispose(): void;
}

export interface DecoderOptions {
  /** Defaults to every format Dockhand scans. */
  formats?: readonly BarcodeFormat[];
  /** zxing-wasm: where our origin serves the reader .wasm. */
  wasmUrl?: string;
  /** zxing-wasm: decode on the calling thread instead of in a module worker. */
  inThread?: boolean;
  /** zxing-wasm: makes the module worker (lets a test page or bundler supply its own URL). */
  createWorker?: () => Worker;
  /**
   * zxing-wasm: called after every read with the milliseconds each step took (grabbing the
   * frame, handing it to the worker, each read pass, the reply): for benchmarks.
   */
  onTrace?: (trace: Record<string, number>) => void;
  /** zxing-js: TRY_HARDER (slower, reads more damaged/rotated codes). */
  tryHarder?: boolean;
}

export class DecoderUnavailableError extends Error {
  constructor(
    readonly engine: EngineName,
    reason: string,
  ) {
    super(`${engine} is not available: ${reason}`);
  }
}
