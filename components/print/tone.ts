// Colours of the print tones (lib/core/print-advice.ts), shared by badges.
import type { Tone } from '@/lib/core/print-advice';

export const TONE_CLASS: Record<Tone, string> = {
  ok: 'bg-emerald-500 text-slate-950',
  busy: 'bg-sky-500 text-slate-950',
  warn: 'bg-amber-400 text-slate-950',
  bad: 'bg-red-600 text-white',
  muted: 'bg-slate-700 text-slate-200',
};
