import { describe, expect, it } from 'vitest';
import { pixelsFromImageData, scratch } from './frame';

const rgba = (pixels: number[][]) => new Uint8ClampedArray(pixels.flatMap((p) => [...p, 255]));

describe('frame pixels for zxing-wasm', () => {
  it('computes the luma zxing-wasm would compute from RGBA, and the region grey apart', () => {
    const data = rgba([
      [255, 0, 0],
      [0, 255, 0],
      [0, 0, 255],
      [200, 120, 40],
    ]);
    const pixels = pixelsFromImageData({ data, width: 2, height: 2 } as ImageData);
    const zxing = (r: number, g: number, b: number) => (306 * r + 601 * g + 117 * b + 512) >> 10;
    expect([...pixels.luma.data]).toEqual([
      zxing(255, 0, 0),
      zxing(0, 255, 0),
      zxing(0, 0, 255),
      zxing(200, 120, 40),
    ]);
    const grey = (r: number, g: number, b: number) => (r * 77 + g * 150 + b * 29) >> 8;
    expect([...pixels.grey().data]).toEqual([
      grey(255, 0, 0),
      grey(0, 255, 0),
      grey(0, 0, 255),
      grey(200, 120, 40),
    ]);
    expect(pixels.luma).toMatchObject({ width: 2, height: 2 });
  });

  it('reuses one buffer per name instead of allocating one per frame', () => {
    const a = scratch('test', 1000);
    const b = scratch('test', 800);
    expect(b.buffer).toBe(a.buffer);
    expect(b.length).toBe(800);
    const c = scratch('test', 5000);
    expect(c.length).toBe(5000);
    expect(scratch('test', 10).buffer).toBe(c.buffer);
  });
});
