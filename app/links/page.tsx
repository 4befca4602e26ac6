// `/links/`: short links for everyone signed in — scanners see the list, QR codes and short URLs
// (read-only); supervisors and admins also create and edit here as on `/admin/links/`.
import type { Metadata } from 'next';
import Link from 'next/link';
import LinksScreen from '@/components/links/links-screen';
import SignedInGate from '@/components/signed-in-gate';

export const metadata: Metadata = { title: 'Short links' };

export default function LinksViewPage() {
  return (
    <div className="flex flex-col gap-4 pb-24">
      <nav className="flex gap-2 text-sm" aria-label="Links">
        <Link className="rounded-lg bg-slate-800 px-3 py-1.5 font-semibold" href="/scan/">
          Scanner
        </Link>
      </nav>
      <SignedInGate checkingTestId="links-checking">
        <LinksScreen />
      </SignedInGate>
    </div>
  );
}
