// How a spreadsheet cell reads to a person: the text Excel or LibreOffice would show, as plain text.
// Works on an exceljs-like cell model (value + number format), so it is pure and testable.

export interface CellModel {
  /** exceljs cell value: string, number, boolean, Date, rich text, formula, hyperlink, error or null. */
  value: unknown;
  /** The cell's number format ("General", "000000000", "yyyy-mm-dd" …) when styles were read. */
  numFmt?: string;
}

export type CellIssue = 'precision-lost' | 'error-value' | 'formula-not-calculated';

export interface CellText {
  text: string;
  /** The numeric value when the cell held a number (not a date). */
  number?: number;
  issue?: CellIssue;
}

export interface CellTextOptions {
  /** The workbook uses the 1904 date system (old Mac Excel). */
  date1904?: boolean;
}

const DAY_MS = 86_400_000;
const UNIX_EPOCH_SERIAL = 25_569; // serial of 1970-01-01 in the 1900 system (epoch 1899-12-30)
const DATE1904_OFFSET = 1_462; // days between the two systems' epochs
/**
 * Excel keeps 15 significant digits, so an integer of 16 or more digits in a number cell is
 * already rounded (and beyond 2^53 not even a double can hold it): such a number cannot be
 * trusted to be the one printed on a label.
 */
const MAX_TRUSTED_INTEGER = 999_999_999_999_999;

const EMPTY: CellText = { text: '' };

/** `_x000D_`-style escapes OOXML uses for characters XML cannot carry. */
function decodeOoxmlEscapes(text: string): string {
  if (!text.includes('_x')) return text;
  return text.replace(/_x([0-9A-Fa-f]{4})_/g, (_m, hex: string) =>
    String.fromCharCode(parseInt(hex, 16)),
  );
}

function plainText(text: string): CellText {
  return { text: decodeOoxmlEscapes(text).trim() };
}

/** The first section of a number format with colours, conditions, locales and quotes removed. */
function formatSkeleton(numFmt: string): string {
  return numFmt
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/[_*]./g, '');
}

