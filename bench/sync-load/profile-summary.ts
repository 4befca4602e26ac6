// Where a V8 CPU profile (`node --cpu-prof`) spends its time: self time by module and by function,
// and total (inclusive) time of each function, counted once per sample however deep it recurses.
// Run alone on a profile: `node --import tsx bench/sync-load/profile-summary.ts FILE.cpuprofile`.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  totalMs: number;
  /** Self time by the server component it was spent for (see COMPONENTS). */
  byComponent: Array<[string, number]>;
  /** Time the thread had nothing to run. */
  idleMs: number;
  gcMs: number;
  byModule: Array<[string, number]>;
  selfByFunction: Array<[string, number]>;
  totalByFunction: Array<[string, number]>;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A short name for where code lives: `pkg` for node_modules, the repo path, or `node:…`. */
export function moduleOf(url: string): string {
  if (!url) return '(native)';
  const file = url.startsWith('file://') ? fileURLToPath(url) : url;
  const inModules = file.lastIndexOf('node_modules/');
  if (inModules !== -1) {
    const parts = file.slice(inModules + 'node_modules/'.length).split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  if (file.startsWith(repoRoot)) return path.relative(repoRoot, file);
  return file.startsWith('node:') ? file : `node:${file}`;
}

function functionKey(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url ? `${moduleOf(url)}:${lineNumber + 1}` : '';
  return `${functionName || '(anonymous)'} ${where}`.trim();
}

/** A frame as matched by COMPONENTS: module path and function name. */
interface Frame {
  module: string;
  fn: string;
  line: number;
}

const inPouchLevel = (f: Frame, from: number, to: number) =>
  f.module === 'pouchdb' && f.line >= from && f.line < to;

/**
 * Where a sample's time went, by the first rule any frame of its stack matches (order matters:
 * specific parts first, the HTTP plumbing under everything last). The pouchdb line ranges are
 * those of pouchdb 9.0.0's LevelDB adapter (node_modules/pouchdb/lib/index.js); continuations
 * that start from a LevelDB callback have lost their caller, so they are found by where they are.
 */
const COMPONENTS: Array<[string, (f: Frame) => boolean]> = [
  [
    'require() at run time, resolved through tsx (readable-stream 1.1 per stream, pouchdb-auth)',
    (f) => f.module === 'tsx' || f.module === 'node:internal/modules/cjs/loader',
  ],
  [
    'session: _users info() walking the LevelDB folder for disk_size (pouchdb-size)',
    (f) => f.module === 'get-folder-size' || f.module === 'pouchdb-size',
  ],
  [
    'session: cookie/basic auth lookups (pouchdb-auth, express-pouchdb authentication)',
    (f) => f.module === 'pouchdb-auth' || f.module === 'cookie-parser',
  ],
  [
    '_changes rows: by-sequence iterator + 2 LevelDB gets per row (LevelPouch _changes)',
    (f) => inPouchLevel(f, 5983, 6152),
  ],
  [
    'writes: _bulkDocs (revision trees, validate_doc_update, LevelDB batch)',
    (f) =>
      inPouchLevel(f, 5314, 5834) ||
      f.module === 'pouchdb-validation' ||
      f.module === 'pouchdb-bulkdocs-wrapper' ||
      /bulkDocs/i.test(f.fn),
  ],
  [
    'reads: _all_docs / get (LevelPouch)',
    (f) => inPouchLevel(f, 5243, 5314) || inPouchLevel(f, 5834, 5983),
  ],
  [
    '_security read on every wrapped call (pouchdb-security getSecurity)',
    (f) => f.module === 'pouchdb-security' && /getSecurity|filledInSecurity/.test(f.fn),
  ],
  [
    'live listeners re-querying on each write (pouchdb Changes.notify/eventFunction)',
    (f) => f.module === 'pouchdb' && (f.fn === 'eventFunction' || f.fn === 'notify'),
  ],
  ['guard (sync-server/guard)', (f) => f.module.startsWith('sync-server/guard/')],
  [
    'guard → store proxy and session call (sync-server/store/upstream-client)',
    (f) => f.module.startsWith('sync-server/store/'),
  ],
  ['request logs (pino, pino-http)', (f) => f.module.startsWith('pino')],
  [
    'express-pouchdb routes and JSON answers (sendJSON, writeJSON, jsonToBuffer)',
    (f) => f.module === 'express-pouchdb' && f.fn !== 'noop',
  ],
  ['gzip (compression)', (f) => f.module === 'compression' || f.module === 'node:zlib'],
  ['LevelDB native calls not placed above (leveldown)', (f) => f.module === 'leveldown'],
  ['other pouchdb', (f) => f.module.startsWith('pouchdb')],
  [
    'HTTP, sockets, streams, express (node:_http_*, net, express, router)',
    (f) =>
      /^node:(_http|net|internal\/streams|internal\/stream_base)/.test(f.module) ||
      f.module === 'express' ||
      f.module === 'router' ||
      f.module === 'readable-stream',
  ],
];

function componentOf(stack: Frame[], leaf: string): string {
  if (leaf.startsWith('(')) return leaf; // (garbage collector), (idle), (program)
  for (const [label, test] of COMPONENTS) if (stack.some(test)) return label;
  return 'other';
}

const top = (map: Map<string, number>, n: number) =>
  [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);

/**
 * A span of the profile, in the clock V8 stamps samples with: CLOCK_MONOTONIC in microseconds, the
 * clock of `process.hrtime` in any process on the machine.
 */
export interface ProfileWindow {
  fromUs: number;
  toUs: number;
}

/** Now, in the clock of CPU profile timestamps (see ProfileWindow). */
export function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

export function summariseProfile(
  profile: CpuProfile,
  topN = 25,
  window?: ProfileWindow,
): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const selfByNode = new Map<number, number>();
  let stampUs = profile.startTime;
  profile.samples.forEach((id, i) => {
    const deltaUs = profile.timeDeltas[i] ?? 0;
    stampUs += deltaUs;
    if (window && (stampUs < window.fromUs || stampUs > window.toUs)) return;
    selfByNode.set(id, (selfByNode.get(id) ?? 0) + deltaUs / 1000);
  });

  const frameOf = (node: ProfileNode): Frame => {
    const module = moduleOf(node.callFrame.url);
    return {
      module: module.startsWith('sync-server/store/') ? 'sync-server/store/' : module,
      fn: node.callFrame.functionName,
      line: node.callFrame.lineNumber + 1,
    };
  };
  const componentByNode = new Map<number, string>();
  const componentOfNode = (id: number): string => {
    let label = componentByNode.get(id);
    if (label === undefined) {
      const stack: Frame[] = [];
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
        stack.push(frameOf(byId.get(at)!));
      }
      label = componentOf(stack, byId.get(id)!.callFrame.functionName);
      componentByNode.set(id, label);
    }
    return label;
  };
  const byComponent = new Map<string, number>();
  const byModule = new Map<string, number>();
  const selfByFunction = new Map<string, number>();
  const totalByFunction = new Map<string, number>();
  let idleMs = 0;
  let gcMs = 0;
  let totalMs = 0;
  for (const [id, ms] of selfByNode) {
    const node = byId.get(id)!;
    totalMs += ms;
    const name = node.callFrame.functionName;
    if (name === '(idle)') idleMs += ms;
    if (name === '(garbage collector)') gcMs += ms;
    const component = componentOfNode(id);
    byComponent.set(component, (byComponent.get(component) ?? 0) + ms);
    const mod = name.startsWith('(') ? name : moduleOf(node.callFrame.url);
    byModule.set(mod, (byModule.get(mod) ?? 0) + ms);
    const key = functionKey(node);
    selfByFunction.set(key, (selfByFunction.get(key) ?? 0) + ms);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)!;
      if (frame.callFrame.functionName === '(root)') break;
      const k = functionKey(frame);
      if (seen.has(k)) continue;
      seen.add(k);
      totalByFunction.set(k, (totalByFunction.get(k) ?? 0) + ms);
    }
  }
  return {
    totalMs,
    byComponent: top(byComponent, COMPONENTS.length + 4),
    idleMs,
    gcMs,
    byModule: top(byModule, topN),
    selfByFunction: top(selfByFunction, topN),
    totalByFunction: top(totalByFunction, topN * 2),
  };
}

