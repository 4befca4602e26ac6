// The scan event: immutable, made on the device, never conflicts (id = device id + ULID).
import type { FromSchema } from 'json-schema-to-ts';

export const SCAN_SOURCES = ['camera', 'wedge', 'manual'] as const;
/**
 * `void` marks an undo: the event names the scan it cancels in `voids`; nothing is deleted. A
 * void cancels another person's scan only with a `voidReason`, which only a supervisor or an
 * admin may give (lib/core/live-scans.ts; the server's validate_doc_update).
 */
export const SCAN_RESULTS = [
  'matched',
  'duplicate',
  'unknown',
  'other-manifest',
  'free',
  'void',
] as const;

export const VOID_REASON_MAX_LENGTH = 500;

export const scanSchema = {
  title: 'scan',
  description: 'One immutable scan event',
  // 1: `voidReason` added (lib/db/database.ts migrates a device's scans unchanged).
  version: 1,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 100, pattern: '^[A-Za-z0-9_-]{1,60}:[0-9A-HJKMNP-TV-Z]{26}$' },
    code: { type: 'string', maxLength: 512 },
    normalised: { type: 'string', maxLength: 512 },
    manifestId: { type: 'string', maxLength: 100 },
    result: { type: 'string', enum: SCAN_RESULTS },
    source: { type: 'string', enum: SCAN_SOURCES },
    deviceId: { type: 'string', maxLength: 60 },
    user: { type: 'string', maxLength: 100 },
    scannedAt: { type: 'string', format: 'date-time', maxLength: 30 },
    voids: { type: 'string', maxLength: 100 },
    // Not only whitespace: live-scans.ts reads a blank reason as none.
    voidReason: { type: 'string', maxLength: VOID_REASON_MAX_LENGTH, pattern: '\\S' },
  },
  required: [
    'id',
    'code',
    'normalised',
    'manifestId',
    'result',
    'source',
    'deviceId',
    'user',
    'scannedAt',
  ],
  additionalProperties: false,
} as const;

export type Scan = FromSchema<typeof scanSchema>;
export type ScanSource = (typeof SCAN_SOURCES)[number];
export type ScanResult = (typeof SCAN_RESULTS)[number];
