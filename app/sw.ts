// The service worker (bundled by `serwist build` into out/sw.js): precaches the exported app shell
// so the app opens with no network. Sync traffic (/db, /api) is never cached or intercepted.
import type { PrecacheEntry, SerwistGlobalConfig } from 'serwist';
import { Serwist } from 'serwist';

declare global {
  interface WorkerGlobalScope extends SerwistGlobalConfig {
    __SW_MANIFEST: (PrecacheEntry | string)[] | undefined;
  }
}

declare const self: ServiceWorkerGlobalScope;

const serwist = new Serwist({
  precacheEntries: self.__SW_MANIFEST,
  precacheOptions: {
    cleanupOutdatedCaches: true,
    // `/login/?next=/scan/` and Next's `?_rsc=` fetches are the precached pages and payloads.
    ignoreURLParametersMatching: [/.*/],
    // Any other navigation (a deep link typed offline) opens the scanner rather than an error.
    navigateFallback: '/scan/',
    navigateFallbackDenylist: [/^\/db(\/|$)/, /^\/api(\/|$)/, /^\/r\//, /^\/health/, /^\/metrics/],
  },
  // A new version waits until the person chooses "Reload" (the SKIP_WAITING message).
  skipWaiting: false,
  clientsClaim: true,
  navigationPreload: false,
  runtimeCaching: [],
  disableDevLogs: true,
});

serwist.addEventListeners();
