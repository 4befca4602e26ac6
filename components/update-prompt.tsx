'use client';
// Registers the service worker; when a new version is waiting, offers to switch to it.
import { useEffect, useState } from 'react';
import type { UpdateHandle } from '@/lib/platform/service-worker';
import { registerServiceWorker } from '@/lib/platform/service-worker';

export default function UpdatePrompt() {
  const [update, setUpdate] = useState<UpdateHandle | null>(null);

  useEffect(() => {
    if (process.env.NODE_ENV !== 'production') return; // no stale shells while developing
    return registerServiceWorker('/sw.js', setUpdate);
  }, []);

  if (!update) return null;
  return (
    <div
      data-testid="update-prompt"
      role="alert"
      className="fixed inset-x-0 top-0 z-30 flex flex-wrap items-center justify-center gap-4 bg-sky-600 px-4 py-3 text-lg text-white"
    >
      <span>A new version of Dockhand is ready —</span>
      <button
        type="button"
        data-testid="update-reload"
        onClick={() => update.activate()}
        className="min-h-12 rounded-lg bg-white px-5 font-bold text-sky-700"
      >
        Reload
      </button>
    </div>
  );
}
