// RxDB schemas: the shared JSON schemas of lib/schema (the single source) plus one device-only
// bookkeeping collection that never replicates.
import type { RxJsonSchema } from 'rxdb';
import type { Link } from '../schema/link';
import { linkSchema } from '../schema/link';
import type { Manifest } from '../schema/manifest';
import type { PrintJob } from '../schema/print-job';
import { printJobSchema } from '../schema/print-job';
import type { Printer } from '../schema/printer';
import { printerSchema } from '../schema/printer';
import { manifestSchema } from '../schema/manifest';
import type { Scan } from '../schema/scan';
import { scanSchema } from '../schema/scan';
import type { Template } from '../schema/template';
import { templateSchema } from '../schema/template';
import type { Waybill } from '../schema/waybill';
import { waybillSchema } from '../schema/waybill';

/**
 * The lib/schema objects are `as const` literals whose readonly tuple types RxJsonSchema's
 * generics do not accept; the runtime object is exactly what RxDB expects. Cloned because RxDB
 * (dev-mode) freezes and decorates the object it is given.
 */
function rxSchemaFrom<T>(schema: object): RxJsonSchema<T> {
  return structuredClone(schema) as RxJsonSchema<T>;
}

export const scanRxSchema = rxSchemaFrom<Scan>(scanSchema);
export const manifestRxSchema = rxSchemaFrom<Manifest>(manifestSchema);
export const waybillRxSchema = rxSchemaFrom<Waybill>(waybillSchema);
export const linkRxSchema = rxSchemaFrom<Link>(linkSchema);
export const printerRxSchema = rxSchemaFrom<Printer>(printerSchema);
export const templateRxSchema = rxSchemaFrom<Template>(templateSchema);
/** RxDB indexes string fields by their maxLength: the enum `state` gets one (its longest is 9). */
export const printJobRxSchema = rxSchemaFrom<PrintJob>({
  ...printJobSchema,
  properties: {
    ...printJobSchema.properties,
    state: { ...printJobSchema.properties.state, maxLength: 20 },
  },
});

/**
 * A receipt says "the server holds this scan" (it answered ok or conflict to our `_bulk_docs`, or
 * listed it in `_all_docs`). Kept beside, never inside, the immutable scan, and never replicated,
 * so the count of scans waiting to sync is exact: recorded scans minus receipts.
 */
export interface ScanReceipt {
  id: string;
  confirmedAt: string;
}

export const scanReceiptRxSchema: RxJsonSchema<ScanReceipt> = {
  title: 'scan receipt (device only)',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 100 },
    confirmedAt: { type: 'string', maxLength: 30 },
  },
  required: ['id', 'confirmedAt'],
  additionalProperties: false,
};
