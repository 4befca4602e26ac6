// A ZPL label template with {{field}} slots (filled by lib/core/zpl.ts) and sample values.
import type { FromSchema } from 'json-schema-to-ts';

export const templateSchema = {
  title: 'template',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 100 },
    name: { type: 'string', maxLength: 200 },
    zpl: { type: 'string', maxLength: 100_000 },
    /** Slot names in order, as checkZplTemplate lists them. */
    fields: { type: 'array', items: { type: 'string', maxLength: 64 }, maxItems: 100 },
    sample: { type: 'object', additionalProperties: { type: 'string', maxLength: 1000 } },
    labelWidthMm: { type: 'number', minimum: 10, maximum: 300 },
    labelHeightMm: { type: 'number', minimum: 10, maximum: 1000 },
    dpi: { type: 'integer', enum: [152, 203, 300, 600] },
    updatedAt: { type: 'string', format: 'date-time', maxLength: 30 },
    updatedBy: { type: 'string', maxLength: 100 },
  },
  required: ['id', 'name', 'zpl', 'fields'],
  additionalProperties: false,
} as const;

export type Template = FromSchema<typeof templateSchema>;
