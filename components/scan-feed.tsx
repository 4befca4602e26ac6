'use client';
// This device's most recent scans with their results, live from the local database; undone scans
// are struck through (the void event stays in the list too — nothing is deleted).
import { useMemo } from 'react';
import { cancelledScanIds } from '@/lib/core/live-scans';
import { clockTimeOf } from '@/lib/core/relative-time';
import type { Dockhand } from '@/lib/db';
import { useObservable } from './use-store';

const FEED_LIMIT = 50;

const RESULT_TEXT: Record<string, string> = {
  matched: 'OK',
  duplicate: 'Duplicate',
  unknown: 'Not on manifest',
  'other-manifest': 'Wrong manifest',
  free: 'Recorded',
  void: 'Undo',
};

const RESULT_CLASS: Record<string, string> = {
  matched: 'text-emerald-300',
  duplicate: 'text-amber-300',
  unknown: 'text-red-300',
  'other-manifest': 'text-red-300',
  free: 'text-sky-300',
  void: 'text-slate-400',
};

export default function ScanFeed({ dockhand }: { dockhand: Dockhand | null }) {
  const rows$ = useMemo(() => dockhand?.recentScans$(FEED_LIMIT), [dockhand]);
  const rows = useObservable(rows$, null);
  const counts = useObservable(dockhand?.counts$, null);
  const voided = useMemo(() => cancelledScanIds(rows ?? []), [rows]);

  return (
    <section className="flex flex-col gap-3">
      <h2 className="flex items-baseline justify-between text-xl font-semibold">
        Recent scans
        <span
          data-testid="scan-count"
          data-count={String(counts?.recorded ?? 0)}
          className="text-base font-normal text-slate-300"
        >
          {counts ? `${counts.recorded} on this device` : ''}
        </span>
      </h2>
      <ol
        data-testid="scan-feed"
        data-ready={rows ? 'true' : 'false'}
        className="flex flex-col gap-2"
      >
        {rows?.length === 0 && <li className="text-lg text-slate-400">No scans yet.</li>}
        {rows?.map((row) => (
          <li
            key={row.id}
            data-testid="scan-row"
            data-scan-id={row.id}
            data-code={row.normalised}
            data-result={row.result}
            data-source={row.source}
            data-voided={voided.has(row.id) ? 'true' : 'false'}
            data-synced={row.synced ? 'true' : 'false'}
            // At phone width the status wraps under the number, which is never cut short: a
            // waybill number is what the person checks against the parcel.
            className="flex flex-wrap items-center justify-between gap-x-3 gap-y-1 rounded-xl bg-slate-800 px-4 py-3"
          >
            <span
              data-testid="scan-row-number"
              className={`min-w-0 break-all font-mono text-xl tracking-wider ${voided.has(row.id) ? 'text-slate-500 line-through' : ''}`}
            >
              {row.normalised}
            </span>
            <span className="flex shrink-0 items-center gap-3 text-base text-slate-300">
              <span className={`font-semibold ${RESULT_CLASS[row.result] ?? ''}`}>
                {RESULT_TEXT[row.result] ?? row.result}
              </span>
              <time dateTime={row.scannedAt}>{clockTimeOf(new Date(row.scannedAt))}</time>
              <span className={row.synced ? 'text-emerald-300' : 'text-amber-300'}>
                {row.synced ? 'Synced' : 'Waiting'}
              </span>
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}
