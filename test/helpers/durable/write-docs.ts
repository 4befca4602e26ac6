// Child process of durable-writes.test.ts (run under strace): opens a database the way one of
// the services does, then writes MARK to stderr and makes five writes, each awaited.
import { mkdirSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { openLocalDb } from '@/print-bridge/jobs/pouch-store';
import { openPouchStore } from '@/sync-server/store/pouch-store';

interface Db {
  info(): Promise<unknown>;
  put(doc: Record<string, unknown>): Promise<unknown>;
  close(): Promise<void>;
}

async function main() {
  const [mode = '', dir = ''] = process.argv.slice(2);
  let close = async () => {};
  let db: Db;
  if (mode === 'bridge') db = openLocalDb(dir, 'print_jobs') as unknown as Db;
  else if (mode === 'server') {
    const store = await openPouchStore({ dataDir: dir, sessionTimeoutS: 600, maxBodyBytes: 1e6 });
    db = (await store.database('scans')) as unknown as Db;
    close = () => store.close();
  } else {
    // PouchDB as it comes: the control.
    const PouchDB = createRequire(import.meta.url)('pouchdb') as new (name: string) => Db;
    mkdirSync(dir, { recursive: true });
    db = new PouchDB(join(dir, 'plain'));
  }
  await db.info();
  writeSync(2, 'MARK\n');
  for (let i = 0; i < 5; i++) await db.put({ _id: `doc-${i}`, n: i });
  await db.close();
  await close();
}

void main();
