'use client';
// The page's print desk and session, once the device database is open.
import { useMemo } from 'react';
import type { PrintDesk } from '@/lib/db/print-desk';
import { printDeskOf } from '@/lib/db/print-desk';
import { useDockhand } from '../dockhand-provider';
import { useStore } from '../use-store';

export function usePrintDesk(): {
  desk: PrintDesk | null;
  user: string | null;
  roles: readonly string[];
  reSync: () => void;
} {
  const { platform, dockhand } = useDockhand();
  const session = useStore(platform?.session, null);
  const desk = useMemo(
    () => (dockhand && platform ? printDeskOf(dockhand.database, platform.deviceId) : null),
    [dockhand, platform],
  );
  return {
    desk,
    user: session?.user ?? null,
    roles: session?.roles ?? [],
    reSync: () => dockhand?.sync.reSync(),
  };
}

export const isAdmin = (roles: readonly string[]) =>
  roles.includes('_admin') || roles.includes('admin');
