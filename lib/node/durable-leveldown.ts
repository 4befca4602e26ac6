// LevelDB writes that are on disk before PouchDB reports them done. PouchDB's LevelDB adapter
// writes with LevelDB's default `sync: false`: the write survives the process being killed but
// not a power cut, which can then take the last seconds of writes with it. On the sync server
// those are scans a device was told are stored (it never sends them again); on a site's print
// bridge a job marked `printing` before its bytes went out could come back `queued` and print
// twice. Apache CouchDB fsyncs before it answers too. Node-only: used by both services' stores.
import { createRequire } from 'node:module';

/** The leveldown methods that write (abstract-leveldown's private API, which PouchDB calls). */
const WRITES = ['_put', '_del', '_batch'] as const;

interface WritableLevel {
  _put?: (...args: unknown[]) => void;
  _del?: (...args: unknown[]) => void;
  _batch?: (...args: unknown[]) => void;
  _chainedBatch?: () => { _write?: (...args: unknown[]) => void };
}

/** Makes every write of `level` a synchronous (fsynced) LevelDB write; returns `level`. */
export function syncWrites<T extends object>(level: T): T {
  const writable = level as T & WritableLevel;
  for (const name of WRITES) {
    const write = writable[name];
    if (typeof write !== 'function') continue;
    // The options object is the argument before the callback in all three.
    writable[name] = function (this: unknown, ...args: unknown[]) {
      const at = args.length - 2;
      args[at] = { ...(args[at] as object), sync: true };
      return write.apply(this, args);
    };
  }
  const chained = writable._chainedBatch;
  if (typeof chained === 'function') {
    writable._chainedBatch = function (this: unknown) {
      const batch = chained.call(this);
      const commit = batch._write;
      if (typeof commit === 'function')
        batch._write = function (this: unknown, ...args: unknown[]) {
          args[0] = { ...(args[0] as object), sync: true }; // (options, callback)
          return commit.apply(this, args);
        };
      return batch;
    };
  }
  return level;
}

type LevelFactory = ((location: string) => object) & { destroy?: unknown; repair?: unknown };

/**
 * PouchDB's own leveldown (a dependency of pouchdb, not ours), as a factory for PouchDB's `db`
 * option whose databases write durably; `onOpen` sees each handle. Named like leveldown's own
 * constructor because PouchDB caches open handles per constructor name: anything else opening
 * the same folder in this process shares the handle.
 */
export function durableLeveldown(onOpen?: (location: string, level: object) => void): LevelFactory {
  const requireFromPouch = createRequire(createRequire(import.meta.url).resolve('pouchdb'));
  const leveldown = requireFromPouch('leveldown') as LevelFactory;
  const factory = Object.assign(
    (location: string) => {
      const level = syncWrites(leveldown(location));
      onOpen?.(location, level);
      return level;
    },
    { destroy: leveldown.destroy, repair: leveldown.repair },
  );
  return Object.defineProperty(factory, 'name', { value: 'LevelDOWN' });
}
