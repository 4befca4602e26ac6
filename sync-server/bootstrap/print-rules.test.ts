import { describe, expect, it } from 'vitest';
import { newPrintJob, nextJobState, type JobEvent } from '@/lib/core/print-job-state';
import type { PrintJob } from '@/lib/schema/print-job';
import { designDocFor } from './design-docs';
import { BY_SITE_FILTER_ES5 } from './print-rules';

type Vdu = (newDoc: unknown, oldDoc: unknown, userCtx: unknown, secObj: unknown) => void;
type Doc = Record<string, unknown> & { _id: string };
type Ctx = { name: string | null; roles: string[] };

const vdu = (db: 'print_jobs' | 'printers'): Vdu =>
  new Function(`return (${designDocFor(db).validate_doc_update as string});`)() as Vdu;
const jobsVdu = vdu('print_jobs');
const printersVdu = vdu('printers');

/** 'ok', or the reason of the `{ forbidden }` / `{ unauthorized }` thrown. */
function outcome(fn: Vdu, newDoc: Doc, oldDoc: Doc | null, user: Ctx): string {
  try {
    fn(newDoc, oldDoc, user, {});
    return 'ok';
  } catch (err) {
    const e = err as { forbidden?: string; unauthorized?: string };
    return e.forbidden ?? e.unauthorized ?? String(err);
  }
}

const sam: Ctx = { name: 'sam', roles: ['scanner'] };
const tom: Ctx = { name: 'tom', roles: ['scanner'] };
const sue: Ctx = { name: 'sue', roles: ['supervisor'] };
const ada: Ctx = { name: 'ada', roles: ['admin'] };
const northBridge: Ctx = { name: 'bridge-north', roles: ['bridge', 'site:north'] };
const southBridge: Ctx = { name: 'bridge-south', roles: ['bridge', 'site:south'] };
const siteless: Ctx = { name: 'bridge-old', roles: ['bridge'] };

const NOW = new Date('2026-03-02T08:00:00.000Z');
const asDoc = (job: PrintJob, rev?: string): Doc => {
  const { id, ...rest } = job;
  return rev ? { _id: id, _rev: rev, ...rest } : { _id: id, ...rest };
};
const queued = newPrintJob(
  {
    id: 'job-1',
    site: 'north',
    printerId: 'zebra-1',
    templateId: 'waybill',
    values: { waybill: 'WB1' },
    createdBy: 'sam',
  },
  NOW,
);
function step(job: PrintJob, ...events: JobEvent[]): PrintJob {
  let current = job;
  for (const event of events) {
    const next = nextJobState(current, event, NOW);
    if (!next.ok) throw new Error(`${event.type}: ${next.error}`);
    current = next.job;
  }
  return current;
}
const failed = (bytes: boolean, retryable = false): JobEvent => ({
  type: 'send-failed',
  code: 'PRINT_ERR_PRINTER_OFFLINE',
  message: 'offline',
  bytesMayHaveReachedPrinter: bytes,
  retryable,
  jitterMs: 0,
});
const printing = step(queued, { type: 'take' });
const sending = step(printing, { type: 'sending' });
const done = step(sending, { type: 'sent' });
const unknown = step(sending, { type: 'interrupted' });
const failedJob = step(printing, failed(false));

