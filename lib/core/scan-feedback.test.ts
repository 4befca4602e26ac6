import { describe, expect, it } from 'vitest';
import { feedbackFor, feedbackForRejected } from './scan-feedback';
import type { Classification } from './scan-matching';

const cases: Array<[string, Classification]> = [
  ['matched', { result: 'matched' }],
  [
    'duplicate',
    {
      result: 'duplicate',
      first: { scanId: 'd:1', user: 'bo', scannedAt: '2026-11-23T08:15:00.000Z' },
    },
  ],
  ['other-manifest', { result: 'other-manifest', manifestIds: ['m2'] }],
  ['unknown', { result: 'unknown' }],
  ['free', { result: 'free' }],
];

describe('feedbackFor', () => {
  it('every result sounds, vibrates and looks different from a match', () => {
    const matched = feedbackFor({ result: 'matched' }, 'A1');
    for (const [name, classification] of cases.filter(([n]) => n !== 'matched' && n !== 'free')) {
      const feedback = feedbackFor(classification, 'A1');
      expect(feedback.colour, name).not.toBe(matched.colour);
      expect(feedback.tone, name).not.toEqual(matched.tone);
      expect(feedback.vibration, name).not.toEqual(matched.vibration);
    }
  });

  it("a duplicate says who scanned it first and when, in the device's time zone", () => {
    const before = process.env.TZ;
    process.env.TZ = 'Africa/Lagos'; // UTC+1, no daylight saving: 08:15Z is 09:15 there
    try {
      expect(feedbackFor(cases[1]![1], 'A1').detail).toBe('A1 — by bo at 09:15');
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });

  it('a wrong-manifest scan names the manifest it belongs to', () => {
    expect(
      feedbackFor(cases[2]![1], 'A1', (id) => (id === 'm2' ? 'Monday north' : id)).detail,
    ).toBe('A1 belongs to Monday north');
  });

  it('a stray product barcode is told apart from an unknown waybill', () => {
    expect(feedbackForRejected('pattern-mismatch', '5901234123457')).toMatchObject({
      headline: 'Not a waybill',
      colour: 'grey',
    });
    const product = feedbackForRejected('product-barcode', '5901234123457');
    expect(product).toMatchObject({ headline: 'Not a waybill', colour: 'grey' });
    expect(product.detail).toContain('product barcode');
    expect(product.tone).not.toEqual(feedbackFor({ result: 'unknown' }, 'X').tone);
  });
});
