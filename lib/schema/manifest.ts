// An uploaded manifest: the list of waybills a site expects.
import type { FromSchema } from 'json-schema-to-ts';

export const MANIFEST_STATUSES = ['importing', 'open', 'closed', 'failed'] as const;

export const manifestSchema = {
  title: 'manifest',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 100 },
    name: { type: 'string', maxLength: 200 },
    sourceFile: { type: 'string', maxLength: 300 },
    columns: { type: 'array', items: { type: 'string', maxLength: 200 }, maxItems: 200 },
    rowCount: { type: 'integer', minimum: 0 },
    status: { type: 'string', enum: MANIFEST_STATUSES },
    createdAt: { type: 'string', format: 'date-time', maxLength: 30 },
    createdBy: { type: 'string', maxLength: 100 },
    waybillPattern: { type: 'string', maxLength: 200 },
  },
  required: ['id', 'name', 'rowCount', 'status', 'createdAt'],
  additionalProperties: false,
} as const;

export type Manifest = FromSchema<typeof manifestSchema>;
