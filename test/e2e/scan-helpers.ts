// Shared steps of the scan e2e tests: seed manifests through the admin API, log in, and read the
// result flash. Not a test file itself (vitest includes *.test.ts only).
import { expect } from 'vitest';
import type { Page } from '../helpers/browser';
import type { TestSyncServer } from '../helpers/sync-server';

export interface SeedManifest {
  id: string;
  name: string;
  status: 'open' | 'importing' | 'closed';
  numbers: string[];
  waybillPattern?: string;
}

async function admin(server: TestSyncServer, path: string, method: string, body: unknown) {
  const response = await fetch(`${server.dbUrl}${path}`, {
    method,
    headers: { authorization: server.adminAuth, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok)
    throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.json() as Promise<unknown>;
}

/** Waybills first, then the manifest doc (as an import would: rows, then status 'open'). */
export async function seedManifest(server: TestSyncServer, manifest: SeedManifest): Promise<void> {
  await admin(server, '/waybills/_bulk_docs', 'POST', {
    docs: manifest.numbers.map((number) => ({
      _id: `${manifest.id}:${number}`,
      manifestId: manifest.id,
      number,
    })),
  });
  await admin(server, `/manifests/${encodeURIComponent(manifest.id)}`, 'PUT', {
    name: manifest.name,
    rowCount: manifest.numbers.length,
    status: manifest.status,
    createdAt: '2026-03-02T07:00:00.000Z',
    createdBy: 'admin',
    ...(manifest.waybillPattern ? { waybillPattern: manifest.waybillPattern } : {}),
  });
}

export async function seedScan(server: TestSyncServer, doc: Record<string, unknown>) {
  await admin(server, `/scans/${encodeURIComponent(String(doc._id))}`, 'PUT', doc);
}

export interface ServerScan {
  _id: string;
  code: string;
  normalised: string;
  manifestId: string;
  result: string;
  source: string;
  user: string;
  voids?: string;
}

export async function serverScans(server: TestSyncServer): Promise<ServerScan[]> {
  const response = await fetch(`${server.dbUrl}/scans/_all_docs?include_docs=true`, {
    headers: { authorization: server.adminAuth },
  });
  const body = (await response.json()) as { rows: Array<{ id: string; doc: ServerScan }> };
  return body.rows.filter((row) => !row.id.startsWith('_design/')).map((row) => row.doc);
}

export async function logIn(page: Page, baseUrl: string, user: string, password: string) {
  await page.goto(`${baseUrl}/scan/`);
  await page.waitForURL(/\/login\//);
  await page.getByLabel('Username').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: /log in/i }).click();
  await page.waitForURL(/\/scan\//);
}

/** Picks a manifest once it has arrived by replication and its waybills are in the index. */
export async function chooseManifest(page: Page, id: string, expected: number) {
  const picker = page.getByTestId('manifest-picker');
  await expect
    .poll(() => picker.locator(`option[value="${id}"]`).count(), { timeout: 30_000 })
    .toBe(1);
  await picker.selectOption(id);
  await expect
    .poll(() => page.getByTestId('scan-progress').getAttribute('data-expected'), {
      timeout: 30_000,
    })
    .toBe(String(expected));
}

export async function resultSeq(page: Page): Promise<number> {
  const flash = page.getByTestId('scan-result');
  if ((await flash.count()) === 0) return 0;
  return Number(await flash.getAttribute('data-seq'));
}

export interface ShownResult {
  result: string;
  code: string;
  text: string;
}

/** Runs `act`, then waits for the next result flash and returns what it says. */
export async function nextResult(
  page: Page,
  act: () => Promise<void>,
  timeout = 10_000,
): Promise<ShownResult> {
  const before = await resultSeq(page);
  await act();
  await expect.poll(() => resultSeq(page), { timeout }).toBeGreaterThan(before);
  const flash = page.getByTestId('scan-result');
  return {
    result: (await flash.getAttribute('data-result')) ?? '',
    code: (await flash.getAttribute('data-code')) ?? '',
    text: (await flash.textContent()) ?? '',
  };
}

export async function typeCode(page: Page, code: string) {
  await page.getByTestId('scan-input').fill(code);
  await page.getByTestId('scan-input').press('Enter');
}

/**
 * Types `text` then Enter as real key events whose timestamps are `gapMs` apart, whatever the
 * pace at which the test machine delivers them. `page.keyboard.type({ delay })` waits for the page
 * to acknowledge each key, so a busy 2-core machine stretched an 8 ms scanner burst into what
 * looked like a person typing. Chromium stamps each event with the `timestamp` it is sent with
 * (CDP Input.dispatchKeyEvent), which is what KeyboardEvent.timeStamp reports to the page.
 */
export async function typeWithKeyTiming(
  page: Page,
  text: string,
  gapMs: number | readonly number[],
): Promise<void> {
  // The gap before key i+1 (the last before Enter included); a list gives each gap in turn.
  const gaps = typeof gapMs === 'number' ? [gapMs] : gapMs;
  const offsets: number[] = [0];
  for (let i = 1; i <= text.length; i++)
    offsets.push(offsets[i - 1]! + gaps[(i - 1) % gaps.length]!);
  const cdp = await page.context().newCDPSession(page);
  try {
    const start = Date.now() / 1000;
    const keys = [...text].map((char) => ({ key: char, text: char, code: '' }));
    keys.push({ key: 'Enter', text: '\r', code: 'Enter' });
    for (const [i, k] of keys.entries()) {
      const timestamp = start + offsets[i]! / 1000;
      const common = {
        key: k.key,
        code: k.code || undefined,
        windowsVirtualKeyCode: k.key === 'Enter' ? 13 : k.key.toUpperCase().charCodeAt(0),
        timestamp,
      };
      await cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', text: k.text, ...common });
      await cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', ...common });
    }
  } finally {
    await cdp.detach();
  }
}
