'use client';
// /admin/printers/: every site's printers with the live status their bridge writes, and (admins)
// adding and editing them. Edits go to the server, which keeps the bridge's status.
import { useEffect, useRef, useState } from 'react';
import { useObservable } from '../use-store';
import type { Printer } from '@/lib/schema/printer';
import { removeOnServer, saveOnServer } from '@/lib/db/print-desk';
import PrinterStatusBadge from './printer-status-badge';
import { isAdmin, usePrintDesk } from './use-print-desk';
import StatusMessage, { type StatusNote } from './status-message';
import { fieldClass as input } from './print-choice-fields';

interface Draft {
  id: string | null;
  name: string;
  site: string;
  driver: 'zpl-raw' | 'ipp';
  host: string;
  port: string;
  url: string;
  labelWidthMm: string;
  labelHeightMm: string;
  dpi: string;
}

const EMPTY: Draft = {
  id: null,
  name: '',
  site: '',
  driver: 'zpl-raw',
  host: '',
  port: '9100',
  url: '',
  labelWidthMm: '101.6',
  labelHeightMm: '152.4',
  dpi: '203',
};

const SITE = /^[a-z0-9][a-z0-9-]{0,40}$/;

function draftOf(p: Printer): Draft {
  return {
    id: p.id,
    name: p.name,
    site: p.site,
    driver: p.driver,
    host: p.host ?? '',
    port: String(p.port ?? 9100),
    url: p.url ?? '',
    labelWidthMm: String(p.labelWidthMm ?? ''),
    labelHeightMm: String(p.labelHeightMm ?? ''),
    dpi: String(p.dpi ?? 203),
  };
}

