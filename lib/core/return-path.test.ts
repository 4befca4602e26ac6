import { describe, expect, it } from 'vitest';
import { loginPathFor, safeReturnPath } from './return-path';

describe('safeReturnPath', () => {
  it.each([
    [null, '/scan/'],
    ['', '/scan/'],
    ['/scan/', '/scan/'],
    ['/admin/manifests/?id=3', '/admin/manifests/?id=3'],
    ['https://evil.example/', '/scan/'],
    ['//evil.example/', '/scan/'],
    ['/\\evil.example', '/scan/'],
    ['/login/?next=/scan/', '/scan/'],
    ['/db/_session', '/scan/'],
    ['/scan/\n', '/scan/'],
    ['javascript:alert(1)', '/scan/'],
  ])('%j → %j', (input, expected) => {
    expect(safeReturnPath(input)).toBe(expected);
  });

  it('builds the login link', () => {
    expect(loginPathFor('/scan/')).toBe('/login/?next=%2Fscan%2F');
  });
});
