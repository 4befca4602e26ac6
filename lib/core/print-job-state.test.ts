import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PrintJob } from '../schema/print-job';
import {
  DEFAULT_RETRY_POLICY,
  type JobEvent,
  isRefusedByServer,
  newPrintJob,
  nextJobState,
  PRINT_ERR_REFUSED,
  retryDelayMs,
} from './print-job-state';

const T0 = new Date('2026-03-02T08:00:00.000Z');
const later = (ms: number) => new Date(T0.getTime() + ms);
const policy = { baseMs: 1_000, maxMs: 8_000, maxAttempts: 3 };

const queued = newPrintJob(
  { id: 'j1', site: 'depot-north', printerId: 'p1', templateId: 't1', values: { waybill: 'JD1' } },
  T0,
);
const job = (over: Partial<PrintJob>): PrintJob => ({ ...queued, ...over });
const printing = job({ state: 'printing', attempt: 1, seriesAttempt: 1 });
const sending = job({ state: 'printing', attempt: 1, seriesAttempt: 1, sendStarted: true });

type SendFailed = Extract<JobEvent, { type: 'send-failed' }>;
const offline = (jitterMs = 0): SendFailed => ({
  type: 'send-failed',
  code: 'PRINT_ERR_PRINTER_OFFLINE',
  message: 'down',
  bytesMayHaveReachedPrinter: false,
  retryable: true,
  jitterMs,
});
const cut: JobEvent = {
  type: 'send-failed',
  code: 'PRINT_ERR_CONNECTION_LOST',
  message: 'reset',
  bytesMayHaveReachedPrinter: true,
  retryable: false,
  jitterMs: 0,
};

describe('nextJobState', () => {
  it.each<[string, PrintJob, JobEvent, Partial<PrintJob>]>([
    [
      'take a queued job',
      queued,
      { type: 'take' },
      { state: 'printing', attempt: 1, seriesAttempt: 1, sendStarted: false },
    ],
    [
      'mark the first byte',
      printing,
      { type: 'sending' },
      { state: 'printing', sendStarted: true },
    ],
    ['finish', sending, { type: 'sent' }, { state: 'done', doneAt: T0.toISOString() }],
    [
      'offline before any byte: retry after the backoff + jitter',
      printing,
      offline(250),
      { state: 'queued', notBefore: later(1_250).toISOString() },
    ],
    ['connection cut after a byte: unknown, never requeued', sending, cut, { state: 'unknown' }],
    [
      'a fault in the job itself fails at once',
      printing,
      { ...offline(), retryable: false, code: 'PRINT_ERR_TEMPLATE_MISSING' },
      { state: 'failed' },
    ],
    [
      'out of attempts fails',
      job({ state: 'printing', attempt: 3, seriesAttempt: 3 }),
      offline(),
      { state: 'failed', attempt: 3 },
    ],
    [
      'restart before the first byte: queued again, attempt kept, series budget given back',
      printing,
      { type: 'interrupted' },
      { state: 'queued', attempt: 1, seriesAttempt: 0 },
    ],
    [
      'restart after the first byte: unknown',
      sending,
      { type: 'interrupted' },
      { state: 'unknown', attempt: 1 },
    ],
    [
      'a person reprints an unknown job',
      job({ state: 'unknown', attempt: 2, seriesAttempt: 2 }),
      { type: 'reprint', by: 'ana' },
      { state: 'queued', series: 2, seriesAttempt: 0, attempt: 2 },
    ],
    [
      'a person reprints a done job',
      job({ state: 'done', attempt: 1, seriesAttempt: 1 }),
      { type: 'reprint', by: 'ana' },
      { state: 'queued', series: 2 },
    ],
    [
      'a person dismisses a failed job',
      job({ state: 'failed' }),
      { type: 'dismiss', by: 'bo' },
      { state: 'dismissed' },
    ],
  ])('%s', (_name, before, event, expected) => {
    const result = nextJobState(before, event, T0, policy);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.job).toMatchObject({ ...expected, updatedAt: T0.toISOString() });
  });

  it.each<[string, PrintJob, JobEvent, string]>([
    ['take a job that is printing', printing, { type: 'take' }, 'invalid-transition'],
    [
      'take before the backoff ends',
      job({ notBefore: later(1).toISOString() }),
      { type: 'take' },
      'not-due',
    ],
    ['finish without having marked the first byte', printing, { type: 'sent' }, 'not-sending'],
    ['mark the first byte twice', sending, { type: 'sending' }, 'invalid-transition'],
    ['reprint a queued job', queued, { type: 'reprint', by: 'ana' }, 'invalid-transition'],
    ['reprint a printing job', sending, { type: 'reprint', by: 'ana' }, 'invalid-transition'],
    [
      'reprint without a person',
      job({ state: 'failed' }),
      { type: 'reprint', by: '' },
      'person-required',
    ],
    [
      'dismiss a done job',
      job({ state: 'done' }),
      { type: 'dismiss', by: 'bo' },
      'invalid-transition',
    ],
    ['fail a queued job', queued, offline(), 'invalid-transition'],
    ['interrupt a done job', job({ state: 'done' }), { type: 'interrupted' }, 'invalid-transition'],
  ])('refuses to %s', (_name, before, event, error) => {
    expect(nextJobState(before, event, T0, policy)).toEqual({ ok: false, error });
  });

  it('records who reprinted and who dismissed, oldest first', () => {
    let j = job({ state: 'unknown' });
    for (const event of [
      { type: 'reprint', by: 'ana' },
      { type: 'take' },
      { type: 'sending' },
      { type: 'interrupted' },
      { type: 'dismiss', by: 'bo' },
    ] as JobEvent[]) {
      const r = nextJobState(j, event, T0, policy);
      if (!r.ok) throw new Error(r.error);
      j = r.job;
    }
    expect(j.decisions).toEqual([
      { action: 'reprint', by: 'ana', at: T0.toISOString(), fromState: 'unknown' },
      { action: 'dismiss', by: 'bo', at: T0.toISOString(), fromState: 'unknown' },
    ]);
  });

  it.each([
    [1, 1_000],
    [2, 2_000],
    [3, 4_000],
    [4, 8_000],
    [50, 8_000],
  ])('backoff after %i failed attempts is %i ms', (n, ms) => {
    expect(retryDelayMs(n, policy)).toBe(ms);
  });

  it('the default policy gives up within minutes, not days', () => {
    let total = 0;
    for (let n = 1; n < DEFAULT_RETRY_POLICY.maxAttempts; n += 1)
      total += retryDelayMs(n, DEFAULT_RETRY_POLICY);
    expect(total).toBeLessThan(10 * 60_000);
  });
});

