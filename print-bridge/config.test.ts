import { describe, expect, it } from 'vitest';
import { bridgeConfigFromEnv, BridgeConfigError } from './config';

const good = {
  DOCKHAND_BRIDGE_SITE: 'depot-north',
  DOCKHAND_SYNC_URL: 'http://127.0.0.1:8080',
  DOCKHAND_BRIDGE_USER: 'bridge-depot-north',
  DOCKHAND_BRIDGE_PASSWORD: 'secret-secret',
};

describe('bridgeConfigFromEnv', () => {
  it('applies defaults to a minimal environment', () => {
    const config = bridgeConfigFromEnv(good);
    expect(config).toMatchObject({ site: 'depot-north', httpHost: '127.0.0.1', httpPort: 9180 });
  });

  it.each([
    ['DOCKHAND_BRIDGE_SITE', 'Depot North', /DOCKHAND_BRIDGE_SITE \(invalid\)/],
    ['DOCKHAND_SYNC_URL', 'ftp://x', /DOCKHAND_SYNC_URL \(invalid\)/],
    ['DOCKHAND_BRIDGE_HTTP_PORT', '70000', /DOCKHAND_BRIDGE_HTTP_PORT/],
    ['DOCKHAND_BRIDGE_PASSWORD', undefined, /DOCKHAND_BRIDGE_PASSWORD \(not set\)/],
  ])('names %s when it is %s', (name, value, message) => {
    const env = { ...good, [name]: value };
    expect(() => bridgeConfigFromEnv(env)).toThrow(BridgeConfigError);
    expect(() => bridgeConfigFromEnv(env)).toThrow(message);
  });

  it('reports every bad variable at once', () => {
    expect(() => bridgeConfigFromEnv({})).toThrow(
      /DOCKHAND_BRIDGE_SITE[\s\S]*DOCKHAND_SYNC_URL[\s\S]*DOCKHAND_BRIDGE_USER/,
    );
  });
});
