'use client';
// Upload → preview and column mapping → import with progress → validation report. The step goes
// in the address (?upload=… or ?import=…) and the import id is also remembered in the browser, so
// a person who reloads, or leaves and opens the page again, comes back to the file or the import.
// The server keeps the file, so "import the good rows" works then without uploading it again.
import { useCallback, useEffect, useState } from 'react';
import type { DragEvent } from 'react';
import { columnLetters } from '@/lib/core/column-letters';
import type { ColumnMapping, ManifestField } from '@/lib/core/manifest-columns';
import { MANIFEST_FIELDS, withHeaderRow } from '@/lib/core/manifest-columns';
import { visibleText } from '@/lib/core/visible-text';
import {
  ApiProblem,
  cancelImport,
  importStatus,
  previewSheet,
  recentImports,
  reportUrl,
  retryImport,
  startImport,
  uploadManifest,
  uploadPreview,
} from './api-client';
import type { ImportStatus, UploadPreview } from './api-client';
import { ROW_ISSUE_LABELS, problemTitle } from './import-messages';
import ProgressBar from './progress-bar';

const FIELD_LABELS: Record<ManifestField, string> = {
  waybill: 'Waybill number (required)',
  consignee: 'Consignee',
  address: 'Address',
  phone: 'Phone',
  weight: 'Weight (kg)',
};
const POLL_MS = 500;
/** Where the page remembers the import it last showed (per browser, like the address). */
const LAST_IMPORT_KEY = 'dockhand.admin.lastImport';

function rememberImport(importId: string | null): void {
  try {
    if (importId) window.localStorage.setItem(LAST_IMPORT_KEY, importId);
    else window.localStorage.removeItem(LAST_IMPORT_KEY);
  } catch (error) {
    console.warn('[dockhand] cannot remember the import in this browser', error); // private mode
  }
}

function rememberedImport(): string | null {
  try {
    return window.localStorage.getItem(LAST_IMPORT_KEY);
  } catch {
    return null; // storage refused (private mode): the address still carries the import
  }
}

type Step =
  | { kind: 'choose' }
  | { kind: 'uploading'; sent: number; total: number; name: string }
  | { kind: 'preview'; preview: UploadPreview }
  | { kind: 'import'; importId: string };

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

function Problem({ problem }: { problem: ApiProblem }) {
  return (
    <div
      role="alert"
      data-testid="upload-error"
      data-code={problem.code}
      className="rounded-xl border border-red-500/50 bg-red-950/40 p-4"
    >
      <p className="font-bold">{problemTitle(problem.code)}</p>
      <p className="text-sm text-slate-200">{problem.reason}</p>
    </div>
  );
}

function initialMapping(preview: UploadPreview): Partial<ColumnMapping> {
  return preview.remembered?.mapping ?? preview.suggestion?.mapping ?? { extra: [] };
}

function columnLabel(preview: UploadPreview, column: number): string {
  const header = preview.header?.headers[column - 1]?.trim();
  let letters = '';
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26))
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return header ? `${letters}: ${header}` : `${letters}`;
}

