// Manifest import (XLSX in): what the `/api/manifests` route and its tests use.
export { IMPORT_ERRORS, ImportError, importErrorBody } from './errors';
export type { ImportErrorCode, ImportErrorSpec } from './errors';
export { importLimits, importLimitsSchema } from './limits';
export type { ImportLimits, ImportLimitsInput } from './limits';
export { inspectUpload } from './inspect-upload';
export type { SheetInfo, UploadInspection } from './inspect-upload';
export { previewManifest } from './preview-manifest';
export type { ManifestPreview, PreviewOptions } from './preview-manifest';
export { importManifest } from './import-manifest';
export { prewarmParseWorker, stopParseWorkers } from './parse-in-worker';
export type {
  ImportManifestOptions,
  ImportProgress,
  ImportResult,
  ManifestMeta,
} from './import-manifest';
export { ROW_ISSUE_MESSAGES, writeValidationReportXlsx } from './validation-report';
export type { ValidationReport } from './validation-report';
export { pouchManifestWriter } from './writer';
export type { ManifestWriter, PouchLike } from './writer';
