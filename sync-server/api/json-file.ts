// Small JSON state files under DATA_DIR (remembered mappings, scans marks): each save is written
// to a temp file then renamed, one after another, so a crash never leaves half a file.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** The file's JSON, or undefined when it does not exist (other errors are thrown). */
export async function readJsonFile(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as unknown;
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** A save function for `file`: saves run in order; a failed one goes to `onError`. */
export function jsonFileSaver(
  file: string,
  onError: (err: unknown) => void,
): (value: unknown) => Promise<void> {
  let writing: Promise<void> = Promise.resolve();
  return (value) => {
    const text = JSON.stringify(value);
    writing = writing
      .then(async () => {
        await mkdir(dirname(file), { recursive: true });
        await writeFile(`${file}.tmp`, text);
        await rename(`${file}.tmp`, file);
      })
      .catch(onError);
    return writing;
  };
}
