// The service worker (bundled by `serwist build` into out/sw.js): precaches the exported app shell
// so the app opens with no network, and keeps the few build files too big to precache once they
// have been loaded. Sync traffic (/db, /api) is never cached or intercepted.
import type { PrecacheEntry, SerwistGlobalConfig, SerwistPlugin } from 'serwist';
import { CacheFirst, CacheableResponsePlugin, ExpirationPlugin, Serwist } from 'serwist';

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
  // Build chunks left out of the precache for their size (the label preview's ZPL renderer, ~9 MB)
  // are kept once fetched, so a label preview seen once also works offline. Their names are
  // content hashes: a cached copy is never stale, and old ones expire.
  runtimeCaching: [
    {
      matcher: ({ url, sameOrigin }) => sameOrigin && url.pathname.startsWith('/_next/static/'),
      handler: new CacheFirst({
        cacheName: 'dockhand-build-files',
        plugins: [
          new CacheableResponsePlugin({ statuses: [200] }),
          new ExpirationPlugin({ maxEntries: 16, maxAgeSeconds: 60 * 24 * 3600 }),
        ],
      }),
    },
  ],
  disableDevLogs: true,
});

serwist.addEventListeners();
