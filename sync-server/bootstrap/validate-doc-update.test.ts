import { describe, expect, it } from 'vitest';
import { DATABASES } from '@/lib/schema';
import { designDocFor } from './design-docs';

type Vdu = (newDoc: unknown, oldDoc: unknown, userCtx: unknown, secObj: unknown) => void;

function vduFor(db: (typeof DATABASES)[number]): Vdu {
  const source = designDocFor(db).validate_doc_update as string;
  // Evaluated the way CouchDB does: the source is one function expression.
  return new Function(`return (${source});`)() as Vdu;
}

/** The thrown CouchDB error object ({forbidden} / {unauthorized}), or 'ok'. */
function outcome(fn: Vdu, newDoc: unknown, oldDoc: unknown, userCtx: unknown): unknown {
  try {
    fn(newDoc, oldDoc, userCtx, {});
    return 'ok';
  } catch (err) {
    return err;
  }
}

const sam = { name: 'sam', roles: ['scanner'] };
const sue = { name: 'sue', roles: ['supervisor'] };
const ada = { name: 'ada', roles: ['admin'] };
const root = { name: 'root', roles: ['_admin'] };
const anon = { name: null, roles: [] };

const scan = {
  _id: 'dev-1:01HZ0000000000000000000001',
  code: 'JD1',
  normalised: 'JD1',
  manifestId: 'm-1',
  result: 'matched',
  source: 'camera',
  deviceId: 'dev-1',
  user: 'sam',
  scannedAt: '2026-11-23T08:00:00.000Z',
};
const stored = { ...scan, _rev: '1-a' };
/** A correction of sam's scan, in `user`'s name, with a reason. */
const correctionBy = (user: string, extra: Record<string, unknown> = {}) => ({
  ...scan,
  _id: 'dev-9:01HZ0000000000000000000003',
  deviceId: 'dev-9',
  user,
  result: 'void',
  voids: scan._id,
  voidReason: 'scanned onto the wrong pallet',
  ...extra,
});

