// Runs the printing half of the bridge alone (no sync): for the crash tests and for a site that
// wants to print from its local replica while the lead wires replication into main.ts.
import { resolve } from 'node:path';
import pino from 'pino';
import { z } from 'zod';
import { openPrinting } from './printing';

const envSchema = z.object({
  DOCKHAND_BRIDGE_SITE: z.string().regex(/^[a-z0-9][a-z0-9-]{0,40}$/),
  DOCKHAND_BRIDGE_DATA_DIR: z.string().min(1),
  DOCKHAND_BRIDGE_PROBE_INTERVAL_MS: z.coerce.number().int().min(100).default(15_000),
  DOCKHAND_PRINT_RETRY_BASE_MS: z.coerce.number().int().min(1).default(2_000),
  /** Exit 0 once no job is queued or printing (tests). */
  DOCKHAND_PRINT_EXIT_WHEN_IDLE: z.enum(['0', '1']).default('0'),
  DOCKHAND_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
});

async function main(): Promise<void> {
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    console.error(`run-printing: bad configuration\n${z.prettifyError(parsed.error)}`);
    process.exit(78);
  }
  const env = parsed.data;
  const log = pino({ name: 'print-bridge', level: env.DOCKHAND_LOG_LEVEL });
  const printing = await openPrinting({
    site: env.DOCKHAND_BRIDGE_SITE,
    dataDir: resolve(env.DOCKHAND_BRIDGE_DATA_DIR),
    now: () => new Date(),
    log,
    probeIntervalMs: env.DOCKHAND_BRIDGE_PROBE_INTERVAL_MS,
    policy: { baseMs: env.DOCKHAND_PRINT_RETRY_BASE_MS, maxMs: 60_000, maxAttempts: 10 },
  });
  const stop = async (reason: string) => {
    log.info({ reason }, 'stopping printing');
    await printing.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  await printing.start();
  log.info('printing started');
  if (env.DOCKHAND_PRINT_EXIT_WHEN_IDLE === '1') {
    await printing.whenIdle();
    await stop('idle');
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
