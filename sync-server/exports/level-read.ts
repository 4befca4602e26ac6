// Bulk reads of winning documents straight from an embedded database's LevelDB, in PouchDB 9's
// on-disk layout: sequential scans of `document-store` (id → revision metadata) and `by-sequence`
// (seq → body) instead of PouchDB's one LevelDB `get` per document (~60 µs of main thread each).
// Every function answers null when the data is not in the expected shape; callers then read
// through PouchDB, so a layout change costs speed, never correctness.
import type { LevelNext, LocalLevel } from '../store/store';

// Keys are `ÿ<sublevel>ÿ<key>` as UTF-8 (PouchDB's sublevel precodec); U+0100 is the first
// character after `ÿ`, so `ÿ<sublevel>Ā` bounds the whole sublevel whatever the ids contain.
const DOC_STORE = '\xffdocument-store\xff';
const DOC_STORE_END = '\xffdocument-store\u0100';
const BY_SEQ = '\xffby-sequence\xff';
const DESIGN = '_design/';
const SEQ_DIGITS = 16; // PouchDB's formatSeq()
/** Wanted seqs closer than this are read with one range scan rather than separate ones. */
const SEQ_RUN_GAP = 512;
const HIGH_WATER_BYTES = 256 * 1024; // per native iterator call

export type Doc = Record<string, unknown>;

export interface IdRange {
  /** First id (inclusive); the whole database when absent. */
  startkey?: string;
  /** Last id (inclusive). */
  endkey?: string;
}

function seqKey(seq: number): string {
  return BY_SEQ + String(seq).padStart(SEQ_DIGITS, '0');
}

/**
 * Which of `ids` have a document record (live, deleted or conflicted), in one native LevelDB call;
 * null when this leveldown cannot. PouchDB answers `_all_docs` with keys by one range read per
 * key: three native calls each, which were a twentieth of the server's time under 200 devices
 * checking their pushes.
 */
export function storedIdsOf(level: LocalLevel, ids: readonly string[]): Promise<boolean[] | null> {
  const getMany = level.getMany;
  if (typeof getMany !== 'function') return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    getMany.call(
      level,
      ids.map((id) => DOC_STORE + id),
      { asBuffer: false },
      (err, values) => (err || !values ? reject(err) : resolve(values.map((v) => v !== undefined))),
    );
  });
}

/** Calls `onEntry` for every key/value of a key range, in key order. */
export function forEachEntry(
  level: LocalLevel,
  range: { gt?: string; gte?: string; lt?: string; lte?: string },
  onEntry: (key: string, value: string) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const it = level.iterator({
      ...range,
      keyAsBuffer: false,
      valueAsBuffer: false,
      highWaterMark: HIGH_WATER_BYTES,
    });
    const finish = (err?: Error | null) =>
      it.end((endErr) => (err || endErr ? reject(err ?? endErr) : resolve()));
    const step: LevelNext = (err, key, value) => {
      if (err) return finish(err);
      if (key === undefined || value === undefined) return finish();
      try {
        onEntry(key, value);
      } catch (e) {
        return finish(e as Error);
      }
      it.next(step);
    };
    it.next(step);
  });
}

/**
 * The seq of a document's winning revision from its `document-store` metadata, null when the
 * winner is deleted, undefined when the metadata has no cached winner (written by an old PouchDB).
 * The metadata ends `…,"rev_map":{…},"winningRev":"…","deleted":…,"seq":…}`; only the id, first,
 * holds user text, where quotes are escaped, so those markers cannot come from an id.
 */
export function winningSeqOf(metadata: string): number | null | undefined {
  const fast = winningSeqFast(metadata);
  if (fast !== undefined) return fast;
  // Another layout (deleted documents carry `deleted` before the revision tree): read it whole.
  const whole = JSON.parse(metadata) as {
    rev_map?: unknown;
    winningRev?: unknown;
    deleted?: unknown;
  };
  if (typeof whole.winningRev !== 'string' || typeof whole.deleted !== 'boolean') return undefined;
  if (whole.deleted) return null;
  const seq = (whole.rev_map as Record<string, unknown> | null | undefined)?.[whole.winningRev];
  return typeof seq === 'number' ? seq : undefined;
}

