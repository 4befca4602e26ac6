// Slows password guessing: failed logins (401) per client IP + user name, via express-rate-limit.
// POST /db/_session goes through the limiter middleware; HTTP basic auth on other requests shares
// its counters but is only checked and charged on failure, so long-lived authenticated requests
// (continuous _changes) never use up the budget.
import { MemoryStore, ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { Request, RequestHandler, Response } from 'express';
import { sendSyncError } from '../errors';
import basicAuthName from './basic-auth-name';

export interface LoginLimitOptions {
  windowMs: number;
  maxFailures: number;
}

export const DEFAULT_LOGIN_LIMIT: LoginLimitOptions = {
  windowMs: 15 * 60_000, // 15 min
  maxFailures: 10,
};

export interface LoginLimiter {
  /** Middleware for POST /_session (expects `req.body.name` parsed). */
  sessionPost: RequestHandler;
  /** True (and answered 429) when this basic-auth client is locked out. */
  refuseIfLocked(req: Request, res: Response): Promise<boolean>;
  /** Charges one failed basic-auth attempt. */
  recordFailure(req: Request): Promise<void>;
}

/** The user name a request tries to log in as: the parsed POST _session body or basic auth. */
export function loginNameOf(req: Request): string {
  const body = req.body as { name?: unknown } | undefined;
  if (body && typeof body.name === 'string') return body.name.toLowerCase();
  return (basicAuthName(req.headers.authorization) ?? '').toLowerCase();
}

function keyOf(req: Request): string {
  return `${ipKeyGenerator(req.ip ?? 'unknown')}|${loginNameOf(req)}`;
}

function sendTooMany(res: Response, resetTime: Date | undefined, windowMs: number): void {
  const resetMs = resetTime ? resetTime.getTime() - Date.now() : windowMs;
  const minutes = Math.max(1, Math.ceil(resetMs / 60_000));
  sendSyncError(
    res,
    'SYNC_ERR_TOO_MANY_LOGINS',
    `Too many failed logins; wait ${minutes} minute${minutes === 1 ? '' : 's'}.`,
  );
}

export function createLoginLimiter(opts: LoginLimitOptions): LoginLimiter {
  const store = new MemoryStore();
  const sessionPost = rateLimit({
    windowMs: opts.windowMs,
    limit: opts.maxFailures,
    store,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    // Only wrong passwords count.
    skipSuccessfulRequests: true,
    requestWasSuccessful: (_req, res) => res.statusCode !== 401,
    keyGenerator: keyOf,
    handler: (req, res) => {
      const info = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit;
      sendTooMany(res, info?.resetTime, opts.windowMs);
    },
  });
  return {
    sessionPost,
    async refuseIfLocked(req, res) {
      const info = await store.get(keyOf(req));
      if (!info || info.totalHits < opts.maxFailures) return false;
      sendTooMany(res, info.resetTime, opts.windowMs);
      return true;
    },
    async recordFailure(req) {
      await store.increment(keyOf(req));
    },
  };
}
