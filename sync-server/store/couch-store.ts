// An Apache CouchDB 3 (one node or a cluster) as the store, for sites one machine cannot carry.
// The guard forwards each request with the user's own credentials, as it does to the embedded
// store; the server's own work (bootstrap, imports, exports, short links) uses the service account
// from the environment, which must be a CouchDB server admin.
// https://docs.couchdb.org/en/stable/api/server/configuration.html
import http from 'node:http';
import https from 'node:https';
import PouchDB from 'pouchdb';
import type { PouchDatabase } from 'pouchdb';
import type { Store } from './store';

export interface CouchStoreOptions {
  /** Base URL, e.g. http://couchdb:5984 (credentials come separately). */
  url: string;
  user: string;
  password: string;
  sessionTimeoutS: number;
  maxBodyBytes: number;
}

const REQUEST_TIMEOUT_MS = 30_000;
const UP_WAIT_MS = 60_000; // a cluster behind a proxy may take a while to answer after a restart
const UP_POLL_MS = 500;

export class CouchStoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CouchStoreError';
  }
}

interface Answer {
  status: number;
  json: unknown;
}

/** What the sync server asks of CouchDB with its service account. */
function couchClient(base: URL, user: string, password: string) {
  const authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const prefix = base.pathname.replace(/\/+$/, '');
  const client = base.protocol === 'https:' ? https : http;
  const agent = new client.Agent({ keepAlive: true, maxSockets: 16 });

  function call(method: string, path: string, body?: unknown): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const req = client.request(
        {
          protocol: base.protocol,
          hostname: base.hostname.replace(/^\[|\]$/g, ''),
          port: base.port || (base.protocol === 'https:' ? 443 : 80),
          path: prefix + path,
          method,
          agent,
          headers: {
            authorization,
            accept: 'application/json',
            ...(payload
              ? { 'content-type': 'application/json', 'content-length': payload.length }
              : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let json: unknown;
            try {
              json = text ? JSON.parse(text) : undefined;
            } catch {
              json = text;
            }
            resolve({ status: res.statusCode ?? 502, json });
          });
        },
      );
      req.setTimeout(REQUEST_TIMEOUT_MS, () =>
        req.destroy(new Error(`CouchDB did not answer ${method} ${path}`)),
      );
      req.on('error', reject);
      req.end(payload);
    });
  }
  return { call, agent };
}

type Client = ReturnType<typeof couchClient>;

async function waitUntilUp(couch: Client, url: string): Promise<void> {
  const until = Date.now() + UP_WAIT_MS;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const up = await couch.call('GET', '/_up');
      if (up.status === 200) return;
      last = new Error(`/_up answered ${up.status}`);
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, UP_POLL_MS));
  }
  throw new CouchStoreError(`CouchDB at ${url} is not answering (${String(last)})`, {
    cause: last,
  });
}

/** The nodes of the cluster (one for a single node), for per-node configuration. */
async function clusterNodes(couch: Client): Promise<string[]> {
  const answer = await couch.call('GET', '/_membership');
  const nodes = (answer.json as { cluster_nodes?: unknown } | undefined)?.cluster_nodes;
  if (answer.status !== 200 || !Array.isArray(nodes) || nodes.length === 0) return ['_local'];
  return nodes.filter((n): n is string => typeof n === 'string');
}

/** Sets one configuration value on every node (CouchDB keeps configuration per node). */
async function setConfigEverywhere(
  couch: Client,
  nodes: string[],
  section: string,
  key: string,
  value: string,
): Promise<void> {
  for (const node of nodes) {
    const path = `/_node/${encodeURIComponent(node)}/_config/${section}/${key}`;
    const answer = await couch.call('PUT', path, value);
    if (answer.status !== 200) {
      throw new CouchStoreError(`could not set [${section}] ${key} on ${node} (${answer.status})`);
    }
  }
}

