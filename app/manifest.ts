// The web app manifest, exported as /manifest.webmanifest.
import type { MetadataRoute } from 'next';

export const dynamic = 'force-static';

export default function manifest(): MetadataRoute.Manifest {
  return {
    id: '/',
    name: 'Dockhand',
    short_name: 'Dockhand',
    description: 'Offline-first waybill scanning for warehouses',
    start_url: '/scan/',
    scope: '/',
    display: 'standalone',
    orientation: 'any',
    theme_color: '#0f4c5c',
    background_color: '#020617',
    categories: ['business', 'productivity'],
    icons: [
      { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
      { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
      { src: '/icons/maskable-192.png', sizes: '192x192', type: 'image/png', purpose: 'maskable' },
      { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
    ],
  };
}
