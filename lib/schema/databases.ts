// The CouchDB databases of ARCHITECTURE.md ("one database per collection") and who may do what.
import type { Role } from './roles';

export const DATABASES = [
  'manifests',
  'waybills',
  'scans',
  'printers',
  'templates',
  'print_jobs',
  'links',
  'link_visits',
] as const;
export type DatabaseName = (typeof DATABASES)[number];

export interface DatabaseRules {
  /** Roles that may read (CouchDB `_security.members.roles`). */
  readers: readonly Role[];
  /** Roles that may write at all; finer rules live in the validate_doc_update of the database. */
  writers: readonly Role[];
}

export const DATABASE_RULES: Record<DatabaseName, DatabaseRules> = {
  manifests: { readers: ['admin', 'supervisor', 'scanner'], writers: ['admin', 'supervisor'] },
  waybills: { readers: ['admin', 'supervisor', 'scanner'], writers: ['admin'] },
  scans: {
    readers: ['admin', 'supervisor', 'scanner'],
    writers: ['admin', 'supervisor', 'scanner'],
  },
  printers: { readers: ['admin', 'supervisor', 'scanner', 'bridge'], writers: ['admin', 'bridge'] },
  templates: { readers: ['admin', 'supervisor', 'scanner', 'bridge'], writers: ['admin'] },
  print_jobs: {
    readers: ['admin', 'supervisor', 'scanner', 'bridge'],
    writers: ['admin', 'supervisor', 'scanner', 'bridge'],
  },
  links: { readers: ['admin', 'supervisor', 'scanner'], writers: ['admin', 'supervisor'] },
  // Aggregate visit counts: written by the sync server itself (a server admin) only.
  link_visits: { readers: ['admin', 'supervisor'], writers: [] },
};
