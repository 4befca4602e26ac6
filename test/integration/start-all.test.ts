// The README's first command, minus the build: the launcher starts the sync server and a print
// bridge, creates the admin and the bridge user on the first start, and prints the password once.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/ports';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockhand-start-'));
let running: ChildProcess | undefined;

afterAll(() => {
  running?.kill('SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function startAll(port: number, bridgePort: number): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start-all.ts'], {
    env: {
      ...process.env,
      DOCKHAND_ADMIN_PASSWORD: '',
      DOCKHAND_DATA_DIR: dataDir,
      DOCKHAND_PORT: String(port),
      DOCKHAND_BRIDGE_HTTP_PORT: String(bridgePort),
      DOCKHAND_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running = child;
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start banner:\n${output}`)), 45_000);
    child.stdout!.on('data', () => {
      if (output.includes('Stop with Ctrl+C')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`launcher exited ${code}:\n${output}`)));
  });
  return output;
}

async function stop(child: ChildProcess | undefined): Promise<number | null> {
  if (!child) return null;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  child.kill('SIGTERM');
  return exited;
}

async function bridgeHealth(
  bridgePort: number,
): Promise<{ status: string; sync: { ok: boolean } }> {
  const response = await fetch(`http://127.0.0.1:${bridgePort}/health`);
  return (await response.json()) as { status: string; sync: { ok: boolean } };
}

async function logIn(port: number, password: string): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}/db/_session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'admin', password }),
  });
  return response.status;
}

// The bridge logs in, replicates and probes its printers after the banner; on a busy 2-core
// machine that takes seconds (expect.poll's default gives up after one).
const BRIDGE_WAIT = { timeout: 30_000, interval: 250 };

describe('npm start', () => {
  it('first start prints the admin password once; the bridge connects; a restart keeps both', async () => {
    const [port, bridgePort] = [await freePort(), await freePort()];
    const first = await startAll(port, bridgePort);
    const password = /with password: (\S+)/.exec(first)?.[1];
    expect(password, first).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(await logIn(port, password!)).toBe(200);
    expect(await logIn(port, 'wrong-password-123')).toBe(401);
    await expect
      .poll(() => bridgeHealth(bridgePort).then((h) => h.sync.ok), BRIDGE_WAIT)
      .toBe(true);
    const bridgeFile = fs.statSync(path.join(dataDir, 'bridge-local.json'));
    expect(bridgeFile.mode & 0o077).toBe(0);
    expect(await stop(running)).toBe(0);

    const second = await startAll(port, bridgePort);
    expect(second).not.toContain(password);
    expect(second).toMatch(/with your admin password/);
    expect(await logIn(port, password!)).toBe(200);
    await expect.poll(() => bridgeHealth(bridgePort).then((h) => h.status), BRIDGE_WAIT).toBe('ok');
    expect(await stop(running)).toBe(0);
    running = undefined;
  });
});
