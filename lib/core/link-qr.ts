// QR code rendering options for bwip-js, from what a person chooses: module size, quiet zone and
// error-correction level. White background and padding always (readers fail on transparency);
// no `height` for QR (bwip-js sizes matrix codes from the module count).

export const EC_LEVELS = ['L', 'M', 'Q', 'H'] as const;
export type EcLevel = (typeof EC_LEVELS)[number];

export const EC_LEVEL_NOTES: Record<EcLevel, string> = {
  L: 'L — ~7% damage, smallest code',
  M: 'M — ~15% damage (default)',
  Q: 'Q — ~25% damage',
  H: 'H — ~30% damage, for dirty or torn labels',
};

export interface QrChoice {
  /** Pixels per module in the PNG (1–20). */
  moduleSize: number;
  /** Quiet zone in modules (0–10); 4 is what the QR standard asks for. */
  margin: number;
  ecLevel: EcLevel;
}

export const DEFAULT_QR: QrChoice = { moduleSize: 8, margin: 4, ecLevel: 'M' };

export interface QrRenderOptions {
  bcid: 'qrcode';
  text: string;
  scale: number;
  eclevel: EcLevel;
  backgroundcolor: 'FFFFFF';
  paddingwidth: number;
  paddingheight: number;
}

const clamp = (n: number, lo: number, hi: number) =>
  Math.min(hi, Math.max(lo, Number.isFinite(n) ? Math.round(n) : lo));

export function qrOptionsFrom(text: string, choice: QrChoice): QrRenderOptions {
  const margin = clamp(choice.margin, 0, 10);
  return {
    bcid: 'qrcode',
    text,
    scale: clamp(choice.moduleSize, 1, 20),
    eclevel: EC_LEVELS.includes(choice.ecLevel) ? choice.ecLevel : 'M',
    backgroundcolor: 'FFFFFF',
    // bwip-js padding is in module units for matrix codes (multiplied by `scale`).
    paddingwidth: margin,
    paddingheight: margin,
  };
}

/** A file name for downloads: `qr-<slug>.<ext>`. */
export function qrFileName(slug: string, ext: 'png' | 'svg'): string {
  return `qr-${slug.replace(/[^a-z0-9-]/g, '')}.${ext}`;
}
