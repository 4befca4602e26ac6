// Which validate_doc_update each Dockhand database gets: its write rules and lib/schema schema.
import {
  DATABASES,
  DATABASE_RULES,
  linkSchema,
  manifestSchema,
  printJobSchema,
  printerSchema,
  scanSchema,
  templateSchema,
  waybillSchema,
} from '@/lib/schema';
import type { DatabaseName } from '@/lib/schema';
import { BY_SITE_FILTER_ES5, PRINTER_RULES_ES5, PRINT_JOB_RULES_ES5 } from './print-rules';
import { SCAN_RULES_ES5 } from './scan-rules';
import { validateDocUpdateSource } from './validate-doc-update';
import type { ValidatorSpec } from './validate-doc-update';

export const DESIGN_DOC_ID = '_design/dockhand';

const SCHEMAS: Partial<Record<DatabaseName, ValidatorSpec['schema']>> = {
  scans: scanSchema,
  manifests: manifestSchema,
  waybills: waybillSchema,
  printers: printerSchema,
  templates: templateSchema,
  print_jobs: printJobSchema,
  links: linkSchema,
};

const RULES: Partial<Record<DatabaseName, string>> = {
  scans: SCAN_RULES_ES5,
  print_jobs: PRINT_JOB_RULES_ES5,
  printers: PRINTER_RULES_ES5,
};

/** Databases a bridge pulls by site (`filter=dockhand/by_site&site=…`). */
const SITE_FILTERED: readonly DatabaseName[] = ['print_jobs', 'printers'];

export function validatorSpecFor(db: DatabaseName): ValidatorSpec {
  return {
    dbName: db,
    rules: DATABASE_RULES[db],
    schema: SCHEMAS[db],
    immutableOwned: db === 'scans' ? { ownerField: 'user' } : undefined,
    rulesEs5: RULES[db],
  };
}

/** The design document of one database (without `_rev`). */
export function designDocFor(db: DatabaseName): Record<string, unknown> {
  return {
    _id: DESIGN_DOC_ID,
    language: 'javascript',
    validate_doc_update: validateDocUpdateSource(validatorSpecFor(db)),
    ...(SITE_FILTERED.includes(db) ? { filters: { by_site: BY_SITE_FILTER_ES5 } } : {}),
  };
}

export const ALL_DESIGN_DOCS = DATABASES.map((db) => ({ db, doc: designDocFor(db) }));