describe('print_jobs validate_doc_update', () => {
  it.each([
    ['a scanner in their own name', sam, 'ok'],
    ['a supervisor for someone else', sue, /createdBy must be your own name/],
    ['a bridge', northBridge, /Only a signed-in person creates/],
  ])('creating a queued job: %s', (_what, user, expected) => {
    const doc = asDoc({ ...queued, createdBy: 'sam' });
    const result = outcome(jobsVdu, doc, null, user);
    if (expected === 'ok') expect(result).toBe('ok');
    else expect(result).toMatch(expected);
  });

  it.each([
    ['done', { state: 'done' }],
    ['with attempts', { attempt: 3 }],
  ])('refuses a new job created %s', (_what, patch) => {
    const doc = asDoc({ ...queued, ...patch } as PrintJob);
    expect(outcome(jobsVdu, doc, null, sam)).not.toBe('ok');
  });

  it.each([
    ['take', queued, printing],
    ['mark sending', printing, sending],
    ['finish', sending, done],
    ['fail', printing, failedJob],
    ['retry later', printing, step(printing, failed(false, true))],
    ['give back unsent', printing, step(printing, { type: 'interrupted' })],
    ['mark unknown', sending, unknown],
    // Replication pushes the latest revision only: the states between are not seen.
    ['push queued → done in one revision', queued, done],
    ['push queued → unknown in one revision', queued, unknown],
  ] as const)('the bridge of the site may %s', (_what, from, to) => {
    expect(outcome(jobsVdu, asDoc(to), asDoc(from, '1-a'), northBridge)).toBe('ok');
  });

  it.each([
    ['a scanner marks a job done', sam, sending, done, /Only the print bridge moves/],
    ['an admin marks a job done', ada, sending, done, /Only the print bridge moves/],
    ['another site’s bridge takes it', southBridge, queued, printing, /bridge of site north/],
    ['a bridge without a site role', siteless, queued, printing, /bridge of site north/],
    [
      'the bridge requeues an unknown job',
      northBridge,
      unknown,
      { ...unknown, state: 'queued' as const },
      /from unknown to queued/,
    ],
    [
      'the bridge reopens a done job',
      northBridge,
      done,
      { ...done, state: 'printing' as const, attempt: 2 },
      /from done to printing/,
    ],
    [
      'the bridge changes the printer',
      northBridge,
      queued,
      { ...printing, printerId: 'other' },
      /printerId of a print job never changes/,
    ],
  ] as const)('refuses when %s', (_what, user, from, to, expected) => {
    expect(outcome(jobsVdu, asDoc(to), asDoc(from, '1-a'), user)).toMatch(expected);
  });

  it.each([
    ['the creator reprints an unknown job', sam, unknown, 'reprint', 'ok'],
    ['a supervisor reprints', sue, unknown, 'reprint', 'ok'],
    ['an admin dismisses', ada, failedJob, 'dismiss', 'ok'],
    ['another scanner reprints', tom, unknown, 'reprint', /creator|made the job/],
    ['the bridge reprints', northBridge, unknown, 'reprint', /Only a person/],
  ] as const)('%s', (_what, user, from, action, expected) => {
    const to = step(from, { type: action, by: user.name! });
    const result = outcome(jobsVdu, asDoc(to), asDoc(from, '1-a'), user);
    if (expected === 'ok') expect(result).toBe('ok');
    else expect(result).toMatch(expected);
  });

  it('a job created with its id in the body is not wedged when the bridge writes it back without', () => {
    const created = { ...asDoc(queued), id: queued.id };
    expect(outcome(jobsVdu, created, null, sam)).toBe('ok');
    expect(outcome(jobsVdu, asDoc(done), { ...created, _rev: '1-a' }, northBridge)).toBe('ok');
    // The copy, where present, is still the job's own id.
    expect(outcome(jobsVdu, { ...created, id: 'job-2' }, null, sam)).toMatch(/id must equal _id/);
    const other = { ...asDoc(done), id: 'job-2' };
    expect(outcome(jobsVdu, other, { ...created, _rev: '1-a' }, northBridge)).toMatch(
      /id must equal _id/,
    );
  });

  it('unknown → queued is not silent: a reprint names the person who asked', () => {
    const reprinted = step(unknown, { type: 'reprint', by: 'someone-else' });
    expect(outcome(jobsVdu, asDoc(reprinted), asDoc(unknown, '1-a'), sue)).toMatch(/your own name/);
    const noDecision = { ...reprinted, decisions: [] };
    expect(outcome(jobsVdu, asDoc(noDecision), asDoc(unknown, '1-a'), sue)).toMatch(
      /Only the print bridge/,
    );
  });

  it('only admins delete jobs', () => {
    const tomb = { _id: 'job-1', _deleted: true };
    expect(outcome(jobsVdu, tomb, asDoc(done, '1-a'), sam)).toMatch(/Only admins/);
    expect(outcome(jobsVdu, tomb, asDoc(done, '1-a'), ada)).toBe('ok');
  });
});

describe('printers validate_doc_update', () => {
  const printer: Doc = {
    _id: 'zebra-1',
    site: 'north',
    name: 'Dock 1',
    driver: 'zpl-raw',
    host: '10.0.0.5',
  };
  const status = {
    state: 'ready',
    online: true,
    paperOut: false,
    headOpen: false,
    paused: false,
    ribbonOut: false,
    reasons: [],
    checkedAt: '2026-03-02T08:00:00.000Z',
  };
  const stored = { ...printer, _rev: '1-a' };

  it.each([
    ['an admin adds a printer', ada, printer, null, 'ok'],
    ['the site bridge writes status', northBridge, { ...stored, status }, stored, 'ok'],
    [
      'the site bridge writes status without the id copy',
      northBridge,
      { ...stored, status },
      { ...stored, id: 'zebra-1' },
      'ok',
    ],
    ['the site bridge changes the host', northBridge, { ...stored, host: 'x' }, stored, /host/],
    ['another site’s bridge writes status', southBridge, { ...stored, status }, stored, /site/],
    ['a bridge adds a printer', northBridge, printer, null, /Only admins add/],
    ['a scanner edits', sam, { ...stored, name: 'x' }, stored, /may not write|Only admins/],
  ] as const)('%s', (_what, user, newDoc, oldDoc, expected) => {
    const result = outcome(printersVdu, newDoc, oldDoc, user);
    if (expected === 'ok') expect(result).toBe('ok');
    else expect(result).toMatch(expected);
  });
});

describe('by_site filter', () => {
  const filter = new Function(`return (${BY_SITE_FILTER_ES5});`)() as (
    doc: unknown,
    req: unknown,
  ) => boolean;
  it.each([
    [{ _id: 'a', site: 'north' }, true],
    [{ _id: 'a', site: 'south' }, false],
    [{ _id: '_design/dockhand' }, false],
    [{ _id: 'a', _deleted: true }, true],
  ])('%o → %s', (doc, expected) => {
    expect(filter(doc, { query: { site: 'north' } })).toBe(expected);
  });
});
