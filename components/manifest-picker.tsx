'use client';
// Choose what to scan against: an open manifest (live from the device database) or free scanning.
import type { OpenManifest } from '@/lib/db';
import { visibleText } from '@/lib/core/visible-text';

export default function ManifestPicker({
  manifests,
  value,
  onChange,
}: {
  manifests: OpenManifest[];
  /** '' is free scanning. */
  value: string;
  onChange(id: string): void;
}) {
  return (
    <div className="flex flex-col gap-2">
      <label htmlFor="scan-manifest" className="text-lg font-medium text-slate-300">
        Scanning against
      </label>
      <select
        id="scan-manifest"
        data-testid="manifest-picker"
        data-count={String(manifests.length)}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        className="min-h-14 rounded-xl border-2 border-slate-600 bg-slate-900 px-3 text-xl focus:border-sky-400 focus:outline-none"
      >
        <option value="">Free scan (no manifest)</option>
        {manifests.map((m) => (
          <option key={m.id} value={m.id} data-testid="manifest-option">
            {visibleText(m.name)} — {m.expected} waybills{m.loaded ? '' : ' (loading…)'}
          </option>
        ))}
      </select>
    </div>
  );
}
