import { describe, expect, it } from 'vitest';
import { cachedPasswordHash, type DeriveHash } from './password-hash-cache';
import { nativePasswordHash } from './native-password-hash';

function counting(): { derive: DeriveHash; calls: () => number } {
  let calls = 0;
  return {
    derive: (password, salt, iterations) => {
      calls += 1;
      return nativePasswordHash(password, salt, iterations);
    },
    calls: () => calls,
  };
}

describe('cachedPasswordHash', () => {
  it('derives once for repeated requests and gives the same bytes as pbkdf2', async () => {
    const { derive, calls } = counting();
    const hash = cachedPasswordHash(derive, { maxEntries: 10, ttlMs: 60_000 });
    const first = await hash('pw-123456789', 'salt-a', 1_000);
    expect(await hash('pw-123456789', 'salt-a', 1_000)).toBe(first);
    expect(first).toBe(await nativePasswordHash('pw-123456789', 'salt-a', 1_000));
    expect(calls()).toBe(1);
  });

  it('a different password, salt or iteration count is derived afresh', async () => {
    const { derive, calls } = counting();
    const hash = cachedPasswordHash(derive, { maxEntries: 10, ttlMs: 60_000 });
    const a = await hash('pw-1', 'salt-a', 1_000);
    expect(await hash('pw-2', 'salt-a', 1_000)).not.toBe(a);
    expect(await hash('pw-1', 'salt-b', 1_000)).not.toBe(a);
    expect(await hash('pw-1', 'salt-a', 1_001)).not.toBe(a);
    expect(calls()).toBe(4);
  });

  it('forgets entries after the TTL and beyond the size bound', async () => {
    const { derive, calls } = counting();
    let clock = 0;
    const hash = cachedPasswordHash(derive, { maxEntries: 2, ttlMs: 1_000, now: () => clock });
    await hash('pw-1', 's', 10);
    clock = 1_001;
    await hash('pw-1', 's', 10); // expired: derived again
    expect(calls()).toBe(2);
    await hash('pw-2', 's', 10);
    await hash('pw-3', 's', 10); // evicts pw-1, the oldest
    await hash('pw-1', 's', 10);
    expect(calls()).toBe(5);
    await hash('pw-3', 's', 10); // still held
    expect(calls()).toBe(5);
  });

  it('does not remember a failed derivation', async () => {
    let fail = true;
    const hash = cachedPasswordHash(
      async () => {
        if (fail) throw new Error('pool gone');
        return 'ok';
      },
      { maxEntries: 10, ttlMs: 60_000 },
    );
    await expect(hash('pw', 's', 10)).rejects.toThrow('pool gone');
    fail = false;
    expect(await hash('pw', 's', 10)).toBe('ok');
  });
});