const eventArb: fc.Arbitrary<JobEvent> = fc.oneof(
  fc.constant<JobEvent>({ type: 'take' }),
  fc.constant<JobEvent>({ type: 'sending' }),
  fc.constant<JobEvent>({ type: 'sent' }),
  fc.constant<JobEvent>({ type: 'interrupted' }),
  fc.record({
    type: fc.constant('send-failed' as const),
    code: fc.constant('PRINT_ERR_X'),
    message: fc.constant('x'),
    bytesMayHaveReachedPrinter: fc.boolean(),
    retryable: fc.boolean(),
    jitterMs: fc.integer({ min: 0, max: 1_000 }),
  }),
  fc.record({ type: fc.constant('reprint' as const), by: fc.constantFrom('ana', 'bo') }),
  fc.record({ type: fc.constant('dismiss' as const), by: fc.constantFrom('ana', 'bo') }),
  fc.record({ type: fc.constant('refused' as const), reason: fc.constant('forbidden: no') }),
);

describe('a job the server refused', () => {
  const reason = 'forbidden: createdBy must be your own name (bo).';
  const refused = nextJobState(queued, { type: 'refused', reason }, later(500));
  const refusedJob = refused.ok ? refused.job : queued;

  it('becomes failed with the reason, nothing sent, values kept', () => {
    expect(refused.ok).toBe(true);
    expect(refusedJob).toMatchObject({
      state: 'failed',
      values: queued.values,
      attempt: 0,
      sendStarted: false,
      error: { code: PRINT_ERR_REFUSED, message: reason, bytesMayHaveReachedPrinter: false },
    });
    expect(isRefusedByServer(refusedJob)).toBe(true);
    expect(isRefusedByServer(queued)).toBe(false);
  });

  it('is sent again as the new job the server never held (no decision recorded)', () => {
    const again = nextJobState(refusedJob, { type: 'reprint', by: 'ana' }, later(900));
    expect(again.ok && again.job).toEqual({ ...queued, updatedAt: later(900).toISOString() });
  });

  it.each<[string, PrintJob]>([
    ['a dismissed refused job stays dismissed', job({ state: 'dismissed' })],
    ['a job the bridge already took is not a new job', job({ attempt: 2, state: 'queued' })],
    ['a reprint is not a new job', job({ series: 2 })],
  ])('%s', (_name, before) => {
    expect(nextJobState(before, { type: 'refused', reason }, later(1))).toEqual({
      ok: false,
      error: 'invalid-transition',
    });
  });

  it('can be dismissed like any failed job', () => {
    const r = nextJobState(refusedJob, { type: 'dismiss', by: 'ana' }, later(1));
    expect(r.ok && r.job.state).toBe('dismissed');
  });
});

describe('nextJobState properties', () => {
  it('never requeues a job whose bytes may have been sent unless a person says so; attempts only grow', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(eventArb, fc.integer({ min: 0, max: 120_000 })), { maxLength: 60 }),
        (steps) => {
          let j = queued;
          let clock = T0.getTime();
          for (const [event, advance] of steps) {
            clock += advance;
            const r = nextJobState(j, event, new Date(clock), policy);
            if (!r.ok) {
              expect(r.error).toMatch(/^(invalid-transition|not-due|not-sending|person-required)$/);
              continue;
            }
            const next = r.job;
            // The driver is the authority after an attempt (it may know the printer refused the
            // job); without its answer, the persisted first-byte mark decides.
            const mayHaveSent =
              event.type === 'send-failed'
                ? event.bytesMayHaveReachedPrinter
                : j.state === 'printing' && j.sendStarted;
            if (mayHaveSent && event.type !== 'sent') {
              expect(next.state === 'queued' || next.state === 'printing').toBe(false);
            }
            if (next.state === 'queued' && j.state !== 'queued') {
              expect(event.type === 'reprint' || !mayHaveSent).toBe(true);
            }
            expect(next.attempt).toBeGreaterThanOrEqual(j.attempt);
            expect(next.series).toBeGreaterThanOrEqual(j.series);
            expect(next.seriesAttempt).toBeLessThanOrEqual(policy.maxAttempts);
            if (next.state === 'done') expect(j.sendStarted).toBe(true);
            j = next;
          }
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
