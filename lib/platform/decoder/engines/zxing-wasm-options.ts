// Reader options for zxing-wasm, kept apart from the module so the page side stays light.
import type { ReadInputBarcodeFormat, ReaderOptions } from 'zxing-wasm/reader';
import { isMatrixFormat } from '@/lib/core/read-filter';
import type { BarcodeFormat } from '../types';

/** Where our origin serves the reader .wasm (copied from node_modules by copy-wasm.ts). */
export const DEFAULT_WASM_URL = '/wasm/zxing_reader.wasm';

const TO_ZXING: Record<BarcodeFormat, ReadInputBarcodeFormat> = {
  code128: 'Code128',
  qr: 'QRCode',
  datamatrix: 'DataMatrix',
  pdf417: 'PDF417',
  aztec: 'Aztec',
  maxicode: 'MaxiCode',
  ean13: 'EAN13',
  ean8: 'EAN8',
  upca: 'UPCA',
  upce: 'UPCE',
  code39: 'Code39',
  code93: 'Code93',
  codabar: 'Codabar',
  itf: 'ITF',
};

/** The whole-frame read: every format, every rotation, inverted and downscaled tries. */
export function readerOptionsFor(formats: readonly BarcodeFormat[]): ReaderOptions {
  return {
    formats: formats.map((f) => TO_ZXING[f]),
    tryHarder: true,
    tryRotate: true,
    tryInvert: true,
    tryDownscale: true,
    // "Plain" keeps FNC1 separators as GS bytes; the leading FNC1 shows in symbologyIdentifier.
    textMode: 'Plain',
    maxNumberOfSymbols: 8,
  };
}

/**
 * The read near a hinted code (the agreeing frame of a 1D code): its format only, no inverted
 * or downscaled tries, rotated only when the code stands upright.
 */
export function hintedOptionsFor(format: BarcodeFormat, upright: boolean): ReaderOptions {
  return {
    ...readerOptionsFor([format]),
    tryRotate: upright,
    tryInvert: false,
    tryDownscale: false,
  };
}

/**
 * The second pass on a levelled, enlarged region (regions.ts): 1D formats only, bars already
 * upright and dark on a white label, so a fixed threshold beats ZXing's per-line histogram,
 * which a highlight or 1.5 px modules throw off (bench/decode.bench.ts). Null when no 1D format.
 */
export function regionOptionsFor(formats: readonly BarcodeFormat[]): ReaderOptions | null {
  const linear = formats.filter((f) => !isMatrixFormat(f));
  if (linear.length === 0) return null;
  return {
    ...readerOptionsFor(linear),
    binarizer: 'FixedThreshold',
    tryRotate: false,
    tryInvert: false,
    tryDownscale: false,
    maxNumberOfSymbols: 1,
  };
}
