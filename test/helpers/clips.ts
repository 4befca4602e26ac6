// The hard clip set for decoder tests and benches: barcodes rendered with bwip-js, placed in
// 640x480 camera-like frames and damaged with ffmpeg filters (deterministic: fixed seeds, no
// randomness outside them), plus .y4m clips for Chromium's fake camera.
//
// Transforms are ffmpeg filters, run in Node, so the same PNG is fed to every engine:
//   small        fewer pixels per module (1D ~1.5 px, 2D ~2.5 px)
//   rotated-15   rotate=15°             rotated-90  transpose
//   perspective  perspective (label tilted ~30° away from the camera)
//   blur         gblur sigma 1.2        noise       noise alls=40 (uniform, fixed seed)
//   low-contrast eq contrast 0.3        glare       a white radial highlight over a third of the code
//   inverted     negate (2D codes only: light modules on a dark label)
//   cluttered    the label on a busy, coloured background (ffmpeg `life` pattern, fixed seed)
// All other variants sit on a plain grey desk. Every frame stays readable by a person.
import bwipjs from 'bwip-js/node';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { waybillCodeFrom } from '@/lib/core/waybill-code';
import type { BarcodeFormat } from '@/lib/core/read-filter';

const run = promisify(execFile);

export const FRAME_WIDTH = 640;
export const FRAME_HEIGHT = 480;
export const CLIP_FPS = 30;
/** Bump when rendering changes, so cached frames are made again. */
const GENERATOR_VERSION = 4;

export type CodeKind =
  | 'code128'
  | 'gs1-128'
  | 'qr'
  | 'datamatrix'
  | 'gs1-datamatrix'
  | 'pdf417'
  | 'aztec'
  | 'maxicode'
  | 'ean13'
  | 'ean8'
  | 'upca'
  | 'upce'
  | 'code39'
  | 'code93'
  | 'codabar'
  | 'itf14';

export type Variant =
  | 'clean'
  | 'small'
  | 'rotated-15'
  | 'rotated-90'
  | 'perspective'
  | 'blur'
  | 'noise'
  | 'low-contrast'
  | 'glare'
  | 'inverted'
  | 'cluttered';

export const VARIANTS: readonly Variant[] = [
  'clean',
  'small',
  'rotated-15',
  'rotated-90',
  'perspective',
  'blur',
  'noise',
  'low-contrast',
  'glare',
  'inverted',
  'cluttered',
];

interface KindSpec {
  bcid: string;
  format: BarcodeFormat;
  matrix: boolean;
  gs1: boolean;
  /** More bwip-js options (Code 93's two check characters are optional in bwip-js). */
  bwip?: Record<string, unknown>;
}

const KINDS: Record<CodeKind, KindSpec> = {
  code128: { bcid: 'code128', format: 'code128', matrix: false, gs1: false },
  'gs1-128': { bcid: 'gs1-128', format: 'code128', matrix: false, gs1: true },
  qr: { bcid: 'qrcode', format: 'qr', matrix: true, gs1: false },
  datamatrix: { bcid: 'datamatrix', format: 'datamatrix', matrix: true, gs1: false },
  'gs1-datamatrix': { bcid: 'gs1datamatrix', format: 'datamatrix', matrix: true, gs1: true },
  ean13: { bcid: 'ean13', format: 'ean13', matrix: false, gs1: false },
  code39: { bcid: 'code39', format: 'code39', matrix: false, gs1: false },
  pdf417: { bcid: 'pdf417', format: 'pdf417', matrix: true, gs1: false },
  aztec: { bcid: 'azteccode', format: 'aztec', matrix: true, gs1: false },
  maxicode: { bcid: 'maxicode', format: 'maxicode', matrix: true, gs1: false },
  ean8: { bcid: 'ean8', format: 'ean8', matrix: false, gs1: false },
  upca: { bcid: 'upca', format: 'upca', matrix: false, gs1: false },
  upce: { bcid: 'upce', format: 'upce', matrix: false, gs1: false },
  code93: {
    bcid: 'code93',
    format: 'code93',
    matrix: false,
    gs1: false,
    bwip: { includecheck: true },
  },
  codabar: { bcid: 'rationalizedCodabar', format: 'codabar', matrix: false, gs1: false },
  itf14: { bcid: 'itf14', format: 'itf', matrix: false, gs1: false },
};

