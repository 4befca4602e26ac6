// Lookup + record of one scan with 100,000 waybills on the device, in headless Chromium: RxDB on
// Dexie (IndexedDB), the scan desk (in-memory match index) built from it, then for each scan
// waybillCodeFrom → classify → event → index → `scans.insert` awaited. p50/p95 of the whole.
import { launchChromium } from '../test/helpers/browser';
import { percentile, serveBenchPage } from './pages/serve';

const WAYBILLS = 100_000;
const MANIFESTS = 10;
const SCANS = 500;
const WARM_UP = 50;

async function main(): Promise<void> {
  const page$ = await serveBenchPage('scan-record-page.ts');
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(page$.url);
    await page.waitForFunction(() => document.title === 'ready');
    const out = await page.evaluate((o) => window.scanRecordBench(o), {
      waybills: WAYBILLS,
      manifests: MANIFESTS,
      scans: SCANS + WARM_UP,
    });
    const record = out.recordMs.slice(WARM_UP).sort((a, b) => a - b);
    const lookup = out.lookupMs.slice(WARM_UP).sort((a, b) => a - b);
    console.log(
      `# seeded ${WAYBILLS} waybills in ${MANIFESTS} open manifests into RxDB/Dexie in ${(out.seedMs / 1000).toFixed(1)} s; desk (index) ready in ${(out.deskMs / 1000).toFixed(1)} s`,
    );
    console.log(`# ${SCANS} scans after ${WARM_UP} warm-up: ${JSON.stringify(out.results)}`);
    console.log(
      `# lookup only (normalise + classify + index, before the write): p50 ${percentile(lookup, 50).toFixed(3)} ms, p95 ${percentile(lookup, 95).toFixed(3)} ms`,
    );
    console.log(`figure: scan-record-p50 ${percentile(record, 50).toFixed(2)} ms`);
    console.log(`figure: scan-record-p95 ${percentile(record, 95).toFixed(2)} ms (target <= 10)`);
    console.log(`# scan-record max ${record[record.length - 1]!.toFixed(2)} ms`);
  } finally {
    await browser.close();
    await page$.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
