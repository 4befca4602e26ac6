'use client';
// The scan page: entry and feed, usable offline and with an expired session (scans stay local).
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { loginPathFor } from '@/lib/core/return-path';
import { useDockhand } from './dockhand-provider';
import ScanEntry from './scan-entry';
import ScanFeed from './scan-feed';
import SessionBanner from './session-banner';
import { useObservable, useStore } from './use-store';

const RETURN_PATH = '/scan/';

export default function ScanScreen() {
  const router = useRouter();
  const { platform, dockhand, dbError } = useDockhand();
  const session = useStore(platform?.session, null);
  const counts = useObservable(dockhand?.counts$, null);
  const neverLoggedIn = session?.status === 'none';

  useEffect(() => {
    if (neverLoggedIn) router.replace(loginPathFor(RETURN_PATH));
  }, [neverLoggedIn, router]);

  if (!session || neverLoggedIn) {
    return <p className="text-lg text-slate-400">Opening…</p>;
  }
  return (
    <div className="flex flex-col gap-6" data-testid="scan-screen" data-user={session.user ?? ''}>
      {session.status === 'expired' && (
        <SessionBanner pending={counts?.pending ?? 0} returnPath={RETURN_PATH} />
      )}
      {dbError && (
        <p role="alert" className="rounded-xl bg-red-950 p-4 text-lg text-red-100">
          {dbError}
        </p>
      )}
      <p className="text-base text-slate-400">
        Scanning as <strong className="text-slate-200">{session.user}</strong>
      </p>
      <ScanEntry dockhand={dockhand} />
      <ScanFeed dockhand={dockhand} />
    </div>
  );
}
