// lib/db: the only place that imports rxdb. The app loads it lazily (import('@/lib/db')).
export type { DockhandCollections, DockhandDatabase } from './database';
export { createDockhandDatabase } from './database';
export type { Dockhand, ScanCounts, ScanRow } from './dockhand';
export { openDockhand } from './dockhand';
export type { DockhandSync, SyncSnapshot } from './sync';
export { startDockhandSync } from './sync';
