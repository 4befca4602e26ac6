// What the server holds before the devices connect: one open manifest whose waybills carry
// carriers' numbers in several formats and no order, the scanner and supervisor accounts, and the
// session cookie each device logs in for once (POST /db/_session), as the app does.
// https://docs.couchdb.org/en/stable/api/server/authn.html#post--_session
import type { Manifest, Waybill } from '../../lib/schema';
import type { HttpClient } from './http-client';

const BATCH = 500; // documents per _bulk_docs (the guard allows 1,000)
const CONCURRENCY = 8; // account writes and logins at once: each costs a pbkdf2 on the server

export interface Account {
  name: string;
  password: string;
}

async function expectStatus(
  what: string,
  answer: Promise<{ status: number; text: string }>,
  ok: number[],
) {
  const { status, text } = await answer;
  if (!ok.includes(status)) throw new Error(`${what}: HTTP ${status} ${text.slice(0, 300)}`);
  return text;
}

/** Runs `task` over `items` with at most `limit` at once. */
export async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await task(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** The manifest and its waybills, written by the admin as an import writes them. */
export async function seedManifest(
  client: HttpClient,
  adminAuth: string,
  manifestId: string,
  numbers: readonly string[],
): Promise<void> {
  const headers = { authorization: adminAuth };
  const manifest: Omit<Manifest, 'id'> & { _id: string } = {
    _id: manifestId,
    name: 'Inbound Wednesday',
    sourceFile: 'inbound-wednesday.xlsx',
    columns: ['AWB', 'Consignee', 'Address', 'Phone', 'Weight'],
    rowCount: numbers.length,
    status: 'open',
    createdAt: new Date().toISOString(),
    createdBy: 'admin',
  };
  await expectStatus(
    'writing the manifest',
    client.request('PUT', `/db/manifests/${encodeURIComponent(manifestId)}`, {
      headers,
      body: JSON.stringify(manifest),
    }),
    [201],
  );
  for (let i = 0; i < numbers.length; i += BATCH) {
    const docs = numbers.slice(i, i + BATCH).map((number, j): Omit<Waybill, 'id'> => {
      const row = i + j;
      return {
        _id: `${manifestId}:${number}`,
        manifestId,
        number,
        consignee: `Consignee ${row}`,
        address: `${row} Harbour Road, Unit ${row % 40}`,
        phone: `+44 20 7946 ${String(row % 10_000).padStart(4, '0')}`,
        weight: 0.2 + (row % 250) / 10,
      } as Omit<Waybill, 'id'> & { _id: string };
    });
    const text = await expectStatus(
      'writing waybills',
      client.request('POST', '/db/waybills/_bulk_docs', {
        headers,
        body: JSON.stringify({ docs }),
      }),
      [201],
    );
    const failed = (JSON.parse(text) as Array<{ error?: string }>).filter((r) => r.error);
    if (failed.length > 0) throw new Error(`${failed.length} waybills not written`);
  }
}

/** Creates the accounts (the server hashes each password: one pbkdf2 apiece). */
export async function createAccounts(
  client: HttpClient,
  adminAuth: string,
  accounts: readonly Account[],
  roles: string[],
): Promise<void> {
  await eachLimited(accounts, CONCURRENCY, async ({ name, password }) => {
    const id = `org.couchdb.user:${name}`;
    await expectStatus(
      `creating ${name}`,
      client.request('PUT', `/db/_users/${encodeURIComponent(id)}`, {
        headers: { authorization: adminAuth },
        body: JSON.stringify({ _id: id, name, password, roles, type: 'user' }),
      }),
      [201],
    );
  });
}

/** Logs in as the app does and returns the `AuthSession=…` cookie to send from then on. */
export async function logIn(client: HttpClient, account: Account): Promise<string> {
  const answer = await client.request('POST', '/db/_session', {
    body: JSON.stringify({ name: account.name, password: account.password }),
  });
  if (answer.status !== 200) {
    throw new Error(`login of ${account.name}: HTTP ${answer.status} ${answer.text.slice(0, 200)}`);
  }
  const setCookie = answer.headers['set-cookie'] ?? [];
  const cookie = setCookie.map((c) => c.split(';')[0]!).find((c) => c.startsWith('AuthSession='));
  if (!cookie) throw new Error(`login of ${account.name} set no AuthSession cookie`);
  return cookie;
}
