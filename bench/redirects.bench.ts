// Redirects per second and p99 latency of /r/:slug on loopback, with visits counted exactly:
// the sync server runs in its own process; autocannon loads it from this one.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { freePort } from '../test/helpers/ports';

const DURATION_S = 10;
const CONNECTIONS = 32;
const PASSWORD = 'bench-admin-password-1';
const auth = `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}`;

async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 240; i += 1) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not come up`);
}

async function countedVisits(base: string): Promise<number> {
  const response = await fetch(`${base}/db/link_visits/_all_docs?include_docs=true`, {
    headers: { authorization: auth },
  });
  const body = (await response.json()) as { rows: Array<{ id: string; doc: { count?: number } }> };
  return body.rows.reduce(
    (sum, row) => sum + (row.id.startsWith('_design/') ? 0 : (row.doc.count ?? 0)),
    0,
  );
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockhand-bench-r-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = spawn(process.execPath, ['--import', 'tsx', 'sync-server/main.ts'], {
    env: {
      ...process.env,
      DOCKHAND_PORT: String(port),
      DOCKHAND_DATA_DIR: dataDir,
      DOCKHAND_ADMIN_PASSWORD: PASSWORD,
      DOCKHAND_LOG_LEVEL: 'warn',
      DOCKHAND_REDIRECT_RATE_PER_MIN: '10000000',
      DOCKHAND_VISIT_FLUSH_MS: '1000',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await waitFor(`${base}/health`);
    const put = await fetch(`${base}/db/links/bench-link`, {
      method: 'PUT',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify({
        target: 'https://example.com/x',
        enabled: true,
        owner: 'admin',
        createdAt: new Date().toISOString(),
      }),
    });
    if (put.status !== 201) throw new Error(`creating the link failed: ${put.status}`);
    while ((await fetch(`${base}/r/bench-link`, { redirect: 'manual' })).status !== 302) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const before = await new Promise<number>((r) =>
      setTimeout(() => void countedVisits(base).then(r), 1500),
    );

    const result = await autocannon({
      url: `${base}/r/bench-link`,
      connections: CONNECTIONS,
      duration: DURATION_S,
      headers: {
        'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Mobile/15E148',
      },
    });
    const redirects = result['3xx'];
    const sent = result.requests.sent; // includes the last in-flight requests autocannon did not wait for
    await new Promise((r) => setTimeout(r, 2500)); // two flush intervals
    const counted = (await countedVisits(base)) - before;

    console.log(
      `# ${result.requests.total} requests, ${redirects} redirects, ${result.errors} errors, ${result.non2xx - redirects} other non-2xx`,
    );
    console.log(
      `figure: redirects-per-second ${result.requests.average.toFixed(0)} req/s (target >= 5000)`,
    );
    console.log(`figure: redirect-p99 ${result.latency.p99.toFixed(1)} ms (target <= 10)`);
    console.log(
      `figure: redirect-visits-miscounted ${Math.abs(sent - counted)} count (target <= 0)`,
    );
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
