// The row report of an import (duplicates, empty and malformed numbers, skipped rows and why),
// kept in memory up to a cap and writable as a styled XLSX a person can filter and fix from.
import ExcelJS from 'exceljs';
import { columnLetters } from '@/lib/core/column-letters';
import { ROW_ISSUES } from '@/lib/core/manifest-columns';
import type { RowIssue, RowIssueCode } from '@/lib/core/manifest-columns';

/** Plain-English reasons, one per row issue code. */
export const ROW_ISSUE_MESSAGES: Record<RowIssueCode, string> = {
  'empty-waybill':
    'No waybill number in this row: the row was skipped. Fill in the number or delete the row.',
  'malformed-waybill':
    'The waybill number is not valid (too long, wrong pattern or a bad GS1 check digit): the row was skipped.',
  'duplicate-waybill':
    'This waybill number already appears in an earlier row: this row was skipped.',
  'precision-lost':
    'The waybill number is stored as a number too long for Excel to keep exactly (over 15 digits): the row was skipped. Format the column as Text, retype the numbers and save again.',
  'waybill-not-a-value':
    'The waybill cell shows a spreadsheet error (such as #N/A) or a formula that was never calculated: the row was skipped. Fix the formula, or copy the column and paste it as values, and save again.',
  'bad-weight': 'The weight is not a number of kilograms: the row was imported without a weight.',
  'value-truncated':
    'The value is longer than a waybill may hold and was cut short: the row was imported with the start of it.',
  'error-value': 'The cell shows a spreadsheet error (such as #N/A): the value was left out.',
  'formula-not-calculated':
    'The cell has a formula that was never calculated: the value was left out. Open the file in Excel or LibreOffice and save it again.',
};

export interface ValidationReport {
  sheet: string;
  headerRow: number;
  /** Data rows read (blank rows not counted). */
  rowsRead: number;
  blankRows: number;
  /** Rows that made a waybill (before any refusal). */
  valid: number;
  /** Waybills stored in the manifest at the end (0 when the import failed). */
  imported: number;
  skipped: number;
  counts: Partial<Record<RowIssueCode, number>>;
  /** The first issues, in row order (at most `maxIssues`). */
  issues: RowIssue[];
  /** True when there were more issues than kept in `issues`. */
  truncated: boolean;
  /** True when any row was skipped for an error. */
  hasErrors: boolean;
}

export const MAX_REPORT_ISSUES = 10_000;

export function createReportCollector(
  sheet: string,
  headerRow: number,
  maxIssues = MAX_REPORT_ISSUES,
) {
  const report: ValidationReport = {
    sheet,
    headerRow,
    rowsRead: 0,
    blankRows: 0,
    valid: 0,
    imported: 0,
    skipped: 0,
    counts: {},
    issues: [],
    truncated: false,
    hasErrors: false,
  };
  return {
    report,
    add(issues: readonly RowIssue[]) {
      for (const issue of issues) {
        report.counts[issue.code] = (report.counts[issue.code] ?? 0) + 1;
        if (issue.severity === 'error') report.hasErrors = true;
        if (report.issues.length < maxIssues) report.issues.push(issue);
        else report.truncated = true;
      }
    },
  };
}

/** Writes the report as XLSX (streaming): bold filled header, frozen first row, filter. */
export async function writeValidationReportXlsx(
  report: ValidationReport,
  filename: string,
  headers: readonly string[] = [],
): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename,
    useStyles: true,
    useSharedStrings: false,
  });
  const ws = wb.addWorksheet('Problems', { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = [
    { header: 'Row', key: 'row', width: 8 },
    { header: 'Column', key: 'column', width: 24 },
    { header: 'Problem', key: 'code', width: 20 },
    { header: 'Severity', key: 'severity', width: 10 },
    { header: 'Value', key: 'value', width: 28 },
    { header: 'First seen in row', key: 'firstRow', width: 16 },
    { header: 'What to do', key: 'message', width: 90 },
  ];
  ws.autoFilter = { from: 'A1', to: 'G1' };
  const head = ws.getRow(1);
  head.font = { bold: true, color: { argb: 'FFFFFFFF' } };
  head.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FF1F4E79' } };
  head.commit();
  for (const issue of report.issues) {
    ws.addRow({
      row: issue.row,
      column: issue.column
        ? `${columnLetters(issue.column)}${headers[issue.column - 1] ? ` (${headers[issue.column - 1]})` : ''}`
        : '',
      code: issue.code,
      severity: ROW_ISSUES[issue.code],
      // Written as a string cell: a value such as "=cmd|..." is shown, never evaluated.
      value: issue.value ?? '',
      firstRow: issue.firstRow ?? '',
      message: ROW_ISSUE_MESSAGES[issue.code] + (issue.detail ? ` (${issue.detail})` : ''),
    }).commit();
  }
  if (report.truncated)
    ws.addRow({ message: `Only the first ${report.issues.length} problems are listed.` }).commit();
  ws.commit();
  await wb.commit();
}