function MappingForm({
  preview,
  onImport,
  busy,
}: {
  preview: UploadPreview;
  onImport: (name: string, mapping: ColumnMapping) => void;
  busy: boolean;
}) {
  const width = Math.max(preview.columnCount, preview.header?.headers.length ?? 0);
  const columns = Array.from({ length: width }, (_, i) => i + 1);
  const [fields, setFields] = useState<Partial<Record<ManifestField, number>>>(() => {
    const m = initialMapping(preview);
    return Object.fromEntries(MANIFEST_FIELDS.map((f) => [f, m[f]]).filter(([, c]) => c));
  });
  const [keepExtra, setKeepExtra] = useState(true);
  const [name, setName] = useState(() => preview.fileName.replace(/\.xlsx?$/i, ''));
  const used = Object.values(fields).filter((c): c is number => Boolean(c));
  const twice = used.length !== new Set(used).size;
  const ready = Boolean(fields.waybill) && !twice && name.trim().length > 0;

  const submit = () => {
    if (!fields.waybill) return;
    const extra = keepExtra
      ? columns.filter((c) => !used.includes(c) && preview.header?.headers[c - 1]?.trim())
      : [];
    onImport(name.trim(), { ...fields, waybill: fields.waybill, extra });
  };

  return (
    <form
      className="flex flex-col gap-4 rounded-xl border border-slate-800 p-4"
      data-testid="mapping-form"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <h2 className="text-xl font-bold">Which column is which?</h2>
      {preview.remembered ? (
        <p className="text-sm text-emerald-300" data-testid="mapping-remembered">
          Using the columns {preview.remembered.savedBy} confirmed for this layout on{' '}
          {new Date(preview.remembered.savedAt).toLocaleDateString()}.
        </p>
      ) : (
        <p className="text-sm text-slate-400">Suggested from the header row: check and confirm.</p>
      )}
      <div className="grid gap-3 sm:grid-cols-2">
        {MANIFEST_FIELDS.map((field) => (
          <label key={field} className="flex flex-col gap-1 text-sm">
            {FIELD_LABELS[field]}
            <select
              data-testid={`map-${field}`}
              className="rounded-lg border border-slate-700 bg-slate-900 p-2"
              value={fields[field] ?? ''}
              onChange={(e) =>
                setFields((f) => ({
                  ...f,
                  [field]: e.target.value ? Number(e.target.value) : undefined,
                }))
              }
            >
              <option value="">— not in this file —</option>
              {columns.map((c) => (
                <option key={c} value={c}>
                  {columnLabel(preview, c)}
                </option>
              ))}
            </select>
          </label>
        ))}
      </div>
      <label className="flex items-center gap-2 text-sm">
        <input
          type="checkbox"
          checked={keepExtra}
          onChange={(e) => setKeepExtra(e.target.checked)}
        />
        Keep the other named columns with each waybill
      </label>
      <label className="flex flex-col gap-1 text-sm">
        Manifest name
        <input
          data-testid="manifest-name"
          className="rounded-lg border border-slate-700 bg-slate-900 p-2"
          value={name}
          maxLength={200}
          onChange={(e) => setName(e.target.value)}
        />
      </label>
      {twice && <p className="text-sm text-red-300">Each column can hold only one field.</p>}
      {!fields.waybill && (
        <p className="text-sm text-amber-300">Choose the column that holds the waybill number.</p>
      )}
      <button
        type="submit"
        data-testid="import-start"
        disabled={!ready || busy}
        className="self-start rounded-lg bg-sky-500 px-5 py-2 font-bold text-slate-950 disabled:opacity-50"
      >
        Import
      </button>
    </form>
  );
}

