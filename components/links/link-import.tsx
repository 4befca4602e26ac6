'use client';
// Bulk creation from a CSV (or XLSX, exceljs loaded only then) of slug,target,title,tags, with a
// per-row report: created, clash, invalid target or slug, duplicate in the file — with reasons.
import { useState } from 'react';
import type { ImportRow } from '@/lib/core/link-import';
import {
  importCounts,
  planLinkImport,
  reportAfterWrite,
  rowsFromCsv,
} from '@/lib/core/link-import';
import type { LinkStore } from '@/lib/db/links';
import { newSlug } from './link-form';

async function rowsFromXlsx(file: File): Promise<string[][]> {
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(await file.arrayBuffer());
  const sheet = workbook.worksheets[0];
  const rows: string[][] = [];
  sheet?.eachRow({ includeEmpty: true }, (row) => {
    const cells: string[] = [];
    for (let c = 1; c <= Math.max(4, row.cellCount); c++) cells.push(row.getCell(c).text ?? '');
    rows.push(cells);
  });
  return rows;
}

const STATUS_WORDS: Record<ImportRow['status'], string> = {
  ready: 'ready',
  created: 'created',
  clash: 'clash',
  'duplicate-in-file': 'duplicate',
  'invalid-slug': 'invalid slug',
  'invalid-target': 'invalid target',
  'invalid-row': 'invalid row',
};

export default function LinkImport({ store, owner }: { store: LinkStore; owner: string }) {
  const [report, setReport] = useState<ImportRow[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);

  const importFile = async (file: File) => {
    setBusy(true);
    setFailure(null);
    try {
      const rows = /\.xlsx$/i.test(file.name)
        ? await rowsFromXlsx(file)
        : rowsFromCsv(await file.text());
      const plan = planLinkImport(rows, {
        taken: await store.slugs(),
        owner,
        now: new Date(),
        newSlug,
      });
      const ready = plan.filter((r) => r.status === 'ready' && r.link).map((r) => r.link!);
      const clashed = ready.length > 0 ? await store.bulkCreate(ready) : new Set<string>();
      setReport(reportAfterWrite(plan, clashed));
    } catch (error) {
      console.error('[dockhand] link import failed', error);
      setFailure(
        'Could not read that file. Save it as CSV (slug,target,title,tags) and try again.',
      );
    } finally {
      setBusy(false);
    }
  };

  const counts = report ? importCounts(report) : null;
  return (
    <section
      className="flex flex-col gap-3 rounded-xl border border-slate-700 p-4"
      data-testid="link-import"
    >
      <h2 className="text-lg font-bold">Create many from a file</h2>
      <p className="text-sm text-slate-400">
        CSV or XLSX with columns slug, target, title, tags (a header row is optional; an empty slug
        gets a generated one).
      </p>
      <input
        type="file"
        accept=".csv,text/csv,.xlsx"
        disabled={busy}
        data-testid="link-import-file"
        onChange={(e) => {
          const file = e.target.files?.[0];
          if (file) void importFile(file);
          e.target.value = '';
        }}
      />
      {failure && <p className="text-rose-300">{failure}</p>}
      {counts && report && (
        <>
          <p data-testid="link-import-summary">
            {counts.created} created, {counts.clash} clash, {counts['invalid-target']} invalid
            target, {counts['invalid-slug']} invalid slug, {counts['duplicate-in-file']} duplicate
            in file
          </p>
          <table className="text-left text-sm">
            <thead className="text-slate-400">
              <tr>
                <th className="pr-3">Line</th>
                <th className="pr-3">Slug</th>
                <th className="pr-3">Result</th>
                <th>Why</th>
              </tr>
            </thead>
            <tbody>
              {report.map((row) => (
                <tr
                  key={row.line}
                  data-testid="link-import-row"
                  data-status={row.status}
                  data-slug={row.slug}
                >
                  <td className="pr-3 font-mono">{row.line}</td>
                  <td className="pr-3 font-mono">{row.slug}</td>
                  <td
                    className={`pr-3 ${row.status === 'created' ? 'text-emerald-300' : 'text-amber-300'}`}
                  >
                    {STATUS_WORDS[row.status]}
                  </td>
                  <td className="text-slate-300">{row.reason ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
