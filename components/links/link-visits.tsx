'use client';
// Visit figures of one link (or all): people vs bots, the over-time chart, device classes and
// referrer hosts. The numbers come from the server's aggregate documents (lib/db/links-visits).
import type { VisitTotals } from '@/lib/core/visit-tally';
import VisitsChart from './visits-chart';

function Ranked({
  title,
  counts,
  testId,
}: {
  title: string;
  counts: Record<string, number>;
  testId: string;
}) {
  const rows = Object.entries(counts).sort(([, a], [, b]) => b - a);
  return (
    <div className="flex flex-col gap-1" data-testid={testId}>
      <h4 className="text-sm font-semibold text-slate-300">{title}</h4>
      {rows.length === 0 ? (
        <p className="text-sm text-slate-500">—</p>
      ) : (
        <ul className="text-sm">
          {rows.map(([name, count]) => (
            <li
              key={name}
              className="flex justify-between gap-4"
              data-key={name}
              data-count={count}
            >
              <span>{name}</span>
              <span className="font-mono">{count}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export default function LinkVisits({ totals }: { totals: VisitTotals | null }) {
  const t: VisitTotals = totals ?? {
    humans: 0,
    bots: 0,
    perMinute: [],
    byDeviceClass: {},
    byReferrerHost: {},
  };
  return (
    <section className="flex flex-col gap-3" data-testid="link-visits">
      <div className="flex gap-6">
        <p>
          <span className="text-3xl font-bold" data-testid="visits-humans">
            {t.humans}
          </span>{' '}
          <span className="text-slate-400">visits by people</span>
        </p>
        <p>
          <span className="text-3xl font-bold text-slate-400" data-testid="visits-bots">
            {t.bots}
          </span>{' '}
          <span className="text-slate-400">by bots and link previews</span>
        </p>
      </div>
      <VisitsChart perMinute={t.perMinute} />
      <div className="grid gap-4 sm:grid-cols-2">
        <Ranked
          title="Device"
          counts={t.byDeviceClass as Record<string, number>}
          testId="visits-devices"
        />
        <Ranked title="Came from (referrer)" counts={t.byReferrerHost} testId="visits-referrers" />
      </div>
    </section>
  );
}
