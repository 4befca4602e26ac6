'use client';
// /admin/templates/: ZPL label templates with {{field}} slots, sample values for each slot, the
// template check in plain words and a live preview of the filled label; ready-made templates.
import { useState } from 'react';
import { DEFAULT_TEMPLATES } from '@/lib/core/default-templates';
import { templateErrorText } from '@/lib/core/print-advice';
import { checkZplTemplate, zplFromTemplate } from '@/lib/core/zpl';
import { barcodesOfTemplate } from '@/lib/core/zpl-barcodes';
import { saveOnServer } from '@/lib/db/print-desk';
import type { Template } from '@/lib/schema/template';
import { useObservable } from '../use-store';
import { isAdmin, usePrintDesk } from './use-print-desk';
import BarcodePreviews from './barcode-previews';
import ZplPreview from './zpl-preview';
import StatusMessage, { type StatusNote } from './status-message';
import { fieldClass as input } from './print-choice-fields';

interface Draft {
  id: string | null;
  name: string;
  zpl: string;
  sample: Record<string, string>;
  labelWidthMm: string;
  labelHeightMm: string;
  dpi: string;
}

const NEW: Draft = {
  id: null,
  name: '',
  zpl: '^XA\n^FO40,40^A0N,36,36^FDTo: {{consignee}}^FS\n^FO40,100^BY3^BCN,120,Y,N,N^FD{{waybill}}^FS\n^XZ',
  sample: { consignee: 'Ana Souza', waybill: 'JD014600006281940' },
  labelWidthMm: '101.6',
  labelHeightMm: '50.8',
  dpi: '203',
};

const draftOf = (t: Template): Draft => ({
  id: t.id,
  name: t.name,
  zpl: t.zpl,
  sample: { ...(t.sample ?? {}) },
  labelWidthMm: String(t.labelWidthMm ?? 101.6),
  labelHeightMm: String(t.labelHeightMm ?? 152.4),
  dpi: String(t.dpi ?? 203),
});

const idFrom = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 90) || 'template';

