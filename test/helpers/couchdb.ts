// Real Apache CouchDB 3.4.3 for tests: one cached unpack of the release, then single nodes or a
// cluster on loopback ports, each node with its own ini, vm.args, epmd port and temp data dir.
//
// The release in the cache is never written to: a node runs the release's own bin/couchdb with
// COUCHDB_ARGS_FILE / COUCHDB_INI_FILES pointing into its temp dir, and every path CouchDB writes
// (database_dir, view_index_dir, smoosh state, uri file, the admin hash) points there too. That
// costs nothing per node, where a copy of the 42 MB release costs ~80 ms (cp -r) on this machine.
// How to run it and how it differs from the embedded store: ../shared/couchdb/README.md.
import { spawn, spawnSync, type ChildProcess, type StdioOptions } from 'node:child_process';
import { createHash, pbkdf2Sync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './ports';

const VERSION = '3.4.3';
const ERTS = 'erts-13.1.5';
const TARBALL_NAME = `couchdb-${VERSION}-linux-x86_64.tar.gz`;
/** From ../shared/couchdb/README.md. */
const TARBALL_SHA256 = '7346f46978caa24ceadf31775e3793bd985593b7948543459f2dbf31899cb816';
/** Written into the unpacked release last, so a release with it is complete. */
const UNPACKED_MARKER = '.dockhand-unpacked';
/** Binaries whose shared libraries scripts/system-deps.sh installs (tinfo, zlib, ICU, OpenSSL). */
const LINKED_BINARIES = [
  `${ERTS}/bin/beam.smp`,
  'lib/crypto-5.1.2/priv/lib/crypto.so',
  `lib/couch-${VERSION}/priv/couch_ejson_compare.so`,
];
const START_TIMEOUT_MS = 30_000; // per wait; a node is up in ~1 s, a cluster in ~2.5-4.5 s here
const GRACEFUL_STOP_MS = 10_000; // SIGTERM shutdown takes 1-3 s here
const POLL_MS = 50;
const LOG_TAIL_CHARS = 64 * 1024;
/**
 * The test admin's PBKDF2 iterations. CouchDB's default (600,000) costs ~0.2 s to hash here and
 * ~0.2 s more per node at the admin's first login; users made through `_users` still get the
 * default, so their logins cost what they cost in production.
 */
const ADMIN_HASH_ITERATIONS = 10_000;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Extra ini settings, section → key → value; they override the helper's. */
export type CouchIni = Record<string, Record<string, string>>;

export interface CouchDbOptions {
  adminUser?: string;
  adminPassword?: string;
  ini?: CouchIni;
}

export interface CouchDb {
  /** http://127.0.0.1:PORT, no trailing slash. */
  readonly url: string;
  readonly adminUser: string;
  readonly adminPassword: string;
  /** An `Authorization` header value for the admin. */
  readonly adminAuth: string;
  readonly dataDir: string;
  /** The node's recent stdout/stderr (CouchDB logs there), for failure messages. */
  log(): string;
  /**
   * Stops the node and epmd and removes the temp dir. By kill -9, which skips a 1-3 s graceful
   * shutdown: CouchDB is crash-only and the data is thrown away.
   */
  stop(): Promise<void>;
  /** kill -9 the node only; the temp dir stays until stop(). */
  kill(): Promise<void>;
}

export interface CouchClusterNode {
  /** Erlang node name, e.g. couchdb2@127.0.0.1. */
  readonly name: string;
  readonly url: string;
  readonly running: boolean;
  log(): string;
  /** Starts a stopped or killed node again on its ports and data; resolves once it is back. */
  start(): Promise<void>;
  /** Graceful stop (SIGTERM, 1-3 s); data stays. */
  stop(): Promise<void>;
  /** kill -9; data stays. */
  kill(): Promise<void>;
}

export interface CouchCluster {
  readonly nodes: readonly CouchClusterNode[];
  /** Node 1's URL. */
  readonly url: string;
  readonly adminUser: string;
  readonly adminPassword: string;
  readonly adminAuth: string;
  /** Kills every node and the cluster's epmd and removes all temp dirs. */
  stop(): Promise<void>;
}

export function couchDbTarball(): string {
  return (
    process.env.DOCKHAND_COUCHDB_TARBALL ||
    path.join(repoRoot, '..', 'shared', 'couchdb', TARBALL_NAME)
  );
}

/** Why real-CouchDB tests cannot run here, or undefined when they can. */
export function couchDbUnavailableReason(): string | undefined {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return `the CouchDB release is built for linux-x64, this is ${process.platform}-${process.arch}`;
  }
  const tarball = couchDbTarball();
  if (!fs.existsSync(tarball)) {
    const from = process.env.DOCKHAND_COUCHDB_TARBALL ? 'DOCKHAND_COUCHDB_TARBALL' : 'default';
    return (
      `no CouchDB release at ${tarball} (${from}): put ${TARBALL_NAME} there or set ` +
      'DOCKHAND_COUCHDB_TARBALL to its path'
    );
  }
  return undefined;
}

