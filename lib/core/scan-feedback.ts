// What a person hears, feels and sees for each scan result: distinct enough to tell apart with
// the eyes elsewhere (sound and vibration) and readable at arm's length (colour and big text).
import { clockTimeOf } from './relative-time';
import type { Classification } from './scan-matching';

export interface Tone {
  frequencyHz: number;
  durationMs: number;
}

export interface Feedback {
  tone: Tone[];
  /** navigator.vibrate pattern: on, off, on… in ms. */
  vibration: number[];
  /** A design token the UI maps to a full-screen colour. */
  colour: 'green' | 'amber' | 'red' | 'blue' | 'grey';
  headline: string;
  detail?: string;
}

/** Feedback for a classification; `manifestName` turns ids into names a person knows. */
export function feedbackFor(
  classification: Classification,
  code: string,
  manifestName: (id: string) => string = (id) => id,
): Feedback {
  switch (classification.result) {
    case 'matched':
      return {
        tone: [{ frequencyHz: 1760, durationMs: 90 }],
        vibration: [60],
        colour: 'green',
        headline: 'OK',
        detail: code,
      };
    case 'free':
      return {
        tone: [{ frequencyHz: 1760, durationMs: 90 }],
        vibration: [60],
        colour: 'blue',
        headline: 'Recorded',
        detail: code,
      };
    case 'duplicate':
      return {
        tone: [
          { frequencyHz: 880, durationMs: 120 },
          { frequencyHz: 880, durationMs: 120 },
        ],
        vibration: [120, 80, 120],
        colour: 'amber',
        headline: 'Already scanned',
        // The device's clock time, as the feed and the dashboard show it (scannedAt is UTC).
        detail: `${code} — by ${classification.first.user} at ${clockTimeOf(new Date(classification.first.scannedAt))}`,
      };
    case 'other-manifest':
      return {
        tone: [
          { frequencyHz: 440, durationMs: 150 },
          { frequencyHz: 660, durationMs: 150 },
        ],
        vibration: [200, 100, 200],
        colour: 'red',
        headline: 'Wrong manifest',
        detail: `${code} belongs to ${classification.manifestIds.map(manifestName).join(', ')}`,
      };
    case 'unknown':
      return {
        tone: [{ frequencyHz: 220, durationMs: 400 }],
        vibration: [400],
        colour: 'red',
        headline: 'Not on this manifest',
        detail: code,
      };
  }
}

export type RejectedReason =
  'empty' | 'too-long' | 'pattern-mismatch' | 'product-barcode' | `gs1-${string}`;

/** Feedback for a code that is not a waybill at all (stray product barcode, bad GS1 data). */
export function feedbackForRejected(reason: RejectedReason, code: string): Feedback {
  const detail =
    reason === 'pattern-mismatch'
      ? `${code} is not a waybill number of this manifest (a product barcode?)`
      : reason === 'product-barcode'
        ? `${code} is a product barcode (EAN/UPC): scan the waybill label`
        : reason.startsWith('gs1-')
          ? `${code}: the GS1 data is damaged (${reason.slice(4)}) — scan again or type the number`
          : `${code}: not a readable code`;
  return {
    tone: [{ frequencyHz: 220, durationMs: 250 }],
    vibration: [250],
    colour: 'grey',
    headline: 'Not a waybill',
    detail,
  };
}
