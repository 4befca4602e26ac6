import type { AddressInfo } from 'node:net';
import express from 'express';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { requestLogs } from './request-logs';

async function requestWith(level: pino.Level): Promise<{ lines: string[]; id: string | null }> {
  const lines: string[] = [];
  const log = pino({ level }, { write: (line: string) => lines.push(line) });
  const app = express();
  app.use(requestLogs(log));
  app.get('/x', (req, res) => {
    req.log.warn('handler speaks');
    res.json({ ok: true });
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  try {
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/x?secret=1`);
    await res.text();
    await new Promise((r) => setTimeout(r, 20));
    return { lines, id: res.headers.get('x-request-id') };
  } finally {
    server.close();
  }
}

describe('requestLogs', () => {
  it('logs no line per request at info, but gives each an id and req.log', async () => {
    const { lines, id } = await requestWith('info');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('handler speaks');
  });

  it('logs each request at debug, with its path and never its query', async () => {
    const { lines } = await requestWith('debug');
    const requestLine = lines.find((l) => l.includes('"statusCode":200'));
    expect(requestLine).toBeDefined();
    expect(requestLine).toContain('"path":"/x"');
    expect(requestLine).not.toContain('secret');
    expect(JSON.parse(requestLine!).level).toBe(20);
  });
});
