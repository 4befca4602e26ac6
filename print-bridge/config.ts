// Print-bridge configuration: read once at start from the environment, checked by a schema.
import { z } from 'zod';

const configSchema = z.object({
  site: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9-]{0,40}$/,
      'lower-case letters, digits and dashes, e.g. "depot-north"',
    ),
  syncUrl: z.url({
    protocol: /^https?$/,
    error: 'must be an http(s) URL, e.g. https://dockhand.example',
  }),
  user: z.string().min(1, 'the name of a user with the "bridge" role'),
  password: z.string().min(1, 'the password of the bridge user'),
  httpHost: z.string().default('127.0.0.1'),
  httpPort: z.coerce.number().int().min(0).max(65535).default(9180),
  probeIntervalMs: z.coerce.number().int().min(1000).default(15_000),
  /** Where the local replicas (print_jobs, printers, templates) live; default ./data/bridge-<site>. */
  dataDir: z.string().min(1).optional(),
  /** SIGTERM: how long a label being sent may take to finish before it is cut (then `unknown`). */
  shutdownGraceMs: z.coerce.number().int().min(0).max(600_000).default(10_000),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
});

export type BridgeConfig = z.infer<typeof configSchema>;

/** The data directory of a configuration: the one given, or ./data/bridge-<site>. */
export const dataDirOf = (config: BridgeConfig): string =>
  config.dataDir ?? `./data/bridge-${config.site}`;

const ENV_NAMES: Record<keyof BridgeConfig, string> = {
  site: 'DOCKHAND_BRIDGE_SITE',
  syncUrl: 'DOCKHAND_SYNC_URL',
  user: 'DOCKHAND_BRIDGE_USER',
  password: 'DOCKHAND_BRIDGE_PASSWORD',
  httpHost: 'DOCKHAND_BRIDGE_HTTP_HOST',
  httpPort: 'DOCKHAND_BRIDGE_HTTP_PORT',
  probeIntervalMs: 'DOCKHAND_BRIDGE_PROBE_INTERVAL_MS',
  dataDir: 'DOCKHAND_BRIDGE_DATA_DIR',
  shutdownGraceMs: 'DOCKHAND_BRIDGE_SHUTDOWN_GRACE_MS',
  logLevel: 'DOCKHAND_LOG_LEVEL',
};

export class BridgeConfigError extends Error {}

/** Parses the environment; throws one error that names every bad variable and why. */
export function bridgeConfigFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): BridgeConfig {
  const raw = Object.fromEntries(
    Object.entries(ENV_NAMES).map(([key, name]) => [key, env[name] === '' ? undefined : env[name]]),
  );
  const parsed = configSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => {
    const key = issue.path[0] as keyof BridgeConfig;
    const given = raw[key] === undefined ? 'not set' : 'invalid';
    return `  ${ENV_NAMES[key]} (${given}): ${issue.message}`;
  });
  throw new BridgeConfigError(`print-bridge: bad configuration\n${lines.join('\n')}`);
}
