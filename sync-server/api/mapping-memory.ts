// Remembered column mappings per source layout (the header fingerprint), one `mapping:<fingerprint>`
// document each in the servers' own database (server-db.ts): the next file from the same system
// is mapped the way the person confirmed, whichever sync server they reach.
import type { Logger } from 'pino';
import { z } from 'zod';
import { mappingFingerprint, withHeaderRow } from '@/lib/core/manifest-columns';
import type { ColumnMapping } from '@/lib/core/manifest-columns';
import type { ManifestPreview } from '../import';
import { docsByIds, docsWithPrefix, updateDoc } from './server-db';
import type { ServerDb, ServerDoc } from './server-db';

export const columnMappingSchema = z
  .object({
    waybill: z.number().int().min(1).max(16_384),
    consignee: z.number().int().min(1).max(16_384).optional(),
    address: z.number().int().min(1).max(16_384).optional(),
    phone: z.number().int().min(1).max(16_384).optional(),
    weight: z.number().int().min(1).max(16_384).optional(),
    extra: z.array(z.number().int().min(1).max(16_384)).max(200).default([]),
  })
  .strict();

const rememberedSchema = z.object({
  mapping: columnMappingSchema,
  sheet: z.string().max(200).optional(),
  savedAt: z.string(),
  savedBy: z.string(),
});
export type RememberedMapping = z.infer<typeof rememberedSchema>;

const MAX_SOURCES = 500; // oldest forgotten first
const PREFIX = 'mapping:';

export interface MappingMemory {
  get(fingerprint: string): Promise<RememberedMapping | null>;
  /** The remembered mappings of several layouts, in one read. */
  getMany(fingerprints: string[]): Promise<Map<string, RememberedMapping>>;
  remember(fingerprint: string, entry: RememberedMapping): Promise<void>;
}

type MappingDoc = ServerDoc & RememberedMapping;

const entryOf = (doc: MappingDoc | undefined): RememberedMapping | null => {
  const parsed = rememberedSchema.safeParse(doc);
  return parsed.success ? parsed.data : null;
};

export function openMappingMemory(db: ServerDb, log: Logger): MappingMemory {
  const getMany = async (fingerprints: string[]) => {
    const ids = [...new Set(fingerprints)].map((f) => PREFIX + f);
    const docs = await docsByIds<MappingDoc>(db, ids);
    const found = new Map<string, RememberedMapping>();
    for (const [id, doc] of docs) {
      const entry = entryOf(doc);
      if (entry) found.set(id.slice(PREFIX.length), entry);
    }
    return found;
  };
  /** Past MAX_SOURCES layouts, the oldest are forgotten (a conflict: another server did it). */
  const forgetOldest = async () => {
    const all = await docsWithPrefix<MappingDoc>(db, PREFIX);
    if (all.length <= MAX_SOURCES) return;
    const oldest = all.sort((a, b) => (a.savedAt < b.savedAt ? -1 : 1));
    for (const doc of oldest.slice(0, all.length - MAX_SOURCES)) {
      await db.put({ _id: doc._id, _rev: doc._rev, _deleted: true } as never).catch((err) => {
        if ((err as { status?: number }).status !== 409) throw err;
      });
    }
  };
  return {
    async get(fingerprint) {
      return (await getMany([fingerprint])).get(fingerprint) ?? null;
    },
    getMany,
    async remember(fingerprint, entry) {
      // The mapping still applies to the import; only the memory of it is lost.
      try {
        await updateDoc<MappingDoc>(db, PREFIX + fingerprint, () => entry);
        await forgetOldest();
      } catch (err) {
        log.error({ err, fingerprint }, 'could not save the remembered mapping');
      }
    },
  };
}

export type { ColumnMapping };

/**
 * A preview whose header was not recognised, with the header row a person chose for the same
 * layout before: the first of its rows whose fingerprint has a remembered mapping. Unchanged
 * when a header was found or none of its rows is remembered.
 */
export async function withRememberedHeader(
  preview: ManifestPreview,
  memory: MappingMemory,
): Promise<ManifestPreview> {
  if (preview.header) return preview;
  const prints = preview.rows.map((r) => mappingFingerprint(r.cells));
  const known = await memory.getMany(prints);
  const row = preview.rows.find((_r, i) => known.has(prints[i]!));
  return (row && withHeaderRow(preview, row.rowNumber)) ?? preview;
}
