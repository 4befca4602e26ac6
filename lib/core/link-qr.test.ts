import { describe, expect, it } from 'vitest';
import { qrFileName, qrOptionsFrom } from './link-qr';

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
