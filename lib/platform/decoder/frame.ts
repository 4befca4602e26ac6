// Turning any camera frame the decoder interface accepts into RGBA pixels, on either thread.

let scratch: OffscreenCanvasRenderingContext2D | null = null;

function context(width: number, height: number): OffscreenCanvasRenderingContext2D {
  if (!scratch) {
    const ctx = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('OffscreenCanvas 2d context is unavailable');
    scratch = ctx;
  }
  const canvas = scratch.canvas;
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  return scratch;
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