export interface CodeSpec {
  kind: CodeKind;
  /** bwip-js text: GS1 kinds use the bracketed form, e.g. "(00)106141411234567897". */
  text: string;
}

/** The measurement set: waybill-like codes of every kind Dockhand scans. */
export const MEASUREMENT_CODES: readonly CodeSpec[] = [
  { kind: 'code128', text: 'JD014600006281234' },
  { kind: 'code128', text: 'SF1403887720915' },
  { kind: 'code128', text: 'YT2207351234567' },
  { kind: 'gs1-128', text: '(00)106141411234567897' },
  { kind: 'gs1-128', text: '(00)340123450000001236' },
  { kind: 'qr', text: 'JD014600006281234' },
  { kind: 'qr', text: 'https://dockhand.example/r/k7Qm2x' },
  { kind: 'datamatrix', text: 'JD014600006281299' },
  { kind: 'gs1-datamatrix', text: '(00)106141411234567897' },
  { kind: 'ean13', text: '4006381333931' },
  { kind: 'code39', text: 'WB12345678' },
  { kind: 'itf14', text: '15400141288763' },
  // What carriers print beside or instead of Code 128: PDF417 (FedEx ground, postal labels),
  // MaxiCode (UPS), Aztec; and what is on the parcels themselves.
  { kind: 'pdf417', text: '[)>\u001e01\u001d961Z14600006281234\u001dUPSN\u001d12345E' },
  { kind: 'pdf417', text: 'JD014600006281234' },
  { kind: 'aztec', text: 'JD014600006281234' },
  { kind: 'maxicode', text: '1Z14600006281234' },
  { kind: 'ean8', text: '96385074' },
  { kind: 'upca', text: '036000291452' },
  { kind: 'upce', text: '01234565' },
  { kind: 'code93', text: 'WB12345678' },
  { kind: 'codabar', text: 'A40156B' },
];

export function formatOf(kind: CodeKind): BarcodeFormat {
  return KINDS[kind].format;
}

export function isMatrixKind(kind: CodeKind): boolean {
  return KINDS[kind].matrix;
}

/** Variants that make sense for a kind: only 2D codes are printed inverted. */
export function variantsFor(kind: CodeKind): Variant[] {
  return VARIANTS.filter((variant) => variant !== 'inverted' || KINDS[kind].matrix);
}

/**
 * UPC-A and UPC-E as the GTIN-13 a reader may report them as (ZXing-C++ reads UPC-A as EAN-13
 * with a leading 0, and expands UPC-E): the same number either way.
 */
export function gtin13Of(kind: CodeKind, text: string): string | null {
  if (kind === 'upca') return `0${text}`;
  if (kind !== 'upce' || !/^[01]\d{7}$/.test(text)) return null;
  const [system, d1, d2, d3, d4, d5, d6, check] = [...text];
  const middle =
    d6 === '0' || d6 === '1' || d6 === '2'
      ? `${d1}${d2}${d6}0000${d3}${d4}${d5}`
      : d6 === '3'
        ? `${d1}${d2}${d3}00000${d4}${d5}`
        : d6 === '4'
          ? `${d1}${d2}${d3}${d4}00000${d5}`
          : `${d1}${d2}${d3}${d4}${d5}0000${d6}`;
  return `0${system}${middle}${check}`;
}

/** The normalised value a correct read of `code` must give (SSCC for GS1 kinds). */
export function expectedValue(code: CodeSpec): string {
  if (!KINDS[code.kind].gs1) return code.text;
  const parsed = waybillCodeFrom(code.text);
  if (!parsed.ok) throw new Error(`bad GS1 test code ${code.text}: ${parsed.error}`);
  return parsed.value;
}

/** True when a decoder's text is a correct read of `code` (GS1 compared after normalisation). */
export function isCorrectRead(code: CodeSpec, decodedText: string): boolean {
  if (!KINDS[code.kind].gs1) {
    return decodedText === code.text || decodedText === gtin13Of(code.kind, code.text);
  }
  const parsed = waybillCodeFrom(decodedText);
  return parsed.ok && parsed.value === expectedValue(code);
}

