// GET /r/:slug — QR short links, answered on the raw Node request before Express: a redirect is
// the hottest path the server has (thousands per second when a poster goes up), so it reads
// only the in-memory link table, counts the visit in memory, and never waits on the store.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MemoryStore, ipKeyGenerator } from 'express-rate-limit';
import {
  checkSlug,
  deviceClassOf,
  isBot,
  redirectFor,
  referrerHostOf,
} from '@/lib/core/short-link';
import type { LinkTable } from '../links/link-table';
import type { VisitRecorder } from '../links/visit-recorder';

export interface RedirectOptions {
  table: () => LinkTable | null;
  visits: () => VisitRecorder | null;
  ratePerMinute: number;
  trustProxy: boolean;
  now: () => Date;
}

export type RedirectHandler = (req: IncomingMessage, res: ServerResponse) => void;

const PREFIX = '/r/';
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// The pages below carry their own tight policy; nothing on them runs script.
const BASE_HEADERS = {
  'Cache-Control': 'no-store', // every visit must reach us to be counted, and links change
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
};
const PAGE_HEADERS = {
  ...BASE_HEADERS,
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy':
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  'X-Frame-Options': 'DENY',
};

function sendPage(res: ServerResponse, status: number, title: string, text: string): void {
  res.writeHead(status, PAGE_HEADERS);
  res.end(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title></head>` +
      `<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></body></html>`,
  );
}

function clientOf(req: IncomingMessage, trustProxy: boolean): string {
  const forwarded = trustProxy
    ? String(req.headers['x-forwarded-for'] ?? '')
        .split(',')[0]
        ?.trim()
    : '';
  // ipKeyGenerator groups IPv6 clients by /56 so one host cannot dodge the limit by rotating.
  return ipKeyGenerator(forwarded || req.socket.remoteAddress || 'unknown');
}

export function isRedirectRequest(req: IncomingMessage): boolean {
  return (req.method === 'GET' || req.method === 'HEAD') && (req.url ?? '').startsWith(PREFIX);
}

export function createRedirectHandler(options: RedirectOptions): RedirectHandler {
  const limits = new MemoryStore();
  limits.init({ windowMs: 60_000 } as Parameters<MemoryStore['init']>[0]);

  function answer(req: IncomingMessage, res: ServerResponse): void {
    const table = options.table();
    if (!table)
      return sendPage(res, 503, 'Starting', 'The server is starting. Try again in a moment.');
    const url = req.url ?? '';
    const queryAt = url.indexOf('?');
    let slug: string;
    try {
      slug = decodeURIComponent(
        url.slice(PREFIX.length, queryAt === -1 ? undefined : queryAt),
      ).toLowerCase();
    } catch {
      slug = '';
    }
    const now = options.now();
    const decision =
      checkSlug(slug) === 'slug-format'
        ? ({ status: 404 } as const)
        : redirectFor(table.get(slug), now, queryAt === -1 ? '' : url.slice(queryAt));
    if (decision.status === 302) {
      const userAgent = req.headers['user-agent'];
      options.visits()?.record({
        slug,
        at: now,
        bot: isBot(userAgent),
        deviceClass: deviceClassOf(userAgent),
        referrerHost: referrerHostOf(req.headers.referer),
      });
      res.writeHead(302, { ...BASE_HEADERS, Location: decision.location, 'Content-Length': '0' });
      res.end();
      return;
    }
    if (decision.status === 410) {
      return sendPage(
        res,
        410,
        'This link has expired',
        'Ask whoever gave you this code for a new one.',
      );
    }
    sendPage(
      res,
      404,
      'Link not found',
      'This code does not lead anywhere (it may have been switched off). Check the label or ask a supervisor.',
    );
  }

  return (req, res) => {
    const hits = limits.increment(clientOf(req, options.trustProxy));
    void Promise.resolve(hits).then(({ totalHits, resetTime }) => {
      if (totalHits > options.ratePerMinute) {
        const waitS = Math.max(
          1,
          Math.ceil(((resetTime?.getTime() ?? Date.now() + 60_000) - Date.now()) / 1000),
        );
        res.setHeader('Retry-After', String(waitS));
        return sendPage(
          res,
          429,
          'Too many requests',
          `This device opened too many links in a minute. Wait ${waitS} s and try again.`,
        );
      }
      answer(req, res);
    });
  };
}
