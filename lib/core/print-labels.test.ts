import { describe, expect, it } from 'vitest';
import { DEFAULT_TEMPLATES } from './default-templates';
import { labelValuesFrom } from './label-fields';
import { jobAdvice, mayDecide, printerAdvice, templateErrorText } from './print-advice';
import { checkZplTemplate, unescapeZplFieldData, zplFromTemplate } from './zpl';

describe('default templates', () => {
  it.each(DEFAULT_TEMPLATES.map((t) => [t.id, t] as const))(
    '%s passes checkZplTemplate',
    (_id, t) => {
      const check = checkZplTemplate(t.zpl);
      expect(check).toEqual({ ok: true, slots: t.fields });
      for (const field of t.fields) expect(t.sample?.[field]).toBeDefined();
      const filled = zplFromTemplate(t.zpl, t.sample ?? {});
      expect(filled.ok).toBe(true);
    },
  );

  it('the 4×6 label has a Code 128 and a QR of the waybill', () => {
    const t = DEFAULT_TEMPLATES.find((d) => d.id === 'default-waybill-4x6')!;
    expect(t.zpl).toMatch(/\^BC[^\n]*\^FD\{\{waybill\}\}\^FS/);
    expect(t.zpl).toMatch(/\^BQ[^\n]*\^FDQA,\{\{waybill\}\}\^FS/);
  });
});

describe('label fields', () => {
  const waybill = {
    consignee: 'Zoë ^XA~JA_',
    address: 'Rua 1',
    weight: 2.5,
    extra: { route: 'R7' },
  };

  it('fills every slot from the waybill, the scan and typed values', () => {
    const values = labelValuesFrom(
      ['waybill', 'consignee', 'weight', 'phone', 'extra.route', 'scannedBy', 'note'],
      {
        number: 'JD0001',
        waybill,
        scan: { scannedAt: '2026-03-02T08:00:00.000Z', user: 'sam' },
        typed: { note: 'fragile' },
      },
    );
    expect(values).toEqual({
      waybill: 'JD0001',
      consignee: 'Zoë ^XA~JA_',
      weight: '2.5 kg',
      phone: '',
      'extra.route': 'R7',
      scannedBy: 'sam',
      note: 'fragile',
    });
  });

  it('a waybill not on a manifest still gets its number and empty others', () => {
    expect(labelValuesFrom(['waybill', 'consignee'], { number: 'X1' })).toEqual({
      waybill: 'X1',
      consignee: '',
    });
  });

  it('filled values are escaped: no command comes from field data', () => {
    const t = DEFAULT_TEMPLATES[0]!;
    const values = labelValuesFrom(t.fields, { number: 'JD0001', waybill });
    const filled = zplFromTemplate(t.zpl, values);
    if (!filled.ok) throw new Error('fill failed');
    expect(filled.zpl.match(/\^XA/g)).toHaveLength(1);
    expect(filled.zpl).not.toContain('~JA');
    const data = /\^FDTo: ([^^]*)\^FS/.exec(filled.zpl)?.[1];
    expect(unescapeZplFieldData(data!)).toBe('Zoë ^XA~JA_');
  });
});

describe('print advice', () => {
  const status = (state: 'ready' | 'paper-out' | 'offline' | 'head-open' | 'paused') => ({
    state,
    online: state !== 'offline',
    paperOut: state === 'paper-out',
    headOpen: state === 'head-open',
    paused: state === 'paused',
    ribbonOut: false,
    reasons: [],
    checkedAt: '2026-03-02T08:00:00.000Z',
  });

  it.each([
    ['ready', 'Online', false],
    ['paper-out', 'Paper out', true],
    ['offline', 'Offline', true],
    ['head-open', 'Head open', true],
    ['paused', 'Paused', true],
  ] as const)('printer %s → %s', (state, label, hasTodo) => {
    const advice = printerAdvice(status(state));
    expect(advice.label).toBe(label);
    expect(Boolean(advice.todo)).toBe(hasTodo);
  });

  it('a printer never checked says to look at the bridge', () => {
    expect(printerAdvice(undefined).todo).toMatch(/bridge/);
  });

  it.each([
    ['failed', /Reprint/],
    ['unknown', /Dismiss/],
  ] as const)('a %s job says what to do', (state, todo) => {
    expect(jobAdvice({ state, attempt: 1 }).todo).toMatch(todo);
  });

  it('a job the server refused says why, that it is kept, and what to do', () => {
    const advice = jobAdvice({
      state: 'failed',
      attempt: 0,
      error: {
        code: 'PRINT_ERR_REFUSED',
        message: 'createdBy must be your own name (bo).',
        at: '2026-03-02T08:00:00.000Z',
        bytesMayHaveReachedPrinter: false,
      },
    });
    expect(advice.label).toBe('Refused by the server');
    expect(advice.todo).toMatch(/own name \(bo\)\..*kept on this device.*Send again.*Dismiss/);
  });

  it('template errors read as plain words with a position', () => {
    expect(templateErrorText('unclosed-field', 4)).toMatch(/\^FS.*character 5/);
  });

  it.each([
    [['scanner'], 'sam', true],
    [['scanner'], 'bo', false],
    [['supervisor'], 'bo', true],
    [['_admin'], 'admin', true],
  ] as const)('roles %j as %s may decide: %s', (roles, user, may) => {
    expect(mayDecide({ createdBy: 'sam' }, user, roles)).toBe(may);
  });
});
