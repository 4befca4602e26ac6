// The one interface every printer driver implements, and the one error shape they throw.
import type { PrinterCondition, PrinterDriverKind } from '@/lib/schema/printer';
import { formatPrintError, type PrintErrorCode } from '../errors';

export interface SendOptions {
  /**
   * Awaited after the printer is reached and before the first byte of the label is written:
   * the runner persists `sending` here, so a crash after it recovers as `unknown`. If it throws,
   * nothing is written and the send fails with bytesMayHaveReachedPrinter false.
   */
  beforeFirstWrite?: () => Promise<void>;
  /** Aborts the send (shutdown); the error tells whether a byte may have gone out. */
  signal?: AbortSignal;
}

export interface PrinterDriver {
  readonly kind: PrinterDriverKind;
  /** HOST:PORT or the printer URI, for messages and logs. */
  readonly address: string;
  /** Sends one job's ZPL; resolves once the printer has taken all of it. */
  send(zpl: string, options?: SendOptions): Promise<void>;
  /** Asks the printer how it is; throws PrintDriverError when it cannot be asked. */
  status(): Promise<PrinterCondition>;
}

export class PrintDriverError extends Error {
  constructor(
    readonly code: PrintErrorCode,
    readonly address: string,
    /** False only when no byte of the job can have reached the printer. */
    readonly bytesMayHaveReachedPrinter: boolean,
    /** Worth retrying later (printer away or busy), as opposed to a fault a person must fix. */
    readonly retryable: boolean,
    readonly detail?: string,
  ) {
    super(formatPrintError(code, address) + (detail ? ` (${detail})` : ''));
    this.name = 'PrintDriverError';
  }
}

/** Connection errors that mean the printer was not reached at all. */
export const UNREACHED_ERRNOS = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EADDRNOTAVAIL',
]);

export function errnoOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error
    ? String((error as { code: unknown }).code)
    : undefined;
}
