// `/scan/`: record scans on this device; they sync in the background.
import type { Metadata } from 'next';
import ScanScreen from '@/components/scan-screen';

export const metadata: Metadata = { title: 'Scan' };

export default function ScanPage() {
  return <ScanScreen />;
}
