// ZPL label templates with {{field}} slots, filled so that no value can inject commands:
// every value is written as ^FH hex escapes where it could be read as ZPL, under ^CI28 (UTF-8).
// ZPL II Programming Guide: ^FH (field hexadecimal indicator), ^CI (change international font/encoding).

export type ZplTemplateError =
  | 'no-label-start'
  | 'slot-outside-field'
  | 'unclosed-field'
  | 'bad-slot-name'
  | 'conflicting-encoding'
  | 'unsupported-escape-character';

export interface ParsedTemplate {
  ok: true;
  /** Slot names in order of first appearance. */
  slots: string[];
}

export type TemplateCheck = ParsedTemplate | { ok: false; error: ZplTemplateError; at?: number };

export type FillResult =
  { ok: true; zpl: string } | { ok: false; error: 'missing-value'; field: string };

const ESCAPE = '_';
const SLOT = /\{\{\s*([^{}]*?)\s*\}\}/g;
const SLOT_NAME = /^[A-Za-z][A-Za-z0-9_.]{0,63}$/;
// Field data runs from ^FD (or ^FV) to ^FS. Commands are case-insensitive.
const FIELD_DATA = /\^F[DV]([\s\S]*?)(?=\^FS)/gi;

/** Characters that are safe as themselves inside ^FH field data: printable ASCII less ^ ~ _ \ and braces. */
function isPlainSafe(code: number): boolean {
  return code >= 0x20 && code <= 0x7e && !'^~_\\{}'.includes(String.fromCharCode(code));
}

/** Writes a value for ^FH field data: unsafe characters become _XX, one per UTF-8 byte. */
export function escapeZplFieldData(value: string): string {
  let out = '';
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if (isPlainSafe(code)) {
      out += char;
      continue;
    }
    for (const byte of new TextEncoder().encode(char)) {
      out += ESCAPE + byte.toString(16).toUpperCase().padStart(2, '0');
    }
  }
  return out;
}

/** The inverse of escapeZplFieldData, as a printer does it: for tests and previews. */
export function unescapeZplFieldData(data: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < data.length; i += 1) {
    if (data[i] === ESCAPE && /^[0-9A-Fa-f]{2}$/.test(data.slice(i + 1, i + 3))) {
      bytes.push(parseInt(data.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...new TextEncoder().encode(data[i]!));
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

interface Field {
  /** Index of the ^FD / ^FV command. */
  start: number;
  /** Index just after the field data (where ^FS begins). */
  end: number;
}

function fieldsOf(zpl: string): Field[] {
  return [...zpl.matchAll(FIELD_DATA)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
}

export function checkZplTemplate(zpl: string): TemplateCheck {
  if (!/\^XA/i.test(zpl)) return { ok: false, error: 'no-label-start' };
  const encodings = [...zpl.matchAll(/\^CI(\d+)/gi)].map((m) => m[1]);
  if (encodings.some((e) => e !== '28')) return { ok: false, error: 'conflicting-encoding' };
  const fields = fieldsOf(zpl);
  const lastFd = zpl.search(/\^F[DV](?![\s\S]*\^F[DV])/i);
  if (lastFd !== -1 && !/\^FS/i.test(zpl.slice(lastFd))) {
    return { ok: false, error: 'unclosed-field', at: lastFd };
  }
  const slots: string[] = [];
  for (const match of zpl.matchAll(SLOT)) {
    const name = match[1]!;
    if (!SLOT_NAME.test(name)) return { ok: false, error: 'bad-slot-name', at: match.index };
    if (!fields.some((f) => match.index > f.start && match.index < f.end)) {
      return { ok: false, error: 'slot-outside-field', at: match.index };
    }
    if (!slots.includes(name)) slots.push(name);
  }
  for (const field of fields) {
    const prefix = zpl.slice(zpl.lastIndexOf('^FS', field.start) + 1, field.start);
    const escapeChar = /\^FH(.?)/i.exec(prefix)?.[1];
    if (
      escapeChar &&
      escapeChar !== ESCAPE &&
      escapeChar !== '^' &&
      SLOT.test(zpl.slice(field.start, field.end))
    ) {
      SLOT.lastIndex = 0;
      return { ok: false, error: 'unsupported-escape-character', at: field.start };
    }
    SLOT.lastIndex = 0;
  }
  return { ok: true, slots };
}

/**
 * Fills a checked template. Fields holding slots get `^FH_` before their data (unless already
 * there), and the label gets `^CI28` after `^XA` so escaped UTF-8 prints as text.
 */
export function zplFromTemplate(zpl: string, values: Readonly<Record<string, string>>): FillResult {
  let out = '';
  let at = 0;
  for (const field of fieldsOf(zpl)) {
    const data = zpl.slice(field.start + 3, field.end);
    if (!data.match(SLOT)) continue;
    const prefix = zpl.slice(zpl.lastIndexOf('^FS', field.start) + 1, field.start);
    let filled = '';
    let last = 0;
    for (const match of data.matchAll(SLOT)) {
      const name = match[1]!;
      const value = values[name];
      if (value === undefined) return { ok: false, error: 'missing-value', field: name };
      filled += data.slice(last, match.index) + escapeZplFieldData(value);
      last = match.index + match[0].length;
    }
    filled += data.slice(last);
    const fh = /\^FH/i.test(prefix) ? '' : `^FH${ESCAPE}`;
    out += zpl.slice(at, field.start) + fh + zpl.slice(field.start, field.start + 3) + filled;
    at = field.end;
  }
  out += zpl.slice(at);
  if (!/\^CI28/i.test(out)) out = out.replace(/\^XA/i, '^XA^CI28');
  return { ok: true, zpl: out };
}