export default function TemplatesAdmin() {
  const { desk, user, roles, reSync } = usePrintDesk();
  const templates = useObservable(desk?.templates$, null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [message, setMessage] = useState<StatusNote | null>(null);
  const admin = isAdmin(roles);

  const check = draft ? checkZplTemplate(draft.zpl) : null;
  const slots = check?.ok ? check.slots : [];
  const filled =
    draft && check?.ok
      ? zplFromTemplate(draft.zpl, Object.fromEntries(slots.map((s) => [s, draft.sample[s] ?? ''])))
      : null;
  const barcodes = draft && check?.ok ? barcodesOfTemplate(draft.zpl, draft.sample) : [];
  const width = Number(draft?.labelWidthMm);
  const height = Number(draft?.labelHeightMm);

  const store = async (t: Omit<Template, 'updatedAt' | 'updatedBy'>) => {
    const result = await saveOnServer(window.fetch.bind(window), 'templates', {
      ...t,
      updatedAt: new Date().toISOString(),
      ...(user ? { updatedBy: user } : {}),
    });
    if (result.ok) reSync();
    return result;
  };

  const save = async () => {
    if (!draft || !check) return;
    if (!check.ok)
      return setMessage({ kind: 'error', text: templateErrorText(check.error, check.at) });
    if (!draft.name.trim()) return setMessage({ kind: 'error', text: 'Give the template a name.' });
    if (!(width >= 10 && width <= 300 && height >= 10 && height <= 1000))
      return setMessage({
        kind: 'error',
        text: 'Label size is in millimetres: width 10–300, height 10–1000.',
      });
    const result = await store({
      id: draft.id ?? idFrom(draft.name),
      name: draft.name.trim(),
      zpl: draft.zpl,
      fields: check.slots,
      sample: Object.fromEntries(check.slots.map((s) => [s, draft.sample[s] ?? ''])),
      labelWidthMm: width,
      labelHeightMm: height,
      dpi: Number(draft.dpi) as 203 | 300,
    });
    if (!result.ok) return setMessage({ kind: 'error', text: result.message });
    setMessage({ kind: 'ok', text: `Saved ${draft.name.trim()}.` });
    setDraft(null);
  };

  const addDefault = async (t: (typeof DEFAULT_TEMPLATES)[number]) => {
    const result = await store(t);
    setMessage(
      result.ok
        ? { kind: 'ok', text: `Added ${t.name}.` }
        : { kind: 'error', text: result.message },
    );
  };

  return (
    <section className="flex flex-col gap-4" data-testid="templates-admin">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-2xl font-bold">Label templates</h1>
        {admin && !draft && (
          <div className="flex flex-wrap gap-2">
            <button
              type="button"
              data-testid="template-add"
              onClick={() => {
                setMessage(null);
                setDraft(NEW);
              }}
              className="rounded-lg bg-sky-500 px-4 py-2 font-bold text-slate-950"
            >
              New template
            </button>
            {DEFAULT_TEMPLATES.map((t) => (
              <button
                key={t.id}
                type="button"
                data-testid={`template-default-${t.id}`}
                onClick={() => void addDefault(t)}
                className="rounded-lg bg-slate-700 px-3 py-2"
              >
                Add “{t.name}”
              </button>
            ))}
          </div>
        )}
      </div>
      {!admin && <p className="text-slate-400">Only admins change templates.</p>}
      <StatusMessage note={message} testId="template-message" />
      {draft && (
        <form
          data-testid="template-form"
          className="grid grid-cols-1 gap-4 rounded-xl border border-slate-700 p-4 lg:grid-cols-2"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <div className="flex flex-col gap-3">
            <label className="flex flex-col gap-1">
              Name
              <input
                className={input}
                data-testid="template-name"
                value={draft.name}
                onChange={(e) => setDraft({ ...draft, name: e.target.value })}
              />
            </label>
            <label className="flex flex-col gap-1">
              ZPL (put values in {'{{field}}'} slots inside ^FD … ^FS)
              <textarea
                className={`${input} min-h-64 font-mono text-sm`}
                data-testid="template-zpl"
                spellCheck={false}
                value={draft.zpl}
                onChange={(e) => setDraft({ ...draft, zpl: e.target.value })}
              />
            </label>
            {check && !check.ok && (
              <p role="alert" data-testid="template-error" className="text-red-300">
                {templateErrorText(check.error, check.at)}
              </p>
            )}
            <div className="flex gap-2">
              <label className="flex flex-col gap-1">
                Width (mm)
                <input
                  className={input}
                  data-testid="template-width"
                  value={draft.labelWidthMm}
                  onChange={(e) => setDraft({ ...draft, labelWidthMm: e.target.value })}
                />
              </label>
              <label className="flex flex-col gap-1">
                Height (mm)
                <input
                  className={input}
                  data-testid="template-height"
                  value={draft.labelHeightMm}
                  onChange={(e) => setDraft({ ...draft, labelHeightMm: e.target.value })}
                />
              </label>
              <label className="flex flex-col gap-1">
                DPI
                <select
                  className={input}
                  data-testid="template-dpi"
                  value={draft.dpi}
                  onChange={(e) => setDraft({ ...draft, dpi: e.target.value })}
                >
                  <option value="203">203</option>
                  <option value="300">300</option>
                </select>
              </label>
            </div>
            {slots.length > 0 && (
              <fieldset className="flex flex-col gap-2">
                <legend className="font-semibold">Sample data</legend>
                {slots.map((slot) => (
                  <label key={slot} className="flex items-center gap-2">
                    <span className="w-32 font-mono text-sm">{slot}</span>
                    <input
                      className={`${input} grow`}
                      data-testid={`template-sample-${slot}`}
                      value={draft.sample[slot] ?? ''}
                      onChange={(e) =>
                        setDraft({ ...draft, sample: { ...draft.sample, [slot]: e.target.value } })
                      }
                    />
                  </label>
                ))}
              </fieldset>
            )}
            <div className="flex gap-2">
              <button
                type="submit"
                data-testid="template-save"
                className="rounded-lg bg-sky-500 px-4 py-2 font-bold text-slate-950"
              >
                Save template
              </button>
              <button
                type="button"
                onClick={() => setDraft(null)}
                className="rounded-lg border border-slate-600 px-4 py-2"
              >
                Cancel
              </button>
            </div>
          </div>
          <div className="flex flex-col gap-4">
            <ZplPreview
              zpl={filled?.ok ? filled.zpl : null}
              widthMm={width >= 10 ? width : 101.6}
              heightMm={height >= 10 ? height : 152.4}
              dpi={Number(draft.dpi)}
            />
            <BarcodePreviews barcodes={barcodes} />
          </div>
        </form>
      )}
      {templates === null ? (
        <p className="text-slate-400">Loading templates…</p>
      ) : templates.length === 0 ? (
        <p className="text-slate-400">No templates yet. Add a ready-made one to start.</p>
      ) : (
        <ul className="flex flex-col gap-2">
          {templates.map((t) => (
            <li
              key={t.id}
              data-testid="template-row"
              data-template-id={t.id}
              className="flex items-center justify-between gap-3 rounded-xl border border-slate-700 bg-slate-900 p-3"
            >
              <div className="flex flex-col">
                <strong>{t.name}</strong>
                <span className="text-sm text-slate-400">
                  {t.labelWidthMm ?? '?'} × {t.labelHeightMm ?? '?'} mm · {t.dpi ?? 203} dpi ·
                  fields: {t.fields.join(', ') || 'none'}
                </span>
              </div>
              {admin && (
                <button
                  type="button"
                  onClick={() => setDraft(draftOf(t))}
                  className="rounded-lg bg-slate-700 px-3 py-1"
                >
                  Edit
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
