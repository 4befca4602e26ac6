import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { nativePasswordHash } from './native-password-hash';

const require = createRequire(import.meta.url);

describe('nativePasswordHash', () => {
  it.each([
    ['ascii', 'correct-horse-battery', 'a1b2c3', 10],
    ['non-ASCII', 'pässwörd-日本', 'f00d', 1000],
  ])(
    'gives the same hash as pouchdb-auth for %s passwords',
    async (_name, password, salt, iterations) => {
      const lite = require('crypto-lite') as {
        crypto: { pbkdf2(p: string, s: string, i: number, l: number): Buffer };
      };
      const expected = lite.crypto.pbkdf2(password, salt, iterations, 20).toString('hex');
      expect(await nativePasswordHash(password, salt, iterations)).toBe(expected);
    },
  );
});
