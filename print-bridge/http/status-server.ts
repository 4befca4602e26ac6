// The bridge's local status API: /health for monitors, / for a person at the site.
import express from 'express';
import helmet from 'helmet';
import type { BridgeStatus } from '../bridge';

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function statusPage(status: BridgeStatus): string {
  const sync = status.sync.ok
    ? `Connected (last contact ${escapeHtml(status.sync.lastOkAt ?? '')})`
    : `Not connected: ${escapeHtml(status.sync.message ?? 'not checked yet')}`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Dockhand print bridge</title>
<meta http-equiv="refresh" content="10"></head><body style="font-family:sans-serif;max-width:40rem;margin:2rem auto">
<h1>Print bridge · ${escapeHtml(status.site)}</h1><p>Sync server: <strong>${sync}</strong></p>
<p>Running since ${escapeHtml(status.startedAt)}</p></body></html>`;
}

export function createStatusApp(status: () => BridgeStatus): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(helmet());
  app.get('/health', (_req, res) => {
    const current = status();
    res
      .status(current.sync.ok ? 200 : 503)
      .json({ status: current.sync.ok ? 'ok' : 'degraded', ...current });
  });
  app.get('/', (_req, res) => {
    res.type('html').send(statusPage(status()));
  });
  return app;
}
