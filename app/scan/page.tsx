// `/scan/`: record scans on this device; they sync in the background.
import type { Metadata } from 'next';
import Link from 'next/link';
import ScanScreen from '@/components/scan-screen';

export const metadata: Metadata = { title: 'Scan' };

export default function ScanPage() {
  return (
    <>
      <ScanScreen />
      {/* Everyone signed in may view the site's short links and their QR codes. */}
      <nav className="flex justify-end text-sm" aria-label="More">
        <Link className="text-sky-300 underline" href="/links/" data-testid="nav-links">
          Short links and QR codes
        </Link>
      </nav>
    </>
  );
}
