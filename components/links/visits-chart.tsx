// Human visits over time as hand-drawn SVG bars: one bar per minute bucket, filled in between
// (up to a day; longer spans are folded into hours) so gaps read as quiet time, not missing data.
import type { VisitTotals } from '@/lib/core/visit-tally';

const W = 600;
const H = 120;
const MINUTE = 60_000;
const HOUR = 3_600_000;

export function seriesOf(
  perMinute: VisitTotals['perMinute'],
): Array<{ at: string; count: number }> {
  if (perMinute.length === 0) return [];
  const first = Date.parse(perMinute[0]!.minute);
  const last = Date.parse(perMinute[perMinute.length - 1]!.minute);
  const step = last - first > 24 * HOUR ? HOUR : MINUTE;
  const start = Math.floor(first / step) * step;
  const buckets = new Map<number, number>();
  for (const m of perMinute) {
    const key = Math.floor(Date.parse(m.minute) / step) * step;
    buckets.set(key, (buckets.get(key) ?? 0) + m.count);
  }
  const series: Array<{ at: string; count: number }> = [];
  for (let t = start; t <= last; t += step)
    series.push({ at: new Date(t).toISOString(), count: buckets.get(t) ?? 0 });
  return series;
}

export default function VisitsChart({ perMinute }: { perMinute: VisitTotals['perMinute'] }) {
  const series = seriesOf(perMinute);
  if (series.length === 0) return <p className="text-sm text-slate-400">No visits yet.</p>;
  const max = Math.max(1, ...series.map((s) => s.count));
  const bar = W / series.length;
  const total = series.reduce((a, s) => a + s.count, 0);
  const label = (iso: string | undefined) => (iso ? iso.slice(0, 16).replace('T', ' ') : '');
  return (
    <figure className="flex flex-col gap-1" data-testid="visits-chart" data-total={total}>
      <svg
        viewBox={`0 0 ${W} ${H + 16}`}
        className="h-36 w-full"
        role="img"
        aria-label={`Visits over time: ${total} by people, at most ${max} in one bucket`}
      >
        <line x1={0} y1={H} x2={W} y2={H} stroke="#334155" />
        {series.map((s, i) => {
          const h = (s.count / max) * (H - 4);
          return (
            <rect
              key={s.at}
              x={i * bar + 0.5}
              y={H - h}
              width={Math.max(bar - 1, 1)}
              height={h}
              fill="#34d399"
            >
              <title>{`${label(s.at)} UTC: ${s.count}`}</title>
            </rect>
          );
        })}
        <text x={0} y={H + 13} fill="#94a3b8" fontSize={11}>
          {label(series[0]?.at)}
        </text>
        <text x={W} y={H + 13} fill="#94a3b8" fontSize={11} textAnchor="end">
          {label(series[series.length - 1]?.at)} UTC
        </text>
        <text x={W} y={11} fill="#94a3b8" fontSize={11} textAnchor="end">
          max {max}
        </text>
      </svg>
      <figcaption className="text-xs text-slate-400">
        Visits by people over time (bots apart)
      </figcaption>
    </figure>
  );
}
