// Entry point of the print bridge: configuration, status API, graceful shutdown.
import type { Server } from 'node:http';
import pino from 'pino';
import { createBridge } from './bridge';
import { BridgeConfigError, bridgeConfigFromEnv } from './config';
import { createStatusApp } from './http/status-server';
import { probeSyncServer } from './sync/session-probe';

async function main(): Promise<void> {
  const config = bridgeConfigFromEnv(process.env);
  const log = pino({ name: 'print-bridge', level: config.logLevel });
  const bridge = createBridge({
    config,
    probe: () => probeSyncServer(config.syncUrl, config.user, config.password),
    now: () => new Date(),
    log,
  });
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

  const shutdown = (signal: string) => {
    log.info({ signal }, 'stopping');
    server.close();
    void bridge.stop().then(() => process.exit(0));
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
