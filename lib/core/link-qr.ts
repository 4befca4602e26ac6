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

/**
 * A ZPL label for a short link (2×2 in at 203 dpi): the QR of the short URL (`^BQN,2,<mag>` with
 * `MA,` = error correction M, automatic mode) and the title below. The template an admin adds so
 * the links screen can print QR labels; its `{{url}}` slot is what the screen fills.
 * ZPL II Programming Guide: ^BQ (QR Code bar code), ^FH.
 */
export const LINK_QR_LABEL_ZPL = [
  '^XA',
  '^CI28',
  '^PW406^LL406',
  '^FO40,20^BQN,2,6^FDMA,{{url}}^FS',
  '^FO20,360^A0N,28,28^FB366,1,0,C^FD{{title}}^FS',
  '^XZ',
].join('\n');

/** What a link's label is filled from (lib/core/label-fields.ts `LabelSource`). */
export function linkLabelSource(link: {
  slug: string;
  url: string;
  title: string;
  target: string;
}): { number: string; typed: Record<string, string> } {
  const { slug, url, title, target } = link;
  return { number: slug, typed: { url, slug, title: title || slug, target } };
}
