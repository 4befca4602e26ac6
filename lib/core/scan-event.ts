// Builds the immutable scan event a device records; time and id parts are passed in.
import type { Scan, ScanResult, ScanSource } from '../schema/scan';
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

/** An undo: a new event naming the scan it cancels. Nothing is ever deleted. */
export function voidEventFor(
  target: Scan,
  input: { deviceId: string; ulid: string; user: string; now: Date },
): Scan {
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
  };
}

/**
 * The scan an "Undo" would cancel: the newest of `events` (newest first, one device's own)
 * that is neither a void nor already voided; null when there is none.
 */
export function undoTargetOf(eventsNewestFirst: readonly Scan[]): Scan | null {
  const voided = new Set<string>();
  for (const event of eventsNewestFirst) {
    if (event.result === 'void') {
      if (event.voids) voided.add(event.voids);
      continue;
    }
    if (!voided.has(event.id)) return event;
  }
  return null;
}
