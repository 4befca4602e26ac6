// The browser's own BarcodeDetector (Shape Detection API): Android Chrome, macOS/ChromeOS Chrome,
// Safari 17+. Absent on Linux and Windows desktop Chromium. https://wicg.github.io/shape-detection-api/
import type { BarcodeDecoder, BarcodeFormat, Decoded, DecodeFrame } from '../types';
import { DecoderUnavailableError } from '../types';

interface DetectedBarcode {
  rawValue: string;
  format: string;
  cornerPoints: { x: number; y: number }[];
}

interface BarcodeDetectorInstance {
  detect(source: ImageBitmapSource): Promise<DetectedBarcode[]>;
}

interface BarcodeDetectorClass {
  new (options?: { formats: string[] }): BarcodeDetectorInstance;
  getSupportedFormats(): Promise<string[]>;
}

/** The Shape Detection API's names; it has none for MaxiCode. */
const TO_NATIVE: Partial<Record<BarcodeFormat, string>> = {
  code128: 'code_128',
  qr: 'qr_code',
  datamatrix: 'data_matrix',
  pdf417: 'pdf417',
  aztec: 'aztec',
  ean13: 'ean_13',
  ean8: 'ean_8',
  upca: 'upc_a',
  upce: 'upc_e',
  code39: 'code_39',
  code93: 'code_93',
  codabar: 'codabar',
  itf: 'itf',
};

const FROM_NATIVE = new Map(
  Object.entries(TO_NATIVE).map(([ours, theirs]) => [theirs, ours as BarcodeFormat]),
);

function detectorClass(): BarcodeDetectorClass | undefined {
  return (globalThis as { BarcodeDetector?: BarcodeDetectorClass }).BarcodeDetector;
}

/** True when the browser has BarcodeDetector and it supports at least one of `formats`. */
export async function hasNativeBarcodeDetector(
  formats: readonly BarcodeFormat[],
): Promise<boolean> {
  const Detector = detectorClass();
  if (!Detector) return false;
  const supported = new Set(await Detector.getSupportedFormats());
  return formats.some((f) => supported.has(TO_NATIVE[f] ?? ''));
}

export async function createNativeDecoder(
  formats: readonly BarcodeFormat[],
): Promise<BarcodeDecoder> {
  const Detector = detectorClass();
  if (!Detector) throw new DecoderUnavailableError('barcode-detector-native', 'no BarcodeDetector');
  const supported = new Set(await Detector.getSupportedFormats());
  const usable = formats.filter((f) => supported.has(TO_NATIVE[f] ?? ''));
  if (usable.length === 0) {
    throw new DecoderUnavailableError('barcode-detector-native', 'none of the formats supported');
  }
  const detector = new Detector({ formats: usable.map((f) => TO_NATIVE[f]!) });
  return {
    name: 'barcode-detector-native',
    formats: usable,
    async decode(frame: DecodeFrame): Promise<Decoded[]> {
      const found = await detector.detect(frame);
      const decoded: Decoded[] = [];
      for (const barcode of found) {
        const format = FROM_NATIVE.get(barcode.format);
        // The platform detectors do not report FNC1/symbology identifiers; a GS1-128 SSCC comes
        // through as its element string, which waybillCodeFrom reads when it holds GS or "(00)".
        if (format)
          decoded.push({ text: barcode.rawValue, format, cornerPoints: barcode.cornerPoints });
      }
      return decoded;
    },
    dispose() {},
  };
}
