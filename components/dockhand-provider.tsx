'use client';
// Opens the platform and (lazily, so rxdb is not in the first bundle) the database once per page load.
import type { ReactNode } from 'react';
import { createContext, useContext, useEffect, useState, useSyncExternalStore } from 'react';
import type { Dockhand } from '@/lib/db';
import type { BrowserPlatform } from '@/lib/platform/browser-platform';
import { browserPlatform } from '@/lib/platform/browser-platform';

export interface DockhandContextValue {
  platform: BrowserPlatform | null;
  dockhand: Dockhand | null;
  /** Why the device database could not open (e.g. private mode without IndexedDB). */
  dbError: string | null;
}

const DockhandContext = createContext<DockhandContextValue>({
  platform: null,
  dockhand: null,
  dbError: null,
});

export function useDockhand(): DockhandContextValue {
  return useContext(DockhandContext);
}

const noSubscribe = () => () => undefined;

export default function DockhandProvider({ children }: { children: ReactNode }) {
  // The platform is browser-only: null while prerendering and hydrating, then the page singleton.
  const platform = useSyncExternalStore(noSubscribe, browserPlatform, () => null);
  const [opened, setOpened] = useState<{ dockhand: Dockhand | null; dbError: string | null }>({
    dockhand: null,
    dbError: null,
  });

  useEffect(() => {
    if (!platform) return;
    let cancelled = false;
    void platform.session.refresh();
    import('@/lib/db')
      .then(({ openDockhand }) => openDockhand(platform))
      .then((dockhand) => {
        if (!cancelled) setOpened({ dockhand, dbError: null });
      })
      .catch((error: unknown) => {
        console.error('[dockhand] could not open the device database', error);
        if (!cancelled) {
          setOpened({
            dockhand: null,
            dbError:
              'This browser would not open Dockhand’s storage. Leave private mode or free some space, then reload.',
          });
        }
      });
    return () => {
      cancelled = true;
    };
  }, [platform]);

  return (
    <DockhandContext.Provider value={{ platform, ...opened }}>{children}</DockhandContext.Provider>
  );
}
