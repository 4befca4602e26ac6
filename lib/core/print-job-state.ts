// The print-job state machine: every change of a job's state goes through nextJobState.
// Rule: once a byte of an attempt may have reached the printer, only a person prints it again.
import type { PrintJob, PrintJobError } from '../schema/print-job';

export interface RetryPolicy {
  /** Delay before the 2nd attempt; doubles each attempt. */
  baseMs: number;
  maxMs: number;
  /** Attempts per series (first printing or one reprint) before the job fails. */
  maxAttempts: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  baseMs: 2_000, // 2 s
  maxMs: 60_000, // 1 min
  maxAttempts: 10, // ~5 min of an unreachable printer, then a person is told
};

export type JobEvent =
  /** The bridge takes a queued job that is due. */
  | { type: 'take' }
  /** The bridge is about to write the first byte (persisted before it does). */
  | { type: 'sending' }
  /** Every byte was written and the printer acknowledged the end of the job. */
  | { type: 'sent' }
  | {
      type: 'send-failed';
      code: string;
      message: string;
      /** The driver's word: false only if no byte could have reached the printer. */
      bytesMayHaveReachedPrinter: boolean;
      /** Worth another try (printer offline, busy) rather than a fault in the job. */
      retryable: boolean;
      /** Added to the backoff so many bridges do not retry in step; chosen by the caller. */
      jitterMs: number;
    }
  /** The attempt was cut short without a driver answer: bridge restart or shutdown. */
  | { type: 'interrupted' }
  | { type: 'reprint'; by: string }
  | { type: 'dismiss'; by: string }
  /**
   * The sync server refused the job when this device first sent it (validate_doc_update said
   * forbidden): the server holds no copy, the device keeps it, and nothing retries it by itself.
   */
  | { type: 'refused'; reason: string };

export type JobTransitionError =
  'invalid-transition' | 'not-due' | 'not-sending' | 'person-required';

export type JobTransition = { ok: true; job: PrintJob } | { ok: false; error: JobTransitionError };

/** The error code of a job the server refused to take (see the `refused` event). */
export const PRINT_ERR_REFUSED = 'PRINT_ERR_REFUSED';

/** A job the server never accepted: it lives on this device only. */
export function isRefusedByServer(job: Pick<PrintJob, 'state' | 'error'>): boolean {
  return job.state === 'failed' && job.error?.code === PRINT_ERR_REFUSED;
}

const INTERRUPTED: Pick<PrintJobError, 'code' | 'message'> = {
  code: 'PRINT_ERR_INTERRUPTED',
  message:
    'The bridge stopped while this label was being sent: check whether it printed, then reprint or dismiss the job.',
};

/** Backoff before the attempt after `seriesAttempt` failed ones (1 → base, 2 → 2·base, …). */
export function retryDelayMs(seriesAttempt: number, policy: RetryPolicy): number {
  const exponent = Math.max(0, seriesAttempt - 1);
  return Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(exponent, 30));
}

/** Whether a byte of the job's current attempt may have reached the printer. */
export function bytesMayHaveBeenSent(job: PrintJob): boolean {
  return job.state === 'printing' && job.sendStarted;
}