export function couchDbAvailable(): boolean {
  return couchDbUnavailableReason() === undefined;
}

export function basicAuth(name: string, password: string): string {
  return `Basic ${Buffer.from(`${name}:${password}`).toString('base64')}`;
}

// ---------------------------------------------------------------------------------------------
// The release: unpacked once per machine into a cache outside the repo, atomically, so concurrent
// test processes either find a complete copy or race to rename theirs into place (one wins).

let releaseDir: Promise<string> | undefined;

export function couchDbRelease(): Promise<string> {
  releaseDir ??= unpackedRelease().catch((error: unknown) => {
    releaseDir = undefined;
    throw error;
  });
  return releaseDir;
}

async function unpackedRelease(): Promise<string> {
  const cacheDir =
    process.env.DOCKHAND_COUCHDB_CACHE || path.join(os.tmpdir(), 'dockhand-couchdb-cache');
  const dir = path.join(cacheDir, `couchdb-${VERSION}`);
  if (!fs.existsSync(path.join(dir, UNPACKED_MARKER))) {
    const tarball = couchDbTarball();
    const sha256 = await sha256OfFile(tarball);
    if (sha256 !== TARBALL_SHA256) {
      throw new Error(`${tarball} has sha256 ${sha256}, expected ${TARBALL_SHA256}`);
    }
    fs.mkdirSync(cacheDir, { recursive: true });
    const staging = fs.mkdtempSync(path.join(cacheDir, '.unpacking-'));
    try {
      await run('tar', ['-xzf', tarball, '-C', staging]);
      const unpacked = path.join(staging, `couchdb-${VERSION}`);
      fs.writeFileSync(path.join(unpacked, UNPACKED_MARKER), `${sha256}\n`);
      try {
        fs.renameSync(unpacked, dir);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'EEXIST' && code !== 'ENOTEMPTY') throw error;
        // Another test process renamed its copy first: use that one.
      }
    } finally {
      fs.rmSync(staging, { recursive: true, force: true });
    }
    if (!fs.existsSync(path.join(dir, UNPACKED_MARKER))) {
      throw new Error(`${dir} exists but is not a complete unpack: remove it and run again`);
    }
  }
  if (/\s/.test(dir)) throw new Error(`bin/couchdb splits COUCHDB_INI_FILES on spaces: ${dir}`);
  assertLibrariesPresent(dir);
  return dir;
}

function sha256OfFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    fs.createReadStream(file)
      .on('error', reject)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')));
  });
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')}: ${code} ${stderr}`)),
    );
  });
}

function assertLibrariesPresent(dir: string): void {
  const missing = new Set<string>();
  for (const binary of LINKED_BINARIES) {
    const ldd = spawnSync('ldd', [path.join(dir, binary)], { encoding: 'utf8' });
    if (ldd.error) throw new Error(`ldd could not run: ${ldd.error.message}`);
    for (const match of ldd.stdout.matchAll(/^\s*(\S+) => not found/gm)) missing.add(match[1]!);
  }
  if (missing.size > 0) {
    throw new Error(
      `CouchDB ${VERSION} cannot load ${[...missing].join(', ')}: run bash scripts/system-deps.sh ` +
        '(apt-get install -y libicu72 libssl3 zlib1g libtinfo6)',
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Processes. Each is spawned through `setpriv --pdeathsig KILL` (util-linux), which the exec chain
// bin/couchdb → erlexec → beam.smp keeps, so the kernel kills the VM if this test process dies in
// any way, SIGKILL included (measured: all gone ~1 s after a kill -9 of the test process); the
// VM's own children (erl_child_setup, couchjs) exit when it does. An exit handler covers machines
// without setpriv and removes temp dirs on a normal exit; dirs left by a killed test process are
// swept by the next one (each holds its owner's pid).

const TEMP_PREFIX = 'dockhand-couchdb-';
const OWNER_FILE = 'owner.pid';
const liveChildren = new Set<ChildProcess>();
const tempDirs = new Set<string>();
let exitHookInstalled = false;
let staleDirsSwept = false;
let setprivPath: string | null | undefined;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of liveChildren) child.kill('SIGKILL');
    for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  });
}

