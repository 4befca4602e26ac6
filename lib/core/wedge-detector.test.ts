import { describe, expect, it } from 'vitest';
import { createWedgeDetector } from './wedge-detector';
import type { WedgeOptions, WedgeOutcome } from './wedge-detector';

/**
 * Sends `text` then `end`, the gap before key i+1 being `gaps[i % gaps.length]` ms (a key of
 * `end` '' sends none), and returns every outcome.
 */
function send(
  text: string,
  gaps: number[],
  end = 'Enter',
  options: Partial<WedgeOptions> = {},
): WedgeOutcome[] {
  const detector = createWedgeDetector(options);
  let at = 1000;
  const keys = end ? [...text, end] : [...text];
  return keys.map((key, i) => {
    const outcome = detector.push({ key, at });
    at += gaps[i % gaps.length]!;
    return outcome;
  });
}

/** Gaps of `perKey` ms with one pause of `pauseMs` after key `at`. */
function withPause(length: number, perKey: number, at: number, pauseMs: number): number[] {
  return Array.from({ length }, (_, i) => (i === at ? pauseMs : perKey));
}

const CODE = '7801233288123456';

describe('createWedgeDetector', () => {
  it.each([
    ['a USB scanner at 8 ms per key', [8]],
    ['a scanner pacing keys at 35 ms', [35]],
    ['a scanner pacing keys at 40 ms', [40]],
    ['a Bluetooth scanner sending in chunks', [2, 2, 2, 45]],
    ['a burst with one 80 ms pause in the middle', withPause(CODE.length, 5, 7, 80)],
  ])('recognises %s, whole', (_name, gaps) => {
    expect(send(CODE, gaps).at(-1)).toEqual({ kind: 'scan', code: CODE, typed: CODE });
  });

  it('recognises every code sent at 5, 20 and 40 ms a key with a 50–150 ms pause anywhere', () => {
    for (const perKey of [5, 20, 40])
      for (const pause of [50, 100, 150])
        for (let at = 0; at < CODE.length - 1; at += 1) {
          const outcome = send(CODE, withPause(CODE.length, perKey, at, pause)).at(-1);
          expect(outcome, `${perKey} ms a key, ${pause} ms pause after key ${at}`).toEqual({
            kind: 'scan',
            code: CODE,
            typed: CODE,
          });
        }
  });

  it('recognises a code ended by Tab', () => {
    expect(send('ABC12345', [5], 'Tab').at(-1)).toMatchObject({ kind: 'scan', code: 'ABC12345' });
  });

  it.each([
    ['a person typing at 120 ms per key', 'JD0146', [120]],
    ['a fast typist at 90 ms per key', 'JD0146', [90]],
    ['too short a burst', 'AB1', [5]],
    ['a burst longer than any code', 'A'.repeat(81), [5]],
  ])('lets %s through as typing', (_name, text, gaps) => {
    expect(send(text, gaps).at(-1)).toEqual({ kind: 'typing' });
  });

  it('a pause longer than any scanner makes starts a new burst', () => {
    const detector = createWedgeDetector();
    'XYZ'.split('').forEach((key, i) => detector.push({ key, at: i * 5 }));
    'ABCDE'.split('').forEach((key, i) => detector.push({ key, at: 1000 + i * 5 }));
    expect(detector.push({ key: 'Enter', at: 1030 })).toMatchObject({
      kind: 'scan',
      code: 'ABCDE',
    });
  });

  it('a named key such as Backspace means a person is typing', () => {
    const detector = createWedgeDetector();
    'ABCD'.split('').forEach((key, i) => detector.push({ key, at: i * 5 }));
    expect(detector.push({ key: 'Backspace', at: 22 })).toEqual({ kind: 'typing' });
    expect(detector.push({ key: 'Enter', at: 25 })).toEqual({ kind: 'typing' });
  });

  it('strips a configured prefix, drops what came before it, and needs it', () => {
    const options = { prefix: ']C' };
    expect(send(`]C${CODE}`, [5], 'Enter', options).at(-1)).toEqual({
      kind: 'scan',
      code: CODE,
      typed: `]C${CODE}`,
    });
    // Characters before the prefix (a stray key) are not part of the code.
    expect(send(`q]C${CODE}`, [5], 'Enter', options).at(-1)).toMatchObject({ code: CODE });
    expect(send(CODE, [5], 'Enter', options).at(-1)).toEqual({ kind: 'typing' });
  });

  it('ends a code at a configured suffix without Enter', () => {
    const outcomes = send(`${CODE}#!`, [5], '', { suffix: '#!' });
    expect(outcomes.at(-1)).toEqual({ kind: 'scan', code: CODE, typed: `${CODE}#!` });
    expect(outcomes.slice(0, -1).every((o) => o.kind === 'pending')).toBe(true);
  });
});
