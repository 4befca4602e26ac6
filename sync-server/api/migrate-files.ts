// Once, at start: what an earlier version kept in files under DATA_DIR/api (remembered mappings,
// scans marks, import jobs and their reports) goes into the servers' own database, so an upgraded
// single-machine site keeps them. Each file is renamed `*.migrated` once stored; a record the
// database already holds is left as it is.
import { readFile, readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { IMPORT_ERRORS } from '../import';
import { MARK_PREFIX } from '../exports/scans-marks';
import { readDoc, updateDoc } from './server-db';
import type { ServerDb, ServerDoc } from './server-db';

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as unknown;
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Stores each record whose document does not exist yet; answers how many were stored. */
async function storeMissing(
  db: ServerDb,
  records: Array<[string, Record<string, unknown>]>,
): Promise<number> {
  let stored = 0;
  for (const [id, record] of records) {
    await updateDoc<ServerDoc>(db, id, (current) => {
      if (current) return null;
      stored += 1;
      return record;
    });
  }
  return stored;
}

export async function migrateApiFiles(
  apiDir: string,
  db: ServerDb,
  serverId: string,
  log: Logger,
): Promise<void> {
  const move = async (
    name: string,
    recordsOf: (json: unknown) => Promise<Array<[string, Record<string, unknown>]>>,
  ) => {
    const file = join(apiDir, name);
    try {
      const json = await readJson(file);
      if (json === undefined) return;
      const stored = await storeMissing(db, await recordsOf(json));
      await rename(file, `${file}.migrated`);
      log.info({ file, stored }, 'moved into the store');
    } catch (err) {
      // Left in place: the next start tries again; meanwhile the server works without them.
      log.error({ err, file }, 'could not move into the store');
    }
  };
  const entries = (json: unknown) =>
    json && typeof json === 'object' ? Object.entries(json as Record<string, unknown>) : [];

  await move('mappings.json', async (json) =>
    entries(json).map(([fp, v]) => [`mapping:${fp}`, v as Record<string, unknown>]),
  );
  await move('scans-marks.json', async (json) =>
    entries(json).map(([id, v]) => [MARK_PREFIX + id, v as Record<string, unknown>]),
  );
  await move('imports.json', async (json) => {
    const jobs = ((json as { jobs?: unknown[] } | undefined)?.jobs ?? []) as Array<
      Record<string, unknown> & { id: string; state: string; storedReport?: unknown }
    >;
    const reports = new Set(await readdir(join(apiDir, 'import-reports')).catch(() => []));
    const out: Array<[string, Record<string, unknown>]> = [];
    for (const job of jobs) {
      if (typeof job.id !== 'string' || (await readDoc(db, `import:${job.id}`))) continue;
      const record: Record<string, unknown> = {
        ...job,
        owner: serverId,
        heartbeatAt: new Date().toISOString(),
      };
      if (job.state === 'running') {
        // The earlier process stopped mid-import; the manifest is rolled back at start.
        Object.assign(record, {
          state: 'failed',
          phase: 'failed',
          finishedAt: new Date().toISOString(),
          waybillsWritten: 0,
          error: {
            code: 'IMPORT_ERR_INTERRUPTED',
            reason: IMPORT_ERRORS.IMPORT_ERR_INTERRUPTED.message,
          },
        });
      }
      if (reports.has(`${job.id}.json`)) {
        const data = await readFile(join(apiDir, 'import-reports', `${job.id}.json`));
        record._attachments = {
          'report.json': { content_type: 'application/json', data: data.toString('base64') },
        };
      }
      out.push([`import:${job.id}`, record]);
    }
    return out;
  });
}