export function nextJobState(
  job: PrintJob,
  event: JobEvent,
  now: Date,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): JobTransition {
  const at = now.toISOString();
  const base = { ...job, updatedAt: at };
  const fail = (error: JobTransitionError): JobTransition => ({ ok: false, error });

  switch (event.type) {
    case 'take': {
      if (job.state !== 'queued') return fail('invalid-transition');
      if (job.notBefore !== undefined && Date.parse(job.notBefore) > now.getTime()) {
        return fail('not-due');
      }
      const { notBefore: _notBefore, ...rest } = base;
      return {
        ok: true,
        job: {
          ...rest,
          state: 'printing',
          attempt: job.attempt + 1,
          seriesAttempt: job.seriesAttempt + 1,
          sendStarted: false,
        },
      };
    }
    case 'sending':
      if (job.state !== 'printing' || job.sendStarted) return fail('invalid-transition');
      return { ok: true, job: { ...base, sendStarted: true } };
    case 'sent': {
      if (job.state !== 'printing') return fail('invalid-transition');
      if (!job.sendStarted) return fail('not-sending');
      const { error: _error, ...rest } = base;
      return { ok: true, job: { ...rest, state: 'done', doneAt: at } };
    }
    case 'send-failed': {
      if (job.state !== 'printing') return fail('invalid-transition');
      const error: PrintJobError = {
        code: event.code,
        message: event.message,
        at,
        bytesMayHaveReachedPrinter: event.bytesMayHaveReachedPrinter,
      };
      if (event.bytesMayHaveReachedPrinter) {
        return { ok: true, job: { ...base, state: 'unknown', error } };
      }
      if (event.retryable && job.seriesAttempt < policy.maxAttempts) {
        const delay = retryDelayMs(job.seriesAttempt, policy) + Math.max(0, event.jitterMs);
        const notBefore = new Date(now.getTime() + delay).toISOString();
        return {
          ok: true,
          job: { ...base, state: 'queued', sendStarted: false, notBefore, error },
        };
      }
      return { ok: true, job: { ...base, state: 'failed', sendStarted: false, error } };
    }
    case 'interrupted':
      if (job.state !== 'printing') return fail('invalid-transition');
      if (job.sendStarted) {
        const error: PrintJobError = { ...INTERRUPTED, at, bytesMayHaveReachedPrinter: true };
        return { ok: true, job: { ...base, state: 'unknown', error } };
      }
      // Nothing was sent, so the printer did not fail this attempt: it is given back to the
      // series budget (else a bridge restarting in a loop would fail the job), while the total
      // count stays (attempts only grow).
      return {
        ok: true,
        job: {
          ...base,
          state: 'queued',
          sendStarted: false,
          seriesAttempt: Math.max(0, job.seriesAttempt - 1),
        },
      };
    case 'refused':
      // Only a new job (never taken, never reprinted) becomes a refused one; the caller keeps any
      // other refused change as it is (e.g. dismissing a refused job, which the server never held).
      if (job.state !== 'queued' || job.attempt !== 0 || job.series !== 1) {
        return fail('invalid-transition');
      }
      return {
        ok: true,
        job: {
          ...base,
          state: 'failed',
          sendStarted: false,
          error: {
            code: PRINT_ERR_REFUSED,
            message: event.reason.slice(0, 1000),
            at,
            bytesMayHaveReachedPrinter: false,
          },
        },
      };
    case 'reprint': {
      if (!event.by) return fail('person-required');
      if (isRefusedByServer(job)) {
        // Sent again as the new job it still is to the server (which holds no copy of it):
        // no attempts, errors or decisions, or the server's rules for a new job refuse it.
        const {
          error: _error,
          notBefore: _notBefore,
          doneAt: _doneAt,
          decisions: _decisions,
          ...rest
        } = base;
        return {
          ok: true,
          job: {
            ...rest,
            state: 'queued',
            attempt: 0,
            seriesAttempt: 0,
            series: 1,
            sendStarted: false,
          },
        };
      }
      if (job.state !== 'failed' && job.state !== 'unknown' && job.state !== 'done') {
        return fail('invalid-transition');
      }
      const { error: _error, notBefore: _notBefore, doneAt: _doneAt, ...rest } = base;
      return {
        ok: true,
        job: {
          ...rest,
          state: 'queued',
          series: job.series + 1,
          seriesAttempt: 0,
          sendStarted: false,
          decisions: [
            ...(job.decisions ?? []),
            { action: 'reprint' as const, by: event.by, at, fromState: job.state },
          ].slice(-100),
        },
      };
    }
    case 'dismiss':
      if (!event.by) return fail('person-required');
      if (job.state !== 'failed' && job.state !== 'unknown') return fail('invalid-transition');
      return {
        ok: true,
        job: {
          ...base,
          state: 'dismissed',
          decisions: [
            ...(job.decisions ?? []),
            { action: 'dismiss' as const, by: event.by, at, fromState: job.state },
          ].slice(-100),
        },
      };
  }
}

/** A new job as a device creates it. */
export function newPrintJob(
  fields: Pick<PrintJob, 'id' | 'site' | 'printerId' | 'templateId' | 'values'> &
    Partial<Pick<PrintJob, 'copies' | 'createdBy'>>,
  now: Date,
): PrintJob {
  const at = now.toISOString();
  return {
    copies: 1,
    ...fields,
    state: 'queued',
    attempt: 0,
    seriesAttempt: 0,
    series: 1,
    sendStarted: false,
    createdAt: at,
    updatedAt: at,
  };
}