function setpriv(): string | null {
  if (setprivPath === undefined) {
    const found = spawnSync('sh', ['-c', 'command -v setpriv'], { encoding: 'utf8' });
    setprivPath = found.status === 0 ? found.stdout.trim() : null;
  }
  return setprivPath;
}

function spawnTied(
  command: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; stdio: StdioOptions },
): ChildProcess {
  installExitHook();
  const wrapper = setpriv();
  const child = wrapper
    ? spawn(wrapper, ['--pdeathsig', 'KILL', '--', command, ...args], options)
    : spawn(command, args, options);
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
  return child;
}

async function killAndWait(child: ChildProcess, signal: NodeJS.Signals, graceMs = 0) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  if (graceMs > 0) {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  } else {
    await exited;
  }
}

function makeTempDir(label: string): string {
  installExitHook();
  sweepStaleTempDirs();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${TEMP_PREFIX}${label}`));
  if (/\s/.test(dir)) throw new Error(`bin/couchdb splits COUCHDB_INI_FILES on spaces: ${dir}`);
  tempDirs.add(dir);
  fs.writeFileSync(path.join(dir, OWNER_FILE), String(process.pid));
  return dir;
}

function sweepStaleTempDirs(): void {
  if (staleDirsSwept) return;
  staleDirsSwept = true;
  for (const entry of fs.readdirSync(os.tmpdir())) {
    if (!entry.startsWith(TEMP_PREFIX)) continue;
    const dir = path.join(os.tmpdir(), entry);
    let owner: number;
    try {
      owner = Number(fs.readFileSync(path.join(dir, OWNER_FILE), 'utf8'));
    } catch {
      continue; // the release cache, or a dir its owner has only just made
    }
    if (owner > 0 && !processExists(owner)) fs.rmSync(dir, { recursive: true, force: true });
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function removeTempDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Erlang's port mapper on its own port, in the foreground so it dies with its owner. */
async function startEpmd(release: string, port: number): Promise<ChildProcess> {
  const epmd = spawnTied(path.join(release, ERTS, 'bin', 'epmd'), ['-port', String(port)], {
    env: process.env,
    stdio: 'ignore',
  });
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await acceptsConnections(port))) {
    if (epmd.exitCode !== null || Date.now() > deadline) {
      await killAndWait(epmd, 'SIGKILL');
      throw new Error(`epmd did not listen on 127.0.0.1:${port}`);
    }
    await sleep(POLL_MS);
  }
  return epmd;
}

function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

// ---------------------------------------------------------------------------------------------
// One CouchDB node: ini + vm.args + data in `dir`, run from the shared release.

interface NodeSpec {
  release: string;
  dir: string;
  /** Erlang short name before @127.0.0.1. */
  name: string;
  httpPort: number;
  distPort: number;
  epmdPort: number;
  cookie: string;
  ini: CouchIni;
}

class CouchNode {
  private child: ChildProcess | undefined;
  private tail = '';
  readonly url: string;
  readonly name: string;

  constructor(private readonly spec: NodeSpec) {
    this.url = `http://127.0.0.1:${spec.httpPort}`;
    this.name = `${spec.name}@127.0.0.1`;
    fs.mkdirSync(path.join(spec.dir, 'data'), { recursive: true });
    fs.writeFileSync(path.join(spec.dir, 'vm.args'), this.vmArgs());
    // CouchDB writes config changes (the _config API, hashed passwords) to the last ini file.
    fs.writeFileSync(path.join(spec.dir, 'local.ini'), iniText(spec.ini));
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && !this.child.signalCode;
  }

  log(): string {
    return this.tail;
  }

  /** Starts the VM; resolves when /_up answers 200. */
  async start(): Promise<void> {
    if (this.running) return;
    const { release, dir, epmdPort } = this.spec;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ERL_EPMD_PORT: String(epmdPort),
      COUCHDB_ARGS_FILE: path.join(dir, 'vm.args'),
      COUCHDB_INI_FILES: `${path.join(release, 'etc', 'default.ini')} ${path.join(dir, 'local.ini')}`,
      ERL_CRASH_DUMP: path.join(dir, 'erl_crash.dump'),
      ERL_CRASH_DUMP_SECONDS: '0', // a killed node writes no dump
    };
    for (const name of ['ERL_FLAGS', 'ERL_AFLAGS', 'ERL_ZFLAGS', 'ERL_LIBS']) delete env[name];
    const child = spawnTied(path.join(release, 'bin', 'couchdb'), [], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const keep = (chunk: Buffer) => {
      this.tail = (this.tail + chunk.toString()).slice(-LOG_TAIL_CHARS);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    await this.until('/_up answers 200', async () => (await this.fetch('/_up')).status === 200);
  }

  async stop(): Promise<void> {
    if (this.child) await killAndWait(this.child, 'SIGTERM', GRACEFUL_STOP_MS);
  }

  async kill(): Promise<void> {
    if (this.child) await killAndWait(this.child, 'SIGKILL');
  }

  fetch(pathname: string, init: RequestInit = {}): Promise<Response> {
    return fetch(`${this.url}${pathname}`, { ...init, signal: AbortSignal.timeout(10_000) });
  }

  /** Polls `ready` until true; fails at once if the VM exits, with its log. */
  async until(what: string, ready: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (!this.running) {
        throw new Error(`CouchDB ${this.name} exited before ${what}:\n${this.tail}`);
      }
      try {
        if (await ready()) return;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`${what}: ${String(error)}`);
      }
      if (Date.now() > deadline) {
        throw new Error(`CouchDB ${this.name}: timed out waiting until ${what}:\n${this.tail}`);
      }
      await sleep(POLL_MS);
    }
  }

  private vmArgs(): string {
    const { release, name, cookie, distPort } = this.spec;
    const stock = fs.readFileSync(path.join(release, 'etc', 'vm.args'), 'utf8');
    const named = stock.replace(/^-name couchdb@127\.0\.0\.1$/m, `-name ${name}@127.0.0.1`);
    if (named === stock && name !== 'couchdb') throw new Error('etc/vm.args has no -name line');
    return [
      named,
      '# Dockhand tests',
      `-setcookie ${cookie}`,
      `-kernel inet_dist_listen_min ${distPort}`,
      `-kernel inet_dist_listen_max ${distPort}`,
      // The helper runs epmd itself on ERL_EPMD_PORT: one started by the VM would be a daemon.
      '-start_epmd false',
      // Schedulers sleep instead of busy-waiting: three VMs share two cores with the tests. 300
      // PUTs into an n=3 db took ~5.5 s of VM CPU and ~5.0 s instead of ~8 s and ~6.0 s.
      '+sbwt none',
      '+sbwtdcpu none',
      '+sbwtdio none',
      '',
    ].join('\n');
  }
}

