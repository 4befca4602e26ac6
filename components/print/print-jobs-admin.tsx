'use client';
// /admin/print-jobs/: every job on this device with its live state, Reprint / Dismiss, and
// printing in bulk: the missing waybills of a manifest, all of them, or the numbers listed.
import { useMemo, useState } from 'react';
import { PRINT_JOB_STATES } from '@/lib/schema/print-job';
import type { PrintJobState } from '@/lib/schema/print-job';
import { useDockhand } from '../dockhand-provider';
import { useObservable, useStore } from '../use-store';
import PrintJobList from './print-job-list';
import { usePrintDesk } from './use-print-desk';
import StatusMessage, { type StatusNote } from './status-message';
import PrintChoiceFields, { fieldClass as input } from './print-choice-fields';

const JOB_LIMIT = 300;
const BULK_LIMIT = 2_000; // one press makes at most this many jobs
type Which = 'missing' | 'all' | 'listed';

export default function PrintJobsAdmin() {
  const { dockhand } = useDockhand();
  const { desk, user, roles } = usePrintDesk();
  const deskSnapshot = useStore(dockhand?.desk, null);
  const jobs$ = useMemo(() => desk?.jobs$({ limit: JOB_LIMIT }), [desk]);
  const jobs = useObservable(jobs$, null);
  const printers = useObservable(desk?.printers$, null);
  const templates = useObservable(desk?.templates$, null);
  const [filter, setFilter] = useState<PrintJobState | 'all'>('all');
  const [manifestId, setManifestId] = useState('');
  const [which, setWhich] = useState<Which>('missing');
  const [listed, setListed] = useState('');
  const [printerId, setPrinterId] = useState('');
  const [templateId, setTemplateId] = useState('');
  const [copies, setCopies] = useState('1');
  const [message, setMessage] = useState<StatusNote | null>(null);

  const manifests = deskSnapshot?.manifests ?? [];
  const manifest = manifests.find((m) => m.id === manifestId) ?? manifests[0] ?? null;
  const printer = printers?.find((p) => p.id === printerId) ?? printers?.[0] ?? null;
  const template = templates?.find((t) => t.id === templateId) ?? templates?.[0] ?? null;

  const bulkPrint = async () => {
    if (!desk || !dockhand || !user || !manifest || !printer || !template) return;
    let numbers: string[] | undefined;
    if (which === 'missing') {
      numbers = dockhand.desk.missing(manifest.id, '', BULK_LIMIT).numbers;
    } else if (which === 'listed') {
      numbers = [
        ...new Set(
          listed
            .split(/[\s,;]+/)
            .map((n) => n.trim())
            .filter(Boolean),
        ),
      ];
    }
    if (numbers && numbers.length === 0)
      return setMessage({ kind: 'error', text: 'No waybills to print.' });
    try {
      const { jobs: made, notOnManifest: unknown } = await desk.queueWaybillLabels({
        manifestId: manifest.id,
        manifestName: manifest.name,
        numbers,
        limit: BULK_LIMIT,
        printer,
        template,
        copies: Number(copies) || 1,
        user,
      });
      setMessage({
        kind: 'ok',
        text: `${made.length} label${made.length === 1 ? '' : 's'} queued on ${printer.name}.${
          unknown
            ? ` ${unknown} number(s) are not on this manifest and print with the number only.`
            : ''
        }`,
      });
    } catch (error) {
      console.error('[dockhand] bulk print failed', error);
      setMessage({
        kind: 'error',
        text: 'Could not save the print jobs on this device. Try again.',
      });
    }
  };

  const shown = (jobs ?? []).filter((j) => filter === 'all' || j.state === filter);
  const counts = new Map<string, number>();
  for (const j of jobs ?? []) counts.set(j.state, (counts.get(j.state) ?? 0) + 1);

  return (
    <section className="flex flex-col gap-6" data-testid="print-jobs-admin">
      <h1 className="text-2xl font-bold">Print jobs</h1>
      <div className="flex flex-col gap-3 rounded-xl border border-slate-700 p-4">
        <h2 className="text-lg font-semibold">Print in bulk</h2>
        {manifests.length === 0 || !printers?.length || !templates?.length ? (
          <p className="text-slate-400">Needs an open manifest, a printer and a template.</p>
        ) : (
          <form
            className="flex flex-wrap items-end gap-3"
            onSubmit={(e) => {
              e.preventDefault();
              void bulkPrint();
            }}
          >
            <label className="flex flex-col gap-1">
              Manifest
              <select
                className={input}
                data-testid="bulk-manifest"
                value={manifest?.id ?? ''}
                onChange={(e) => setManifestId(e.target.value)}
              >
                {manifests.map((m) => (
                  <option key={m.id} value={m.id}>
                    {m.name}
                  </option>
                ))}
              </select>
            </label>
            <label className="flex flex-col gap-1">
              Which waybills
              <select
                className={input}
                data-testid="bulk-which"
                value={which}
                onChange={(e) => setWhich(e.target.value as Which)}
              >
                <option value="missing">Missing (not scanned yet)</option>
                <option value="all">All on the manifest</option>
                <option value="listed">The numbers I list</option>
              </select>
            </label>
            {which === 'listed' && (
              <label className="flex flex-col gap-1">
                Waybill numbers
                <textarea
                  className={`${input} min-h-20 font-mono`}
                  data-testid="bulk-numbers"
                  value={listed}
                  onChange={(e) => setListed(e.target.value)}
                />
              </label>
            )}
            <PrintChoiceFields
              printers={printers}
              templates={templates}
              printerId={printer?.id}
              templateId={template?.id}
              copies={copies}
              onPrinter={setPrinterId}
              onTemplate={setTemplateId}
              onCopies={setCopies}
              testIdPrefix="bulk"
            />
            <button
              type="submit"
              data-testid="bulk-print"
              className="rounded-lg bg-sky-500 px-4 py-2 font-bold text-slate-950"
            >
              Print
            </button>
          </form>
        )}
        <StatusMessage note={message} testId="bulk-message" />
      </div>
      <div className="flex flex-wrap gap-2" role="group" aria-label="Filter by state">
        {(['all', ...PRINT_JOB_STATES] as const).map((state) => (
          <button
            key={state}
            type="button"
            aria-pressed={filter === state}
            onClick={() => setFilter(state)}
            className={`rounded-lg px-3 py-1 text-sm ${filter === state ? 'bg-sky-500 text-slate-950' : 'bg-slate-800'}`}
          >
            {state} {state === 'all' ? (jobs?.length ?? 0) : (counts.get(state) ?? 0)}
          </button>
        ))}
      </div>
      {desk && jobs && printers && templates ? (
        <PrintJobList
          desk={desk}
          jobs={shown}
          printers={printers}
          templates={templates}
          user={user}
          roles={roles}
        />
      ) : (
        <p className="text-slate-400">Loading print jobs…</p>
      )}
    </section>
  );
}
