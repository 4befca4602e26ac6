// The bridge's local status API: /health for monitors, / for a person at the site.
import express from 'express';
import helmet from 'helmet';
import type { BridgeStatus } from '../bridge';

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Documents the server refused since the bridge started. Each is a job state the server never
 * learns on its own (the replication moves past it), so a job can stay `queued` there after it
 * printed: a person has to look, and the count stays until the bridge restarts.
 */
export function refusedPushesOf(status: BridgeStatus): number {
  const flows = Object.values(status.replication?.flows ?? {});
  const counted = flows.reduce((sum, flow) => sum + flow.writeFailures, 0);
  // The last refusal is kept even when a flow restarted and its count began again.
  return Math.max(counted, status.replication?.refused ? 1 : 0);
}

/**
 * Healthy: the server knows the bridge, every replication flow is moving or caught up, and the
 * server has refused nothing the bridge wrote.
 */
export const isHealthy = (status: BridgeStatus): boolean =>
  status.sync.ok && (status.replication?.ok ?? true) && refusedPushesOf(status) === 0;

function rows(cells: string[][]): string {
  return cells
    .map((row) => `<tr>${row.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`)
    .join('');
}

function statusPage(status: BridgeStatus): string {
  const sync = status.sync.ok
    ? `Connected (last contact ${escapeHtml(status.sync.lastOkAt ?? '')})`
    : `Not connected: ${escapeHtml(status.sync.message ?? 'not checked yet')}`;
  const flows = Object.entries(status.replication?.flows ?? {}).map(([name, flow]) => [
    name,
    flow.state,
    flow.lastOkAt ?? '—',
    flow.error ? `${flow.error}: ${flow.message ?? ''} ${flow.detail ?? ''}` : '',
    flow.retryAt && flow.error ? `retry at ${flow.retryAt}` : '',
  ]);
  const refused = status.replication?.refused;
  const refusedCount = refusedPushesOf(status);
  const printers = Object.entries(status.printers).map(([id, p]) => [
    id,
    p.state,
    p.checkedAt,
    p.message ?? '',
  ]);
  const jobs = Object.entries(status.jobs).map(([state, count]) => [state, String(count)]);
  const table = (head: string[], body: string[][]) =>
    `<table border="1" cellpadding="4"><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr>${rows(body)}</table>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Dockhand print bridge</title>
<meta http-equiv="refresh" content="10"></head><body style="font-family:sans-serif;max-width:60rem;margin:2rem auto">
<h1>Print bridge · ${escapeHtml(status.site)}</h1><p>Sync server: <strong>${sync}</strong></p>
<h2>Replication</h2>${status.replication ? table(['flow', 'state', 'last ok', 'error', ''], flows) : '<p>off</p>'}
${refused ? `<p><strong>PRINT_ERR_SYNC_REFUSED</strong> (${refusedCount} refused since start; the last): ${escapeHtml(`${refused.flow} ${refused.id} at ${refused.at}: ${refused.reason}`)}</p>` : ''}
<h2>Printers</h2>${printers.length ? table(['printer', 'state', 'checked', 'message'], printers) : `<p>No printers probed yet (configured: ${escapeHtml(status.configuredPrinters.join(', ') || 'none')}).</p>`}
<h2>Jobs</h2>${jobs.length ? table(['state', 'count'], jobs) : '<p>No jobs.</p>'}
<p>Running since ${escapeHtml(status.startedAt)}</p></body></html>`;
}

export function createStatusApp(status: () => BridgeStatus): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(helmet());
  app.get('/health', (_req, res) => {
    const current = status();
    const healthy = isHealthy(current);
    res.status(healthy ? 200 : 503).json({
      status: healthy ? 'ok' : 'degraded',
      refusedPushes: refusedPushesOf(current),
      ...current,
    });
  });
  app.get('/', (_req, res) => {
    res.type('html').send(statusPage(status()));
  });
  return app;
}
