// The first server admin: created once from DOCKHAND_ADMIN_PASSWORD or a generated password.
import { randomBytes } from 'node:crypto';
import type { Store } from '../store/store';

export interface FirstAdminResult {
  created: boolean;
  /** Set only when the password was generated: show it once, then drop it. */
  generatedPassword?: string;
}

/** 24 random bytes → 32 base64url characters (192 bits). */
export function generatePassword(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * Makes sure a server admin exists before the server listens (an empty admin list would be
 * CouchDB's "admin party"). An existing admin is never changed.
 */
export async function ensureFirstAdmin(
  store: Store,
  opts: { user: string; password: string | undefined },
): Promise<FirstAdminResult> {
  if (store.serverAdmins().length > 0) return { created: false };
  const password = opts.password ?? generatePassword();
  await store.addServerAdmin(opts.user, password);
  return opts.password ? { created: true } : { created: true, generatedPassword: password };
}

/** The once-only notice for a generated password (it is stored only hashed). */
export function firstAdminNotice(user: string, password: string, loginUrl: string): string {
  const lines = [
    'Dockhand: first server admin created. This password is shown ONLY ONCE.',
    `  user:     ${user}`,
    `  password: ${password}`,
    `  log in:   ${loginUrl}`,
    'Store it in a password manager now; it is kept only as a hash.',
  ];
  const bar = '='.repeat(Math.max(...lines.map((l) => l.length)) + 4);
  return ['', bar, ...lines.map((l) => `  ${l}`), bar, ''].join('\n') + '\n';
}
