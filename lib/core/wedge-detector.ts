// Keyboard-wedge scanners type a whole code in a burst far faster than a person and end it with
// Enter or Tab. This tells such a burst from typing, from key events alone (times passed in).

export interface WedgeKey {
  /** KeyboardEvent.key: one character, or a named key such as "Enter". */
  key: string;
  /** Milliseconds, e.g. KeyboardEvent.timeStamp. */
  at: number;
}

export interface WedgeOptions {
  /** Longest gap between two characters of one burst. Bluetooth scanners send in chunks. */
  maxGapMs: number;
  /** Highest mean gap: people rarely type under ~80 ms per key; scanners do 1–20 ms. */
  maxMeanGapMs: number;
  minLength: number;
  terminators: readonly string[];
}

export const DEFAULT_WEDGE_OPTIONS: WedgeOptions = {
  maxGapMs: 60,
  maxMeanGapMs: 30,
  minLength: 4,
  terminators: ['Enter', 'Tab'],
};

export type WedgeOutcome =
  /** A burst ended: the code, and the characters to withhold from whatever had focus. */
  | { kind: 'scan'; code: string }
  /** The key belongs to a burst in progress (not yet known to be a scan). */
  | { kind: 'pending' }
  /** Not a scanner: let the key through as typing. */
  | { kind: 'typing' };

export interface WedgeDetector {
  push(key: WedgeKey): WedgeOutcome;
  reset(): void;
}

export function createWedgeDetector(options: WedgeOptions = DEFAULT_WEDGE_OPTIONS): WedgeDetector {
  let chars: string[] = [];
  let times: number[] = [];

  const reset = () => {
    chars = [];
    times = [];
  };

  function isBurst(endAt: number): boolean {
    if (chars.length < options.minLength) return false;
    const all = [...times, endAt];
    let total = 0;
    for (let i = 1; i < all.length; i += 1) {
      const gap = all[i]! - all[i - 1]!;
      if (gap > options.maxGapMs) return false;
      total += gap;
    }
    return total / (all.length - 1) <= options.maxMeanGapMs;
  }

  return {
    reset,
    push({ key, at }) {
      if (options.terminators.includes(key)) {
        const code = chars.join('');
        const burst = isBurst(at);
        reset();
        return burst ? { kind: 'scan', code } : { kind: 'typing' };
      }
      if (key.length !== 1) {
        reset(); // Shift, arrows, Backspace: a person is at the keyboard
        return { kind: 'typing' };
      }
      const last = times[times.length - 1];
      if (last !== undefined && at - last > options.maxGapMs) reset();
      chars.push(key);
      times.push(at);
      return { kind: 'pending' };
    },
  };
}
