// Minimal typings for the untyped CommonJS packages the embedded store uses; only what we call.
declare module 'pouchdb' {
  interface PouchDatabase {
    info(): Promise<{ db_name: string; doc_count: number; update_seq: number | string }>;
    get(id: string, opts?: Record<string, unknown>): Promise<Record<string, unknown>>;
    put(doc: Record<string, unknown>, opts?: Record<string, unknown>): Promise<{ rev: string }>;
    close(): Promise<void>;
    putSecurity?(secObj: Record<string, unknown>): Promise<unknown>;
    getSecurity?(): Promise<Record<string, unknown>>;
    allDocs(opts?: {
      include_docs?: boolean;
      update_seq?: boolean;
      startkey?: string;
      endkey?: string;
      limit?: number;
      skip?: number;
      keys?: string[];
    }): Promise<{
      rows: Array<{
        id: string;
        key: string;
        value: { rev: string };
        doc?: Record<string, unknown>;
      }>;
      update_seq?: number | string;
    }>;
    changes(opts: {
      live?: boolean;
      since?: number | string;
      include_docs?: boolean;
    }): PouchChanges;
    bulkDocs(
      docs: Array<Record<string, unknown>>,
    ): Promise<Array<{ ok?: boolean; id?: string; error?: string; reason?: string }>>;
    /** A view of a design document, `ddoc/view` (https://pouchdb.com/api.html#query_database). */
    query(
      view: string,
      opts?: Record<string, unknown>,
    ): Promise<{ rows: Array<{ id: string; key: unknown; doc?: Record<string, unknown> }> }>;
  }
  interface PouchChange {
    id: string;
    deleted?: boolean;
    doc?: Record<string, unknown>;
  }
  interface PouchChanges {
    on(event: 'change', listener: (change: PouchChange) => void): PouchChanges;
    on(event: 'error', listener: (err: unknown) => void): PouchChanges;
    cancel(): void;
  }
  interface PouchStatic {
    new (name: string, opts?: Record<string, unknown>): PouchDatabase;
    defaults(opts: Record<string, unknown>): PouchStatic;
    allDbs(): Promise<string[]>;
    __dbCacheMap?: { forEach(cb: (db: PouchDatabase, name: string) => void): void };
  }
  const PouchDB: PouchStatic;
  export type { PouchDatabase, PouchStatic, PouchChange, PouchChanges };
  export default PouchDB;
}

declare module 'express-pouchdb' {
  import type { RequestListener } from 'node:http';
  import type { PouchStatic, PouchDatabase } from 'pouchdb';

  interface CouchConfig {
    get(section: string, key: string): unknown;
    getSection(section: string): Record<string, string>;
    set(section: string, key: string, value: unknown, cb: (err?: Error | null) => void): void;
    on(event: string, listener: () => void): void;
  }
  interface ExpressPouchApp extends RequestListener {
    couchConfig: CouchConfig;
    couchLogger?: unknown;
    setPouchDB(PouchDB: PouchStatic): Promise<void>;
    dbWrapper: { wrap(name: string, db: PouchDatabase): Promise<PouchDatabase> };
  }
  interface ExpressPouchOptions {
    mode?: 'fullCouchDB' | 'minimumForPouchDB' | 'custom';
    configPath?: string;
    logPath?: string;
    inMemoryConfig?: boolean;
    overrideMode?: { include?: string[]; exclude?: string[] };
  }
  function expressPouchDB(PouchDB: PouchStatic, opts?: ExpressPouchOptions): ExpressPouchApp;
  export type { ExpressPouchApp, CouchConfig };
  export default expressPouchDB;
}

declare module 'express-pouchdb/lib/create-or-delete-dbs.js' {
  import type { PouchStatic, PouchDatabase } from 'pouchdb';
  export function getOrCreateDB(PouchDB: PouchStatic, name: string): Promise<PouchDatabase>;
}
