'use client';
// The admin section's tabs.
import Link from 'next/link';
import { usePathname } from 'next/navigation';

const TABS = [
  { href: '/admin/', label: 'Dashboard' },
  { href: '/admin/upload/', label: 'Upload manifest' },
  { href: '/admin/printers/', label: 'Printers' },
  { href: '/admin/templates/', label: 'Label templates' },
  { href: '/admin/print-jobs/', label: 'Print jobs' },
  { href: '/admin/links/', label: 'Short links' },
  { href: '/scan/', label: 'Scanner' },
];

export default function AdminNav() {
  const path = usePathname();
  return (
    <nav className="flex flex-wrap gap-2 border-b border-slate-800 pb-3" aria-label="Admin">
      {TABS.map((tab) => (
        <Link
          key={tab.href}
          href={tab.href}
          aria-current={path === tab.href ? 'page' : undefined}
          className={`rounded-lg px-3 py-1.5 text-sm font-semibold ${
            path === tab.href ? 'bg-sky-500 text-slate-950' : 'bg-slate-800 text-slate-200'
          }`}
        >
          {tab.label}
        </Link>
      ))}
    </nav>
  );
}
