// The continuous camera read loop: one frame in the decoder at a time, a NEW frame for every
// decode (so two agreeing 1D reads come from two different images), `agreeingReads` and
// `suppressRepeats` from lib/core, and reads handed on as soon as they pass. A 1D read waiting
// for its agreeing frame is looked for first where it was, which costs a fraction of a frame.
import type { FrameRead, RepeatState } from '../core/read-filter';
import {
  agreeingReads,
  EMPTY_REPEAT_STATE,
  isMatrixFormat,
  REPEAT_WINDOW_MS,
  suppressRepeats,
} from '../core/read-filter';
import type { BarcodeDecoder, Decoded, DecodeFrame, DecodeHint } from './decoder/types';

/** Where to look first in the next frame: the first 1D read that has not agreed yet. */
export function hintAfter(reads: readonly Decoded[], accepted: readonly Decoded[]): DecodeHint {
  const waiting = reads.find(
    (r) => !isMatrixFormat(r.format) && !accepted.includes(r) && (r.cornerPoints?.length ?? 0) > 0,
  );
  return waiting ? { near: waiting.cornerPoints, format: waiting.format } : {};
}

export interface ReadLoopDeps {
  decoder: BarcodeDecoder;
  /** Resolves with the next new frame, or null when the source has ended. */
  nextFrame(): Promise<DecodeFrame | null>;
  onReads(reads: Decoded[]): void;
  onError?(error: unknown): void;
  now(): number;
  repeatWindowMs?: number;
}

export interface ReadLoop {
  stop(): void;
  /** Resolves when the loop has ended. */
  done: Promise<void>;
  readonly frames: number;
}

export function startReadLoop(deps: ReadLoopDeps): ReadLoop {
  let running = true;
  let frames = 0;
  let previous: readonly FrameRead[] = [];
  let repeats: RepeatState = EMPTY_REPEAT_STATE;
  let hint: DecodeHint = {};
  const done = (async () => {
    while (running) {
      const frame = await deps.nextFrame();
      if (!frame || !running) break;
      let reads: Decoded[];
      try {
        reads = await deps.decoder.decode(frame, hint);
      } catch (error) {
        if (!running) break;
        deps.onError?.(error);
        break;
      }
      frames += 1;
      if (!running) break;
      const accepted = agreeingReads(previous, reads);
      previous = reads;
      hint = hintAfter(reads, accepted);
      const { fresh, state } = suppressRepeats(
        repeats,
        accepted,
        deps.now(),
        deps.repeatWindowMs ?? REPEAT_WINDOW_MS,
      );
      repeats = state;
      if (fresh.length > 0) deps.onReads(fresh);
    }
  })();
  return {
    stop() {
      running = false;
    },
    done,
    get frames() {
      return frames;
    },
  };
}

type VideoWithFrameCallback = HTMLVideoElement & {
  requestVideoFrameCallback?: (callback: () => void) => number;
  cancelVideoFrameCallback?: (handle: number) => void;
};

const FALLBACK_FRAME_MS = 33; // ~30 fps where requestVideoFrameCallback is missing

/**
 * Next-frame waiter for a playing <video>. Frames presented while the decoder was busy are
 * counted (requestVideoFrameCallback), so when it returns a newer frame is handed over at once
 * instead of waiting for the one after; a frame already handed over is never handed again.
 */
export function videoFrames(video: HTMLVideoElement): () => Promise<DecodeFrame | null> {
  const v = video as VideoWithFrameCallback;
  const watched = typeof v.requestVideoFrameCallback === 'function';
  let presented = 0; // frames presented since we started watching
  let handed = 0; // `presented` when the last frame was handed over
  let waiter: (() => void) | null = null;
  const watch = () => {
    if (v.srcObject === null) {
      waiter?.();
      return;
    }
    v.requestVideoFrameCallback!(() => {
      presented += 1;
      waiter?.();
      watch();
    });
  };
  if (watched) watch();
  const ready = () => v.readyState >= 2 && v.videoWidth > 0;
  return () =>
    new Promise((resolve) => {
      const check = () => {
        if (v.srcObject === null) {
          waiter = null;
          resolve(null);
        } else if (ready() && (!watched || presented > handed)) {
          waiter = null;
          handed = presented;
          resolve(video);
        } else if (watched) {
          waiter = check;
        } else {
          window.setTimeout(check, FALLBACK_FRAME_MS);
        }
      };
      if (watched) check();
      else window.setTimeout(check, FALLBACK_FRAME_MS);
    });
}
