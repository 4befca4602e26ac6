// A real IPP printer for tests: CUPS's ippeveprinter on a free port with a private D-Bus
// (it aborts without one), keeping every received document in a spool directory.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createIppDriver } from '@/print-bridge/drivers/ipp';

export interface IppPrinter {
  /** ipp://localhost:PORT/ipp/print */
  readonly url: string;
  readonly spoolDir: string;
  /** Received documents (job files ippeveprinter kept), oldest first. */
  documents(): Array<{ name: string; content: string }>;
  stop(): Promise<void>;
}

export const IPP_FORMATS_OFFERED =
  'application/pdf,image/pwg-raster,text/plain,application/vnd.zebra-zpl';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startIppPrinter(
  options: {
    formats?: string;
    name?: string;
    /** The -c command run per job (default /bin/true: completes at once). */
    command?: string;
  } = {},
): Promise<IppPrinter> {
  const dir = mkdtempSync(join(tmpdir(), 'dockhand-ipp-'));
  const spoolDir = join(dir, 'spool');
  mkdirSync(spoolDir); // ippeveprinter answers every Print-Job with an internal error without it
  const bus = spawnSync(
    'dbus-daemon',
    ['--session', '--fork', '--print-pid', `--address=unix:path=${join(dir, 'bus')}`],
    { encoding: 'utf8' },
  );
  const busPid = Number.parseInt(bus.stdout.trim(), 10);
  if (bus.status !== 0 || !busPid) throw new Error(`dbus-daemon did not start: ${bus.stderr}`);
  const port = await freePort();
  const child: ChildProcess = spawn(
    'ippeveprinter',
    [
      ...['-n', 'localhost', '-p', String(port), '-r', 'off', '-k', '-d', spoolDir],
      ...['-c', options.command ?? '/bin/true', '-f', options.formats ?? IPP_FORMATS_OFFERED],
      options.name ?? 'dockhand-test',
    ],
    {
      env: { ...process.env, DBUS_SYSTEM_BUS_ADDRESS: `unix:path=${join(dir, 'bus')}` },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = `ipp://localhost:${port}/ipp/print`;

  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    try {
      process.kill(busPid, 'SIGTERM');
    } catch (error) {
      if ((error as { code?: string }).code !== 'ESRCH') throw error;
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const driver = createIppDriver({ url, timeoutMs: 1_000 });
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      await driver.status();
      break;
    } catch (error) {
      if (child.exitCode !== null || Date.now() > deadline) {
        await stop();
        throw new Error(`ippeveprinter did not answer: ${String(error)}\n${stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  return {
    url,
    spoolDir,
    documents() {
      let names: string[];
      try {
        names = readdirSync(spoolDir);
      } catch {
        return [];
      }
      return names
        .filter((name) => !name.endsWith('.prn'))
        .sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10))
        .map((name) => ({ name, content: readFileSync(join(spoolDir, name), 'utf8') }));
    },
    stop,
  };
}
