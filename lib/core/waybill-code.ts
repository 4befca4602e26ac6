// One normalisation for every waybill number, whether it was scanned, typed or imported, so a
// scan and a manifest row compare equal when a person would say they are the same waybill.
import {
  GS,
  parseGs1ElementString,
  parseGs1HumanReadable,
  type Gs1Element,
  type Gs1Error,
} from './gs1';
import { splitSymbologyIdentifier } from './symbology';

export type WaybillCodeError = 'empty' | 'too-long' | 'pattern-mismatch' | `gs1-${Gs1Error}`;

export type WaybillCode =
  { ok: true; value: string; gs1?: Gs1Element[] } | { ok: false; error: WaybillCodeError };

export interface WaybillCodeOptions {
  /** A manifest's waybill pattern (a regular expression source): codes that fail it are stray. */
  pattern?: RegExp;
}

export const MAX_CODE_LENGTH = 100;

// Everything a scanner or a spreadsheet may wrap around the data: spaces of every kind,
// line ends, zero-width characters and control bytes other than GS (FNC1).
// eslint-disable-next-line no-control-regex
const NOISE = /[\s\u0000-\u001c\u001e\u001f\u007f\u200b-\u200d\u2060\ufeff]/g;

/** The elements of "00" + an 18-digit SSCC with a valid check digit, else null. */
function bareSscc(code: string): Gs1Element[] | null {
  if (!/^00\d{18}$/.test(code)) return null;
  const parsed = parseGs1ElementString(code);
  return parsed.ok ? parsed.elements : null;
}

function fromGs1(elements: Gs1Element[]): string {
  // A logistics unit is identified by its SSCC; anything else keeps its full element string.
  const sscc = elements.find((element) => element.ai === '00');
  return sscc ? sscc.value : elements.map((element) => `(${element.ai})${element.value}`).join('');
}

export function waybillCodeFrom(raw: string, options: WaybillCodeOptions = {}): WaybillCode {
  const { gs1, data } = splitSymbologyIdentifier(raw.trim());
  const cleaned = data.replace(NOISE, '');
  if (cleaned.length === 0) return { ok: false, error: 'empty' };

  let value: string;
  let elements: Gs1Element[] | undefined;
  const humanReadableGs1 = /^\(\d{2,4}\)/.test(cleaned);
  if (gs1 || humanReadableGs1 || cleaned.includes(GS)) {
    const parsed = humanReadableGs1
      ? parseGs1HumanReadable(cleaned)
      : parseGs1ElementString(cleaned);
    if (!parsed.ok) return { ok: false, error: `gs1-${parsed.error}` };
    elements = parsed.elements;
    value = fromGs1(elements);
  } else {
    // An SSCC label read by a scanner that sends no symbology prefix and drops FNC1: "00" and 18
    // digits with a valid check digit are the SSCC, as "]C100…" or "(00)…" would be. The same
    // rule applies to manifest rows, so both sides still compare equal.
    elements = bareSscc(cleaned) ?? undefined;
    value = elements ? fromGs1(elements) : cleaned.toUpperCase();
  }
  if (value.length > MAX_CODE_LENGTH) return { ok: false, error: 'too-long' };
  if (options.pattern && !options.pattern.test(value))
    return { ok: false, error: 'pattern-mismatch' };
  return elements ? { ok: true, value, gs1: elements } : { ok: true, value };
}