export function printProfileSummary(file: string, topN = 25, window?: ProfileWindow): void {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const s = summariseProfile(profile, topN, window);
  const busy = s.totalMs - s.idleMs;
  const pct = (ms: number) => `${((100 * ms) / Math.max(1, s.totalMs)).toFixed(1)}%`.padStart(6);
  const row = ([name, ms]: [string, number]) =>
    `#   ${ms.toFixed(0).padStart(8)} ms ${pct(ms)}  ${name}`;
  console.log(
    `# profile ${path.basename(file)}` +
      `${window ? ` (window ${window.fromUs}..${window.toUs} µs only)` : ''}: ` +
      `${(s.totalMs / 1000).toFixed(1)} s sampled, ` +
      `${(busy / 1000).toFixed(1)} s busy, GC ${(s.gcMs / 1000).toFixed(1)} s (percentages of sampled)`,
  );
  console.log('# time by server component (self time, by the first component in its stack):');
  for (const entry of s.byComponent) console.log(row(entry));
  console.log('# self time by module:');
  for (const entry of s.byModule) console.log(row(entry));
  console.log('# self time by function:');
  for (const entry of s.selfByFunction) console.log(row(entry));
  console.log('# total time by function (callees included):');
  for (const entry of s.totalByFunction) console.log(row(entry));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [file, fromUs, toUs] = process.argv.slice(2);
  if (!file) throw new Error('usage: profile-summary.ts FILE.cpuprofile [FROM_US TO_US]');
  const window = fromUs && toUs ? { fromUs: Number(fromUs), toUs: Number(toUs) } : undefined;
  printProfileSummary(file, 25, window);
}
