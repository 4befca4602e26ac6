// Start-up clean-up of imports a stopped process left half done: a manifest still `importing`
// has no import running any more (imports run only inside this process), so its waybills are
// deleted and it is marked `failed` — devices never saw it open, and never will.
import type { Manifest } from '@/lib/schema';
import { pouchManifestWriter } from './writer';
import type { PouchLike } from './writer';

export interface RecoveredImport {
  manifestId: string;
  waybillsDeleted: number;
}

export async function recoverInterruptedImports(dbs: {
  manifests: PouchLike;
  waybills: PouchLike;
}): Promise<RecoveredImport[]> {
  const writer = pouchManifestWriter(dbs);
  const all = (await dbs.manifests.allDocs({ include_docs: true })) as unknown as {
    rows: { id: string; doc?: Record<string, unknown> }[];
  };
  const recovered: RecoveredImport[] = [];
  for (const row of all.rows) {
    const doc = row.doc;
    if (!doc || row.id.startsWith('_design/') || doc.status !== 'importing') continue;
    const { _id: _ignored, _rev: _rev, ...rest } = doc;
    const waybillsDeleted = await writer.deleteWaybills(row.id);
    await writer.updateManifest({
      ...(rest as Omit<Manifest, 'id'>),
      id: row.id,
      rowCount: 0,
      status: 'failed',
    });
    recovered.push({ manifestId: row.id, waybillsDeleted });
  }
  return recovered;
}