function baseIni(dir: string, httpPort: number, admin: { user: string; hash: string }): CouchIni {
  const data = path.join(dir, 'data');
  return {
    admins: { [admin.user]: admin.hash },
    couchdb: {
      database_dir: data,
      view_index_dir: data,
      uri_file: path.join(dir, 'couch.uri'),
      users_db_security_editable: 'true',
    },
    chttpd: { port: String(httpPort), bind_address: '127.0.0.1' },
    smoosh: { state_dir: data },
  };
}

function mergeIni(...layers: Array<CouchIni | undefined>): CouchIni {
  const merged: CouchIni = {};
  for (const layer of layers) {
    for (const [section, values] of Object.entries(layer ?? {})) {
      merged[section] = { ...merged[section], ...values };
    }
  }
  return merged;
}

function iniText(ini: CouchIni): string {
  return Object.entries(ini)
    .map(([section, values]) => {
      const lines = Object.entries(values).map(([key, value]) => {
        if (/[\r\n]/.test(key + value)) throw new Error(`ini [${section}] ${key}: newline`);
        return `${key} = ${value}`;
      });
      return `[${section}]\n${lines.join('\n')}\n`;
    })
    .join('\n');
}

/**
 * The [admins] form CouchDB itself writes (`-pbkdf2:sha256-<key>,<salt>,<iterations>`). Hashed
 * here rather than by each node so every cluster node has the same salt: the AuthSession HMAC
 * key is the secret plus the user's salt, so a cookie from one node then works on the others.
 */
