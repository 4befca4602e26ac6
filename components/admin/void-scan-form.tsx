'use client';
// "Void scan" for a supervisor or admin: a required reason, then Confirm. The void goes to the
// server at once (scan-void-client.ts); when it is refused the form stays open with the reason as
// typed and says what to do, so nothing is lost.
import { useId, useState } from 'react';
import { ulid } from 'ulidx';
import type { VoidWriteProblem } from '@/lib/core/scan-void';
import { VOID_REASON_MAX_LENGTH, checkVoidReason, voidMayBeStored } from '@/lib/core/scan-void';
import { loginPathFor } from '@/lib/core/return-path';
import { voidEventFor } from '@/lib/core/scan-event';
import type { Scan } from '@/lib/schema/scan';
import { useDockhand } from '../dockhand-provider';
import { recordVoidOnServer } from './scan-void-client';
import { VOID_PROBLEM_MESSAGES, VOID_REASON_MESSAGES } from './void-messages';

interface Refusal {
  problem: VoidWriteProblem;
  /** The server's own words, when it gave any. */
  reason: string | null;
}

export default function VoidScanForm({
  target,
  onCancel,
  onVoided,
}: {
  target: Scan;
  onCancel: () => void;
  onVoided: (event: Scan) => void;
}) {
  const { platform, dockhand } = useDockhand();
  const reasonId = useId();
  const [text, setText] = useState('');
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  // The event sent last when its answer may have been lost: sent again unchanged, so a retry
  // cannot store a second void (the server answers 409 for its id).
  const [unsure, setUnsure] = useState<{ reason: string; event: Scan } | null>(null);
  const checked = checkVoidReason(text);

  const submit = async () => {
    setTried(true);
    if (!checked.ok || busy || !platform) return;
    const user = platform.session.get().user;
    if (!user) {
      setRefusal({ problem: 'session-expired', reason: null });
      return;
    }
    const now = new Date();
    const event =
      unsure?.reason === checked.reason
        ? unsure.event
        : voidEventFor(target, {
            deviceId: platform.deviceId,
            ulid: ulid(now.getTime()),
            user,
            now,
            reason: checked.reason,
          });
    setBusy(true);
    setRefusal(null);
    const result = await recordVoidOnServer(window.fetch.bind(window), event);
    setBusy(false);
    if (result.ok) {
      setUnsure(null);
      // A login made in another tab since a refusal: sync waits for the session to be known
      // active again before it pulls the void back into this device's dashboard.
      if (platform.session.get().status !== 'active') void platform.session.refresh();
      dockhand?.sync.reSync();
      onVoided(event);
      return;
    }
    if (result.problem === 'session-expired') platform.session.markExpired();
    setUnsure(voidMayBeStored(result.problem) ? { reason: checked.reason, event } : null);
    setRefusal({ problem: result.problem, reason: result.reason });
  };

  const invalid = tried && !checked.ok ? VOID_REASON_MESSAGES[checked.error] : null;
  return (
    <form
      data-testid="void-form"
      data-scan-id={target.id}
      className="flex flex-col gap-2 rounded-lg border border-red-500/50 bg-red-950/30 p-3"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <label htmlFor={reasonId} className="text-sm font-bold">
        Why is {target.user}’s scan of {target.code} void?
      </label>
      <textarea
        id={reasonId}
        data-testid="void-reason"
        required
        rows={2}
        maxLength={VOID_REASON_MAX_LENGTH}
        aria-invalid={invalid ? 'true' : 'false'}
        placeholder="e.g. scanned onto the wrong pallet"
        className="rounded-lg border border-slate-700 bg-slate-900 p-2"
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      <p className="text-xs text-slate-400">
        {text.trim().length} / {VOID_REASON_MAX_LENGTH} · kept with the void, shown to everyone
      </p>
      {invalid && (
        <p role="alert" data-testid="void-reason-error" className="text-sm text-amber-300">
          {invalid}
        </p>
      )}
      {refusal && (
        <div
          role="alert"
          data-testid="void-problem"
          data-problem={refusal.problem}
          className="text-sm text-red-300"
        >
          <p>{VOID_PROBLEM_MESSAGES[refusal.problem]}</p>
          {/* The server's words help only where the rules refused it, not for a lost session. */}
          {refusal.reason && (refusal.problem === 'forbidden' || refusal.problem === 'refused') && (
            <p className="text-red-200/80">The server said: {refusal.reason}</p>
          )}
          {(refusal.problem === 'session-expired' || refusal.problem === 'forbidden') && (
            <a
              className="font-bold underline"
              href={loginPathFor('/admin/')}
              target="_blank"
              rel="noopener"
              data-testid="void-login"
            >
              Log in in a new tab
            </a>
          )}
        </div>
      )}
      <div className="flex gap-2">
        <button
          type="submit"
          data-testid="void-confirm"
          disabled={busy}
          className="rounded-lg bg-red-600 px-3 py-1 font-bold text-white disabled:opacity-50"
        >
          {busy ? 'Voiding…' : 'Confirm void'}
        </button>
        <button
          type="button"
          data-testid="void-cancel"
          onClick={onCancel}
          className="rounded-lg border border-slate-600 px-3 py-1"
        >
          Cancel
        </button>
      </div>
    </form>
  );
}
