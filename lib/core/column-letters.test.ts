import { describe, expect, it } from 'vitest';
import { columnLetters } from './column-letters';

describe('columnLetters', () => {
  it.each([
    [1, 'A'],
    [26, 'Z'],
    [27, 'AA'],
    [52, 'AZ'],
    [703, 'AAA'],
  ])('column %i is %s', (n, letters) => expect(columnLetters(n)).toBe(letters));
});
