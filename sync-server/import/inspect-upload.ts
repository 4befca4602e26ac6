// Checks an uploaded file's bytes before any spreadsheet parser sees it: what kind of file it
// really is, whether it is a well-formed xlsx zip, and whether it unpacks to a sane size.
// Zip format: https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT (4.3.7, 4.3.12, 4.3.16).
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { createInflateRaw, crc32 } from 'node:zlib';
import { ImportError } from './errors';
import { importLimits } from './limits';
import type { ImportLimits, ImportLimitsInput } from './limits';

export interface SheetInfo {
  name: string;
  /** The zip entry of the sheet, e.g. `xl/worksheets/sheet1.xml`. */
  entry: string;
  /** Rows stored in the sheet (counted while unpacking). */
  rows: number;
  hidden: boolean;
}

/** Where each zip entry lies in the file, [start, end) from its local header to its data end. */
export interface ZipLayout {
  entries: { name: string; start: number; end: number }[];
  /** Start of the central directory (the file's tail from here on is directory + end record). */
  directoryStart: number;
}

export interface UploadInspection {
  bytes: number;
  layout: ZipLayout;
  entries: number;
  uncompressedBytes: number;
  date1904: boolean;
  sheets: SheetInfo[];
}

interface ZipEntry {
  name: string;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_DESCRIPTOR = 0x08074b50;
const EOCD_MIN = 22;
const EOCD_SEARCH = EOCD_MIN + 0xffff; // the comment is at most 65,535 bytes
const SNIFF_BYTES = 4096;
const XLSX_MAIN =
  /application\/vnd\.(openxmlformats-officedocument\.spreadsheetml\.(sheet|template)|ms-excel\.(sheet|template)\.macroEnabled)\.main\+xml/;
// Parts read into memory to find sheet names and the date system.
const SMALL_PARTS = new Set([
  '[Content_Types].xml',
  'xl/workbook.xml',
  'xl/_rels/workbook.xml.rels',
  'mimetype',
]);
const SMALL_PART_MAX = 4 * 1024 * 1024; // 4 MB

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await fh.read(buf, 0, length, position);
  return buf.subarray(0, bytesRead);
}

/** What a non-zip file is, from its first bytes. */
function sniffNonZip(head: Buffer): ImportError {
  const starts = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47) || starts(0xff, 0xd8, 0xff) || starts(0x47, 0x49, 0x46, 0x38))
    return new ImportError('IMPORT_ERR_IMAGE');
  if (starts(0x25, 0x50, 0x44, 0x46)) return new ImportError('IMPORT_ERR_PDF');
  if (starts(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1))
    return new ImportError('IMPORT_ERR_XLS_LEGACY');
  if (starts(0x50, 0x4b, 0x05, 0x06))
    return new ImportError('IMPORT_ERR_NOT_XLSX_ZIP', 'empty zip');
  const utf16 = starts(0xff, 0xfe) || starts(0xfe, 0xff);
  const text = utf16 ? head.toString('utf16le') : head.toString('utf8').replace(/^\ufeff/, '');
  const binary = !utf16 && head.includes(0);
  if (!binary) {
    const start = text.trimStart().slice(0, 200).toLowerCase();
    if (/^<(!doctype html|html|table|\?xml[^>]*>\s*<html)/.test(start) || start.startsWith('<'))
      return new ImportError('IMPORT_ERR_HTML_RENAMED');
    // Text with lines and separators is a CSV (or TSV) whatever its name says.
    if (/[,;\t|]/.test(text)) return new ImportError('IMPORT_ERR_CSV_RENAMED');
  }
  return new ImportError('IMPORT_ERR_NOT_SPREADSHEET');
}