describe('validate_doc_update sources', () => {
  it.each(DATABASES)('%s is ES5 (no arrows, let/const, template literals)', (db) => {
    const source = designDocFor(db).validate_doc_update as string;
    expect(source).not.toMatch(/=>|\blet\s|\bconst\s|`/);
    expect(() => vduFor(db)).not.toThrow();
  });
});

describe('scans validate_doc_update', () => {
  const vdu = vduFor('scans');
  it.each([
    ['own new scan', scan, null, sam],
    [
      'own new scan with _rev/_revisions (replication)',
      { ...scan, _rev: '1-a', _revisions: { start: 1, ids: ['a'] } },
      null,
      sam,
    ],
    ['admin updates a scan', { ...stored, code: 'X' }, stored, ada],
    ['admin deletes a scan', { _id: scan._id, _rev: '1-a', _deleted: true }, stored, ada],
    ['server admin anything', { _id: '_design/dockhand' }, null, root],
    [
      'voiding scan',
      { ...scan, _id: 'dev-1:01HZ0000000000000000000002', voids: scan._id },
      null,
      sam,
    ],
    ['empty _attachments', { ...scan, _attachments: {} }, null, sam],
    ['a supervisor’s void with a reason', correctionBy('sue'), null, sue],
    ['an admin’s void with a reason', correctionBy('ada'), null, ada],
  ])('allows %s', (_label, newDoc, oldDoc, user) =>
    expect(outcome(vdu, newDoc, oldDoc, user)).toBe('ok'),
  );

  it.each([
    ['anonymous', scan, null, anon, 'unauthorized', /log in/],
    [
      'another user',
      { ...scan, user: 'bob' },
      null,
      sam,
      'forbidden',
      /user must be your own name/,
    ],
    ['update', { ...stored, code: 'X' }, stored, sam, 'forbidden', /immutable/],
    [
      'delete',
      { _id: scan._id, _rev: '1-a', _deleted: true },
      stored,
      sam,
      'forbidden',
      /immutable/,
    ],
    [
      'delete unseen',
      { _id: scan._id, _deleted: true },
      null,
      sam,
      'forbidden',
      /Only admins may delete/,
    ],
    ['design doc', { _id: '_design/x' }, null, sue, 'forbidden', /design documents/],
    ['missing field', { ...scan, code: undefined }, null, sam, 'forbidden', /doc.code is required/],
    ['extra field', { ...scan, colour: 'red' }, null, sam, 'forbidden', /colour is not allowed/],
    ['bad enum', { ...scan, source: 'radio' }, null, sam, 'forbidden', /source must be one of/],
    ['too long', { ...scan, code: 'x'.repeat(513) }, null, sam, 'forbidden', /longer than 512/],
    [
      'bad id pattern',
      { ...scan, _id: 'no-colon' },
      null,
      sam,
      'forbidden',
      /doc.id does not match/,
    ],
    ['wrong type', { ...scan, code: 5 }, null, sam, 'forbidden', /code must be string/],
    [
      'id differs from _id',
      { ...scan, id: 'other:01HZ0000000000000000000001' },
      null,
      sam,
      'forbidden',
      /id must equal _id/,
    ],
    ['attachments', { ...scan, _attachments: { a: {} } }, null, sam, 'forbidden', /attachments/],
    ['no role', scan, null, { name: 'sam', roles: [] }, 'forbidden', /may not write/],
    [
      'a scanner’s void with a reason',
      correctionBy('sam'),
      null,
      sam,
      'forbidden',
      /Only a supervisor or an admin voids with a reason/,
    ],
    [
      'a reason on a scan that is not a void',
      { ...scan, user: 'sue', voidReason: 'because' },
      null,
      sue,
      'forbidden',
      /Only a void event carries a voidReason/,
    ],
    [
      'a blank reason',
      correctionBy('sue', { voidReason: '   ' }),
      null,
      sue,
      'forbidden',
      /voidReason does not match/,
    ],
    [
      'a reason longer than 500',
      correctionBy('sue', { voidReason: 'x'.repeat(501) }),
      null,
      sue,
      'forbidden',
      /voidReason is longer than 500/,
    ],
  ])('refuses %s', (_label, newDoc, oldDoc, user, kind, reason) => {
    const err = outcome(vdu, JSON.parse(JSON.stringify(newDoc)), oldDoc, user) as Record<
      string,
      string
    >;
    expect(Object.keys(err)).toEqual([kind]);
    expect(err[kind]).toMatch(reason);
  });
});

describe('links validate_doc_update', () => {
  const vdu = vduFor('links');
  const link = (target: string) => ({
    _id: 'dock-7',
    target,
    enabled: true,
    owner: 'sue',
    createdAt: '2026-11-23T08:00:00.000Z',
  });
  it.each([
    'https://example.com/track?id=1',
    'http://example.com/日本',
    'https://bücher.example/straße?q=ü#teil',
    'https://example.com',
  ])('accepts %j', (target) => {
    expect(outcome(vdu, link(target), null, sue)).toBe('ok');
  });

  it.each([
    'https://example.com/a\r\nSet-Cookie: x=1',
    'https://example.com/\n',
    'https://exa\u0001mple.com/',
    'https://example.com/\u007f',
    'https://example.com/\u0085',
    '\nhttps://example.com/',
    'javascript:alert(1)',
  ])('refuses %j', (target) => {
    const err = outcome(vdu, link(target), null, sue) as { forbidden: string };
    expect(err.forbidden).toMatch(/doc.target does not match/);
  });
});

describe('other databases', () => {
  it.each([
    [
      'waybills',
      { _id: 'w1', manifestId: 'm', number: 'N1', weight: -1 },
      ada,
      /weight is below 0/,
    ],
    [
      'waybills',
      { _id: 'w1', manifestId: 'm', number: 'N1', extra: { a: 1 } },
      ada,
      /extra.a must be string/,
    ],
    [
      'manifests',
      { _id: 'm1', name: 'n', rowCount: 1.5, status: 'open', createdAt: 'x' },
      sue,
      /rowCount must be integer/,
    ],
    ['templates', { _id: 't1' }, sue, /may not write to templates/],
    ['print_jobs', { _id: 'j1', anything: true }, sam, /anything is not allowed/],
    ['printers', { _id: 'p1', status: 'ok' }, ada, /is not allowed|must be/],
    ['waybills', { _id: 'w1', manifestId: 'm', number: 'N1' }, sam, /may not write to waybills/],
    ['print_jobs', { _id: 'j1', _deleted: true }, sam, /Only admins may delete print jobs/],
    ['printers', { _id: 'p1', _deleted: true }, { name: 'pi', roles: ['bridge'] }, /Only admins/],
    [
      'links',
      {
        _id: 'dock-7',
        target: 'https://example.com/',
        enabled: true,
        owner: 'sam',
        createdAt: '2026-11-23T08:00:00.000Z',
      },
      sam,
      /may not write to links/,
    ],
    ['links', { _id: 'dock-7', _deleted: true }, sam, /may not write to links/],
  ])('%s refuses %o', (db, doc, user, reason) => {
    const err = outcome(vduFor(db as (typeof DATABASES)[number]), doc, null, user) as {
      forbidden: string;
    };
    expect(err.forbidden).toMatch(reason);
  });

  it.each([
    ['waybills', { _id: 'w1', manifestId: 'm', number: 'N1', weight: 2.5, extra: { a: 'b' } }, ada],
    [
      'manifests',
      { _id: 'm1', name: 'n', rowCount: 3, status: 'open', createdAt: 'x', columns: ['a'] },
      sue,
    ],
    ['print_jobs', { _id: 'j1', _deleted: true }, ada],
    ['printers', { _id: 'p1', _deleted: true }, ada],
    ['links', { _id: 'l1', _deleted: true }, sue],
  ])('%s accepts %o', (db, doc, user) => {
    expect(outcome(vduFor(db as (typeof DATABASES)[number]), doc, null, user)).toBe('ok');
  });
});
