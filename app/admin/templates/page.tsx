// `/admin/templates/`: ZPL label templates with live previews.
import type { Metadata } from 'next';
import TemplatesAdmin from '@/components/print/templates-admin';

export const metadata: Metadata = { title: 'Label templates' };

export default function Page() {
  return <TemplatesAdmin />;
}
