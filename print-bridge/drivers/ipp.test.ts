import { describe, expect, it } from 'vitest';
import { printerStateOf } from '@/lib/core/zebra-host-status';
import { chooseIppFormat, ippCondition } from './ipp';

describe('chooseIppFormat', () => {
  it.each([
    [['application/pdf', 'application/vnd.zebra-zpl', 'text/plain'], 'application/vnd.zebra-zpl'],
    [['application/pdf', 'application/octet-stream'], 'application/octet-stream'],
    [['application/pdf', 'TEXT/PLAIN'], 'text/plain'],
    [['application/pdf', 'image/pwg-raster'], null],
  ])('%j → %s', (supported, format) => {
    expect(chooseIppFormat(supported)).toBe(format);
  });
});

describe('ippCondition', () => {
  it.each([
    ['idle', ['none'], 'ready'],
    ['processing', ['none'], 'printing'],
    [4, [], 'printing'],
    ['stopped', ['media-empty-error'], 'paper-out'],
    ['stopped', ['media-needed-warning', 'cover-open-error'], 'head-open'],
    ['stopped', ['marker-supply-empty-error'], 'ribbon-out'],
    ['stopped', ['paused'], 'paused'],
    ['stopped', ['none'], 'paused'],
    ['idle', ['offline-report'], 'offline'],
  ] as const)('%s + %j → %s', (state, reasons, expected) => {
    expect(printerStateOf(ippCondition(state, reasons))).toBe(expected);
  });
});
