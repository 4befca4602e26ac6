// `/admin/links/`: short links with QR codes, bulk creation and visit figures.
import type { Metadata } from 'next';
import LinksScreen from '@/components/links/links-screen';

export const metadata: Metadata = { title: 'Short links' };

export default function LinksPage() {
  return <LinksScreen />;
}
