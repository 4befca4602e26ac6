import type { Request } from 'express';
import { describe, expect, it } from 'vitest';
import { loginFromOtherSite } from './login-origin';

const req = (headers: Record<string, string>) =>
  ({ protocol: 'http', headers: { host: 'dock.local:8080', ...headers } }) as unknown as Request;

describe('loginFromOtherSite', () => {
  it.each([
    [{}, false], // the print bridge, curl
    [{ origin: 'http://dock.local:8080' }, false],
    [{ origin: 'https://evil.example' }, true],
    [{ origin: 'null' }, true],
    [{ origin: 'https://app.example' }, false], // listed in DOCKHAND_CORS_ORIGINS
    [{ 'sec-fetch-site': 'cross-site' }, true],
    [{ 'sec-fetch-site': 'same-origin' }, false],
  ])('%j → %s', (headers, expected) => {
    expect(loginFromOtherSite(req(headers), ['https://app.example'])).toBe(expected);
  });
});
