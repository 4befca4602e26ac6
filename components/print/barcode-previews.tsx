'use client';
// The barcodes a template's label will carry, each drawn from the sample data by bwip-js (loaded
// only when a preview is first shown), beside the zpl-renderer-js drawing of the whole label: the
// barcode a person sees here is the one a reader will scan.
import { useEffect, useState } from 'react';
import type { TemplateBarcode } from '@/lib/core/zpl-barcodes';
import { barcodeRenderOptions } from '@/lib/core/zpl-barcodes';

type Drawn = { key: string; images: Array<{ src?: string; error?: string }> };

const DRAW_DELAY_MS = 300; // typing pauses this long before a redraw

const NAMES: Record<TemplateBarcode['symbology'], string> = {
  code128: 'Code 128',
  code39: 'Code 39',
  ean13: 'EAN-13',
  ean8: 'EAN-8',
  upca: 'UPC-A',
  interleaved2of5: 'Interleaved 2 of 5',
  qrcode: 'QR code',
  datamatrix: 'Data Matrix',
  pdf417: 'PDF417',
};

export default function BarcodePreviews({ barcodes }: { barcodes: TemplateBarcode[] }) {
  const [drawn, setDrawn] = useState<Drawn | null>(null);
  const key = JSON.stringify(barcodes.map((b) => [b.symbology, b.text]));

  useEffect(() => {
    if (barcodes.length === 0) return;
    let live = true;
    const timer = window.setTimeout(() => {
      import('bwip-js/browser')
        .then(({ default: bwipjs }) => {
          const images = barcodes.map((barcode) => {
            try {
              const canvas = document.createElement('canvas');
              bwipjs.toCanvas(canvas, barcodeRenderOptions(barcode));
              return { src: canvas.toDataURL('image/png') };
            } catch (error) {
              // bwip-js says why in words (e.g. "EAN-13 must be 12 or 13 digits").
              return { error: error instanceof Error ? error.message : String(error) };
            }
          });
          if (live) setDrawn({ key, images });
        })
        .catch((error: unknown) => {
          console.error('[dockhand] barcode preview failed to load', error);
          if (live)
            setDrawn({
              key,
              images: barcodes.map(() => ({ error: 'The barcode drawer could not load.' })),
            });
        });
    }, DRAW_DELAY_MS);
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
    // `key` stands for `barcodes` (a new array on every render of the editor).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  if (barcodes.length === 0) return null;
  const current = drawn?.key === key ? drawn : null;
  return (
    <section className="flex flex-col gap-2" data-testid="barcode-previews">
      <h3 className="font-semibold">Barcodes on this label (from the sample data)</h3>
      <ul className="flex flex-wrap gap-4">
        {barcodes.map((barcode, i) => {
          const image = current?.images[i];
          return (
            <li
              key={`${i}-${barcode.symbology}`}
              className="flex flex-col gap-1"
              data-testid="barcode-preview"
              data-symbology={barcode.symbology}
              data-text={barcode.text}
              data-ready={image?.src ? 'true' : 'false'}
            >
              {image?.src ? (
                // A data: URL of a generated PNG: next/image adds nothing here.
                // eslint-disable-next-line @next/next/no-img-element
                <img
                  src={image.src}
                  alt={`${NAMES[barcode.symbology]} of ${barcode.text}`}
                  className="w-fit max-w-full border border-slate-600 bg-white"
                />
              ) : image?.error ? (
                <p className="text-red-300" data-testid="barcode-preview-error">
                  {image.error}
                </p>
              ) : (
                <p className="text-slate-400">Drawing…</p>
              )}
              <span className="text-sm text-slate-400">
                {NAMES[barcode.symbology]} · {barcode.text}
                {barcode.slots.length > 0 ? ` · from ${barcode.slots.join(', ')}` : ''}
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
