// Worker thread entry: loads the parser, then waits for one job (`start` with its options), runs
// parseManifestRows and posts its events. It waits for the parent to take each batch (credit-
// based), so a slow store holds the parse back instead of filling memory. Started ahead of the
// import (see parse-in-worker.ts): loading exceljs and the TypeScript sources takes ~0.7 s.
import { parentPort } from 'node:worker_threads';
import { ImportError } from './errors';
import { parseManifestRows } from './parse-manifest';
import type { ParseEvent, ParseOptions } from './parse-manifest';

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'event'; event: ParseEvent }
  | { type: 'done' }
  | { type: 'error'; code: ImportError['code']; detail?: string };

/** From the parent: the job (once), then one credit per batch taken. */
export type ParentMessage = { type: 'start'; options: ParseOptions } | { type: 'next' };

const MAX_IN_FLIGHT = 2; // batches posted but not yet taken by the parent

async function run(port: NonNullable<typeof parentPort>, options: ParseOptions): Promise<void> {
  let credits = MAX_IN_FLIGHT;
  let wake: (() => void) | null = null;
  port.on('message', (m: ParentMessage) => {
    if (m.type !== 'next') return;
    credits += 1;
    wake?.();
    wake = null;
  });
  try {
    for await (const event of parseManifestRows(options)) {
      while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
      credits -= 1;
      port.postMessage({ type: 'event', event } satisfies WorkerMessage);
    }
    port.postMessage({ type: 'done' } satisfies WorkerMessage);
  } catch (err) {
    const e =
      err instanceof ImportError
        ? err
        : new ImportError('IMPORT_ERR_CORRUPT', err instanceof Error ? err.message : String(err));
    port.postMessage({ type: 'error', code: e.code, detail: e.detail } satisfies WorkerMessage);
  } finally {
    port.close();
  }
}

const port = parentPort;
if (!port) throw new Error('sheet-worker must run in a worker thread');
port.once('message', (m: ParentMessage) => {
  if (m.type === 'start') void run(port, m.options);
  else port.close();
});
port.postMessage({ type: 'ready' } satisfies WorkerMessage);
