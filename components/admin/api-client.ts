// The admin pages' calls to the sync server's `/api` (same origin, the session cookie): JSON
// errors become ApiProblem, uploads go through XHR so the bar can show bytes sent.
import type { ColumnMapping } from '@/lib/core/manifest-columns';
import type { ImportStatus, UploadPreview } from '@/lib/schema/manifest-api';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export type { ImportStatus, UploadPreview } from '@/lib/schema/manifest-api';

/** A refused call: the server's code and reason (or a network problem). */
export class ApiProblem extends Error {
  constructor(
    readonly code: string,
    readonly reason: string,
    readonly status: number,
  ) {
    super(reason);
    this.name = 'ApiProblem';
  }
}

const NETWORK = () =>
  new ApiProblem(
    'NETWORK',
    'Cannot reach the Dockhand server. Check the connection and try again.',
    0,
  );

function problemFrom(status: number, body: unknown): ApiProblem {
  const b = (body ?? {}) as { code?: unknown; reason?: unknown };
  return new ApiProblem(
    typeof b.code === 'string' ? b.code : `HTTP_${status}`,
    typeof b.reason === 'string' ? b.reason : `The server answered ${status}.`,
    status,
  );
}

async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      credentials: 'same-origin',
      cache: 'no-store',
      ...init,
      headers: { accept: 'application/json', ...(init.headers ?? {}) },
    });
  } catch {
    throw NETWORK();
  }
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    if (res.ok)
      throw new ApiProblem('BAD_ANSWER', 'The server sent an unreadable answer.', res.status);
  }
  if (!res.ok) throw problemFrom(res.status, body);
  return body as T;
}

/** Uploads a file with progress; resolves with the preview. */
export function uploadManifest(
  file: File,
  onProgress: (sent: number, total: number) => void,
): { done: Promise<UploadPreview>; abort: () => void } {
  const xhr = new XMLHttpRequest();
  const done = new Promise<UploadPreview>((resolve, reject) => {
    xhr.open('POST', '/api/manifests/uploads');
    xhr.withCredentials = true;
    xhr.setRequestHeader('content-type', XLSX_TYPE);
    xhr.setRequestHeader('x-file-name', encodeURIComponent(file.name));
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onerror = () => reject(NETWORK());
    xhr.onabort = () => reject(new ApiProblem('ABORTED', 'The upload was cancelled.', 0));
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null; // reported below with the status
      }
      if (xhr.status >= 200 && xhr.status < 300 && body) resolve(body as UploadPreview);
      else reject(problemFrom(xhr.status, body));
    };
    xhr.send(file);
  });
  return { done, abort: () => xhr.abort() };
}

export const previewSheet = (uploadId: string, sheet: string) =>
  call<UploadPreview>(
    `/api/manifests/uploads/${encodeURIComponent(uploadId)}?sheet=${encodeURIComponent(sheet)}`,
  );

export const startImport = (
  uploadId: string,
  body: {
    name: string;
    sheet: string;
    mapping: ColumnMapping;
    mode: 'good-rows' | 'refuse';
    /** The header row the person chose, when not the one the server found. */
    headerRow?: number;
  },
) =>
  call<{ manifestId: string; importId: string }>(
    `/api/manifests/uploads/${encodeURIComponent(uploadId)}/import`,
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
  );

export const uploadPreview = (uploadId: string) =>
  call<UploadPreview>(`/api/manifests/uploads/${encodeURIComponent(uploadId)}`);

/** Runs a finished import again on its kept file (e.g. `good-rows` after seeing the report). */
export const retryImport = (importId: string, mode: 'good-rows' | 'refuse') =>
  call<{ manifestId: string; importId: string }>(
    `/api/imports/${encodeURIComponent(importId)}/retry`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mode }),
    },
  );

export const importStatus = (importId: string) =>
  call<ImportStatus>(`/api/imports/${encodeURIComponent(importId)}`);

export const recentImports = () => call<{ imports: ImportStatus[] }>('/api/imports');

export const cancelImport = (importId: string) =>
  call<{ ok: true }>(`/api/imports/${encodeURIComponent(importId)}/cancel`, { method: 'POST' });

export const reportUrl = (importId: string) =>
  `/api/imports/${encodeURIComponent(importId)}/report.xlsx`;

/** An export's URL; times in it are written in this browser's time zone, as the dashboard shows them. */
export const exportUrl = (manifestId: string, kind: string, format: string) =>
  `/api/manifests/${encodeURIComponent(manifestId)}/export?kind=${kind}&format=${format}&tz=${encodeURIComponent(
    Intl.DateTimeFormat().resolvedOptions().timeZone,
  )}`;
