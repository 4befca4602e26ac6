// Short human wording for "how long ago", readable at arm's length: "just now", "5 min ago".
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

export function relativeTimeFrom(then: Date, now: Date): string {
  const ago = now.getTime() - then.getTime();
  if (ago < MINUTE_MS) return 'just now';
  if (ago < HOUR_MS) return `${Math.floor(ago / MINUTE_MS)} min ago`;
  if (ago < DAY_MS) {
    const hours = Math.floor(ago / HOUR_MS);
    return `${hours} h ago`;
  }
  const days = Math.floor(ago / DAY_MS);
  return days === 1 ? 'yesterday' : `${days} days ago`;
}

/** "14:05" in the device's time zone, 24-hour, as warehouses read shift times. */
export function clockTimeOf(at: Date): string {
  return `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
}
