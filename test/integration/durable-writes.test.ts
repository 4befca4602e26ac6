// Writes of the sync server's store and of the print bridge's job store reach the disk before
// they are reported done (fsync), so a power cut cannot undo a stored scan or a job marked
// `printing`. Checked on the real processes with strace: LevelDB syncs its log with fdatasync.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const CHILD = join(__dirname, '../helpers/durable/write-docs.ts');
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

/** fsync/fdatasync calls the child made after opening its database (five awaited writes). */
async function syncsAfterOpen(mode: string): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'dockhand-durable-'));
  dirs.push(dir);
  const trace = join(dir, 'strace.txt');
  execFileSync(
    'strace',
    [
      '-f',
      '-qq',
      '-e',
      'trace=fsync,fdatasync,write',
      '-o',
      trace,
      process.execPath,
      '--import',
      'tsx',
      CHILD,
      mode,
      join(dir, 'data'),
    ],
    { stdio: 'ignore', timeout: 60_000 },
  );
  const lines = (await readFile(trace, 'utf8')).split('\n');
  const mark = lines.findIndex((l) => l.includes('"MARK\\n"'));
  expect(mark).toBeGreaterThan(-1);
  return lines.slice(mark).filter((l) => /\b(fsync|fdatasync)\(/.test(l)).length;
}

describe('durable writes', () => {
  it('PouchDB as it comes does not sync (the control)', async () => {
    expect(await syncsAfterOpen('plain')).toBe(0);
  });

  it.each(['bridge', 'server'])('the %s store syncs every write', async (mode) => {
    expect(await syncsAfterOpen(mode)).toBeGreaterThanOrEqual(5);
  });
});
