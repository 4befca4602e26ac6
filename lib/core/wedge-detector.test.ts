import { describe, expect, it } from 'vitest';
import { createWedgeDetector, type WedgeOutcome } from './wedge-detector';

/** Types `text` then `end`, one key every `gaps[i % gaps.length]` ms, and returns the last outcome. */
function typeKeys(text: string, gaps: number[], end = 'Enter', start = 1000): WedgeOutcome[] {
  const detector = createWedgeDetector();
  let at = start;
  const outcomes: WedgeOutcome[] = [];
  [...text, end].forEach((key, i) => {
    outcomes.push(detector.push({ key, at }));
    at += gaps[i % gaps.length]!;
  });
  return outcomes;
}

describe('createWedgeDetector', () => {
  it.each([
    ['a USB scanner at 8 ms per key', 'JD014600006281234', [8]],
    ['a Bluetooth scanner sending in chunks', 'JD014600006281234', [2, 2, 2, 45]],
    ['a scanner ending with Tab', 'ABC12345', [5]],
  ])('recognises %s', (_name, text, gaps) => {
    const end = _name.includes('Tab') ? 'Tab' : 'Enter';
    expect(typeKeys(text, gaps, end).at(-1)).toEqual({ kind: 'scan', code: text });
  });

  it.each([
    ['a person typing at 120 ms per key', 'JD0146', [120]],
    ['a fast typist at 45 ms per key', 'JD0146', [45]],
    ['too short a burst', 'AB1', [5]],
  ])('lets %s through as typing', (_name, text, gaps) => {
    expect(typeKeys(text, gaps).at(-1)).toEqual({ kind: 'typing' });
  });

  it('a pause inside a burst starts a new one', () => {
    const detector = createWedgeDetector();
    'XYZ'.split('').forEach((key, i) => detector.push({ key, at: i * 5 }));
    'ABCDE'.split('').forEach((key, i) => detector.push({ key, at: 1000 + i * 5 }));
    expect(detector.push({ key: 'Enter', at: 1030 })).toEqual({ kind: 'scan', code: 'ABCDE' });
  });

  it('a named key such as Backspace means a person is typing', () => {
    const detector = createWedgeDetector();
    'ABCD'.split('').forEach((key, i) => detector.push({ key, at: i * 5 }));
    expect(detector.push({ key: 'Backspace', at: 22 })).toEqual({ kind: 'typing' });
    expect(detector.push({ key: 'Enter', at: 25 })).toEqual({ kind: 'typing' });
  });
});
