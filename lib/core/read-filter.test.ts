import { describe, expect, it } from 'vitest';
import {
  agreeingReads,
  isProductFormat,
  EMPTY_REPEAT_STATE,
  suppressRepeats,
  type FrameRead,
  type RepeatState,
} from './read-filter';

const c128 = (text: string): FrameRead => ({ text, format: 'code128' });
const qr = (text: string): FrameRead => ({ text, format: 'qr' });
const dm = (text: string): FrameRead => ({ text, format: 'datamatrix' });

describe('agreeingReads', () => {
  it.each<[string, FrameRead[], FrameRead[], FrameRead[]]>([
    ['1D read on its first frame waits', [], [c128('JD1')], []],
    [
      '1D read agreeing with the previous frame passes',
      [c128('JD1')],
      [c128('JD1')],
      [c128('JD1')],
    ],
    ['1D misread that differs from the previous frame waits', [c128('JD1')], [c128('JD7')], []],
    [
      'same text in another 1D format does not agree',
      [{ text: '123', format: 'itf' }],
      [{ text: '123', format: 'code39' }],
      [],
    ],
    ['QR passes at once', [], [qr('https://x')], [qr('https://x')]],
    ['DataMatrix passes at once', [], [dm('JD1')], [dm('JD1')]],
    ...(['pdf417', 'aztec', 'maxicode'] as const).map(
      (format): [string, FrameRead[], FrameRead[], FrameRead[]] => [
        `${format} (error-corrected) passes at once`,
        [],
        [{ text: '1Z1', format }],
        [{ text: '1Z1', format }],
      ],
    ),
    ...(['code93', 'codabar', 'ean8', 'upca', 'upce'] as const).map(
      (format): [string, FrameRead[], FrameRead[], FrameRead[]] => [
        `${format} on its first frame waits`,
        [],
        [{ text: '12345670', format }],
        [],
      ],
    ),
    ['mixed frame: 2D passes, new 1D waits', [], [c128('JD1'), qr('Q')], [qr('Q')]],
    [
      'duplicates within a frame are kept once',
      [c128('A')],
      [c128('A'), c128('A'), qr('Q'), qr('Q')],
      [c128('A'), qr('Q')],
    ],
    ['an empty frame yields nothing', [c128('A')], [], []],
  ])('%s', (_name, previous, current, expected) => {
    expect(agreeingReads(previous, current)).toEqual(expected);
  });

  it('keeps extra fields of the current reads', () => {
    const read = { ...c128('A'), cornerPoints: [{ x: 1, y: 2 }] };
    expect(agreeingReads([c128('A')], [read])[0]).toBe(read);
  });
});

describe('suppressRepeats', () => {
  const WINDOW = 2_000;
  type Step = [at: number, texts: string[], fresh: string[]];

  it.each<[string, Step[]]>([
    ['a new code fires', [[0, ['A'], ['A']]]],
    [
      'a code held in view fires once',
      [
        [0, ['A'], ['A']],
        [100, ['A'], []],
        [1_900, ['A'], []],
        [3_800, ['A'], []],
      ],
    ],
    [
      'a code back after the window fires again',
      [
        [0, ['A'], ['A']],
        [2_000, ['A'], ['A']],
      ],
    ],
    [
      'just inside the window is suppressed',
      [
        [0, ['A'], ['A']],
        [1_999, ['A'], []],
      ],
    ],
    [
      'the window slides while the code stays in view',
      [
        [0, ['A'], ['A']],
        [1_500, ['A'], []],
        [3_000, ['A'], []],
        [5_000, ['A'], ['A']],
      ],
    ],
    [
      'different codes are independent',
      [
        [0, ['A'], ['A']],
        [10, ['B'], ['B']],
        [20, ['A', 'B', 'C'], ['C']],
      ],
    ],
    ['a repeat inside one frame fires once', [[0, ['A', 'A'], ['A']]]],
  ])('%s', (_name, steps) => {
    let state: RepeatState = EMPTY_REPEAT_STATE;
    for (const [at, texts, fresh] of steps) {
      const result = suppressRepeats(state, texts.map(c128), at, WINDOW);
      expect(
        result.fresh.map((r) => r.text),
        `at ${at} ms`,
      ).toEqual(fresh);
      state = result.state;
    }
  });

  it('forgets entries older than the window and does not mutate its input', () => {
    const first = suppressRepeats(EMPTY_REPEAT_STATE, [c128('A')], 0, WINDOW);
    const later = suppressRepeats(first.state, [c128('B')], 5_000, WINDOW);
    expect([...later.state.keys()]).toEqual(['B']);
    expect([...first.state.keys()]).toEqual(['A']);
    expect(EMPTY_REPEAT_STATE.size).toBe(0);
  });
});

describe('isProductFormat', () => {
  it('takes retail symbologies for product barcodes, and nothing a waybill is printed in', () => {
    expect((['ean13', 'ean8', 'upca', 'upce'] as const).every(isProductFormat)).toBe(true);
    const waybillFormats = ['code128', 'qr', 'datamatrix', 'pdf417', 'code39', 'itf'] as const;
    expect(waybillFormats.some(isProductFormat)).toBe(false);
    expect(isProductFormat(undefined)).toBe(false); // typed or wedge: no format known
  });
});
