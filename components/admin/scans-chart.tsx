// Scans per minute as hand-drawn SVG bars (no chart library): one bar per minute, last hour.
import type { MinuteCount } from '@/lib/core/dashboard-stats';

const W = 600;
const H = 120;

export default function ScansChart({ series }: { series: MinuteCount[] }) {
  const max = Math.max(1, ...series.map((m) => m.count));
  const bar = W / Math.max(series.length, 1);
  const total = series.reduce((a, m) => a + m.count, 0);
  return (
    <figure className="flex flex-col gap-1" data-testid="scans-chart" data-total={total}>
      <svg
        viewBox={`0 0 ${W} ${H + 16}`}
        className="h-36 w-full"
        role="img"
        aria-label={`Scans per minute, last ${series.length} minutes: ${total} scans, at most ${max} in a minute`}
      >
        <line x1={0} y1={H} x2={W} y2={H} stroke="#334155" />
        {series.map((m, i) => {
          const h = (m.count / max) * (H - 4);
          return (
            <rect
              key={m.minute}
              x={i * bar + 1}
              y={H - h}
              width={Math.max(bar - 2, 1)}
              height={h}
              fill="#38bdf8"
            >
              <title>{`${m.minute.slice(11)} UTC: ${m.count}`}</title>
            </rect>
          );
        })}
        <text x={0} y={H + 13} fill="#94a3b8" fontSize={11}>
          {series[0]?.minute.slice(11)}
        </text>
        <text x={W} y={H + 13} fill="#94a3b8" fontSize={11} textAnchor="end">
          {series[series.length - 1]?.minute.slice(11)} UTC
        </text>
        <text x={W} y={11} fill="#94a3b8" fontSize={11} textAnchor="end">
          max {max}/min
        </text>
      </svg>
      <figcaption className="text-xs text-slate-400">Scans per minute, last hour</figcaption>
    </figure>
  );
}
