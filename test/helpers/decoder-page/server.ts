// Node side of the decoder harness: bundles harness.ts and the zxing-wasm worker with esbuild,
// serves them, our .wasm and a folder of frames on 127.0.0.1 (a secure context for Chromium).
import { build } from 'esbuild';
import { createReadStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { copyZxingWasm, WASM_TARGET } from '@/lib/platform/decoder/copy-wasm';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
};

export interface DecoderHarnessServer {
  /** Base URL, e.g. http://127.0.0.1:PORT/ */
  url: string;
  /** URL of a frame file inside framesDir. */
  frameUrl(path: string): string;
  close(): Promise<void>;
}

async function bundle(outDir: string): Promise<void> {
  await build({
    entryPoints: {
      harness: join(here, 'harness.ts'),
      'zxing-wasm.worker': join(root, 'lib/platform/decoder/engines/zxing-wasm.worker.ts'),
    },
    outdir: outDir,
    bundle: true,
    format: 'esm',
    splitting: true,
    target: 'chrome120',
    minify: true,
    logLevel: 'error',
    alias: { '@': root },
    tsconfig: join(root, 'tsconfig.json'),
  });
}

export async function startDecoderHarness(framesDir: string): Promise<DecoderHarnessServer> {
  if (!existsSync(WASM_TARGET)) copyZxingWasm();
  const outDir = mkdtempSync(join(tmpdir(), 'dockhand-decoder-page-'));
  await bundle(outDir);
  const files: Record<string, string> = {
    '/wasm/zxing_reader.wasm': WASM_TARGET,
  };
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    let file: string | undefined;
    if (path === '/') {
      response.writeHead(200, { 'content-type': TYPES['.html'] });
      response.end(
        '<!doctype html><meta charset="utf-8"><script type="module" src="/harness.js"></script>',
      );
      return;
    }
    if (files[path]) file = files[path];
    else if (path.startsWith('/frames/')) file = join(framesDir, basename(path));
    else if (/^\/[\w.-]+\.js$/.test(path)) file = join(outDir, path.slice(1));
    if (!file || !existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    const type = TYPES[file.slice(file.lastIndexOf('.'))] ?? 'application/octet-stream';
    response.writeHead(200, { 'content-type': type });
    createReadStream(file).pipe(response);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/`;
  return {
    url,
    frameUrl: (path) => `${url}frames/${encodeURIComponent(basename(path))}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}
