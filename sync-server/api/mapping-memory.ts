// Remembered column mappings per source layout (the header fingerprint), in one small JSON file
// under DATA_DIR: the next file from the same system is mapped the way the person confirmed.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { ColumnMapping } from '@/lib/core/manifest-columns';

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
    entries = fileSchema.parse(JSON.parse(await readFile(file, 'utf8')));
  } catch (err) {
    if ((err as { code?: string }).code !== 'ENOENT')
      log.warn({ err, file }, 'remembered mappings unreadable; starting with none');
  }
  let writing: Promise<void> = Promise.resolve();
  return {
    get: (fingerprint) => entries[fingerprint] ?? null,
    remember(fingerprint, entry) {
      const next = { ...entries, [fingerprint]: entry };
      const keys = Object.keys(next).sort((a, b) => (next[a]!.savedAt < next[b]!.savedAt ? -1 : 1));
      for (const key of keys.slice(0, Math.max(0, keys.length - MAX_SOURCES))) delete next[key];
      entries = next;
      const text = JSON.stringify(entries);
      // Written one after another, each to a temp file then renamed, so a crash never leaves half.
      writing = writing
        .then(async () => {
          await mkdir(dirname(file), { recursive: true });
          await writeFile(`${file}.tmp`, text);
          await rename(`${file}.tmp`, file);
        })
        .catch((err: unknown) => {
          // The mapping still applies to this import; only the memory of it is lost.
          log.error({ err, file }, 'could not save remembered mappings');
        });
      return writing;
    },
  };
}

export type { ColumnMapping };
