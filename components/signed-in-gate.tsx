'use client';
// Pages for anyone signed in: nobody logged in goes to the login page and comes back here.
// What each role may do is decided by the server; role-specific pages add their own check inside.
import { usePathname, useRouter } from 'next/navigation';
import type { ReactNode } from 'react';
import { useEffect } from 'react';
import { loginPathFor } from '@/lib/core/return-path';
import { useDockhand } from './dockhand-provider';
import { useStore } from './use-store';

export default function SignedInGate({
  children,
  checkingTestId,
}: {
  children: ReactNode;
  /** Test id of the "checking your session" line, which names the page being opened. */
  checkingTestId: string;
}) {
  const { platform } = useDockhand();
  const session = useStore(platform?.session, null);
  const router = useRouter();
  const path = usePathname() ?? '/';
  const known = session !== null && session.status !== 'unknown';
  const loggedOut = known && (session.status === 'none' || !session.user);

  useEffect(() => {
    if (loggedOut) router.replace(loginPathFor(path));
  }, [loggedOut, path, router]);

  if (!session || (!known && !session.user) || loggedOut) {
    return (
      <p className="text-slate-400" data-testid={checkingTestId}>
        Checking your session…
      </p>
    );
  }
  return <>{children}</>;
}
