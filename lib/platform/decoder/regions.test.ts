import { describe, expect, it } from 'vitest';
import {
  barcodeRegions,
  flattenedGlare,
  frameFromLevelled,
  levelledRegion,
  type GreyImage,
} from './regions';

const W = 320;
const H = 240;

/** A grey desk with a white label holding bars (widths in px) from x0, rows y0..y1. */
function frameWithBars(widths: number[], x0: number, y0: number, y1: number): GreyImage {
  const data = new Uint8ClampedArray(W * H).fill(180);
  for (let y = y0 - 10; y < y1 + 10; y += 1)
    for (let x = x0 - 20; x < W - 20; x += 1) data[y * W + x] = 255;
  let x = x0;
  widths.forEach((w, i) => {
    if (i % 2 === 0)
      for (let y = y0; y < y1; y += 1) for (let k = 0; k < w; k += 1) data[y * W + x + k] = 0;
    x += w;
  });
  return { data, width: W, height: H };
}

const BARS = Array.from({ length: 60 }, (_, i) => 1 + ((i * 7) % 4)); // ~150 px of 1-4 px bars

describe('barcodeRegions', () => {
  it('finds upright bars and says where they are', () => {
    const [region] = barcodeRegions(frameWithBars(BARS, 60, 80, 160));
    expect(region).toBeDefined();
    expect(Math.abs(region!.angle)).toBeLessThan(0.1);
    expect(region!.cx).toBeGreaterThan(100);
    expect(region!.cx).toBeLessThan(170);
    expect(region!.cy).toBeGreaterThan(100);
    expect(region!.cy).toBeLessThan(140);
  });

  it('finds nothing on a plain label', () => {
    expect(barcodeRegions(frameWithBars([], 60, 80, 160))).toEqual([]);
  });

  it('ignores a single strong edge', () => {
    expect(barcodeRegions(frameWithBars([200], 60, 80, 160))).toEqual([]);
  });
});

describe('levelledRegion', () => {
  it('enlarges the region 2x, and maps its points back to the frame', () => {
    const image = frameWithBars(BARS, 60, 80, 160);
    const region = { cx: 130, cy: 120, length: 200, span: 60, angle: 0, bars: 150, score: 1 };
    const levelled = levelledRegion(image, region, 2);
    expect([levelled.width, levelled.height]).toEqual([400, 120]);
    // The second bar (3 px, x 65-67) lies 64 px left of the centre: 128 px in the levelled image;
    // the space before it (4 px, x 61-64) is white.
    expect(levelled.data[60 * 400 + 200 - 128 + 1]).toBe(0);
    expect(levelled.data[60 * 400 + 200 - 134]).toBe(255);
    expect(frameFromLevelled({ x: 200, y: 60 }, region, 2)).toEqual({ x: 130, y: 120 });
  });
});

describe('flattenedGlare', () => {
  it('makes bars washed out by a highlight as dark as the others, and keeps white white', () => {
    const data = new Uint8ClampedArray(64 * 8).fill(255);
    for (let y = 0; y < 8; y += 1) {
      for (let x = 8; x < 12; x += 1) data[y * 64 + x] = 0; // a bar in plain light
      for (let x = 40; x < 44; x += 1) data[y * 64 + x] = 215; // a bar under glare
    }
    const out = flattenedGlare({ data, width: 64, height: 8 }, 6).data;
    expect(out[4 * 64 + 10]).toBe(0);
    expect(out[4 * 64 + 42]).toBe(0);
    expect(out[4 * 64 + 26]).toBe(255);
  });
});
