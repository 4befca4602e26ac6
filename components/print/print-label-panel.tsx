'use client';
// The scan page's printing: "Print label" for the last scanned waybill on a chosen printer and
// template (remembered on this device), copies, an auto-print switch per manifest, and this
// person's recent jobs with their live state. Jobs are written on the device: offline works.
import { useEffect, useRef, useState } from 'react';
import type { PrintDesk } from '@/lib/db/print-desk';
import type { Printer } from '@/lib/schema/printer';
import type { Template } from '@/lib/schema/template';
import { useDockhand } from '../dockhand-provider';
import { useObservable } from '../use-store';
import PrintJobList from './print-job-list';
import PrintChoiceFields from './print-choice-fields';
import PrinterStatusBadge from './printer-status-badge';
import { usePrintDesk } from './use-print-desk';
import StatusMessage, { type StatusNote } from './status-message';

export interface LastScan {
  /** Bumped for every accepted scan. */
  seq: number;
  number: string;
  manifestId: string;
  manifestName: string;
  result: string;
  scannedAt: string;
  user: string;
}

const PRINTER_KEY = 'dockhand.print.printerId';
const TEMPLATE_KEY = 'dockhand.print.templateId';
const COPIES_KEY = 'dockhand.print.copies';
const autoKey = (manifestId: string) => `dockhand.print.auto.${manifestId}`;

const select =
  'min-h-12 rounded-xl border-2 border-slate-600 bg-slate-900 px-3 text-lg focus:border-sky-400 focus:outline-none';

async function queueFor(
  desk: PrintDesk,
  last: LastScan,
  printer: Printer,
  template: Template,
  copies: number,
  user: string,
) {
  const waybill = await desk.waybillOf(last.number, last.manifestId || undefined);
  return desk.queueLabels({
    printer,
    template,
    copies,
    user,
    sources: [
      {
        number: last.number,
        waybill,
        scan: { scannedAt: last.scannedAt, user: last.user },
        manifestName: last.manifestName,
      },
    ],
  });
}

export default function PrintLabelPanel({
  last,
  manifestId,
}: {
  last: LastScan | null;
  manifestId: string;
}) {
  const { platform } = useDockhand();
  const { desk, user, roles } = usePrintDesk();
  const printers = useObservable(desk?.printers$, null);
  const templates = useObservable(desk?.templates$, null);
  const jobs = useObservable(
    // One observable per desk and user: useObservable re-subscribes when the source changes.
    recentJobsOf(desk, user),
    null,
  );
  const store = platform?.store;
  const [, setVersion] = useState(0);
  const remember = (key: string, value: string) => {
    store?.setItem(key, value);
    setVersion((v) => v + 1);
  };
  const [message, setMessage] = useState<StatusNote | null>(null);

  const printer =
    printers?.find((p) => p.id === store?.getItem(PRINTER_KEY)) ?? printers?.[0] ?? null;
  const template =
    templates?.find((t) => t.id === store?.getItem(TEMPLATE_KEY)) ?? templates?.[0] ?? null;
  const copies = Math.min(500, Math.max(1, Number(store?.getItem(COPIES_KEY) ?? '1') || 1));
  const auto = manifestId !== '' && store?.getItem(autoKey(manifestId)) === 'on';

  const print = (scan: LastScan, how: 'button' | 'auto') => {
    if (!desk || !user || !printer || !template) return;
    queueFor(desk, scan, printer, template, copies, user)
      .then(() =>
        setMessage({
          kind: 'ok',
          text: `${how === 'auto' ? 'Auto-print: label' : 'Label'} for ${scan.number} queued on ${printer.name}.`,
        }),
      )
      .catch((error: unknown) => {
        console.error('[dockhand] could not queue a label', error);
        setMessage({
          kind: 'error',
          text: `Could not save the print job for ${scan.number}. Try again.`,
        });
      });
  };

  // Auto-print each newly matched waybill once, when the switch is on for its manifest.
  const autoPrinted = useRef(last?.seq ?? 0);
  const printRef = useRef(print);
  useEffect(() => {
    printRef.current = print;
  });
  useEffect(() => {
    if (!last || last.seq <= autoPrinted.current) return;
    autoPrinted.current = last.seq;
    if (auto && last.result === 'matched') printRef.current(last, 'auto');
  }, [last, auto]);

  if (printers === null || templates === null) return null;
  return (
    <section
      className="flex flex-col gap-3 rounded-xl border border-slate-700 p-4"
      data-testid="print-panel"
    >
      <h2 className="text-xl font-semibold">Labels</h2>
      {printers.length === 0 || templates.length === 0 ? (
        <p className="text-slate-400">
          {printers.length === 0 ? 'No printers are set up yet.' : 'No label templates yet.'} Ask an
          admin to add one.
        </p>
      ) : (
        <>
          <div className="flex flex-wrap items-end gap-3">
            <PrintChoiceFields
              printers={printers}
              templates={templates}
              printerId={printer?.id}
              templateId={template?.id}
              copies={String(copies)}
              onPrinter={(id) => remember(PRINTER_KEY, id)}
              onTemplate={(id) => remember(TEMPLATE_KEY, id)}
              onCopies={(value) => remember(COPIES_KEY, value)}
              testIdPrefix="print"
              className={select}
            />
            {printer && <PrinterStatusBadge printer={printer} />}
          </div>
          <div className="flex flex-wrap items-center gap-4">
            <button
              type="button"
              data-testid="print-label"
              disabled={!last}
              onClick={() => last && print(last, 'button')}
              className="min-h-14 rounded-xl bg-sky-500 px-6 text-xl font-bold text-slate-950 disabled:opacity-40"
            >
              {last ? `Print label for ${last.number}` : 'Print label (scan first)'}
            </button>
            {manifestId && (
              <label className="flex items-center gap-2 text-lg">
                <input
                  type="checkbox"
                  data-testid="print-auto"
                  className="size-6"
                  checked={auto}
                  onChange={(e) => remember(autoKey(manifestId), e.target.checked ? 'on' : 'off')}
                />
                Auto-print every matched waybill of this manifest
              </label>
            )}
          </div>
        </>
      )}
      <StatusMessage note={message} testId="print-message" />
      {desk && jobs && jobs.length > 0 && (
        <details open className="flex flex-col gap-2">
          <summary className="cursor-pointer text-slate-300">My recent labels</summary>
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

const RECENT_JOBS = 5;
const recentCache = new WeakMap<PrintDesk, Map<string, ReturnType<PrintDesk['jobs$']>>>();

/** A stable observable of a person's recent jobs (a new one per render would re-subscribe). */
function recentJobsOf(desk: PrintDesk | null, user: string | null) {
  if (!desk || !user) return null;
  let byUser = recentCache.get(desk);
  if (!byUser) {
    byUser = new Map();
    recentCache.set(desk, byUser);
  }
  let jobs$ = byUser.get(user);
  if (!jobs$) {
    jobs$ = desk.jobs$({ limit: RECENT_JOBS, createdBy: user });
    byUser.set(user, jobs$);
  }
  return jobs$;
}
