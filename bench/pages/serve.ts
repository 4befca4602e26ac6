// Serves a bundled benchmark page (esbuild) with the zxing-wasm worker and .wasm on 127.0.0.1.
import { build } from 'esbuild';
import { createReadStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { copyZxingWasm, WASM_TARGET } from '../../lib/platform/decoder/copy-wasm';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
};

export interface BenchPage {
  url: string;
  close(): Promise<void>;
}

/** Bundles `entry` (a file in bench/pages) and serves it at `/`, frames from `framesDir`. */
export async function serveBenchPage(entry: string, framesDir = tmpdir()): Promise<BenchPage> {
  if (!existsSync(WASM_TARGET)) copyZxingWasm();
  const outDir = mkdtempSync(join(tmpdir(), 'dockhand-bench-page-'));
  await build({
    entryPoints: {
      page: join(here, entry),
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
    define: { 'process.env.NODE_ENV': '"production"' },
    tsconfig: join(root, 'tsconfig.json'),
  });
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    if (path === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(
        '<!doctype html><meta charset="utf-8"><body style="margin:0"><script type="module" src="/page.js"></script>',
      );
      return;
    }
    let file: string | undefined;
    if (path === '/wasm/zxing_reader.wasm') file = WASM_TARGET;
    else if (path.startsWith('/frames/')) file = join(framesDir, basename(path));
    else if (/^\/[\w.-]+\.js$/.test(path)) file = join(outDir, path.slice(1));
    if (!file || !existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, {
      'content-type': TYPES[file.slice(file.lastIndexOf('.'))] ?? 'application/octet-stream',
    });
    createReadStream(file).pipe(response);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}

export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** The run with the median of `value` (benchmarks repeated because one run varies ±20 % here). */
export function medianRun<T>(runs: readonly T[], value: (run: T) => number): T {
  return [...runs].sort((a, b) => value(a) - value(b))[Math.floor((runs.length - 1) / 2)]!;
}
