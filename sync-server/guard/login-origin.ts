// Whether a login or logout comes from a page of another site. Browsers send `Origin` on POST and
// DELETE and `Sec-Fetch-Site` on every request; a form another site posts at /db/_session would
// otherwise sign the browser into the attacker's account (login CSRF). Clients that are not
// browsers (the print bridge, scripts) send neither and are let through.
import type { Request } from 'express';

export function loginFromOtherSite(req: Request, allowedOrigins: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (typeof origin === 'string' && origin !== 'null') {
    const own = `${req.protocol}://${req.headers.host ?? ''}`;
    return origin !== own && !allowedOrigins.includes(origin);
  }
  if (origin === 'null') return true; // sandboxed frames and some redirects: never our page
  const site = req.headers['sec-fetch-site'];
  return typeof site === 'string' && site !== 'same-origin' && site !== 'none';
}