function adminHash(password: string): string {
  const salt = randomBytes(16).toString('hex'); // CouchDB uses the hex text itself as the salt
  const key = pbkdf2Sync(password, salt, ADMIN_HASH_ITERATIONS, 32, 'sha256').toString('hex');
  return `-pbkdf2:sha256-${key},${salt},${ADMIN_HASH_ITERATIONS}`;
}

function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

async function ensureDbExists(node: CouchNode, db: string, auth: string): Promise<void> {
  await node.until(`${db} exists`, async () => {
    const res = await node.fetch(`/${db}`, { headers: { authorization: auth } });
    await res.body?.cancel();
    return res.status === 200;
  });
}

// ---------------------------------------------------------------------------------------------

/** One node (`single_node = true`, `n = 1`): admin, `_users` and `_replicator` ready. */
export async function startCouchDb(opts: CouchDbOptions = {}): Promise<CouchDb> {
  const release = await couchDbRelease();
  const adminUser = opts.adminUser ?? 'admin';
  const adminPassword = opts.adminPassword ?? randomHex(12);
  const adminAuth = basicAuth(adminUser, adminPassword);
  const dir = makeTempDir('');
  let epmd: ChildProcess | undefined;
  let node: CouchNode | undefined;
  const stop = async () => {
    if (node) await node.kill();
    if (epmd) await killAndWait(epmd, 'SIGKILL');
    removeTempDir(dir);
  };
  try {
    const [httpPort, distPort, epmdPort] = (await distinctFreePorts(3)) as [number, number, number];
    epmd = await startEpmd(release, epmdPort);
    const ini = mergeIni(
      baseIni(dir, httpPort, { user: adminUser, hash: adminHash(adminPassword) }),
      {
        couchdb: { single_node: 'true', uuid: randomHex(16) },
        cluster: { n: '1' },
        chttpd_auth: { secret: randomHex(16), timeout: '600' },
      },
      opts.ini,
    );
    node = new CouchNode({
      release,
      dir,
      name: 'couchdb',
      httpPort,
      distPort,
      epmdPort,
      cookie: randomHex(16),
      ini,
    });
    await node.start();
    // single_node creates _users and _replicator just after /_up first answers.
    await ensureDbExists(node, '_users', adminAuth);
    await ensureDbExists(node, '_replicator', adminAuth);
  } catch (error) {
    await stop();
    throw error;
  }
  const started = node;
  return {
    url: started.url,
    adminUser,
    adminPassword,
    adminAuth,
    dataDir: path.join(dir, 'data'),
    log: () => started.log(),
    stop,
    kill: () => started.kill(),
  };
}

/**
 * A cluster of `nodes` CouchDB nodes on this machine (couchdb1@127.0.0.1 …), sharing one epmd
 * port, cookie, uuid, `[chttpd_auth] secret` and admin hash, joined and finished so `_users`,
 * `_replicator` and `_global_changes` exist. Databases default to q=2, n=min(3, nodes).
 */
