import { describe, expect, it } from 'vitest';
import type { CellText } from './cell-text';
import {
  createRowReader,
  detectHeaderRow,
  fieldForHeader,
  headerAt,
  mappingError,
  mappingFingerprint,
  suggestMapping,
  weightFrom,
} from './manifest-columns';

describe('fieldForHeader', () => {
  it.each([
    ['AWB #', 'waybill'],
    ['AWB No.', 'waybill'],
    ['Tracking number', 'waybill'],
    ['Waybill', 'waybill'],
    ['Consignment no', 'waybill'],
    ['HAWB', 'waybill'],
    ['CONSIGNEE NAME', 'consignee'],
    ['Receiver', 'consignee'],
    ['Consignee Phone', 'phone'],
    ['Address', 'address'],
    ['Receiver Address', 'address'],
    ['Phone / Mobile / Tel', 'phone'],
    ['Tel.', 'phone'],
    ['Weight (kg)', 'weight'],
    ['Gross Wt', 'weight'],
    ['Shipper name', null],
    ['Sender phone', null],
    ['COD amount', null],
    ['', null],
    // Joined-up names, as systems export them.
    ['trackingNumber', 'waybill'],
    ['AWBNo', 'waybill'],
    ['ConsigneeName', 'consignee'],
    ['consigneePhone', 'phone'],
    ['ContactNo', 'phone'],
    ['DeliveryAddress', 'address'],
    ['Airwaybill No', 'waybill'],
    ['Consignment Note No.', 'waybill'],
    ['C/N No.', 'waybill'],
    // About the number, not the number; an e-mail is not an address.
    ['Tracking URL', null],
    ['AWB date', null],
    ['Email Address', null],
    ['eMail', null],
  ])('%s → %s', (header, field) => {
    expect(fieldForHeader(header)?.field ?? null).toBe(field);
  });
});

const rows = (...r: string[][]) => r.map((cells, i) => ({ rowNumber: i + 1, cells }));

describe('detectHeaderRow', () => {
  it.each([
    [
      'plain header on row 1',
      rows(['AWB No.', 'Consignee', 'Phone'], ['123', 'Ann', '+1 555']),
      { rowNumber: 1, dataStartRow: 2 },
    ],
    [
      'title row and blank row above',
      rows(
        ['ACME daily manifest 2024-05-01'],
        [],
        ['Tracking number', 'Receiver', 'Weight (kg)'],
        ['X1', 'B', '2'],
      ),
      { rowNumber: 3, dataStartRow: 4 },
    ],
    [
      'two-row header with a merged parent',
      rows(
        ['Manifest'],
        ['AWB #', 'Consignee', '', 'Weight'],
        ['', 'Name', 'Phone', ''],
        ['00123', 'Ann', '555', '1'],
      ),
      {
        rowNumber: 2,
        dataStartRow: 4,
        headers: ['AWB #', 'Consignee Name', 'Consignee Phone', 'Weight'],
      },
    ],
    [
      'a title line of several cells above the header is not joined into it',
      rows(
        ['Depot: Lagos Ikeja', '', 'Printed by: Ade', '', 'Page 1 of 3'],
        ['AWB #', 'Consignee', 'Deliver To', 'Phone', 'Weight'],
        ['JD0001', 'Ann', '1 Allen Avenue', '0803', '2'],
      ),
      {
        rowNumber: 2,
        dataStartRow: 3,
        headers: ['AWB #', 'Consignee', 'Deliver To', 'Phone', 'Weight'],
      },
    ],
    [
      'data that mentions fields is not a header',
      rows(['Waybill', 'Address'], ['JD0001', '1 Phone Street, Address Lane 22']),
      { rowNumber: 1 },
    ],
  ])('%s', (_name, input, expected) => {
    expect(detectHeaderRow(input)).toMatchObject(expected);
  });

  it('returns null without any header', () => {
    expect(detectHeaderRow(rows(['1', '2'], ['3', '4']))).toBeNull();
  });

  it('only looks at the first 20 rows', () => {
    const many = rows(...Array.from({ length: 25 }, () => ['x', 'y']));
    many[22] = { rowNumber: 23, cells: ['AWB', 'Consignee'] };
    expect(detectHeaderRow(many)).toBeNull();
  });
});

