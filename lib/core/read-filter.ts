// Which decoder reads become scans: 1D reads need two agreeing frames, repeats are suppressed.
// Pure: the caller passes frames and the clock in.

/**
 * The symbologies Dockhand scans (GS1-128 is Code 128 with a leading FNC1): what carriers print
 * on labels (Code 128, PDF417 on FedEx ground and postal labels, MaxiCode on UPS, QR, DataMatrix,
 * Aztec) and what turns up on parcels and cartons (EAN/UPC, Code 39/93, Codabar, ITF-14).
 */
export type BarcodeFormat =
  | 'code128'
  | 'qr'
  | 'datamatrix'
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
  | 'itf';

export const BARCODE_FORMATS: readonly BarcodeFormat[] = [
  'code128',
  'qr',
  'datamatrix',
  'pdf417',
  'aztec',
  'maxicode',
  'ean13',
  'ean8',
  'upca',
  'upce',
  'code39',
  'code93',
  'codabar',
  'itf',
];

export interface FrameRead {
  text: string;
  format: BarcodeFormat;
}

// 2D and stacked symbols carry Reed-Solomon error correction, so one frame is enough; a 1D read
// passes a short checksum (or none, for Code 39, Codabar and ITF) and a misread can pass it on a
// blurred frame.
const MATRIX: ReadonlySet<BarcodeFormat> = new Set([
  'qr',
  'datamatrix',
  'pdf417',
  'aztec',
  'maxicode',
]);

export function isMatrixFormat(format: BarcodeFormat): boolean {
  return MATRIX.has(format);
}

// Retail symbologies: on a parcel they are the product's barcode, not its waybill.
const PRODUCT: ReadonlySet<BarcodeFormat> = new Set(['ean13', 'ean8', 'upca', 'upce']);

export function isProductFormat(format: BarcodeFormat | undefined): boolean {
  return format !== undefined && PRODUCT.has(format);
}

const same = (a: FrameRead, b: FrameRead) => a.text === b.text && a.format === b.format;

/**
 * The reads of `current` that may be acted on: every 2D read, and each 1D read that the
 * previous frame also produced (same text and format). Duplicates within a frame are dropped.
 */
export function agreeingReads<T extends FrameRead>(
  previous: readonly FrameRead[],
  current: readonly T[],
): T[] {
  const accepted: T[] = [];
  for (const read of current) {
    if (accepted.some((seen) => same(seen, read))) continue;
    if (isMatrixFormat(read.format) || previous.some((before) => same(before, read))) {
      accepted.push(read);
    }
  }
  return accepted;
}

export const REPEAT_WINDOW_MS = 2_000; // 2 s

/** When each text was last seen (epoch ms). Treat as immutable: `suppressRepeats` returns a new one. */
export type RepeatState = ReadonlyMap<string, number>;

export const EMPTY_REPEAT_STATE: RepeatState = new Map();

export interface RepeatResult<T> {
  /** Reads that are new: not seen within the window before `now`. */
  fresh: T[];
  state: RepeatState;
}

/**
 * Drops reads of a text seen less than `windowMs` ago. The window slides: a code held in front
 * of the camera keeps being "seen" and fires once; it fires again only after it has been out of
 * view for the whole window. Entries older than the window are forgotten so the state stays small.
 */
export function suppressRepeats<T extends { text: string }>(
  state: RepeatState,
  reads: readonly T[],
  now: number,
  windowMs: number = REPEAT_WINDOW_MS,
): RepeatResult<T> {
  const next = new Map<string, number>();
  for (const [text, at] of state) if (now - at < windowMs) next.set(text, at);
  const fresh: T[] = [];
  for (const read of reads) {
    if (!next.has(read.text) && !fresh.some((f) => f.text === read.text)) fresh.push(read);
    next.set(read.text, now);
  }
  return { fresh, state: next };
}
