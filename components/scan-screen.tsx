'use client';
// The scan page: pick a manifest (or free scan), then scan by hand scanner (anywhere on the page),
// typing or camera. Every answer comes from memory with sound, vibration and a full-screen colour
// before the scan is written to the device database; sync happens in the background.
import dynamic from 'next/dynamic';
import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useRef, useState } from 'react';
import { isProductFormat } from '@/lib/core/read-filter';
import type { BarcodeFormat } from '@/lib/core/read-filter';
import { loginPathFor } from '@/lib/core/return-path';
import { feedbackFor, feedbackForRejected } from '@/lib/core/scan-feedback';
import { waybillCodeFrom } from '@/lib/core/waybill-code';
import type { FeedbackOutput } from '@/lib/platform/feedback';
import { createWebFeedback } from '@/lib/platform/feedback';
import { listenForWedgeOnWindow } from '@/lib/platform/wedge-listener';
import type { ScanSource } from '@/lib/schema/scan';
import { useDockhand } from './dockhand-provider';
import ManifestPicker from './manifest-picker';
// Printing (issue 5): the print panel and the last accepted scan it prints for.
import type { LastScan } from './print/print-label-panel';
import PrintLabelPanel from './print/print-label-panel';
import MissingList from './missing-list';
import type { Flash } from './result-flash';
import ResultFlash from './result-flash';
import ScanEntry from './scan-entry';
import ScanFeed from './scan-feed';
import SessionBanner from './session-banner';
import { useObservable, useStore } from './use-store';

// The camera and its decoder load only when the person asks for them.
const CameraScanner = dynamic(() => import('./camera-scanner'), {
  ssr: false,
  loading: () => <p className="text-lg text-slate-400">Loading camera…</p>,
});

const RETURN_PATH = '/scan/';
const MANIFEST_KEY = 'dockhand.scanManifest';

type Message = { kind: 'ok' | 'error'; text: string };

function patternOf(source: string | undefined): RegExp | undefined {
  if (!source) return undefined;
  try {
    return new RegExp(source);
  } catch (error) {
    console.warn('[dockhand] manifest waybill pattern is not a valid expression', error);
    return undefined;
  }
}

