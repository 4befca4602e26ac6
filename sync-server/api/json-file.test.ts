import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openJsonRecords } from './json-file';

const schema = z.object({ n: z.number(), at: z.string() });
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function fileIn(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'dockhand-json-records-'));
  dirs.push(dir);
  return join(dir, 'sub', 'records.json');
}

const open = (file: string, unreadable: unknown[] = []) =>
  openJsonRecords(file, schema, {
    max: 2,
    stampOf: (r) => r.at,
    onUnreadable: (err) => unreadable.push(err),
    onSaveError: (err) => {
      throw err;
    },
  });

describe('openJsonRecords', () => {
  it('keeps records across opens and forgets the oldest past max', async () => {
    const file = await fileIn();
    const records = await open(file);
    expect(records.get('a')).toBeNull();
    await records.set('b', { n: 2, at: '2026-05-02' });
    await records.set('a', { n: 1, at: '2026-05-01' });
    await records.set('c', { n: 3, at: '2026-05-03' });
    expect(records.get('a')).toBeNull();
    const again = await open(file);
    expect([again.get('a'), again.get('b'), again.get('c')]).toEqual([
      null,
      { n: 2, at: '2026-05-02' },
      { n: 3, at: '2026-05-03' },
    ]);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({
      b: { n: 2, at: '2026-05-02' },
      c: { n: 3, at: '2026-05-03' },
    });
  });

  it('starts empty, and says so, when the file does not fit the schema', async () => {
    const file = await fileIn();
    await (await open(file)).set('a', { n: 1, at: 'x' });
    await writeFile(file, '{"a":{"n":"not a number"}}');
    const unreadable: unknown[] = [];
    const records = await open(file, unreadable);
    expect(records.get('a')).toBeNull();
    expect(unreadable).toHaveLength(1);
  });
});
