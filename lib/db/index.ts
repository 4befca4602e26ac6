// lib/db: the only place that imports rxdb. The app loads it lazily (import('@/lib/db')).
export type { DockhandCollections, DockhandDatabase } from './database';
export { createDockhandDatabase } from './database';
export type { Dockhand, ScanAttempt, ScanCounts, ScanInput, ScanRow } from './dockhand';
export type { DeskSnapshot, MissingWaybills, OpenManifest, ScanDesk } from './scan-desk';
export { openScanDesk } from './scan-desk';
export { openDockhand } from './dockhand';
export type { DockhandSync, SyncSnapshot } from './sync';
export { startDockhandSync } from './sync';
export { openDashboard } from './dashboard';
export type {
  Dashboard,
  DashboardSnapshot,
  ManifestScanRow,
  ManifestSummary,
  WaybillFilter,
  WaybillRow,
} from './dashboard';