/** True when a number format shows a date or time (so the number is a date serial). */
export function isDateFormat(numFmt: string | undefined): boolean {
  if (!numFmt) return false;
  const section = formatSkeleton(numFmt.split(';')[0] ?? '');
  if (/general/i.test(section)) return false;
  return /[ymdhs]/i.test(section);
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * A date serial as ISO text. The 1900 system copies Lotus 1-2-3's bug: it counts a 29 February
 * 1900 that never happened (serial 60), so serials below 61 are one day off from the plain epoch.
 */
export function isoFromSerial(
  serial: number,
  options: CellTextOptions & { time?: boolean; date?: boolean } = {},
): string {
  const { date1904 = false, time = false, date = true } = options;
  if (!Number.isFinite(serial) || serial < 0) return String(serial);
  let days = Math.floor(serial);
  let seconds = Math.round((serial - days) * 86_400);
  if (seconds >= 86_400) {
    days += 1;
    seconds -= 86_400;
  }
  const clock = `${pad2(Math.floor(seconds / 3600))}:${pad2(Math.floor(seconds / 60) % 60)}:${pad2(seconds % 60)}`;
  let day: string;
  if (!date1904 && days === 60) {
    day = '1900-02-29'; // what Excel shows for the day that does not exist
  } else {
    const epoch = date1904
      ? Date.UTC(1904, 0, 1)
      : days < 60
        ? Date.UTC(1899, 11, 31)
        : Date.UTC(1899, 11, 30);
    const d = new Date(epoch + days * DAY_MS);
    day = `${String(d.getUTCFullYear()).padStart(4, '0')}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
  }
  if (!date) return clock;
  return time ? `${day} ${clock}` : day;
}

function dateParts(numFmt: string | undefined): { date: boolean; time: boolean } {
  if (!numFmt) return { date: true, time: false };
  const section = formatSkeleton(numFmt.split(';')[0] ?? '');
  const time = /[hs]/i.test(section);
  const date = /[yd]/i.test(section) || !time;
  return { date, time };
}

/** Converts a Date made by exceljs (serial → UTC milliseconds, naively) back to its serial. */
function serialFromExceljsDate(d: Date, date1904: boolean): number {
  return d.getTime() / DAY_MS + UNIX_EPOCH_SERIAL - (date1904 ? DATE1904_OFFSET : 0);
}

function integerDigits(v: number): string {
  // BigInt never switches to exponent notation, whatever the size.
  return BigInt(v).toString();
}

function generalNumber(v: number): string {
  if (Number.isInteger(v)) return integerDigits(v);
  // 15 significant digits, like Excel, so 0.1 + 0.2 reads 0.3.
  return String(Number(v.toPrecision(15)));
}

/**
 * Renders the number formats that matter for manifests: literal text around runs of `0`/`#`/`?`
 * placeholders — zero padding (`000000000`), digit groups (`000 000 000`, phones such as
 * `"+"00 0000 000000` or `00000 000000`) — fixed decimals and percent. Thousands separators are
 * presentation, not data, and are left out. Anything else (exponents, fractions, text) → General.
 */
function formattedNumber(v: number, numFmt: string | undefined): string {
  if (!numFmt || /^(general|@)$/i.test(numFmt.trim())) return generalNumber(v);
  const sections = numFmt.split(';');
  let section = sections[0] ?? '';
  let value = v;
  let sign = '';
  if (v < 0) {
    if (sections.length > 1 && sections[1]) {
      section = sections[1];
      value = -v;
    } else {
      sign = '-';
      value = -v;
    }
  }
  // Tokenise: quoted literals, escapes, brackets, fill/space, placeholders, other literals.
  const tokens: string[] =
    section.match(/"[^"]*"|\\.|\[[^\]]*\]|[_*].|[0#?,.]+|%|[^"\\[_*0#?,.%]+/g) ?? [];
  const isRun = (t: string) => /^[0#?,.]+$/.test(t) && /[0#?]/.test(t);
  const runs = tokens.filter(isRun).map((t) => t.replace(/,/g, ''));
  // Only the last run may hold the decimal point; earlier runs are groups of the integer part.
  if (
    runs.length === 0 ||
    runs.slice(0, -1).some((r) => r.includes('.')) ||
    /[eE@/]/.test(formatSkeleton(section))
  )
    return sign + generalNumber(value);
  if (tokens.includes('%')) value *= 100;
  const [lastInt = '', decPart = ''] = runs[runs.length - 1]!.split('.');
  const decimals = decPart.replace(/[^0#?]/g, '').length;
  const groups = runs.map((r, i) => (i === runs.length - 1 ? lastInt : r).replace(/[^0#?]/g, ''));
  const minInt = groups.join('').replace(/[^0]/g, '').length;
  let digits: string;
  if (decimals === 0) digits = integerDigits(Math.round(value));
  else {
    digits = value.toFixed(decimals);
    const minDecimals = (decPart.match(/0/g) ?? []).length;
    if (minDecimals < decimals)
      digits = digits.replace(new RegExp(`0{1,${decimals - minDecimals}}$`), '');
    if (digits.endsWith('.')) digits = digits.slice(0, -1);
  }
  const [intDigits = '', frac] = digits.split('.');
  const whole = (intDigits === '0' && minInt === 0 ? '' : intDigits).padStart(minInt, '0');
  // Digits fill the groups from the right; any left over go in front of the first group.
  const slots = groups.reduce((n, g) => n + g.length, 0);
  let rest = whole.slice(Math.max(0, whole.length - slots));
  const filled: string[] = [];
  for (let i = groups.length - 1; i >= 0; i--) {
    const group = groups[i]!;
    const take = Math.min(group.length, rest.length);
    const empty = group
      .slice(0, group.length - take)
      .replace(/#/g, '')
      .replace(/\?/g, ' ');
    filled[i] = empty + rest.slice(rest.length - take);
    rest = rest.slice(0, rest.length - take);
  }
  filled[0] = whole.slice(0, Math.max(0, whole.length - slots)) + filled[0];
  let out = '';
  let run = 0;
  for (const token of tokens) {
    if (isRun(token)) {
      out += filled[run]!;
      if (run === runs.length - 1 && frac !== undefined) out += `.${frac}`;
      run += 1;
      continue;
    }
    // A separator between groups shows only once a digit has been shown before it.
    if (run > 0 && run < runs.length && !/\d/.test(filled.slice(0, run).join(''))) continue;
    if (token.startsWith('"')) out += token.slice(1, -1);
    else if (token.startsWith('\\')) out += token.slice(1);
    else if (token.startsWith('[') || token.startsWith('*')) continue;
    else if (token.startsWith('_')) out += ' ';
    else out += token;
  }
  return sign + out;
}

function numberText(v: number, numFmt: string | undefined, options: CellTextOptions): CellText {
  if (!Number.isFinite(v)) return { text: String(v), issue: 'error-value' };
  if (isDateFormat(numFmt)) return { text: isoFromSerial(v, { ...options, ...dateParts(numFmt) }) };
  const text = formattedNumber(v, numFmt);
  if (Number.isInteger(v) && Math.abs(v) > MAX_TRUSTED_INTEGER)
    return { text, number: v, issue: 'precision-lost' };
  return { text, number: v };
}

function richText(parts: unknown): string {
  if (!Array.isArray(parts)) return '';
  let out = '';
  for (const part of parts) {
    if (part && typeof part === 'object' && typeof (part as { text?: unknown }).text === 'string')
      out += (part as { text: string }).text;
  }
  return out;
}

/** The text a person sees in a cell. Never throws; unknown shapes read as empty. */
export function cellText(cell: CellModel, options: CellTextOptions = {}): CellText {
  const { value, numFmt } = cell;
  if (value === null || value === undefined) return EMPTY;
  if (typeof value === 'string') return plainText(value);
  if (typeof value === 'number') return numberText(value, numFmt, options);
  if (typeof value === 'boolean') return { text: value ? 'TRUE' : 'FALSE' };
  if (value instanceof Date) {
    const serial = serialFromExceljsDate(value, options.date1904 ?? false);
    if (Number.isNaN(serial)) return { text: '', issue: 'error-value' };
    return { text: isoFromSerial(serial, { ...options, ...dateParts(numFmt) }) };
  }
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if ('richText' in v) return plainText(richText(v.richText));
    if ('formula' in v || 'sharedFormula' in v) {
      if (v.result === undefined || v.result === null)
        return { text: '', issue: 'formula-not-calculated' };
      // exceljs reads an error result (#N/A, #VALUE! …) as a number that is not a number.
      if (typeof v.result === 'number' && Number.isNaN(v.result))
        return { text: '', issue: 'error-value' };
      return cellText({ value: v.result, numFmt }, options);
    }
    if ('error' in v) return { text: String(v.error), issue: 'error-value' };
    if ('hyperlink' in v || 'text' in v) {
      const text = v.text;
      if (typeof text === 'string') return plainText(text);
      if (text && typeof text === 'object') return cellText({ value: text, numFmt }, options);
      return EMPTY;
    }
  }
  return EMPTY;
}