/** The printer document of a draft, or what is wrong with it in plain words. */
function printerOf(d: Draft): { ok: true; printer: Printer } | { ok: false; message: string } {
  const name = d.name.trim();
  const site = d.site.trim().toLowerCase();
  if (!name) return { ok: false, message: 'Give the printer a name people will recognise.' };
  if (!SITE.test(site))
    return { ok: false, message: 'The site is lowercase letters, digits and dashes, e.g. north.' };
  const width = Number(d.labelWidthMm);
  const height = Number(d.labelHeightMm);
  if (!(width >= 10 && width <= 300) || !(height >= 10 && height <= 1000))
    return { ok: false, message: 'Label size is in millimetres: width 10–300, height 10–1000.' };
  const base = {
    id:
      d.id ??
      `${site}-${name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '')}`.slice(0, 100),
    name,
    site,
    labelWidthMm: width,
    labelHeightMm: height,
    dpi: Number(d.dpi) as 152 | 203 | 300 | 600,
  };
  if (d.driver === 'zpl-raw') {
    const port = Number(d.port);
    if (!d.host.trim())
      return { ok: false, message: 'Enter the printer’s IP address or host name.' };
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      return {
        ok: false,
        message: 'The port is a number from 1 to 65535 (Zebra printers use 9100).',
      };
    return { ok: true, printer: { ...base, driver: 'zpl-raw', host: d.host.trim(), port } };
  }
  if (!/^(ipp|ipps|http|https):\/\//.test(d.url.trim()))
    return {
      ok: false,
      message: 'The IPP address starts with ipp:// or ipps://, e.g. ipp://10.0.0.5:631/ipp/print.',
    };
  return { ok: true, printer: { ...base, driver: 'ipp', url: d.url.trim() } };
}

const STATUS_WATCH_MS = 5_000; // 5 s

export default function PrintersAdmin() {
  const { desk, roles, reSync } = usePrintDesk();
  const printers = useObservable(desk?.printers$, null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [message, setMessage] = useState<StatusNote | null>(null);
  const [saving, setSaving] = useState(false);
  const admin = isAdmin(roles);

  // Printers are polled every 30 s in the background; while someone watches this page, their
  // status follows every few seconds (a printer switched off or back on shows here soon).
  const reSyncRef = useRef(reSync);
  useEffect(() => {
    reSyncRef.current = reSync;
  });
  useEffect(() => {
    const timer = window.setInterval(() => {
      if (document.visibilityState === 'visible') reSyncRef.current();
    }, STATUS_WATCH_MS);
    return () => window.clearInterval(timer);
  }, []);

  const set = (change: Partial<Draft>) => setDraft((d) => (d ? { ...d, ...change } : d));
  const save = async () => {
    if (!draft) return;
    const checked = printerOf(draft);
    if (!checked.ok) return setMessage({ kind: 'error', text: checked.message });
    setSaving(true);
    const { status: _status, ...fields } = checked.printer;
    const result = await saveOnServer(window.fetch.bind(window), 'printers', fields, ['status']);
    setSaving(false);
    if (!result.ok) return setMessage({ kind: 'error', text: result.message });
    setMessage({ kind: 'ok', text: `Saved ${checked.printer.name}.` });
    setDraft(null);
    reSync();
  };
  const remove = async (p: Printer) => {
    if (!window.confirm(`Remove ${p.name}? Jobs already queued for it will fail.`)) return;
    const result = await removeOnServer(window.fetch.bind(window), 'printers', p.id);
    setMessage(
      result.ok
        ? { kind: 'ok', text: `Removed ${p.name}.` }
        : { kind: 'error', text: result.message },
    );
    reSync();
  };

  const sites = [...new Set((printers ?? []).map((p) => p.site))].sort();
  return (
    <section className="flex flex-col gap-4" data-testid="printers-admin">
      <div className="flex items-center justify-between">
        <h1 className="text-2xl font-bold">Printers</h1>
        {admin && !draft && (
          <button
            type="button"
            data-testid="printer-add"
            onClick={() => {
              setMessage(null);
              setDraft(EMPTY);
            }}
            className="rounded-lg bg-sky-500 px-4 py-2 font-bold text-slate-950"
          >
            Add printer
          </button>
        )}
      </div>
      {!admin && <p className="text-slate-400">Only admins add or change printers.</p>}
      <StatusMessage note={message} testId="printer-message" />
      {draft && (
        <form
          data-testid="printer-form"
          className="grid grid-cols-1 gap-3 rounded-xl border border-slate-700 p-4 md:grid-cols-2"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <label className="flex flex-col gap-1">
            Name
            <input
              className={input}
              data-testid="printer-name"
              value={draft.name}
              onChange={(e) => set({ name: e.target.value })}
            />
          </label>
          <label className="flex flex-col gap-1">
            Site
            <input
              className={input}
              data-testid="printer-site"
              value={draft.site}
              disabled={draft.id !== null}
              placeholder="north"
              onChange={(e) => set({ site: e.target.value })}
            />
          </label>
          <label className="flex flex-col gap-1">
            Connection
            <select
              className={input}
              data-testid="printer-driver"
              value={draft.driver}
              onChange={(e) => set({ driver: e.target.value as Draft['driver'] })}
            >
              <option value="zpl-raw">Zebra / ZPL over the network (raw TCP port 9100)</option>
              <option value="ipp">IPP (CUPS queue or IPP Everywhere printer)</option>
            </select>
          </label>
          {draft.driver === 'zpl-raw' ? (
            <div className="flex gap-2">
              <label className="flex grow flex-col gap-1">
                Host or IP
                <input
                  className={input}
                  data-testid="printer-host"
                  value={draft.host}
                  placeholder="10.0.0.5"
                  onChange={(e) => set({ host: e.target.value })}
                />
              </label>
              <label className="flex w-28 flex-col gap-1">
                Port
                <input
                  className={input}
                  data-testid="printer-port"
                  inputMode="numeric"
                  value={draft.port}
                  onChange={(e) => set({ port: e.target.value })}
                />
              </label>
            </div>
          ) : (
            <label className="flex flex-col gap-1">
              Printer URI
              <input
                className={input}
                data-testid="printer-url"
                value={draft.url}
                placeholder="ipp://10.0.0.5:631/ipp/print"
                onChange={(e) => set({ url: e.target.value })}
              />
            </label>
          )}
          <div className="flex gap-2">
            <label className="flex flex-col gap-1">
              Label width (mm)
              <input
                className={input}
                data-testid="printer-width"
                value={draft.labelWidthMm}
                onChange={(e) => set({ labelWidthMm: e.target.value })}
              />
            </label>
            <label className="flex flex-col gap-1">
              Height (mm)
              <input
                className={input}
                data-testid="printer-height"
                value={draft.labelHeightMm}
                onChange={(e) => set({ labelHeightMm: e.target.value })}
              />
            </label>
            <label className="flex flex-col gap-1">
              DPI
              <select
                className={input}
                data-testid="printer-dpi"
                value={draft.dpi}
                onChange={(e) => set({ dpi: e.target.value })}
              >
                <option value="203">203</option>
                <option value="300">300</option>
                <option value="600">600</option>
                <option value="152">152</option>
              </select>
            </label>
          </div>
          <div className="flex gap-2 md:col-span-2">
            <button
              type="submit"
              data-testid="printer-save"
              disabled={saving}
              className="rounded-lg bg-sky-500 px-4 py-2 font-bold text-slate-950"
            >
              {saving ? 'Saving…' : 'Save printer'}
            </button>
            <button
              type="button"
              onClick={() => setDraft(null)}
              className="rounded-lg border border-slate-600 px-4 py-2"
            >
              Cancel
            </button>
          </div>
        </form>
      )}
      {printers === null ? (
        <p className="text-slate-400">Loading printers…</p>
      ) : printers.length === 0 ? (
        <p className="text-slate-400">No printers yet.</p>
      ) : (
        sites.map((site) => (
          <div key={site} className="flex flex-col gap-2">
            <h2 className="text-lg font-semibold text-slate-300">Site {site}</h2>
            <ul className="flex flex-col gap-2">
              {printers
                .filter((p) => p.site === site)
                .map((p) => (
                  <li
                    key={p.id}
                    data-testid="printer-row"
                    data-printer-id={p.id}
                    className="flex flex-wrap items-start justify-between gap-3 rounded-xl border border-slate-700 bg-slate-900 p-3"
                  >
                    <div className="flex flex-col gap-1">
                      <strong>{p.name}</strong>
                      <span className="text-sm text-slate-400">
                        {p.driver === 'zpl-raw'
                          ? `ZPL ${p.host}:${p.port ?? 9100}`
                          : `IPP ${p.url}`}{' '}
                        · {p.labelWidthMm ?? '?'} × {p.labelHeightMm ?? '?'} mm · {p.dpi ?? 203} dpi
                      </span>
                      <PrinterStatusBadge printer={p} withTodo />
                    </div>
                    {admin && (
                      <div className="flex gap-2">
                        <button
                          type="button"
                          onClick={() => setDraft(draftOf(p))}
                          className="rounded-lg bg-slate-700 px-3 py-1"
                        >
                          Edit
                        </button>
                        <button
                          type="button"
                          onClick={() => void remove(p)}
                          className="rounded-lg border border-slate-600 px-3 py-1"
                        >
                          Remove
                        </button>
                      </div>
                    )}
                  </li>
                ))}
            </ul>
          </div>
        ))
      )}
    </section>
  );
}
