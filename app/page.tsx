// `/`: straight on to scanning.
import Link from 'next/link';
import HomeRedirect from '@/components/home-redirect';

export default function HomePage() {
  return (
    <>
      <HomeRedirect to="/scan/" />
      <h1 className="text-3xl font-bold">Dockhand</h1>
      <Link
        href="/scan/"
        className="flex min-h-16 items-center justify-center rounded-xl bg-sky-500 text-xl font-bold text-slate-950"
      >
        Open the scanner
      </Link>
    </>
  );
}
