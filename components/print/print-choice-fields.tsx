'use client';
// The printer, template and copies pickers every print form shares (scan page, print jobs,
// dashboard). Each form keeps its own state; test ids are `${testIdPrefix}-printer|template|copies`.
import type { Printer } from '@/lib/schema/printer';
import type { Template } from '@/lib/schema/template';

export const fieldClass =
  'rounded-lg border border-slate-600 bg-slate-900 px-3 py-2 focus:border-sky-400 focus:outline-none';

export default function PrintChoiceFields({
  printers,
  templates,
  printerId,
  templateId,
  copies,
  onPrinter,
  onTemplate,
  onCopies,
  testIdPrefix,
  className = fieldClass,
}: {
  printers: Printer[];
  templates: Template[];
  printerId: string | undefined;
  templateId: string | undefined;
  copies: string;
  onPrinter: (id: string) => void;
  onTemplate: (id: string) => void;
  onCopies: (value: string) => void;
  testIdPrefix: string;
  className?: string;
}) {
  return (
    <>
      <label className="flex flex-col gap-1">
        Printer
        <select
          className={className}
          data-testid={`${testIdPrefix}-printer`}
          value={printerId ?? ''}
          onChange={(e) => onPrinter(e.target.value)}
        >
          {printers.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name} ({p.site})
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col gap-1">
        Template
        <select
          className={className}
          data-testid={`${testIdPrefix}-template`}
          value={templateId ?? ''}
          onChange={(e) => onTemplate(e.target.value)}
        >
          {templates.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col gap-1">
        Copies
        <input
          className={`${className} w-24`}
          data-testid={`${testIdPrefix}-copies`}
          type="number"
          min={1}
          max={500}
          value={copies}
          onChange={(e) => onCopies(e.target.value)}
        />
      </label>
    </>
  );
}