// Deterministic per-frame numbers (mulberry32): positions and seeds depend only on the inputs.
function seededRandom(seedText: string): () => number {
  let seed = createHash('sha256').update(seedText).digest().readUInt32LE(0);
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function pngSize(png: Buffer): { width: number; height: number } {
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

const SYMBOL_SCALE = 4; // bwip px per module; frames resample from this
const MM_PER_PT = 25.4 / 72; // bwip-js heights are millimetres; one module is one point at scale 1

/**
 * Bar height as a fraction of symbol width, as on real labels: courier Code 128 / Code 39
 * waybills ~0.3, a GS1 logistic label's SSCC ~0.35 (32 mm bars, GS1 General Specifications
 * §6.6.5.4). EAN-13 and ITF-14 keep bwip-js's spec defaults. Squatter bars make a 15° tilt
 * unreadable by any line scanner, which says nothing about the engines.
 */
const BAR_HEIGHT_RATIO: Partial<Record<CodeKind, number>> = {
  code128: 0.3,
  'gs1-128': 0.35,
  code39: 0.3,
};

/** The bare symbol as bwip-js draws it: white background and quiet zone, 4 px per module. */
export async function makeSymbol(code: CodeSpec): Promise<Buffer> {
  const spec = KINDS[code.kind];
  const options = {
    bcid: spec.bcid,
    text: code.text,
    scale: SYMBOL_SCALE,
    backgroundcolor: 'FFFFFF',
    paddingwidth: spec.matrix ? 4 : 10,
    paddingheight: 4,
    ...(spec.matrix ? {} : { includetext: true, textxalign: 'center' as const }),
    ...spec.bwip,
  };
  const ratio = BAR_HEIGHT_RATIO[code.kind];
  if (ratio === undefined) return bwipjs.toBuffer(options);
  const modules = pngSize(await bwipjs.toBuffer(options)).width / SYMBOL_SCALE - 20;
  return bwipjs.toBuffer({ ...options, height: ratio * modules * MM_PER_PT });
}

interface Placement {
  /** Symbol size after resampling, px. */
  width: number;
  height: number;
  /** White label margin around it, px. */
  margin: number;
}

function placementFor(
  code: CodeSpec,
  variant: Variant,
  symbol: { width: number; height: number },
): Placement {
  const matrix = KINDS[code.kind].matrix;
  // Target pixels per module, then capped so the label fits the frame in every orientation.
  const ppm = variant === 'small' ? (matrix ? 2.5 : 1.5) : matrix ? 6 : 2.5;
  let factor = ppm / SYMBOL_SCALE;
  const limit = variant === 'rotated-90' ? 440 : 580;
  if (symbol.width * factor > limit) factor = limit / symbol.width;
  if (matrix && symbol.width * factor > 260) factor = 260 / symbol.width;
  const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);
  return {
    width: even(symbol.width * factor),
    height: even(symbol.height * factor),
    margin: variant === 'cluttered' ? 8 : 24,
  };
}

function frameFilter(
  code: CodeSpec,
  variant: Variant,
  symbolSize: { width: number; height: number },
): string {
  const random = seededRandom(`${code.kind}|${code.text}|${variant}`);
  const seed = Math.floor(random() * 100_000);
  const place = placementFor(code, variant, symbolSize);
  const labelW = place.width + 2 * place.margin;
  const labelH = place.height + 2 * place.margin;
  const [boxW, boxH] =
    variant === 'rotated-90'
      ? [labelH, labelW]
      : variant === 'rotated-15'
        ? [
            Math.ceil(labelW * Math.cos(Math.PI / 12) + labelH * Math.sin(Math.PI / 12)),
            Math.ceil(labelW * Math.sin(Math.PI / 12) + labelH * Math.cos(Math.PI / 12)),
          ]
        : [labelW, labelH];
  const centred = variant === 'glare' || variant === 'perspective';
  const x = centred
    ? Math.floor((FRAME_WIDTH - boxW) / 2)
    : Math.floor(random() * Math.max(1, FRAME_WIDTH - boxW));
  const y = centred
    ? Math.floor((FRAME_HEIGHT - boxH) / 2)
    : Math.floor(random() * Math.max(1, FRAME_HEIGHT - boxH));

  const size = `s=${FRAME_WIDTH}x${FRAME_HEIGHT}`;
  const background =
    variant === 'cluttered'
      ? `life=${size}:seed=${seed}:ratio=0.4:mold=20:life_color=0x5a3a22:death_color=0xd8c8a8:mold_color=0x2f6a8a:rate=30,trim=start_frame=12:end_frame=13,setpts=PTS-STARTPTS,gblur=sigma=0.8,format=rgba[bg]`
      : `color=c=0xb4b4b4:${size}:d=1,format=rgba[bg]`;

  const label: string[] = [
    `scale=${place.width}:${place.height}:flags=area`,
    `pad=${labelW}:${labelH}:${place.margin}:${place.margin}:white`,
    'format=rgba',
  ];
  if (variant === 'inverted') label.push('negate=negate_alpha=0');
  if (variant === 'rotated-15')
    label.push(`rotate=15*PI/180:ow=${boxW}:oh=${boxH}:c=none:bilinear=1`);
  if (variant === 'rotated-90') label.push('transpose=1');

  const after: string[] = [];
  if (variant === 'perspective') {
    // Destination corners of the frame: the top edge leans away (as if the parcel top tilts back).
    const w = FRAME_WIDTH;
    const h = FRAME_HEIGHT;
    after.push(
      `perspective=x0=${0.2 * w}:y0=${0.1 * h}:x1=${0.8 * w}:y1=${0.04 * h}:x2=0:y2=${h}:x3=${w}:y3=${0.94 * h}:sense=destination:interpolation=cubic`,
    );
  }
  if (variant === 'blur') after.push(`gblur=sigma=${KINDS[code.kind].matrix ? 1.6 : 1.2}`);
  if (variant === 'noise') after.push(`noise=alls=40:allf=u:all_seed=${seed}`);
  if (variant === 'low-contrast') after.push('eq=contrast=0.3:brightness=0.08');

  const graph = [
    background,
    `[0:v]${label.join(',')}[label]`,
    `[bg][label]overlay=${x}:${y}:format=auto[placed]`,
  ];
  let last = 'placed';
  if (variant === 'glare') {
    // A specular highlight over the right third of the code, peaking at 85 % white.
    const cx = Math.round(FRAME_WIDTH / 2 + place.width / 4);
    const cy = Math.round(FRAME_HEIGHT / 2);
    const r = Math.round(Math.max(place.width, place.height) / 6);
    graph.push(
      `color=c=white:${size}:d=1,format=rgba,geq=r=255:g=255:b=255:a='217*exp(-((X-${cx})*(X-${cx})+(Y-${cy})*(Y-${cy}))/(2*${r}*${r}))'[glare]`,
      `[placed][glare]overlay=0:0:format=auto[glared]`,
    );
    last = 'glared';
  }
  graph.push(`[${last}]${[...after, 'format=rgb24'].join(',')}[out]`);
  return graph.join(';');
}

function frameName(code: CodeSpec, variant: Variant): string {
  const hash = createHash('sha256')
    .update(`${GENERATOR_VERSION}|${code.kind}|${code.text}|${variant}`)
    .digest('hex')
    .slice(0, 10);
  return `${code.kind}-${variant}-${hash}`;
}

async function writeAtomically(
  path: string,
  make: (tmp: string) => Promise<void>,
): Promise<string> {
  if (existsSync(path)) return path;
  const tmp = `${path}.${process.pid}.tmp`;
  await make(tmp);
  renameSync(tmp, path);
  return path;
}

export interface FrameRequest extends CodeSpec {
  variant: Variant;
  outDir: string;
}

/** A 640x480 PNG frame of the code in the variant; cached by content in outDir. */
export async function makeFrame(request: FrameRequest): Promise<string> {
  mkdirSync(request.outDir, { recursive: true });
  const path = join(request.outDir, `${frameName(request, request.variant)}.png`);
  return writeAtomically(path, async (tmp) => {
    const symbol = await makeSymbol(request);
    const symbolPath = `${tmp}.symbol.png`;
    writeFileSync(symbolPath, symbol);
    await run('ffmpeg', [
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-i',
      symbolPath,
      '-filter_complex',
      frameFilter(request, request.variant, pngSize(symbol)),
      '-map',
      '[out]',
      '-frames:v',
      '1',
      '-f',
      'image2',
      '-c:v',
      'png',
      tmp,
    ]).finally(() => rmSync(symbolPath, { force: true }));
  });
}

/** RGBA pixels of a frame PNG (via ffmpeg), e.g. to feed a decoder without a browser canvas. */
export async function frameRgba(
  pngPath: string,
): Promise<{ width: number; height: number; data: Uint8ClampedArray }> {
  const { stdout } = await run(
    'ffmpeg',
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-i',
      pngPath,
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgba',
      '-',
    ],
    { encoding: 'buffer', maxBuffer: 8 * FRAME_WIDTH * FRAME_HEIGHT },
  );
  const { width, height } = pngSize(readFileSync(pngPath));
  return {
    width,
    height,
    data: new Uint8ClampedArray(stdout.buffer, stdout.byteOffset, stdout.byteLength),
  };
}

