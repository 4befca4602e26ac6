'use client';
// A manifest's scans on the dashboard, newest first and searchable, so a supervisor or admin can
// pick anyone's scan and void it with a reason; voided scans stay listed with who voided them and
// why. Who sees the control is voidRightOf() (lib/core/scan-void.ts); the server decides anyway.
import { useDeferredValue, useMemo, useState } from 'react';
import { voidRightOf } from '@/lib/core/scan-void';
import type { Dashboard, ManifestSummary } from '@/lib/db';
import { useDockhand } from '../dockhand-provider';
import { useStore } from '../use-store';
import ManifestScanRowView from './manifest-scan-row';

const SHOWN = 100; // scans listed at most; search narrows them

export default function ManifestScans({
  dashboard,
  manifest,
  version,
}: {
  dashboard: Dashboard;
  manifest: ManifestSummary;
  version: number;
}) {
  const { platform } = useDockhand();
  const session = useStore(platform?.session, null);
  const [search, setSearch] = useState('');
  const deferred = useDeferredValue(search);
  const [openId, setOpenId] = useState<string | null>(null);
  const [sent, setSent] = useState<ReadonlySet<string>>(new Set());
  const result = useMemo(
    () => dashboard.scans(manifest.id, deferred, SHOWN),
    // `version` changes whenever the model does, so voids show as they arrive.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [dashboard, manifest.id, deferred, version],
  );
  const viewer = { name: session?.user ?? null, roles: session?.roles ?? [] };

  return (
    <section className="flex flex-col gap-2" data-testid="manifest-scans">
      <h3 className="font-bold">Scans</h3>
      <input
        type="search"
        data-testid="scan-search"
        placeholder="Search waybill number or scanner"
        className="min-w-64 rounded-lg border border-slate-700 bg-slate-900 p-2"
        value={search}
        onChange={(e) => setSearch(e.target.value)}
      />
      <p className="text-xs text-slate-400" data-testid="scan-total" data-total={result.total}>
        {result.total.toLocaleString()} scans
        {result.total > result.rows.length ? ` (newest ${result.rows.length} shown)` : ''}
      </p>
      <ul className="flex flex-col">
        {result.rows.map((row) => (
          <ManifestScanRowView
            key={row.scan.id}
            row={row}
            // One form at a time: opening another must not drop a reason being typed.
            canVoid={
              openId === null &&
              voidRightOf(viewer, row.scan, row.voidedBy !== null) === 'with-reason'
            }
            open={openId === row.scan.id}
            sent={sent.has(row.scan.id)}
            onOpen={() => setOpenId(row.scan.id)}
            onClose={() => setOpenId(null)}
            onVoided={() => {
              setOpenId(null);
              setSent((s) => new Set(s).add(row.scan.id));
            }}
          />
        ))}
      </ul>
    </section>
  );
}
