'use client';
// Typed (or keyboard-wedge) entry: Enter or "Record" writes the scan locally, at once.
import type { FormEvent } from 'react';
import { useRef, useState } from 'react';
import { codeProblem } from '@/lib/core/normalise-code';
import type { Dockhand } from '@/lib/db';

const PROBLEM_TEXT = {
  empty: 'Type or scan a code first.',
  'too-long': 'That code is too long to be a waybill. Check it and try again.',
} as const;

export default function ScanEntry({ dockhand }: { dockhand: Dockhand | null }) {
  const [code, setCode] = useState('');
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const input = useRef<HTMLInputElement>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const problem = codeProblem(code);
    if (problem) {
      setMessage({ kind: 'error', text: PROBLEM_TEXT[problem] });
      input.current?.focus();
      return;
    }
    if (!dockhand) {
      setMessage({ kind: 'error', text: 'Still opening storage. Try again in a second.' });
      return;
    }
    const typed = code;
    setCode(''); // ready for the next code before the write finishes
    input.current?.focus();
    try {
      const scan = await dockhand.recordScan(typed, 'manual');
      setMessage({ kind: 'ok', text: `Recorded ${scan.normalised}` });
    } catch (error) {
      console.error('[dockhand] could not record scan', error);
      setCode(typed);
      setMessage({ kind: 'error', text: 'Could not save that scan on this device. Try again.' });
    }
  }

  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-3" data-testid="scan-entry">
      <label htmlFor="scan-code" className="text-lg font-medium text-slate-300">
        Waybill code
      </label>
      <div className="flex gap-3">
        <input
          id="scan-code"
          ref={input}
          data-testid="scan-input"
          value={code}
          onChange={(e) => setCode(e.target.value)}
          autoFocus
          autoComplete="off"
          autoCapitalize="characters"
          autoCorrect="off"
          spellCheck={false}
          enterKeyHint="done"
          placeholder="Type or scan"
          className="min-h-16 min-w-0 flex-1 rounded-xl border-2 border-slate-600 bg-slate-900 px-4 font-mono text-2xl tracking-wider focus:border-sky-400 focus:outline-none"
        />
        <button
          data-testid="scan-submit"
          type="submit"
          className="min-h-16 rounded-xl bg-sky-500 px-6 text-xl font-bold text-slate-950 hover:bg-sky-400 active:bg-sky-300"
        >
          Record
        </button>
      </div>
      <p
        data-testid="scan-message"
        data-kind={message?.kind ?? ''}
        aria-live="polite"
        className={`min-h-7 text-lg ${message?.kind === 'error' ? 'text-red-300' : 'text-emerald-300'}`}
      >
        {message?.text ?? ''}
      </p>
    </form>
  );
}
