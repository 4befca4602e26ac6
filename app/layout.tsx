// Root layout: the sync status bar and the update prompt on every page.
import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import DockhandProvider from '@/components/dockhand-provider';
import SyncStatus from '@/components/sync-status';
import UpdatePrompt from '@/components/update-prompt';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Dockhand', template: '%s · Dockhand' },
  description: 'Offline-first waybill scanning',
  applicationName: 'Dockhand',
  manifest: '/manifest.webmanifest',
  icons: {
    icon: [
      { url: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
      { url: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
    ],
    apple: '/icons/apple-touch-icon.png',
  },
  appleWebApp: { capable: true, title: 'Dockhand', statusBarStyle: 'black-translucent' },
};

export const viewport: Viewport = {
  themeColor: '#0f4c5c',
  width: 'device-width',
  initialScale: 1,
  viewportFit: 'cover',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="bg-slate-950 font-sans text-slate-100 antialiased">
        <DockhandProvider>
          <UpdatePrompt />
          <main className="mx-auto flex w-full max-w-3xl flex-col gap-6 px-4 pt-6">{children}</main>
          <SyncStatus />
        </DockhandProvider>
      </body>
    </html>
  );
}
