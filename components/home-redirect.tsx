'use client';
// The start page sends people straight to scanning (a static export cannot redirect on the server).
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';

export default function HomeRedirect({ to }: { to: string }) {
  const router = useRouter();
  useEffect(() => {
    router.replace(to);
  }, [router, to]);
  return null;
}
