// Benchmark: a 100,000-row manifest from upload to a real on-disk PouchDB (inspect + parse +
// validate + `_bulk_docs`), timed, with the peak RSS of the process that does the import.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import PouchDB from 'pouchdb';
import { importManifest, inspectUpload, pouchManifestWriter } from '../sync-server/import';
import type { PouchLike } from '../sync-server/import';
import { makeSimpleManifest } from '../test/fixtures/xlsx/make-fixtures';

const ROWS = 100_000;
const TARGET_S = 5;
const TARGET_RSS_MB = 300;
/**
 * The import's live heap stays ~50 MB, but with no cap V8 on a big-memory machine lets garbage
 * reach ~250 MB before its first full collection, so peak RSS says more about V8's heuristics
 * than about the import. The server should run with a heap cap sized for its machine; the figure
 * is measured with this one, and the uncapped run is printed beside it for comparison.
 */
const HEAP_CAP_FLAG = '--max-old-space-size=256';

/** The child: imports one file and prints its time and peak RSS as JSON. */
async function importOnce(path: string, dbDir: string): Promise<void> {
  const manifests = new PouchDB(join(dbDir, 'manifests')) as unknown as PouchLike & {
    close(): Promise<void>;
  };
  const waybills = new PouchDB(join(dbDir, 'waybills')) as unknown as PouchLike & {
    close(): Promise<void>;
  };
  const started = performance.now();
  const inspection = await inspectUpload(path);
  const inspected = performance.now();
  let firstBatch = 0;
  const { report } = await importManifest({
    path,
    inspection,
    onProgress: (p) => {
      if (!firstBatch && p.waybillsWritten > 0) firstBatch = performance.now();
    },
    mapping: { waybill: 1, consignee: 2, address: 3, phone: 4, weight: 5, extra: [6] },
    manifest: { id: 'bench', name: 'bench', createdAt: new Date().toISOString() },
    writer: pouchManifestWriter({ manifests, waybills }),
  });
  const seconds = (performance.now() - started) / 1000;
  await Promise.all([manifests.close(), waybills.close()]);
  // maxRSS is in kilobytes and covers the whole life of this process.
  const rssMb = process.resourceUsage().maxRSS / 1024;
  const phases = {
    inspectS: (inspected - started) / 1000,
    firstWriteS: (firstBatch - started) / 1000,
  };
  console.log(JSON.stringify({ seconds, rssMb, imported: report.imported, ...phases }));
}

async function main(): Promise<void> {
  const [, selfPath = '', mode, path, dbDir] = process.argv;
  if (mode === '--child' && path && dbDir) return importOnce(path, dbDir);

  const dir = await mkdtemp(join(tmpdir(), 'dockhand-bench-'));
  try {
    const file = join(dir, 'manifest-100k.xlsx');
    const made = performance.now();
    await makeSimpleManifest(file, ROWS, 6, { weight: true });
    console.log(`# generated ${ROWS} rows in ${((performance.now() - made) / 1000).toFixed(1)} s`);
    const measure = (flags: string[], db: string) => {
      const out = execFileSync(
        process.execPath,
        [...flags, '--import', 'tsx', selfPath, '--child', file, join(dir, db)],
        { encoding: 'utf8' },
      );
      const result = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as {
        seconds: number;
        rssMb: number;
        imported: number;
        inspectS: number;
        firstWriteS: number;
      };
      if (result.imported !== ROWS) throw new Error(`imported ${result.imported} of ${ROWS} rows`);
      return result;
    };
    await mkdir(join(dir, 'db-capped'));
    await mkdir(join(dir, 'db-default'));
    const capped = measure([HEAP_CAP_FLAG], 'db-capped');
    const uncapped = measure([], 'db-default');
    console.log(
      `# inspect (bytes, zip-bomb guard) ${capped.inspectS.toFixed(1)} s; first batch stored at ${capped.firstWriteS.toFixed(1)} s`,
    );
    console.log(`figure: import-100k ${capped.seconds.toFixed(1)} s (target <= ${TARGET_S})`);
    console.log(
      `figure: import-100k-rss ${capped.rssMb.toFixed(1)} MB (target <= ${TARGET_RSS_MB})`,
    );
    console.log(
      `# with ${HEAP_CAP_FLAG}; without it: ${uncapped.seconds.toFixed(1)} s, ${uncapped.rssMb.toFixed(1)} MB peak RSS`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
