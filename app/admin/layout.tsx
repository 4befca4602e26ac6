// `/admin/…`: manifests and the live dashboard, for admins and supervisors; wider than the scanner.
import type { ReactNode } from 'react';
import AdminGate from '@/components/admin/admin-gate';
import AdminNav from '@/components/admin/admin-nav';

export default function AdminLayout({ children }: { children: ReactNode }) {
  return (
    <div className="flex w-[min(96vw,80rem)] flex-col gap-6 self-center pb-24">
      <AdminNav />
      <AdminGate>{children}</AdminGate>
    </div>
  );
}
