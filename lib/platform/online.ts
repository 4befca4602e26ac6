// Online or not: the browser's guess (navigator.onLine) corrected by what our requests saw.
import type { ReadableStore } from './small-store';
import { writableStore } from './small-store';

export interface OnlineTracker extends ReadableStore<boolean> {
  /** A request reached the server (any HTTP answer). */
  reportReached(): void;
  /** A request failed before any HTTP answer (DNS, refused, dropped, offline). */
  reportUnreachable(): void;
  dispose(): void;
}

export function createOnlineTracker(
  win: Pick<Window, 'addEventListener' | 'removeEventListener'> & {
    navigator: Pick<Navigator, 'onLine'>;
  },
): OnlineTracker {
  let browserOnline = win.navigator.onLine;
  let serverReachable = true;
  const state = writableStore(browserOnline && serverReachable);
  const recompute = () => state.set(browserOnline && serverReachable);
  const onOnline = () => {
    browserOnline = true;
    serverReachable = true; // give the server another chance; the next request will tell
    recompute();
  };
  const onOffline = () => {
    browserOnline = false;
    recompute();
  };
  win.addEventListener('online', onOnline);
  win.addEventListener('offline', onOffline);
  return {
    get: state.get,
    subscribe: state.subscribe,
    reportReached() {
      serverReachable = true;
      browserOnline = true;
      recompute();
    },
    reportUnreachable() {
      serverReachable = false;
      recompute();
    },
    dispose() {
      win.removeEventListener('online', onOnline);
      win.removeEventListener('offline', onOffline);
    },
  };
}
