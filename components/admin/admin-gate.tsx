'use client';
// Admin pages for admins and supervisors only (the server enforces it anyway): others get a clear
// page saying which role they need; nobody logged in goes to the login page and comes back.
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import type { ReactNode } from 'react';
import { loginPathFor } from '@/lib/core/return-path';
import { useDockhand } from '../dockhand-provider';
import SignedInGate from '../signed-in-gate';
import { useStore } from '../use-store';

const ADMIN_ROLES = ['_admin', 'admin', 'supervisor'];

function RoleCheck({ children }: { children: ReactNode }) {
  const { platform } = useDockhand();
  const session = useStore(platform?.session, null);
  const path = usePathname() ?? '/admin/';
  if (!session?.roles.some((role) => ADMIN_ROLES.includes(role))) {
    return (
      <section
        className="flex flex-col gap-3 rounded-xl border border-amber-500/40 bg-amber-950/30 p-6"
        data-testid="admin-forbidden"
      >
        <h1 className="text-2xl font-bold">You need the supervisor or admin role</h1>
        <p>
          You are logged in as <strong>{session?.user}</strong>, which may scan but not manage
          manifests. Ask an admin to give you the supervisor role, or log in as someone who has it.
        </p>
        <div className="flex gap-3">
          <Link className="rounded-lg bg-sky-500 px-4 py-2 font-bold text-slate-950" href="/scan/">
            Go to the scanner
          </Link>
          <Link className="rounded-lg border border-slate-600 px-4 py-2" href={loginPathFor(path)}>
            Log in as someone else
          </Link>
        </div>
      </section>
    );
  }
  return <>{children}</>;
}

export default function AdminGate({ children }: { children: ReactNode }) {
  return (
    <SignedInGate checkingTestId="admin-checking">
      <RoleCheck>{children}</RoleCheck>
    </SignedInGate>
  );
}
