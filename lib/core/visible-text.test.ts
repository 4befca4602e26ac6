import { describe, expect, it } from 'vitest';
import { visibleText } from './visible-text';

describe('visibleText', () => {
  it('shows a right-to-left override instead of obeying it', () => {
    expect(visibleText('invoice\u202efdp.exe')).toBe('invoice‹U+202E›fdp.exe');
  });

  it('shows every embedding, override and isolate control', () => {
    const controls = '\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069';
    expect(visibleText(controls)).toBe(
      [...controls].map((c) => `‹U+${c.codePointAt(0)!.toString(16).toUpperCase()}›`).join(''),
    );
  });

  it('leaves other text alone, right-to-left scripts included', () => {
    for (const text of ['Zoë Ådams 张伟', 'محمد', 'שלום', 'JD0001'])
      expect(visibleText(text)).toBe(text);
  });
});
