// Builds the immutable scan event a device records; time and id parts are passed in.
import type { Scan, ScanSource } from '../schema/scan';
import { normaliseCode } from './normalise-code';
import { scanIdFrom } from './scan-id';

export interface ScanInput {
  code: string;
  deviceId: string;
  ulid: string;
  user: string;
  source: ScanSource;
  now: Date;
}

/** A free scan (not matched against a manifest yet): `manifestId` is empty, `result` is 'free'. */
export function freeScanFrom(input: ScanInput): Scan {
  return {
    id: scanIdFrom(input.deviceId, input.ulid),
    code: input.code,
    normalised: normaliseCode(input.code),
    manifestId: '',
    result: 'free',
    source: input.source,
    deviceId: input.deviceId,
    user: input.user,
    scannedAt: input.now.toISOString(),
  };
}
