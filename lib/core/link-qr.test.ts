import { describe, expect, it } from 'vitest';
import { labelValuesFrom } from './label-fields';
import { LINK_QR_LABEL_ZPL, linkLabelSource, qrFileName, qrOptionsFrom } from './link-qr';
import { checkZplTemplate, zplFromTemplate } from './zpl';

describe('qrOptionsFrom', () => {
  it('always white background and padding, never a height', () => {
    const options = qrOptionsFrom('http://x/r/dock-7', { moduleSize: 6, margin: 4, ecLevel: 'Q' });
    expect(options).toEqual({
      bcid: 'qrcode',
      text: 'http://x/r/dock-7',
      scale: 6,
      eclevel: 'Q',
      backgroundcolor: 'FFFFFF',
      paddingwidth: 4,
      paddingheight: 4,
    });
    expect(options).not.toHaveProperty('height');
  });
  it.each([
    [{ moduleSize: 0, margin: -2 }, 1, 0],
    [{ moduleSize: 99, margin: 50 }, 20, 10],
    [{ moduleSize: Number.NaN, margin: 2.6 }, 1, 3],
  ])('%o clamps to scale %i, margin %i', (choice, scale, margin) => {
    const options = qrOptionsFrom('x', { ecLevel: 'M', ...choice });
    expect([options.scale, options.paddingwidth]).toEqual([scale, margin]);
  });
  it('file names', () => expect(qrFileName('dock-7', 'svg')).toBe('qr-dock-7.svg'));
});

describe('the QR label of a link', () => {
  it('is a valid template with url and title slots', () => {
    expect(checkZplTemplate(LINK_QR_LABEL_ZPL)).toEqual({ ok: true, slots: ['url', 'title'] });
  });

  it('fills the QR with the short URL and falls back to the slug for an untitled link', () => {
    const source = linkLabelSource({
      slug: 'dock-7',
      url: 'http://127.0.0.1:8080/r/dock-7',
      title: '',
      target: 'https://example.com/',
    });
    const values = labelValuesFrom(['url', 'title'], source);
    expect(values).toEqual({ url: 'http://127.0.0.1:8080/r/dock-7', title: 'dock-7' });
    const filled = zplFromTemplate(LINK_QR_LABEL_ZPL, values);
    expect(filled.ok && filled.zpl).toContain('^FH_^FDMA,http://127.0.0.1:8080/r/dock-7^FS');
  });
});
