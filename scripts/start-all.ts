// `npm start`: runs the whole system on one machine — the sync server (embedded store under
// ./data, serving the built app) and a print bridge for the site "local" pointed at it.
// On the first start it creates the admin and the bridge's own user, and prints the admin
// password once; the bridge's credentials stay in data/bridge-local.json (mode 0600).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SYNC_SERVER_HEAP_FLAG } from '../sync-server/heap-cap';

const env = process.env;
const dataDir = resolve(env.DOCKHAND_DATA_DIR ?? 'data');
const host = env.DOCKHAND_HOST ?? '127.0.0.1';
const port = env.DOCKHAND_PORT ?? '8080';
const adminUser = env.DOCKHAND_ADMIN_USER ?? 'admin';
const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
const bridgeFile = join(dataDir, 'bridge-local.json');
const HEALTH_TIMEOUT_MS = 60_000; // first start creates the databases: give it a minute

interface BridgeCredentials {
  site: string;
  user: string;
  password: string;
}

const strongPassword = () => randomBytes(18).toString('base64url');
const children: ChildProcess[] = [];
let stopping = false;

function run(
  name: string,
  script: string,
  extraEnv: Record<string, string>,
  nodeFlags: string[] = [],
): ChildProcess {
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', script], {
    env: { ...env, ...extraEnv },
    stdio: 'inherit',
  });
  child.on('exit', (code, signal) => {
    if (stopping) return;
    console.error(`\n${name} stopped (${signal ?? `exit ${code}`}); stopping Dockhand.`);
    stopAll(code ?? 1);
  });
  children.push(child);
  return child;
}

function stopAll(exitCode: number): void {
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  setTimeout(() => process.exit(exitCode), 5_000).unref();
  Promise.all(children.map((c) => new Promise((done) => c.once('exit', done)))).then(() =>
    process.exit(exitCode),
  );
}

/** Waits until `target` answers at all (any status when `anyStatus`, else 2xx). */
async function waitForAnswer(target: string, anyStatus: boolean): Promise<void> {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(target);
      if (anyStatus || response.ok) return;
    } catch {
      // not listening yet: try again below
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${target} did not answer within 60 s`);
}

async function createBridgeUser(adminPassword: string): Promise<BridgeCredentials> {
  const credentials = { site: 'local', user: 'bridge-local', password: strongPassword() };
  const response = await fetch(`${url}/db/_users/org.couchdb.user:${credentials.user}`, {
    method: 'PUT',
    headers: {
      authorization: 'Basic ' + Buffer.from(`${adminUser}:${adminPassword}`).toString('base64'),
      'content-type': 'application/json',
    },
    body: JSON.stringify({
      _id: `org.couchdb.user:${credentials.user}`,
      name: credentials.user,
      type: 'user',
      // `site:<site>` binds the bridge to its site: the server lets it move only that site's jobs.
      roles: ['bridge', `site:${credentials.site}`],
      password: credentials.password,
      site: credentials.site,
    }),
  });
  if (response.status === 401) {
    throw new Error(
      `this data directory already has an admin whose password the launcher does not know.\n` +
        `Start once with DOCKHAND_ADMIN_PASSWORD=<your admin password> npm start to set up the bridge.`,
    );
  }
  if (!response.ok) throw new Error(`creating the bridge user failed: HTTP ${response.status}`);
  writeFileSync(bridgeFile, JSON.stringify(credentials, null, 2), { mode: 0o600 });
  return credentials;
}

async function main(): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  const firstStart = !existsSync(bridgeFile);
  const givenPassword = env.DOCKHAND_ADMIN_PASSWORD || undefined; // empty means not set
  const adminPassword = givenPassword ?? (firstStart ? strongPassword() : undefined);

  run(
    'sync server',
    'sync-server/main.ts',
    { DOCKHAND_DATA_DIR: dataDir, DOCKHAND_ADMIN_PASSWORD: adminPassword ?? '' },
    [SYNC_SERVER_HEAP_FLAG],
  );
  await waitForAnswer(`${url}/health`, false);

  const bridge: BridgeCredentials = firstStart
    ? await createBridgeUser(adminPassword ?? '')
    : (JSON.parse(readFileSync(bridgeFile, 'utf8')) as BridgeCredentials);

  run('print bridge', 'print-bridge/main.ts', {
    DOCKHAND_BRIDGE_SITE: bridge.site,
    DOCKHAND_SYNC_URL: url,
    DOCKHAND_BRIDGE_USER: bridge.user,
    DOCKHAND_BRIDGE_PASSWORD: bridge.password,
    DOCKHAND_BRIDGE_DATA_DIR: join(dataDir, `bridge-${bridge.site}`),
  });

  const bridgePort = env.DOCKHAND_BRIDGE_HTTP_PORT ?? '9180';
  // The bridge's health is 503 until it reaches the sync server; being up is enough here.
  await waitForAnswer(`http://127.0.0.1:${bridgePort}/health`, true);

  const lines = [
    `Dockhand is running: open ${url}/`,
    firstStart && !givenPassword
      ? `Log in as "${adminUser}" with password: ${adminPassword}   (shown once — store it now)`
      : `Log in as "${adminUser}" with your admin password.`,
    `Print bridge (site "local") status: http://127.0.0.1:${bridgePort}/`,
    'Stop with Ctrl+C. Data lives in ' + dataDir,
  ];
  const width = Math.max(...lines.map((l) => l.length));
  console.log(['', '='.repeat(width), ...lines, '='.repeat(width), ''].join('\n'));
}

process.once('SIGINT', () => stopAll(0));
process.once('SIGTERM', () => stopAll(0));
main().catch((error: unknown) => {
  console.error(`\nDockhand could not start: ${error instanceof Error ? error.message : error}`);
  stopAll(1);
});