export async function openCouchStore(opts: CouchStoreOptions): Promise<Store> {
  const base = new URL(opts.url);
  if (base.username || base.password) {
    throw new CouchStoreError(
      'DOCKHAND_COUCHDB_URL must not hold credentials: set DOCKHAND_COUCHDB_USER and DOCKHAND_COUCHDB_PASSWORD.',
    );
  }
  const couch = couchClient(base, opts.user, opts.password);
  const forwardAgent = new (base.protocol === 'https:' ? https : http).Agent({ keepAlive: true });
  await waitUntilUp(couch, base.origin);
  const session = await couch.call('GET', '/_session');
  const roles = (session.json as { userCtx?: { roles?: unknown } } | undefined)?.userCtx?.roles;
  if (session.status === 401 || !Array.isArray(roles)) {
    throw new CouchStoreError(
      `CouchDB refused DOCKHAND_COUCHDB_USER '${opts.user}' (${session.status}).`,
    );
  }
  if (!roles.includes('_admin')) {
    throw new CouchStoreError(
      `DOCKHAND_COUCHDB_USER '${opts.user}' must be a CouchDB server admin (it creates databases and their rules).`,
    );
  }

  const nodes = await clusterNodes(couch);
  // Dockhand's admins manage accounts: _users needs its _security writable. The session lasts a
  // shift, as on the embedded store; documents and requests are capped like the guard's body.
  await setConfigEverywhere(couch, nodes, 'couchdb', 'users_db_security_editable', 'true');
  await setConfigEverywhere(couch, nodes, 'chttpd_auth', 'timeout', String(opts.sessionTimeoutS));
  await setConfigEverywhere(
    couch,
    nodes,
    'couchdb',
    'max_document_size',
    String(opts.maxBodyBytes),
  );

  let admins = await readAdmins(couch);
  const RemotePouch = PouchDB.defaults({
    auth: { username: opts.user, password: opts.password },
    skip_setup: true,
  } as Record<string, unknown>);
  const handles = new Map<string, PouchDatabase>();

  async function ensureDatabase(name: string): Promise<void> {
    const path = `/${encodeURIComponent(name)}`;
    const head = await couch.call('GET', path);
    if (head.status === 200) return;
    const created = await couch.call('PUT', path);
    if (created.status !== 201 && created.status !== 202 && created.status !== 412) {
      throw new CouchStoreError(`could not create database ${name} (${created.status})`);
    }
  }

  return {
    kind: 'couchdb',
    // Devices' requests get their own pool, without a cap: held long-polls and continuous feeds
    // (three per device) would otherwise take every socket and queue logins behind them.
    upstream: { url: base, agent: forwardAgent },
    serverAdmins: () => admins.filter((name) => name !== opts.user),
    async addServerAdmin(name, password) {
      await setConfigEverywhere(couch, nodes, 'admins', encodeURIComponent(name), password);
      admins = await readAdmins(couch);
    },
    async database(name) {
      const open = handles.get(name);
      if (open) return open;
      await ensureDatabase(name);
      const db = new RemotePouch(`${base.href.replace(/\/+$/, '')}/${encodeURIComponent(name)}`);
      // The embedded store's databases have putSecurity (pouchdb-security); here it is one PUT.
      (db as PouchDatabase & { putSecurity?: unknown }).putSecurity = async (
        security: Record<string, unknown>,
      ) => {
        const answer = await couch.call('PUT', `/${encodeURIComponent(name)}/_security`, security);
        if (answer.status !== 200) {
          throw new CouchStoreError(`could not set _security of ${name} (${answer.status})`);
        }
        return answer.json;
      };
      handles.set(name, db);
      return db;
    },
    async databaseNames() {
      const answer = await couch.call('GET', '/_all_dbs');
      if (answer.status !== 200 || !Array.isArray(answer.json)) {
        throw new CouchStoreError(`CouchDB answered /_all_dbs with ${answer.status}`);
      }
      return answer.json as string[];
    },
    async close() {
      await Promise.allSettled([...handles.values()].map((db) => db.close()));
      handles.clear();
      couch.agent.destroy();
      forwardAgent.destroy();
    },
  };
}

/** The server admins of the node that answers (the same on every node once set everywhere). */
async function readAdmins(couch: Client): Promise<string[]> {
  const answer = await couch.call('GET', '/_node/_local/_config/admins');
  if (answer.status !== 200 || typeof answer.json !== 'object' || answer.json === null) {
    throw new CouchStoreError(`could not read the server admins (${answer.status})`);
  }
  return Object.keys(answer.json);
}
