'use client';
// The QR code of a short link, drawn by bwip-js (loaded lazily: it is heavy) into a canvas and
// shown as a PNG <img>; size, quiet zone and error-correction level; PNG and SVG downloads; and
// a label through the print bridge with a template that has a {{url}} field (ZPL ^BQ).
import { useEffect, useState } from 'react';
import type { EcLevel, QrChoice } from '@/lib/core/link-qr';
import {
  DEFAULT_QR,
  EC_LEVEL_NOTES,
  EC_LEVELS,
  LINK_QR_LABEL_ZPL,
  linkLabelSource,
  qrFileName,
  qrOptionsFrom,
} from '@/lib/core/link-qr';
import type { PrintDesk } from '@/lib/db/print-desk';
import type { Printer } from '@/lib/schema/printer';
import type { Template } from '@/lib/schema/template';
import { useDockhand } from '../dockhand-provider';
import { useObservable } from '../use-store';

function download(href: string, name: string) {
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  a.click();
}

const select = 'rounded-lg border border-slate-600 bg-slate-900 px-2 py-1';

function PrintLabel({
  slug,
  url,
  title,
  target,
}: {
  slug: string;
  url: string;
  title: string;
  target: string;
}) {
  const { dockhand, platform } = useDockhand();
  const [desk, setDesk] = useState<PrintDesk | null>(null);
  const [printerId, setPrinterId] = useState('');
  const [templateId, setTemplateId] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  useEffect(() => {
    if (!dockhand || !platform) return;
    let live = true;
    import('@/lib/db/print-desk')
      .then(({ openPrintDesk }) => {
        if (live) setDesk(openPrintDesk(dockhand.database, platform.deviceId));
      })
      .catch((error: unknown) => console.error('[dockhand] print desk failed to open', error));
    return () => {
      live = false;
    };
  }, [dockhand, platform]);
  const printers = useObservable<Printer[], Printer[]>(desk?.printers$, []);
  const templates = useObservable<Template[], Template[]>(desk?.templates$, []);
  const withUrl = templates.filter((t) => t.fields.includes('url'));
  const printer = printers.find((p) => p.id === printerId) ?? printers[0];
  const template = withUrl.find((t) => t.id === templateId) ?? withUrl[0];

  if (!desk) return null;
  if (printers.length === 0 || !template)
    return (
      <p className="text-sm text-slate-400" data-testid="qr-print-unavailable">
        To print a QR label, an admin adds a printer and a label template with a {'{{url}}'} field,
        e.g. <code data-testid="qr-label-template">{LINK_QR_LABEL_ZPL}</code>
      </p>
    );
  const print = async () => {
    const user = platform?.session.get().user;
    if (!user || !printer) return;
    try {
      await desk.queueLabels({
        printer,
        template,
        sources: [linkLabelSource({ slug, url, title, target })],
        copies: 1,
        user,
      });
      setMessage(`Label queued for ${printer.name}; it prints when the site's bridge has it.`);
    } catch (error) {
      console.error('[dockhand] could not queue QR label', error);
      setMessage('Could not queue the label on this device.');
    }
  };
  return (
    <div className="flex flex-wrap items-center gap-2 text-sm" data-testid="qr-print">
      <select className={select} value={printer?.id} onChange={(e) => setPrinterId(e.target.value)}>
        {printers.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </select>
      <select
        className={select}
        value={template.id}
        onChange={(e) => setTemplateId(e.target.value)}
      >
        {withUrl.map((t) => (
          <option key={t.id} value={t.id}>
            {t.name}
          </option>
        ))}
      </select>
      <button
        type="button"
        className="rounded-lg border border-slate-600 px-3 py-1"
        onClick={() => void print()}
      >
        Print label
      </button>
      {message && <span className="text-slate-300">{message}</span>}
    </div>
  );
}

export default function LinkQr({
  slug,
  url,
  title,
  target,
}: {
  slug: string;
  url: string;
  title: string;
  target: string;
}) {
  const [choice, setChoice] = useState<QrChoice>(DEFAULT_QR);
  const [png, setPng] = useState<{ key: string; src: string; size: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const key = `${url}|${choice.moduleSize}|${choice.margin}|${choice.ecLevel}`;

  useEffect(() => {
    let live = true;
    import('bwip-js/browser')
      .then(({ default: bwipjs }) => {
        const canvas = document.createElement('canvas');
        bwipjs.toCanvas(canvas, qrOptionsFrom(url, choice));
        if (live) {
          setPng({ key, src: canvas.toDataURL('image/png'), size: canvas.width });
          setError(null);
        }
      })
      .catch((e: unknown) => {
        console.error('[dockhand] QR rendering failed', e);
        if (live) setError('Could not draw the QR code.');
      });
    return () => {
      live = false;
    };
  }, [url, choice, key]);

  const downloadSvg = async () => {
    const { default: bwipjs } = await import('bwip-js/browser');
    const svg = bwipjs.toSVG(qrOptionsFrom(url, choice));
    const href = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
    download(href, qrFileName(slug, 'svg'));
    window.setTimeout(() => URL.revokeObjectURL(href), 10_000);
  };

  return (
    <section className="flex flex-col gap-3" data-testid="link-qr">
      <div className="flex flex-wrap items-end gap-3 text-sm">
        <label className="flex flex-col gap-1">
          Module size (px)
          <input
            type="number"
            min={1}
            max={20}
            className={`${select} w-20`}
            value={choice.moduleSize}
            data-testid="qr-size"
            onChange={(e) => setChoice((c) => ({ ...c, moduleSize: Number(e.target.value) }))}
          />
        </label>
        <label className="flex flex-col gap-1">
          Margin (modules)
          <input
            type="number"
            min={0}
            max={10}
            className={`${select} w-20`}
            value={choice.margin}
            data-testid="qr-margin"
            onChange={(e) => setChoice((c) => ({ ...c, margin: Number(e.target.value) }))}
          />
        </label>
        <label className="flex flex-col gap-1">
          Error correction
          <select
            className={select}
            value={choice.ecLevel}
            data-testid="qr-ec"
            onChange={(e) => setChoice((c) => ({ ...c, ecLevel: e.target.value as EcLevel }))}
          >
            {EC_LEVELS.map((level) => (
              <option key={level} value={level}>
                {EC_LEVEL_NOTES[level]}
              </option>
            ))}
          </select>
        </label>
      </div>
      {error && <p className="text-rose-300">{error}</p>}
      {png && png.key === key && (
        // eslint-disable-next-line @next/next/no-img-element -- a data: URL made on the device
        <img
          src={png.src}
          alt={`QR code for ${url}`}
          width={png.size}
          height={png.size}
          data-testid="qr-image"
          data-text={url}
          className="self-start bg-white"
        />
      )}
      <div className="flex flex-wrap gap-2">
        <button
          type="button"
          className="rounded-lg border border-slate-600 px-3 py-1"
          disabled={!png}
          data-testid="qr-download-png"
          onClick={() => png && download(png.src, qrFileName(slug, 'png'))}
        >
          Download PNG
        </button>
        <button
          type="button"
          className="rounded-lg border border-slate-600 px-3 py-1"
          data-testid="qr-download-svg"
          onClick={() =>
            void downloadSvg().catch((e: unknown) => console.error('[dockhand] SVG failed', e))
          }
        >
          Download SVG
        </button>
      </div>
      <PrintLabel slug={slug} url={url} title={title} target={target} />
    </section>
  );
}
