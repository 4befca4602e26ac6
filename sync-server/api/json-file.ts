// Small keyed records kept in one JSON file under DATA_DIR (remembered mappings, scans marks):
// read once at start, each change written to a temp file then renamed, one after another, so a
// crash never leaves half a file; past `max` records the oldest are forgotten.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';

export interface JsonRecords<T> {
  get(key: string): T | null;
  /** Keeps the record (in memory at once); resolves once the file is written or failed. */
  set(key: string, value: T): Promise<void>;
}

export interface JsonRecordsOptions<T> {
  max: number;
  /** ISO time of a record: the oldest go first past `max`. */
  stampOf: (value: T) => string;
  /** The file exists but does not read or fit the schema: starting with none. */
  onUnreadable: (err: unknown) => void;
  onSaveError: (err: unknown) => void;
}

async function readJsonFile(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as unknown;
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return undefined;
    throw err;
  }
}

export async function openJsonRecords<T>(
  file: string,
  schema: z.ZodType<T>,
  options: JsonRecordsOptions<T>,
): Promise<JsonRecords<T>> {
  let records = new Map<string, T>();
  try {
    const read = z.record(z.string(), schema).parse((await readJsonFile(file)) ?? {});
    records = new Map(Object.entries(read) as [string, T][]);
  } catch (err) {
    options.onUnreadable(err);
  }
  let writing: Promise<void> = Promise.resolve();
  return {
    get: (key) => records.get(key) ?? null,
    set(key, value) {
      records.set(key, value);
      if (records.size > options.max) {
        const oldest = [...records.keys()].sort((a, b) =>
          options.stampOf(records.get(a)!) < options.stampOf(records.get(b)!) ? -1 : 1,
        );
        for (const k of oldest.slice(0, records.size - options.max)) records.delete(k);
      }
      const text = JSON.stringify(Object.fromEntries(records));
      writing = writing
        .then(async () => {
          await mkdir(dirname(file), { recursive: true });
          await writeFile(`${file}.tmp`, text);
          await rename(`${file}.tmp`, file);
        })
        .catch(options.onSaveError);
      return writing;
    },
  };
}
