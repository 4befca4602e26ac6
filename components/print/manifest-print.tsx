'use client';
// Printing from the dashboard: labels for the selected or the missing waybills of one manifest,
// on a chosen printer and template, with copies; the jobs made here then show their state live.
// Jobs are written on this device through the print desk, like every other print.
import { useMemo, useState } from 'react';
import { useObservable } from '../use-store';
import PrintJobList from './print-job-list';
import PrintChoiceFields from './print-choice-fields';
import PrinterStatusBadge from './printer-status-badge';
import StatusMessage, { type StatusNote } from './status-message';
import { usePrintDesk } from './use-print-desk';

const BULK_LIMIT = 2_000; // one press makes at most this many jobs

export default function ManifestPrint({
  manifestId,
  manifestName,
  selected,
  missing,
  onPrinted,
}: {
  manifestId: string;
  manifestName: string;
  /** Waybill numbers ticked in the list. */
  selected: readonly string[];
  /** The manifest's missing waybill numbers now (asked at the press, so it is never stale). */
  missing: () => string[];
  onPrinted?: () => void;
}) {
  const { desk, user, roles } = usePrintDesk();
  const printers = useObservable(desk?.printers$, null);
  const templates = useObservable(desk?.templates$, null);
  const [printerId, setPrinterId] = useState('');
  const [templateId, setTemplateId] = useState('');
  const [copies, setCopies] = useState('1');
  const [message, setMessage] = useState<StatusNote | null>(null);
  const [made, setMade] = useState<string[]>([]);
  const jobs$ = useMemo(() => (desk && made.length > 0 ? desk.jobsOf$(made) : null), [desk, made]);
  const jobs = useObservable(jobs$, null);

  const printer = printers?.find((p) => p.id === printerId) ?? printers?.[0] ?? null;
  const template = templates?.find((t) => t.id === templateId) ?? templates?.[0] ?? null;

  const print = async (which: 'selected' | 'missing') => {
    if (!desk || !user || !printer || !template) return;
    const numbers = which === 'selected' ? [...selected] : missing();
    if (numbers.length === 0) {
      return setMessage({
        kind: 'error',
        text: which === 'selected' ? 'Tick the waybills to print first.' : 'Nothing is missing.',
      });
    }
    try {
      const { jobs: queued, notOnManifest } = await desk.queueWaybillLabels({
        manifestId,
        manifestName,
        numbers,
        limit: BULK_LIMIT,
        printer,
        template,
        copies: Number(copies) || 1,
        user,
      });
      setMade(queued.map((j) => j.id));
      setMessage({
        kind: 'ok',
        text: `${queued.length} label${queued.length === 1 ? '' : 's'} queued on ${printer.name} (${printer.site}).${
          numbers.length > queued.length ? ` Only the first ${BULK_LIMIT} at a time.` : ''
        }${notOnManifest ? ` ${notOnManifest} not on this manifest print with the number only.` : ''}`,
      });
      onPrinted?.();
    } catch (error) {
      console.error('[dockhand] dashboard print failed', error);
      setMessage({
        kind: 'error',
        text: 'Could not save the print jobs on this device. Try again.',
      });
    }
  };

  if (printers === null || templates === null) return null;
  if (printers.length === 0 || templates.length === 0) {
    return (
      <p className="text-sm text-slate-400" data-testid="manifest-print">
        Printing labels needs a printer and a template (admin: Printers, Templates).
      </p>
    );
  }
  const counts = new Map<string, number>();
  for (const j of jobs ?? []) counts.set(j.state, (counts.get(j.state) ?? 0) + 1);
  return (
    <section className="flex flex-col gap-3" data-testid="manifest-print">
      <div className="flex flex-wrap items-end gap-3">
        <PrintChoiceFields
          printers={printers}
          templates={templates}
          printerId={printer?.id}
          templateId={template?.id}
          copies={copies}
          onPrinter={setPrinterId}
          onTemplate={setTemplateId}
          onCopies={setCopies}
          testIdPrefix="manifest-print"
        />
        {printer && <PrinterStatusBadge printer={printer} />}
        <button
          type="button"
          data-testid="manifest-print-selected"
          disabled={selected.length === 0}
          onClick={() => void print('selected')}
          className="rounded-lg bg-sky-500 px-4 py-2 font-bold text-slate-950 disabled:opacity-40"
        >
          Print selected ({selected.length})
        </button>
        <button
          type="button"
          data-testid="manifest-print-missing"
          onClick={() => void print('missing')}
          className="rounded-lg bg-slate-700 px-4 py-2 font-semibold"
        >
          Print missing
        </button>
      </div>
      <StatusMessage note={message} testId="manifest-print-message" />
      {desk && jobs && jobs.length > 0 && (
        <details open className="flex flex-col gap-2">
          <summary className="cursor-pointer text-slate-300" data-testid="manifest-print-summary">
            Labels printed from here: {[...counts].map(([state, n]) => `${n} ${state}`).join(', ')}
          </summary>
          <PrintJobList
            desk={desk}
            jobs={jobs}
            printers={printers}
            templates={templates}
            user={user}
            roles={roles}
          />
        </details>
      )}
    </section>
  );
}
