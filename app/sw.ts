// The service worker (bundled by `serwist build` into out/sw.js): precaches the exported app shell
// so the app opens with no network. Sync traffic (/db, /api) is never cached or intercepted.
import type { PrecacheEntry, SerwistGlobalConfig, SerwistPlugin } from 'serwist';
import { Serwist } from 'serwist';

declare global {
  interface WorkerGlobalScope extends SerwistGlobalConfig {
    __SW_MANIFEST: (PrecacheEntry | string)[] | undefined;
  }
}

declare const self: ServiceWorkerGlobalScope;

/**
 * Turbopack starts a worker (the camera's zxing-wasm decoder) from a bootstrap script that reads
 * its chunk list from `?params=` in its own URL. A worker's URL is its response's URL, and a
 * precached response's URL has no query, so the worker died ("Missing worker bootstrap config")
 * whenever this service worker served it. A fresh Response has no URL, so the worker keeps the
 * URL it was requested with.
 */
const keepWorkerUrl: SerwistPlugin = {
  cachedResponseWillBeUsed: async ({ cachedResponse }) => {
    if (
      !cachedResponse ||
      !/\/turbopack-worker-[^/]*\.js$/.test(new URL(cachedResponse.url || 'x:/').pathname)
    )
      return cachedResponse;
    return new Response(cachedResponse.body, {
      status: cachedResponse.status,
      statusText: cachedResponse.statusText,
      headers: cachedResponse.headers,
    });
  },
};

const serwist = new Serwist({
  precacheEntries: self.__SW_MANIFEST,
  precacheOptions: {
    cleanupOutdatedCaches: true,
    // `/login/?next=/scan/` and Next's `?_rsc=` fetches are the precached pages and payloads.
    ignoreURLParametersMatching: [/.*/],
    // Any other navigation (a deep link typed offline) opens the scanner rather than an error.
    navigateFallback: '/scan/',
    navigateFallbackDenylist: [/^\/db(\/|$)/, /^\/api(\/|$)/, /^\/r\//, /^\/health/, /^\/metrics/],
    plugins: [keepWorkerUrl],
  },
  // A new version waits until the person chooses "Reload" (the SKIP_WAITING message).
  skipWaiting: false,
  clientsClaim: true,
  navigationPreload: false,
  runtimeCaching: [],
  disableDevLogs: true,
});

serwist.addEventListeners();
