// A sync server in its own process (`sync-server/main.ts`, as `npm start` runs it), for tests
// that must kill it rather than close it.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface SyncServerProcess {
  child: ChildProcess;
  url: string;
}

/** Starts it with `env` over the test defaults and resolves with its URL once it listens. */
export async function spawnSyncServer(
  dataDir: string,
  adminPassword: string,
  env: Record<string, string> = {},
): Promise<SyncServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'sync-server/main.ts'], {
    cwd: process.cwd(),
    env: {
      ...process.env,
      DOCKHAND_HOST: '127.0.0.1',
      DOCKHAND_PORT: '0',
      DOCKHAND_DATA_DIR: dataDir,
      DOCKHAND_ADMIN_PASSWORD: adminPassword,
      DOCKHAND_STATIC_DIR: join(dataDir, 'no-app'),
      DOCKHAND_LOG_LEVEL: 'error',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 60_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /Dockhand sync server: (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
  return { child, url };
}

/** kill -9, and wait until it is gone. */
export async function killSyncServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}
