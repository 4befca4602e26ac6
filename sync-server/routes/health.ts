// GET /health: is the store answering and are all Dockhand databases there. 503 when not.
import type { Router } from 'express';
import express from 'express';
import { DATABASES } from '@/lib/schema';
import type { Logger } from 'pino';
import type { Store } from '../store/store';
import { SERVER_DB } from '../api/server-db';

const STORE_TIMEOUT_MS = 3_000;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

export function createHealthRoute(opts: {
  store: () => Store | null;
  version: string;
  startedAt: number;
  log: Logger;
}): Router {
  const router = express.Router();
  router.get('/health', async (_req, res) => {
    const base = {
      version: opts.version,
      uptimeS: Math.round((Date.now() - opts.startedAt) / 1000),
    };
    res.setHeader('Cache-Control', 'no-store');
    const store = opts.store();
    try {
      if (!store) throw new Error('store not open');
      const names = await withTimeout(store.databaseNames(), STORE_TIMEOUT_MS);
      const required = [...DATABASES, SERVER_DB];
      const missing = required.filter((db) => !names.includes(db));
      const ok = missing.length === 0;
      res.status(ok ? 200 : 503).json({
        status: ok ? 'ok' : 'degraded',
        store: { ok, databases: required.length - missing.length, missing },
        ...base,
      });
    } catch (err) {
      opts.log.error({ err }, 'health check: store failed');
      res.status(503).json({
        status: 'degraded',
        store: { ok: false, databases: 0, error: (err as Error).message },
        ...base,
      });
    }
  });
  return router;
}
