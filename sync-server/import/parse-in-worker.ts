// Runs parseManifestRows in a worker thread so the XLSX parse and the store's writes use both
// cores, with the parse's heap capped on its own (an import cannot grow the server's heap).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ImportError } from './errors';
import type { ParseEvent, ParseOptions } from './parse-manifest';
import type { WorkerMessage } from './sheet-worker';

/** Heap of one parse worker: live data is ~50 MB at 100k rows; the cap keeps GC from lagging. */
const WORKER_OLD_GEN_MB = 96;

/** The worker script: compiled JS when present, else the TypeScript source loaded through tsx. */
function workerScript(): { script: string; eval: boolean } {
  const js = join(__dirname, 'sheet-worker.js');
  if (existsSync(js)) return { script: js, eval: false };
  // Loader flags (`--import tsx`) do not reach workers on Node 20: register tsx inside it.
  const ts = join(__dirname, 'sheet-worker.ts');
  return {
    script: `require('tsx/cjs/api').register(); require(${JSON.stringify(ts)});`,
    eval: true,
  };
}

export async function* parseManifestRowsInWorker(
  options: ParseOptions,
  signal?: AbortSignal,
): AsyncGenerator<ParseEvent> {
  const { script, eval: isEval } = workerScript();
  const worker = new Worker(script, {
    eval: isEval,
    workerData: options,
    resourceLimits: { maxOldGenerationSizeMb: WORKER_OLD_GEN_MB },
  });
  const queue: WorkerMessage[] = [];
  let failure: ImportError | null = null;
  let exited = false;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  worker.on('message', (m: WorkerMessage) => {
    queue.push(m);
    notify();
  });
  worker.on('error', (err: Error & { code?: string }) => {
    failure =
      err.code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? new ImportError('IMPORT_ERR_ZIP_BOMB', 'parse worker ran out of memory', { cause: err })
        : new ImportError('IMPORT_ERR_CORRUPT', err.message, { cause: err });
    notify();
  });
  worker.on('exit', () => {
    exited = true;
    notify();
  });
  const onAbort = () => {
    failure = new ImportError('IMPORT_ERR_ABORTED');
    notify();
  };
  signal?.addEventListener('abort', onAbort);
  try {
    for (;;) {
      const m = queue.shift();
      if (m?.type === 'event') {
        worker.postMessage('next'); // one more batch may come
        yield m.event;
        continue;
      }
      if (m?.type === 'done') return;
      if (m?.type === 'error') throw new ImportError(m.code, m.detail);
      if (failure) throw failure;
      if (exited) throw new ImportError('IMPORT_ERR_CORRUPT', 'parse worker stopped');
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await worker.terminate();
  }
}