describe('suggestMapping', () => {
  it('maps the known fields and keeps the rest as extra', () => {
    const s = suggestMapping([
      'AWB No.',
      'CONSIGNEE NAME',
      'Address',
      'Phone / Mobile / Tel',
      'Weight (kg)',
      'COD',
      '',
    ]);
    expect(s.mapping).toEqual({
      waybill: 1,
      consignee: 2,
      address: 3,
      phone: 4,
      weight: 5,
      extra: [6],
    });
    expect(s.columns).toEqual([
      'waybill',
      'consignee',
      'address',
      'phone',
      'weight',
      'extra',
      null,
    ]);
  });

  it('prefers a strong match over an earlier weak one', () => {
    expect(suggestMapping(['Customer', 'Receiver', 'Tracking']).mapping).toMatchObject({
      waybill: 3,
      consignee: 2,
      extra: [1],
    });
  });

  it('prefers a plain AWB over a return AWB, and a shipping address over an e-mail', () => {
    const { mapping } = suggestMapping(['Return AWB', 'Email Address', 'AWB', 'Shipping Address']);
    expect(mapping).toMatchObject({ waybill: 3, address: 4, extra: [1, 2] });
  });

  it('takes "Deliver To" for the address, beside the consignee', () => {
    expect(suggestMapping(['AWB #', 'Consignee', 'Deliver To', 'Phone']).mapping).toMatchObject({
      waybill: 1,
      consignee: 2,
      address: 3,
      phone: 4,
    });
  });

  it('has no mapping without a waybill column', () => {
    expect(suggestMapping(['Name', 'Phone']).mapping).toBeNull();
  });
});

describe('headerAt', () => {
  it('takes the chosen row as the header, data from the row below', () => {
    const sheet = rows(['Item', 'Destination', 'Qty'], ['X1', 'Lagos', '2']);
    expect(detectHeaderRow(sheet)).toBeNull();
    expect(headerAt(sheet, 1)).toMatchObject({
      rowNumber: 1,
      headers: ['Item', 'Destination', 'Qty'],
      dataStartRow: 2,
    });
    expect(headerAt(sheet, 7)).toBeNull();
  });
});

describe('mappingFingerprint', () => {
  it('ignores case, spacing and trailing blank columns', () => {
    expect(mappingFingerprint(['AWB  No.', 'Consignee', ''])).toBe(
      mappingFingerprint(['awb no', 'CONSIGNEE']),
    );
  });
  it('differs when the layout differs', () => {
    expect(mappingFingerprint(['AWB', 'Consignee'])).not.toBe(
      mappingFingerprint(['Consignee', 'AWB']),
    );
  });
  it('is stable', () => {
    expect(mappingFingerprint(['AWB'])).toMatch(/^hdr1-[0-9a-f]{14}$/);
  });
});

const t = (text: string, extra: Partial<CellText> = {}): CellText => ({ text, ...extra });

