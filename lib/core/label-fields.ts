// What a label's {{field}} slots are filled with: values taken from a waybill and the scan that
// found it, plus typed values; every slot a template names gets a value (empty if unknown), so a
// label for a waybill that is not on any manifest still prints its number.
import type { Scan } from '../schema/scan';
import type { Waybill } from '../schema/waybill';

/** The fields Dockhand knows how to fill; a template may name any of them, or `extra.<column>`. */
export const KNOWN_LABEL_FIELDS = [
  'waybill',
  'consignee',
  'address',
  'phone',
  'weight',
  'manifest',
  'scannedAt',
  'scannedBy',
] as const;

export interface LabelSource {
  /** The waybill number, normalised (always known: it was scanned or chosen). */
  number: string;
  waybill?: Pick<Waybill, 'consignee' | 'address' | 'phone' | 'weight' | 'extra'> | null;
  scan?: Pick<Scan, 'scannedAt' | 'user'> | null;
  manifestName?: string;
  /** Typed values; they win over the ones above. */
  typed?: Readonly<Record<string, string>>;
}

/** Values for every slot of `fields` (in the template's order), as plain strings. */
export function labelValuesFrom(
  fields: readonly string[],
  source: LabelSource,
): Record<string, string> {
  const w = source.waybill ?? {};
  const known: Record<string, string | undefined> = {
    waybill: source.number,
    consignee: w.consignee,
    address: w.address,
    phone: w.phone,
    weight: w.weight === undefined ? undefined : `${w.weight} kg`,
    manifest: source.manifestName,
    scannedAt: source.scan?.scannedAt,
    scannedBy: source.scan?.user,
  };
  const values: Record<string, string> = {};
  for (const field of fields) {
    const extra = field.startsWith('extra.') ? w.extra?.[field.slice('extra.'.length)] : undefined;
    values[field] = source.typed?.[field] ?? known[field] ?? extra ?? '';
  }
  return values;
}
