// Sync-server configuration: every DOCKHAND_* variable, checked once at start-up (STYLE.md).
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_LINK_CREATE_LIMIT, type LinkCreateLimitOptions } from './guard/link-create-limit';
import { DEFAULT_REQUEST_LIMITS, type RequestLimits } from './guard/request-limits';

const MIB = 1024 * 1024;

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const intFrom = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const envSchema = z.object({
  DOCKHAND_HOST: z.string().min(1).default('127.0.0.1'),
  DOCKHAND_PORT: intFrom(0, 65_535).default(8080),
  DOCKHAND_DATA_DIR: z.string().min(1).default('./data'),
  DOCKHAND_ADMIN_USER: z
    .string()
    .regex(/^[A-Za-z0-9_.@-]{1,64}$/, 'must be 1-64 letters, digits or _ . @ -')
    .default('admin'),
  DOCKHAND_ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
  // An Apache CouchDB 3 as the store instead of the embedded one: its base URL (no credentials
  // in it) and a server admin's name and password.
  DOCKHAND_COUCHDB_URL: z
    .string()
    .regex(/^https?:\/\/[^\s@]+$/, 'must be an http(s) URL without credentials')
    .optional(),
  DOCKHAND_COUCHDB_USER: z.string().min(1).optional(),
  DOCKHAND_COUCHDB_PASSWORD: z.string().min(1).optional(),
  DOCKHAND_STATIC_DIR: z.string().min(1).default('./out'),
  DOCKHAND_CORS_ORIGINS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(
        z
          .string()
          .regex(/^https?:\/\/[^/\s]+$/, 'must be origins like https://host:port (no path)'),
      ),
    ),
  DOCKHAND_MAX_BODY_BYTES: intFrom(1024, 1024 * MIB).default(16 * MIB),
  // What one /db request may cost the store (sync-server/guard/request-limits.ts).
  DOCKHAND_MAX_DOCS_PER_REQUEST: intFrom(1, 100_000).default(
    DEFAULT_REQUEST_LIMITS.maxDocsPerRequest,
  ),
  DOCKHAND_MAX_ROWS_PER_READ: intFrom(1, 1_000_000).default(DEFAULT_REQUEST_LIMITS.maxRowsPerRead),
  DOCKHAND_MAX_JSON_DEPTH: intFrom(4, 1_000).default(DEFAULT_REQUEST_LIMITS.maxJsonDepth),
  DOCKHAND_MAX_LOCAL_DOC_BYTES: intFrom(1024, 16 * MIB).default(
    DEFAULT_REQUEST_LIMITS.maxLocalDocBytes,
  ),
  DOCKHAND_MAX_LOCAL_DOCS_PER_USER: intFrom(1, 10_000).default(
    DEFAULT_REQUEST_LIMITS.maxLocalDocsPerUser,
  ),
  DOCKHAND_SESSION_TIMEOUT_S: intFrom(60, 30 * 24 * 3600).default(43_200), // 12 h: one shift
  DOCKHAND_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info'),
  DOCKHAND_TRUST_PROXY: bool.default(false),
  // Short links: visits per client per minute on /r/, and how often visit counts are written.
  DOCKHAND_REDIRECT_RATE_PER_MIN: intFrom(1, 10_000_000).default(600),
  DOCKHAND_VISIT_FLUSH_MS: intFrom(100, 600_000).default(2_000),
  // New short links per user: at once (a bulk CSV import), then per minute once spent.
  DOCKHAND_LINK_CREATE_BURST: intFrom(1, 1_000_000).default(DEFAULT_LINK_CREATE_LIMIT.burst),
  DOCKHAND_LINK_CREATE_PER_MIN: intFrom(1, 1_000_000).default(
    DEFAULT_LINK_CREATE_LIMIT.refillPerMinute,
  ),
  // Manifest uploads: one file's size and rows, how long an upload is kept for "import the good
  // rows" later, and all kept uploads together (the oldest idle ones go first past it).
  DOCKHAND_IMPORT_MAX_FILE_BYTES: intFrom(1024, 4096 * MIB).default(50 * MIB),
  DOCKHAND_IMPORT_MAX_ROWS: intFrom(1, 2_000_000).default(200_000),
  DOCKHAND_UPLOAD_KEEP_HOURS: intFrom(1, 24 * 30).default(24),
  DOCKHAND_UPLOADS_MAX_BYTES: intFrom(MIB, 1024 * 1024 * MIB).default(1024 * MIB),
});

