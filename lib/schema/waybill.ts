// One expected waybill of a manifest; `number` is normalised the same way scans are.
import type { FromSchema } from 'json-schema-to-ts';

export const waybillSchema = {
  title: 'waybill',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 200 },
    manifestId: { type: 'string', maxLength: 100 },
    number: { type: 'string', maxLength: 100 },
    consignee: { type: 'string', maxLength: 300 },
    address: { type: 'string', maxLength: 1000 },
    phone: { type: 'string', maxLength: 50 },
    weight: { type: 'number', minimum: 0 },
    extra: { type: 'object', additionalProperties: { type: 'string', maxLength: 1000 } },
  },
  required: ['id', 'manifestId', 'number'],
  indexes: ['manifestId', 'number'],
  additionalProperties: false,
} as const;

export type Waybill = FromSchema<typeof waybillSchema>;
