// Assembles the sync server: store, bootstrap, guard, health and the static app on one origin.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import pkg from '@/package.json';
import type { SyncServerConfig } from './config';
import { sendSyncError } from './errors';
import { createLogger } from './log';
import { requestLogs } from './request-logs';
import { securityHeaderList, securityHeaders } from './security-headers';
import { bootstrapDatabases } from './bootstrap/databases';
import { ensureFirstAdmin, firstAdminNotice } from './bootstrap/first-admin';
import { createCors } from './guard/cors';
import { createDbGuard } from './guard/db-guard';
import { createChangesHub } from './guard/changes-hub';
import type { ChangesHub } from './guard/changes-hub';
import { createFeedLane } from './guard/feed-lane';
import type { FeedLane } from './guard/feed-lane';
import { DEFAULT_SESSION_CACHE, createSessionCache } from './guard/session-cache';
import { DEFAULT_LOGIN_LIMIT } from './guard/login-limit';
import type { LoginLimitOptions } from './guard/login-limit';
import { createHealthRoute } from './routes/health';
import { createRedirectHandler, isRedirectRequest } from './routes/redirects';
import { createStaticApp } from './routes/static-app';
import { createApi } from './api';
import type { ImportLimitsInput } from './import';
import { createLinkTable, type LinkTable } from './links/link-table';
import { createVisitRecorder, type VisitRecorder } from './links/visit-recorder';
import { openVisitsDatabase } from './links/visits-database';
import { openCouchStore } from './store/couch-store';
import { localLevelOf, openPouchStore } from './store/pouch-store';
import { createDirectStore } from './store/direct-store';
import type { Store } from './store/store';

export interface SyncServer {
  listen(): Promise<{ url: string; port: number }>;
  close(): Promise<void>;
}

export interface SyncServerDeps {
  /** Where the once-only generated admin password goes (default: stdout). */
  print?: (text: string) => void;
  loginLimit?: LoginLimitOptions;
  /** Manifest upload limits over the configured ones (defaults: sync-server/import/limits.ts). */
  importLimits?: ImportLimitsInput;
}

