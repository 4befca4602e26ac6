// Which scans count: the one rule for a void event cancelling the scan it names, and the order
// scans are read in. The device's match index, the progress fold, the dashboard, the exports,
// undo and the scan feed all decide through this file, so they cannot disagree.
//
// A void cancels its target only when it is the target's owner's own undo (same `user`), or a
// supervisor's or admin's correction, which carries a `voidReason`. The server refuses a reason
// from anyone else (validate_doc_update), and refuses a `user` that is not the writer; it cannot
// read the target there, so a scanner's void naming another person's scan may still be stored.
// Such a void cancels nothing, wherever it is read.

/** The fields of a scan or void event that decide what counts (a subset of lib/schema Scan). */
export interface VoidableEvent {
  id: string;
  user: string;
  scannedAt: string;
  result: string;
  /** On a void: the id of the scan it cancels. */
  voids?: string;
  /** On a supervisor's or admin's void: why (lets it cancel another person's scan). */
  voidReason?: string;
}

/** Orders events as they happened: ISO time, then id (device + ULID) to break ties the same way everywhere. */
export function compareScanEvents(a: VoidableEvent, b: VoidableEvent): number {
  if (a.scannedAt !== b.scannedAt) return a.scannedAt < b.scannedAt ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** A reason that says something: whitespace alone is no reason. */
export function hasVoidReason(event: Pick<VoidableEvent, 'voidReason'>): boolean {
  return typeof event.voidReason === 'string' && event.voidReason.trim() !== '';
}

/** Whether `voidEvent` cancels `target`. */
export function voidCancels(voidEvent: VoidableEvent, target: VoidableEvent): boolean {
  return (
    voidEvent.result === 'void' &&
    voidEvent.voids === target.id &&
    target.result !== 'void' &&
    (voidEvent.user === target.user || hasVoidReason(voidEvent))
  );
}

/** Ids of the scans among `events` that a void among them cancels; events in any order. */
export function cancelledScanIds(events: Iterable<VoidableEvent>): Set<string> {
  const voidsOf = new Map<string, VoidableEvent[]>();
  const scans: VoidableEvent[] = [];
  for (const event of events) {
    if (event.result !== 'void') scans.push(event);
    else if (event.voids) {
      const list = voidsOf.get(event.voids);
      if (list) list.push(event);
      else voidsOf.set(event.voids, [event]);
    }
  }
  const cancelled = new Set<string>();
  for (const scan of scans) {
    if (voidsOf.get(scan.id)?.some((v) => voidCancels(v, scan))) cancelled.add(scan.id);
  }
  return cancelled;
}

/**
 * The scans among `events` that count: not voids, not cancelled, each id once (the first copy;
 * replication may deliver an event twice). In input order.
 */
export function liveScansOf<T extends VoidableEvent>(events: Iterable<T>): T[] {
  const all = [...events];
  const cancelled = cancelledScanIds(all);
  const seen = new Set<string>();
  const live: T[] = [];
  for (const event of all) {
    if (event.result === 'void' || cancelled.has(event.id) || seen.has(event.id)) continue;
    seen.add(event.id);
    live.push(event);
  }
  return live;
}

/** What one event changed: a scan now counts, a scan stopped counting, or nothing. */
export type LiveChange<T> = { live: T } | { cancelled: T } | null;

/** The same rule kept current one event at a time, for models that follow a changes feed. */
export interface LiveScans<T extends VoidableEvent> {
  /** Takes a scan or void event, in any order; an id seen before changes nothing. */
  add(event: T): LiveChange<T>;
  /** The scan is known, not a void, and not cancelled. */
  isLive(id: string): boolean;
}

export function createLiveScans<T extends VoidableEvent>(): LiveScans<T> {
  const byId = new Map<string, T>();
  // Voids by the id they name, kept for a target that has not arrived yet.
  const voidsOf = new Map<string, T[]>();
  const cancelled = new Set<string>();
  return {
    add(event) {
      if (byId.has(event.id)) return null;
      byId.set(event.id, event);
      if (event.result === 'void') {
        if (!event.voids) return null;
        const list = voidsOf.get(event.voids);
        if (list) list.push(event);
        else voidsOf.set(event.voids, [event]);
        const target = byId.get(event.voids);
        if (!target || cancelled.has(target.id) || !voidCancels(event, target)) return null;
        cancelled.add(target.id);
        return { cancelled: target };
      }
      if (voidsOf.get(event.id)?.some((v) => voidCancels(v, event))) {
        cancelled.add(event.id);
        return null;
      }
      return { live: event };
    },
    isLive(id) {
      const event = byId.get(id);
      return event !== undefined && event.result !== 'void' && !cancelled.has(id);
    },
  };
}
