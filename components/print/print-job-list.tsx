'use client';
// Print jobs with their live state, what to do when one needs a person, and Reprint / Dismiss.
import { useState } from 'react';
import { jobAdvice, mayDecide } from '@/lib/core/print-advice';
import { isRefusedByServer } from '@/lib/core/print-job-state';
import type { Decision, PrintDesk } from '@/lib/db/print-desk';
import type { PrintJob } from '@/lib/schema/print-job';
import type { Printer } from '@/lib/schema/printer';
import type { Template } from '@/lib/schema/template';
import { TONE_CLASS } from './tone';

const DECISION_ERRORS: Record<string, string> = {
  'invalid-transition': 'This job has moved on meanwhile; look at its state again.',
  'person-required': 'Log in first.',
  'not-found': 'This job is no longer on this device.',
};

export default function PrintJobList({
  desk,
  jobs,
  printers,
  templates,
  user,
  roles,
}: {
  desk: PrintDesk;
  jobs: PrintJob[];
  printers: Printer[];
  templates: Template[];
  user: string | null;
  roles: readonly string[];
}) {
  const [message, setMessage] = useState<string | null>(null);
  const decide = (job: PrintJob, decision: Decision) => {
    if (!user) return;
    desk
      .decide(job.id, decision, user)
      .then((result) => {
        setMessage(
          result.ok
            ? decision === 'reprint'
              ? `${isRefusedByServer(job) ? 'Sent again:' : 'Reprint of'} ${job.values.waybill ?? job.id} queued.`
              : 'Job dismissed.'
            : (DECISION_ERRORS[result.error] ?? result.error),
        );
      })
      .catch((error: unknown) => {
        console.error('[dockhand] print job decision failed', error);
        setMessage('Could not save that on this device. Try again.');
      });
  };
  if (jobs.length === 0) return <p className="text-slate-400">No print jobs yet.</p>;
  return (
    <div className="flex flex-col gap-2">
      {message && (
        <p role="status" className="text-slate-200" data-testid="print-job-message">
          {message}
        </p>
      )}
      <ul className="flex flex-col gap-2" data-testid="print-jobs">
        {jobs.map((job) => {
          const advice = jobAdvice(job);
          const printer = printers.find((p) => p.id === job.printerId);
          const template = templates.find((t) => t.id === job.templateId);
          const may = mayDecide(job, user, roles);
          const canReprint = ['done', 'failed', 'unknown'].includes(job.state);
          const canDismiss = job.state === 'failed' || job.state === 'unknown';
          const refused = isRefusedByServer(job);
          return (
            <li
              key={job.id}
              data-testid="print-job"
              data-job-id={job.id}
              data-state={job.state}
              data-refused={refused ? 'true' : 'false'}
              data-waybill={job.values.waybill ?? ''}
              className="flex flex-col gap-1 rounded-xl border border-slate-700 bg-slate-900 p-3"
            >
              <div className="flex flex-wrap items-center gap-3">
                <span
                  className={`rounded-md px-2 py-0.5 text-sm font-bold ${TONE_CLASS[advice.tone]}`}
                  data-testid="print-job-state"
                >
                  {advice.label}
                </span>
                <strong className="font-mono">{job.values.waybill ?? job.id}</strong>
                <span className="text-sm text-slate-400">
                  {printer?.name ?? job.printerId} ({job.site}) · {template?.name ?? job.templateId}{' '}
                  · {job.copies} {job.copies === 1 ? 'copy' : 'copies'} · by {job.createdBy ?? '?'}{' '}
                  · {new Date(job.createdAt).toLocaleString()}
                  {job.series > 1 ? ` · reprint ${job.series - 1}` : ''}
                </span>
              </div>
              {advice.todo && (
                <p className="text-sm text-amber-200" data-testid="print-job-todo">
                  {advice.todo}
                </p>
              )}
              {may && (canReprint || canDismiss) && (
                <div className="flex gap-2">
                  {canReprint && (
                    <button
                      type="button"
                      data-testid="print-job-reprint"
                      onClick={() => decide(job, 'reprint')}
                      className="rounded-lg bg-slate-700 px-3 py-1 font-semibold"
                    >
                      {refused ? 'Send again' : 'Reprint'}
                    </button>
                  )}
                  {canDismiss && (
                    <button
                      type="button"
                      data-testid="print-job-dismiss"
                      onClick={() => decide(job, 'dismiss')}
                      className="rounded-lg border border-slate-600 px-3 py-1"
                    >
                      Dismiss
                    </button>
                  )}
                </div>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
