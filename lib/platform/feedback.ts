// Sound and vibration for a scan result: Web Audio oscillator tones (made on the device, so they
// work offline with no sound files) and navigator.vibrate, behind one small interface.
import type { Feedback, Tone } from '../core/scan-feedback';

export interface FeedbackOutput {
  /** Plays the tones and vibration of `feedback` now; never throws, never waits. */
  play(feedback: Feedback): void;
  /** Call from a user gesture (tap, key): browsers start audio only after one. */
  unlock(): void;
}

/** The slice of AudioContext we use, so tests can pass a double. */
export interface ToneContext {
  readonly currentTime: number;
  readonly state: string;
  readonly destination: AudioNode;
  resume(): Promise<void>;
  createOscillator(): OscillatorNode;
  createGain(): GainNode;
}

export interface WebFeedbackDeps {
  createContext?: () => ToneContext | null;
  vibrate?: (pattern: number[]) => boolean;
}

const GAP_S = 0.04; // 40 ms between the tones of one result
const VOLUME = 0.35;
const RAMP_S = 0.005; // 5 ms fade in/out: no click

function scheduleTones(ctx: ToneContext, tones: readonly Tone[]): void {
  let at = ctx.currentTime + 0.005;
  for (const tone of tones) {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    const seconds = tone.durationMs / 1000;
    osc.type = 'square';
    osc.frequency.setValueAtTime(tone.frequencyHz, at);
    gain.gain.setValueAtTime(0, at);
    gain.gain.linearRampToValueAtTime(VOLUME, at + RAMP_S);
    gain.gain.setValueAtTime(VOLUME, at + seconds - RAMP_S);
    gain.gain.linearRampToValueAtTime(0, at + seconds);
    osc.connect(gain).connect(ctx.destination);
    osc.start(at);
    osc.stop(at + seconds + 0.01);
    at += seconds + GAP_S;
  }
}

function defaultContext(): ToneContext | null {
  const Ctor =
    typeof window === 'undefined'
      ? undefined
      : (window.AudioContext ??
        (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext);
  return Ctor ? (new Ctor({ latencyHint: 'interactive' }) as ToneContext) : null;
}

function defaultVibrate(pattern: number[]): boolean {
  return typeof navigator !== 'undefined' && typeof navigator.vibrate === 'function'
    ? navigator.vibrate(pattern)
    : false;
}

export function createWebFeedback(deps: WebFeedbackDeps = {}): FeedbackOutput {
  const createContext = deps.createContext ?? defaultContext;
  const vibrate = deps.vibrate ?? defaultVibrate;
  let ctx: ToneContext | null = null;
  let failed = false;

  const context = (): ToneContext | null => {
    if (ctx || failed) return ctx;
    try {
      ctx = createContext();
    } catch (error) {
      failed = true;
      console.warn('[dockhand] no Web Audio: scans will be silent', error);
    }
    return ctx;
  };

  const resume = (c: ToneContext) => {
    if (c.state === 'suspended')
      c.resume().catch((error: unknown) => console.warn('[dockhand] audio resume failed', error));
  };

  return {
    unlock() {
      const c = context();
      if (c) resume(c);
    },
    play(feedback) {
      const c = context();
      if (c) {
        resume(c);
        try {
          scheduleTones(c, feedback.tone);
        } catch (error) {
          console.warn('[dockhand] could not play a tone', error);
        }
      }
      try {
        vibrate([...feedback.vibration]);
      } catch (error) {
        console.warn('[dockhand] could not vibrate', error);
      }
    },
  };
}

/** Test double: records what would have been played. */
export interface FakeFeedback extends FeedbackOutput {
  readonly played: Feedback[];
  readonly unlocks: number;
}

export function createFakeFeedback(): FakeFeedback {
  const played: Feedback[] = [];
  let unlocks = 0;
  return {
    played,
    get unlocks() {
      return unlocks;
    },
    play: (feedback) => void played.push(feedback),
    unlock: () => void (unlocks += 1),
  };
}
