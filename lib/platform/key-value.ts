// The small slice of Web Storage the platform modules use, so tests can pass an in-memory double.
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export function memoryKeyValueStore(initial: Record<string, string> = {}): KeyValueStore {
  const values = new Map(Object.entries(initial));
  return {
    getItem: (key) => values.get(key) ?? null,
    setItem: (key, value) => void values.set(key, value),
    removeItem: (key) => void values.delete(key),
  };
}

/** localStorage when it exists and works (it throws in some private modes), else memory. */
export function browserKeyValueStore(): KeyValueStore {
  try {
    const probe = '__dockhand_probe__';
    window.localStorage.setItem(probe, '1');
    window.localStorage.removeItem(probe);
    return window.localStorage;
  } catch (error) {
    console.warn('[dockhand] localStorage unavailable, using memory', error);
    return memoryKeyValueStore();
  }
}
