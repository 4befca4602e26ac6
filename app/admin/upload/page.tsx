// `/admin/upload/`: upload a manifest, confirm the columns, import, read the report.
import type { Metadata } from 'next';
import ManifestUpload from '@/components/admin/manifest-upload';

export const metadata: Metadata = { title: 'Upload manifest' };

export default function UploadPage() {
  return <ManifestUpload />;
}
