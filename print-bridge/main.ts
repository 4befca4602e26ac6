// Entry point of the print bridge: configuration, local replicas, replication, printing, status
// API and graceful shutdown (SIGTERM: stop taking jobs, finish or cut the label in flight, push
// the last states, stop replication, close the stores).
import type { Server } from 'node:http';
import { resolve } from 'node:path';
import pino from 'pino';
import { createBridge } from './bridge';
import { BridgeConfigError, bridgeConfigFromEnv, dataDirOf } from './config';
import { createStatusApp } from './http/status-server';
import { openPrinting } from './jobs/printing';
import { startReplication, type Replication } from './sync/replication';
import { probeSyncServer } from './sync/session-probe';

async function main(): Promise<void> {
  const config = bridgeConfigFromEnv(process.env);
  const log = pino({ name: 'print-bridge', level: config.logLevel });
  // PouchDB's replication leaves a few internal promises unhandled when the server drops mid-batch;
  // replication retries on its own, so log them instead of ending the bridge (Node's default).
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));
  const now = () => new Date();
  const dataDir = resolve(dataDirOf(config));
  let replication: Replication | undefined;
  const printing = await openPrinting({
    site: config.site,
    dataDir,
    now,
    log,
    probeIntervalMs: config.probeIntervalMs,
    // The replica stays a pure copy: status goes to the server's printer document.
    onPrinterStatus: async (id, status) => replication?.writePrinterStatus(id, status),
  });
  const bridge = createBridge({
    config,
    probe: () => probeSyncServer(config.syncUrl, config.user, config.password, fetch, config.site),
    now,
    log,
    printing,
    shutdownGraceMs: config.shutdownGraceMs,
    startSync: () => {
      replication = startReplication({
        syncUrl: config.syncUrl,
        user: config.user,
        password: config.password,
        site: config.site,
        local: printing.localDbs,
        log,
        now,
      });
      return replication;
    },
  });
  log.info({ site: config.site, dataDir }, 'print bridge starting');
  await bridge.start();
  const server: Server = createStatusApp(bridge.status).listen(
    config.httpPort,
    config.httpHost,
    () => {
      log.info(
        { url: `http://${config.httpHost}:${config.httpPort}/` },
        'print bridge status page',
      );
    },
  );

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    server.close();
    bridge
      .stop()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        log.error({ err: error }, 'stopping failed');
        process.exit(1);
      });
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  if (error instanceof BridgeConfigError) {
    console.error(error.message);
    process.exit(78); // EX_CONFIG: systemd shows it as a configuration error
  }
  console.error(error);
  process.exit(1);
});
