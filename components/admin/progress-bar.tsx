// A labelled progress bar (role="progressbar", so tests and screen readers read the numbers).
export default function ProgressBar({
  value,
  max,
  label,
  testId,
  tone = 'sky',
}: {
  value: number;
  max: number;
  label: string;
  testId?: string;
  tone?: 'sky' | 'emerald' | 'amber' | 'red';
}) {
  const pct = max > 0 ? Math.min(100, Math.max(0, (value / max) * 100)) : 0;
  const colour = {
    sky: 'bg-sky-500',
    emerald: 'bg-emerald-500',
    amber: 'bg-amber-500',
    red: 'bg-red-500',
  }[tone];
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={max}
      aria-valuenow={value}
      data-testid={testId}
      className="h-3 w-full overflow-hidden rounded-full bg-slate-800"
    >
      <div className={`h-full ${colour} transition-[width]`} style={{ width: `${pct}%` }} />
    </div>
  );
}
