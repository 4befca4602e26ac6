'use client';
// The live dashboard: manifests with progress, scans per minute, per scanner, the latest scans,
// waybill search and exports. Everything comes from the device database that replication fills,
// so numbers move without a reload (lib/db/dashboard.ts keeps them incrementally).
import { useDeferredValue, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import type { Dashboard, DashboardSnapshot, ManifestSummary, WaybillFilter } from '@/lib/db';
import { percentOf } from '@/lib/core/dashboard-stats';
import { visibleText } from '@/lib/core/visible-text';
import { useDockhand } from '../dockhand-provider';
import ManifestPrint from '../print/manifest-print';
import { exportUrl } from './api-client';
import ManifestScans from './manifest-scans';
import ProgressBar from './progress-bar';
import ScansChart from './scans-chart';

const EMPTY: DashboardSnapshot = {
  ready: false,
  version: 0,
  manifests: [],
  perMinute: [],
  perScanner: [],
  latest: [],
  totalScans: 0,
  updatedAt: null,
};
const noSubscribe = () => () => undefined;
const PRINT_LIMIT = 2_000; // missing waybills printed per press at most

function useDashboard(): Dashboard | null {
  const { dockhand } = useDockhand();
  const [dashboard, setDashboard] = useState<Dashboard | null>(null);
  useEffect(() => {
    if (!dockhand) return;
    let stopped = false;
    let opened: Dashboard | null = null;
    import('@/lib/db')
      .then(({ openDashboard }) => {
        if (stopped) return;
        opened = openDashboard(dockhand.database);
        setDashboard(opened);
      })
      .catch((error: unknown) => console.error('[dockhand] dashboard failed to open', error));
    return () => {
      stopped = true;
      opened?.stop();
    };
  }, [dockhand]);
  return dashboard;
}

const STATUS_STYLE: Record<string, string> = {
  open: 'bg-emerald-900 text-emerald-200',
  importing: 'bg-sky-900 text-sky-200',
  closed: 'bg-slate-700 text-slate-200',
  failed: 'bg-red-900 text-red-200',
};

function Count({ label, value, testId }: { label: string; value: number; testId: string }) {
  return (
    <div className="flex flex-col">
      <span className="text-xs text-slate-400">{label}</span>
      <span className="text-lg font-bold tabular-nums" data-testid={testId}>
        {value.toLocaleString()}
      </span>
    </div>
  );
}

function ManifestCard({
  m,
  selected,
  onSelect,
}: {
  m: ManifestSummary;
  selected: boolean;
  onSelect: () => void;
}) {
  return (
    <li
      data-testid="manifest-row"
      data-manifest-id={m.id}
      data-status={m.status}
      className={`flex flex-col gap-2 rounded-xl border p-3 ${selected ? 'border-sky-500' : 'border-slate-800'}`}
    >
      <div className="flex flex-wrap items-center gap-2">
        <button type="button" className="text-left font-bold underline" onClick={onSelect}>
          <bdi>{visibleText(m.name)}</bdi>
        </button>
        <span className={`rounded px-2 py-0.5 text-xs ${STATUS_STYLE[m.status] ?? ''}`}>
          {m.status}
        </span>
        <span className="text-xs text-slate-400">
          {new Date(m.createdAt).toLocaleString()}
          {m.createdBy ? ` · ${m.createdBy}` : ''}
        </span>
        <span className="ml-auto text-sm tabular-nums">{percentOf(m.scanned, m.expected)}%</span>
      </div>
      <ProgressBar
        value={m.scanned}
        max={Math.max(m.expected, 1)}
        label={`${visibleText(m.name)} scanned`}
        tone="emerald"
      />
      <div className="grid grid-cols-5 gap-2">
        <Count label="Expected" value={m.expected} testId="count-expected" />
        <Count label="Scanned" value={m.scanned} testId="count-scanned" />
        <Count label="Missing" value={m.missing} testId="count-missing" />
        <Count label="Duplicate" value={m.duplicates} testId="count-duplicates" />
        <Count label="Unexpected" value={m.unexpected} testId="count-unexpected" />
      </div>
    </li>
  );
}

function Exports({ manifestId }: { manifestId: string }) {
  return (
    <div className="flex flex-wrap gap-2 text-sm" data-testid="exports">
      {(['scanned', 'missing', 'unexpected'] as const).map((kind) =>
        (['xlsx', 'csv'] as const).map((format) => (
          <a
            key={`${kind}-${format}`}
            href={exportUrl(manifestId, kind, format)}
            download
            data-testid={`export-${kind}-${format}`}
            title={
              format === 'csv'
                ? 'For other systems: Excel opening a CSV drops leading zeros from numbers. To read it in Excel, take the XLSX.'
                : 'To open in Excel or LibreOffice: numbers keep their zeros, times are in your time zone.'
            }
            className="rounded-lg border border-slate-600 px-3 py-1"
          >
            {kind[0]!.toUpperCase() + kind.slice(1)} · {format.toUpperCase()}
          </a>
        )),
      )}
      <p className="w-full text-xs text-slate-400">
        XLSX to read in Excel; CSV for other systems (Excel drops the leading zeros of numbers it
        opens from a CSV).
      </p>
    </div>
  );
}

function WaybillSearch({
  dashboard,
  manifest,
  version,
  selected,
  onToggle,
}: {
  dashboard: Dashboard;
  manifest: ManifestSummary;
  version: number;
  /** Waybill numbers ticked for printing. */
  selected: ReadonlySet<string>;
  onToggle: (number: string, on: boolean) => void;
}) {
  const [search, setSearch] = useState('');
  const [filter, setFilter] = useState<WaybillFilter>('all');
  const deferred = useDeferredValue(search);
  const result = useMemo(
    () => dashboard.waybills(manifest.id, filter, deferred, 100),
    // `version` changes whenever the model does, so the list follows scans live.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [dashboard, manifest.id, filter, deferred, version],
  );
  return (
    <section className="flex flex-col gap-2" data-testid="waybill-search-panel">
      <div className="flex flex-wrap gap-2">
        <input
          type="search"
          data-testid="waybill-search"
          placeholder="Search waybill number or consignee"
          className="min-w-64 flex-1 rounded-lg border border-slate-700 bg-slate-900 p-2"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        <select
          data-testid="waybill-filter"
          className="rounded-lg border border-slate-700 bg-slate-900 p-2"
          value={filter}
          onChange={(e) => setFilter(e.target.value as WaybillFilter)}
        >
          <option value="all">All</option>
          <option value="scanned">Scanned</option>
          <option value="missing">Missing</option>
        </select>
      </div>
      <p className="text-xs text-slate-400" data-testid="waybill-total" data-total={result.total}>
        {result.total.toLocaleString()} waybills
        {result.total > result.rows.length ? ` (first ${result.rows.length} shown)` : ''}
      </p>
      <table className="text-left text-sm">
        <tbody>
          {result.rows.map((row) => (
            <tr
              key={row.id}
              data-testid="waybill-row"
              data-scanned={row.scanned ? 'true' : 'false'}
              data-number={row.number}
            >
              <td className="pr-2">
                <input
                  type="checkbox"
                  className="size-4"
                  data-testid="waybill-select"
                  aria-label={`Select ${row.number} for printing`}
                  checked={selected.has(row.number)}
                  onChange={(e) => onToggle(row.number, e.target.checked)}
                />
              </td>
              <td className="pr-3 font-mono">{row.number}</td>
              <td className="pr-3">{row.consignee}</td>
              <td className={row.scanned ? 'text-emerald-300' : 'text-amber-300'}>
                {row.scanned ? 'scanned' : 'missing'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export default function AdminDashboard() {
  const dashboard = useDashboard();
  const snap = useSyncExternalStore(
    dashboard ? dashboard.subscribe : noSubscribe,
    dashboard ? dashboard.get : () => EMPTY,
    () => EMPTY,
  );
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [ticked, setTicked] = useState<{ manifestId: string; numbers: ReadonlySet<string> }>({
    manifestId: '',
    numbers: new Set(),
  });
  const selected =
    snap.manifests.find((m) => m.id === selectedId) ??
    snap.manifests.find((m) => m.status === 'open') ??
    null;

  // Ticks belong to one manifest: choosing another starts with none.
  const tickedHere: ReadonlySet<string> =
    selected && ticked.manifestId === selected.id ? ticked.numbers : new Set();

  return (
    <div
      className="flex flex-col gap-6"
      data-testid="dashboard"
      data-ready={snap.ready ? 'true' : 'false'}
      data-version={snap.version}
    >
      <div className="flex items-baseline gap-3">
        <h1 className="text-3xl font-bold">Dashboard</h1>
        <span className="text-sm text-slate-400">
          {snap.ready
            ? `${snap.totalScans.toLocaleString()} scans on this device`
            : 'Loading from this device…'}
        </span>
      </div>
      <div className="grid gap-6 lg:grid-cols-[2fr_1fr]">
        <section className="flex flex-col gap-3">
          <h2 className="text-xl font-bold">Manifests</h2>
          {snap.ready && snap.manifests.length === 0 && (
            <p className="text-slate-400">
              No manifests yet.{' '}
              <a className="underline" href="/admin/upload/">
                Upload one
              </a>
              .
            </p>
          )}
          <ul className="flex flex-col gap-3" data-testid="manifest-list">
            {snap.manifests.map((m) => (
              <ManifestCard
                key={m.id}
                m={m}
                selected={selected?.id === m.id}
                onSelect={() => setSelectedId(m.id)}
              />
            ))}
          </ul>
        </section>
        <aside className="flex flex-col gap-4">
          <ScansChart series={snap.perMinute} />
          <section>
            <h2 className="font-bold">Per scanner</h2>
            <ul className="text-sm" data-testid="scanner-counts">
              {snap.perScanner.map((s) => (
                <li
                  key={s.user}
                  data-testid="scanner-row"
                  data-user={s.user}
                  className="flex justify-between"
                >
                  <span>{s.user}</span>
                  <span className="tabular-nums">{s.count}</span>
                </li>
              ))}
            </ul>
          </section>
          <section>
            <h2 className="font-bold">Latest scans</h2>
            <ul className="text-sm" data-testid="latest-scans">
              {snap.latest.map((s) => (
                <li key={s.id} data-testid="latest-scan" data-scan-id={s.id} className="flex gap-2">
                  <span className="font-mono">{s.code}</span>
                  <span className="text-slate-400">
                    {s.result}
                    {s.voidReason ? `: ${s.voidReason}` : ''}
                  </span>
                  <span className="ml-auto text-slate-400">
                    {s.user} · {new Date(s.scannedAt).toLocaleTimeString()}
                  </span>
                </li>
              ))}
            </ul>
          </section>
        </aside>
      </div>
      {selected && dashboard && (
        <section
          className="flex flex-col gap-3 rounded-xl border border-slate-800 p-4"
          data-testid="manifest-detail"
          data-manifest-id={selected.id}
        >
          <h2 className="text-xl font-bold">
            <bdi>{visibleText(selected.name)}</bdi>
          </h2>
          <Exports manifestId={selected.id} />
          <ManifestPrint
            manifestId={selected.id}
            manifestName={selected.name}
            selected={[...tickedHere]}
            missing={() =>
              dashboard
                .waybills(selected.id, 'missing', '', PRINT_LIMIT)
                .rows.map((row) => row.number)
            }
            onPrinted={() => setTicked({ manifestId: selected.id, numbers: new Set() })}
          />
          <WaybillSearch
            dashboard={dashboard}
            manifest={selected}
            version={snap.version}
            selected={tickedHere}
            onToggle={(number, on) => {
              const next = new Set(tickedHere);
              if (on) next.add(number);
              else next.delete(number);
              setTicked({ manifestId: selected.id, numbers: next });
            }}
          />
          <ManifestScans dashboard={dashboard} manifest={selected} version={snap.version} />
        </section>
      )}
    </div>
  );
}