export async function startCouchCluster(
  opts: CouchDbOptions & { nodes: number },
): Promise<CouchCluster> {
  if (!Number.isInteger(opts.nodes) || opts.nodes < 2) throw new Error('nodes: 2 or more');
  const release = await couchDbRelease();
  const adminUser = opts.adminUser ?? 'admin';
  const adminPassword = opts.adminPassword ?? randomHex(12);
  const adminAuth = basicAuth(adminUser, adminPassword);
  const hash = adminHash(adminPassword);
  const shared: CouchIni = {
    couchdb: { uuid: randomHex(16) },
    cluster: { n: String(Math.min(3, opts.nodes)) },
    chttpd_auth: { secret: randomHex(16), timeout: '600' },
  };
  const cookie = randomHex(16);
  const dirs: string[] = [];
  const nodes: CouchNode[] = [];
  let epmd: ChildProcess | undefined;
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.kill()));
    if (epmd) await killAndWait(epmd, 'SIGKILL');
    for (const dir of dirs) removeTempDir(dir);
  };
  try {
    const ports = await distinctFreePorts(1 + 2 * opts.nodes);
    const epmdPort = ports[0]!;
    epmd = await startEpmd(release, epmdPort);
    for (let i = 1; i <= opts.nodes; i++) {
      const dir = makeTempDir(`node${i}-`);
      dirs.push(dir);
      const httpPort = ports[2 * i - 1]!;
      const distPort = ports[2 * i]!;
      const ini = mergeIni(baseIni(dir, httpPort, { user: adminUser, hash }), shared, opts.ini);
      nodes.push(
        new CouchNode({
          release,
          dir,
          name: `couchdb${i}`,
          httpPort,
          distPort,
          epmdPort,
          cookie,
          ini,
        }),
      );
    }
    await Promise.all(nodes.map((node) => node.start()));
    await joinCluster(nodes, adminAuth);
  } catch (error) {
    await stop();
    throw error;
  }
  const [first] = nodes;
  return {
    nodes: nodes.map((node) => clusterNodeHandle(node, nodes, adminAuth)),
    url: first!.url,
    adminUser,
    adminPassword,
    adminAuth,
    stop,
  };
}

/**
 * Joins the nodes with a `_nodes` doc per other node on node 1, as for adding a node by hand
 * (https://docs.couchdb.org/en/stable/cluster/nodes.html#adding-a-node), then
 * `POST /_cluster_setup {action: finish_cluster}` there, which creates the system dbs
 * (https://docs.couchdb.org/en/stable/setup/cluster.html#the-cluster-setup-api). The setup API's
 * own `add_node` refuses a node bound to 127.0.0.1 (`cluster_not_enabled`).
 */
async function joinCluster(nodes: CouchNode[], auth: string): Promise<void> {
  const [first, ...others] = nodes;
  if (!first) return;
  const json = { authorization: auth, 'content-type': 'application/json' };
  for (const node of others) {
    const res = await first.fetch(`/_node/_local/_nodes/${node.name}`, {
      method: 'PUT',
      headers: json,
      body: '{}',
    });
    if (res.status !== 201 && res.status !== 202) {
      throw new Error(`adding ${node.name}: ${res.status} ${await res.text()}`);
    }
  }
  const finish = await first.fetch('/_cluster_setup', {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ action: 'finish_cluster' }),
  });
  if (finish.status !== 201) {
    throw new Error(`finish_cluster: ${finish.status} ${await finish.text()}`);
  }
  await Promise.all(nodes.map((node) => waitInCluster(node, nodes, auth)));
}

/** Until the node lists every member, is connected to the running ones and sees the system dbs. */
async function waitInCluster(node: CouchNode, nodes: CouchNode[], auth: string): Promise<void> {
  await node.until('it is connected to the running members', async () => {
    const res = await node.fetch('/_membership', { headers: { authorization: auth } });
    if (res.status !== 200) return false;
    const body = (await res.json()) as { all_nodes: string[]; cluster_nodes: string[] };
    return nodes.every(
      (n) => body.cluster_nodes.includes(n.name) && (!n.running || body.all_nodes.includes(n.name)),
    );
  });
  for (const db of ['_users', '_replicator']) await ensureDbExists(node, db, auth);
}

function clusterNodeHandle(node: CouchNode, nodes: CouchNode[], auth: string): CouchClusterNode {
  return {
    name: node.name,
    url: node.url,
    get running() {
      return node.running;
    },
    log: () => node.log(),
    async start() {
      await node.start();
      await waitInCluster(node, nodes, auth);
    },
    stop: () => node.stop(),
    kill: () => node.kill(),
  };
}

/** `count` free loopback ports, all different (freePort can hand back a port just released). */
async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}
