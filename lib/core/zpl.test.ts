import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkZplTemplate, escapeZplFieldData, unescapeZplFieldData, zplFromTemplate } from './zpl';

const WAYBILL_TEMPLATE = [
  '^XA',
  '^FO50,50^A0N,40,40^FDTo: {{consignee}}^FS',
  '^FO50,120^BCN,100,Y,N,N^FD{{waybill}}^FS',
  '^FO50,300^BQN,2,6^FDQA,{{waybill}}^FS',
  '^XZ',
].join('\n');

/** The ZPL commands of a label outside field data, as a printer's parser would see them. */
function commandsOutsideFieldData(zpl: string): string[] {
  const withoutData = zpl.replace(/(\^F[DV])[\s\S]*?(?=\^FS)/gi, '$1');
  return [...withoutData.matchAll(/[\^~][A-Za-z@][A-Za-z0-9]?/g)].map((m) => m[0].toUpperCase());
}

function fieldData(zpl: string): string[] {
  return [...zpl.matchAll(/\^F[DV]([\s\S]*?)(?=\^FS)/gi)].map((m) => m[1]!);
}

describe('escapeZplFieldData', () => {
  it.each([
    ['plain text stays readable', 'JD0146 Ana', 'JD0146 Ana'],
    ['a caret', 'a^b', 'a_5Eb'],
    ['a tilde', '~JA', '_7EJA'],
    ['the escape character itself', 'a_b', 'a_5Fb'],
    ['a command sequence', '^XA^FS', '_5EXA_5EFS'],
    ['UTF-8 bytes of non-ASCII', 'Zoë', 'Zo_C3_AB'],
    ['a control byte', 'a\u0010b\n', 'a_10b_0A'],
  ])('%s', (_name, value, escaped) => {
    expect(escapeZplFieldData(value)).toBe(escaped);
  });
});

describe('checkZplTemplate', () => {
  it('lists the slots of a valid template', () => {
    expect(checkZplTemplate(WAYBILL_TEMPLATE)).toEqual({
      ok: true,
      slots: ['consignee', 'waybill'],
    });
  });

  it.each([
    ['no ^XA', '^FO1,1^FD{{a}}^FS^XZ', 'no-label-start'],
    ['a slot inside a command parameter', '^XA^FO{{x}},1^FDa^FS^XZ', 'slot-outside-field'],
    ['a field never closed', '^XA^FO1,1^FD{{a}}^XZ', 'unclosed-field'],
    ['a bad slot name', '^XA^FO1,1^FD{{ a b }}^FS^XZ', 'bad-slot-name'],
    ['another encoding', '^XA^CI0^FO1,1^FD{{a}}^FS^XZ', 'conflicting-encoding'],
    [
      'a different ^FH escape character',
      '^XA^FO1,1^FH\\^FD{{a}}^FS^XZ',
      'unsupported-escape-character',
    ],
  ])('refuses %s', (_name, zpl, error) => {
    expect(checkZplTemplate(zpl)).toMatchObject({ ok: false, error });
  });
});

describe('zplFromTemplate', () => {
  it('fills slots, adds ^FH to fields with slots and ^CI28 once', () => {
    const result = zplFromTemplate(WAYBILL_TEMPLATE, { consignee: 'Zoë ^XA', waybill: 'JD014' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.zpl).toContain('^XA^CI28');
    expect(result.zpl).toContain('^FH_^FDTo: Zo_C3_AB _5EXA^FS');
    expect(result.zpl).toContain('^FH_^FDQA,JD014^FS');
  });

  it('names the first missing value', () => {
    expect(zplFromTemplate(WAYBILL_TEMPLATE, { consignee: 'x' })).toEqual({
      ok: false,
      error: 'missing-value',
      field: 'waybill',
    });
  });

  it('no value can inject a command (property)', () => {
    const hostile = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.constantFrom(
        '^XA',
        '~JA',
        '^FS',
        '^XZ',
        '~HS',
        '^FH\\',
        '_5E',
        '{{waybill}}',
        '\u0000\u001b\u007f',
      ),
      fc
        .array(fc.constantFrom('^', '~', '_', 'F', 'S', 'X', 'A', 'Z', '\n', 'é', '中'), {
          maxLength: 30,
        })
        .map((a) => a.join('')),
    );
    const baseline = zplFromTemplate(WAYBILL_TEMPLATE, { consignee: 'x', waybill: 'y' });
    if (!baseline.ok) throw new Error('baseline fill failed');
    const expectedCommands = commandsOutsideFieldData(baseline.zpl);
    fc.assert(
      fc.property(hostile, hostile, (consignee, waybill) => {
        const result = zplFromTemplate(WAYBILL_TEMPLATE, { consignee, waybill });
        if (!result.ok) throw new Error('fill failed');
        expect(commandsOutsideFieldData(result.zpl)).toEqual(expectedCommands);
        for (const data of fieldData(result.zpl)) expect(data).not.toMatch(/[\^~]/);
        const [to, barcode] = fieldData(result.zpl);
        expect(unescapeZplFieldData(to!)).toBe(`To: ${consignee}`);
        expect(unescapeZplFieldData(barcode!)).toBe(waybill);
      }),
      { numRuns: 500 },
    );
  });
});
