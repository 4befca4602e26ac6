// Printing on the device: live printers, templates and jobs from the device database, and jobs
// made here (offline too — they go out with the next push). Reprint and dismiss apply
// nextJobState locally; the server's rules decide whether they stand.
import type { Observable } from 'rxjs';
import { map } from 'rxjs';
import { monotonicFactory } from 'ulidx';
import type { LabelSource } from '../core/label-fields';
import { labelValuesFrom } from '../core/label-fields';
import type { JobTransitionError } from '../core/print-job-state';
import { newPrintJob, nextJobState } from '../core/print-job-state';
import type { PrintJob } from '../schema/print-job';
import type { Printer } from '../schema/printer';
import type { Template } from '../schema/template';
import type { Waybill } from '../schema/waybill';
import type { DockhandDatabase } from './database';

export interface LabelOrder {
  printer: Pick<Printer, 'id' | 'site'>;
  template: Pick<Template, 'id' | 'fields'>;
  /** One label per source (a waybill); each becomes one job with `copies`. */
  sources: LabelSource[];
  copies: number;
  user: string;
}

export type Decision = 'reprint' | 'dismiss';

export interface PrintDesk {
  printers$: Observable<Printer[]>;
  templates$: Observable<Template[]>;
  /** Jobs, newest first; only `createdBy` when given. */
  jobs$(options: { limit: number; createdBy?: string }): Observable<PrintJob[]>;
  job$(id: string): Observable<PrintJob | null>;
  /** The jobs of `ids` that are on this device, in the order of `ids` (e.g. one bulk print). */
  jobsOf$(ids: readonly string[]): Observable<PrintJob[]>;
  /** Writes queued jobs to the device database; they sync when they can. */
  queueLabels(order: LabelOrder): Promise<PrintJob[]>;
  /**
   * One label per number of a manifest (bulk print), filled from its waybill on this device; a
   * number not on the manifest still prints with the number only (`notOnManifest` counts them).
   */
  queueWaybillLabels(
    order: Omit<LabelOrder, 'sources'> & {
      manifestId: string;
      manifestName: string;
      /** All of the manifest's waybills when absent. */
      numbers?: readonly string[];
      /** At most this many labels (the first numbers). */
      limit: number;
    },
  ): Promise<{ jobs: PrintJob[]; notOnManifest: number }>;
  decide(
    id: string,
    decision: Decision,
    user: string,
  ): Promise<{ ok: true } | { ok: false; error: JobTransitionError | 'not-found' }>;
  /** The waybill of `number`, in `manifestId` when given (else any manifest). */
  waybillOf(number: string, manifestId?: string): Promise<Waybill | null>;
  waybillsOf(manifestId: string, numbers?: readonly string[]): Promise<Waybill[]>;
}

const byName = <T extends { name: string }>(a: T, b: T) => a.name.localeCompare(b.name);

export function openPrintDesk(db: DockhandDatabase, deviceId: string): PrintDesk {
  const nextUlid = monotonicFactory();
  return {
    printers$: db.printers
      .find()
      .$.pipe(map((docs) => docs.map((d) => d.toJSON() as Printer).sort(byName))),
    templates$: db.templates
      .find()
      .$.pipe(map((docs) => docs.map((d) => d.toJSON() as Template).sort(byName))),
    jobs$({ limit, createdBy }) {
      // Sorted here: createdAt is not indexed, and a device holds few jobs.
      return db.print_jobs.find(createdBy ? { selector: { createdBy } } : {}).$.pipe(
        map((docs) =>
          docs
            .map((d) => d.toJSON() as PrintJob)
            .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id))
            .slice(0, limit),
        ),
      );
    },
    job$(id) {
      return db.print_jobs
        .findOne(id)
        .$.pipe(map((doc) => (doc ? (doc.toJSON() as PrintJob) : null)));
    },
    jobsOf$(ids) {
      const order = new Map(ids.map((id, i) => [id, i]));
      return db.print_jobs
        .find({ selector: { id: { $in: [...ids] } } })
        .$.pipe(
          map((docs) =>
            docs
              .map((d) => d.toJSON() as PrintJob)
              .sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0)),
          ),
        );
    },
    async queueWaybillLabels({ manifestId, manifestName, numbers, limit, ...order }) {
      const unique = numbers ? [...new Set(numbers)].slice(0, limit) : undefined;
      const waybills = await this.waybillsOf(manifestId, unique);
      const found = new Map(waybills.map((w) => [w.number, w]));
      const wanted = unique ?? waybills.slice(0, limit).map((w) => w.number);
      const jobs = await this.queueLabels({
        ...order,
        sources: wanted.map((number) => ({
          number,
          waybill: found.get(number) ?? null,
          manifestName,
        })),
      });
      return { jobs, notOnManifest: wanted.filter((n) => !found.has(n)).length };
    },
    async queueLabels(order) {
      const now = new Date();
      const jobs = order.sources.map((source) =>
        newPrintJob(
          {
            id: `${deviceId}:${nextUlid(now.getTime())}`,
            site: order.printer.site,
            printerId: order.printer.id,
            templateId: order.template.id,
            values: labelValuesFrom(order.template.fields, source),
            copies: Math.min(500, Math.max(1, Math.round(order.copies))),
            createdBy: order.user,
          },
          now,
        ),
      );
      const result = await db.print_jobs.bulkInsert(jobs);
      if (result.error.length > 0) {
        throw new Error(`Could not save ${result.error.length} print job(s) on this device.`);
      }
      return jobs;
    },
    async decide(id, decision, user) {
      const doc = await db.print_jobs.findOne(id).exec();
      if (!doc) return { ok: false, error: 'not-found' };
      let error: JobTransitionError | null = null;
      await doc.incrementalModify((current) => {
        const next = nextJobState(current as PrintJob, { type: decision, by: user }, new Date());
        if (!next.ok) {
          error = next.error;
          return current;
        }
        error = null;
        return next.job as typeof current;
      });
      return error ? { ok: false, error } : { ok: true };
    },
    async waybillOf(number, manifestId) {
      const doc = await db.waybills
        .findOne({ selector: manifestId ? { manifestId, number } : { number } })
        .exec();
      return doc ? (doc.toJSON() as Waybill) : null;
    },
    async waybillsOf(manifestId, numbers) {
      const selector = numbers ? { manifestId, number: { $in: [...numbers] } } : { manifestId };
      const docs = await db.waybills.find({ selector }).exec();
      return docs
        .map((d) => d.toJSON() as Waybill)
        .sort((a, b) => a.number.localeCompare(b.number));
    },
  };
}

