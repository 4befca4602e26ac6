// The continuous camera read loop: one frame in the decoder at a time, a NEW frame for every
// decode (so two agreeing 1D reads come from two different images), `agreeingReads` and
// `suppressRepeats` from lib/core, and reads handed on as soon as they pass.
import type { FrameRead, RepeatState } from '../core/read-filter';
import {
  agreeingReads,
  EMPTY_REPEAT_STATE,
  REPEAT_WINDOW_MS,
  suppressRepeats,
} from '../core/read-filter';
import type { BarcodeDecoder, Decoded, DecodeFrame } from './decoder/types';

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
  const done = (async () => {
    while (running) {
      const frame = await deps.nextFrame();
      if (!frame || !running) break;
      let reads: Decoded[];
      try {
        reads = await deps.decoder.decode(frame);
      } catch (error) {
        if (!running) break;
        deps.onError?.(error);
        break;
      }
      frames += 1;
      if (!running) break;
      const accepted = agreeingReads(previous, reads);
      previous = reads;
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

/** Next-frame waiter for a playing <video>: requestVideoFrameCallback, else a short timer. */
export function videoFrames(video: HTMLVideoElement): () => Promise<DecodeFrame | null> {
  const v = video as VideoWithFrameCallback;
  return () =>
    new Promise((resolve) => {
      const wait = () => {
        if (v.srcObject === null) return resolve(null);
        if (typeof v.requestVideoFrameCallback === 'function') v.requestVideoFrameCallback(check);
        else window.setTimeout(check, FALLBACK_FRAME_MS);
      };
      const check = () => {
        if (v.srcObject === null) resolve(null);
        else if (v.readyState >= 2 && v.videoWidth > 0) resolve(video);
        else wait();
      };
      wait();
    });
}
