// ZXing-C++ (zxing-wasm reader build) on whatever thread imports this: the worker, or the page
// when a decoder is created with `inThread`. The .wasm always comes from our own origin.
import {
  prepareZXingModule,
  readBarcodes,
  type ReaderOptions,
  type ReadResult,
} from 'zxing-wasm/reader';
import { scratch, type FramePixels, type GreyPixels } from '../frame';
import { barcodeRegions, flattenedGlare, frameFromLevelled, levelledRegion } from '../regions';
import type { BarcodeFormat, Decoded, DecodeHint, Point } from '../types';
import { DEFAULT_WASM_URL, hintedOptionsFor } from './zxing-wasm-options';

/** ZXing-C++'s format names (and their display labels) to ours. */
const FROM_ZXING: ReadonlyArray<[RegExp, BarcodeFormat]> = [
  [/^Code ?128$/, 'code128'],
  [/^QR ?Code/, 'qr'],
  [/^Data ?Matrix$/, 'datamatrix'],
  [/PDF417$/, 'pdf417'], // PDF417, Compact and Micro PDF417
  [/^Aztec/, 'aztec'],
  [/^MaxiCode$/, 'maxicode'],
  [/^EAN-?13$/, 'ean13'],
  [/^EAN-?8$/, 'ean8'],
  [/^UPC-?A$/, 'upca'],
  [/^UPC-?E$/, 'upce'],
  [/^Code ?39/, 'code39'],
  [/^Code ?93$/, 'code93'],
  [/^Codabar$/, 'codabar'],
  [/^ITF/, 'itf'],
];

function formatFrom(result: ReadResult): BarcodeFormat | null {
  const name: string = result.format;
  for (const [pattern, format] of FROM_ZXING) if (pattern.test(name)) return format;
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

const headers = new Map<string, Uint8Array>();

/**
 * A grey image as a binary PGM file in a buffer kept between reads. zxing-wasm reads PGM (stb_image)
 * as the grey image it is; handed RGBA image data it would first allocate a fresh grey copy of its
 * own on every read (a fresh buffer is what costs most here, see frame.ts).
 */
function pgmOf({ data, width, height }: GreyPixels): Uint8Array {
  const size = `${width} ${height}`;
  let header = headers.get(size);
  if (!header) {
    header = new TextEncoder().encode(`P5\n${size}\n255\n`);
    headers.set(size, header);
  }
  const file = scratch('pgm', header.length + width * height);
  file.set(header);
  file.set(data, header.length);
  return new Uint8Array(file.buffer, 0, file.length);
}

export async function readWithZxingWasm(
  image: GreyPixels,
  options: ReaderOptions,
): Promise<Decoded[]> {
  const results = await readBarcodes(pgmOf(image), options);
  return results.map(decodedFrom).filter((d): d is Decoded => d !== null);
}

/** How to read one camera frame: the whole-frame options and the 1D region pass (or none). */
export interface FramePlan {
  whole: ReaderOptions;
  region: ReaderOptions | null;
}

const MAX_LEVELLED_LENGTH = 800; // px: a levelled region is enlarged 2x, at most to this
const MAX_REGIONS = 2;

const withPoints = (reads: Decoded[], map: (p: Point) => Point): Decoded[] =>
  reads.map((r) => ({ ...r, cornerPoints: r.cornerPoints?.map(map) }));

/** The area around `near` (a code's corners in the previous frame), copied out of `image`. */
function cropAround(
  image: GreyPixels,
  near: readonly Point[],
): { image: GreyPixels; at: Point } | null {
  const xs = near.map((p) => p.x);
  const ys = near.map((p) => p.y);
  const w = Math.max(...xs) - Math.min(...xs);
  const h = Math.max(...ys) - Math.min(...ys);
  // 1D corners can be a thin strip along one scan line: give the bars some height of their own,
  // and room for the hand to have moved a little between frames.
  const padX = 0.15 * Math.max(w, h) + 24;
  const padY = Math.max(0.5 * h, 0.15 * w) + 24;
  const x0 = Math.max(0, Math.floor(Math.min(...xs) - padX));
  const y0 = Math.max(0, Math.floor(Math.min(...ys) - padY));
  const x1 = Math.min(image.width, Math.ceil(Math.max(...xs) + padX));
  const y1 = Math.min(image.height, Math.ceil(Math.max(...ys) + padY));
  const cw = x1 - x0;
  const ch = y1 - y0;
  if (cw <= 0 || ch <= 0) return null;
  const data = scratch('crop', cw * ch);
  for (let y = 0; y < ch; y += 1) {
    const from = (y0 + y) * image.width + x0;
    data.set(image.data.subarray(from, from + cw), y * cw);
  }
  return { image: { data, width: cw, height: ch }, at: { x: x0, y: y0 } };
}

/** Milliseconds spent in each step of one frame's read (bench/scan-feedback.bench.ts). */
export type ReadTrace = Record<string, number>;

/**
 * Every symbol in a camera frame: near the hinted place first (cheap, for the second agreeing
 * frame of a 1D code), then the whole frame, then — when that finds nothing — likely 1D regions
 * levelled and enlarged, and once more with glare flattened (regions.ts says why).
 */
export async function readFrameWithZxingWasm(
  frame: FramePixels,
  plan: FramePlan,
  hint?: DecodeHint,
  trace?: ReadTrace,
): Promise<Decoded[]> {
  let mark = performance.now();
  const step = (name: string) => {
    if (!trace) return;
    const now = performance.now();
    trace[name] = (trace[name] ?? 0) + now - mark;
    mark = now;
  };
  if (hint?.near && hint.near.length > 0) {
    const crop = cropAround(frame.luma, hint.near);
    if (crop) {
      const [a, b] = hint.near;
      const upright = !!a && !!b && Math.abs(b.y - a.y) > Math.abs(b.x - a.x);
      const options = hint.format ? hintedOptionsFor(hint.format, upright) : plan.whole;
      step('crop');
      const reads = await readWithZxingWasm(crop.image, options);
      step('near read');
      if (reads.length > 0) {
        return withPoints(reads, (p) => ({ x: p.x + crop.at.x, y: p.y + crop.at.y }));
      }
    }
  }
  const reads = await readWithZxingWasm(frame.luma, plan.whole);
  step('whole');
  if (reads.length > 0 || !plan.region) return reads;
  const grey = frame.grey();
  const regions = barcodeRegions(grey, MAX_REGIONS);
  step('region search');
  for (const region of regions) {
    const scale = Math.min(2, MAX_LEVELLED_LENGTH / region.length);
    const levelled = levelledRegion(grey, region, scale);
    const toFrame = (p: Point) => frameFromLevelled(p, region, scale);
    const plain = await readWithZxingWasm(levelled, plan.region);
    step('region read');
    if (plain.length > 0) return withPoints(plain, toFrame);
    const flattened = flattenedGlare(levelled, Math.round(8 * scale));
    const deglared = await readWithZxingWasm(flattened, plan.region);
    step('region read');
    if (deglared.length > 0) return withPoints(deglared, toFrame);
  }
  return [];
}
