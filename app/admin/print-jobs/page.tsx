// `/admin/print-jobs/`: live print jobs, reprint, dismiss and bulk printing.
import type { Metadata } from 'next';
import PrintJobsAdmin from '@/components/print/print-jobs-admin';

export const metadata: Metadata = { title: 'Print jobs' };

export default function Page() {
  return <PrintJobsAdmin />;
}
