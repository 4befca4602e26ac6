// A raw 9100 "printer" for tests: a real TCP listener on 127.0.0.1 that keeps each connection's
// bytes as one label and answers ~HS like a Zebra (ZPL II Programming Guide, ~HS).
import { createServer, type Server, type Socket } from 'node:net';

export type ZplPrinterCondition = 'ok' | 'paper-out' | 'head-open' | 'paused' | 'garbage';

export interface ZplPrinterOptions {
  condition?: ZplPrinterCondition;
  /** Wait this long after a job's last byte before closing: a slow printer. */
  closeDelayMs?: number;
}

export interface ZplPrinter {
  readonly host: string;
  readonly port: number;
  /** Every job received, in order of arrival (the text of one connection, less any ~HS). */
  readonly labels: string[];
  /** Connections that asked ~HS. */
  statusRequests: number;
  setCondition(condition: ZplPrinterCondition): void;
  /** Stop listening: new connections are refused (open ones finish). */
  refuse(): Promise<void>;
  /** Listen again on the same port. */
  accept(): Promise<void>;
  waitForLabels(count: number, timeoutMs?: number): Promise<string[]>;
  close(): Promise<void>;
}

const STX = '\u0002';
const ETX = '\u0003';

/** Three host-status strings as a GK420d sends them. */
export function hostStatusAnswer(condition: ZplPrinterCondition): string {
  if (condition === 'garbage') return 'HTTP/1.1 400 Bad Request\r\n\r\n';
  const paperOut = condition === 'paper-out' ? 1 : 0;
  const pause = condition === 'paused' || condition === 'paper-out' ? 1 : 0;
  const headUp = condition === 'head-open' ? 1 : 0;
  return (
    `${STX}030,${paperOut},${pause},1245,000,0,0,0,000,0,0,0${ETX}\r\n` +
    `${STX}001,0,${headUp},0,1,2,6,0,00000000,1,000${ETX}\r\n` +
    `${STX}1234,0${ETX}\r\n`
  );
}

export async function startZplPrinter(options: ZplPrinterOptions = {}): Promise<ZplPrinter> {
  let condition = options.condition ?? 'ok';
  const labels: string[] = [];
  const sockets = new Set<Socket>();
  const waiters = new Set<() => void>();
  let server: Server | undefined;
  let port = 0;

  const onConnection = (socket: Socket) => {
    sockets.add(socket);
    let text = '';
    let answered = false;
    let recorded = false;
    const record = () => {
      if (recorded) return;
      recorded = true;
      const label = text.replace(/~HS\r?\n?/g, '');
      if (label.length > 0) {
        labels.push(label);
        for (const waiter of [...waiters]) waiter();
      }
    };
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      if (!answered && text.includes('~HS')) {
        answered = true;
        printer.statusRequests += 1;
        socket.write(hostStatusAnswer(condition));
      }
    });
    socket.on('end', () => {
      record();
      setTimeout(() => socket.end(), options.closeDelayMs ?? 0);
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      record(); // a sender killed mid-job still left its bytes here, as on a real printer
      sockets.delete(socket);
    });
  };

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = createServer({ allowHalfOpen: true }, onConnection);
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as { port: number }).port;
        resolve();
      });
    });
  const stopListening = () =>
    new Promise<void>((resolve) => {
      if (!server?.listening) return resolve();
      server.close(() => resolve());
    });

  await listen();
  const printer: ZplPrinter = {
    host: '127.0.0.1',
    get port() {
      return port;
    },
    labels,
    statusRequests: 0,
    setCondition: (next) => {
      condition = next;
    },
    refuse: stopListening,
    accept: listen,
    waitForLabels(count, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (labels.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(labels.slice());
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`waited ${timeoutMs} ms for ${count} labels, got ${labels.length}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await stopListening();
    },
  };
  return printer;
}
