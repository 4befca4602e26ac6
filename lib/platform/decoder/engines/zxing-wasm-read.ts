// ZXing-C++ (zxing-wasm reader build) on whatever thread imports this: the worker, or the page
// when a decoder is created with `inThread`. The .wasm always comes from our own origin.
import {
  prepareZXingModule,
  readBarcodes,
  type ReaderOptions,
  type ReadResult,
} from 'zxing-wasm/reader';
import type { BarcodeFormat, Decoded } from '../types';
import { DEFAULT_WASM_URL } from './zxing-wasm-options';

function formatFrom(result: ReadResult): BarcodeFormat | null {
  const name: string = result.format;
  if (name === 'Code128') return 'code128';
  if (name.startsWith('QRCode') || name === 'QR Code') return 'qr';
  if (name === 'DataMatrix') return 'datamatrix';
  if (name === 'EAN13' || name === 'EAN-13') return 'ean13';
  if (name.startsWith('Code39')) return 'code39';
  if (name.startsWith('ITF')) return 'itf';
  return null;
}

let preparedFor: string | null = null;

/** Points the module at our .wasm; the module itself loads on the first read. */
export function prepareZxingWasm(wasmUrl: string = DEFAULT_WASM_URL): void {
  if (preparedFor === wasmUrl) return;
  prepareZXingModule({
    overrides: {
      locateFile: (path: string, prefix: string) =>
        path.endsWith('.wasm') ? new URL(wasmUrl, self.location.href).href : prefix + path,
    },
  });
  preparedFor = wasmUrl;
}

function decodedFrom(result: ReadResult): Decoded | null {
  const format = formatFrom(result);
  if (!format || !result.isValid) return null;
  const text =
    result.contentType === 'GS1' ? `${result.symbologyIdentifier}${result.text}` : result.text;
  const { topLeft, topRight, bottomRight, bottomLeft } = result.position;
  return { text, format, cornerPoints: [topLeft, topRight, bottomRight, bottomLeft] };
}

export async function readWithZxingWasm(
  image: ImageData,
  options: ReaderOptions,
): Promise<Decoded[]> {
  const results = await readBarcodes(image, options);
  return results.map(decodedFrom).filter((d): d is Decoded => d !== null);
}
