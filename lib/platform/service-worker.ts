// Registers the service worker and reports when a new version is installed and waiting.
export interface UpdateHandle {
  /** Tell the waiting worker to take over; the page reloads once it controls the page. */
  activate(): void;
}

export function registerServiceWorker(
  url: string,
  onUpdateWaiting: (update: UpdateHandle) => void,
): () => void {
  if (!('serviceWorker' in navigator)) return () => undefined;
  const container = navigator.serviceWorker;
  let reloading = false;
  let disposed = false;
  let updateTimer: number | undefined;
  // Reload only if a worker controlled the page before: the first install must not reload.
  const hadController = Boolean(container.controller);
  const onControllerChange = () => {
    if (!hadController || reloading) return;
    reloading = true;
    window.location.reload();
  };
  container.addEventListener('controllerchange', onControllerChange);

  const offer = (worker: ServiceWorker) => {
    if (disposed) return;
    onUpdateWaiting({ activate: () => worker.postMessage({ type: 'SKIP_WAITING' }) });
  };

  container
    .register(url, { scope: '/', updateViaCache: 'none' })
    .then((registration) => {
      if (registration.waiting && container.controller) offer(registration.waiting);
      registration.addEventListener('updatefound', () => {
        const installing = registration.installing;
        installing?.addEventListener('statechange', () => {
          if (installing.state === 'installed' && container.controller) offer(installing);
        });
      });
      // Long-lived scanning tabs: look for a new version every hour.
      updateTimer = window.setInterval(() => {
        registration
          .update()
          .catch((error: unknown) => console.info('[dockhand] sw update check', error));
      }, 3_600_000); // 1 h
    })
    .catch((error: unknown) =>
      console.error('[dockhand] service worker registration failed', error),
    );

  return () => {
    disposed = true;
    window.clearInterval(updateTimer);
    container.removeEventListener('controllerchange', onControllerChange);
  };
}
