// Remembered column mappings per source layout (the header fingerprint), in one small JSON file
// under DATA_DIR: the next file from the same system is mapped the way the person confirmed.
import type { Logger } from 'pino';
import { z } from 'zod';
import type { ColumnMapping } from '@/lib/core/manifest-columns';
import { jsonFileSaver, readJsonFile } from './json-file';

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

const fileSchema = z.record(z.string(), rememberedSchema);
const MAX_SOURCES = 500; // oldest forgotten first

export interface MappingMemory {
  get(fingerprint: string): RememberedMapping | null;
  remember(fingerprint: string, entry: RememberedMapping): Promise<void>;
}

export async function openMappingMemory(file: string, log: Logger): Promise<MappingMemory> {
  let entries: Record<string, RememberedMapping> = {};
  try {
    entries = fileSchema.parse((await readJsonFile(file)) ?? {});
  } catch (err) {
    log.warn({ err, file }, 'remembered mappings unreadable; starting with none');
  }
  // The mapping still applies to the import; only the memory of it is lost.
  const save = jsonFileSaver(file, (err) =>
    log.error({ err, file }, 'could not save remembered mappings'),
  );
  return {
    get: (fingerprint) => entries[fingerprint] ?? null,
    remember(fingerprint, entry) {
      const next = { ...entries, [fingerprint]: entry };
      const keys = Object.keys(next).sort((a, b) => (next[a]!.savedAt < next[b]!.savedAt ? -1 : 1));
      for (const key of keys.slice(0, Math.max(0, keys.length - MAX_SOURCES))) delete next[key];
      entries = next;
      return save(entries);
    },
  };
}

export type { ColumnMapping };
