import { describe, expect, it } from 'vitest';
import { createOnlineTracker } from './online';

function fakeWindow(onLine: boolean) {
  const listeners = new Map<string, () => void>();
  return {
    navigator: { onLine },
    addEventListener: (type: string, fn: () => void) => void listeners.set(type, fn),
    removeEventListener: (type: string) => void listeners.delete(type),
    fire: (type: string) => listeners.get(type)?.(),
  };
}

describe('createOnlineTracker', () => {
  it('follows the browser and what requests saw', () => {
    const win = fakeWindow(true);
    const online = createOnlineTracker(win as unknown as Parameters<typeof createOnlineTracker>[0]);
    expect(online.get()).toBe(true);
    online.reportUnreachable();
    expect(online.get()).toBe(false);
    online.reportReached();
    expect(online.get()).toBe(true);
    win.fire('offline');
    expect(online.get()).toBe(false);
    win.fire('online');
    expect(online.get()).toBe(true);
  });

  it('notifies subscribers only on change', () => {
    const online = createOnlineTracker(
      fakeWindow(true) as unknown as Parameters<typeof createOnlineTracker>[0],
    );
    let calls = 0;
    online.subscribe(() => (calls += 1));
    online.reportReached();
    online.reportUnreachable();
    online.reportUnreachable();
    expect(calls).toBe(1);
  });
});
