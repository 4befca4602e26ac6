// Where a linear barcode probably is in a grey frame, and that region cut out level, enlarged
// and with glare flattened: the second pass for 1D codes the whole-frame read missed. Pure.
//
// Why: ZXing's 1D readers threshold each scan line globally and need ~2 px per module, so a
// code small in the frame (1.5 px per module), one under a specular highlight, or one whose
// bearer bars cut every horizontal line (ITF-14 tilted 15°) reads nothing on the whole frame,
// though a phone scanner or zbar reads it. Bars are many parallel strong edges: blocks whose
// gradient is strong and points one way (structure tensor coherence) find them cheaply.

/** A grey (luma) image, one byte per pixel, row by row. */
export interface GreyImage {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

/** A likely 1D barcode: centre, extent along the bars' normal (`length`) and along the bars. */
export interface BarcodeRegion {
  cx: number;
  cy: number;
  /** Along the code (across the bars), px, quiet zones included. */
  length: number;
  /** Along the bars, px. */
  span: number;
  /** Direction across the bars, radians, in (-π/2, π/2]: 0 = bars stand upright. */
  angle: number;
  /** Extent of the barred blocks across the bars, px (without quiet zones). */
  bars: number;
  /** Mean gradient energy of the region's blocks (for ranking). */
  score: number;
}

const BLOCK = 16; // px per block side
/** Mean squared gradient per pixel a block needs (a few strong edges per row). */
const MIN_BLOCK_ENERGY = 900;
/** Coherence (0 = no direction, 1 = one direction) of parallel bars; text and clutter score lower. */
const MIN_COHERENCE = 0.6;
/** Blocks in a region, at least: 1D codes span several blocks. */
const MIN_REGION_BLOCKS = 4;
/**
 * Bars extent across a region, at least: the shortest code we scan (EAN-13, 95 modules) is
 * ~140 px at 1.5 px per module; shorter runs are text, label edges or parts of 2D symbols.
 */
const MIN_BARS_PX = 96;

interface Block {
  xx: number;
  yy: number;
  xy: number;
}

/** Candidate regions, best first, at most `max`. */
export function barcodeRegions(image: GreyImage, max = 2): BarcodeRegion[] {
  const { data, width, height } = image;
  const bw = Math.floor(width / BLOCK);
  const bh = Math.floor(height / BLOCK);
  if (bw < 2 || bh < 2) return [];
  const blocks: Block[] = Array.from({ length: bw * bh }, () => ({ xx: 0, yy: 0, xy: 0 }));
  for (let y = 1; y < bh * BLOCK - 1; y += 1) {
    const row = y * width;
    const brow = Math.floor(y / BLOCK) * bw;
    for (let bx = 0; bx < bw; bx += 1) {
      const block = blocks[brow + bx]!;
      let xx = 0;
      let yy = 0;
      let xy = 0;
      const x0 = Math.max(1, bx * BLOCK);
      const x1 = Math.min(width - 1, (bx + 1) * BLOCK);
      for (let x = x0; x < x1; x += 1) {
        const i = row + x;
        const gx = data[i + 1]! - data[i - 1]!;
        const gy = data[i + width]! - data[i - width]!;
        xx += gx * gx;
        yy += gy * gy;
        xy += gx * gy;
      }
      block.xx += xx;
      block.yy += yy;
      block.xy += xy;
    }
  }
  const pixels = BLOCK * BLOCK;
  const barred = new Uint8Array(bw * bh);
  for (let i = 0; i < blocks.length; i += 1) {
    const { xx, yy, xy } = blocks[i]!;
    const energy = xx + yy;
    if (energy / pixels < MIN_BLOCK_ENERGY) continue;
    const coherence = Math.sqrt((xx - yy) ** 2 + 4 * xy * xy) / energy;
    if (coherence >= MIN_COHERENCE) barred[i] = 1;
  }

  // Connected blocks (8-neighbours) of similar direction form a region.
  const seen = new Uint8Array(bw * bh);
  const regions: BarcodeRegion[] = [];
  const directionOf = (b: Block) => 0.5 * Math.atan2(2 * b.xy, b.xx - b.yy);
  for (let start = 0; start < barred.length; start += 1) {
    if (!barred[start] || seen[start]) continue;
    const members: number[] = [];
    const stack = [start];
    seen[start] = 1;
    const startDirection = directionOf(blocks[start]!);
    while (stack.length > 0) {
      const at = stack.pop()!;
      members.push(at);
      const ax = at % bw;
      const ay = (at - ax) / bw;
      for (let dy = -1; dy <= 1; dy += 1) {
        for (let dx = -1; dx <= 1; dx += 1) {
          const nx = ax + dx;
          const ny = ay + dy;
          if (nx < 0 || ny < 0 || nx >= bw || ny >= bh) continue;
          const n = ny * bw + nx;
          if (!barred[n] || seen[n]) continue;
          // Directions are axial (θ and θ+π are the same): compare doubled angles.
          const d = 2 * (directionOf(blocks[n]!) - startDirection);
          if (Math.cos(d) < Math.cos((2 * 20 * Math.PI) / 180)) continue; // within ±20°
          seen[n] = 1;
          stack.push(n);
        }
      }
    }
    if (members.length < MIN_REGION_BLOCKS) continue;
    const region = regionOf(members, blocks, bw);
    if (region.bars >= MIN_BARS_PX) regions.push(region);
  }
  return regions.sort((a, b) => b.score - a.score).slice(0, max);
}

function regionOf(members: number[], blocks: Block[], bw: number): BarcodeRegion {
  let xx = 0;
  let yy = 0;
  let xy = 0;
  for (const m of members) {
    xx += blocks[m]!.xx;
    yy += blocks[m]!.yy;
    xy += blocks[m]!.xy;
  }
  const angle = 0.5 * Math.atan2(2 * xy, xx - yy); // gradient direction = across the bars
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  let uMin = Infinity;
  let uMax = -Infinity;
  let vMin = Infinity;
  let vMax = -Infinity;
  for (const m of members) {
    const x = (m % bw) * BLOCK + BLOCK / 2;
    const y = Math.floor(m / bw) * BLOCK + BLOCK / 2;
    const u = x * cos + y * sin;
    const v = -x * sin + y * cos;
    uMin = Math.min(uMin, u);
    uMax = Math.max(uMax, u);
    vMin = Math.min(vMin, v);
    vMax = Math.max(vMax, v);
  }
  // Block centres lie half a block inside the symbol; add that, then quiet zones across the bars.
  const bars = uMax - uMin + BLOCK;
  const length = bars * 1.25 + 2 * BLOCK;
  const span = vMax - vMin + BLOCK;
  const uc = (uMin + uMax) / 2;
  const vc = (vMin + vMax) / 2;
  return {
    cx: uc * cos - vc * sin,
    cy: uc * sin + vc * cos,
    length,
    span,
    angle,
    bars,
    score: (xx + yy) / (members.length * BLOCK * BLOCK),
  };
}

/**
 * The region resampled (bilinear) so the bars stand upright, `scale` times larger; outside the
 * frame reads as the nearest edge pixel.
 */
export function levelledRegion(image: GreyImage, region: BarcodeRegion, scale: number): GreyImage {
  const width = Math.max(1, Math.round(region.length * scale));
  const height = Math.max(1, Math.round(region.span * scale));
  const out = new Uint8ClampedArray(width * height);
  const { data, width: sw, height: sh } = image;
  const cos = Math.cos(region.angle) / scale;
  const sin = Math.sin(region.angle) / scale;
  const ox = width / 2;
  const oy = height / 2;
  for (let v = 0; v < height; v += 1) {
    const dv = v + 0.5 - oy;
    for (let u = 0; u < width; u += 1) {
      const du = u + 0.5 - ox;
      let x = region.cx + du * cos - dv * sin - 0.5;
      let y = region.cy + du * sin + dv * cos - 0.5;
      x = x < 0 ? 0 : x > sw - 1 ? sw - 1 : x;
      y = y < 0 ? 0 : y > sh - 1 ? sh - 1 : y;
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      const x1 = x0 + 1 < sw ? x0 + 1 : x0;
      const y1 = y0 + 1 < sh ? y0 + 1 : y0;
      const fx = x - x0;
      const fy = y - y0;
      const top = data[y0 * sw + x0]! * (1 - fx) + data[y0 * sw + x1]! * fx;
      const bottom = data[y1 * sw + x0]! * (1 - fx) + data[y1 * sw + x1]! * fx;
      out[v * width + u] = top * (1 - fy) + bottom * fy;
    }
  }
  return { data: out, width, height };
}

/**
 * Max over `radius` either side of each of `n` values read with `stride` from `src` at `offset`,
 * written the same way to `dst` (van Herk / Gil-Werman: three comparisons per value).
 */
function slidingMaxLine(
  src: Uint8ClampedArray,
  dst: Uint8ClampedArray,
  offset: number,
  stride: number,
  n: number,
  radius: number,
  prefix: Uint8ClampedArray,
  suffix: Uint8ClampedArray,
): void {
  const w = 2 * radius + 1;
  for (let i = 0; i < n; i += 1) {
    const value = src[offset + i * stride]!;
    const before = prefix[i - 1]!;
    prefix[i] = i % w === 0 || value > before ? value : before;
  }
  for (let i = n - 1; i >= 0; i -= 1) {
    const value = src[offset + i * stride]!;
    const after = suffix[i + 1]!;
    suffix[i] = i === n - 1 || (i + 1) % w === 0 || value > after ? value : after;
  }
  for (let i = 0; i < n; i += 1) {
    const a = suffix[i > radius ? i - radius : 0]!;
    const b = prefix[i + radius < n ? i + radius : n - 1]!;
    dst[offset + i * stride] = a > b ? a : b;
  }
}

/** Where a point of `levelledRegion(image, region, scale)` lies in the frame. */
export function frameFromLevelled(
  point: { x: number; y: number },
  region: BarcodeRegion,
  scale: number,
): { x: number; y: number } {
  const width = Math.max(1, Math.round(region.length * scale));
  const height = Math.max(1, Math.round(region.span * scale));
  const du = point.x - width / 2;
  const dv = point.y - height / 2;
  const cos = Math.cos(region.angle) / scale;
  const sin = Math.sin(region.angle) / scale;
  return { x: region.cx + du * cos - dv * sin, y: region.cy + du * sin + dv * cos };
}

/** Sliding max over a (2·radius+1)² square around each pixel. */
function slidingMax(data: Uint8ClampedArray, width: number, height: number, radius: number) {
  const longest = Math.max(width, height);
  const prefix = new Uint8ClampedArray(longest);
  const suffix = new Uint8ClampedArray(longest);
  const rows = new Uint8ClampedArray(data.length);
  for (let y = 0; y < height; y += 1) {
    slidingMaxLine(data, rows, y * width, 1, width, radius, prefix, suffix);
  }
  const out = new Uint8ClampedArray(data.length);
  for (let x = 0; x < width; x += 1) {
    slidingMaxLine(rows, out, x, width, height, radius, prefix, suffix);
  }
  return out;
}

/** Below this local range a patch is flat (label, desk), not washed-out bars. */
const MIN_LOCAL_RANGE = 24;

/**
 * Each pixel measured against the brightest and darkest pixels around it, so bars under a
 * highlight (grey on white) come out as dark as the others. Flat patches stay white.
 */
export function flattenedGlare(image: GreyImage, radius: number): GreyImage {
  const { data, width, height } = image;
  const inverted = new Uint8ClampedArray(data.length);
  for (let i = 0; i < data.length; i += 1) inverted[i] = 255 - data[i]!;
  const high = slidingMax(data, width, height, radius);
  const lowInverted = slidingMax(inverted, width, height, radius); // 255 - sliding min
  const out = new Uint8ClampedArray(data.length);
  for (let i = 0; i < data.length; i += 1) {
    const range = Math.max(high[i]! + lowInverted[i]! - 255, MIN_LOCAL_RANGE);
    out[i] = 255 - (255 * (high[i]! - data[i]!)) / range;
  }
  return { data: out, width, height };
}
