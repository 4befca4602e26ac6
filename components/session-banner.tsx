'use client';
// Tells the person their session expired while their scans stay safe here, and how to fix it.
import Link from 'next/link';
import { loginPathFor } from '@/lib/core/return-path';

export default function SessionBanner({
  pending,
  returnPath,
}: {
  pending: number;
  returnPath: string;
}) {
  return (
    <div
      data-testid="session-banner"
      role="alert"
      className="rounded-xl border-2 border-amber-400 bg-amber-950 p-4 text-lg text-amber-50"
    >
      Session expired — log in again to sync; your {pending}{' '}
      {pending === 1 ? 'scan is' : 'scans are'} safe on this device.{' '}
      <Link href={loginPathFor(returnPath)} className="font-bold underline">
        Log in
      </Link>
    </div>
  );
}
