// The one list of manifest-import error codes: HTTP status, CouchDB-style `error`, and a message
// that tells the person what to do next.
import type { ValidationReport } from './validation-report';

export interface ImportErrorSpec {
  status: number;
  error: string;
  message: string;
}

export const IMPORT_ERRORS = {
  IMPORT_ERR_EMPTY_FILE: {
    status: 400,
    error: 'bad_request',
    message:
      'The file is empty. Choose the manifest file again (if it was downloaded, download it again).',
  },
  IMPORT_ERR_CSV_RENAMED: {
    status: 415,
    error: 'unsupported_media_type',
    message:
      'This file is a CSV renamed to .xlsx — open it in Excel or LibreOffice and save as .xlsx (Excel Workbook).',
  },
  IMPORT_ERR_HTML_RENAMED: {
    status: 415,
    error: 'unsupported_media_type',
    message:
      'This file is a web page (HTML) saved with a spreadsheet name — open it in Excel or LibreOffice and save as .xlsx.',
  },
  IMPORT_ERR_IMAGE: {
    status: 415,
    error: 'unsupported_media_type',
    message: 'This file is an image, not a spreadsheet. Upload the manifest as an .xlsx file.',
  },
  IMPORT_ERR_PDF: {
    status: 415,
    error: 'unsupported_media_type',
    message: 'This file is a PDF. Ask the sender for the manifest as an Excel file (.xlsx).',
  },
  IMPORT_ERR_XLS_LEGACY: {
    status: 415,
    error: 'unsupported_media_type',
    message:
      'This is an old-style .xls file or a password-protected workbook — open it in Excel or LibreOffice, remove any password, and save as .xlsx.',
  },
  IMPORT_ERR_ODS: {
    status: 415,
    error: 'unsupported_media_type',
    message:
      'This is an OpenDocument spreadsheet (.ods) — open it in LibreOffice and save as .xlsx.',
  },
  IMPORT_ERR_NOT_XLSX_ZIP: {
    status: 415,
    error: 'unsupported_media_type',
    message:
      'This file is a zip archive or another Office document, not an Excel workbook. Upload the manifest itself as .xlsx.',
  },
  IMPORT_ERR_NOT_SPREADSHEET: {
    status: 415,
    error: 'unsupported_media_type',
    message: 'This file is not a spreadsheet. Upload the manifest as an .xlsx file.',
  },
  IMPORT_ERR_CORRUPT: {
    status: 422,
    error: 'unprocessable_entity',
    message:
      'The workbook is damaged or incomplete (perhaps the upload was cut off). Open it in Excel or LibreOffice, save it again as .xlsx, and upload it again.',
  },
  IMPORT_ERR_ZIP_UNSUPPORTED: {
    status: 422,
    error: 'unprocessable_entity',
    message:
      'The workbook is stored in a way the importer does not read (encrypted parts or an unusual compression). Open it in Excel or LibreOffice and save it again as .xlsx.',
  },
  IMPORT_ERR_ZIP_BOMB: {
    status: 413,
    error: 'too_large',
    message:
      'The workbook unpacks to far more data than a manifest holds, so it was refused. Save only the manifest sheet as a new .xlsx and upload that.',
  },
  IMPORT_ERR_TOO_LARGE: {
    status: 413,
    error: 'too_large',
    message:
      'The file is too large. Split the manifest into smaller files and upload them one by one.',
  },
  IMPORT_ERR_TOO_MANY_ROWS: {
    status: 413,
    error: 'too_large',
    message: 'The sheet has more rows than one manifest may hold. Split it into several manifests.',
  },
  IMPORT_ERR_TOO_MANY_COLUMNS: {
    status: 413,
    error: 'too_large',
    message:
      'The sheet has more columns than a manifest may have. Delete the columns you do not need and save again.',
  },
  IMPORT_ERR_NO_SHEETS: {
    status: 422,
    error: 'unprocessable_entity',
    message: 'The workbook has no sheets. Check that you chose the right file.',
  },
  IMPORT_ERR_UNKNOWN_SHEET: {
    status: 400,
    error: 'bad_request',
    message: 'That sheet is not in the workbook. Choose one of the sheets listed.',
  },
  IMPORT_ERR_NO_HEADER: {
    status: 422,
    error: 'unprocessable_entity',
    message:
      'No header row was found in the first 20 rows. Choose the header row yourself, or add a row naming the columns (e.g. "AWB No.", "Consignee").',
  },
  IMPORT_ERR_BAD_MAPPING: {
    status: 400,
    error: 'bad_request',
    message:
      'The column choice is incomplete: choose which column holds the waybill number, and use each column once.',
  },
  IMPORT_ERR_NO_ROWS: {
    status: 422,
    error: 'unprocessable_entity',
    message:
      'No waybill could be imported: the sheet has no data rows with a waybill number. Check the sheet and column choice.',
  },
  IMPORT_ERR_ROWS_INVALID: {
    status: 422,
    error: 'unprocessable_entity',
    message:
      'Some rows have problems, so nothing was imported. Download the validation report, fix those rows, or import again choosing "import the good rows".',
  },
  IMPORT_ERR_MANIFEST_EXISTS: {
    status: 409,
    error: 'conflict',
    message: 'A manifest with this id already exists. Start a new upload.',
  },
  IMPORT_ERR_ABORTED: {
    status: 499,
    error: 'aborted',
    message: 'The import was cancelled; nothing from it was kept.',
  },
  IMPORT_ERR_INTERRUPTED: {
    status: 503,
    error: 'service_unavailable',
    message:
      'The server restarted during this import; nothing from it was kept. Start the import again (the file is kept for a day).',
  },
  IMPORT_ERR_PARSER_STOPPED: {
    status: 503,
    error: 'service_unavailable',
    message:
      'The server stopped reading the workbook before the end; nothing from this import was kept. The file passed its checks, so start the import again. If it stops again, tell your administrator: the server log says why.',
  },
  IMPORT_ERR_STORE: {
    status: 503,
    error: 'service_unavailable',
    message:
      'The waybills could not be saved; nothing from this import was kept. Try again in a moment.',
  },
} as const satisfies Record<string, ImportErrorSpec>;

export type ImportErrorCode = keyof typeof IMPORT_ERRORS;

/** A refused upload or failed import; `code` is one of IMPORT_ERRORS. */
export class ImportError extends Error {
  readonly code: ImportErrorCode;
  readonly status: number;
  /** The row report, when rows were read before the failure. */
  report?: ValidationReport;
  /** What went wrong underneath, for the log (never shown to the person). */
  readonly detail?: string;

  constructor(code: ImportErrorCode, detail?: string, options?: { cause?: unknown }) {
    super(IMPORT_ERRORS[code].message, options);
    this.name = 'ImportError';
    this.code = code;
    this.status = IMPORT_ERRORS[code].status;
    this.detail = detail;
  }
}

/** The CouchDB wire shape `{ error, reason }` plus the code for the UI. */
export function importErrorBody(code: ImportErrorCode): {
  error: string;
  reason: string;
  code: ImportErrorCode;
} {
  const spec = IMPORT_ERRORS[code];
  return { error: spec.error, reason: spec.message, code };
}
