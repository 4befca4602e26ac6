'use client';
// Always-visible sync bar: online or not, scans waiting to sync (a true count), last sync, problems.
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { clockTimeOf, relativeTimeFrom } from '@/lib/core/relative-time';
import { syncErrorMessage, syncStateFrom } from '@/lib/core/sync-state';
import type { SyncState } from '@/lib/core/sync-state';
import { useDockhand } from './dockhand-provider';
import { useNow, useObservable, useStore } from './use-store';

const STATE_LABEL: Record<SyncState, string> = {
  idle: 'Online',
  syncing: 'Syncing…',
  offline: 'Offline',
  error: 'Sync problem',
  'session-expired': 'Session expired',
};

const STATE_DOT: Record<SyncState, string> = {
  idle: 'bg-emerald-400',
  syncing: 'bg-sky-400 animate-pulse',
  offline: 'bg-slate-400',
  error: 'bg-red-500',
  'session-expired': 'bg-amber-400',
};

export default function SyncStatus() {
  const { platform, dockhand, dbError } = useDockhand();
  const online = useStore(platform?.online, true);
  const session = useStore(platform?.session, null);
  const sync = useStore(dockhand?.sync, null);
  const persistence = useStore(platform?.persistence, null);
  const counts = useObservable(dockhand?.counts$, null);
  const now = useNow(30_000);
  const onLoginPage = usePathname()?.startsWith('/login') ?? false;

  const state: SyncState = syncStateFrom({
    online,
    session: session?.status ?? 'unknown',
    active: sync?.active ?? false,
    lastError: sync?.lastError ?? null,
  });
  const pending = counts?.pending ?? 0;
  const lastSync = sync?.lastSyncAt ? new Date(sync.lastSyncAt) : null;
  const ready = Boolean(platform && dockhand && counts);
  const notLoggedIn = session?.status === 'none';
  const problem =
    dbError ??
    (state === 'error' && sync?.lastError ? syncErrorMessage(sync.lastError) : null) ??
    (sync?.lastError === 'SYNC_ERR_FORBIDDEN' ? syncErrorMessage('SYNC_ERR_FORBIDDEN') : null);

  return (
    <footer
      data-testid="sync-status"
      data-ready={ready ? 'true' : 'false'}
      data-state={state}
      data-online={online ? 'true' : 'false'}
      data-pending={String(pending)}
      data-recorded={String(counts?.recorded ?? 0)}
      data-last-sync={sync?.lastSyncAt ?? ''}
      data-session={session?.status ?? 'unknown'}
      data-leader={sync?.leader ? 'true' : 'false'}
      data-error={sync?.lastError ?? ''}
      data-persisted={persistence ?? ''}
      role="status"
      aria-live="polite"
      className="fixed inset-x-0 bottom-0 z-20 border-t border-slate-700 bg-slate-900/95 text-slate-100 backdrop-blur"
    >
      <div className="mx-auto flex max-w-3xl flex-wrap items-center gap-x-5 gap-y-1 px-4 py-2 text-base">
        <span className="flex items-center gap-2 font-semibold">
          <span aria-hidden className={`inline-block size-3 rounded-full ${STATE_DOT[state]}`} />
          {STATE_LABEL[state]}
        </span>
        <span
          data-testid="sync-pending"
          className={pending > 0 ? 'font-semibold text-amber-300' : ''}
        >
          {!ready
            ? 'Opening…'
            : pending === 0
              ? 'All scans synced'
              : `${pending} ${pending === 1 ? 'scan' : 'scans'} waiting to sync`}
        </span>
        <span className="text-slate-300">
          {lastSync
            ? `Last synced ${clockTimeOf(lastSync)} (${relativeTimeFrom(lastSync, now)})`
            : 'Never synced'}
        </span>
        {state === 'session-expired' && !onLoginPage && (
          <Link href="/login/?next=%2Fscan%2F" className="font-semibold text-amber-300 underline">
            Log in to sync
          </Link>
        )}
        {notLoggedIn && !onLoginPage && (
          <Link href="/login/" className="font-semibold text-sky-300 underline">
            Log in
          </Link>
        )}
        {sync?.started && !sync.leader && (
          <span className="text-slate-400">Another Dockhand tab is syncing</span>
        )}
        {persistence && (
          <span className="ml-auto text-xs text-slate-400">
            Storage:{' '}
            {persistence === 'persistent'
              ? 'kept'
              : persistence === 'best-effort'
                ? 'may be cleared'
                : 'unknown'}
          </span>
        )}
        {problem && (
          <p data-testid="sync-error" className="w-full text-sm text-red-300">
            {problem}
          </p>
        )}
      </div>
    </footer>
  );
}
