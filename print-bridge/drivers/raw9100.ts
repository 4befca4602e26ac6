// Raw TCP "port 9100" printing: the job is the bytes of the socket; `~HS` asks for host status.
// ZPL II Programming Guide: ~HS Host Status Return. There is no acknowledgement in the protocol:
// a job is taken when every byte was written and the printer closed its side after our FIN.
import { Socket } from 'node:net';
import type { PrinterCondition } from '@/lib/schema/printer';
import { hostStatusComplete, parseHostStatus } from '@/lib/core/zebra-host-status';
import { errnoOf, PrintDriverError, type PrinterDriver, type SendOptions } from './driver';

export interface Raw9100Options {
  host: string;
  port?: number;
  connectTimeoutMs?: number;
  /** Longest quiet spell while writing or waiting for the printer to close: a stuck printer. */
  writeTimeoutMs?: number;
  statusTimeoutMs?: number;
}

const CONNECT_TIMEOUT_MS = 3_000; // 3 s: a printer on the LAN answers in milliseconds
const WRITE_TIMEOUT_MS = 15_000; // 15 s: a printer with a full buffer stops reading for a while
const STATUS_TIMEOUT_MS = 2_000; // 2 s

/** Opens a socket; rejects with an "unreached" error when it cannot be opened in time. */
function connect(
  host: string,
  port: number,
  timeoutMs: number,
  address: string,
  signal?: AbortSignal,
) {
  return new Promise<Socket>((resolve, reject) => {
    const socket = new Socket();
    const fail = (code: 'PRINT_ERR_PRINTER_OFFLINE', detail: string) => {
      socket.destroy();
      signal?.removeEventListener('abort', onAbort);
      reject(new PrintDriverError(code, address, false, true, detail));
    };
    const onAbort = () => fail('PRINT_ERR_PRINTER_OFFLINE', 'aborted before connecting');
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.setTimeout(timeoutMs, () =>
      fail('PRINT_ERR_PRINTER_OFFLINE', `no connection in ${timeoutMs} ms`),
    );
    socket.once('error', (error) =>
      fail('PRINT_ERR_PRINTER_OFFLINE', errnoOf(error) ?? error.message),
    );
    socket.connect({ host, port }, () => {
      socket.removeAllListeners('error');
      socket.removeAllListeners('timeout');
      socket.setTimeout(0);
      signal?.removeEventListener('abort', onAbort);
      socket.setNoDelay(true);
      resolve(socket);
    });
  });
}

export function createRaw9100Driver(options: Raw9100Options): PrinterDriver {
  const { host, port = 9100 } = options;
  const connectTimeoutMs = options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS;
  const writeTimeoutMs = options.writeTimeoutMs ?? WRITE_TIMEOUT_MS;
  const statusTimeoutMs = options.statusTimeoutMs ?? STATUS_TIMEOUT_MS;
  const address = `${host}:${port}`;

  async function send(zpl: string, { beforeFirstWrite, signal }: SendOptions = {}): Promise<void> {
    const socket = await connect(host, port, connectTimeoutMs, address, signal);
    try {
      await beforeFirstWrite?.();
    } catch (error) {
      socket.destroy();
      throw error;
    }
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const finish = (error?: PrintDriverError) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        socket.setTimeout(0);
        if (error) {
          socket.destroy();
          reject(error);
        } else resolve();
      };
      // From here on a byte may reach the printer: every failure says so.
      const lost = (
        code: 'PRINT_ERR_PRINTER_TIMEOUT' | 'PRINT_ERR_CONNECTION_LOST',
        detail: string,
      ) => finish(new PrintDriverError(code, address, true, false, detail));
      const onAbort = () =>
        lost('PRINT_ERR_CONNECTION_LOST', 'aborted by the bridge while sending');
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      socket.setTimeout(writeTimeoutMs, () =>
        lost('PRINT_ERR_PRINTER_TIMEOUT', `quiet for ${writeTimeoutMs} ms`),
      );
      socket.on('error', (error) =>
        lost('PRINT_ERR_CONNECTION_LOST', errnoOf(error) ?? error.message),
      );
      socket.on('data', () => undefined); // a printer may talk back; never let it fill our buffer
      socket.once('end', () => {
        // The printer closed its side: if our FIN went out first, it read the whole job.
        if (socket.writableFinished) finish();
        else lost('PRINT_ERR_CONNECTION_LOST', 'the printer closed the connection mid-job');
      });
      socket.once('close', () => {
        if (socket.writableFinished) finish();
        else lost('PRINT_ERR_CONNECTION_LOST', 'connection closed mid-job');
      });
      socket.end(Buffer.from(zpl, 'utf8'));
    });
  }

  async function status(): Promise<PrinterCondition> {
    const socket = await connect(host, port, connectTimeoutMs, address);
    const answer = await new Promise<string>((resolve) => {
      let text = '';
      const done = () => {
        socket.destroy();
        resolve(text);
      };
      socket.setTimeout(statusTimeoutMs, done);
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString('latin1');
        if (hostStatusComplete(text)) done();
      });
      socket.once('error', done);
      socket.once('close', done);
      socket.write('~HS\r\n');
    });
    const parsed = parseHostStatus(answer);
    if (!parsed.ok) {
      throw new PrintDriverError(
        'PRINT_ERR_STATUS_UNREADABLE',
        address,
        false,
        true,
        `~HS: ${parsed.error}`,
      );
    }
    const { online, paperOut, headOpen, paused, ribbonOut, busy, reasons } = parsed.status;
    return { online, paperOut, headOpen, paused, ribbonOut, busy, reasons };
  }

  return { kind: 'zpl-raw', address, send, status };
}
