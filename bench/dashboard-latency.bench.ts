// Benchmark: how long after a scan reaches the sync server the admin dashboard shows it, in
// headless Chromium. Measured from just before the scanner's PUT /db/scans/<id> (its own session)
// to the scan's row appearing in the dashboard's "Latest scans" feed — i.e. server write +
// replication long-poll + RxDB write + the dashboard's incremental fold (100 ms throttle) + render.
// The manifest has WAYBILLS waybills (env BENCH_WAYBILLS, default 20,000) on the admin's device.
import { launchChromium } from '../test/helpers/browser';
import { scanDoc, startTestSyncServer } from '../test/helpers/sync-server';
import type { Page } from '../test/helpers/browser';

async function logIn(page: Page, baseUrl: string, user: string, password: string) {
  await page.goto(`${baseUrl}/login/?next=%2Fadmin%2F`);
  await page.getByLabel('Username').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: /log in/i }).click();
  await page.waitForURL(/\/admin\//);
}

const WAYBILLS = Number(process.env.BENCH_WAYBILLS ?? 20_000);
const SCANS = 30;
const SAM = `Basic ${Buffer.from('sam:sam-password-123').toString('base64')}`;

async function main() {
  const server = await startTestSyncServer();
  const browser = await launchChromium();
  try {
    await server.createUser('sam', 'sam-password-123', ['scanner']);
    for (let i = 0; i < WAYBILLS; i += 5_000) {
      const docs = [];
      for (let j = i; j < Math.min(WAYBILLS, i + 5_000); j++) {
        const number = `JD${String(j).padStart(9, '0')}`;
        docs.push({ _id: `lat:${number}`, manifestId: 'lat', number, consignee: `P ${j}` });
      }
      await fetch(`${server.dbUrl}/waybills/_bulk_docs`, {
        method: 'POST',
        headers: { authorization: server.adminAuth, 'content-type': 'application/json' },
        body: JSON.stringify({ docs }),
      });
    }
    await fetch(`${server.dbUrl}/manifests/lat`, {
      method: 'PUT',
      headers: { authorization: server.adminAuth, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Latency',
        rowCount: WAYBILLS,
        status: 'open',
        createdAt: new Date().toISOString(),
      }),
    });
    const context = await browser.newContext();
    const page = await context.newPage();
    await logIn(page, server.url, 'admin', 'test-admin-password-123');
    const loadStart = performance.now();
    await page.waitForFunction(
      (n) =>
        document.querySelector('[data-manifest-id="lat"] [data-testid="count-expected"]')
          ?.textContent === n,
      WAYBILLS.toLocaleString('en-US'),
      { timeout: 300_000, polling: 100 },
    );
    console.log(
      `dashboard loaded ${WAYBILLS} waybills by replication in ${((performance.now() - loadStart) / 1000).toFixed(1)} s`,
    );

    const latencies: number[] = [];
    for (let i = 0; i < SCANS; i++) {
      const number = `JD${String(i * 7).padStart(9, '0')}`;
      const doc = scanDoc('sam', {
        manifestId: 'lat',
        code: number,
        normalised: number,
        scannedAt: new Date().toISOString(),
      });
      const started = performance.now();
      const res = await fetch(`${server.dbUrl}/scans/${encodeURIComponent(doc._id)}`, {
        method: 'PUT',
        headers: { authorization: SAM, 'content-type': 'application/json' },
        body: JSON.stringify(doc),
      });
      if (res.status !== 201) throw new Error(`scan PUT ${res.status}`);
      await page.waitForSelector(`[data-scan-id="${doc._id}"]`, { timeout: 30_000 });
      latencies.push(performance.now() - started);
      await new Promise((r) => setTimeout(r, 150 + Math.random() * 200));
    }
    const scanned = await page
      .locator('[data-manifest-id="lat"] [data-testid="count-scanned"]')
      .textContent();
    if (scanned !== String(SCANS)) throw new Error(`dashboard shows ${scanned} scanned`);
    latencies.sort((a, b) => a - b);
    const q = (p: number) =>
      latencies[Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1)]!;
    console.log(
      `${SCANS} scans, ${WAYBILLS} waybills: p50 ${q(0.5).toFixed(0)} ms, max ${q(1).toFixed(0)} ms`,
    );
    console.log(`figure: dashboard-update-p95 ${q(0.95).toFixed(0)} ms`);
    await context.close();
  } finally {
    await browser.close();
    await server.close();
  }
}

// Exit explicitly: a replication socket left half-open by the closed browser can keep the
// event loop alive after every figure is printed.
main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
