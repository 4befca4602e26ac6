// Runs parseManifestRows in a worker thread so the XLSX parse and the store's writes use both
// cores, with the parse's heap capped on its own (an import cannot grow the server's heap).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ImportError } from './errors';
import type { ParseEvent, ParseOptions } from './parse-manifest';
import type { ParentMessage, WorkerMessage } from './sheet-worker';

/** Heap of one parse worker: live data is ~50 MB at 100k rows; the cap keeps GC from lagging. */
const WORKER_OLD_GEN_MB = 96;
/** Its young generation: V8's default for a worker held ~20 MB more at peak for no speed. */
const WORKER_YOUNG_GEN_MB = 16;

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

interface ParseWorker {
  worker: Worker;
  /** Resolves true once the worker has loaded the parser, false if it died first. */
  ready: Promise<boolean>;
  exited: boolean;
}

function spawnParseWorker(): ParseWorker {
  const { script, eval: isEval } = workerScript();
  const worker = new Worker(script, {
    eval: isEval,
    resourceLimits: {
      maxOldGenerationSizeMb: WORKER_OLD_GEN_MB,
      maxYoungGenerationSizeMb: WORKER_YOUNG_GEN_MB,
    },
  });
  // An idle spare never keeps the process alive; a running parse is ref'd again.
  worker.unref();
  // A Worker's 'error' with no listener throws in the parent: a spare that fails is only dropped.
  worker.on('error', () => {});
  const parseWorker: ParseWorker = { worker, exited: false, ready: Promise.resolve(false) };
  parseWorker.ready = new Promise<boolean>((resolve) => {
    const onMessage = (m: WorkerMessage) => {
      if (m.type !== 'ready') return;
      worker.off('message', onMessage);
      resolve(true);
    };
    worker.on('message', onMessage);
    worker.once('exit', () => {
      parseWorker.exited = true;
      resolve(false);
    });
  });
  return parseWorker;
}

const RESPAWN_DELAY_MS = 2_000;

/** The worker loaded ahead of the next import (see prewarmParseWorker). */
let spare: ParseWorker | null = null;
let keepWarm = false;

/**
 * Starts a parse worker ahead of the next import, and another after each import, so an import
 * does not wait ~0.7 s for a worker to load exceljs and the TypeScript sources. Resolves when it
 * is ready (false if it could not start; imports then start their own).
 */
export function prewarmParseWorker(): Promise<boolean> {
  keepWarm = true;
  if (!spare || spare.exited) spare = spawnParseWorker();
  return spare.ready;
}

/** Stops the spare worker and keeping one (server shutdown). */
export async function stopParseWorkers(): Promise<void> {
  keepWarm = false;
  const idle = spare;
  spare = null;
  if (idle && !idle.exited) await idle.worker.terminate();
}

function takeParseWorker(): ParseWorker {
  const taken = spare && !spare.exited ? spare : spawnParseWorker();
  spare = null;
  return taken;
}

export async function* parseManifestRowsInWorker(
  options: ParseOptions,
  signal?: AbortSignal,
): AsyncGenerator<ParseEvent> {
  const parseWorker = takeParseWorker();
  const { worker } = parseWorker;
  worker.ref();
  const queue: WorkerMessage[] = [];
  let failure: ImportError | null = null;
  let exited = false;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  worker.on('message', (m: WorkerMessage) => {
    if (m.type === 'ready') return;
    queue.push(m);
    notify();
  });
  // A worker that dies is not the file's fault as far as anyone can tell (the file passed
  // inspectUpload, and parse errors come back as messages): the person is told to try again.
  worker.on('error', (err: Error & { code?: string }) => {
    failure =
      err.code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? new ImportError('IMPORT_ERR_ZIP_BOMB', 'parse worker ran out of memory', { cause: err })
        : new ImportError('IMPORT_ERR_PARSER_STOPPED', `parse worker failed: ${err.message}`, {
            cause: err,
          });
    notify();
  });
  worker.on('exit', () => {
    exited = true;
    notify();
  });
  if (parseWorker.exited) exited = true;
  worker.postMessage({ type: 'start', options } satisfies ParentMessage);
  const onAbort = () => {
    failure = new ImportError('IMPORT_ERR_ABORTED');
    notify();
  };
  signal?.addEventListener('abort', onAbort);
  try {
    for (;;) {
      const m = queue.shift();
      if (m?.type === 'event') {
        worker.postMessage({ type: 'next' } satisfies ParentMessage); // one more batch may come
        yield m.event;
        continue;
      }
      if (m?.type === 'done') return;
      if (m?.type === 'error') throw new ImportError(m.code, m.detail);
      if (failure) throw failure;
      if (exited) throw new ImportError('IMPORT_ERR_PARSER_STOPPED', 'parse worker exited');
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await worker.terminate();
    // The next spare starts once this import's memory has been given back, not on top of it.
    if (keepWarm) setTimeout(() => keepWarm && void prewarmParseWorker(), RESPAWN_DELAY_MS).unref();
  }
}