describe('createRowReader', () => {
  const read = () =>
    createRowReader({
      manifestId: 'm1',
      mapping: { waybill: 1, consignee: 2, phone: 3, weight: 4, extra: [5] },
      headers: ['AWB', 'Consignee', 'Phone', 'Weight', 'Note'],
    });

  it('makes a waybill doc with a normalised number', () => {
    expect(
      read()(2, [t(' jd 0001 '), t('Ann'), t('+44 1'), t('2.5', { number: 2.5 }), t('<b>x</b>')]),
    ).toEqual({
      kind: 'waybill',
      doc: {
        id: 'm1:JD0001',
        manifestId: 'm1',
        number: 'JD0001',
        consignee: 'Ann',
        phone: '+44 1',
        weight: 2.5,
        extra: { Note: '<b>x</b>' },
      },
      issues: [],
    });
  });

  it('keeps a 2,000-character note whole, and names row, column and value of one cut short', () => {
    const long = 'Gate 3, ask for Ade. '.repeat(100); // 2,100 characters
    expect(read()(2, [t('JD1'), t('Ann'), t(''), t(''), t(long)])).toMatchObject({
      kind: 'waybill',
      doc: { extra: { Note: long } },
      issues: [],
    });
    const huge = 'x'.repeat(5_000);
    const result = read()(9, [t('JD2'), t('Ann'), t(''), t(''), t(huge)]);
    expect(result).toMatchObject({
      kind: 'waybill',
      issues: [
        {
          row: 9,
          column: 5,
          code: 'value-truncated',
          severity: 'warning',
          detail: 'kept the first 4000 of 5000 characters',
        },
      ],
    });
    expect(result.kind === 'waybill' && result.issues[0]!.value).toMatch(/^x+/);
  });

  it.each([
    ['empty waybill', [t(''), t('Ann')], 'empty-waybill'],
    ['malformed waybill', [t('A'.repeat(101))], 'malformed-waybill'],
    ['precision lost', [t('12345678901234567000', { issue: 'precision-lost' })], 'precision-lost'],
    ['#N/A as its waybill', [t('#N/A', { issue: 'error-value' })], 'waybill-not-a-value'],
    [
      'an uncalculated waybill formula',
      [t('', { issue: 'formula-not-calculated' }), t('Ann')],
      'waybill-not-a-value',
    ],
  ])('skips a row with %s', (_name, cells, code) => {
    const result = read()(7, cells);
    expect(result).toMatchObject({
      kind: 'skipped',
      issues: [{ row: 7, code, severity: 'error' }],
    });
  });

  it('shows only the start of a very long bad value in its issue', () => {
    const long = `X${'9'.repeat(40_000)}`;
    const result = read()(3, [t(long)]);
    expect(result.kind).toBe('skipped');
    const value = (result as { issues: { value?: string }[] }).issues[0]!.value!;
    expect(value.length).toBe(201);
    expect(value.startsWith('X999')).toBe(true);
    expect(value.endsWith('…')).toBe(true);
  });

  it('reports a duplicate with the first row', () => {
    const r = read();
    r(2, [t('A1')]);
    expect(r(9, [t('a1')])).toMatchObject({
      kind: 'skipped',
      issues: [{ code: 'duplicate-waybill', row: 9, firstRow: 2, value: 'A1' }],
    });
  });

  it('imports a row with a bad weight but reports it', () => {
    expect(read()(3, [t('A2'), t(''), t(''), t('heavy')])).toMatchObject({
      kind: 'waybill',
      doc: { number: 'A2' },
      issues: [{ code: 'bad-weight', severity: 'warning', value: 'heavy' }],
    });
  });

  it('ignores blank rows', () => {
    expect(read()(4, [t(''), undefined, t('')])).toEqual({ kind: 'blank' });
  });

  it('keeps a header named __proto__ as plain data', () => {
    const r = createRowReader({
      manifestId: 'm',
      mapping: { waybill: 1, extra: [2] },
      headers: ['AWB', '__proto__'],
    });
    const out = r(2, [t('A'), t('x')]);
    expect(out.kind === 'waybill' && Object.keys(out.doc.extra ?? {})).toEqual(['__proto__']);
  });

  it('applies the manifest waybill pattern', () => {
    const r = createRowReader({
      manifestId: 'm',
      mapping: { waybill: 1, extra: [] },
      headers: ['AWB'],
      pattern: /^JD\d+$/,
    });
    expect(r(2, [t('XX1')])).toMatchObject({
      issues: [{ code: 'malformed-waybill', detail: 'pattern-mismatch' }],
    });
  });
});

describe('weightFrom', () => {
  it.each([
    ['2.5', 2.5],
    ['2,5 kg', 2.5],
    ['1,200', 1200],
    ['3 KGS', 3],
    ['-1', null],
    ['5 lb', null],
    ['heavy', null],
  ])('%s → %s', (text, expected) => {
    expect(weightFrom({ text })).toBe(expected);
  });
});

describe('mappingError', () => {
  it.each([
    [{ waybill: 0, extra: [] }, 'no-waybill-column'],
    [{ waybill: 1, extra: [9] }, 'column-out-of-range'],
    [{ waybill: 1, phone: 1, extra: [] }, 'column-used-twice'],
    [{ waybill: 1, phone: 2, extra: [3] }, null],
  ])('%j → %s', (mapping, expected) => {
    expect(mappingError(mapping, 3)).toBe(expected);
  });
});