export interface SyncServerConfig {
  host: string;
  port: number;
  dataDir: string;
  adminUser: string;
  adminPassword: string | undefined;
  /** null: the embedded store under dataDir. */
  couchdb: { url: string; user: string; password: string } | null;
  staticDir: string;
  corsOrigins: string[];
  maxBodyBytes: number;
  requestLimits: RequestLimits;
  sessionTimeoutS: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  trustProxy: boolean;
  redirectRatePerMinute: number;
  visitFlushMs: number;
  linkCreateLimit: LinkCreateLimitOptions;
  imports: {
    maxFileBytes: number;
    maxRows: number;
    uploadTtlMs: number;
    uploadsMaxBytes: number;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid sync-server configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment (only DOCKHAND_* keys matter); throws ConfigError listing every problem. */
export function configFromEnv(env: Record<string, string | undefined>): SyncServerConfig {
  const picked = Object.fromEntries(
    Object.keys(envSchema.shape).map((k) => [k, env[k] === '' ? undefined : env[k]]),
  );
  const result = envSchema.safeParse(picked);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`),
    );
  }
  const e = result.data;
  const couchVars = [e.DOCKHAND_COUCHDB_URL, e.DOCKHAND_COUCHDB_USER, e.DOCKHAND_COUCHDB_PASSWORD];
  if (couchVars.some(Boolean) && !couchVars.every(Boolean)) {
    throw new ConfigError([
      'DOCKHAND_COUCHDB_URL, DOCKHAND_COUCHDB_USER and DOCKHAND_COUCHDB_PASSWORD go together: set all three (Apache CouchDB) or none (the embedded store).',
    ]);
  }
  return {
    host: e.DOCKHAND_HOST,
    port: e.DOCKHAND_PORT,
    dataDir: path.resolve(e.DOCKHAND_DATA_DIR),
    adminUser: e.DOCKHAND_ADMIN_USER,
    adminPassword: e.DOCKHAND_ADMIN_PASSWORD,
    couchdb: e.DOCKHAND_COUCHDB_URL
      ? {
          url: e.DOCKHAND_COUCHDB_URL,
          user: e.DOCKHAND_COUCHDB_USER!,
          password: e.DOCKHAND_COUCHDB_PASSWORD!,
        }
      : null,
    staticDir: path.resolve(e.DOCKHAND_STATIC_DIR),
    corsOrigins: e.DOCKHAND_CORS_ORIGINS,
    maxBodyBytes: e.DOCKHAND_MAX_BODY_BYTES,
    requestLimits: {
      maxDocsPerRequest: e.DOCKHAND_MAX_DOCS_PER_REQUEST,
      maxRowsPerRead: e.DOCKHAND_MAX_ROWS_PER_READ,
      maxJsonDepth: e.DOCKHAND_MAX_JSON_DEPTH,
      maxLocalDocBytes: e.DOCKHAND_MAX_LOCAL_DOC_BYTES,
      maxLocalDocsPerUser: e.DOCKHAND_MAX_LOCAL_DOCS_PER_USER,
    },
    sessionTimeoutS: e.DOCKHAND_SESSION_TIMEOUT_S,
    logLevel: e.DOCKHAND_LOG_LEVEL,
    trustProxy: e.DOCKHAND_TRUST_PROXY,
    redirectRatePerMinute: e.DOCKHAND_REDIRECT_RATE_PER_MIN,
    visitFlushMs: e.DOCKHAND_VISIT_FLUSH_MS,
    linkCreateLimit: {
      burst: e.DOCKHAND_LINK_CREATE_BURST,
      refillPerMinute: e.DOCKHAND_LINK_CREATE_PER_MIN,
    },
    imports: {
      maxFileBytes: e.DOCKHAND_IMPORT_MAX_FILE_BYTES,
      maxRows: e.DOCKHAND_IMPORT_MAX_ROWS,
      uploadTtlMs: e.DOCKHAND_UPLOAD_KEEP_HOURS * 3_600_000,
      uploadsMaxBytes: e.DOCKHAND_UPLOADS_MAX_BYTES,
    },
  };
}
