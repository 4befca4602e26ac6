// Builds the immutable scan event a device records; time and id parts are passed in.
import type { Scan, ScanResult, ScanSource } from '../schema/scan';
import { VOID_REASON_MAX_LENGTH } from '../schema/scan';
import { cancelledScanIds } from './live-scans';
import { scanIdFrom } from './scan-id';

export interface ClassifiedScanInput {
  /** The code as read (kept for audit); `normalised` is what `waybillCodeFrom` made of it. */
  code: string;
  normalised: string;
  /** '' for a free-scan session. */
  manifestId: string;
  result: Exclude<ScanResult, 'void'>;
  deviceId: string;
  ulid: string;
  user: string;
  source: ScanSource;
  now: Date;
}

/** The event for a scan already classified on the device (the feedback came from the same answer). */
export function scanEventFrom(input: ClassifiedScanInput): Scan {
  return {
    id: scanIdFrom(input.deviceId, input.ulid),
    code: input.code.slice(0, 512),
    normalised: input.normalised,
    manifestId: input.manifestId,
    result: input.result,
    source: input.source,
    deviceId: input.deviceId,
    user: input.user,
    scannedAt: input.now.toISOString(),
  };
}

/**
 * An undo: a new event naming the scan it cancels. Nothing is ever deleted. A scanner undoes only
 * its own scans; a supervisor or admin voiding another person's scan gives a `reason`, without
 * which the void cancels nothing (live-scans.ts), and the server takes a reason from them only.
 */
export function voidEventFor(
  target: Scan,
  input: { deviceId: string; ulid: string; user: string; now: Date; reason?: string },
): Scan {
  const reason = input.reason?.trim().slice(0, VOID_REASON_MAX_LENGTH);
  return {
    id: scanIdFrom(input.deviceId, input.ulid),
    code: target.code,
    normalised: target.normalised,
    manifestId: target.manifestId,
    result: 'void',
    source: target.source,
    deviceId: input.deviceId,
    user: input.user,
    scannedAt: input.now.toISOString(),
    voids: target.id,
    ...(reason ? { voidReason: reason } : {}),
  };
}

/**
 * The scan an "Undo" by `user` would cancel: the newest of `events` (newest first, one device's
 * own) that is theirs, not a void and not already cancelled; null when there is none. Someone
 * else's scan on a shared device is not theirs to undo: the void would cancel nothing.
 */
export function undoTargetOf(eventsNewestFirst: readonly Scan[], user: string): Scan | null {
  const cancelled = cancelledScanIds(eventsNewestFirst);
  for (const event of eventsNewestFirst) {
    if (event.result !== 'void' && event.user === user && !cancelled.has(event.id)) return event;
  }
  return null;
}
