import { describe, expect, it } from 'vitest';
import { freeScanFrom } from './scan-event';

const ULID = '01JD0000000000000000000000';

describe('freeScanFrom', () => {
  it('builds a free manual scan event', () => {
    expect(
      freeScanFrom({
        code: ' jt 001 ',
        deviceId: 'dev_1',
        ulid: ULID,
        user: 'ana',
        source: 'manual',
        now: new Date('2025-01-02T03:04:05.678Z'),
      }),
    ).toEqual({
      id: `dev_1:${ULID}`,
      code: ' jt 001 ',
      normalised: 'JT001',
      manifestId: '',
      result: 'free',
      source: 'manual',
      deviceId: 'dev_1',
      user: 'ana',
      scannedAt: '2025-01-02T03:04:05.678Z',
    });
  });

  it('refuses a bad device id', () => {
    expect(() =>
      freeScanFrom({
        code: 'x',
        deviceId: 'a b',
        ulid: ULID,
        user: 'u',
        source: 'manual',
        now: new Date(0),
      }),
    ).toThrow(/device id/);
  });
});
