// Scan documents as a device's RxDB pushes them (lib/schema/scan.ts, primary key sent as `_id`):
// ids `<deviceId>:<ULID>`, mostly matches of the manifest, some re-scans, unknown codes and undos.
import type { Scan } from '../../lib/schema';
import { SAMPLE_MARK } from './fanout';
import { carrierNumber } from '../../test/fixtures/carrier-numbers';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const NOT_Z = CROCKFORD.slice(0, -1);

export type ScanDoc = Omit<Scan, 'id'> & { _id: string };

function randomCrockford(length: number, alphabet = CROCKFORD): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(Math.random() * alphabet.length)];
  return out;
}

/**
 * A ULID (https://github.com/ulid/spec): 10 characters of millisecond time, 16 random. A sampled
 * scan's random part starts with SAMPLE_MARK; no other does (its first character is never Z).
 */
export function ulid(nowMs: number, sampled: boolean): string {
  let time = '';
  let t = nowMs;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const random = sampled
    ? SAMPLE_MARK + randomCrockford(12)
    : randomCrockford(1, NOT_Z) + randomCrockford(15);
  return time + random;
}

export interface ScanMaker {
  deviceId: string;
  user: string;
  manifestId: string;
  numbers: readonly string[];
  /** This device's recent scans (re-scans and undos pick from them). */
  recent: ScanDoc[];
}

const RECENT_KEPT = 50;

/** The next scan a person makes on this device. */
export function nextScan(maker: ScanMaker, nowMs: number, sampled: boolean): ScanDoc {
  const pick = Math.random();
  // Only an undo or a re-scan needs this person's earlier scans (most scans do not).
  const own = pick < 0.06 ? maker.recent.filter((s) => s.result !== 'void') : [];
  const base = {
    _id: `${maker.deviceId}:${ulid(nowMs, sampled)}`,
    manifestId: maker.manifestId,
    source: Math.random() < 0.7 ? 'camera' : 'wedge',
    deviceId: maker.deviceId,
    user: maker.user,
    scannedAt: new Date(nowMs).toISOString(),
  } as const;
  let scan: ScanDoc;
  if (pick < 0.01 && own.length > 0) {
    // An undo of one of this person's own scans: no reason needed (scan-rules.ts).
    const target = own[Math.floor(Math.random() * own.length)]!;
    scan = {
      ...base,
      code: target.code,
      normalised: target.normalised,
      result: 'void',
      voids: target._id,
    };
  } else if (pick < 0.06 && own.length > 0) {
    const again = own[Math.floor(Math.random() * own.length)]!;
    scan = { ...base, code: again.code, normalised: again.normalised, result: 'duplicate' };
  } else if (pick < 0.1) {
    const code = carrierNumber(Math.random);
    scan = { ...base, code, normalised: code, result: 'unknown' };
  } else {
    const number = maker.numbers[Math.floor(Math.random() * maker.numbers.length)]!;
    // A wedge scanner may send the carrier's lower case; the device normalises it.
    const code = base.source === 'wedge' && Math.random() < 0.2 ? number.toLowerCase() : number;
    scan = { ...base, code, normalised: number, result: 'matched' };
  }
  maker.recent.push(scan);
  if (maker.recent.length > RECENT_KEPT) maker.recent.shift();
  return scan;
}
