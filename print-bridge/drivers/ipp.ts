// IPP printing (RFC 8011): Print-Job for labels, Get-Printer-Attributes for status.
// Document format, first that the printer lists in document-format-supported:
//   application/vnd.zebra-zpl — a ZPL printer speaking IPP (Link-OS, ippeveprinter);
//   application/octet-stream — a raw queue (CUPS "raw") in front of a ZPL printer;
//   text/plain — last resort: the ZPL is sent as text, right only for a ZPL printer behind a text
//   queue (an office printer would print the ZPL source, so admins pick zpl-raw for those).
// PDF is not produced: rendering ZPL to PDF on a Pi is out of scope for this slice.
import { request, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { PrinterCondition } from '@/lib/schema/printer';
import {
  errnoOf,
  PrintDriverError,
  type PrinterDriver,
  type SendOptions,
  UNREACHED_ERRNOS,
} from './driver';
import { ippStrings, parseIpp, serializeIpp, type IppRequest, type IppResponse } from './ipp-codec';

export const IPP_FORMATS = [
  'application/vnd.zebra-zpl',
  'application/octet-stream',
  'text/plain',
] as const;
export type IppFormat = (typeof IPP_FORMATS)[number];

export interface IppOptions {
  /** ipp://host[:port]/path, ipps://…, or http(s)://… */
  url: string;
  timeoutMs?: number;
  userName?: string;
}

const TIMEOUT_MS = 10_000; // 10 s for one IPP exchange
const FORMATS_TTL_MS = 5 * 60_000; // ask again for the formats after 5 min

/** The first format of IPP_FORMATS the printer supports, or null. */
export function chooseIppFormat(supported: readonly string[]): IppFormat | null {
  const lower = supported.map((f) => f.toLowerCase());
  return IPP_FORMATS.find((f) => lower.includes(f)) ?? null;
}

/**
 * printer-state + printer-state-reasons (RFC 8011 §5.4.11, §5.4.12; PWG 5100.9 keywords)
 * to the status model of every driver. Reasons carry -report/-warning/-error suffixes.
 */
export function ippCondition(
  state: string | number | undefined,
  reasons: readonly string[],
): PrinterCondition {
  const base = reasons
    .map((r) => r.replace(/-(report|warning|error)$/, ''))
    .filter((r) => r !== 'none');
  const has = (...names: string[]) => base.some((r) => names.includes(r));
  const stateName =
    typeof state === 'number'
      ? ({ 3: 'idle', 4: 'processing', 5: 'stopped' } as Record<number, string>)[state]
      : state;
  const paperOut = has('media-empty', 'media-needed');
  const headOpen = has('cover-open', 'door-open', 'interlock-open');
  const ribbonOut = has('marker-supply-empty');
  const paused =
    has('paused', 'moving-to-paused') ||
    (stateName === 'stopped' && !paperOut && !headOpen && !ribbonOut);
  return {
    online: !has('offline', 'shutdown'),
    paperOut,
    headOpen,
    paused,
    ribbonOut,
    busy: stateName === 'processing',
    reasons: base,
  };
}

function httpUrl(url: string): URL {
  const parsed = new URL(url);
  if (parsed.protocol === 'ipp:')
    return new URL(
      `http://${parsed.host}${parsed.pathname}`.replace(/^http:\/\/([^:/]+)\//, 'http://$1:631/'),
    );
  if (parsed.protocol === 'ipps:')
    return new URL(
      `https://${parsed.host}${parsed.pathname}`.replace(
        /^https:\/\/([^:/]+)\//,
        'https://$1:631/',
      ),
    );
  return parsed;
}

export function createIppDriver(options: IppOptions): PrinterDriver {
  const endpoint = httpUrl(options.url);
  const printerUri = options.url.replace(/^http/, 'ipp');
  const timeoutMs = options.timeoutMs ?? TIMEOUT_MS;
  const address = options.url;
  let requestId = 0;
  let formats: { list: string[]; at: number } | undefined;

  /**
   * One IPP exchange over HTTP POST. `onConnected` runs once the TCP connection stands and before
   * the request body goes out (the first-byte mark for Print-Job).
   */
  function exchange(message: IppRequest, opts: SendOptions = {}): Promise<IppResponse> {
    const body = serializeIpp(message);
    return new Promise((resolve, reject) => {
      let reached = false;
      let settled = false;
      const fail = (
        code:
          'PRINT_ERR_PRINTER_OFFLINE' | 'PRINT_ERR_PRINTER_TIMEOUT' | 'PRINT_ERR_CONNECTION_LOST',
        detail: string,
      ) => {
        if (settled) return;
        settled = true;
        req.destroy();
        const unreached = !reached;
        reject(
          new PrintDriverError(
            unreached ? 'PRINT_ERR_PRINTER_OFFLINE' : code,
            address,
            !unreached,
            unreached,
            detail,
          ),
        );
      };
      const send = endpoint.protocol === 'https:' ? httpsRequest : request;
      const req = send(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/ipp', 'content-length': body.length },
        signal: opts.signal,
      });
      req.setTimeout(timeoutMs, () =>
        fail('PRINT_ERR_PRINTER_TIMEOUT', `no answer in ${timeoutMs} ms`),
      );
      req.on('error', (error) => {
        const errno = errnoOf(error);
        if (errno && UNREACHED_ERRNOS.has(errno)) reached = false;
        fail('PRINT_ERR_CONNECTION_LOST', errno ?? error.message);
      });
      req.on('response', (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error) => fail('PRINT_ERR_CONNECTION_LOST', error.message));
        res.on('end', () => {
          if (settled) return;
          if (res.statusCode !== 200)
            return fail('PRINT_ERR_CONNECTION_LOST', `HTTP ${res.statusCode}`);
          try {
            settled = true;
            resolve(parseIpp(Buffer.concat(chunks)));
          } catch (error) {
            settled = false;
            fail('PRINT_ERR_CONNECTION_LOST', `unreadable IPP answer: ${String(error)}`);
          }
        });
      });
      req.on('socket', (socket) => {
        const go = () => {
          const before = opts.beforeFirstWrite ?? (async () => undefined);
          before().then(
            () => {
              reached = true;
              req.end(body);
            },
            (error: unknown) => fail('PRINT_ERR_PRINTER_OFFLINE', `not sent: ${String(error)}`),
          );
        };
        if (socket.connecting) socket.once('connect', go);
        else go();
      });
    });
  }

  const operation = (extra: IppRequest['operation-attributes-tag'] = {}) => ({
    'attributes-charset': 'utf-8',
    'attributes-natural-language': 'en',
    'printer-uri': printerUri,
    ...extra,
  });

  async function printerAttributes(): Promise<IppResponse> {
    const res = await exchange({
      version: '2.0',
      operation: 'Get-Printer-Attributes',
      id: ++requestId,
      'operation-attributes-tag': operation({
        'requested-attributes': [
          'printer-state',
          'printer-state-reasons',
          'document-format-supported',
          'printer-is-accepting-jobs',
        ],
      }),
    });
    if (!res.statusCode.startsWith('successful')) {
      throw new PrintDriverError('PRINT_ERR_IPP_REJECTED', address, false, true, res.statusCode);
    }
    const attrs = res['printer-attributes-tag'] ?? {};
    formats = { list: ippStrings(attrs['document-format-supported']), at: Date.now() };
    return res;
  }

  async function status(): Promise<PrinterCondition> {
    const attrs = (await printerAttributes())['printer-attributes-tag'] ?? {};
    const state = attrs['printer-state'];
    return ippCondition(
      typeof state === 'number' || typeof state === 'string' ? state : undefined,
      ippStrings(attrs['printer-state-reasons']),
    );
  }

  async function send(zpl: string, opts: SendOptions = {}): Promise<void> {
    if (!formats || Date.now() - formats.at > FORMATS_TTL_MS) await printerAttributes();
    const format = chooseIppFormat(formats?.list ?? []);
    if (!format)
      throw new PrintDriverError(
        'PRINT_ERR_IPP_FORMAT',
        address,
        false,
        false,
        formats?.list.join(', '),
      );
    const res = await exchange(
      {
        version: '2.0',
        operation: 'Print-Job',
        id: ++requestId,
        'operation-attributes-tag': operation({
          'requesting-user-name': options.userName ?? 'dockhand-bridge',
          'job-name': 'dockhand label',
          'document-format': format,
        }),
        data: Buffer.from(zpl, 'utf8'),
      },
      opts,
    );
    if (res.statusCode.startsWith('successful')) return;
    // The printer answered and refused: it will not print this job (RFC 8011 §4.1.6).
    const busy = /busy|temporary|service-unavailable|not-accepting/.test(res.statusCode);
    throw new PrintDriverError(
      busy ? 'PRINT_ERR_IPP_BUSY' : 'PRINT_ERR_IPP_REJECTED',
      address,
      false,
      busy,
      res.statusCode,
    );
  }

  return { kind: 'ipp', address, send, status };
}
