'use client';
// A label rendered in the browser by an independent ZPL renderer (zpl-renderer-js, a ~9 MB
// WebAssembly bundle loaded only when a preview is first shown).
import { useEffect, useState } from 'react';

type ZplRenderer = (
  zpl: string,
  widthMm?: number,
  heightMm?: number,
  dpmm?: number,
) => Promise<string>;
let renderer: Promise<ZplRenderer> | null = null;

function loadRenderer(): Promise<ZplRenderer> {
  renderer ??= import('zpl-renderer-js').then((m) => m.zplToBase64Async);
  renderer.catch(() => {
    renderer = null;
  });
  return renderer;
}

const RENDER_DELAY_MS = 400; // typing pauses this long before a render

export default function ZplPreview({
  zpl,
  widthMm,
  heightMm,
  dpi,
}: {
  zpl: string | null;
  widthMm: number;
  heightMm: number;
  dpi: number;
}) {
  const [shown, setShown] = useState<{ key: string; png?: string; error?: string } | null>(null);
  const key = `${zpl}|${widthMm}|${heightMm}|${dpi}`;

  useEffect(() => {
    if (!zpl) return;
    let cancelled = false;
    const timer = window.setTimeout(() => {
      loadRenderer()
        .then((render) => render(zpl, widthMm, heightMm, Math.round(dpi / 25.4)))
        .then((png) => {
          if (!cancelled) setShown({ key, png });
        })
        .catch((error: unknown) => {
          console.warn('[dockhand] label preview failed', error);
          if (!cancelled)
            setShown({ key, error: 'The preview could not draw this label; check the ZPL.' });
        });
    }, RENDER_DELAY_MS);
    return () => {
      cancelled = true;
      window.clearTimeout(timer);
    };
  }, [key, zpl, widthMm, heightMm, dpi]);

  if (!zpl) return <p className="text-slate-400">Fix the template to see a preview.</p>;
  const current = shown?.key === key ? shown : null;
  return (
    <figure
      className="flex flex-col gap-2"
      data-testid="zpl-preview"
      data-ready={current?.png ? 'true' : 'false'}
    >
      {current?.png ? (
        // A data: URL of a generated PNG: next/image adds nothing here.
        // eslint-disable-next-line @next/next/no-img-element
        <img
          src={`data:image/png;base64,${current.png}`}
          alt="Label preview"
          className="max-h-[36rem] w-fit max-w-full border border-slate-600 bg-white"
        />
      ) : current?.error ? (
        <p className="text-red-300">{current.error}</p>
      ) : (
        <p className="text-slate-400">Drawing the preview…</p>
      )}
      <figcaption className="text-sm text-slate-400">
        {widthMm} × {heightMm} mm at {dpi} dpi, as zpl-renderer-js draws it (a printer may differ
        slightly).
      </figcaption>
    </figure>
  );
}
