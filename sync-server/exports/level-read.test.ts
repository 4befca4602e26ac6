import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PouchDatabase } from 'pouchdb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_KINDS } from '@/lib/core/export-rows';
import type { ExportRow } from '@/lib/core/export-rows';
import pino from 'pino';
import { exportRows, exportRowsViaPouch } from '../api/exports';
import type { ExportSource } from '../api/exports';
import { localLevelOf, openPouchStore } from '../store/pouch-store';
import type { Store } from '../store/store';
import {
  compareCodePoints,
  docsWrittenSince,
  liveIdsIn,
  winningBodiesIn,
  winningDocsWhere,
  winningSeqOf,
} from './level-read';
import type { Doc } from './level-read';
import { SERVER_DB } from '../api/server-db';
import { openScansMarks } from './scans-marks';
import type { ScansMarks } from './scans-marks';

const meta = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    id: 'a',
    rev_tree: [{ pos: 1, ids: ['x', { status: 'available' }, []] }],
    rev: '1-x',
    rev_map: { '1-x': 7 },
    winningRev: '1-x',
    deleted: false,
    seq: 7,
    ...over,
  });

/** A scan document of a manifest, with `over` on top. */
const scanOf = (manifestId: string) => (id: string, over: Record<string, unknown>) => ({
  _id: id,
  code: '00042',
  normalised: '00042',
  manifestId,
  result: 'matched',
  source: 'camera',
  deviceId: 'dev-1',
  user: 'sam',
  scannedAt: '2026-05-01T08:00:00.000Z',
  ...over,
});

async function all(pages: AsyncIterable<ExportRow[]>): Promise<ExportRow[]> {
  const rows: ExportRow[] = [];
  for await (const page of pages) rows.push(...page);
  return rows;
}

/** A fresh embedded store in a temp folder and its three export databases. */
async function openStoreDbs(prefix: string) {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const store = await openPouchStore({ dataDir: dir, sessionTimeoutS: 600, maxBodyBytes: 1e6 });
  const [manifests, waybills, scans] = await Promise.all([
    store.database('manifests'),
    store.database('waybills'),
    store.database('scans'),
  ]);
  return { dir, store, manifests, waybills, scans };
}

describe('winningSeqOf', () => {
  it.each([
    ['the usual layout', meta(), 7],
    ['a deleted winner', meta({ deleted: true }), null],
    [
      'a deleted winner as PouchDB writes it',
      '{"id":"c","rev":"2-b","deleted":true,"rev_tree":[],"rev_map":{"1-a":3,"2-b":5},"winningRev":"2-b","seq":5}',
      null,
    ],
    ['the winner is not the latest rev', meta({ rev_map: { '1-x': 3, '2-y': 9 } }), 3],
    ['an id that looks like the markers', meta({ id: ',"rev_map":{},"winningRev":"9-z"' }), 7],
    [
      'no cached winner (old PouchDB)',
      JSON.stringify({ id: 'a', rev_map: { '1-x': 7 } }),
      undefined,
    ],
    [
      'another key order',
      JSON.stringify({ id: 'a', winningRev: '1-x', deleted: false, rev_map: { '1-x': 5 } }),
      5,
    ],
  ])('%s', (_name, metadata, expected) => {
    expect(winningSeqOf(metadata)).toBe(expected);
  });
});

describe('compareCodePoints', () => {
  it('orders like UTF-8 bytes: astral characters after U+FFFD', () => {
    const ids = ['m:\u{1F600}', 'm:\uFFFD', 'm:é', 'm:z', 'm:a'];
    const bytes = [...ids].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect([...ids].sort(compareCodePoints)).toEqual(bytes);
  });
});

