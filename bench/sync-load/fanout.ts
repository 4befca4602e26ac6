// Fan-out of sampled scans: from the write acknowledged to the pushing device, to the scan's arrival
// in every other live feed on `scans` (the other devices' and the dashboard's). A feed that was cut
// (its device lost the network) or was still catching up after reconnecting at any time between the
// acknowledgement and the arrival is left out for that scan; a feed that never got the scan counts
// as a miss (an infinite latency, so misses push the percentile up rather than vanish).
// Sampled scans are marked in their ULID (random part starting ZZZZ), so a feed answer is searched
// for the mark as bytes instead of being parsed.

/** The marker at the start of a sampled scan's ULID random part (Crockford base32 has Z). */
export const SAMPLE_MARK = 'ZZZZ';

const SAMPLED_ID =
  /^"id":"([A-Za-z0-9_-]{1,60}:[0-9A-HJKMNP-TV-Z]{10}ZZZZ[0-9A-HJKMNP-TV-Z]{12})"$/;
const ID_KEY = '"id":"';
/** The longest `"id":"<prefix>:<ulid>"` (prefix ≤ 60, ULID 26). */
const MAX_ID_FIELD = ID_KEY.length + 60 + 1 + 26 + 1;

/** Ids of sampled scans in a `_changes` answer (each row names its id as `"id"`). */
export function sampledIdsIn(body: Buffer): string[] {
  const ids = new Set<string>();
  for (let at = body.indexOf(SAMPLE_MARK); at !== -1; at = body.indexOf(SAMPLE_MARK, at + 1)) {
    const key = body.lastIndexOf(ID_KEY, at);
    if (key === -1 || at - key > MAX_ID_FIELD) continue;
    const end = body.indexOf('"', key + ID_KEY.length);
    if (end === -1 || end < at) continue;
    const match = SAMPLED_ID.exec(body.toString('latin1', key, end + 1));
    if (match) ids.add(match[1]!);
  }
  return [...ids];
}

interface Sample {
  sender: number;
  ackAt: number;
  /** Arrival time per receiver, NaN until it arrives. */
  arrivals: Float64Array;
}

export interface FanoutResult {
  /** Per sample acknowledged in the window: the slowest required receiver's delay (ms). */
  latencies: number[];
  /** Samples whose scan never reached some live receiver. */
  missed: number;
  /** Receivers left out (cut or catching up) summed over samples. */
  excluded: number;
}

export class FanoutTracker {
  private readonly samples = new Map<string, Sample>();
  /** Per receiver: [from, to] times it was not a caught-up live feed (to = Infinity while so). */
  private readonly away: Array<Array<[number, number]>>;

  constructor(private readonly receivers: number) {
    this.away = Array.from({ length: receivers }, () => []);
  }

  /** A sampled scan is made on device `sender` (its own feed is not counted). */
  add(id: string, sender: number): void {
    this.samples.set(id, {
      sender,
      ackAt: NaN,
      arrivals: new Float64Array(this.receivers).fill(NaN),
    });
  }

  isSample(id: string): boolean {
    return this.samples.has(id);
  }

  acked(id: string, at: number): void {
    const sample = this.samples.get(id);
    if (sample && Number.isNaN(sample.ackAt)) sample.ackAt = at;
  }

  arrived(receiver: number, ids: readonly string[], at: number): void {
    for (const id of ids) {
      const sample = this.samples.get(id);
      if (sample && Number.isNaN(sample.arrivals[receiver]!)) sample.arrivals[receiver] = at;
    }
  }

  /** The receiver's feed is cut (from `at` until it is caught up again). */
  leave(receiver: number, at: number): void {
    const spans = this.away[receiver]!;
    const last = spans[spans.length - 1];
    if (!last || last[1] !== Infinity) spans.push([at, Infinity]);
  }

  /** The receiver's feed is live and caught up again. */
  back(receiver: number, at: number): void {
    const last = this.away[receiver]!.at(-1);
    if (last && last[1] === Infinity) last[1] = at;
  }

  private awayBetween(receiver: number, from: number, to: number): boolean {
    return this.away[receiver]!.some(([a, b]) => a <= to && b >= from);
  }

  /** Samples acknowledged within [from, to]; receivers waited for until `end`. */
  result(from: number, to: number, end: number): FanoutResult {
    const latencies: number[] = [];
    let missed = 0;
    let excluded = 0;
    for (const sample of this.samples.values()) {
      const { ackAt } = sample;
      if (Number.isNaN(ackAt) || ackAt < from || ackAt > to) continue;
      let slowest = 0;
      for (let r = 0; r < this.receivers; r++) {
        if (r === sample.sender) continue;
        const arrival = sample.arrivals[r]!;
        if (this.awayBetween(r, ackAt, Number.isNaN(arrival) ? end : arrival)) {
          excluded += 1;
          continue;
        }
        // A feed can hear of the write before the pushing device reads its answer: 0 ms then.
        const delay = Number.isNaN(arrival) ? Infinity : Math.max(0, arrival - ackAt);
        if (delay > slowest) slowest = delay;
      }
      if (slowest === Infinity) missed += 1;
      latencies.push(slowest);
    }
    return { latencies: latencies.sort((a, b) => a - b), missed, excluded };
  }

  /** Whether every sample acknowledged in [from, to] has reached every receiver not away. */
  complete(from: number, to: number, now: number): boolean {
    const { missed } = this.result(from, to, now);
    return missed === 0;
  }
}
