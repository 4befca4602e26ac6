// @zxing/library (pure JavaScript ZXing port) on the calling thread, one frame at a time: we use
// MultiFormatReader directly rather than @zxing/browser's camera loop (500 ms between attempts).
import {
  BarcodeFormat as ZxFormat,
  BinaryBitmap,
  DecodeHintType,
  HybridBinarizer,
  MultiFormatReader,
  NotFoundException,
  ChecksumException,
  FormatException,
  RGBLuminanceSource,
  type LuminanceSource,
  type Result,
} from '@zxing/library';
import { imageDataFrom, luminanceFrom } from '../frame';
import type { BarcodeDecoder, BarcodeFormat, Decoded, DecodeFrame, DecoderOptions } from '../types';

const TO_ZXING: Record<BarcodeFormat, ZxFormat> = {
  code128: ZxFormat.CODE_128,
  qr: ZxFormat.QR_CODE,
  datamatrix: ZxFormat.DATA_MATRIX,
  pdf417: ZxFormat.PDF_417,
  aztec: ZxFormat.AZTEC,
  maxicode: ZxFormat.MAXICODE,
  ean13: ZxFormat.EAN_13,
  ean8: ZxFormat.EAN_8,
  upca: ZxFormat.UPC_A,
  upce: ZxFormat.UPC_E,
  code39: ZxFormat.CODE_39,
  code93: ZxFormat.CODE_93,
  codabar: ZxFormat.CODABAR,
  itf: ZxFormat.ITF,
};

const FROM_ZXING = new Map<ZxFormat, BarcodeFormat>(
  Object.entries(TO_ZXING).map(([ours, theirs]) => [theirs, ours as BarcodeFormat]),
);

const GS = '\u001d';

/**
 * RGBLuminanceSource cannot rotate, so with TRY_HARDER the 1D readers never get to try a code
 * standing upright (90°). This one can, which is what the Java original does for camera frames.
 */
class RotatableLuminanceSource extends RGBLuminanceSource {
  constructor(
    private readonly grey: Uint8ClampedArray,
    private readonly w: number,
    private readonly h: number,
  ) {
    super(grey, w, h);
  }

  override isRotateSupported(): boolean {
    return true;
  }

  override rotateCounterClockwise(): LuminanceSource {
    const { grey, w, h } = this;
    const rotated = new Uint8ClampedArray(grey.length);
    // (x, y) → (y, w - 1 - x): the new image is h wide and w high.
    for (let y = 0; y < h; y += 1) {
      for (let x = 0; x < w; x += 1) rotated[(w - 1 - x) * h + y] = grey[y * w + x]!;
    }
    return new RotatableLuminanceSource(rotated, h, w);
  }
}

function decodedFrom(result: Result): Decoded | null {
  const format = FROM_ZXING.get(result.getBarcodeFormat());
  if (!format) return null;
  let text = result.getText();
  // The DataMatrix parser sends FNC1 as GS; one in first position means a GS1 element string.
  if (format === 'datamatrix' && text.startsWith(GS)) text = `]d2${text.slice(1)}`;
  const points = result.getResultPoints() ?? [];
  return {
    text,
    format,
    cornerPoints: points.map((p) => ({ x: p.getX(), y: p.getY() })),
  };
}

const isMiss = (error: unknown) =>
  error instanceof NotFoundException ||
  error instanceof ChecksumException ||
  error instanceof FormatException;

export function createZxingJsDecoder(
  formats: readonly BarcodeFormat[],
  options: DecoderOptions = {},
): BarcodeDecoder {
  const hints = new Map<DecodeHintType, unknown>([
    [DecodeHintType.POSSIBLE_FORMATS, formats.map((f) => TO_ZXING[f])],
    // Code 128 with FNC1 first comes back as "]C1…" and later FNC1s as GS (GS1 spec 5.4.7.5).
    [DecodeHintType.ASSUME_GS1, true],
  ]);
  if (options.tryHarder ?? true) hints.set(DecodeHintType.TRY_HARDER, true);
  const reader = new MultiFormatReader();
  reader.setHints(hints);

  return {
    name: 'zxing-js',
    formats,
    async decode(frame: DecodeFrame): Promise<Decoded[]> {
      const image = imageDataFrom(frame);
      const source = new RotatableLuminanceSource(luminanceFrom(image), image.width, image.height);
      try {
        const decoded = decodedFrom(
          reader.decodeWithState(new BinaryBitmap(new HybridBinarizer(source))),
        );
        return decoded ? [decoded] : [];
      } catch (error) {
        if (isMiss(error)) return [];
        throw error;
      } finally {
        reader.reset();
      }
    },
    dispose() {
      reader.reset();
    },
  };
}