describe('LevelDB reads match PouchDB', () => {
  let dir: string;
  let store: Store;
  let waybills: PouchDatabase;
  let scans: PouchDatabase;
  let manifests: PouchDatabase;
  const ids = ['m1:00042', 'm1:00043', 'm1:00044', 'm1:é1', 'm1:\u{1F600}', 'm1:\uFFFD', 'm1:gone'];

  beforeAll(async () => {
    ({ dir, store, manifests, waybills, scans } = await openStoreDbs('dockhand-level-read-'));
    await waybills.bulkDocs([
      ...ids.map((id, i) => ({
        _id: id,
        manifestId: 'm1',
        number: id.slice(3),
        consignee: `Person ${i}`,
        weight: i,
      })),
      { _id: 'm2:00042', manifestId: 'm2', number: '00042' },
      { _id: 'm10:00001', manifestId: 'm10', number: '00001' },
      { _id: '_design/x', views: {} },
    ]);
    // An update (older body stays under its seq), a deletion, and a conflict whose winner is
    // the branch written second.
    const old = await waybills.get('m1:00043');
    await waybills.put({ ...old, consignee: 'Updated' });
    const gone = await waybills.get('m1:gone');
    await waybills.put({ ...gone, _deleted: true });
    const conflicted = await waybills.get('m1:00044');
    await (waybills as unknown as { bulkDocs(d: object[], o: object): Promise<unknown> }).bulkDocs(
      [
        { ...conflicted, _rev: '2-aaaa', consignee: 'Branch A' },
        { ...conflicted, _rev: '2-ffff', consignee: 'Branch F' },
      ].map((d) => ({
        ...d,
        _revisions: {
          start: 2,
          ids: [d._rev.slice(2), String(conflicted._rev).slice(2)],
        },
      })),
      { new_edits: false },
    );
    const scan = scanOf('m1');
    await scans.bulkDocs([
      scan('d:1', {}),
      scan('d:2', { result: 'duplicate', scannedAt: '2026-05-01T08:01:00.000Z' }),
      scan('d:3', { normalised: '00043', code: '00043' }),
      scan('d:4', { normalised: 'ZZ9', code: '=ZZ9', result: 'unknown' }),
      scan('d:5', { normalised: 'YY8', code: 'YY8', result: 'unknown' }),
      scan('d:6', { manifestId: 'other', result: 'void', voids: 'd:3' }),
      scan('d:7', { manifestId: 'm2' }),
      scan('d:8', { normalised: '\u{1F600}' }),
      scan('d:9', { normalised: 'YY8', code: 'YY8', result: 'unknown' }),
    ]);
    const deleted = await scans.get('d:9');
    await scans.put({ ...deleted, _deleted: true });
    const edited = await scans.get('d:5');
    await scans.put({ ...edited, user: 'sue' });
    await manifests.put({ _id: 'm1', name: 'M1' });
  });

  afterAll(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('finds the LevelDB of the store databases only', () => {
    expect(localLevelOf(waybills)).not.toBeNull();
    expect(localLevelOf(Object.create(waybills) as PouchDatabase)).toBeNull();
  });

  it('winning bodies and live ids of a range, in id order', async () => {
    const range = { startkey: 'm1:', endkey: 'm1:\uffff' };
    const viaPouch = await waybills.allDocs({ ...range, include_docs: true });
    const bodies = await winningBodiesIn(localLevelOf(waybills)!, range);
    expect(bodies?.map((b) => JSON.parse(b) as unknown)).toEqual(viaPouch.rows.map((r) => r.doc));
    expect(await liveIdsIn(localLevelOf(waybills)!, range)).toEqual(viaPouch.rows.map((r) => r.id));
    expect(viaPouch.rows.map((r) => r.doc?.consignee)).toContain('Branch F');
  });

  it('filtered documents of the whole database, in id order', async () => {
    const viaPouch = await scans.allDocs({ include_docs: true });
    const docs = await winningDocsWhere(
      localLevelOf(scans)!,
      () => true,
      (d) => d.result !== 'matched',
    );
    expect(docs).toEqual(viaPouch.rows.map((r) => r.doc!).filter((d) => d.result !== 'matched'));
  });

  it.each(EXPORT_KINDS)('%s export rows are the same as through PouchDB', async (kind) => {
    const source: ExportSource = { manifests, waybills, scans };
    // Both reads of this store take the LevelDB path (null would mean a silent fallback).
    expect(
      await winningDocsWhere(
        localLevelOf(scans)!,
        () => true,
        () => true,
      ),
    ).not.toBeNull();
    const direct = await all(exportRows(source, 'm1', kind));
    expect(direct.length).toBeGreaterThan(0);
    expect(direct).toEqual(await all(exportRowsViaPouch(source, 'm1', kind)));
  });
});

describe('exports of a manifest read the scans stored after it was created', () => {
  let dir: string;
  let store: Store;
  let waybills: PouchDatabase;
  let scans: PouchDatabase;
  let manifests: PouchDatabase;
  let marks: ScansMarks;
  let serverDb: PouchDatabase;
  const marked = new Map<string, Awaited<ReturnType<ScansMarks['of']>>>();
  let markSeq = 0;
  const sourceOf = (manifestId: string): ExportSource => ({
    manifests,
    waybills,
    scans,
    scansMark: marked.get(manifestId) ?? null,
  });
  const scan = scanOf('m3');

  beforeAll(async () => {
    ({ dir, store, manifests, waybills, scans } = await openStoreDbs('dockhand-scans-mark-'));
    // Before the manifests exist: other manifests' scans and a void, and (for m4 only) a scan
    // that claims a manifest not yet created, which no device can send.
    await scans.bulkDocs([
      scan('old:1', { manifestId: 'm0' }),
      scan('old:2', { manifestId: 'm0', result: 'void', voids: 'old:1' }),
      scan('old:3', {
        manifestId: 'm4',
        normalised: 'PLANTED',
        code: 'PLANTED',
        result: 'unknown',
      }),
      { _id: '_design/x', views: {} },
    ]);
    serverDb = await store.database(SERVER_DB);
    marks = openScansMarks(serverDb, pino({ level: 'silent' }));
    await marks.mark(scans, 'm3');
    await marks.mark(scans, 'm4');
    for (const id of ['m3', 'm4']) marked.set(id, await marks.of(id));
    markSeq = (await scans.info()).update_seq as number;
    await manifests.bulkDocs([
      { _id: 'm3', name: 'M3' },
      { _id: 'm4', name: 'M4' },
    ]);
    await waybills.bulkDocs(
      ['00042', '00043', '00044'].flatMap((n) => [
        { _id: `m3:${n}`, manifestId: 'm3', number: n },
        { _id: `m4:${n}`, manifestId: 'm4', number: n },
      ]),
    );
    await scans.bulkDocs([
      scan('d:1', {}),
      scan('d:2', { result: 'duplicate', scannedAt: '2026-05-01T08:01:00.000Z' }),
      scan('d:3', { normalised: '00043', code: '00043' }),
      scan('d:4', { normalised: 'ZZ9', code: 'ZZ9', result: 'unknown' }),
      scan('d:5', { manifestId: 'other', result: 'void', voids: 'd:3' }),
      scan('d:6', { manifestId: 'm4' }),
      scan('d:7', { manifestId: 'm9' }),
    ]);
    // A design document changed after the mark (bootstrap does this on upgrades) is not an edit.
    const design = await scans.get('_design/x');
    await scans.put({ ...design, views: { y: {} } });
  });

  afterAll(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('the mark is where the database stood, kept when marked again, and stored', async () => {
    expect(await marks.of('m3')).toMatchObject({ seq: markSeq });
    await marks.mark(scans, 'm3');
    expect((await marks.of('m3'))?.seq).toBe(markSeq);
    // Another sync server on the same store reads the same mark.
    const other = openScansMarks(serverDb, pino({ level: 'silent' }));
    expect(await other.of('m3')).toEqual(await marks.of('m3'));
    expect(await other.of('m-none')).toBeNull();
  });

  it('a mark of another database, or ahead of this one, is not used', async () => {
    const source = sourceOf('m4');
    const unexpected = async (mark: ExportSource['scansMark']) =>
      (await all(exportRows({ ...source, scansMark: mark }, 'm4', 'unexpected'))).map(
        (r) => r.normalised,
      );
    expect(await unexpected(source.scansMark)).not.toContain('PLANTED');
    expect(await unexpected({ ...source.scansMark!, dbId: 'another' })).toContain('PLANTED');
    expect(await unexpected({ ...source.scansMark!, seq: 1e9 })).toContain('PLANTED');
    expect(await unexpected(null)).toContain('PLANTED');
  });

  it('docsWrittenSince reads exactly the documents written after a seq, in id order', async () => {
    const docs = await docsWrittenSince(
      localLevelOf(scans)!,
      markSeq,
      () => true,
      () => true,
    );
    const viaPouch = await scans.allDocs({ include_docs: true });
    const after = viaPouch.rows.map((r) => r.doc!).filter((d) => String(d._id).startsWith('d:'));
    expect(docs).toEqual(after);
  });

  it.each(EXPORT_KINDS)('%s export rows are the same as through PouchDB', async (kind) => {
    const source = sourceOf('m3');
    const direct = await all(exportRows(source, 'm3', kind));
    expect(direct.length).toBeGreaterThan(0);
    expect(direct).toEqual(await all(exportRowsViaPouch(source, 'm3', kind)));
  });

  it('a scan stored before its manifest existed is not read (reading all scans would)', async () => {
    const source = sourceOf('m4');
    const numbers = (rows: ExportRow[]) => rows.map((r) => r.normalised ?? r.number);
    expect(numbers(await all(exportRowsViaPouch(source, 'm4', 'unexpected')))).toContain('PLANTED');
    expect(numbers(await all(exportRows(source, 'm4', 'unexpected')))).not.toContain('PLANTED');
    expect(numbers(await all(exportRows(source, 'm4', 'scanned')))).toEqual(['00042']);
  });

  it('after an admin edits a scan, the export reads every scan again, and is still right', async () => {
    const edited = await scans.get('d:4');
    await scans.put({ ...edited, user: 'sue' });
    expect(
      await docsWrittenSince(
        localLevelOf(scans)!,
        markSeq,
        () => true,
        () => true,
      ),
    ).toBeNull();
    const source = sourceOf('m3');
    for (const kind of EXPORT_KINDS) {
      expect(await all(exportRows(source, 'm3', kind))).toEqual(
        await all(exportRowsViaPouch(source, 'm3', kind)),
      );
    }
    // Now the planted scan is read as well: the whole database is.
    expect(
      (await all(exportRows(sourceOf('m4'), 'm4', 'unexpected'))).map((r) => r.normalised),
    ).toContain('PLANTED');
  });
});

describe('docsWrittenSince reads every scan again when one after the mark is not a plain first revision', () => {
  const mayKeep = (body: string) => body.includes('"manifestId":"m5"');
  const keep = (doc: Doc) => doc.manifestId === 'm5';

  it.each([
    [
      'a scan created already deleted',
      async (scans: PouchDatabase) => {
        await scans.put({ ...scanOf('m5')('a:2', {}), _deleted: true });
      },
    ],
    [
      'a conflicting first revision of another manifest, written with new_edits:false',
      async (scans: PouchDatabase) => {
        await (scans as unknown as { bulkDocs(d: object[], o: object): Promise<unknown> }).bulkDocs(
          [{ ...scanOf('zzz')('a:1', {}), _rev: '1-ffffffffffffffffffffffffffffffff' }],
          { new_edits: false },
        );
      },
    ],
  ])('%s', async (_, write) => {
    const { dir, store, scans } = await openStoreDbs('dockhand-since-');
    try {
      await scans.put(scanOf('m0')('old:1', {}));
      const mark = (await scans.info()).update_seq as number;
      await scans.put(scanOf('m5')('a:1', {}));
      const level = localLevelOf(scans)!;
      expect((await docsWrittenSince(level, mark, mayKeep, keep))?.map((d) => d._id)).toEqual([
        'a:1',
      ]);
      await write(scans);
      expect(await docsWrittenSince(level, mark, mayKeep, keep)).toBeNull();
      // What the whole-database read (the fallback) answers is the winners.
      const winners = await winningDocsWhere(level, mayKeep, keep);
      const viaPouch = await scans.allDocs({ include_docs: true });
      expect(winners).toEqual(viaPouch.rows.map((r) => r.doc!).filter(keep));
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
