'use client';
// The waybills of the manifest not scanned yet: collapsed by default, searchable, computed from the
// in-memory index only while open (a 100k-row manifest is not filtered on every scan otherwise).
import { useDeferredValue, useMemo, useState } from 'react';
import type { ScanDesk } from '@/lib/db';

const SHOWN = 200;

export default function MissingList({
  desk,
  manifestId,
  version,
}: {
  desk: ScanDesk;
  manifestId: string;
  version: number;
}) {
  const [open, setOpen] = useState(false);
  const [search, setSearch] = useState('');
  const deferredSearch = useDeferredValue(search);
  const deferredVersion = useDeferredValue(version);
  const missing = useMemo(
    () => (open ? desk.missing(manifestId, deferredSearch, SHOWN) : null),
    // deferredVersion: recompute when scans change the index
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [open, desk, manifestId, deferredSearch, deferredVersion],
  );

  return (
    <details
      data-testid="missing-list"
      open={open}
      onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}
      className="rounded-xl bg-slate-900 p-4"
    >
      <summary className="cursor-pointer text-xl font-semibold">Missing waybills</summary>
      {missing && (
        <div className="mt-3 flex flex-col gap-3">
          <input
            type="search"
            data-testid="missing-search"
            aria-label="Search missing waybills"
            placeholder="Search"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            className="min-h-12 rounded-lg border-2 border-slate-600 bg-slate-950 px-3 font-mono text-lg focus:border-sky-400 focus:outline-none"
          />
          <p
            data-testid="missing-total"
            data-total={String(missing.total)}
            className="text-slate-300"
          >
            {missing.total === 0 ? 'Nothing missing.' : `${missing.total} not scanned yet`}
            {missing.numbers.length < missing.total && deferredSearch === ''
              ? ` (first ${missing.numbers.length} shown)`
              : ''}
          </p>
          <ul className="flex max-h-80 flex-col gap-1 overflow-y-auto">
            {missing.numbers.map((n) => (
              <li key={n} data-testid="missing-row" className="font-mono text-lg tracking-wider">
                {n}
              </li>
            ))}
          </ul>
        </div>
      )}
    </details>
  );
}