export default function ScanScreen() {
  const router = useRouter();
  const { platform, dockhand, dbError } = useDockhand();
  const session = useStore(platform?.session, null);
  const counts = useObservable(dockhand?.counts$, null);
  const desk = useStore(dockhand?.desk, null);
  const neverLoggedIn = session?.status === 'none';
  const [picked, setPicked] = useState<string | null>(null);
  const [flash, setFlash] = useState<Flash | null>(null);
  const [message, setMessage] = useState<Message | null>(null);
  const [cameraOpen, setCameraOpen] = useState(false);
  const [lastScan, setLastScan] = useState<LastScan | null>(null); // printing (issue 5)
  const feedback = useRef<FeedbackOutput | null>(null);
  const seq = useRef(0);
  // Codes that arrive while the device database is still opening wait here, in order, and are
  // recorded the moment it has loaded what was scanned before (so duplicates are still caught).
  const waiting = useRef<Array<{ raw: string; source: ScanSource }>>([]);
  const [deskSeenReady, setDeskSeenReady] = useState(false);
  if (desk?.ready && !deskSeenReady) setDeskSeenReady(true);
  const canRecord = Boolean(dockhand) && deskSeenReady;

  const chosen = picked ?? platform?.store.getItem(MANIFEST_KEY) ?? '';
  const manifest = desk?.manifests.find((m) => m.id === chosen) ?? null;
  const chosenGone = chosen !== '' && desk?.ready === true && !manifest;
  const manifestId = manifest ? manifest.id : '';

  useEffect(() => {
    if (neverLoggedIn) router.replace(loginPathFor(RETURN_PATH));
  }, [neverLoggedIn, router]);

  // Browsers start audio only after a gesture: make the context on the first tap or key.
  useEffect(() => {
    feedback.current ??= createWebFeedback();
    const unlock = () => feedback.current?.unlock();
    window.addEventListener('pointerdown', unlock, { once: true });
    window.addEventListener('keydown', unlock, { once: true });
    return () => {
      window.removeEventListener('pointerdown', unlock);
      window.removeEventListener('keydown', unlock);
    };
  }, []);

  const handleCode = useCallback(
    (raw: string, source: ScanSource, format?: BarcodeFormat) => {
      if (!dockhand || !canRecord) {
        waiting.current.push({ raw, source });
        const count = waiting.current.length;
        setMessage({
          kind: 'ok',
          text: `Opening storage… ${count} ${count === 1 ? 'code' : 'codes'} will be recorded in a moment.`,
        });
        return;
      }
      const shown = raw.trim();
      const code = waybillCodeFrom(raw, { pattern: patternOf(manifest?.waybillPattern) });
      seq.current += 1;
      if (!code.ok) {
        if (code.error === 'empty' && source === 'manual') {
          setMessage({ kind: 'error', text: 'Type or scan a code first.' });
          return;
        }
        const answer = feedbackForRejected(code.error, shown);
        feedback.current?.play(answer);
        setFlash({ seq: seq.current, result: 'rejected', feedback: answer, code: shown });
        setMessage({ kind: 'error', text: `Not recorded: ${answer.detail ?? shown}` });
        return;
      }
      // An EAN/UPC read by the camera is the product's barcode, unless a manifest lists it.
      if (isProductFormat(format)) {
        const known = dockhand.desk.classify(manifestId, code.value).result;
        if (known !== 'matched' && known !== 'duplicate' && known !== 'other-manifest') {
          const answer = feedbackForRejected('product-barcode', shown);
          feedback.current?.play(answer);
          setFlash({ seq: seq.current, result: 'rejected', feedback: answer, code: shown });
          setMessage({ kind: 'error', text: `Not recorded: ${answer.detail ?? shown}` });
          return;
        }
      }
      let attempt;
      try {
        attempt = dockhand.scan({ code: raw, normalised: code.value, manifestId, source });
      } catch (error) {
        console.error('[dockhand] could not record scan', error);
        setMessage({ kind: 'error', text: 'Log in once on this device before scanning.' });
        return;
      }
      const answer = feedbackFor(attempt.classification, code.value, dockhand.desk.manifestName);
      feedback.current?.play(answer);
      const result = attempt.classification.result;
      setFlash({ seq: seq.current, result, feedback: answer, code: code.value });
      setMessage({ kind: 'ok', text: `${answer.headline}: ${answer.detail ?? code.value}` });
      // Printing (issue 5): the panel prints this waybill on request or by the auto-print rule.
      setLastScan({
        seq: seq.current,
        number: code.value,
        manifestId,
        manifestName: manifest?.name ?? '',
        result,
        scannedAt: attempt.scan.scannedAt,
        user: attempt.scan.user,
      });
      attempt.written.catch((error: unknown) => {
        console.error('[dockhand] could not save scan', error);
        setMessage({
          kind: 'error',
          text: `Could not save ${code.value} on this device. Scan it again.`,
        });
      });
    },
    [dockhand, canRecord, manifest, manifestId],
  );

  useEffect(() => {
    if (!canRecord || waiting.current.length === 0) return;
    for (const { raw, source } of waiting.current.splice(0)) handleCode(raw, source);
  }, [canRecord, handleCode]);

  const handleRef = useRef(handleCode);
  useEffect(() => {
    handleRef.current = handleCode;
  }, [handleCode]);

  // Hand scanners: a burst anywhere on the page, without focusing a field.
  useEffect(() => listenForWedgeOnWindow((code) => handleRef.current(code, 'wedge')), []);

  const undo = useCallback(() => {
    if (!dockhand) return;
    dockhand
      .undoLast()
      .then((voidEvent) =>
        setMessage(
          voidEvent
            ? { kind: 'ok', text: `Undone: ${voidEvent.normalised}` }
            : { kind: 'error', text: 'Nothing to undo.' },
        ),
      )
      .catch((error: unknown) => {
        console.error('[dockhand] undo failed', error);
        setMessage({ kind: 'error', text: 'Could not undo on this device. Try again.' });
      });
  }, [dockhand]);

  if (!session || neverLoggedIn) {
    return <p className="text-lg text-slate-400">Opening…</p>;
  }
  const scanned = manifest && dockhand ? dockhand.desk.scannedCount(manifest.id) : 0;
  const expected = manifest && dockhand ? dockhand.desk.expectedCount(manifest.id) : 0;
  return (
    <div
      className="flex flex-col gap-6"
      data-testid="scan-screen"
      data-user={session.user ?? ''}
      data-desk-ready={desk?.ready ? 'true' : 'false'}
      data-manifest={manifestId}
    >
      {session.status === 'expired' && (
        <SessionBanner pending={counts?.pending ?? 0} returnPath={RETURN_PATH} />
      )}
      {dbError && (
        <p role="alert" className="rounded-xl bg-red-950 p-4 text-lg text-red-100">
          {dbError}
        </p>
      )}
      <p className="text-base text-slate-400">
        Scanning as <strong className="text-slate-200">{session.user}</strong>
      </p>
      <ManifestPicker
        manifests={desk?.manifests ?? []}
        value={manifestId}
        onChange={(id) => {
          platform?.store.setItem(MANIFEST_KEY, id);
          setPicked(id);
        }}
      />
      {chosenGone && (
        <p className="text-lg text-amber-300">
          The manifest chosen before is no longer open. Free scanning until you choose another.
        </p>
      )}
      {manifest && (
        <p
          data-testid="scan-progress"
          data-scanned={String(scanned)}
          data-expected={String(expected)}
          className="text-3xl font-bold"
        >
          {scanned} / {expected} <span className="text-xl font-normal text-slate-300">scanned</span>
        </p>
      )}
      <ScanEntry onCode={(code) => handleCode(code, 'manual')} message={message} />
      <div className="flex flex-wrap gap-3">
        {!cameraOpen && (
          <button
            type="button"
            data-testid="camera-open"
            onClick={() => setCameraOpen(true)}
            className="min-h-14 rounded-xl bg-slate-700 px-6 text-xl font-semibold"
          >
            Camera
          </button>
        )}
        <button
          type="button"
          data-testid="scan-undo"
          onClick={undo}
          className="min-h-14 rounded-xl bg-slate-700 px-6 text-xl font-semibold"
        >
          Undo last scan
        </button>
      </div>
      {cameraOpen && (
        <CameraScanner
          onCode={(text, format) => handleRef.current(text, 'camera', format)}
          onClose={() => setCameraOpen(false)}
        />
      )}
      {/* Printing (issue 5) */}
      <PrintLabelPanel last={lastScan} manifestId={manifestId} />
      {manifest && dockhand && desk && (
        <MissingList desk={dockhand.desk} manifestId={manifest.id} version={desk.version} />
      )}
      <ScanFeed dockhand={dockhand} />
      <ResultFlash flash={flash} />
    </div>
  );
}
