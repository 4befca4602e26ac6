import { describe, expect, it } from 'vitest';
import { createSessionCache, credentialKey } from './session-cache';

describe('session cache', () => {
  const sam = { name: 'sam', roles: ['scanner'] };

  it('keeps a user for its time, then asks again', () => {
    let t = 0;
    const cache = createSessionCache({ ttlMs: 5_000, maxEntries: 10, now: () => t });
    cache.set('k', sam);
    expect(cache.get('k')).toEqual(sam);
    t = 4_999;
    expect(cache.get('k')).toEqual(sam);
    t = 5_000;
    expect(cache.get('k')).toBeNull();
  });

  it('never keeps an anonymous answer, and holds at most maxEntries', () => {
    const cache = createSessionCache({ ttlMs: 5_000, maxEntries: 2 });
    cache.set('anon', { name: null, roles: [] });
    expect(cache.get('anon')).toBeNull();
    cache.set('a', sam);
    cache.set('b', sam);
    cache.set('c', sam);
    expect(cache.size).toBe(2);
    expect(cache.get('a')).toBeNull();
    cache.forget('c');
    expect(cache.get('c')).toBeNull();
  });

  it('keys on the credentials, hashed', () => {
    expect(credentialKey({})).toBeNull();
    const basic = credentialKey({ authorization: 'Basic c2FtOnNlY3JldA==' });
    expect(basic).not.toContain('c2Ft');
    expect(basic).not.toBe(credentialKey({ cookie: 'AuthSession=x' }));
    expect(credentialKey({ cookie: 'AuthSession=x' })).toBe(
      credentialKey({ cookie: 'AuthSession=x' }),
    );
  });
});
