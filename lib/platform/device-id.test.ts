import { describe, expect, it } from 'vitest';
import { deviceIdFrom } from './device-id';
import { memoryKeyValueStore } from './key-value';

const fixedRandom = {
  getRandomValues<T extends ArrayBufferView | null>(array: T): T {
    if (array instanceof Uint8Array) array.forEach((_, i) => (array[i] = i * 13));
    return array;
  },
};

describe('deviceIdFrom', () => {
  it('makes a valid id once and keeps it', () => {
    const store = memoryKeyValueStore();
    const first = deviceIdFrom(store, fixedRandom);
    expect(first).toMatch(/^[A-Za-z0-9_-]{1,60}$/);
    expect(first).toHaveLength(21);
    expect(deviceIdFrom(store, crypto)).toBe(first);
  });

  it('replaces a corrupt saved id', () => {
    const store = memoryKeyValueStore({ 'dockhand.deviceId': 'has space' });
    expect(deviceIdFrom(store, crypto)).toMatch(/^d[A-Za-z0-9_-]{20}$/);
  });

  it('differs between devices', () => {
    expect(deviceIdFrom(memoryKeyValueStore(), crypto)).not.toBe(
      deviceIdFrom(memoryKeyValueStore(), crypto),
    );
  });
});
