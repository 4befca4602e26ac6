// Worker thread entry: runs parseManifestRows and posts its events; waits for the parent to
// take each batch (credit-based), so a slow store holds the parse back instead of filling memory.
import { parentPort, workerData } from 'node:worker_threads';
import { ImportError } from './errors';
import { parseManifestRows } from './parse-manifest';
import type { ParseEvent, ParseOptions } from './parse-manifest';

export type WorkerMessage =
  | { type: 'event'; event: ParseEvent }
  | { type: 'done' }
  | { type: 'error'; code: ImportError['code']; detail?: string };

const MAX_IN_FLIGHT = 2; // batches posted but not yet taken by the parent

async function run(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('sheet-worker must run in a worker thread');
  let credits = MAX_IN_FLIGHT;
  let wake: (() => void) | null = null;
  port.on('message', () => {
    credits += 1;
    wake?.();
    wake = null;
  });
  try {
    for await (const event of parseManifestRows(workerData as ParseOptions)) {
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

void run();
