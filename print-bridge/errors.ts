// The print bridge's error codes: one list, each with what a person should do about it.
export const PRINT_ERRORS = {
  PRINT_ERR_SYNC_UNREACHABLE:
    'The sync server cannot be reached: check the network and DOCKHAND_SYNC_URL.',
  PRINT_ERR_SYNC_AUTH:
    'The sync server refused the bridge credentials: check DOCKHAND_BRIDGE_USER and DOCKHAND_BRIDGE_PASSWORD.',
  PRINT_ERR_NOT_BRIDGE: 'The bridge user lacks the "bridge" role: an admin must grant it.',
  PRINT_ERR_SYNC_SERVER: 'The sync server answered with an error: see its logs.',
  PRINT_ERR_NO_SITE_ROLE:
    'The bridge user lacks the role "site:<site>" of this bridge\'s site: an admin must grant it, or the server refuses every job state the bridge writes.',
  PRINT_ERR_SYNC_TIMEOUT:
    'The sync server stopped answering in the middle of replication: check the network; the bridge keeps retrying.',
  PRINT_ERR_SYNC_REFUSED:
    "The sync server refused a document the bridge wrote (see the detail): check the bridge user's roles and the job.",
  PRINT_ERR_SYNC_STORE:
    "The bridge's local store failed during replication: check the disk of the bridge (space, permissions).",
  // Printing. `{printer}` is replaced by HOST:PORT or the printer URI (formatPrintError).
  PRINT_ERR_PRINTER_OFFLINE:
    'The printer at {printer} does not answer: check it is on and on the network.',
  PRINT_ERR_PRINTER_TIMEOUT:
    'The printer at {printer} stopped answering while a label was being sent: check whether it printed, then reprint or dismiss the job.',
  PRINT_ERR_CONNECTION_LOST:
    'The connection to the printer at {printer} broke while a label was being sent: check whether it printed, then reprint or dismiss the job.',
  PRINT_ERR_INTERRUPTED:
    'The bridge stopped while this label was being sent: check whether it printed, then reprint or dismiss the job.',
  PRINT_ERR_PAPER_OUT: 'The printer at {printer} is out of labels: load labels.',
  PRINT_ERR_HEAD_OPEN: 'The print head of the printer at {printer} is open: close it.',
  PRINT_ERR_RIBBON_OUT: 'The printer at {printer} is out of ribbon: load a ribbon.',
  PRINT_ERR_PAUSED: 'The printer at {printer} is paused: press its pause button to resume.',
  PRINT_ERR_STATUS_UNREADABLE:
    'The printer at {printer} answered the status request with something that is not a Zebra host status: check it is a ZPL printer and the driver is right.',
  PRINT_ERR_IPP_REJECTED:
    'The printer at {printer} refused the job: see the detail, fix the printer, then reprint.',
  PRINT_ERR_IPP_BUSY: 'The printer at {printer} is busy and asked to be sent the job later.',
  PRINT_ERR_IPP_FORMAT:
    'The printer at {printer} accepts none of ZPL, octet-stream or text: use a ZPL printer or a raw queue.',
  PRINT_ERR_PRINTER_UNKNOWN:
    'The job names a printer this bridge does not know: check the printer belongs to this site.',
  PRINT_ERR_TEMPLATE_MISSING:
    'The label template of this job is not on the bridge: wait for sync, or check the template still exists.',
  PRINT_ERR_TEMPLATE_VALUES:
    'The job has no value for a field of its template: print it again from the app with every field filled.',
} as const;

export type PrintErrorCode = keyof typeof PRINT_ERRORS;

/** The message of a code, with the printer named where the message speaks of it. */
export function formatPrintError(code: PrintErrorCode, printer = 'the printer'): string {
  return PRINT_ERRORS[code].replace('{printer}', printer);
}
