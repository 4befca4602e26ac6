// Serwist configurator mode: after `next build` (static export into out/), `serwist build` bundles
// app/sw.ts into out/sw.js and injects a precache manifest of the whole exported app shell.
// We glob out/ rather than .next/ because out/ is exactly what the sync server serves.

/** Exported HTML file → the URL the server serves it at (trailingSlash: true). */
function urlOfExportedFile(file) {
  if (file === 'index.html') return '/';
  if (file.endsWith('/index.html')) return `/${file.slice(0, -'index.html'.length)}`;
  return `/${file}`;
}

module.exports = (async () => {
  const { serwist } = await import('@serwist/next/config');
  return serwist({
    swSrc: 'app/sw.ts',
    swDest: 'out/sw.js',
    globDirectory: 'out',
    globPatterns: ['**/*.{html,txt,js,css,png,svg,ico,webmanifest,json,woff2,wasm}'],
    globIgnores: ['404.html', '404/**', '_not-found/**', '**/_not-found*', '**/*.map'],
    // Our own transform runs before the Next-specific one, which then leaves these URLs alone.
    precachePrerendered: false,
    dontCacheBustURLsMatching: /^_next\/static\//,
    maximumFileSizeToCacheInBytes: 5 * 1024 * 1024, // 5 MB: the rxdb chunk must fit
    manifestTransforms: [
      (entries) => ({
        manifest: entries.map((entry) => ({ ...entry, url: urlOfExportedFile(entry.url) })),
        warnings: [],
      }),
    ],
  });
})();
