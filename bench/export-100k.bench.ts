// Benchmark: XLSX export of 100,000 rows through the real `/api` of a real sync server (on-disk
// store): a manifest of 100k waybills, every one scanned once, exported as `scanned` (9 columns).
// Also prints the `scanned` CSV time as a context line. The download runs in another process.
// Then a manifest made later through /api (which marks where the scans database stands) is
// exported with those 100k older scans in the store: its export reads only the scans stored
// after it; the same manifest made outside /api (no mark) is exported beside it for comparison.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { join } from 'node:path';
import pino from 'pino';
import { createSyncServer } from '../sync-server/app';
import { configFromEnv } from '../sync-server/config';
import { makeSimpleManifest } from '../test/fixtures/xlsx/make-fixtures';
import { medianRun } from './pages/serve';

const execFileAsync = promisify(execFile);
const ROWS = 100_000;
const TARGET_S = 3;
const LATER_ROWS = 1_000;
const LATER_TARGET_S = 0.5;
const PASSWORD = 'bench-admin-password-123';
const AUTH = `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}`;

async function bulk(url: string, db: string, docs: object[]) {
  const res = await fetch(`${url}/db/${db}/_bulk_docs`, {
    method: 'POST',
    headers: { authorization: AUTH, 'content-type': 'application/json' },
    body: JSON.stringify({ docs }),
  });
  if (res.status !== 201) throw new Error(`${db} bulk: ${res.status} ${await res.text()}`);
}

/**
 * Downloads one export from a separate process, as a browser on another machine would: the
 * client's own work (receiving 6–11 MB) is not counted against the server's export.
 */
const CLIENT = `
  const [url, auth] = process.argv.slice(1);
  const started = performance.now();
  fetch(url, { headers: { authorization: auth } }).then(async (res) => {
    let bytes = 0;
    for await (const chunk of res.body) bytes += chunk.length;
    const seconds = (performance.now() - started) / 1000;
    console.log(JSON.stringify({ status: res.status, bytes, seconds }));
  });
`;

async function timeExport(url: string, kind: string, format: string, manifestId = 'bench') {
  const cpu = process.cpuUsage();
  const target = `${url}/api/manifests/${manifestId}/export?kind=${kind}&format=${format}`;
  const { stdout } = await execFileAsync(process.execPath, ['-e', CLIENT, target, AUTH]);
  const result = JSON.parse(stdout) as { status: number; bytes: number; seconds: number };
  if (result.status !== 200) throw new Error(`export ${result.status}`);
  const used = process.cpuUsage(cpu);
  // CPU seconds of the server process: steadier than wall time on a busy machine.
  return { seconds: result.seconds, bytes: result.bytes, cpuS: (used.user + used.system) / 1e6 };
}

async function api(url: string, path: string, body: BodyInit, type: string) {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { authorization: AUTH, 'content-type': type, 'x-file-name': 'later.xlsx' },
    body,
  });
  if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

