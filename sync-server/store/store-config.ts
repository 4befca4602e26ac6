// The embedded store's persistent settings: hashed server admins and the session-cookie secret.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const FILE = 'store-config.json';

const storeConfigSchema = z.object({
  /** name → `-pbkdf2-<derived key>,<salt>,<iterations>` (never a plain password). */
  admins: z.record(z.string(), z.string().startsWith('-pbkdf2-')),
  secret: z.string().min(32),
});
export type StoreConfig = z.infer<typeof storeConfigSchema>;

export function readStoreConfig(dataDir: string): StoreConfig {
  const file = path.join(dataDir, FILE);
  if (!fs.existsSync(file)) return { admins: {}, secret: randomBytes(32).toString('hex') };
  return storeConfigSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
}

/** Atomic write (temp file + rename), readable by the owner only: it holds the cookie secret. */
export function writeStoreConfig(dataDir: string, config: StoreConfig): void {
  const file = path.join(dataDir, FILE);
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, JSON.stringify(config, null, 2) + '\n', { mode: 0o600 });
  fs.renameSync(temp, file);
}
