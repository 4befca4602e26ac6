// Zebra `~HS` host status: parses the three STX…ETX framed strings into the printer status model,
// and names the one state a person sees. ZPL II Programming Guide, "~HS Host Status Return".
import type { PrinterCondition, PrinterState } from '../schema/printer';

const STX = '\u0002';
const ETX = '\u0003';

export type HostStatusError = 'no-answer' | 'partial-answer' | 'malformed';

export interface HostStatus extends PrinterCondition {
  busy: boolean;
  /** Formats in the receive buffer (string 1, field eee). */
  formatsInBuffer: number;
  /** Labels remaining in the batch (string 2, field uuuuuuuu). */
  labelsRemaining: number;
  bufferFull: boolean;
  underTemperature: boolean;
  overTemperature: boolean;
  corruptRam: boolean;
}

export type HostStatusParse =
  { ok: true; status: HostStatus } | { ok: false; error: HostStatusError };

/** The complete frames (text between STX and ETX) in an answer; bytes outside frames are noise. */
export function hostStatusFrames(answer: string): string[] {
  const frames: string[] = [];
  let start = answer.indexOf(STX);
  while (start !== -1) {
    const end = answer.indexOf(ETX, start + 1);
    if (end === -1) break;
    // A second STX before the ETX means the first frame was cut: start again from there.
    const restart = answer.lastIndexOf(STX, end);
    frames.push(answer.slice(restart + 1, end));
    start = answer.indexOf(STX, end + 1);
  }
  return frames;
}

/** True once an answer holds all three frames (a reader can stop waiting). */
export function hostStatusComplete(answer: string): boolean {
  return hostStatusFrames(answer).length >= 3;
}

const FLAG = /^[01]$/;
const DIGITS = /^\d+$/;

/**
 * String 1: aaa,b,c,dddd,eee,f,g,h,iii,j,k,l — b paper out, c pause, eee formats in buffer,
 * f buffer full, j corrupt RAM, k under temperature, l over temperature.
 * String 2: mmm,n,o,p,q,r,s,t,uuuuuuuu,v,www — o head up, p ribbon out, uuuuuuuu labels remaining.
 * String 3 (password, static RAM) carries nothing for status and may be missing.
 */
export function parseHostStatus(answer: string): HostStatusParse {
  const frames = hostStatusFrames(answer);
  if (frames.length === 0) {
    return { ok: false, error: answer.includes(STX) ? 'partial-answer' : 'no-answer' };
  }
  const one = frames[0]!.split(',').map((f) => f.trim());
  if (one.length !== 12) return { ok: false, error: 'malformed' };
  if (frames.length < 2) return { ok: false, error: 'partial-answer' };
  const two = frames[1]!.split(',').map((f) => f.trim());
  if (two.length !== 11) return { ok: false, error: 'malformed' };
  const flags = [one[1], one[2], one[5], one[9], one[10], one[11], two[2], two[3]];
  if (!flags.every((f) => f !== undefined && FLAG.test(f)))
    return { ok: false, error: 'malformed' };
  if (!DIGITS.test(one[4]!) || !DIGITS.test(two[8]!)) return { ok: false, error: 'malformed' };

  const status: HostStatus = {
    online: true,
    paperOut: one[1] === '1',
    paused: one[2] === '1',
    headOpen: two[2] === '1',
    ribbonOut: two[3] === '1',
    formatsInBuffer: Number(one[4]),
    labelsRemaining: Number(two[8]),
    bufferFull: one[5] === '1',
    corruptRam: one[9] === '1',
    underTemperature: one[10] === '1',
    overTemperature: one[11] === '1',
    busy: false,
    reasons: [],
  };
  status.busy = status.formatsInBuffer > 0 || status.labelsRemaining > 0;
  const named: Array<[keyof HostStatus, string]> = [
    ['paperOut', 'paper-out'],
    ['paused', 'paused'],
    ['headOpen', 'head-open'],
    ['ribbonOut', 'ribbon-out'],
    ['bufferFull', 'buffer-full'],
    ['corruptRam', 'corrupt-ram'],
    ['underTemperature', 'under-temperature'],
    ['overTemperature', 'over-temperature'],
  ];
  status.reasons = named.filter(([key]) => status[key] === true).map(([, name]) => name);
  return { ok: true, status };
}

/** The one state a person sees; the first condition that stops printing wins. */
export function printerStateOf(condition: PrinterCondition): PrinterState {
  if (!condition.online) return 'offline';
  if (condition.headOpen) return 'head-open';
  if (condition.paperOut) return 'paper-out';
  if (condition.ribbonOut) return 'ribbon-out';
  if (condition.paused) return 'paused';
  if (condition.busy) return 'printing';
  return 'ready';
}

/** Whether a label sent now would wait in the printer instead of printing. */
export function printerBlocked(condition: PrinterCondition): boolean {
  const state = printerStateOf(condition);
  return state !== 'ready' && state !== 'printing' && state !== 'offline';
}
