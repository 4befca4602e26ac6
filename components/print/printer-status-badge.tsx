'use client';
// A printer's live status as its site's bridge last reported it, with what to do.
import { printerAdvice } from '@/lib/core/print-advice';
import type { Printer } from '@/lib/schema/printer';
import { TONE_CLASS } from './tone';

export default function PrinterStatusBadge({
  printer,
  withTodo = false,
}: {
  printer: Printer;
  withTodo?: boolean;
}) {
  const advice = printerAdvice(printer.status);
  return (
    <span className="flex flex-col gap-1">
      <span
        data-testid="printer-status"
        data-state={printer.status?.state ?? 'unchecked'}
        className={`w-fit rounded-md px-2 py-0.5 text-sm font-bold ${TONE_CLASS[advice.tone]}`}
        title={
          printer.status?.checkedAt
            ? `Checked ${new Date(printer.status.checkedAt).toLocaleString()}`
            : undefined
        }
      >
        {advice.label}
      </span>
      {withTodo && advice.todo && <span className="text-sm text-amber-200">{advice.todo}</span>}
    </span>
  );
}
