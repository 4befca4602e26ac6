// Remembered column mappings per source layout (the header fingerprint), in one small JSON file
// under DATA_DIR: the next file from the same system is mapped the way the person confirmed.
import type { Logger } from 'pino';
import { z } from 'zod';
import { mappingFingerprint, withHeaderRow } from '@/lib/core/manifest-columns';
import type { ColumnMapping } from '@/lib/core/manifest-columns';
import type { ManifestPreview } from '../import';
import { openJsonRecords } from './json-file';

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

export interface MappingMemory {
  get(fingerprint: string): RememberedMapping | null;
  remember(fingerprint: string, entry: RememberedMapping): Promise<void>;
}

export async function openMappingMemory(file: string, log: Logger): Promise<MappingMemory> {
  const records = await openJsonRecords(file, rememberedSchema, {
    max: MAX_SOURCES,
    stampOf: (entry) => entry.savedAt,
    onUnreadable: (err) =>
      log.warn({ err, file }, 'remembered mappings unreadable; starting with none'),
    // The mapping still applies to the import; only the memory of it is lost.
    onSaveError: (err) => log.error({ err, file }, 'could not save remembered mappings'),
  });
  return { get: (fingerprint) => records.get(fingerprint), remember: records.set };
}

export type { ColumnMapping };

/**
 * A preview whose header was not recognised, with the header row a person chose for the same
 * layout before: the first of its rows whose fingerprint has a remembered mapping. Unchanged
 * when a header was found or none of its rows is remembered.
 */
export function withRememberedHeader(
  preview: ManifestPreview,
  memory: MappingMemory,
): ManifestPreview {
  if (preview.header) return preview;
  const row = preview.rows.find((r) => memory.get(mappingFingerprint(r.cells)));
  return (row && withHeaderRow(preview, row.rowNumber)) ?? preview;
}
