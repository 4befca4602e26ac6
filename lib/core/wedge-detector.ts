// Keyboard-wedge scanners type a whole code in a burst far faster than a person and end it with
// Enter or Tab (or a configured suffix). This tells such a burst from typing, from key events
// alone (times passed in). Bluetooth scanners send a code in chunks with pauses of 50–150 ms
// between them and some scanners pace keys at 30–40 ms: a burst is judged by its typical gap
// (the median), and only a pause longer than any scanner's ends it. A person types at 100 ms a
// key or slower, so a code typed by hand stays typing.

export interface WedgeKey {
  /** KeyboardEvent.key: one character, or a named key such as "Enter". */
  key: string;
  /** Milliseconds, e.g. KeyboardEvent.timeStamp. */
  at: number;
}

export interface WedgeOptions {
  /** Longest pause inside one code (a chunked scanner's); a longer one starts a new burst. */
  maxGapMs: number;
  /** Highest median gap between keys: scanners do 1–40 ms, people rarely under ~80 ms. */
  maxMedianGapMs: number;
  minLength: number;
  maxLength: number;
  terminators: readonly string[];
  /** Characters a scanner is set to send before each code (stripped; none by default). */
  prefix: string;
  /** Characters a scanner is set to send after each code, ending it like Enter. */
  suffix: string;
}

export const DEFAULT_WEDGE_OPTIONS: WedgeOptions = {
  maxGapMs: 250,
  maxMedianGapMs: 50,
  minLength: 4,
  maxLength: 80,
  terminators: ['Enter', 'Tab'],
  prefix: '',
  suffix: '',
};

export type WedgeOutcome =
  /**
   * A burst ended: the code, and `typed`, every character the scanner sent for it (prefix and
   * suffix included), to take back out of whatever had focus.
   */
  | { kind: 'scan'; code: string; typed: string }
  /** The key belongs to a burst in progress (not yet known to be a scan). */
  | { kind: 'pending' }
  /** Not a scanner: let the key through as typing. */
  | { kind: 'typing' };

export interface WedgeDetector {
  push(key: WedgeKey): WedgeOutcome;
  reset(): void;
}

const TYPING: WedgeOutcome = { kind: 'typing' };
const PENDING: WedgeOutcome = { kind: 'pending' };

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function createWedgeDetector(overrides: Partial<WedgeOptions> = {}): WedgeDetector {
  const options: WedgeOptions = { ...DEFAULT_WEDGE_OPTIONS, ...overrides };
  let chars: string[] = [];
  let times: number[] = [];

  const reset = () => {
    chars = [];
    times = [];
  };

  /** The keys so far (and a terminator at `endAt`) came at a scanner's pace. */
  function atScannerPace(endAt: number | null): boolean {
    const all = endAt === null ? times : [...times, endAt];
    const gaps: number[] = [];
    for (let i = 1; i < all.length; i += 1) {
      const gap = all[i]! - all[i - 1]!;
      if (gap > options.maxGapMs) return false;
      gaps.push(gap);
    }
    return gaps.length > 0 && median(gaps) <= options.maxMedianGapMs;
  }

  /**
   * The burst ends: with a terminator key at `endAt`, or (null) with the scanner's suffix, the
   * last `suffixLength` characters.
   */
  function finish(endAt: number | null, suffixLength: number): WedgeOutcome {
    const typed = chars.join('');
    let code = typed.slice(0, typed.length - suffixLength);
    const paced = atScannerPace(endAt);
    reset();
    if (options.prefix) {
      if (!code.startsWith(options.prefix)) return TYPING;
      code = code.slice(options.prefix.length);
    }
    if (!paced || code.length < options.minLength || code.length > options.maxLength) return TYPING;
    return { kind: 'scan', code, typed };
  }

  const endsWith = (text: string) =>
    text.length > 0 && chars.length >= text.length && chars.slice(-text.length).join('') === text;

  return {
    reset,
    push({ key, at }) {
      if (options.terminators.includes(key)) return finish(at, 0);
      if (key.length !== 1) {
        reset(); // Shift is filtered out before; arrows, Backspace: a person is at the keyboard
        return TYPING;
      }
      const last = times[times.length - 1];
      if (last !== undefined && at - last > options.maxGapMs) reset();
      chars.push(key);
      times.push(at);
      // A configured prefix starts a code: whatever came before it is not part of it.
      if (options.prefix && endsWith(options.prefix) && chars.length > options.prefix.length) {
        chars = chars.slice(-options.prefix.length);
        times = times.slice(-options.prefix.length);
      }
      if (chars.length > options.maxLength + options.prefix.length + options.suffix.length) {
        reset(); // longer than any code: a stuck key or a person's text
        return TYPING;
      }
      if (options.suffix && endsWith(options.suffix)) return finish(null, options.suffix.length);
      return PENDING;
    },
  };
}