const WINNER_MARK = ',"winningRev":"';
const LIVE_MARK = '","deleted":false,';
const MAP_MARK = ',"rev_map":{';

/**
 * winningSeqOf() without JSON.parse for live documents in the usual layout (most of the time of
 * a read otherwise goes into parsing metadata); undefined for anything else.
 */
function winningSeqFast(metadata: string): number | undefined {
  const winnerAt = metadata.lastIndexOf(WINNER_MARK);
  if (winnerAt < 0) return undefined;
  const revAt = winnerAt + WINNER_MARK.length;
  const revEnd = metadata.indexOf('"', revAt);
  if (revEnd < 0 || !metadata.startsWith(LIVE_MARK, revEnd)) return undefined;
  const rev = metadata.slice(revAt, revEnd);
  if (rev.includes('\\')) return undefined; // escaped text: leave it to JSON.parse
  const mapAt = metadata.lastIndexOf(MAP_MARK, winnerAt);
  if (mapAt < 0) return undefined;
  const key = `"${rev}":`;
  const keyAt = metadata.indexOf(key, mapAt);
  if (keyAt < 0 || keyAt > winnerAt) return undefined;
  let seq = 0;
  let i = keyAt + key.length;
  for (let c = metadata.charCodeAt(i); c >= 48 && c <= 57; c = metadata.charCodeAt(++i))
    seq = seq * 10 + (c - 48);
  return i > keyAt + key.length ? seq : undefined;
}

/** Ids and winning seqs of the live documents of a range, in id order; null: read via PouchDB. */
async function winnersIn(
  level: LocalLevel,
  range: IdRange,
  withIds: boolean,
): Promise<{ ids: string[]; seqs: number[] } | null> {
  const ids: string[] = [];
  const seqs: number[] = [];
  let unreadable = false;
  await forEachEntry(
    level,
    {
      gte: DOC_STORE + (range.startkey ?? ''),
      ...(range.endkey !== undefined ? { lte: DOC_STORE + range.endkey } : { lt: DOC_STORE_END }),
    },
    (key, value) => {
      if (unreadable || key.startsWith(DESIGN, DOC_STORE.length)) return;
      const seq = winningSeqOf(value);
      if (seq === undefined) unreadable = true;
      else if (seq !== null) {
        if (withIds) ids.push(key.slice(DOC_STORE.length));
        seqs.push(seq);
      }
    },
  );
  return unreadable ? null : { ids, seqs };
}

/** Ids of the live documents of a range, in id order; null: read via PouchDB. */
export async function liveIdsIn(level: LocalLevel, range: IdRange): Promise<string[] | null> {
  return (await winnersIn(level, range, true))?.ids ?? null;
}

/**
 * Reads the bodies of the given seqs (sorted ascending) with one range scan per run of nearby
 * seqs, calling `onBody(index, body)` with the seq's index; false when one is missing.
 */
async function bodiesBySeq(
  level: LocalLevel,
  sorted: number[],
  onBody: (index: number, body: string) => void,
): Promise<boolean> {
  let found = 0;
  for (let start = 0; start < sorted.length;) {
    let end = start;
    while (end + 1 < sorted.length && sorted[end + 1]! - sorted[end]! <= SEQ_RUN_GAP) end += 1;
    let next = start;
    await forEachEntry(
      level,
      { gte: seqKey(sorted[start]!), lte: seqKey(sorted[end]!) },
      (key, value) => {
        if (next > end) return;
        const seq = Number(key.slice(BY_SEQ.length));
        while (next <= end && sorted[next]! < seq) next += 1; // a wanted seq that is gone
        if (sorted[next] === seq) {
          onBody(next, value);
          found += 1;
          next += 1;
        }
      },
    );
    start = end + 1;
  }
  return found === sorted.length;
}

/**
 * The winning bodies (JSON text) of the live documents of an id range, in id order. Metadata is
 * read before bodies, so a document updated meanwhile is exported as it was (its older body stays
 * under its seq until compaction; if compacted, null and the caller reads via PouchDB).
 */
