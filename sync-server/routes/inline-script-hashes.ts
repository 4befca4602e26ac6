// CSP hashes for the inline <script>s of the static Next.js export, computed once at start-up, so
// script-src can stay free of 'unsafe-inline' (Next's export inlines its RSC payload scripts).
// https://www.w3.org/TR/CSP3/#grammardef-hash-source
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const INLINE_SCRIPT_RE = /<script(?![^>]*\bsrc\s*=)([^>]*)>([\s\S]*?)<\/script>/gi;
const DATA_SCRIPT_TYPE_RE = /\btype\s*=\s*["']?application\/(ld\+)?json/i;

/** The `'sha256-…'` sources of every executable inline script in one HTML document. */
export function inlineScriptHashes(html: string): string[] {
  const hashes = new Set<string>();
  for (const match of html.matchAll(INLINE_SCRIPT_RE)) {
    const attrs = match[1] ?? '';
    const body = match[2] ?? '';
    if (DATA_SCRIPT_TYPE_RE.test(attrs) || body === '') continue; // data blocks never execute
    hashes.add(`'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`);
  }
  return [...hashes];
}

/** Absolute path of each HTML file under `dir` → its inline script hashes. */
export function htmlScriptHashes(dir: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.html')) continue;
    const file = path.join(entry.parentPath, entry.name);
    out.set(file, inlineScriptHashes(fs.readFileSync(file, 'utf8')));
  }
  return out;
}
