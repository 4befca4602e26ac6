// Smoke test of test/helpers/couchdb.ts: a real CouchDB 3.4.3 node and a 3-node cluster start on
// loopback ports, enforce validate_doc_update, survive a killed node and leave no process behind.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  couchDbAvailable,
  couchDbUnavailableReason,
  startCouchCluster,
  startCouchDb,
  type CouchCluster,
  type CouchDb,
} from '../helpers/couchdb';

const available = couchDbAvailable();
if (!available) console.warn(`Skipping the real-CouchDB tests: ${couchDbUnavailableReason()}`);

// Refuses a scan without a code; says what oldDoc it saw when asked, so the test can read it.
const VALIDATE_SCANS = `function (newDoc, oldDoc) {
  if (newDoc._deleted || newDoc._id.indexOf('_design/') === 0) return;
  if (typeof newDoc.code !== 'string') throw { forbidden: 'missing-code' };
  if (newDoc.echoOldDoc) throw { forbidden: 'oldDoc=' + JSON.stringify(oldDoc) };
}`;

async function call(
  url: string,
  auth: string,
  method: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, {
    method,
    headers: { ...(auth ? { authorization: auth } : {}), 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/** Pids of this process's descendants: the VMs and epmd, erl_child_setup, couchjs. */
function descendantPids(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.pop()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** Still running (a zombie, exited but not yet reaped, counts as gone). */
function alive(pid: number): boolean {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false;
  }
  return !stat.includes(') Z ');
}

describe.skipIf(!available)('CouchDB 3.4.3 single node', () => {
  let couch: CouchDb;

  beforeAll(async () => {
    const started = performance.now();
    couch = await startCouchDb();
    console.info(`CouchDB single node ready in ${Math.round(performance.now() - started)} ms`);
  });

  afterAll(async () => {
    await couch?.stop();
  });

  it('is up, with the generated admin and _users security editable', async () => {
    expect(await call(`${couch.url}/_up`, '', 'GET')).toMatchObject({
      status: 200,
      body: { status: 'ok' },
    });
    expect(await call(`${couch.url}/_session`, couch.adminAuth, 'GET')).toMatchObject({
      body: { ok: true, userCtx: { name: couch.adminUser, roles: ['_admin'] } },
    });
    const security = {
      admins: { names: [], roles: [] },
      members: { names: [], roles: ['_admin'] },
    };
    expect(await call(`${couch.url}/_users/_security`, couch.adminAuth, 'PUT', security)).toEqual({
      status: 200,
      body: { ok: true },
    });
  });

  it('keeps a doc its validate_doc_update accepts and refuses one it does not', async () => {
    const db = `${couch.url}/scans`;
    expect((await call(db, couch.adminAuth, 'PUT')).status).toBe(201);
    const ddoc = { validate_doc_update: VALIDATE_SCANS };
    expect((await call(`${db}/_design/scans`, couch.adminAuth, 'PUT', ddoc)).status).toBe(201);

    expect(await call(`${db}/s1`, couch.adminAuth, 'PUT', { code: 'JD0001' })).toMatchObject({
      status: 201,
      body: { ok: true, id: 's1' },
    });
    expect(await call(`${db}/s1`, couch.adminAuth, 'GET')).toMatchObject({
      status: 200,
      body: { _id: 's1', code: 'JD0001' },
    });
    expect(await call(`${db}/s2`, couch.adminAuth, 'PUT', { weight: 3 })).toEqual({
      status: 403,
      body: { error: 'forbidden', reason: 'missing-code' },
    });
    expect((await call(`${db}/s2`, couch.adminAuth, 'GET')).status).toBe(404);
  });

  it('validates a replicated write on a new branch with oldDoc null', async () => {
    const db = `${couch.url}/scans`;
    const replicated = await call(`${db}/_bulk_docs`, couch.adminAuth, 'POST', {
      new_edits: false,
      docs: [
        { _id: 's1', _rev: '1-ffffffffffffffffffffffffffffffff', code: 'X', echoOldDoc: true },
        { _id: 's3', _rev: '1-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', code: 'JD0003' },
      ],
    });
    // s1 exists, but this revision starts a branch of its own: no oldDoc. With new_edits false
    // only refusals are listed: s3 went in without a line.
    expect(replicated).toEqual({
      status: 201,
      body: [
        {
          id: 's1',
          rev: '1-ffffffffffffffffffffffffffffffff',
          error: 'forbidden',
          reason: 'oldDoc=null',
        },
      ],
    });
    expect((await call(`${db}/s3`, couch.adminAuth, 'GET')).status).toBe(200);
  });

  it('stop() leaves no process behind', async () => {
    const pids = descendantPids(process.pid);
    expect(pids.length).toBeGreaterThanOrEqual(3); // epmd, the VM, erl_child_setup (+ couchjs)
    await couch.stop();
    await expect.poll(() => pids.filter(alive)).toEqual([]);
  });
});

describe.skipIf(!available)('CouchDB 3.4.3 cluster of 3 on one machine', () => {
  let cluster: CouchCluster;

  beforeAll(async () => {
    const started = performance.now();
    cluster = await startCouchCluster({ nodes: 3 });
    console.info(`CouchDB 3-node cluster ready in ${Math.round(performance.now() - started)} ms`);
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop();
  });

  it('keeps every write made while a node was killed, and the node catches up', async () => {
    const [node1, node2, node3] = cluster.nodes;
    const auth = cluster.adminAuth;
    expect((await call(`${node1!.url}/shipments?q=2&n=3`, auth, 'PUT')).status).toBe(201);
    const shards = (await call(`${node1!.url}/shipments/_shards`, auth, 'GET')).body as {
      shards: Record<string, string[]>;
    };
    expect(Object.keys(shards.shards)).toHaveLength(2);
    for (const copies of Object.values(shards.shards)) expect(copies).toHaveLength(3);

    const docs = (from: number) =>
      Array.from({ length: 20 }, (_, i) => ({ _id: `wb-${String(from + i).padStart(3, '0')}` }));
    const before = await call(`${node1!.url}/shipments/_bulk_docs`, auth, 'POST', {
      docs: docs(0),
    });
    expect(before.status).toBe(201);
    expect(before.body).toHaveLength(20);
    expect((before.body as Array<{ ok?: boolean }>).every((r) => r.ok)).toBe(true);

    await node2!.kill();
    expect(node2!.running).toBe(false);
    const during = await call(`${node3!.url}/shipments/_bulk_docs`, auth, 'POST', {
      docs: docs(20),
    });
    // Two of three copies are still a write quorum (w=2), so CouchDB says 201, not 202.
    expect(during.status).toBe(201);
    expect((during.body as Array<{ ok?: boolean }>).every((r) => r.ok)).toBe(true);

    const restarted = performance.now();
    await node2!.start();
    console.info(
      `CouchDB node 2 back in the cluster in ${Math.round(performance.now() - restarted)} ms`,
    );

    // Node 2's own shard copies missed the second batch until internal replication catches up.
    const ids = [...docs(0), ...docs(20)].map((d) => d._id);
    for (const node of [node2!, node1!]) {
      await expect
        .poll(async () => {
          const all = await call(`${node.url}/shipments/_all_docs`, auth, 'GET');
          return (all.body as { rows: Array<{ id: string }> }).rows.map((r) => r.id);
        })
        .toEqual(ids);
    }
    for (const id of [ids[0]!, ids[39]!]) {
      expect((await call(`${node2!.url}/shipments/${id}?r=3`, auth, 'GET')).status).toBe(200);
    }
  });

  it('a session cookie from one node is good on the others', async () => {
    const login = await fetch(`${cluster.nodes[0]!.url}/_session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: cluster.adminUser, password: cluster.adminPassword }),
    });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    expect(cookie).toMatch(/^AuthSession=./);
    for (const node of cluster.nodes) {
      const res = await fetch(`${node.url}/_session`, { headers: { cookie } });
      expect(await res.json()).toMatchObject({
        userCtx: { name: cluster.adminUser, roles: ['_admin'] },
        info: { authenticated: 'cookie' },
      });
    }
  });
});
