// The sync server under load, in its own process as `npm start` runs it (same heap cap), and what
// Linux says that process costs: resident memory (VmRSS, sampled for the peak) and CPU time.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SYNC_SERVER_HEAP_FLAG } from '../../sync-server/heap-cap';
import { freePort } from '../../test/helpers/ports';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const START_TIMEOUT_MS = 120_000; // first start creates the databases and design docs
const STOP_TIMEOUT_MS = 30_000; // the server's own shutdown gives up after 10 s
/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s on every mainstream kernel. */
const CLOCK_TICKS_PER_S = 100;

export interface SyncServerProcess {
  /** http://127.0.0.1:PORT */
  url: string;
  pid: number;
  child: ChildProcess;
  /** SIGTERM, then waits for the exit (a --cpu-prof profile is written then). */
  stop(): Promise<void>;
}

export interface SyncServerProcessOptions {
  dataDir: string;
  adminPassword: string;
  /** Apache CouchDB as the store (DOCKHAND_COUCHDB_*); the embedded store when absent. */
  couchdb?: { url: string; user: string; password: string };
  /** Write a V8 CPU profile of the server into this directory when it exits. */
  cpuProfileDir?: string;
}

/** Starts `sync-server/main.ts` and resolves once it prints the URL it listens on. */
export async function startSyncServerProcess(
  opts: SyncServerProcessOptions,
): Promise<SyncServerProcess> {
  const port = await freePort();
  // Only this run's DOCKHAND_* settings: a variable left in the shell must not change the server.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('DOCKHAND_')),
  ) as NodeJS.ProcessEnv;
  Object.assign(env, {
    DOCKHAND_HOST: '127.0.0.1',
    DOCKHAND_PORT: String(port),
    DOCKHAND_DATA_DIR: opts.dataDir,
    DOCKHAND_ADMIN_PASSWORD: opts.adminPassword,
    DOCKHAND_LOG_LEVEL: 'warn',
    ...(opts.couchdb
      ? {
          DOCKHAND_COUCHDB_URL: opts.couchdb.url,
          DOCKHAND_COUCHDB_USER: opts.couchdb.user,
          DOCKHAND_COUCHDB_PASSWORD: opts.couchdb.password,
        }
      : {}),
  });
  const profileFlags = opts.cpuProfileDir
    ? ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProfileDir}`]
    : [];
  const child = spawn(
    process.execPath,
    [SYNC_SERVER_HEAP_FLAG, ...profileFlags, '--import', 'tsx', 'sync-server/main.ts'],
    { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  let partial = '';
  const seen = new Set<string>();
  let repeats = 0;
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-8_192);
    // Warnings and errors of the server stay visible, each kind once: under load Node repeats
    // e.g. MaxListenersExceededWarning for every database and feed count.
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const kind = line.replace(/\d+/g, 'N').replace(/\/tmp\/\S+/g, 'PATH');
      if (seen.has(kind)) repeats += 1;
      else {
        seen.add(kind);
        process.stderr.write(`${line}\n`);
      }
    }
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // A benchmark that dies (an error, Ctrl+C) must not leave a loaded server behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  void exited.then(() => process.off('exit', killOnExit));

  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the sync server did not start within ${START_TIMEOUT_MS} ms:\n${stderr}`));
    }, START_TIMEOUT_MS);
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const printed = /Dockhand sync server: (http:\/\/\S+)/.exec(stdout);
      if (printed) {
        clearTimeout(timer);
        resolve(printed[1]!);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the sync server exited (${signal ?? code}) before listening:\n${stderr}`));
    });
  });

  return {
    url,
    pid: child.pid!,
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
      if (repeats > 0) console.log(`# ${repeats} repeated lines of the server's stderr not shown`);
    },
  };
}

/** Resident memory of a process in MiB (VmRSS), or null once it has gone. */
export function rssMbOf(pid: number): number | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(status);
    return kb ? Number(kb[1]) / 1024 : null;
  } catch {
    return null; // the process has exited: no reading, not an error
  }
}

/** CPU seconds (user + system) a process has used so far, or null once it has gone. */
export function cpuSecondsOf(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces: state is
    // field 3, utime 14 and stime 15 (proc(5)).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S;
  } catch {
    return null; // the process has exited
  }
}

/** The process whose command line mentions `needle` (e.g. a CouchDB node's own temp dir). */
export function pidWithCommandLine(needle: string): number | null {
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.includes(needle) && cmdline.includes('beam')) return Number(entry);
    } catch {
      // a process that ended while we looked
    }
  }
  return null;
}

/** Samples a process's RSS every `everyMs` and keeps the peak. */
export function rssPeakSampler(pid: number, everyMs = 200) {
  let peakMb = rssMbOf(pid) ?? 0;
  let lastMb = peakMb;
  const timer = setInterval(() => {
    const mb = rssMbOf(pid);
    if (mb === null) return;
    lastMb = mb;
    if (mb > peakMb) peakMb = mb;
  }, everyMs);
  timer.unref();
  return {
    peakMb: () => peakMb,
    lastMb: () => lastMb,
    stop: () => clearInterval(timer),
  };
}
