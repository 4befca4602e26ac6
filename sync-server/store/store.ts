// The document store as the rest of the server sees it: an HTTP CouchDB API plus a few admin hooks.
import type { PouchDatabase } from 'pouchdb';

/** Where the guard sends CouchDB requests (a private Unix socket for the embedded store). */
export interface StoreUpstream {
  socketPath: string;
}

export interface Store {
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
