// GS1 element strings (GS1-128, GS1 DataMatrix, GS1 QR): split into application identifiers
// and check what can be checked. GS1 General Specifications §3 (AIs) and §7.9 (check digits).

/** FNC1 as transmitted by scanners in the middle of a symbol: ASCII group separator. */
export const GS = '\u001d';

interface AiSpec {
  /** Fixed number of data characters, or the maximum for variable-length AIs. */
  length: number;
  fixed: boolean;
  numeric: boolean;
  checkDigit?: boolean;
  date?: boolean;
  title: string;
}

const AIS: Record<string, AiSpec> = {
  '00': { length: 18, fixed: true, numeric: true, checkDigit: true, title: 'SSCC' },
  '01': { length: 14, fixed: true, numeric: true, checkDigit: true, title: 'GTIN' },
  '02': { length: 14, fixed: true, numeric: true, checkDigit: true, title: 'CONTENT' },
  '10': { length: 20, fixed: false, numeric: false, title: 'BATCH/LOT' },
  '11': { length: 6, fixed: true, numeric: true, date: true, title: 'PROD DATE' },
  '13': { length: 6, fixed: true, numeric: true, date: true, title: 'PACK DATE' },
  '15': { length: 6, fixed: true, numeric: true, date: true, title: 'BEST BEFORE' },
  '17': { length: 6, fixed: true, numeric: true, date: true, title: 'USE BY' },
  '21': { length: 20, fixed: false, numeric: false, title: 'SERIAL' },
  '37': { length: 8, fixed: false, numeric: true, title: 'COUNT' },
  '400': { length: 30, fixed: false, numeric: false, title: 'ORDER NUMBER' },
  '401': { length: 30, fixed: false, numeric: false, title: 'GINC' },
  '402': { length: 17, fixed: true, numeric: true, checkDigit: true, title: 'GSIN' },
  '420': { length: 20, fixed: false, numeric: false, title: 'SHIP TO POST' },
};

export type Gs1Error =
  | 'empty'
  | 'unknown-ai'
  | 'bad-length'
  | 'not-numeric'
  | 'bad-check-digit'
  | 'bad-date'
  | 'bad-character';

export interface Gs1Element {
  ai: string;
  title: string;
  value: string;
}

export type Gs1Result =
  { ok: true; elements: Gs1Element[] } | { ok: false; error: Gs1Error; ai?: string };

/** GS1 mod-10 check: weights 3 and 1 alternate from the digit left of the check digit. */
export function hasValidGs1CheckDigit(digits: string): boolean {
  if (!/^\d{2,}$/.test(digits)) return false;
  let sum = 0;
  for (let i = digits.length - 2, weight = 3; i >= 0; i -= 1, weight = 4 - weight) {
    sum += Number(digits[i]) * weight;
  }
  return (10 - (sum % 10)) % 10 === Number(digits[digits.length - 1]);
}

function isValidGs1Date(yymmdd: string): boolean {
  const month = Number(yymmdd.slice(2, 4));
  const day = Number(yymmdd.slice(4, 6));
  if (month < 1 || month > 12) return false;
  if (day === 0) return true; // GS1: day 00 means "end of the month"
  const year = 2000 + Number(yymmdd.slice(0, 2));
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

// GS1 AI encodable character set 82 (§7.11): printable ASCII less space, '#', '$', '@', '[', ...
const CSET82 = /^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]*$/;

function aiAt(data: string, at: number): string | undefined {
  for (const width of [2, 3, 4]) {
    const candidate = data.slice(at, at + width);
    if (candidate in AIS) return candidate;
  }
  return undefined;
}

function checkValue(spec: AiSpec, value: string): Gs1Error | null {
  if (spec.fixed ? value.length !== spec.length : value.length === 0 || value.length > spec.length)
    return 'bad-length';
  if (spec.numeric && !/^\d+$/.test(value)) return 'not-numeric';
  if (!spec.numeric && !CSET82.test(value)) return 'bad-character';
  if (spec.checkDigit && !hasValidGs1CheckDigit(value)) return 'bad-check-digit';
  if (spec.date && !isValidGs1Date(value)) return 'bad-date';
  return null;
}

/**
 * Parses the data of a GS1 symbol, without its symbology identifier. Variable-length fields end
 * at a GS (FNC1) or at the end of the data; fixed-length ones need no separator.
 */
export function parseGs1ElementString(data: string): Gs1Result {
  const body = data.startsWith(GS) ? data.slice(1) : data;
  if (body.length === 0) return { ok: false, error: 'empty' };
  const elements: Gs1Element[] = [];
  let at = 0;
  while (at < body.length) {
    const ai = aiAt(body, at);
    if (!ai) return { ok: false, error: 'unknown-ai', ai: body.slice(at, at + 4) };
    const spec = AIS[ai]!;
    const start = at + ai.length;
    let end: number;
    if (spec.fixed) {
      end = start + spec.length;
    } else {
      const separator = body.indexOf(GS, start);
      end = separator === -1 ? body.length : separator;
    }
    const value = body.slice(start, end);
    const error = checkValue(spec, value);
    if (error) return { ok: false, error, ai };
    elements.push({ ai, title: spec.title, value });
    at = body[end] === GS ? end + 1 : end;
  }
  return { ok: true, elements };
}

/** Parses the human-readable form "(00)123…(21)ABC" that some scanners and people type. */
export function parseGs1HumanReadable(text: string): Gs1Result {
  const parts = [...text.matchAll(/\((\d{2,4})\)([^(]*)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) {
    return { ok: false, error: 'empty' };
  }
  return parseGs1ElementString(parts.map(([, ai, value]) => `${ai}${value}`).join(GS));
}
