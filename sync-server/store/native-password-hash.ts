// pouchdb-auth derives password hashes (CouchDB's pbkdf2-SHA1 scheme) in pure JavaScript, on the
// event loop: ~0.5 s per 10,000 iterations, blocking every request meanwhile. Node's own pbkdf2
// gives the same bytes on the libuv thread pool (~8 ms), so we swap it in and can afford more
// iterations. Stored hashes keep their own iteration count, so existing users still log in.
// https://docs.couchdb.org/en/stable/intro/security.html#password-hashing
import { pbkdf2 } from 'node:crypto';
import { createRequire } from 'node:module';
import { cachedPasswordHash } from './password-hash-cache';

const require = createRequire(import.meta.url);

/** Iterations for passwords set from now on (CouchDB 3 defaults to 10; 3.4 raised it a lot). */
export const PASSWORD_ITERATIONS = 50_000;

interface AuthUtils {
  hashPassword(password: string, salt: string, iterations: number): Promise<string>;
  iterations(args: { opts: { iterations?: number } }): number;
}

export function nativePasswordHash(
  password: string,
  salt: string,
  iterations: number,
): Promise<string> {
  return new Promise((resolve, reject) =>
    pbkdf2(password, salt, Number(iterations), 20, 'sha1', (err, key) =>
      err ? reject(err) : resolve(key.toString('hex')),
    ),
  );
}

let installed = false;

export function installNativePasswordHash(): void {
  if (installed) return;
  const utilsPath = require.resolve('pouchdb-auth/lib/utils', {
    paths: [require.resolve('express-pouchdb')],
  });
  const utils = require(utilsPath) as AuthUtils;
  utils.hashPassword = cachedPasswordHash(nativePasswordHash);
  installed = true;
}
