// A stable random id for this device (browser profile); the first half of every scan id.
import type { KeyValueStore } from './key-value';

const DEVICE_ID_KEY = 'dockhand.deviceId';
const DEVICE_ID = /^[A-Za-z0-9_-]{1,60}$/;

export interface RandomSource {
  getRandomValues<T extends ArrayBufferView | null>(array: T): T;
}

function base64Url(bytes: Uint8Array): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  return Array.from(bytes, (byte) => alphabet[byte & 63]).join('');
}

/** Reads the device id, making and saving one (`d` + 20 random characters) on first use. */
export function deviceIdFrom(store: KeyValueStore, random: RandomSource): string {
  const saved = store.getItem(DEVICE_ID_KEY);
  if (saved && DEVICE_ID.test(saved)) return saved;
  const id = `d${base64Url(random.getRandomValues(new Uint8Array(20)))}`;
  store.setItem(DEVICE_ID_KEY, id);
  return id;
}
