'use client';
// Full-screen colour and big words for the last scan result, readable at arm's length. It shows
// for a moment and stays in the DOM (hidden) so the last answer can still be read by tests and
// assistive technology; tapping it hides it at once.
import { useEffect, useLayoutEffect, useState } from 'react';
import type { Feedback } from '@/lib/core/scan-feedback';

export type FlashResult =
  'matched' | 'duplicate' | 'unknown' | 'other-manifest' | 'free' | 'rejected';

export interface Flash {
  /** Increases with every scan, so the same result twice still flashes twice. */
  seq: number;
  result: FlashResult;
  feedback: Feedback;
  code: string;
}

const COLOUR: Record<Feedback['colour'], string> = {
  green: 'bg-emerald-600 text-white',
  amber: 'bg-amber-400 text-slate-950',
  red: 'bg-red-700 text-white',
  blue: 'bg-sky-700 text-white',
  grey: 'bg-slate-600 text-white',
};

const SHOW_MS: Record<FlashResult, number> = {
  matched: 900,
  free: 900,
  duplicate: 2_000,
  unknown: 2_000,
  'other-manifest': 2_500,
  rejected: 2_000,
};

export default function ResultFlash({ flash }: { flash: Flash | null }) {
  const [hiddenSeq, setHiddenSeq] = useState(0);

  useLayoutEffect(() => {
    // For bench/scan-feedback.bench.ts: the moment the answer is on screen.
    if (flash) performance.mark('dockhand:feedback', { detail: { seq: flash.seq } });
  }, [flash]);

  useEffect(() => {
    if (!flash) return;
    const id = window.setTimeout(() => setHiddenSeq(flash.seq), SHOW_MS[flash.result]);
    return () => window.clearTimeout(id);
  }, [flash]);

  if (!flash) return null;
  const shown = hiddenSeq !== flash.seq;
  return (
    <div
      data-testid="scan-result"
      data-result={flash.result}
      data-seq={String(flash.seq)}
      data-code={flash.code}
      data-shown={shown ? 'true' : 'false'}
      role="alert"
      aria-live="assertive"
      onClick={() => setHiddenSeq(flash.seq)}
      className={`fixed inset-0 z-40 flex flex-col items-center justify-center gap-6 p-6 text-center ${COLOUR[flash.feedback.colour]} ${shown ? '' : 'hidden'}`}
    >
      <p
        data-testid="scan-result-headline"
        className="text-6xl font-black tracking-tight sm:text-8xl"
      >
        {flash.feedback.headline}
      </p>
      {flash.feedback.detail && (
        <p
          data-testid="scan-result-detail"
          className="max-w-3xl font-mono text-3xl font-semibold break-all sm:text-4xl"
        >
          {flash.feedback.detail}
        </p>
      )}
      <p className="text-lg opacity-80">Tap to close</p>
    </div>
  );
}
