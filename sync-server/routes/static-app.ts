// Serves the static Next.js export (trailingSlash: pages are dir/index.html) with cache rules that
// keep the service worker and HTML fresh and hashed build assets cached forever.
import fs from 'node:fs';
import path from 'node:path';
import express from 'express';
import type { Router } from 'express';
import { errorBody } from '../errors';
import { cspHeader } from '../security-headers';
import { htmlScriptHashes } from './inline-script-hashes';

const IMMUTABLE = 'public, max-age=31536000, immutable'; // 1 year: file names carry content hashes
const REVALIDATE = 'no-cache';

export function createStaticApp(staticDir: string): Router {
  const router = express.Router();
  if (!fs.existsSync(staticDir)) {
    router.get('/', (_req, res) => {
      res
        .status(404)
        .json(errorBody('SYNC_ERR_UNKNOWN_ENDPOINT', 'The app is not built (npm run build).'));
    });
    return router;
  }
  const root = fs.realpathSync(staticDir);
  const hashes = htmlScriptHashes(root);
  const cspFor = (file: string) => cspHeader(hashes.get(file) ?? []);

  router.use(
    express.static(root, {
      index: 'index.html',
      redirect: true,
      dotfiles: 'ignore',
      setHeaders(res, file) {
        const rel = path.relative(root, file).split(path.sep).join('/');
        if (rel.startsWith('_next/static/')) {
          res.setHeader('Cache-Control', IMMUTABLE);
        } else if (file.endsWith('.html') || rel === 'sw.js' || rel.startsWith('swe-worker')) {
          res.setHeader('Cache-Control', REVALIDATE);
        }
        if (file.endsWith('.html')) res.setHeader('Content-Security-Policy', cspFor(file));
      },
    }),
  );

  const notFoundPage = path.join(root, '404.html');
  router.use((req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (!fs.existsSync(notFoundPage)) return next();
    res.status(404);
    res.setHeader('Cache-Control', REVALIDATE);
    res.setHeader('Content-Security-Policy', cspFor(notFoundPage));
    res.sendFile(notFoundPage);
  });
  return router;
}
