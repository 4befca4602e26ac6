'use client';
// Continuous camera scanning, loaded only when the person presses "Camera": camera picker, torch
// and zoom where the track supports them, reads handed to the scan session as they pass the
// read filters. The camera stops (every track) when the page is hidden or this view closes.
import { useCallback, useEffect, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import type { OpenCamera } from '@/lib/platform/camera';
import {
  CAMERA_PROBLEM_TEXT,
  cameraProblemOf,
  listCameras,
  openCamera,
  type CameraInfo,
  type CameraProblem,
} from '@/lib/platform/camera';
import { startReadLoop, videoFrames, type ReadLoop } from '@/lib/platform/camera-reads';
import { createDecoder } from '@/lib/platform/decoder';
import type { BarcodeDecoder } from '@/lib/platform/decoder';
import type { BarcodeFormat } from '@/lib/core/read-filter';

type CameraState = 'starting' | 'running' | 'paused' | 'error';

const CAMERA_KEY = 'dockhand.cameraId';

function rememberedCamera(): string | undefined {
  try {
    return window.localStorage.getItem(CAMERA_KEY) ?? undefined;
  } catch {
    return undefined; // storage blocked: use the default camera
  }
}

export default function CameraScanner({
  onCode,
  onClose,
}: {
  /** A read to act on, with its symbology (retail codes are told apart from waybills). */
  onCode(text: string, format: BarcodeFormat): void;
  onClose(): void;
}) {
  const video = useRef<HTMLVideoElement>(null);
  const camera = useRef<OpenCamera | null>(null);
  const loop = useRef<ReadLoop | null>(null);
  const decoder = useRef<Promise<BarcodeDecoder> | null>(null);
  const onCodeRef = useRef(onCode);
  const [state, setState] = useState<CameraState>('starting');
  const [problem, setProblem] = useState<CameraProblem | null>(null);
  const [cameras, setCameras] = useState<CameraInfo[]>([]);
  const [cameraId, setCameraId] = useState<string | undefined>(rememberedCamera);
  const [torch, setTorch] = useState<boolean | null>(null);
  const [zoom, setZoom] = useState<OpenCamera['zoom']>(null);
  const [openDeviceId, setOpenDeviceId] = useState('');

  useEffect(() => {
    onCodeRef.current = onCode;
  }, [onCode]);

  const stop = useCallback(() => {
    loop.current?.stop();
    loop.current = null;
    camera.current?.stop();
    camera.current = null;
    if (video.current) video.current.srcObject = null;
  }, []);

  const start = useCallback(
    async (deviceId: string | undefined, isCurrent: () => boolean) => {
      stop();
      setState('starting');
      setProblem(null);
      try {
        decoder.current ??= createDecoder();
        const opened = await openCamera({ deviceId });
        if (!isCurrent()) return opened.stop();
        camera.current = opened;
        setTorch(opened.torch);
        setOpenDeviceId(opened.deviceId);
        setZoom(opened.zoom);
        const element = video.current;
        if (!element) return opened.stop();
        element.srcObject = opened.stream;
        await element.play();
        const engine = await decoder.current;
        if (!isCurrent() || camera.current !== opened) return;
        loop.current = startReadLoop({
          decoder: engine,
          nextFrame: videoFrames(element),
          now: () => performance.now(),
          onReads: (reads) => {
            // Rendered now, not in a task React schedules later: the flash is painted with the
            // next frame after the agreeing read (bench/scan-feedback.bench.ts).
            flushSync(() => {
              for (const read of reads) onCodeRef.current(read.text, read.format);
            });
          },
          onError: (error) => {
            console.error('[dockhand] decoder failed', error);
            decoder.current = null;
            setProblem('failed');
            setState('error');
          },
        });
        setState('running');
        listCameras()
          .then((list) => isCurrent() && setCameras(list))
          .catch((error: unknown) => console.warn('[dockhand] could not list cameras', error));
      } catch (error) {
        if (!isCurrent()) return;
        console.warn('[dockhand] camera did not start', error);
        stop();
        setProblem(cameraProblemOf(error));
        setState('error');
      }
    },
    [stop],
  );

  useEffect(() => {
    let current = true;
    const isCurrent = () => current;
    // Started from a microtask: the effect itself only subscribes (no state set during it).
    queueMicrotask(() => {
      if (current) void start(cameraId, isCurrent);
    });
    const onVisibility = () => {
      if (document.visibilityState === 'hidden') {
        stop();
        setState('paused');
      } else if (current) {
        void start(cameraId, isCurrent);
      }
    };
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      current = false;
      document.removeEventListener('visibilitychange', onVisibility);
      stop();
    };
  }, [cameraId, start, stop]);

  useEffect(
    () => () => {
      void decoder.current?.then((d) => d.dispose()).catch(() => undefined);
    },
    [],
  );

  return (
    <section
      data-testid="camera-view"
      data-state={state}
      className="flex flex-col gap-3 rounded-xl bg-slate-900 p-3"
    >
      <div className="relative overflow-hidden rounded-lg bg-black">
        <video
          ref={video}
          data-testid="camera-video"
          muted
          playsInline
          className="aspect-video w-full object-cover"
        />
        {state === 'starting' && (
          <p className="absolute inset-0 flex items-center justify-center text-xl">
            Starting camera…
          </p>
        )}
      </div>
      {problem && (
        <p
          role="alert"
          data-testid="camera-error"
          data-problem={problem}
          className="rounded-lg bg-red-950 p-3 text-lg text-red-100"
        >
          {CAMERA_PROBLEM_TEXT[problem]}
        </p>
      )}
      <div className="flex flex-wrap items-center gap-3">
        {cameras.length > 1 && (
          <select
            data-testid="camera-picker"
            aria-label="Camera"
            value={cameraId ?? openDeviceId}
            onChange={(e) => {
              try {
                window.localStorage.setItem(CAMERA_KEY, e.target.value);
              } catch (error) {
                console.warn('[dockhand] could not remember the camera', error);
              }
              setCameraId(e.target.value);
            }}
            className="min-h-12 rounded-lg border-2 border-slate-600 bg-slate-950 px-2 text-lg"
          >
            {cameras.map((c) => (
              <option key={c.deviceId} value={c.deviceId}>
                {c.label}
              </option>
            ))}
          </select>
        )}
        {torch !== null && (
          <button
            type="button"
            data-testid="camera-torch"
            aria-pressed={torch}
            onClick={() => {
              const next = !torch;
              camera.current
                ?.setTorch(next)
                .then(() => setTorch(next))
                .catch((error: unknown) => console.warn('[dockhand] torch failed', error));
            }}
            className="min-h-12 rounded-lg bg-slate-700 px-4 text-lg font-semibold"
          >
            {torch ? 'Torch off' : 'Torch on'}
          </button>
        )}
        {zoom && (
          <label className="flex items-center gap-2 text-lg">
            Zoom
            <input
              type="range"
              data-testid="camera-zoom"
              min={zoom.min}
              max={zoom.max}
              step={zoom.step}
              value={zoom.value}
              onChange={(e) => {
                const value = Number(e.target.value);
                setZoom({ ...zoom, value });
                camera.current
                  ?.setZoom(value)
                  .catch((error: unknown) => console.warn('[dockhand] zoom failed', error));
              }}
            />
          </label>
        )}
        {state === 'error' && (
          <button
            type="button"
            onClick={() => void start(cameraId, () => true)}
            className="min-h-12 rounded-lg bg-sky-500 px-4 text-lg font-bold text-slate-950"
          >
            Try again
          </button>
        )}
        <button
          type="button"
          data-testid="camera-close"
          onClick={() => {
            stop();
            onClose();
          }}
          className="ml-auto min-h-12 rounded-lg bg-slate-700 px-4 text-lg font-semibold"
        >
          Close camera
        </button>
      </div>
    </section>
  );
}