export async function winningBodiesIn(level: LocalLevel, range: IdRange): Promise<string[] | null> {
  const winners = await winnersIn(level, range, false);
  if (!winners) return null;
  const { seqs } = winners;
  const order = seqs.map((_, i) => i).sort((a, b) => seqs[a]! - seqs[b]!);
  const sorted = order.map((i) => seqs[i]!);
  const bodies: string[] = new Array<string>(seqs.length);
  const complete = await bodiesBySeq(level, sorted, (k, body) => {
    bodies[order[k]!] = body;
  });
  return complete ? bodies : null;
}

/** Orders strings as LevelDB orders their UTF-8 bytes (code point order, unlike `<` on UTF-16). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (D800–DFFF) encode code points above FFFF: they go after E000–FFFF.
    if (x >= 0xd800) x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
    if (y >= 0xd800) y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    return x - y;
  }
  return a.length - b.length;
}

/**
 * The live documents of the whole database that `keep` accepts, in id order. `mayKeep` sees the
 * JSON text first and must accept every body `keep` would (a cheap substring test), so most
 * bodies are never parsed; only kept documents are held in memory.
 */
export async function winningDocsWhere(
  level: LocalLevel,
  mayKeep: (body: string) => boolean,
  keep: (doc: Doc) => boolean,
): Promise<Doc[] | null> {
  const winners = await winnersIn(level, {}, false);
  if (!winners) return null;
  const sorted = winners.seqs.sort((a, b) => a - b);
  const kept: Doc[] = [];
  const complete = await bodiesBySeq(level, sorted, (_k, body) => {
    if (!mayKeep(body)) return;
    const doc = JSON.parse(body) as Doc;
    if (keep(doc)) kept.push(doc);
  });
  if (!complete) return null;
  return kept.sort((a, b) => compareCodePoints(String(a._id), String(b._id)));
}

const BY_SEQ_END = '\xffby-sequence\u0100';
const FIRST_REVISION = '"_rev":"1-';
const DELETED = '"_deleted":true';
const ID_MARK = '"_id":"';
const DESIGN_BODY = `${ID_MARK}${DESIGN}`;

/**
 * The `_id` of a stored body without parsing it all (bodies of schema-checked documents hold
 * `"_id":"` once, as a key: quotes inside values are escaped); undefined when it needs parsing.
 */
function idOfBody(body: string): string | undefined {
  const at = body.indexOf(ID_MARK);
  if (at < 0) return undefined;
  const end = body.indexOf('"', at + ID_MARK.length);
  const id = body.slice(at + ID_MARK.length, end);
  return end < 0 || id.includes('\\') ? undefined : id;
}

/**
 * The documents that `keep` accepts among those written after `sinceSeq`, in id order: reads
 * only the `by-sequence` entries after it, not the whole database. Valid for databases whose
 * documents are written once (scans are immutable events): null — read the whole database —
 * when any entry after `sinceSeq` is not a plain first revision (a later revision, a deletion,
 * a document created deleted) or when an id appears twice (an edit, or a conflicting first
 * revision written with new_edits:false). Only admins can write those to scans. `mayKeep` as
 * in winningDocsWhere. Design documents are skipped.
 */
export async function docsWrittenSince(
  level: LocalLevel,
  sinceSeq: number,
  mayKeep: (body: string) => boolean,
  keep: (doc: Doc) => boolean,
): Promise<Doc[] | null> {
  const kept: Doc[] = [];
  const seen = new Set<string>();
  let edited = false;
  await forEachEntry(level, { gt: seqKey(sinceSeq), lt: BY_SEQ_END }, (_key, body) => {
    if (edited || body.includes(DESIGN_BODY)) return;
    let doc: Doc | undefined;
    let id = idOfBody(body);
    if (id === undefined) {
      doc = JSON.parse(body) as Doc;
      id = String(doc._id);
    }
    if (!body.includes(FIRST_REVISION) || body.includes(DELETED) || seen.has(id)) {
      edited = true;
      return;
    }
    seen.add(id);
    if (!mayKeep(body)) return;
    doc ??= JSON.parse(body) as Doc;
    if (!keep(doc)) return;
    if (doc._deleted || typeof doc._rev !== 'string' || !doc._rev.startsWith('1-')) {
      edited = true;
      return;
    }
    kept.push(doc);
  });
  if (edited) return null;
  return kept.sort((a, b) => compareCodePoints(String(a._id), String(b._id)));
}
