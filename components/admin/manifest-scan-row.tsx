'use client';
// One scan in a manifest's scan list: what was read, by whom and when, and either the void that
// took it off the counts (who and why) or, for a supervisor or admin, the "Void scan" control.
import type { ManifestScanRow } from '@/lib/db';
import type { Scan } from '@/lib/schema/scan';
import VoidScanForm from './void-scan-form';

export default function ManifestScanRowView({
  row,
  canVoid,
  open,
  sent,
  onOpen,
  onClose,
  onVoided,
}: {
  row: ManifestScanRow;
  /** The viewer may void this scan (voidRightOf: 'with-reason'). */
  canVoid: boolean;
  /** Its void form is open. */
  open: boolean;
  /** The server took a void from this desk that has not arrived on this device yet. */
  sent: boolean;
  onOpen: () => void;
  onClose: () => void;
  onVoided: (event: Scan) => void;
}) {
  const { scan, voidedBy } = row;
  return (
    <li
      data-testid="manifest-scan"
      data-scan-id={scan.id}
      data-user={scan.user}
      data-voided={voidedBy ? 'true' : 'false'}
      className="flex flex-col gap-2 border-b border-slate-800 py-2"
    >
      <div className="flex flex-wrap items-center gap-3 text-sm">
        <span className={`font-mono ${voidedBy ? 'text-slate-500 line-through' : ''}`}>
          {scan.code}
        </span>
        <span className="text-slate-400">{scan.result}</span>
        <span className="text-slate-400">
          {scan.user} · {new Date(scan.scannedAt).toLocaleString()}
        </span>
        <span className="ml-auto">
          {voidedBy ? (
            <span data-testid="scan-voided" className="text-red-300">
              Voided by <strong data-testid="scan-voided-by">{voidedBy.user}</strong>
              {voidedBy.voidReason ? (
                <>
                  : <span data-testid="scan-void-reason">{voidedBy.voidReason}</span>
                </>
              ) : (
                ' (their own undo)'
              )}
            </span>
          ) : sent ? (
            <span data-testid="scan-void-sent" className="text-slate-400">
              Voided on the server; arriving here…
            </span>
          ) : (
            canVoid &&
            !open && (
              <button
                type="button"
                data-testid="void-open"
                onClick={onOpen}
                className="rounded-lg border border-red-500/60 px-3 py-1 text-red-200"
              >
                Void scan
              </button>
            )
          )}
        </span>
      </div>
      {open && !voidedBy && !sent && (
        <VoidScanForm target={scan} onCancel={onClose} onVoided={onVoided} />
      )}
    </li>
  );
}
