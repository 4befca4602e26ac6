import { describe, expect, it, vi } from 'vitest';
import { memoryKeyValueStore } from './key-value';
import { requestPersistenceOnce, storagePersistence } from './storage-persistence';

describe('storage persistence', () => {
  it('reports unsupported without a StorageManager', async () => {
    expect(await storagePersistence(undefined)).toBe('unsupported');
    expect(await requestPersistenceOnce({}, memoryKeyValueStore())).toBe('unsupported');
  });

  it('asks only once per device', async () => {
    const persist = vi.fn(async () => true);
    const persisted = vi.fn(async () => false);
    const store = memoryKeyValueStore();
    expect(await requestPersistenceOnce({ persist, persisted }, store)).toBe('persistent');
    expect(await requestPersistenceOnce({ persist, persisted }, store)).toBe('best-effort');
    expect(persist).toHaveBeenCalledTimes(1);
  });
});
