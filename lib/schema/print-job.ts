// A print job: made `queued` by any device, carried through its life by the site's bridge.
// The transitions are lib/core/print-job-state.ts; this is the shape on disk and on the wire.
import type { FromSchema } from 'json-schema-to-ts';

/**
 * `unknown`: interrupted after a byte may have reached the printer — a person decides.
 * `dismissed`: a person closed a failed/unknown job without printing it again.
 */
export const PRINT_JOB_STATES = [
  'queued',
  'printing',
  'done',
  'failed',
  'unknown',
  'dismissed',
] as const;

const personActSchema = {
  type: 'object',
  properties: {
    action: { type: 'string', enum: ['reprint', 'dismiss'] },
    by: { type: 'string', maxLength: 100 },
    at: { type: 'string', format: 'date-time', maxLength: 30 },
    fromState: { type: 'string', enum: PRINT_JOB_STATES },
  },
  required: ['action', 'by', 'at', 'fromState'],
  additionalProperties: false,
} as const;

export const printJobErrorSchema = {
  type: 'object',
  properties: {
    code: { type: 'string', maxLength: 60 },
    message: { type: 'string', maxLength: 1000 },
    at: { type: 'string', format: 'date-time', maxLength: 30 },
    bytesMayHaveReachedPrinter: { type: 'boolean' },
  },
  required: ['code', 'message', 'at', 'bytesMayHaveReachedPrinter'],
  additionalProperties: false,
} as const;

export const printJobSchema = {
  title: 'print job',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 100 },
    site: { type: 'string', maxLength: 41, pattern: '^[a-z0-9][a-z0-9-]{0,40}$' },
    printerId: { type: 'string', maxLength: 100 },
    templateId: { type: 'string', maxLength: 100 },
    values: { type: 'object', additionalProperties: { type: 'string', maxLength: 1000 } },
    copies: { type: 'integer', minimum: 1, maximum: 500 },
    state: { type: 'string', enum: PRINT_JOB_STATES },
    /** Attempts over the job's whole life: only grows. */
    attempt: { type: 'integer', minimum: 0 },
    /** Attempts since the job was created or last reprinted (the retry budget counts these). */
    seriesAttempt: { type: 'integer', minimum: 0 },
    /** 1 for the first printing, +1 for each reprint by a person. */
    series: { type: 'integer', minimum: 1 },
    /** Written before the first byte of the current attempt: after a crash, `unknown`, not `queued`. */
    sendStarted: { type: 'boolean' },
    /** Earliest time of the next attempt (retry backoff). */
    notBefore: { type: 'string', format: 'date-time', maxLength: 30 },
    error: printJobErrorSchema,
    createdAt: { type: 'string', format: 'date-time', maxLength: 30 },
    createdBy: { type: 'string', maxLength: 100 },
    updatedAt: { type: 'string', format: 'date-time', maxLength: 30 },
    doneAt: { type: 'string', format: 'date-time', maxLength: 30 },
    /** Reprints and dismissals, oldest first: who decided what. */
    decisions: { type: 'array', items: personActSchema, maxItems: 100 },
  },
  required: [
    'id',
    'site',
    'printerId',
    'templateId',
    'values',
    'copies',
    'state',
    'attempt',
    'seriesAttempt',
    'series',
    'sendStarted',
    'createdAt',
    'updatedAt',
  ],
  indexes: ['site', 'printerId', 'state'],
  additionalProperties: false,
} as const;

export type PrintJob = FromSchema<typeof printJobSchema>;
export type PrintJobState = (typeof PRINT_JOB_STATES)[number];
export type PrintJobError = FromSchema<typeof printJobErrorSchema>;
