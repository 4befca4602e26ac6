// Real Chromium for end-to-end tests: Debian's /usr/bin/chromium driven by playwright-core.
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags that keep Chromium quiet on a closed network (see shared RECIPES.md). */
const QUIET_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface LaunchOptions {
  /** A .y4m clip for Chromium's fake camera. */
  fakeCameraClip?: string;
}

export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  const args = [...QUIET_FLAGS];
  if (options.fakeCameraClip) {
    args.push(
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${options.fakeCameraClip}`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args });
}

/** Collects page errors so a test can assert the app threw nothing it did not handle. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

/** Resolves once a service worker controls the page, so offline reloads are served by it. */
export async function waitForServiceWorkerControl(page: Page): Promise<void> {
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  if (!(await page.evaluate(() => Boolean(navigator.serviceWorker.controller)))) {
    await page.reload();
    await page.waitForFunction(() => Boolean(navigator.serviceWorker.controller));
  }
}

export type { Browser, BrowserContext, Page };
