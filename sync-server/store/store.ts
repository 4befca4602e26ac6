// The document store as the rest of the server sees it: an HTTP CouchDB API plus a few admin hooks.
import type { Agent } from 'node:http';
import type { PouchDatabase } from 'pouchdb';

/**
 * Where the guard sends CouchDB requests: the embedded store's private Unix socket, or the base
 * URL of an Apache CouchDB (no credentials in it: requests carry the user's own).
 */
export type StoreUpstream = { socketPath: string } | { url: URL; agent?: Agent };

/** One step of a LevelDB iterator: no key and no value once the range is exhausted. */
export type LevelNext = (err: Error | null | undefined, key?: string, value?: string) => void;

/**
 * Read-only ordered access to an embedded database's LevelDB (PouchDB's own on-disk layout), for
 * bulk reads that PouchDB would serve with one LevelDB `get` per document (see sync-server/exports).
 */
export interface LocalLevel {
  readonly status: string;
  iterator(opts: {
    gt?: string;
    gte?: string;
    lt?: string;
    lte?: string;
    limit?: number;
    keyAsBuffer: false;
    valueAsBuffer: false;
    /** Bytes fetched per native call (leveldown's default is 16 KB). */
    highWaterMark?: number;
  }): { next(cb: LevelNext): void; end(cb: (err?: Error | null) => void): void };
  /** Values of `keys` in one native call (undefined where absent); leveldown ≥ 6.1. */
  getMany?(
    keys: string[],
    opts: { asBuffer: false; fillCache?: boolean },
    cb: (err: Error | null | undefined, values?: Array<string | undefined>) => void,
  ): void;
}

export interface Store {
  /** `embedded`: PouchDB on this machine's disk; `couchdb`: an Apache CouchDB 3 (single or cluster). */
  readonly kind: 'embedded' | 'couchdb';
  readonly upstream: StoreUpstream;
  /** Names of the CouchDB server admins (`[admins]` section). */
  serverAdmins(): string[];
  /** Adds a server admin; the store hashes the password before it reaches the disk. */
  addServerAdmin(name: string, password: string): Promise<void>;
  /** A database handle with the store's validation and security wrappers, created if missing. */
  database(name: string): Promise<PouchDatabase>;
  /** Names of all databases on disk. */
  databaseNames(): Promise<string[]>;
  close(): Promise<void>;
}
