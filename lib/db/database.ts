// The device database: RxDB on Dexie (IndexedDB) with the Dockhand collections.
import type { RxCollection, RxDatabase, RxStorage } from 'rxdb';
import { addRxPlugin, createRxDatabase } from 'rxdb';
import { RxDBMigrationSchemaPlugin } from 'rxdb/plugins/migration-schema';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import type { Link } from '../schema/link';
import type { Manifest } from '../schema/manifest';
import type { PrintJob } from '../schema/print-job';
import type { Printer } from '../schema/printer';
import type { Scan } from '../schema/scan';
import type { Template } from '../schema/template';
import type { Waybill } from '../schema/waybill';
import type { ScanReceipt } from './schemas';
import {
  linkRxSchema,
  manifestRxSchema,
  printerRxSchema,
  printJobRxSchema,
  scanReceiptRxSchema,
  scanRxSchema,
  templateRxSchema,
  waybillRxSchema,
} from './schemas';

export interface DockhandCollections {
  scans: RxCollection<Scan>;
  manifests: RxCollection<Manifest>;
  waybills: RxCollection<Waybill>;
  scan_receipts: RxCollection<ScanReceipt>;
  links: RxCollection<Link>;
  printers: RxCollection<Printer>;
  templates: RxCollection<Template>;
  print_jobs: RxCollection<PrintJob>;
}

export type DockhandDatabase = RxDatabase<DockhandCollections>;

const DATABASE_NAME = 'dockhand';
let devModeAdded = false;

// RxDB refuses to open a collection whose stored schema differs from the code's (error DB6), so a
// schema change bumps its `version` and the device's documents are carried over here. Changes so
// far only added an optional field or narrowed a pattern: every document is kept as it is.
addRxPlugin(RxDBMigrationSchemaPlugin);
const unchanged = (doc: unknown) => doc;
/** One strategy per version from 1 up to `version` (lib/schema). */
function keptAsTheyAre(version: number): Record<number, (doc: unknown) => unknown> {
  return Object.fromEntries(Array.from({ length: version }, (_, i) => [i + 1, unchanged]));
}

export async function createDockhandDatabase(
  options: { name?: string; storage?: RxStorage<unknown, unknown> } = {},
): Promise<DockhandDatabase> {
  let storage: RxStorage<unknown, unknown> = options.storage ?? getRxStorageDexie();
  // Dev-mode checks schemas and queries but injects a remote iframe: development builds only.
  if (process.env.NODE_ENV === 'development') {
    const [{ RxDBDevModePlugin }, { wrappedValidateAjvStorage }] = await Promise.all([
      import('rxdb/plugins/dev-mode'),
      import('rxdb/plugins/validate-ajv'),
    ]);
    if (!devModeAdded) {
      addRxPlugin(RxDBDevModePlugin);
      devModeAdded = true;
    }
    storage = wrappedValidateAjvStorage({ storage });
  }
  const db = await createRxDatabase<DockhandCollections>({
    name: options.name ?? DATABASE_NAME,
    storage,
    multiInstance: true, // tabs share one IndexedDB; queries update across tabs
    eventReduce: true,
    closeDuplicates: true, // hot reload in development opens it twice
  });
  await db.addCollections({
    scans: { schema: scanRxSchema, migrationStrategies: keptAsTheyAre(scanRxSchema.version) },
    manifests: { schema: manifestRxSchema },
    waybills: { schema: waybillRxSchema },
    scan_receipts: { schema: scanReceiptRxSchema },
    links: { schema: linkRxSchema, migrationStrategies: keptAsTheyAre(linkRxSchema.version) },
    printers: { schema: printerRxSchema },
    templates: { schema: templateRxSchema },
    print_jobs: { schema: printJobRxSchema },
  });
  return db;
}