function readCentralDirectory(cd: Buffer, count: number): ZipEntry[] {
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== SIG_CENTRAL)
      throw new ImportError('IMPORT_ERR_CORRUPT', 'bad central directory');
    const nameLength = cd.readUInt16LE(p + 28);
    const extraLength = cd.readUInt16LE(p + 30);
    const commentLength = cd.readUInt16LE(p + 32);
    const entry: ZipEntry = {
      flags: cd.readUInt16LE(p + 8),
      method: cd.readUInt16LE(p + 10),
      crc: cd.readUInt32LE(p + 16),
      compressedSize: cd.readUInt32LE(p + 20),
      uncompressedSize: cd.readUInt32LE(p + 24),
      localHeaderOffset: cd.readUInt32LE(p + 42),
      name: cd.toString('utf8', p + 46, p + 46 + nameLength),
    };
    if (
      entry.compressedSize === 0xffffffff ||
      entry.uncompressedSize === 0xffffffff ||
      entry.localHeaderOffset === 0xffffffff
    )
      throw new ImportError('IMPORT_ERR_ZIP_UNSUPPORTED', 'zip64');
    if (entry.flags & 0x1) throw new ImportError('IMPORT_ERR_ZIP_UNSUPPORTED', 'encrypted entry');
    if (entry.method !== 0 && entry.method !== 8)
      throw new ImportError('IMPORT_ERR_ZIP_UNSUPPORTED', `compression method ${entry.method}`);
    entries.push(entry);
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Counts `<row` start tags across chunk boundaries. */
function rowCounter() {
  let tail = Buffer.alloc(0);
  let rows = 0;
  const needle = Buffer.from('<row');
  return {
    push(chunk: Buffer) {
      const buf = tail.length > 0 ? Buffer.concat([tail, chunk]) : chunk;
      let i = buf.indexOf(needle);
      while (i !== -1 && i + 4 < buf.length) {
        const next = buf[i + 4];
        if (
          next === 0x20 ||
          next === 0x3e ||
          next === 0x2f ||
          next === 0x09 ||
          next === 0x0a ||
          next === 0x0d
        )
          rows += 1;
        i = buf.indexOf(needle, i + 4);
      }
      tail = Buffer.from(buf.subarray(Math.max(0, buf.length - 4)));
    },
    get rows() {
      return rows;
    },
  };
}

interface EntryRead {
  bytes: number;
  small?: Buffer;
  rows?: number;
}

/**
 * Unpacks one entry, counting what comes out and stopping as soon as a limit is passed: the
 * sizes the zip declares are compared afterwards, never used to decide what is safe.
 */
function inflateEntry(
  path: string,
  entry: ZipEntry,
  dataStart: number,
  limits: ImportLimits,
  budget: { left: number },
): Promise<EntryRead> {
  const isSheet = /^xl\/worksheets\/[^/]+\.xml$/.test(entry.name);
  const keep = SMALL_PARTS.has(entry.name);
  const partMax = isSheet ? Infinity : keep ? SMALL_PART_MAX : limits.maxPartBytes;
  return new Promise((resolve, reject) => {
    const source =
      entry.compressedSize === 0
        ? null
        : createReadStream(path, { start: dataStart, end: dataStart + entry.compressedSize - 1 });
    const inflate = entry.method === 8 ? createInflateRaw() : null;
    const counter = isSheet ? rowCounter() : null;
    const kept: Buffer[] = [];
    let bytes = 0;
    let crc = 0;
    let done = false;
    const fail = (err: ImportError) => {
      if (done) return;
      done = true;
      source?.destroy();
      inflate?.destroy();
      reject(err);
    };
    const onData = (chunk: Buffer) => {
      if (done) return;
      bytes += chunk.length;
      budget.left -= chunk.length;
      if (budget.left < 0)
        return fail(
          new ImportError('IMPORT_ERR_ZIP_BOMB', `total unpacked size over limit at ${entry.name}`),
        );
      if (
        bytes > limits.ratioFloorBytes &&
        bytes > limits.maxEntryRatio * Math.max(entry.compressedSize, 1)
      )
        return fail(
          new ImportError('IMPORT_ERR_ZIP_BOMB', `compression ratio over limit in ${entry.name}`),
        );
      if (bytes > partMax)
        return fail(
          new ImportError('IMPORT_ERR_ZIP_BOMB', `part ${entry.name} over ${partMax} bytes`),
        );
      crc = crc32(chunk, crc);
      counter?.push(chunk);
      if (keep) kept.push(chunk);
    };
    const onEnd = () => {
      if (done) return;
      done = true;
      if (bytes !== entry.uncompressedSize || crc !== entry.crc)
        return reject(
          new ImportError('IMPORT_ERR_CORRUPT', `size or CRC mismatch in ${entry.name}`),
        );
      resolve({ bytes, small: keep ? Buffer.concat(kept) : undefined, rows: counter?.rows });
    };
    const onError = (err: Error) =>
      fail(new ImportError('IMPORT_ERR_CORRUPT', `${entry.name}: ${err.message}`));
    if (!source) return onEnd();
    source.on('error', onError);
    const out = inflate ? source.pipe(inflate) : source;
    inflate?.on('error', onError);
    out.on('data', onData);
    out.on('end', onEnd);
  });
}