/** Imports an xlsx through /api as a person would; returns the manifest id once it is open. */
async function importThroughApi(url: string, file: string): Promise<string> {
  const xlsx = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  const up = await api(url, '/api/manifests/uploads', new Uint8Array(await readFile(file)), xlsx);
  const mapping = (up.suggestion as { mapping: unknown }).mapping;
  const started = await api(
    url,
    `/api/manifests/uploads/${String(up.uploadId)}/import`,
    JSON.stringify({ name: 'later', mapping }),
    'application/json',
  );
  for (;;) {
    const res = await fetch(`${url}/api/imports/${String(started.importId)}`, {
      headers: { authorization: AUTH },
    });
    const status = (await res.json()) as { state: string };
    if (status.state === 'done') return String(started.manifestId);
    if (status.state !== 'running') throw new Error(`import ${status.state}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** One scan of each of a manifest's waybills. */
async function scanAll(url: string, manifestId: string, device: string) {
  const res = await fetch(
    `${url}/db/waybills/_all_docs?startkey=${encodeURIComponent(JSON.stringify(`${manifestId}:`))}&endkey=${encodeURIComponent(JSON.stringify(`${manifestId}:\uffff`))}`,
    { headers: { authorization: AUTH } },
  );
  const rows = ((await res.json()) as { rows: { id: string }[] }).rows;
  await bulk(
    url,
    'scans',
    rows.map((r, j) => {
      const number = r.id.slice(manifestId.length + 1);
      return {
        _id: `${device}:01J0${String(j).padStart(22, '0')}`,
        code: number,
        normalised: number,
        manifestId,
        result: 'matched',
        source: 'camera',
        deviceId: device,
        user: 'admin',
        scannedAt: new Date(Date.UTC(2026, 4, 2, 8) + j * 100).toISOString(),
      };
    }),
  );
  return rows.map((r) => r.id.slice(manifestId.length + 1));
}

async function medianExport(url: string, manifestId: string) {
  const runs = [];
  for (let i = 0; i < 3; i++) runs.push(await timeExport(url, 'scanned', 'xlsx', manifestId));
  return medianRun(runs, (r) => r.seconds);
}

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'dockhand-export-bench-'));
  const server = createSyncServer(
    {
      ...configFromEnv({}),
      host: '127.0.0.1',
      port: 0,
      dataDir: dir,
      adminUser: 'admin',
      adminPassword: PASSWORD,
      staticDir: join(dir, 'no-app'),
      maxBodyBytes: 64 * 1024 * 1024,
    },
    pino({ level: 'silent' }),
    { print: () => undefined },
  );
  const { url } = await server.listen();
  try {
    const seedStart = performance.now();
    const page = 5_000;
    for (let i = 0; i < ROWS; i += page) {
      const waybills = [];
      const scans = [];
      for (let j = i; j < Math.min(ROWS, i + page); j++) {
        const number = `JD${String(j + 1).padStart(9, '0')}`;
        waybills.push({
          _id: `bench:${number}`,
          manifestId: 'bench',
          number,
          consignee: `Person ${j}`,
          address: `${j} Main Road, Ikeja`,
          phone: `+23480${String(j).padStart(8, '0')}`,
          weight: (j % 50) / 2,
        });
        scans.push({
          _id: `dev-1:01HZ${String(j).padStart(22, '0')}`,
          code: number,
          normalised: number,
          manifestId: 'bench',
          result: 'matched',
          source: 'camera',
          deviceId: 'dev-1',
          user: 'admin',
          scannedAt: new Date(Date.UTC(2026, 4, 1, 8) + j * 100).toISOString(),
        });
      }
      await bulk(url, 'waybills', waybills);
      await bulk(url, 'scans', scans);
    }
    const res = await fetch(`${url}/db/manifests/bench`, {
      method: 'PUT',
      headers: { authorization: AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'bench',
        rowCount: ROWS,
        status: 'open',
        createdAt: new Date().toISOString(),
      }),
    });
    if (res.status !== 201) throw new Error(`manifest ${res.status}`);
    console.log(
      `seeded ${ROWS} waybills + ${ROWS} scans in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`,
    );

    await timeExport(url, 'missing', 'csv'); // warm-up (store caches, exceljs load)
    // The median of three: one run on this shared 2-core machine varied by ±20 %.
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await timeExport(url, 'scanned', 'xlsx'));
    const scanned = medianRun(runs, (r) => r.seconds);
    console.log(
      `# xlsx runs: ${runs.map((r) => r.seconds.toFixed(2)).join(', ')} s (median reported)`,
    );
    const missingXlsx = await timeExport(url, 'scanned', 'csv');
    console.log(
      `scanned csv: ${missingXlsx.seconds.toFixed(2)} s (${(missingXlsx.bytes / 1e6).toFixed(1)} MB)`,
    );
    console.log(
      `scanned xlsx: ${(scanned.bytes / 1e6).toFixed(1)} MB, ${ROWS} rows, process CPU ${scanned.cpuS.toFixed(1)} s (load ${loadavg()[0]!.toFixed(1)})`,
    );
    console.log(`figure: export-100k ${scanned.seconds.toFixed(2)} s (target <= ${TARGET_S})`);

    // Later: a small manifest, with the 100k scans above already in the store.
    const file = join(dir, 'later.xlsx');
    await makeSimpleManifest(file, LATER_ROWS, 4);
    const later = await importThroughApi(url, file);
    const numbers = await scanAll(url, later, 'dev-2');
    // The same manifest made outside /api: no mark, so its export reads every scan.
    await bulk(
      url,
      'waybills',
      numbers.map((number) => ({ _id: `unmarked:${number}`, manifestId: 'unmarked', number })),
    );
    const made = await fetch(`${url}/db/manifests/unmarked`, {
      method: 'PUT',
      headers: { authorization: AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'unmarked',
        rowCount: numbers.length,
        status: 'open',
        createdAt: new Date().toISOString(),
      }),
    });
    if (made.status !== 201) throw new Error(`manifest ${made.status}`);
    await scanAll(url, 'unmarked', 'dev-3');
    await timeExport(url, 'scanned', 'xlsx', later); // warm-up
    const marked = await medianExport(url, later);
    const unmarked = await medianExport(url, 'unmarked');
    console.log(
      `# ${numbers.length}-row manifest with ${ROWS} older scans in the store; without the mark (made outside /api): ${unmarked.seconds.toFixed(2)} s`,
    );
    console.log(
      `figure: export-1k-after-100k-scans ${marked.seconds.toFixed(2)} s (target <= ${LATER_TARGET_S})`,
    );
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
