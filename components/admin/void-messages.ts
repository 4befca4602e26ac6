// Words for a void the desk could not record, each saying what to do next; the typed reason is
// always kept in the form, so pressing Confirm again after fixing the cause loses nothing.
import type { VoidReasonError, VoidWriteProblem } from '@/lib/core/scan-void';
import { VOID_REASON_MAX_LENGTH } from '@/lib/core/scan-void';

export const VOID_REASON_MESSAGES: Record<VoidReasonError, string> = {
  'reason-missing': 'Write why this scan is void: the reason is kept with it and shown in exports.',
  'reason-too-long': `Keep the reason to ${VOID_REASON_MAX_LENGTH} characters.`,
};

export const VOID_PROBLEM_MESSAGES: Record<VoidWriteProblem, string> = {
  offline:
    'Cannot reach the Dockhand server, so the scan is not voided yet. Voiding needs a connection: check it, then press Confirm void again.',
  'session-expired':
    'Your session has expired, so the server did not void the scan. Log in again in a new tab, then come back and press Confirm void again.',
  forbidden:
    'The server did not let this account void the scan. Voiding another person’s scan needs the supervisor or admin role: ask an admin for it, or log in as a supervisor in a new tab and press Confirm void again.',
  refused: 'The server did not accept this void. Check the reason, then press Confirm void again.',
  server:
    'The Dockhand server had a problem and may not have voided the scan. Press Confirm void again in a moment; it will not be voided twice.',
};