function xmlAttributes(tag: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const m of tag.matchAll(/([\w:]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g))
    attrs[m[1]!] = (m[2] ?? m[3] ?? '')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'")
      .replace(/&amp;/g, '&');
  return attrs;
}

function sheetsFrom(
  workbookXml: string,
  relsXml: string,
  rowsByEntry: Map<string, number>,
): SheetInfo[] {
  const targets = new Map<string, string>();
  for (const m of relsXml.matchAll(/<(?:\w+:)?Relationship\b[^>]*>/g)) {
    const a = xmlAttributes(m[0]);
    if (!a.Id || !a.Target) continue;
    const target = a.Target.startsWith('/') ? a.Target.slice(1) : `xl/${a.Target}`;
    targets.set(a.Id, target.replace(/\/\.\//g, '/'));
  }
  const sheets: SheetInfo[] = [];
  for (const m of workbookXml.matchAll(/<(?:\w+:)?sheet\b[^>]*>/g)) {
    const a = xmlAttributes(m[0]);
    const rid = Object.entries(a).find(([k]) => /(^|:)id$/.test(k) && k !== 'sheetId')?.[1];
    const entry = rid ? targets.get(rid) : undefined;
    if (!a.name || !entry || !rowsByEntry.has(entry)) continue; // chart sheets and the like
    sheets.push({
      name: a.name,
      entry,
      rows: rowsByEntry.get(entry) ?? 0,
      hidden: a.state === 'hidden' || a.state === 'veryHidden',
    });
  }
  return sheets;
}

/**
 * Checks an upload's bytes: real file type, zip structure (entries must tile the file exactly,
 * which also rules out overlapping-entry bombs), unpacked size and ratio while inflating, an
 * xlsx content type and workbook, and counts the rows of every sheet. Throws ImportError.
 */
export async function inspectUpload(
  path: string,
  limitsInput: ImportLimitsInput | ImportLimits = {},
): Promise<UploadInspection> {
  const limits = importLimits(limitsInput);
  const { size } = await stat(path);
  if (size === 0) throw new ImportError('IMPORT_ERR_EMPTY_FILE');
  if (size > limits.maxFileBytes) throw new ImportError('IMPORT_ERR_TOO_LARGE');
  const fh = await open(path, 'r');
  try {
    const head = await readAt(fh, 0, Math.min(size, SNIFF_BYTES));
    if (head.length < 4 || head.readUInt32LE(0) !== SIG_LOCAL) throw sniffNonZip(head);

    // End of central directory: the last one in the final 64 KiB.
    const tailStart = Math.max(0, size - EOCD_SEARCH);
    const tail = await readAt(fh, tailStart, size - tailStart);
    let e = -1;
    for (let i = tail.length - EOCD_MIN; i >= 0; i--) {
      if (tail.readUInt32LE(i) === SIG_EOCD) {
        e = i;
        break;
      }
    }
    if (e < 0) throw new ImportError('IMPORT_ERR_CORRUPT', 'no end of central directory');
    const eocdOffset = tailStart + e;
    const count = tail.readUInt16LE(e + 10);
    const cdSize = tail.readUInt32LE(e + 12);
    const cdOffset = tail.readUInt32LE(e + 16);
    if (
      tail.readUInt16LE(e + 4) !== 0 ||
      tail.readUInt16LE(e + 6) !== 0 ||
      count !== tail.readUInt16LE(e + 8)
    )
      throw new ImportError('IMPORT_ERR_ZIP_UNSUPPORTED', 'multi-disk zip');
    if (count === 0xffff || cdOffset === 0xffffffff)
      throw new ImportError('IMPORT_ERR_ZIP_UNSUPPORTED', 'zip64');
    if (count === 0) throw new ImportError('IMPORT_ERR_NOT_XLSX_ZIP', 'no entries');
    if (count > limits.maxEntries) throw new ImportError('IMPORT_ERR_ZIP_BOMB', `${count} entries`);
    if (cdOffset + cdSize > eocdOffset)
      throw new ImportError('IMPORT_ERR_CORRUPT', 'central directory out of range');
    const entries = readCentralDirectory(await readAt(fh, cdOffset, cdSize), count);

    const names = new Set<string>();
    for (const entry of entries) {
      if (names.has(entry.name))
        throw new ImportError('IMPORT_ERR_CORRUPT', `duplicate entry ${entry.name}`);
      names.add(entry.name);
    }
    if (names.has('mimetype') && !names.has('[Content_Types].xml'))
      throw new ImportError(
        names.has('content.xml') ? 'IMPORT_ERR_ODS' : 'IMPORT_ERR_NOT_XLSX_ZIP',
      );
    if (!names.has('[Content_Types].xml') || !names.has('xl/workbook.xml'))
      throw new ImportError('IMPORT_ERR_NOT_XLSX_ZIP', [...names].slice(0, 5).join(', '));

    // Entries must follow one another from byte 0 to the central directory, with no gaps or
    // overlaps: the streaming parser reads local headers, this check reads the central directory,
    // and the two then cannot disagree.
    const ordered = [...entries].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
    const budget = { left: limits.maxUncompressedBytes };
    const small = new Map<string, Buffer>();
    const rowsByEntry = new Map<string, number>();
    let uncompressedBytes = 0;
    let expected = 0;
    const layout: ZipLayout = { entries: [], directoryStart: cdOffset };
    for (const entry of ordered) {
      if (entry.localHeaderOffset !== expected)
        throw new ImportError('IMPORT_ERR_CORRUPT', `gap or overlap before ${entry.name}`);
      const local = await readAt(fh, entry.localHeaderOffset, 30 + Buffer.byteLength(entry.name));
      if (local.length < 30 || local.readUInt32LE(0) !== SIG_LOCAL)
        throw new ImportError('IMPORT_ERR_CORRUPT', `bad local header for ${entry.name}`);
      const dataStart =
        entry.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
      let end = dataStart + entry.compressedSize;
      if (end > cdOffset)
        throw new ImportError('IMPORT_ERR_CORRUPT', `${entry.name} runs past the directory`);
      // The streaming parser trusts the local header; this check reads the central directory. A
      // header that says "deflated" where the directory says "stored" would let the parser unpack
      // what was never counted here, so the two must agree on everything that decides unpacking.
      let declared = local.subarray(14, 26); // CRC, compressed and uncompressed sizes
      if (entry.flags & 0x8) {
        // Data descriptor: optional signature, CRC, sizes (APPNOTE 4.3.9).
        const d = await readAt(fh, end, 16);
        const signed = d.length >= 4 && d.readUInt32LE(0) === SIG_DESCRIPTOR;
        declared = d.subarray(signed ? 4 : 0, signed ? 16 : 12);
        end += signed ? 16 : 12;
      }
      if (
        local.readUInt16LE(8) !== entry.method ||
        (local.readUInt16LE(6) & 0x9) !== (entry.flags & 0x9) ||
        local.toString('utf8', 30, 30 + local.readUInt16LE(26)) !== entry.name ||
        declared.length < 12 ||
        declared.readUInt32LE(0) !== entry.crc ||
        declared.readUInt32LE(4) !== entry.compressedSize ||
        declared.readUInt32LE(8) !== entry.uncompressedSize
      )
        throw new ImportError(
          'IMPORT_ERR_CORRUPT',
          `local header of ${entry.name} disagrees with the central directory`,
        );
      const read = await inflateEntry(path, entry, dataStart, limits, budget);
      uncompressedBytes += read.bytes;
      if (read.small) small.set(entry.name, read.small);
      // Rows are counted for every sheet, but only the sheet read is held to maxRows
      // (readSheetRows): a big lookup sheet beside the manifest is ignored like the rest of it.
      if (read.rows !== undefined) rowsByEntry.set(entry.name, read.rows);
      layout.entries.push({ name: entry.name, start: entry.localHeaderOffset, end });
      expected = end;
    }
    if (expected !== cdOffset)
      throw new ImportError('IMPORT_ERR_CORRUPT', 'data after the last entry');

    const contentTypes = small.get('[Content_Types].xml')?.toString('utf8') ?? '';
    if (!XLSX_MAIN.test(contentTypes))
      throw new ImportError('IMPORT_ERR_NOT_XLSX_ZIP', 'no spreadsheet content type');
    const workbookXml = small.get('xl/workbook.xml')?.toString('utf8') ?? '';
    const relsXml = small.get('xl/_rels/workbook.xml.rels')?.toString('utf8') ?? '';
    const sheets = sheetsFrom(workbookXml, relsXml, rowsByEntry);
    if (sheets.length === 0) throw new ImportError('IMPORT_ERR_NO_SHEETS');
    const pr = /<(?:\w+:)?workbookPr\b[^>]*>/.exec(workbookXml);
    const date1904 = pr ? /^(1|true)$/.test(xmlAttributes(pr[0]).date1904 ?? '') : false;
    return { bytes: size, layout, entries: entries.length, uncompressedBytes, date1904, sheets };
  } finally {
    await fh.close();
  }
}
