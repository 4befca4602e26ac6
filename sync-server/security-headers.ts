// Security headers on every response (helmet) and the Content-Security-Policy of the app shell.
import helmet from 'helmet';
import type { RequestHandler } from 'express';

/**
 * The app's CSP. `scriptHashes` admits exactly the inline scripts of one exported HTML page.
 * 'wasm-unsafe-eval' lets the barcode decoder compile WebAssembly without allowing JS eval.
 * style-src keeps 'unsafe-inline': React style props and Next's inline styles need it, and inline
 * CSS cannot run script.
 */
export function cspDirectives(scriptHashes: readonly string[] = []): Record<string, string[]> {
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'", "'wasm-unsafe-eval'", ...scriptHashes],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'media-src': ["'self'", 'blob:'],
    'font-src': ["'self'", 'data:'],
    'connect-src': ["'self'"],
    'worker-src': ["'self'"],
    'manifest-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
  };
}

export function cspHeader(scriptHashes: readonly string[] = []): string {
  return Object.entries(cspDirectives(scriptHashes))
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ');
}

export function securityHeaders(): RequestHandler[] {
  return [
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives: cspDirectives() },
      // Cross-origin isolation would block the camera clip / WASM fetches we do not control yet.
      crossOriginEmbedderPolicy: false,
      // HSTS belongs to the TLS proxy in front (deploy/); on plain HTTP it is ignored anyway.
      strictTransportSecurity: false,
    }),
    (_req, res, next) => {
      res.setHeader(
        'Permissions-Policy',
        'camera=(self), microphone=(), geolocation=(), payment=()',
      );
      next();
    },
  ];
}

/**
 * The headers securityHeaders() sets, read once by running it on a stand-in response: they do
 * not depend on the request, and the feed lane (guard/feed-lane.ts) answers without Express.
 */
export function securityHeaderList(): Array<[string, string]> {
  const headers = new Map<string, string>();
  const res = {
    setHeader(name: string, value: unknown) {
      headers.set(name.toLowerCase(), Array.isArray(value) ? value.join(', ') : String(value));
    },
    removeHeader(name: string) {
      headers.delete(name.toLowerCase());
    },
    getHeader(name: string) {
      return headers.get(name.toLowerCase());
    },
  };
  for (const middleware of securityHeaders()) {
    let called = false;
    middleware({ method: 'GET', headers: {} } as never, res as never, () => (called = true));
    if (!called) throw new Error('a security header middleware did not finish at once');
  }
  return [...headers];
}
