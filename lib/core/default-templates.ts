// The ready-made label templates an admin can add with one button; each passes checkZplTemplate.
// ZPL II Programming Guide: ^BC (Code 128), ^BQ (QR code), ^PW/^LL (label width/length in dots).
import type { Template } from '../schema/template';

export type DefaultTemplate = Omit<Template, 'updatedAt' | 'updatedBy'> & {
  labelWidthMm: number;
  labelHeightMm: number;
  dpi: 203;
};

const WAYBILL_4X6 = [
  '^XA',
  '^CI28',
  '^PW812^LL1218',
  '^FO40,40^A0N,40,40^FDDockhand waybill^FS',
  '^FO40,100^GB732,3,3^FS',
  '^FO40,130^A0N,34,34^FDTo: {{consignee}}^FS',
  '^FO40,180^A0N,28,28^FB732,3,4,L^FD{{address}}^FS',
  '^FO40,300^A0N,28,28^FDPhone: {{phone}}^FS',
  '^FO40,350^A0N,28,28^FDWeight: {{weight}}^FS',
  '^FO40,420^BY3^BCN,200,Y,N,N^FD{{waybill}}^FS',
  '^FO40,720^BQN,2,8^FDQA,{{waybill}}^FS',
  '^FO420,760^A0N,28,28^FDManifest: {{manifest}}^FS',
  '^XZ',
].join('\n');

const BARCODE_2X1 = [
  '^XA',
  '^CI28',
  '^PW406^LL203',
  '^FO20,20^BY2^BCN,110,Y,N,N^FD{{waybill}}^FS',
  '^XZ',
].join('\n');

export const DEFAULT_TEMPLATES: readonly DefaultTemplate[] = [
  {
    id: 'default-waybill-4x6',
    name: 'Waybill 4×6 (Code 128 + QR)',
    zpl: WAYBILL_4X6,
    fields: ['consignee', 'address', 'phone', 'weight', 'waybill', 'manifest'],
    sample: {
      consignee: 'Ana Souza',
      address: 'Rua das Flores 12, 01000-000 São Paulo',
      phone: '+55 11 5555 0100',
      weight: '2.4 kg',
      waybill: 'JD014600006281940',
      manifest: 'North morning run',
    },
    labelWidthMm: 101.6,
    labelHeightMm: 152.4,
    dpi: 203,
  },
  {
    id: 'default-barcode-2x1',
    name: 'Barcode 2×1 (Code 128)',
    zpl: BARCODE_2X1,
    fields: ['waybill'],
    sample: { waybill: 'JD014600006281940' },
    labelWidthMm: 50.8,
    labelHeightMm: 25.4,
    dpi: 203,
  },
];