export function createSyncServer(
  config: SyncServerConfig,
  log: Logger = createLogger(config.logLevel),
  deps: SyncServerDeps = {},
): SyncServer {
  const print = deps.print ?? ((text: string) => process.stdout.write(text));
  const startedAt = Date.now();
  let store: Store | null = null;
  let server: http.Server | null = null;
  let links: LinkTable | null = null;
  let visits: VisitRecorder | null = null;
  let hub: ChangesHub | null = null;

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.use(requestLogs(log));
  app.use(...securityHeaders());
  app.use(createHealthRoute({ store: () => store, version: pkg.version, startedAt, log }));
  app.use('/db', createCors(config.corsOrigins), (req, res, next) => {
    if (!store) return sendSyncError(res, 'SYNC_ERR_STORE_UNAVAILABLE');
    guard(req, res, next);
  });
  const api = createApi({
    store: () => store,
    dataDir: config.dataDir,
    log,
    limits: {
      maxFileBytes: config.imports.maxFileBytes,
      maxRows: config.imports.maxRows,
      ...deps.importLimits,
    },
    uploadTtlMs: config.imports.uploadTtlMs,
    uploadsMaxBytes: config.imports.uploadsMaxBytes,
  });
  app.use('/api', api.router);
  app.use(createStaticApp(config.staticDir));
  app.use((_req: Request, res: Response) => sendSyncError(res, 'SYNC_ERR_UNKNOWN_ENDPOINT'));
  // Last resort: an error in our own code answers 500 and is logged; it never ends the process.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = (err as { status?: number }).status;
    if (status === 413) return sendSyncError(res, 'SYNC_ERR_TOO_LARGE');
    if (status === 400) return sendSyncError(res, 'SYNC_ERR_BAD_REQUEST');
    req.log.error({ err }, 'unhandled request error');
    sendSyncError(res, 'SYNC_ERR_INTERNAL');
  });

  let guard: express.RequestHandler = (_req, res) =>
    sendSyncError(res, 'SYNC_ERR_STORE_UNAVAILABLE');

  return {
    async listen() {
      store = config.couchdb
        ? await openCouchStore({
            ...config.couchdb,
            sessionTimeoutS: config.sessionTimeoutS,
            maxBodyBytes: config.maxBodyBytes,
          })
        : await openPouchStore({
            dataDir: config.dataDir,
            sessionTimeoutS: config.sessionTimeoutS,
            maxBodyBytes: config.maxBodyBytes,
          });
      // Admin before anything else: a store with no admin treats everyone as admin ("admin party").
      const admin = await ensureFirstAdmin(store, {
        user: config.adminUser,
        password: config.adminPassword,
      });
      await bootstrapDatabases(store, log);
      const table = createLinkTable(await store.database('links'), log);
      await table.ready;
      links = table;
      visits = createVisitRecorder(await openVisitsDatabase(store), log, {
        flushIntervalMs: config.visitFlushMs,
        maxPending: 10_000,
      });
      await api.start();
      // Each feed the store served itself read every change again (the embedded store) or held
      // one of CouchDB's own feeds; the hub reads each change once (guard/changes-hub.ts).
      const opened = store;
      hub = createChangesHub({ database: (name) => opened.database(name), log });
      const sessions = createSessionCache(DEFAULT_SESSION_CACHE);
      // With request logs on (debug), every request goes through Express and is logged.
      const lane: FeedLane | null =
        hub && !log.isLevelEnabled('debug')
          ? createFeedLane({
              hub,
              sessions,
              headers: securityHeaderList(),
              corsOrigins: config.corsOrigins,
              limits: config.requestLimits,
            })
          : null;
      guard = createDbGuard({
        changesHub: hub ?? undefined,
        direct:
          opened.kind === 'embedded'
            ? createDirectStore((name) => opened.database(name), localLevelOf)
            : undefined,
        sessions,
        upstream: store.upstream,
        storeKind: store.kind,
        maxBodyBytes: config.maxBodyBytes,
        loginLimit: deps.loginLimit ?? DEFAULT_LOGIN_LIMIT,
        linkCreateLimit: config.linkCreateLimit,
        requestLimits: config.requestLimits,
        corsOrigins: config.corsOrigins,
        log,
      });

      const redirect = createRedirectHandler({
        table: () => links,
        visits: () => visits,
        ratePerMinute: config.redirectRatePerMinute,
        trustProxy: config.trustProxy,
        now: () => new Date(),
      });
      // /r/ and live feeds are answered before Express: see routes/redirects.ts and
      // guard/feed-lane.ts.
      server = http.createServer((req, res) => {
        if (isRedirectRequest(req)) return redirect(req, res);
        const feed = lane?.match(req);
        if (!lane || !feed) return app(req, res);
        lane.serve(feed, res).then(
          (served) => {
            if (!served) app(req, res);
          },
          (err: unknown) => {
            log.error({ err }, 'feed lane failed');
            if (!res.headersSent) app(req, res);
            else res.destroy();
          },
        );
      });
      const listening = server;
      await new Promise<void>((resolve, reject) => {
        listening.once('error', reject);
        listening.listen(config.port, config.host, () => resolve());
      });
      const { port } = listening.address() as AddressInfo;
      const host = config.host.includes(':') ? `[${config.host}]` : config.host;
      const url = `http://${host}:${port}`;
      log.info(
        { url, dataDir: config.dataDir, adminCreated: admin.created },
        'sync server listening',
      );
      if (admin.generatedPassword) {
        print(firstAdminNotice(config.adminUser, admin.generatedPassword, `${url}/login/`));
      }
      return { url, port };
    },
    async close() {
      const closing = server;
      server = null;
      if (closing) {
        closing.closeAllConnections();
        await new Promise<void>((resolve) => closing.close(() => resolve()));
      }
      await api.close(); // running imports abort and roll back before the store closes
      links?.close();
      links = null;
      await visits?.close(); // the last visits are written before the store closes
      visits = null;
      await hub?.close(); // its feeds end before the store closes
      hub = null;
      const open = store;
      store = null;
      if (open) await open.close();
    },
  };
}