function PreviewTable({ preview }: { preview: UploadPreview }) {
  const headerRow = preview.header?.rowNumber;
  const dataStart = preview.header?.dataStartRow;
  return (
    <div className="overflow-x-auto rounded-xl border border-slate-800">
      <table className="w-full text-left text-sm" data-testid="preview-table">
        <tbody>
          {preview.rows.map((row) => {
            const isHeader =
              headerRow !== undefined &&
              row.rowNumber >= headerRow &&
              dataStart !== undefined &&
              row.rowNumber < dataStart;
            return (
              <tr
                key={row.rowNumber}
                data-testid="preview-row"
                data-header={isHeader ? 'true' : undefined}
                className={isHeader ? 'bg-sky-950 font-bold' : 'odd:bg-slate-900'}
              >
                <th className="px-2 py-1 text-slate-500">{row.rowNumber}</th>
                {/* Cell text is rendered as text (React escapes it): HTML or ZPL never runs. */}
                {row.cells.map((cell, i) => (
                  <td key={i} className="max-w-64 truncate px-2 py-1" title={cell}>
                    {cell}
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
      {headerRow !== undefined && (
        <p className="p-2 text-xs text-slate-400">
          Header found on row {headerRow}; data starts on row {dataStart}.
        </p>
      )}
    </div>
  );
}

/**
 * The preview with the header row the person chose: the detected one at first, any of the first
 * rows when detection missed or picked wrong. A chosen row gets its own suggested mapping.
 */
function previewWithHeader(preview: UploadPreview, rowNumber: number | null): UploadPreview {
  if (rowNumber === null || rowNumber === preview.header?.rowNumber) return preview;
  const chosen = withHeaderRow(preview, rowNumber);
  return chosen ? { ...chosen, remembered: null } : preview;
}

function PreviewStep({
  preview,
  busy,
  onImport,
}: {
  preview: UploadPreview;
  busy: boolean;
  onImport: (name: string, mapping: ColumnMapping, headerRow: number | undefined) => void;
}) {
  const [chosenRow, setChosenRow] = useState<number | null>(null);
  const effective = previewWithHeader(preview, chosenRow);
  const headerRow = effective.header?.rowNumber;
  return (
    <>
      {!preview.header && (
        <Problem
          problem={
            new ApiProblem(
              'IMPORT_ERR_NO_HEADER',
              'No row in the first 20 names the columns the way manifests usually do. Choose the row that holds the column names below, or choose another sheet.',
              422,
            )
          }
        />
      )}
      <label className="flex items-center gap-2 text-sm">
        Header row
        <select
          data-testid="header-row-select"
          className="rounded-lg border border-slate-700 bg-slate-900 p-1"
          value={headerRow ?? ''}
          onChange={(e) => setChosenRow(e.target.value ? Number(e.target.value) : null)}
        >
          {!preview.header && <option value="">— choose —</option>}
          {preview.rows.map((row) => (
            <option key={row.rowNumber} value={row.rowNumber}>
              Row {row.rowNumber}: {row.cells.filter(Boolean).slice(0, 4).join(' · ').slice(0, 60)}
            </option>
          ))}
        </select>
      </label>
      <PreviewTable preview={effective} />
      {effective.header && (
        <MappingForm
          key={`${preview.uploadId}:${preview.sheet}:${headerRow}`}
          preview={effective}
          busy={busy}
          onImport={(name, mapping) =>
            onImport(name, mapping, effective === preview ? undefined : headerRow)
          }
        />
      )}
    </>
  );
}

function ImportView({
  importId,
  onGoodRows,
  onRestart,
}: {
  importId: string;
  onGoodRows: (status: ImportStatus) => void;
  onRestart: () => void;
}) {
  const [status, setStatus] = useState<ImportStatus | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);

  useEffect(() => {
    let stopped = false;
    let timer: number | undefined;
    const poll = async () => {
      try {
        const next = await importStatus(importId);
        if (stopped) return;
        setStatus(next);
        setProblem(null);
        if (next.state === 'running') timer = window.setTimeout(poll, POLL_MS);
      } catch (error) {
        if (stopped) return;
        setProblem(
          error instanceof ApiProblem ? error : new ApiProblem('NETWORK', String(error), 0),
        );
        if (!(error instanceof ApiProblem) || error.code === 'NETWORK')
          timer = window.setTimeout(poll, POLL_MS * 4);
      }
    };
    void poll();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, [importId]);

  if (problem && !status)
    return (
      <div className="flex flex-col gap-3">
        <Problem problem={problem} />
        <button
          type="button"
          className="self-start text-sm underline"
          onClick={onRestart}
          data-testid="upload-another"
        >
          Upload a file
        </button>
      </div>
    );
  if (!status) return <p className="text-slate-400">Loading the import…</p>;
  const report = status.report;
  const rowsMax = Math.max(status.totalRows, status.rowsRead, 1);
  return (
    <section
      className="flex flex-col gap-4 rounded-xl border border-slate-800 p-4"
      data-testid="import-progress"
      data-state={status.state}
      data-manifest-id={status.manifestId}
    >
      <h2 className="text-xl font-bold">
        {status.state === 'running'
          ? 'Importing'
          : status.state === 'done'
            ? 'Imported'
            : 'Not imported'}
        : <bdi>{visibleText(status.name)}</bdi>
      </h2>
      <div className="flex flex-col gap-1 text-sm">
        <span>
          File read: {formatBytes(status.bytesRead)} of {formatBytes(status.totalBytes)}
        </span>
        <ProgressBar
          value={status.bytesRead}
          max={Math.max(status.totalBytes, 1)}
          label="Bytes read"
          testId="import-bytes"
        />
        <span>
          Rows read: {status.rowsRead.toLocaleString()} of about {status.totalRows.toLocaleString()}{' '}
          · waybills saved: <span data-testid="import-written">{status.waybillsWritten}</span>
        </span>
        <ProgressBar
          value={status.rowsRead}
          max={rowsMax}
          label="Rows read"
          testId="import-rows"
          tone="emerald"
        />
      </div>
      {status.state === 'running' && (
        <button
          type="button"
          className="self-start rounded-lg border border-slate-600 px-4 py-1.5 text-sm"
          onClick={() =>
            void cancelImport(importId).catch((e: unknown) => setProblem(e as ApiProblem))
          }
        >
          Cancel import
        </button>
      )}
      {status.state === 'done' && (
        <p className="text-emerald-300" data-testid="import-done">
          {status.waybillsWritten.toLocaleString()} waybills are now on every device. Follow the
          scanning on the{' '}
          <a className="underline" href="/admin/">
            dashboard
          </a>
          .
        </p>
      )}
      {status.error && (
        <Problem problem={new ApiProblem(status.error.code, status.error.reason, 0)} />
      )}
      {report && (
        <div className="flex flex-col gap-2" data-testid="import-report">
          <h3 className="font-bold">
            Validation report (sheet “{report.sheet}”, header row {report.headerRow})
          </h3>
          <p className="text-sm">
            {report.rowsRead.toLocaleString()} rows read · {report.valid.toLocaleString()} good ·{' '}
            {report.skipped.toLocaleString()} skipped · {report.imported.toLocaleString()} imported
          </p>
          {Object.keys(report.counts).length > 0 && (
            <ul className="text-sm" data-testid="report-counts">
              {Object.entries(report.counts).map(([code, n]) => (
                <li key={code} data-code={code}>
                  {ROW_ISSUE_LABELS[code] ?? code}: <strong>{n}</strong>
                </li>
              ))}
            </ul>
          )}
          {report.issues.length > 0 && (
            <table className="text-left text-xs" data-testid="report-issues">
              <thead>
                <tr>
                  <th className="pr-2">Row</th>
                  <th className="pr-2">Problem</th>
                  <th>Value</th>
                </tr>
              </thead>
              <tbody>
                {report.issues.slice(0, 20).map((issue, i) => (
                  <tr key={`${issue.row}-${i}`}>
                    <td className="pr-2">{issue.row}</td>
                    <td className="pr-2">
                      {ROW_ISSUE_LABELS[issue.code] ?? issue.code}
                      {issue.column ? `, column ${columnLetters(issue.column)}` : ''}
                      {issue.firstRow ? ` (first in row ${issue.firstRow})` : ''}
                      {issue.code === 'value-truncated' && issue.detail ? `: ${issue.detail}` : ''}
                    </td>
                    <td className="max-w-64 truncate">{issue.value ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <a
            className="self-start rounded-lg border border-slate-600 px-4 py-1.5 text-sm"
            href={reportUrl(importId)}
            download
            data-testid="report-download"
          >
            Download the full report (XLSX)
          </a>
          {status.state === 'failed' &&
            status.error?.code === 'IMPORT_ERR_ROWS_INVALID' &&
            report.valid > 0 &&
            status.canRetry && (
              <button
                type="button"
                data-testid="import-good-rows"
                onClick={() => onGoodRows(status)}
                className="self-start rounded-lg bg-amber-400 px-4 py-2 font-bold text-slate-950"
              >
                Import the {report.valid.toLocaleString()} good rows, skip the rest
              </button>
            )}
        </div>
      )}
      {status.state !== 'running' && (
        <button
          type="button"
          className="self-start text-sm underline"
          onClick={onRestart}
          data-testid="upload-another"
        >
          Upload another file
        </button>
      )}
    </section>
  );
}

function RecentImports({ onOpen }: { onOpen: (id: string) => void }) {
  const [list, setList] = useState<ImportStatus[]>([]);
  useEffect(() => {
    recentImports().then(
      (r) => setList(r.imports.slice(0, 10)),
      (error: unknown) => console.warn('[dockhand] recent imports unavailable', error),
    );
  }, []);
  if (list.length === 0) return null;
  return (
    <section className="flex flex-col gap-2" data-testid="recent-imports">
      <h2 className="font-bold">Recent imports</h2>
      <ul className="text-sm">
        {list.map((job) => (
          <li key={job.id}>
            <button type="button" className="underline" onClick={() => onOpen(job.id)}>
              <bdi>{visibleText(job.name)}</bdi>
            </button>{' '}
            — {job.state} · {job.waybillsWritten.toLocaleString()} waybills · {job.user}
          </li>
        ))}
      </ul>
    </section>
  );
}

export default function ManifestUpload() {
  const [step, setStep] = useState<Step>({ kind: 'choose' });
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [dragging, setDragging] = useState(false);
  const [busy, setBusy] = useState(false);

  const go = useCallback((next: Step) => {
    setStep(next);
    const url = new URL(window.location.href);
    url.searchParams.delete('import');
    url.searchParams.delete('upload');
    if (next.kind === 'import') url.searchParams.set('import', next.importId);
    if (next.kind === 'preview') url.searchParams.set('upload', next.preview.uploadId);
    window.history.replaceState(null, '', url);
    if (next.kind === 'import') rememberImport(next.importId);
    if (next.kind === 'choose' || next.kind === 'uploading') rememberImport(null);
  }, []);

  useEffect(() => {
    // Coming back: the address first (a reload), else the import this browser showed last.
    const params = new URLSearchParams(window.location.search);
    const importId = params.get('import') ?? (params.get('upload') ? null : rememberedImport());
    const uploadId = params.get('upload');
    if (importId) {
      // External state, read once on mount.
      // eslint-disable-next-line react-hooks/set-state-in-effect
      setStep({ kind: 'import', importId });
      return;
    }
    if (!uploadId) return;
    let stopped = false;
    uploadPreview(uploadId).then(
      (preview) => {
        if (!stopped) go({ kind: 'preview', preview });
      },
      (error: unknown) => {
        if (stopped) return;
        setProblem(
          error instanceof ApiProblem ? error : new ApiProblem('NETWORK', String(error), 0),
        );
        go({ kind: 'choose' });
      },
    );
    return () => {
      stopped = true;
    };
  }, [go]);

  const send = (file: File) => {
    setProblem(null);
    go({ kind: 'uploading', sent: 0, total: file.size, name: file.name });
    const { done } = uploadManifest(file, (sent, total) =>
      setStep({ kind: 'uploading', sent, total, name: file.name }),
    );
    done.then(
      (preview) => go({ kind: 'preview', preview }),
      (error: unknown) => {
        setProblem(
          error instanceof ApiProblem ? error : new ApiProblem('NETWORK', String(error), 0),
        );
        go({ kind: 'choose' });
      },
    );
  };

  const runImport = async (
    preview: UploadPreview,
    name: string,
    mapping: ColumnMapping,
    mode: 'good-rows' | 'refuse',
    headerRow?: number,
  ) => {
    setBusy(true);
    setProblem(null);
    try {
      const { importId } = await startImport(preview.uploadId, {
        name,
        sheet: preview.sheet,
        mapping,
        mode,
        ...(headerRow !== undefined ? { headerRow } : {}),
      });
      go({ kind: 'import', importId });
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : new ApiProblem('NETWORK', String(error), 0));
    } finally {
      setBusy(false);
    }
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    const file = e.dataTransfer.files[0];
    if (file) send(file);
  };

  return (
    <div className="flex flex-col gap-5">
      <h1 className="text-3xl font-bold">Upload a manifest</h1>
      {problem && <Problem problem={problem} />}
      {step.kind === 'choose' && (
        <>
          <label
            data-testid="upload-drop"
            data-dragging={dragging ? 'true' : undefined}
            onDragOver={(e) => {
              e.preventDefault();
              setDragging(true);
            }}
            onDragLeave={() => setDragging(false)}
            onDrop={onDrop}
            className={`flex min-h-40 cursor-pointer flex-col items-center justify-center gap-2 rounded-xl border-2 border-dashed p-6 text-center ${
              dragging ? 'border-sky-400 bg-sky-950/40' : 'border-slate-600'
            }`}
          >
            <span className="text-lg font-bold">Drop the manifest (.xlsx) here</span>
            <span className="text-sm text-slate-400">or click to choose a file</span>
            <input
              type="file"
              data-testid="upload-input"
              className="sr-only"
              accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              onChange={(e) => {
                const file = e.target.files?.[0];
                e.target.value = '';
                if (file) send(file);
              }}
            />
          </label>
          <RecentImports onOpen={(id) => go({ kind: 'import', importId: id })} />
        </>
      )}
      {step.kind === 'uploading' && (
        <section className="flex flex-col gap-2" data-testid="upload-progress">
          <p>
            Uploading <bdi>{visibleText(step.name)}</bdi>: {formatBytes(step.sent)} of{' '}
            {formatBytes(step.total)}
            {step.sent >= step.total ? ' — checking the file…' : ''}
          </p>
          <ProgressBar
            value={step.sent}
            max={Math.max(step.total, 1)}
            label="Upload"
            testId="upload-bar"
          />
        </section>
      )}
      {step.kind === 'preview' && (
        <>
          <div className="flex flex-wrap items-center gap-3 text-sm">
            <span>
              <bdi data-testid="upload-file-name">{visibleText(step.preview.fileName)}</bdi> ·{' '}
              {formatBytes(step.preview.bytes)}
            </span>
            {step.preview.sheets.length > 1 && (
              <label className="flex items-center gap-2">
                Sheet
                <select
                  data-testid="sheet-select"
                  className="rounded-lg border border-slate-700 bg-slate-900 p-1"
                  value={step.preview.sheet}
                  onChange={(e) => {
                    previewSheet(step.preview.uploadId, e.target.value).then(
                      (preview) => go({ kind: 'preview', preview }),
                      (error: unknown) => setProblem(error as ApiProblem),
                    );
                  }}
                >
                  {step.preview.sheets.map((s) => (
                    <option key={s.name} value={s.name}>
                      {s.name} ({s.rows} rows){s.hidden ? ' — hidden' : ''}
                    </option>
                  ))}
                </select>
              </label>
            )}
          </div>
          <PreviewStep
            key={`${step.preview.uploadId}:${step.preview.sheet}`}
            preview={step.preview}
            busy={busy}
            onImport={(name, mapping, headerRow) =>
              void runImport(step.preview, name, mapping, 'refuse', headerRow)
            }
          />
        </>
      )}
      {step.kind === 'import' && (
        <ImportView
          key={step.importId}
          importId={step.importId}
          onRestart={() => go({ kind: 'choose' })}
          onGoodRows={(status) => {
            // The server kept the file: no re-upload, even after a reload or a restart.
            setBusy(true);
            setProblem(null);
            retryImport(status.id, 'good-rows')
              .then(
                ({ importId }) => go({ kind: 'import', importId }),
                (error: unknown) =>
                  setProblem(
                    error instanceof ApiProblem
                      ? error
                      : new ApiProblem('NETWORK', String(error), 0),
                  ),
              )
              .finally(() => setBusy(false));
          }}
        />
      )}
    </div>
  );
}
