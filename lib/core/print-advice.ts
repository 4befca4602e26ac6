// Plain words for printing: a printer's status, a job's state and a template's error, each with
// what a person should do about it. Pure, so the admin pages and the scan page say the same.
import type { PrintJob } from '../schema/print-job';
import type { PrinterStatus } from '../schema/printer';
import { PRINT_ERR_REFUSED } from './print-job-state';
import type { ZplTemplateError } from './zpl';

export type Tone = 'ok' | 'busy' | 'warn' | 'bad' | 'muted';

export interface Advice {
  label: string;
  tone: Tone;
  /** What to do; absent when nothing needs doing. */
  todo?: string;
}

/** A printer with no status yet has not been probed by its site's bridge. */
export function printerAdvice(status: PrinterStatus | undefined): Advice {
  if (!status) {
    return {
      label: 'Not checked yet',
      tone: 'muted',
      todo: 'The print bridge of this site has not reported on this printer. Check that the bridge is running and online.',
    };
  }
  switch (status.state) {
    case 'ready':
      return { label: 'Online', tone: 'ok' };
    case 'printing':
      return { label: 'Printing', tone: 'busy' };
    case 'offline':
      return {
        label: 'Offline',
        tone: 'bad',
        todo: 'Check that the printer is switched on and its network cable or Wi-Fi is connected, and that the host and port are right. Jobs wait and print when it is back.',
      };
    case 'paper-out':
      return {
        label: 'Paper out',
        tone: 'bad',
        todo: 'Load a new roll of labels, close the lid and press Feed once. Waiting jobs then print.',
      };
    case 'head-open':
      return {
        label: 'Head open',
        tone: 'bad',
        todo: 'Close the print head (the lid) firmly until it clicks.',
      };
    case 'ribbon-out':
      return { label: 'Ribbon out', tone: 'bad', todo: 'Load a new ribbon.' };
    case 'paused':
      return {
        label: 'Paused',
        tone: 'warn',
        todo: 'Press the Pause button on the printer to resume printing.',
      };
  }
}

/** A job's state for people, with what to do when it needs someone. */
export function jobAdvice(
  job: Pick<PrintJob, 'state' | 'error' | 'notBefore' | 'attempt'>,
): Advice {
  switch (job.state) {
    case 'queued':
      return job.error
        ? {
            label: 'Waiting to retry',
            tone: 'warn',
            todo: `Last try failed: ${job.error.message} It is tried again automatically.`,
          }
        : { label: 'Queued', tone: 'busy' };
    case 'printing':
      return { label: 'Printing', tone: 'busy' };
    case 'done':
      return { label: 'Printed', tone: 'ok' };
    case 'failed':
      if (job.error?.code === PRINT_ERR_REFUSED) {
        return {
          label: 'Refused by the server',
          tone: 'bad',
          todo: `The server did not accept this job, so it was not printed: ${job.error.message} It is kept on this device. Ask an admin to check your account and the printer's site (or log in as the person who made it), then press Send again — or Dismiss it.`,
        };
      }
      return {
        label: 'Failed',
        tone: 'bad',
        todo: `${job.error?.message ?? 'The printer did not take the label.'} Fix the printer, then press Reprint (or Dismiss if it is not needed).`,
      };
    case 'unknown':
      return {
        label: 'Unknown — check the printer',
        tone: 'warn',
        todo: 'The label may or may not have printed. Look at the printer: if it printed, press Dismiss; if not, press Reprint.',
      };
    case 'dismissed':
      return { label: 'Dismissed', tone: 'muted' };
  }
}

const TEMPLATE_ERRORS: Record<ZplTemplateError, string> = {
  'no-label-start':
    'The template has no ^XA, so a printer would not see a label. Start it with ^XA and end it with ^XZ.',
  'slot-outside-field':
    'A {{field}} slot is outside field data. Put every slot between ^FD and ^FS.',
  'unclosed-field': 'A field (^FD) is not closed. End it with ^FS.',
  'bad-slot-name':
    'A slot name is not allowed. Use letters, digits, dots and underscores, starting with a letter, e.g. {{waybill}}.',
  'conflicting-encoding':
    'The template sets an encoding other than UTF-8. Remove the ^CI command or use ^CI28.',
  'unsupported-escape-character':
    'A field with slots uses ^FH with an escape character other than _. Use ^FH_ or plain ^FH.',
};

export function templateErrorText(error: ZplTemplateError, at?: number): string {
  return at === undefined
    ? TEMPLATE_ERRORS[error]
    : `${TEMPLATE_ERRORS[error]} (at character ${at + 1})`;
}

/** Who may reprint or dismiss (the server checks too): supervisors, admins and the creator. */
export function mayDecide(
  job: Pick<PrintJob, 'createdBy'>,
  user: string | null,
  roles: readonly string[],
): boolean {
  if (!user) return false;
  if (roles.some((r) => r === '_admin' || r === 'admin' || r === 'supervisor')) return true;
  return job.createdBy === user;
}