export type ServerWriteResult = { ok: true } | { ok: false; message: string };

/**
 * Admin edits of printers and templates go straight to the server (online only): the bridge writes
 * a printer's `status` at any time, so the edit is applied to the server's latest revision with
 * the members in `keep` (e.g. status) taken from it — nothing the bridge wrote is lost. The device
 * copy follows with the next pull (call sync.reSync() after).
 * https://docs.couchdb.org/en/stable/api/document/common.html#put--db-docid
 */
export async function saveOnServer(
  fetchFn: typeof fetch,
  database: 'printers' | 'templates',
  doc: { id: string } & Record<string, unknown>,
  keep: readonly string[] = [],
): Promise<ServerWriteResult> {
  const { id, ...fields } = doc;
  const path = `/db/${database}/${encodeURIComponent(id)}`;
  try {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const current = await fetchFn(path, { credentials: 'same-origin', cache: 'no-store' });
      const existing =
        current.status === 200 ? ((await current.json()) as Record<string, unknown>) : null;
      const body: Record<string, unknown> = { _id: id, ...fields };
      if (existing) {
        body._rev = existing._rev;
        for (const key of keep) if (existing[key] !== undefined) body[key] = existing[key];
      }
      const response = await fetchFn(path, {
        method: 'PUT',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (response.ok) return { ok: true };
      if (response.status === 409) continue; // the bridge wrote a status meanwhile: again
      const answer = (await response.json().catch(() => ({}))) as { reason?: string };
      return { ok: false, message: answer.reason ?? `The server answered ${response.status}.` };
    }
    return { ok: false, message: 'Someone else kept changing it. Try again.' };
  } catch (error) {
    console.warn('[dockhand] could not save on the server', error);
    return {
      ok: false,
      message: 'Cannot reach the Dockhand server. Printer and template changes need a connection.',
    };
  }
}

/** Removes a printer or template on the server (admins only). */
export async function removeOnServer(
  fetchFn: typeof fetch,
  database: 'printers' | 'templates',
  id: string,
): Promise<ServerWriteResult> {
  const path = `/db/${database}/${encodeURIComponent(id)}`;
  try {
    const current = await fetchFn(path, { credentials: 'same-origin', cache: 'no-store' });
    if (current.status === 404) return { ok: true };
    const { _rev } = (await current.json()) as { _rev: string };
    const response = await fetchFn(`${path}?rev=${encodeURIComponent(_rev)}`, {
      method: 'DELETE',
      credentials: 'same-origin',
    });
    if (response.ok) return { ok: true };
    const answer = (await response.json().catch(() => ({}))) as { reason?: string };
    return { ok: false, message: answer.reason ?? `The server answered ${response.status}.` };
  } catch (error) {
    console.warn('[dockhand] could not remove on the server', error);
    return { ok: false, message: 'Cannot reach the Dockhand server. Try again when online.' };
  }
}

const desks = new WeakMap<DockhandDatabase, PrintDesk>();

/** One print desk per device database (pages share it). */
export function printDeskOf(db: DockhandDatabase, deviceId: string): PrintDesk {
  let desk = desks.get(db);
  if (!desk) {
    desk = openPrintDesk(db, deviceId);
    desks.set(db, desk);
  }
  return desk;
}
