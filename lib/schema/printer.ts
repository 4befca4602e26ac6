// A site's printer: how the bridge reaches it, the label it holds, and the status the bridge writes.
import type { FromSchema } from 'json-schema-to-ts';

export const PRINTER_DRIVERS = ['zpl-raw', 'ipp'] as const;
/** The one status model of every driver; the first that applies wins (see printerStateOf). */
export const PRINTER_STATES = [
  'offline',
  'head-open',
  'paper-out',
  'ribbon-out',
  'paused',
  'printing',
  'ready',
] as const;

export const printerStatusSchema = {
  type: 'object',
  properties: {
    state: { type: 'string', enum: PRINTER_STATES },
    online: { type: 'boolean' },
    paperOut: { type: 'boolean' },
    headOpen: { type: 'boolean' },
    paused: { type: 'boolean' },
    ribbonOut: { type: 'boolean' },
    busy: { type: 'boolean' },
    /** What the printer said, as it said it (IPP printer-state-reasons, or the ~HS flags set). */
    reasons: { type: 'array', items: { type: 'string', maxLength: 100 }, maxItems: 30 },
    checkedAt: { type: 'string', format: 'date-time', maxLength: 30 },
    error: { type: 'string', maxLength: 60 },
    message: { type: 'string', maxLength: 500 },
  },
  required: [
    'state',
    'online',
    'paperOut',
    'headOpen',
    'paused',
    'ribbonOut',
    'reasons',
    'checkedAt',
  ],
  additionalProperties: false,
} as const;

export const printerSchema = {
  title: 'printer',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 100 },
    site: { type: 'string', maxLength: 41, pattern: '^[a-z0-9][a-z0-9-]{0,40}$' },
    name: { type: 'string', maxLength: 200 },
    driver: { type: 'string', enum: PRINTER_DRIVERS },
    /** zpl-raw: host name or IP; the raw port is `port` (default 9100). */
    host: { type: 'string', maxLength: 253 },
    port: { type: 'integer', minimum: 1, maximum: 65535 },
    /** ipp: the printer URI, e.g. ipp://10.0.0.5:631/ipp/print. */
    url: { type: 'string', maxLength: 500, pattern: '^(ipp|ipps|http|https)://' },
    labelWidthMm: { type: 'number', minimum: 10, maximum: 300 },
    labelHeightMm: { type: 'number', minimum: 10, maximum: 1000 },
    dpi: { type: 'integer', enum: [152, 203, 300, 600] },
    status: printerStatusSchema,
  },
  required: ['id', 'site', 'name', 'driver'],
  indexes: ['site'],
  additionalProperties: false,
} as const;

export type Printer = FromSchema<typeof printerSchema>;
export type PrinterStatus = FromSchema<typeof printerStatusSchema>;
export type PrinterDriverKind = (typeof PRINTER_DRIVERS)[number];
export type PrinterState = (typeof PRINTER_STATES)[number];
/** What a driver learns from a printer; the bridge adds state and time to make a PrinterStatus. */
export type PrinterCondition = Pick<
  PrinterStatus,
  'online' | 'paperOut' | 'headOpen' | 'paused' | 'ribbonOut' | 'busy' | 'reasons'
>;
