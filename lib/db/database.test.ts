import { createRxDatabase } from 'rxdb';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { describe, expect, it } from 'vitest';
import { linkSchema } from '../schema/link';
import type { Link } from '../schema/link';
import { scanSchema } from '../schema/scan';
import type { Scan } from '../schema/scan';
import { createDockhandDatabase } from './database';

// A device keeps its IndexedDB across app updates: a collection stored under an older schema must
// open under the new one with every document kept (RxDB refuses a changed schema of the same
// version outright, and the app would not start).

const scan: Scan = {
  id: 'dev-1:01HZ0000000000000000000001',
  code: 'JD1',
  normalised: 'JD1',
  manifestId: 'm-1',
  result: 'matched',
  source: 'camera',
  deviceId: 'dev-1',
  user: 'sam',
  scannedAt: '2026-11-23T08:00:00.000Z',
};

const link: Link = {
  id: 'dock-7',
  target: 'https://example.com/track',
  enabled: true,
  owner: 'sue',
  createdAt: '2026-11-23T08:00:00.000Z',
};

/** The scans schema as devices stored it before `voidReason`. */
function scanSchemaV0() {
  const { voidReason: _added, ...properties } = structuredClone(scanSchema.properties);
  return { ...structuredClone(scanSchema), version: 0, properties };
}

/** The links schema as devices stored it before control characters were refused. */
function linkSchemaV0() {
  const schema = structuredClone(linkSchema) as { version: number; properties: object };
  const target = { type: 'string', maxLength: 2048, pattern: '^https?://[^/@\\s]+(/|$|\\?|#)' };
  return { ...schema, version: 0, properties: { ...schema.properties, target } };
}

describe('createDockhandDatabase', () => {
  it('opens a device database stored under the older schemas, keeping its documents', async () => {
    const storage = getRxStorageMemory();
    const name = `upgrade${Date.now()}`;
    const old = await createRxDatabase({ name, storage, multiInstance: false });
    await old.addCollections({
      scans: { schema: scanSchemaV0() as never },
      links: { schema: linkSchemaV0() as never },
    });
    await old.collections.scans!.insert(scan);
    await old.collections.links!.insert(link);
    await old.close();

    const db = await createDockhandDatabase({ name, storage });
    try {
      expect((await db.scans.findOne(scan.id).exec())?.toJSON()).toEqual(scan);
      expect((await db.links.findOne(link.id).exec())?.toJSON()).toEqual(link);
      const correction: Scan = {
        ...scan,
        id: 'dev-9:01HZ0000000000000000000002',
        deviceId: 'dev-9',
        user: 'sue',
        result: 'void',
        voids: scan.id,
        voidReason: 'scanned onto the wrong pallet',
      };
      await db.scans.insert(correction);
      expect((await db.scans.findOne(correction.id).exec())?.voidReason).toBe(
        'scanned onto the wrong pallet',
      );
    } finally {
      await db.close();
    }
  });
});
