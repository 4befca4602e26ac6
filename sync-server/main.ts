// Entry point: read the environment once, start the sync server, stop cleanly on SIGINT/SIGTERM.
import { ConfigError, configFromEnv } from './config';
import { createSyncServer } from './app';
import { createLogger } from './log';

const SHUTDOWN_TIMEOUT_MS = 10_000; // 10 s, then exit anyway

async function main(): Promise<void> {
  let config;
  try {
    config = configFromEnv(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  // express-pouchdb starts promise chains it never awaits (e.g. reopening _users); one failing must
  // be logged, not end the process (Node's default for an unhandled rejection).
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection in the store'));
  const server = createSyncServer(config, log);
  const { url } = await server.listen();
  process.stdout.write(`Dockhand sync server: ${url}  (CouchDB API at ${url}/db)\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    setTimeout(() => {
      log.error('shutdown timed out');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(
    `Dockhand sync server failed to start: ${String((err as Error)?.stack ?? err)}\n`,
  );
  process.exit(1);
});
