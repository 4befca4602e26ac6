// Wall-clock time in a named time zone (IANA, e.g. "Africa/Lagos"), for exports a person reads
// in a spreadsheet: Excel dates carry no zone, so a scan at 08:15Z must be written as the 09:15
// the office saw on the dashboard. Intl only; pure.

const MAX_ZONE_LENGTH = 64;

/**
 * The zone's name when the runtime knows it, else null. The name is kept as given (ICU would
 * turn Asia/Kolkata into its old alias Asia/Calcutta), with its case set right when it differs.
 */
export function knownTimeZone(name: unknown): string | null {
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_ZONE_LENGTH) return null;
  try {
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions()
      .timeZone;
    return resolved.toLowerCase() === name.toLowerCase() ? resolved : name;
  } catch {
    return null;
  }
}

const BLOCK_MS = 15 * 60_000; // every zone's offsets and transitions fall on quarter hours

/**
 * A function from an instant to a Date whose UTC fields read the zone's wall-clock time then.
 * Offsets are looked up once per quarter hour (an export holds many scans of the same hours).
 */
export function wallClockIn(timeZone: string): (instant: Date) => Date {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
  });
  const offsets = new Map<number, number>();
  const offsetAt = (block: number): number => {
    let offset = offsets.get(block);
    if (offset === undefined) {
      const at = block * BLOCK_MS;
      const f: Record<string, number> = {};
      for (const part of format.formatToParts(at)) f[part.type] = Number(part.value);
      const local = Date.UTC(f.year!, f.month! - 1, f.day!, f.hour!, f.minute!);
      offset = local - at;
      offsets.set(block, offset);
    }
    return offset;
  };
  return (instant) => {
    const ms = instant.getTime();
    if (Number.isNaN(ms)) return instant;
    return new Date(ms + offsetAt(Math.floor(ms / BLOCK_MS)));
  };
}

/** "2026-05-01 09:15:00": a wall-clock Date (see wallClockIn) as spreadsheet-readable text. */
export function wallClockText(wallClock: Date): string {
  return wallClock.toISOString().slice(0, 19).replace('T', ' ');
}