export interface ClipRequest extends FrameRequest {
  /** Seconds of cluttered background before the code appears (default 1). */
  leadSeconds?: number;
  /** Seconds the code stays in view (default 3). */
  holdSeconds?: number;
}

/**
 * A .y4m clip for `--use-file-for-fake-video-capture`: a moving cluttered background for
 * `leadSeconds`, then the frame with the code, 640x480 at 30 fps (see RECIPES.md). Chromium loops it.
 */
export async function makeClip(request: ClipRequest): Promise<string> {
  const lead = request.leadSeconds ?? 1;
  const hold = request.holdSeconds ?? 3;
  const frame = await makeFrame(request);
  const path = join(request.outDir, `${frameName(request, request.variant)}-${lead}-${hold}.y4m`);
  return writeAtomically(path, async (tmp) => {
    const random = seededRandom(`clip|${request.kind}|${request.text}|${request.variant}`);
    const seed = Math.floor(random() * 100_000);
    await run('ffmpeg', [
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      `life=s=${FRAME_WIDTH}x${FRAME_HEIGHT}:seed=${seed}:ratio=0.4:mold=20:life_color=0x5a3a22:death_color=0xd8c8a8:mold_color=0x2f6a8a:rate=${CLIP_FPS}`,
      '-loop',
      '1',
      '-framerate',
      String(CLIP_FPS),
      '-i',
      frame,
      '-filter_complex',
      `[0:v]trim=duration=${lead},setpts=PTS-STARTPTS,format=yuv420p[a];` +
        `[1:v]trim=duration=${hold},setpts=PTS-STARTPTS,scale=${FRAME_WIDTH}:${FRAME_HEIGHT}:force_original_aspect_ratio=decrease,pad=${FRAME_WIDTH}:${FRAME_HEIGHT}:(ow-iw)/2:(oh-ih)/2:white,format=yuv420p[b];` +
        `[a][b]concat=n=2:v=1:a=0,fps=${CLIP_FPS}[out]`,
      '-map',
      '[out]',
      '-pix_fmt',
      'yuv420p',
      '-f',
      'yuv4mpegpipe',
      tmp,
    ]);
  });
}

export interface ClipSetEntry extends CodeSpec {
  variant: Variant;
  format: BarcodeFormat;
  /** PNG path of the frame. */
  frame: string;
}

/** Every (code, variant) frame of the measurement set, made two at a time (2-core machines). */
export async function makeFrameSet(
  outDir: string,
  codes: readonly CodeSpec[] = MEASUREMENT_CODES,
  variants: readonly Variant[] = VARIANTS,
): Promise<ClipSetEntry[]> {
  const jobs = codes.flatMap((code) =>
    variantsFor(code.kind)
      .filter((variant) => variants.includes(variant))
      .map((variant) => ({ ...code, variant })),
  );
  const entries: ClipSetEntry[] = new Array(jobs.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < jobs.length) {
      const index = next++;
      const job = jobs[index]!;
      const frame = await makeFrame({ ...job, outDir });
      entries[index] = { ...job, format: formatOf(job.kind), frame };
    }
  }
  await Promise.all([worker(), worker()]);
  return entries;
}
