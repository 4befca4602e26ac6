// Reader options for zxing-wasm, kept apart from the module so the page side stays light.
import type { ReadInputBarcodeFormat, ReaderOptions } from 'zxing-wasm/reader';
import type { BarcodeFormat } from '../types';

/** Where our origin serves the reader .wasm (copied from node_modules by copy-wasm.ts). */
export const DEFAULT_WASM_URL = '/wasm/zxing_reader.wasm';

const TO_ZXING: Record<BarcodeFormat, ReadInputBarcodeFormat> = {
  code128: 'Code128',
  qr: 'QRCode',
  datamatrix: 'DataMatrix',
  ean13: 'EAN13',
  code39: 'Code39',
  itf: 'ITF',
};

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
