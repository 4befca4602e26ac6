// A site that outgrew one machine: a 3-node Apache CouchDB cluster behind two sync servers. One
// CouchDB node is killed while devices scan through both servers; every scan a server
// acknowledged must be readable afterwards, through either server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  couchDbAvailable,
  couchDbUnavailableReason,
  startCouchCluster,
  type CouchCluster,
} from '../helpers/couchdb';
import { scanDoc, startTestSyncServer } from '../helpers/sync-server';
import type { TestSyncServer } from '../helpers/sync-server';

const available = couchDbAvailable();
if (!available) console.warn(`Skipping the CouchDB cluster test: ${couchDbUnavailableReason()}`);

const SCAN_MS = 6_000; // devices scan for 6 s; node 3 is down from 2 s to the end
const DEVICES = 4;
const BATCH = 5;

async function login(server: TestSyncServer, name: string, password: string): Promise<string> {
  const res = await fetch(`${server.dbUrl}/_session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password }),
  });
  expect(res.status).toBe(200);
  return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
}

/** Ids of the documents of `ids` that `server` can read. */
async function readable(
  server: TestSyncServer,
  cookie: string,
  ids: string[],
): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < ids.length; i += 500) {
    const res = await fetch(`${server.dbUrl}/scans/_all_docs`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ keys: ids.slice(i, i + 500) }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { rows: Array<{ id?: string; value?: { rev: string } }> };
    for (const row of body.rows) if (row.id && row.value) found.add(row.id);
  }
  return found;
}

describe.skipIf(!available)('Apache CouchDB cluster behind two sync servers', () => {
  let cluster: CouchCluster;
  let servers: TestSyncServer[] = [];

  beforeAll(async () => {
    cluster = await startCouchCluster({ nodes: 3, adminUser: 'dockhand-service' });
    const couch = (i: number) => ({
      url: cluster.nodes[i]!.url,
      user: cluster.adminUser,
      password: cluster.adminPassword,
    });
    // One after the other, as an operator's rollout would: the second finds everything set up.
    servers.push(await startTestSyncServer({ config: { couchdb: couch(0) } }));
    servers.push(await startTestSyncServer({ config: { couchdb: couch(1) } }));
    for (let d = 0; d < DEVICES; d++) {
      await servers[0]!.createUser(`scanner-${d}`, `scanner-${d}-password`, ['scanner']);
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.allSettled(servers.map((s) => s.close()));
    servers = [];
    await cluster?.stop();
  });

  it('loses no acknowledged scan when a CouchDB node dies mid-shift', async () => {
    // A session from one sync server works on the other: the nodes share the cookie secret.
    const cookies = await Promise.all(
      Array.from({ length: DEVICES }, (_, d) =>
        login(servers[d % 2]!, `scanner-${d}`, `scanner-${d}-password`),
      ),
    );
    const acknowledged: string[] = [];
    let acknowledgedWhileDown = 0;
    let refusedOrFailed = 0;
    let nodeDown = false;
    const started = Date.now();

    const device = async (d: number) => {
      let n = 0;
      while (Date.now() - started < SCAN_MS) {
        // Devices alternate servers: after a server restart or a load balancer's choice.
        const server = servers[(d + n) % 2]!;
        const docs = Array.from({ length: BATCH }, () =>
          scanDoc(`scanner-${d}`, { deviceId: `dev-${d}` }),
        );
        n += 1;
        try {
          const res = await fetch(`${server.dbUrl}/scans/_bulk_docs`, {
            method: 'POST',
            headers: { cookie: cookies[d]!, 'content-type': 'application/json' },
            body: JSON.stringify({ docs }),
          });
          if (res.status !== 201) {
            refusedOrFailed += 1;
            await res.text();
            continue;
          }
          const rows = (await res.json()) as Array<{ id: string; ok?: boolean }>;
          for (const row of rows) {
            if (!row.ok) continue;
            acknowledged.push(row.id);
            if (nodeDown) acknowledgedWhileDown += 1;
          }
        } catch {
          refusedOrFailed += 1; // not acknowledged: the device keeps it and sends it again
        }
      }
    };
    const killer = (async () => {
      await new Promise((r) => setTimeout(r, 2_000));
      await cluster.nodes[2]!.kill();
      nodeDown = true;
    })();
    await Promise.all([killer, ...Array.from({ length: DEVICES }, (_, d) => device(d))]);

    expect(nodeDown).toBe(true);
    expect(acknowledged.length).toBeGreaterThan(50);
    expect(acknowledgedWhileDown).toBeGreaterThan(20);
    for (const server of servers) {
      const found = await readable(server, cookies[0]!, acknowledged);
      const lost = acknowledged.filter((id) => !found.has(id));
      expect(lost, `lost through ${server.url} (${refusedOrFailed} requests failed)`).toEqual([]);
    }

    // The node comes back and catches up: nothing is lost there either.
    await cluster.nodes[2]!.start();
    const health = await fetch(`${servers[1]!.url}/health`);
    expect(health.status).toBe(200);
  }, 120_000);
});
