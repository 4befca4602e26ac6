import { describe, expect, it } from 'vitest';
import {
  hostStatusComplete,
  parseHostStatus,
  printerBlocked,
  printerStateOf,
} from './zebra-host-status';

const S = '\u0002';
const E = '\u0003';
const line = (text: string) => `${S}${text}${E}\r\n`;
const answer = (one: string, two: string, three = '1234,0') => line(one) + line(two) + line(three);

// A GK420d-style answer at rest: 9600 baud settings, 1245-dot labels, nothing in the buffer.
const OK_1 = '030,0,0,1245,000,0,0,0,000,0,0,0';
const OK_2 = '001,0,0,0,1,2,6,0,00000000,1,000';

describe('parseHostStatus', () => {
  it.each([
    ['a printer at rest', answer(OK_1, OK_2), 'ready', []],
    ['paper out', answer('030,1,0,1245,000,0,0,0,000,0,0,0', OK_2), 'paper-out', ['paper-out']],
    ['paused', answer('030,0,1,1245,000,0,0,0,000,0,0,0', OK_2), 'paused', ['paused']],
    ['head open', answer(OK_1, '001,0,1,0,1,2,6,0,00000000,1,000'), 'head-open', ['head-open']],
    ['ribbon out', answer(OK_1, '001,0,0,1,1,2,6,0,00000000,1,000'), 'ribbon-out', ['ribbon-out']],
    [
      'head open and paper out: the head is what a person fixes first',
      answer('030,1,1,1245,000,0,0,0,000,0,0,0', '001,0,1,0,1,2,6,0,00000000,1,000'),
      'head-open',
      ['paper-out', 'paused', 'head-open'],
    ],
    [
      'labels still printing',
      answer('030,0,0,1245,002,0,0,0,000,0,0,0', '001,0,0,0,1,2,6,0,00000003,1,000'),
      'printing',
      [],
    ],
    ['garbage before and after the frames', `\u0000\xff?? ${answer(OK_1, OK_2)}junk`, 'ready', []],
    ['no third string (some firmware)', line(OK_1) + line(OK_2), 'ready', []],
    ['frames without CR LF', `${S}${OK_1}${E}${S}${OK_2}${E}`, 'ready', []],
    ['a cut frame followed by a whole answer', `${S}030,0,0${answer(OK_1, OK_2)}`, 'ready', []],
  ])('%s', (_name, text, state, reasons) => {
    const result = parseHostStatus(text);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(printerStateOf(result.status)).toBe(state);
    expect(result.status.reasons).toEqual(reasons);
  });

  it.each([
    ['nothing', '', 'no-answer'],
    ['text without frames', 'HELLO\r\n', 'no-answer'],
    ['only the start of string 1', `${S}030,0,0,12`, 'partial-answer'],
    ['string 1 alone', line(OK_1), 'partial-answer'],
    ['string 1 with a field missing', answer('030,0,0,1245,000,0,0,0,000,0,0', OK_2), 'malformed'],
    ['a flag that is not 0 or 1', answer('030,7,0,1245,000,0,0,0,000,0,0,0', OK_2), 'malformed'],
    ['string 2 cut short', answer(OK_1, '001,0,0,0,1'), 'malformed'],
    ['an HTTP answer on port 9100', 'HTTP/1.1 400 Bad Request\r\n\r\n', 'no-answer'],
  ])('%s → %s', (_name, text, error) => {
    expect(parseHostStatus(text)).toEqual({ ok: false, error });
  });

  it('knows when all three strings are in', () => {
    expect(hostStatusComplete(line(OK_1) + line(OK_2))).toBe(false);
    expect(hostStatusComplete(answer(OK_1, OK_2))).toBe(true);
  });
});

describe('printerStateOf / printerBlocked', () => {
  const base = {
    online: true,
    paperOut: false,
    headOpen: false,
    paused: false,
    ribbonOut: false,
    reasons: [],
  };
  it.each([
    [{ ...base, online: false }, 'offline', false],
    [{ ...base, paperOut: true }, 'paper-out', true],
    [{ ...base, busy: true }, 'printing', false],
    [base, 'ready', false],
  ])('%o → %s', (condition, state, blocked) => {
    expect(printerStateOf(condition)).toBe(state);
    expect(printerBlocked(condition)).toBe(blocked);
  });
});
