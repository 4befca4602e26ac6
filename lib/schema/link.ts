// A QR short link: /r/<slug> redirects to `target`; visits are counted apart in `link_visits`.
import type { FromSchema } from 'json-schema-to-ts';

export const linkSchema = {
  title: 'link',
  // 1: targets with control characters refused (lib/db/database.ts migrates links unchanged).
  version: 1,
  primaryKey: 'id',
  type: 'object',
  properties: {
    /** The slug itself: one document per slug makes clashes a CouchDB conflict, not a race. */
    id: { type: 'string', maxLength: 64, pattern: '^[a-z0-9][a-z0-9-]{2,63}$' },
    // http(s) only, no control characters anywhere: lib/core/short-link.ts checkTarget says why
    // each other form is refused.
    target: {
      type: 'string',
      maxLength: 2048,
      pattern: '^(?![\\s\\S]*[\\u0000-\\u001f\\u007f-\\u009f])https?://[^/@\\s]+(/|$|\\?|#)',
    },
    title: { type: 'string', maxLength: 200 },
    tags: { type: 'array', items: { type: 'string', maxLength: 50 }, maxItems: 20 },
    enabled: { type: 'boolean' },
    expiresAt: { type: 'string', format: 'date-time', maxLength: 30 },
    passQuery: { type: 'boolean' },
    owner: { type: 'string', maxLength: 100 },
    createdAt: { type: 'string', format: 'date-time', maxLength: 30 },
  },
  required: ['id', 'target', 'enabled', 'owner', 'createdAt'],
  additionalProperties: false,
} as const;

export type Link = FromSchema<typeof linkSchema>;
