import { describe, expect, it } from 'vitest';
import { DEFAULT_TEMPLATES } from './default-templates';
import { barcodeRenderOptions, barcodesOfTemplate } from './zpl-barcodes';

const waybill4x6 = DEFAULT_TEMPLATES.find((t) => t.id === 'default-waybill-4x6')!;

describe('barcodesOfTemplate', () => {
  it('finds the Code 128 and the QR of the 4×6 waybill label, filled from its sample', () => {
    expect(barcodesOfTemplate(waybill4x6.zpl, waybill4x6.sample ?? {})).toEqual([
      { index: 0, symbology: 'code128', slots: ['waybill'], text: 'JD014600006281940' },
      // ^FDQA,… : "Q" error correction, "A" automatic mode, then the data
      { index: 1, symbology: 'qrcode', slots: ['waybill'], text: 'JD014600006281940' },
    ]);
  });

  it.each<[string, string, Record<string, string>, Array<[string, string]>]>([
    [
      'text fields are not barcodes',
      '^XA^FO1,1^A0N,30,30^FD{{waybill}}^FS^XZ',
      { waybill: 'A1' },
      [],
    ],
    ['^BY sets module width only', '^XA^BY3^FO1,1^FD{{waybill}}^FS^XZ', { waybill: 'A1' }, []],
    [
      'static and slot text together',
      '^XA^FO1,1^BY2^BCN,80,Y,N,N^FDWB-{{waybill}}/{{copy}}^FS^XZ',
      { waybill: '42', copy: '1' },
      [['code128', 'WB-42/1']],
    ],
    [
      'Code 39, Data Matrix and EAN-13',
      '^XA^FO1,1^B3N,N,80,Y,N^FD{{a}}^FS^FO1,200^BXN,6,200^FD{{b}}^FS^FO1,400^BEN,80^FD{{c}}^FS^XZ',
      { a: 'ABC', b: 'xyz', c: '590123412345' },
      [
        ['code39', 'ABC'],
        ['datamatrix', 'xyz'],
        ['ean13', '590123412345'],
      ],
    ],
    ['an empty value draws nothing', '^XA^BCN,80^FD{{waybill}}^FS^XZ', {}, []],
    [
      'a QR with mode M keeps its data',
      '^XA^BQN,2,6^FDMM,{{url}}^FS^XZ',
      { url: 'https://x/r/a' },
      [['qrcode', 'https://x/r/a']],
    ],
  ])('%s', (_name, zpl, values, expected) => {
    expect(barcodesOfTemplate(zpl, values).map((b) => [b.symbology, b.text])).toEqual(expected);
  });
});

describe('barcodeRenderOptions', () => {
  it('gives 1D codes a white background, a quiet zone, a height and the human-readable line', () => {
    expect(barcodeRenderOptions({ symbology: 'code128', text: 'JD1' })).toEqual({
      bcid: 'code128',
      text: 'JD1',
      scale: 2,
      height: 15,
      includetext: true,
      backgroundcolor: 'FFFFFF',
      paddingwidth: 10,
      paddingheight: 4,
    });
  });

  it('gives QR codes no height (bwip-js sizes matrix codes) and a 4-module quiet zone', () => {
    const options = barcodeRenderOptions({ symbology: 'qrcode', text: 'JD1' });
    expect(options).not.toHaveProperty('height');
    expect(options).toMatchObject({ backgroundcolor: 'FFFFFF', paddingwidth: 4, paddingheight: 4 });
  });
});
