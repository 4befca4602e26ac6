import { describe, expect, it } from 'vitest';
import { updateDoc } from './server-db';
import type { ServerDb, ServerDoc } from './server-db';

/** A one-document store whose next `interleave` writes land just before ours (another server). */
function racingDb(interleave: Array<(doc: ServerDoc | null) => ServerDoc>) {
  let stored: ServerDoc | null = null;
  let rev = 0;
  const write = (doc: ServerDoc) => {
    rev += 1;
    stored = { ...doc, _rev: `${rev}-x` };
    return { ok: true, id: doc._id, rev: `${rev}-x` };
  };
  const db = {
    async get(id: string) {
      if (!stored || stored._id !== id) throw Object.assign(new Error('missing'), { status: 404 });
      return { ...stored };
    },
    async put(doc: ServerDoc) {
      const other = interleave.shift();
      if (other) write({ ...other(stored), _id: doc._id });
      if ((stored?._rev ?? undefined) !== doc._rev)
        throw Object.assign(new Error('conflict'), { status: 409 });
      return write(doc);
    },
    async allDocs() {
      return { rows: [] };
    },
  } as unknown as ServerDb;
  return { db, stored: () => stored };
}

describe('updateDoc', () => {
  it('a 409 reads again and keeps the other server’s change', async () => {
    const { db, stored } = racingDb([
      (doc) => ({ ...(doc ?? { _id: 'import:1' }), cancelRequested: true }),
    ]);
    const written = await updateDoc<ServerDoc>(db, 'import:1', (current) => ({
      ...current,
      progress: 2,
    }));
    expect(written).toMatchObject({ progress: 2, cancelRequested: true });
    expect(stored()).toMatchObject({ progress: 2, cancelRequested: true });
  });

  it('decides again after a conflict and may then write nothing', async () => {
    const { db } = racingDb([() => ({ _id: 'upload:1', busyWith: 'import:other' })]);
    const seen: unknown[] = [];
    const written = await updateDoc<ServerDoc>(db, 'upload:1', (current) => {
      seen.push(current?.busyWith ?? null);
      return current?.busyWith ? null : { busyWith: 'import:mine' };
    });
    expect(seen).toEqual([null, 'import:other']);
    expect(written).toBeNull();
  });
});
