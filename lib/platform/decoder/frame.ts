// Turning any camera frame the decoder interface accepts into RGBA pixels, on either thread, and
// (for zxing-wasm) into the grey pixels ZXing reads, without a fresh buffer per frame.

let canvasContext: OffscreenCanvasRenderingContext2D | null = null;

function context(width: number, height: number): OffscreenCanvasRenderingContext2D {
  if (!canvasContext) {
    const ctx = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('OffscreenCanvas 2d context is unavailable');
    canvasContext = ctx;
  }
  const canvas = canvasContext.canvas;
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  return canvasContext;
}

function sizeOf(source: ImageBitmap | HTMLVideoElement): { width: number; height: number } {
  return 'videoWidth' in source
    ? { width: source.videoWidth, height: source.videoHeight }
    : { width: source.width, height: source.height };
}

/** RGBA pixels of a frame; an ImageData is returned as is. */
export function imageDataFrom(frame: ImageData | ImageBitmap | HTMLVideoElement): ImageData {
  if (frame instanceof ImageData) return frame;
  const { width, height } = sizeOf(frame);
  if (width === 0 || height === 0) return new ImageData(1, 1);
  const ctx = context(width, height);
  ctx.drawImage(frame, 0, 0);
  return ctx.getImageData(0, 0, width, height);
}

/** Grey levels (ITU-R BT.601 luma, integer weights) of RGBA pixels: what ZXing binarises. */
export function luminanceFrom(image: ImageData): Uint8ClampedArray {
  const { data } = image;
  const out = new Uint8ClampedArray(image.width * image.height);
  for (let i = 0, p = 0; i < out.length; i += 1, p += 4) {
    out[i] = (data[p]! * 77 + data[p + 1]! * 150 + data[p + 2]! * 29) >> 8;
  }
  return out;
}

// ---- Pixels for ZXing, in buffers kept between frames ------------------------------------------
// A fresh 1 MB typed array costs 10–25 ms in headless Chromium on a busy 2-core machine (the
// pages are faulted in and zeroed), more than reading the frame: per-frame buffers are reused.
// Callers read one frame at a time (the worker queues its messages).

const buffers = new Map<string, ArrayBuffer>();

/** `length` bytes of the buffer kept under `name`; its contents are whatever was there last. */
export function scratch(name: string, length: number): Uint8ClampedArray<ArrayBuffer> {
  let buffer = buffers.get(name);
  if (!buffer || buffer.byteLength < length) {
    buffer = new ArrayBuffer(Math.max(length, Math.floor((buffer?.byteLength ?? 0) * 1.25)));
    buffers.set(name, buffer);
  }
  return new Uint8ClampedArray(buffer, 0, length);
}

/** A grey image, one byte per pixel, row by row (the same shape as regions.ts `GreyImage`). */
export interface GreyPixels {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

/** One camera frame as the zxing-wasm read needs it. */
export interface FramePixels {
  /**
   * What ZXing reads: the luma zxing-wasm itself computes from RGBA ((306 R + 601 G + 117 B +
   * 512) >> 10), or the camera's Y plane.
   */
  luma: GreyPixels;
  /** What the 1D region search reads (`luminanceFrom`'s weights), or the Y plane. */
  grey(): GreyPixels;
}

function pixelsFromPacked(
  data: Uint8ClampedArray,
  width: number,
  height: number,
  order: 'rgb' | 'bgr',
): FramePixels {
  const n = width * height;
  const luma = scratch('luma', n);
  const [r, b] = order === 'rgb' ? [0, 2] : [2, 0];
  for (let i = 0, p = 0; i < n; i += 1, p += 4) {
    luma[i] = (306 * data[p + r]! + 601 * data[p + 1]! + 117 * data[p + b]! + 512) >> 10;
  }
  let grey: GreyPixels | null = null;
  return {
    luma: { data: luma, width, height },
    grey() {
      if (!grey) {
        const out = scratch('grey', n);
        for (let i = 0, p = 0; i < n; i += 1, p += 4) {
          out[i] = (data[p + r]! * 77 + data[p + 1]! * 150 + data[p + b]! * 29) >> 8;
        }
        grey = { data: out, width, height };
      }
      return grey;
    },
  };
}

/** Pixels of RGBA image data (a still frame, a canvas, a test). */
export function pixelsFromImageData(image: ImageData): FramePixels {
  return pixelsFromPacked(image.data, image.width, image.height, 'rgb');
}

const PACKED: ReadonlySet<string> = new Set(['RGBA', 'RGBX', 'BGRA', 'BGRX']);
const LUMA_FIRST: ReadonlySet<string> = new Set(['I420', 'I420A', 'I422', 'I444', 'NV12']);

/**
 * Pixels of a camera VideoFrame (closed afterwards). Camera frames are YUV: their Y plane is the
 * grey image ZXing reads, copied out with no colour conversion; packed RGB frames (a canvas
 * stream) are copied as they are. Drawing the frame on a canvas and reading it back cost 7–16 ms
 * a 640x480 frame in headless Chromium: that is only the fallback for other formats.
 */
export async function pixelsFromVideoFrame(frame: VideoFrame): Promise<FramePixels> {
  try {
    const { width, height } = frame.visibleRect ?? {
      width: frame.displayWidth,
      height: frame.displayHeight,
    };
    if (width === 0 || height === 0) return pixelsFromImageData(new ImageData(1, 1));
    const format = frame.format ?? '';
    if (LUMA_FIRST.has(format) || PACKED.has(format)) {
      const planes = scratch('planes', frame.allocationSize());
      const [first] = await frame.copyTo(planes);
      if (first && LUMA_FIRST.has(format)) {
        const luma = scratch('luma', width * height);
        for (let y = 0; y < height; y += 1) {
          const from = first.offset + y * first.stride;
          luma.set(planes.subarray(from, from + width), y * width);
        }
        const image = { data: luma, width, height };
        return { luma: image, grey: () => image };
      }
      if (first && first.offset === 0 && first.stride === width * 4) {
        return pixelsFromPacked(planes, width, height, format.startsWith('BGR') ? 'bgr' : 'rgb');
      }
    }
    const ctx = context(width, height);
    ctx.drawImage(frame, 0, 0);
    return pixelsFromImageData(ctx.getImageData(0, 0, width, height));
  } finally {
    frame.close();
  }
}
