'use client';
// Typed entry: Enter or "Record" hands the code to the scan session. A hand scanner's burst is
// caught page-wide by the wedge listener instead (and taken back out of this field).
import type { FormEvent } from 'react';
import { useRef, useState, useSyncExternalStore } from 'react';

const noSubscription = () => () => {};

export default function ScanEntry({
  onCode,
  message,
}: {
  onCode(code: string): void;
  message: { kind: 'ok' | 'error'; text: string } | null;
}) {
  const [code, setCode] = useState('');
  const input = useRef<HTMLInputElement>(null);
  // The exported HTML shows the field before React takes it over; a code typed then would be
  // wiped by hydration without a trace, so the field only accepts input once it is live.
  const live = useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const typed = code;
    setCode(''); // ready for the next code at once
    input.current?.focus();
    onCode(typed);
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
          disabled={!live}
          value={code}
          onChange={(e) => setCode(e.target.value)}
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
          disabled={!live}
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
