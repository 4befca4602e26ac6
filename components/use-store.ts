'use client';
// React bindings for the small stores of lib/platform and the observables of lib/db.
import type { Observable } from 'rxjs';
import { useEffect, useState, useSyncExternalStore } from 'react';
import type { ReadableStore } from '@/lib/platform/small-store';

const noopSubscribe = () => () => undefined;

/** The store's value, or `fallback` while the store does not exist yet (and on the server). */
export function useStore<T, F>(store: ReadableStore<T> | null | undefined, fallback: F): T | F {
  return useSyncExternalStore<T | F>(
    store ? store.subscribe : noopSubscribe,
    store ? store.get : () => fallback,
    () => fallback,
  );
}

export function useObservable<T, F>(source: Observable<T> | null | undefined, fallback: F): T | F {
  const [state, setState] = useState<{ source: Observable<T> | null | undefined; value: T | F }>({
    source,
    value: fallback,
  });
  useEffect(() => {
    if (!source) return;
    const subscription = source.subscribe({
      next: (value) => setState({ source, value }),
      error: (error: unknown) => console.error('[dockhand] live query failed', error),
    });
    return () => subscription.unsubscribe();
  }, [source]);
  return state.source === source ? state.value : fallback;
}

/** Re-renders every `ms` so relative times ("5 min ago") stay true. */
export function useNow(ms: number): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const id = window.setInterval(() => setNow(new Date()), ms);
    return () => window.clearInterval(id);
  }, [ms]);
  return now;
}
