// `/admin/printers/`: printers per site with live status; admins add and edit them.
import type { Metadata } from 'next';
import PrintersAdmin from '@/components/print/printers-admin';

export const metadata: Metadata = { title: 'Printers' };

export default function Page() {
  return <PrintersAdmin />;
}
