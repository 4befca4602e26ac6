import { describe, expect, it } from 'vitest';
import type { TextField, WedgeKeyEvent, WedgeListenerDeps } from './wedge-listener';
import { createWedgeDetector } from '../core/wedge-detector';
import { listenForWedge } from './wedge-listener';

function harness(field: TextField | null = null, detector?: WedgeListenerDeps['detector']) {
  let listener: ((e: WedgeKeyEvent) => void) | null = null;
  const scans: string[] = [];
  const target: WedgeListenerDeps['target'] = {
    addEventListener: (_t, l) => void (listener = l),
    removeEventListener: () => void (listener = null),
  };
  const stop = listenForWedge({
    target,
    focusedField: () => field,
    setFieldValue: (f, v) => void (f.value = v),
    onScan: (code) => scans.push(code),
    detector,
  });
  /** Types `keys` with `gapMs` between them; returns which events were prevented. */
  const type = (keys: string[], gapMs: number, start = 1_000) => {
    const preventedKeys: string[] = [];
    keys.forEach((key, i) => {
      let prevented = false;
      listener?.({
        key,
        timeStamp: start + i * gapMs,
        ctrlKey: false,
        altKey: false,
        metaKey: false,
        preventDefault: () => {
          prevented = true;
          preventedKeys.push(key);
        },
      });
      // The browser's default action, unless prevented: the character lands in the field.
      if (field && key.length === 1 && !prevented) field.value += key;
    });
    return preventedKeys;
  };
  return { scans, type, stop, attached: () => listener !== null };
}

const keysOf = (code: string, end = 'Enter') => [...code.split(''), end];

describe('listenForWedge', () => {
  it('takes a scanner burst anywhere and swallows its Enter', () => {
    const h = harness();
    expect(h.type(keysOf('JD0001'), 8)).toEqual(['Enter']);
    expect(h.scans).toEqual(['JD0001']);
  });

  it('ignores Shift presses a scanner sends for capitals', () => {
    const h = harness();
    h.type(['Shift', 'J', 'Shift', 'D', '0', '0', '1', 'Enter'], 6);
    expect(h.scans).toEqual(['JD001']);
  });

  it('takes the burst back out of a focused field, leaving earlier text', () => {
    const field = { value: 'AB' };
    const h = harness(field);
    h.type(keysOf('WB9001', 'Tab'), 10);
    expect(h.scans).toEqual(['WB9001']);
    expect(field.value).toBe('AB');
  });

  it('leaves human typing alone', () => {
    const field = { value: '' };
    const h = harness(field);
    expect(h.type(keysOf('ZZ7777'), 120)).toEqual([]);
    expect(h.scans).toEqual([]);
    expect(field.value).toBe('ZZ7777');
  });

  it("takes a Bluetooth scanner's code sent in two chunks out of the field whole, once", () => {
    const field = { value: '' };
    const h = harness(field);
    // 7801233 at 5 ms a key, an 80 ms pause, then 288 and Enter: the head is not left behind.
    h.type('7801233'.split(''), 5, 1_000);
    expect(h.type(keysOf('288'), 5, 1_000 + 6 * 5 + 80)).toEqual(['Enter']);
    expect(h.scans).toEqual(['7801233288']);
    expect(field.value).toBe('');
  });

  it('takes a code with a configured prefix and suffix out of the field, all of it', () => {
    const field = { value: 'AB' };
    const h = harness(field, createWedgeDetector({ prefix: ']C0', suffix: '~' }));
    expect(h.type([...']C0WB9001~'], 6)).toEqual(['~']);
    expect(h.scans).toEqual(['WB9001']);
    expect(field.value).toBe('AB');
  });

  it('detaches', () => {
    const h = harness();
    h.stop();
    expect(h.attached()).toBe(false);
  });
});
