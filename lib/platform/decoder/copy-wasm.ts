// Copies the zxing-wasm reader .wasm into public/wasm/ so our origin serves it (never a CDN).
// Run before `next build`: `node --import tsx lib/platform/decoder/copy-wasm.ts`.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const require = createRequire(import.meta.url);

/** The reader .wasm that matches the installed zxing-wasm JavaScript. */
export const WASM_SOURCE = require.resolve('zxing-wasm/reader/zxing_reader.wasm');
export const WASM_TARGET = join(root, 'public/wasm/zxing_reader.wasm');

export function copyZxingWasm(): { bytes: number; sha256: string } {
  mkdirSync(dirname(WASM_TARGET), { recursive: true });
  copyFileSync(WASM_SOURCE, WASM_TARGET);
  const bytes = readFileSync(WASM_TARGET);
  return { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** The JavaScript glue refuses nothing at run time, so check here that glue and binary match. */
async function checkMatchesGlue(sha256: string): Promise<void> {
  const { ZXING_WASM_SHA256 } = await import('zxing-wasm/reader');
  if (ZXING_WASM_SHA256 !== sha256) {
    throw new Error(
      `zxing_reader.wasm sha256 ${sha256} does not match zxing-wasm's ${ZXING_WASM_SHA256}`,
    );
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { bytes, sha256 } = copyZxingWasm();
  checkMatchesGlue(sha256)
    .then(() =>
      console.log(`copied ${WASM_SOURCE} → ${WASM_TARGET} (${bytes} bytes, sha256 ${sha256})`),
    )
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
