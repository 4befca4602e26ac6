// What each import or API error means to the person, as a short headline; the server's `reason`
// (sync-server/import/errors.ts) says what to do next and is shown under it.
export const PROBLEM_TITLES: Record<string, string> = {
  IMPORT_ERR_EMPTY_FILE: 'The file is empty',
  IMPORT_ERR_CSV_RENAMED: 'This is a CSV file, not an Excel workbook',
  IMPORT_ERR_HTML_RENAMED: 'This is a web page, not an Excel workbook',
  IMPORT_ERR_IMAGE: 'This is an image, not a spreadsheet',
  IMPORT_ERR_PDF: 'This is a PDF, not a spreadsheet',
  IMPORT_ERR_XLS_LEGACY: 'Old .xls format or password-protected workbook',
  IMPORT_ERR_ODS: 'OpenDocument spreadsheet (.ods)',
  IMPORT_ERR_NOT_XLSX_ZIP: 'Not an Excel workbook',
  IMPORT_ERR_NOT_SPREADSHEET: 'Not a spreadsheet',
  IMPORT_ERR_CORRUPT: 'The workbook is damaged',
  IMPORT_ERR_ZIP_UNSUPPORTED: 'The workbook is stored in an unusual way',
  IMPORT_ERR_ZIP_BOMB: 'The workbook unpacks to far too much data',
  IMPORT_ERR_TOO_LARGE: 'The file is too large',
  IMPORT_ERR_TOO_MANY_ROWS: 'Too many rows',
  IMPORT_ERR_TOO_MANY_COLUMNS: 'Too many columns',
  IMPORT_ERR_NO_SHEETS: 'The workbook has no sheets',
  IMPORT_ERR_UNKNOWN_SHEET: 'That sheet is not in the workbook',
  IMPORT_ERR_NO_HEADER: 'No header row found',
  IMPORT_ERR_BAD_MAPPING: 'Check the column choice',
  IMPORT_ERR_NO_ROWS: 'No waybills to import',
  IMPORT_ERR_ROWS_INVALID: 'Some rows have problems — nothing was imported',
  IMPORT_ERR_MANIFEST_EXISTS: 'That manifest already exists',
  IMPORT_ERR_ABORTED: 'Import cancelled',
  IMPORT_ERR_INTERRUPTED: 'The server restarted during the import',
  IMPORT_ERR_PARSER_STOPPED: 'The server stopped reading the file',
  IMPORT_ERR_STORE: 'The waybills could not be saved',
  API_ERR_UNAUTHORIZED: 'You are not logged in',
  API_ERR_FORBIDDEN: 'You need the supervisor or admin role',
  API_ERR_CROSS_SITE: 'Request refused',
  API_ERR_CONTENT_TYPE: 'Unexpected request',
  API_ERR_BAD_REQUEST: 'The request was not understood',
  API_ERR_UNKNOWN_UPLOAD: 'The upload has expired',
  API_ERR_UNKNOWN_IMPORT: 'Import not found',
  API_ERR_UNKNOWN_MANIFEST: 'Manifest not found',
  API_ERR_NO_REPORT: 'No report for this import',
  API_ERR_UPLOAD_BUSY: 'Already importing',
  API_ERR_STORE: 'The server is not ready',
  API_ERR_INTERNAL: 'The server had a problem',
  NETWORK: 'Cannot reach the server',
  ABORTED: 'Upload cancelled',
};

export function problemTitle(code: string): string {
  return PROBLEM_TITLES[code] ?? 'Something went wrong';
}

/** Plain-English names of the row issues of a validation report. */
export const ROW_ISSUE_LABELS: Record<string, string> = {
  'empty-waybill': 'No waybill number',
  'malformed-waybill': 'Invalid waybill number',
  'duplicate-waybill': 'Duplicate waybill number',
  'precision-lost': 'Number too long for Excel (digits lost)',
  'waybill-not-a-value': 'Waybill cell shows an error',
  'bad-weight': 'Weight is not a number',
  'value-truncated': 'Value cut short',
  'error-value': 'Spreadsheet error in cell',
  'formula-not-calculated': 'Formula never calculated',
};
