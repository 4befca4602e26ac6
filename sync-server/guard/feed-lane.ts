// Live feeds the changes hub serves, answered before Express. A caught-up device asks its
// longpoll again several times a second under load, and Express's router, helmet's middlewares
// and the guard's chain cost more than the answer itself (a third of the server's time with 200
// devices). Only a request whose whole check is cheap and certain takes this lane: a session the
// guard has just looked up (its cache), a role that may read the database, no site-bound bridge,
// no CORS, a feed the hub can answer. Anything else, every refusal included, goes the full way,
// so the person gets the guard's own answer; nothing is read or sent before that choice.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { feedRequestOf } from './changes-hub';
import type { ChangesHub, FeedRequest } from './changes-hub';
import { isAdmin } from '@/lib/schema';
import { checkQuery } from './request-limits';
import type { RequestLimits } from './request-limits';
import { authorize, classifyRequest } from './route-access';
import { targetOf } from './request-target';
import { SITE_DATABASES, sitesHeldTo } from './site-reads';
import { credentialKey } from './session-cache';
import type { SessionCache } from './session-cache';

export interface FeedLaneOptions {
  hub: ChangesHub;
  sessions: SessionCache;
  /** The headers every answer carries (security-headers.ts), as the full way sets them. */
  headers: ReadonlyArray<readonly [string, string]>;
  /** With CORS origins configured, requests with an Origin go the full way (cors.ts). */
  corsOrigins: readonly string[];
  /** The guard's limits: a read it would refuse goes the full way to be refused. */
  limits: RequestLimits;
}

const PREFIX = '/db/';

export interface LaneFeed {
  db: string;
  feed: FeedRequest;
}

export function createFeedLane(opts: FeedLaneOptions) {
  return {
    /** The feed to answer here, or null: the request goes the full way (nothing was done). */
    match(req: IncomingMessage): LaneFeed | null {
      const url = req.url ?? '';
      if (req.method !== 'GET' || !url.startsWith(PREFIX) || !url.includes('/_changes?')) {
        return null;
      }
      if (opts.corsOrigins.length > 0 && req.headers.origin !== undefined) return null;
      const length = req.headers['content-length'];
      if (
        req.headers['transfer-encoding'] !== undefined ||
        (length !== undefined && length !== '0')
      ) {
        return null; // a GET with a body: the full way refuses what it must
      }
      const key = credentialKey(req.headers);
      const user = key ? opts.sessions.get(key) : null;
      if (!user) return null;
      const path = url.slice(PREFIX.length - 1);
      const access = classifyRequest('GET', path);
      if (access.level !== 'read' && access.level !== 'write') return null;
      if (authorize(access, user)) return null;
      const target = targetOf('GET', path);
      if (target.endpoint !== '_changes' || !target.db) return null;
      if (SITE_DATABASES.includes(target.db) && sitesHeldTo(user)) return null;
      const rowsBounded = !isAdmin(user) && target.readsRows;
      if (checkQuery(target.query, opts.limits, { rowsBounded })) return null;
      const feed = feedRequestOf(target.query);
      return feed ? { db: target.db, feed } : null;
    },
    /** Answers a matched feed; false when the hub cannot (nothing sent, it goes the full way). */
    async serve({ db, feed }: LaneFeed, res: ServerResponse): Promise<boolean> {
      for (const [name, value] of opts.headers) res.setHeader(name, value);
      res.setHeader('X-Request-Id', randomUUID());
      if (await opts.hub.serve(db, feed, res)) return true;
      for (const [name] of opts.headers) res.removeHeader(name);
      res.removeHeader('X-Request-Id');
      return false;
    },
  };
}

export type FeedLane = ReturnType<typeof createFeedLane>;
