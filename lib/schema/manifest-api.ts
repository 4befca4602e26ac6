// The wire contract of /api/manifests and /api/imports: the server's answers are typed against
// it and the admin pages read them through it, so the two can never drift apart.
import type {
  ColumnMapping,
  HeaderDetection,
  MappingSuggestion,
  RowIssue,
  RowIssueCode,
} from '../core/manifest-columns';

export interface SheetSummary {
  name: string;
  rows: number;
  hidden: boolean;
}

/** 201 answer to `POST /api/manifests/uploads` (and `GET …/uploads/:id?sheet=`). */
export interface UploadPreview {
  uploadId: string;
  fileName: string;
  bytes: number;
  sheets: SheetSummary[];
  sheet: string;
  /** The first rows (index 0 of `cells` = column 1), blank rows left out. */
  rows: { rowNumber: number; cells: string[] }[];
  columnCount: number;
  header: HeaderDetection | null;
  suggestion: MappingSuggestion | null;
  /** Key for remembering this source's mapping; null without a header. */
  fingerprint: string | null;
  remembered: { mapping: ColumnMapping; sheet?: string; savedAt: string; savedBy: string } | null;
}

export interface ImportReportSummary {
  sheet: string;
  headerRow: number;
  rowsRead: number;
  blankRows: number;
  valid: number;
  imported: number;
  skipped: number;
  counts: Partial<Record<RowIssueCode, number>>;
  hasErrors: boolean;
  truncated: boolean;
  issueCount: number;
  /** The first issues only; the full list is in the report XLSX. */
  issues: RowIssue[];
}

/** `GET /api/imports/:id`: one import's progress, outcome and report summary. */
export interface ImportStatus {
  id: string;
  manifestId: string;
  name: string;
  uploadId: string;
  fileName: string;
  user: string;
  mode: 'good-rows' | 'refuse';
  startedAt: string;
  finishedAt: string | null;
  state: 'running' | 'done' | 'failed';
  phase: string;
  bytesRead: number;
  totalBytes: number;
  rowsRead: number;
  totalRows: number;
  waybillsWritten: number;
  error: { code: string; reason: string } | null;
  report: ImportReportSummary | null;
  /**
   * The uploaded file is still kept and idle, so `POST /api/imports/:id/retry` can run the import
   * again (e.g. the good rows only) without uploading it again.
   */
  canRetry: boolean;
}
