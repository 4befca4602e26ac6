import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, configFromEnv } from './config';

describe('configFromEnv', () => {
  it('takes an Apache CouchDB store only with its URL, user and password together', () => {
    expect(
      configFromEnv({
        DOCKHAND_COUCHDB_URL: 'http://couch-1:5984',
        DOCKHAND_COUCHDB_USER: 'dockhand',
        DOCKHAND_COUCHDB_PASSWORD: 'secret-from-env',
      }).couchdb,
    ).toEqual({ url: 'http://couch-1:5984', user: 'dockhand', password: 'secret-from-env' });
    expect(() => configFromEnv({ DOCKHAND_COUCHDB_URL: 'http://couch-1:5984' })).toThrow(
      /go together/,
    );
    expect(() =>
      configFromEnv({
        DOCKHAND_COUCHDB_URL: 'http://dockhand:pw@couch-1:5984',
        DOCKHAND_COUCHDB_USER: 'dockhand',
        DOCKHAND_COUCHDB_PASSWORD: 'pw',
      }),
    ).toThrow(/DOCKHAND_COUCHDB_URL/);
  });

  it('fills in the defaults', () => {
    expect(configFromEnv({})).toEqual({
      host: '127.0.0.1',
      port: 8080,
      dataDir: path.resolve('./data'),
      adminUser: 'admin',
      adminPassword: undefined,
      couchdb: null,
      staticDir: path.resolve('./out'),
      corsOrigins: [],
      maxBodyBytes: 16 * 1024 * 1024,
      requestLimits: {
        maxDocsPerRequest: 1_000,
        maxRowsPerRead: 10_000,
        maxJsonDepth: 32,
        maxLocalDocBytes: 64 * 1024,
        maxLocalDocsPerUser: 32,
      },
      sessionTimeoutS: 43_200,
      logLevel: 'info',
      trustProxy: false,
      redirectRatePerMinute: 600,
      visitFlushMs: 2_000,
      linkCreateLimit: { burst: 500, refillPerMinute: 60 },
      imports: {
        maxFileBytes: 50 * 1024 * 1024,
        maxRows: 200_000,
        uploadTtlMs: 24 * 3_600_000,
        uploadsMaxBytes: 1024 * 1024 * 1024,
      },
    });
  });

  it('parses every variable', () => {
    const config = configFromEnv({
      DOCKHAND_HOST: '0.0.0.0',
      DOCKHAND_PORT: '9000',
      DOCKHAND_ADMIN_PASSWORD: 'twelve-chars',
      DOCKHAND_CORS_ORIGINS: 'https://a.example, http://localhost:3000',
      DOCKHAND_MAX_BODY_BYTES: '2048',
      DOCKHAND_SESSION_TIMEOUT_S: '600',
      DOCKHAND_LOG_LEVEL: 'debug',
      DOCKHAND_TRUST_PROXY: 'true',
      DOCKHAND_LINK_CREATE_BURST: '50',
      DOCKHAND_LINK_CREATE_PER_MIN: '6',
      DOCKHAND_IMPORT_MAX_FILE_BYTES: '1048576',
      DOCKHAND_IMPORT_MAX_ROWS: '5000',
      DOCKHAND_UPLOAD_KEEP_HOURS: '2',
      DOCKHAND_UPLOADS_MAX_BYTES: '10485760',
    });
    expect(config).toMatchObject({
      imports: {
        maxFileBytes: 1_048_576,
        maxRows: 5_000,
        uploadTtlMs: 7_200_000,
        uploadsMaxBytes: 10_485_760,
      },
      linkCreateLimit: { burst: 50, refillPerMinute: 6 },
      host: '0.0.0.0',
      port: 9000,
      adminPassword: 'twelve-chars',
      corsOrigins: ['https://a.example', 'http://localhost:3000'],
      maxBodyBytes: 2048,
      sessionTimeoutS: 600,
      logLevel: 'debug',
      trustProxy: true,
    });
  });

  it('lists every bad variable at once', () => {
    let error: unknown;
    try {
      configFromEnv({
        DOCKHAND_PORT: 'eighty',
        DOCKHAND_ADMIN_PASSWORD: 'short',
        DOCKHAND_CORS_ORIGINS: 'https://ok.example,not-an-origin',
        DOCKHAND_LOG_LEVEL: 'loud',
        DOCKHAND_TRUST_PROXY: 'maybe',
        DOCKHAND_IMPORT_MAX_FILE_BYTES: '10 MB',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of [
      'DOCKHAND_PORT',
      'DOCKHAND_ADMIN_PASSWORD',
      'DOCKHAND_CORS_ORIGINS',
      'DOCKHAND_LOG_LEVEL',
      'DOCKHAND_TRUST_PROXY',
      'DOCKHAND_IMPORT_MAX_FILE_BYTES',
    ]) {
      expect(problems).toContain(name);
    }
    expect((error as ConfigError).message).toMatch(/at least 12 characters/);
  });

  it.each([['70000'], ['-1'], ['1.5']])('refuses port %s', (port) => {
    expect(() => configFromEnv({ DOCKHAND_PORT: port })).toThrow(ConfigError);
  });
});
