// The print bridge's error codes: one list, each with what a person should do about it.
export const PRINT_ERRORS = {
  PRINT_ERR_SYNC_UNREACHABLE:
    'The sync server cannot be reached: check the network and DOCKHAND_SYNC_URL.',
  PRINT_ERR_SYNC_AUTH:
    'The sync server refused the bridge credentials: check DOCKHAND_BRIDGE_USER and DOCKHAND_BRIDGE_PASSWORD.',
  PRINT_ERR_NOT_BRIDGE: 'The bridge user lacks the "bridge" role: an admin must grant it.',
  PRINT_ERR_SYNC_SERVER: 'The sync server answered with an error: see its logs.',
} as const;

export type PrintErrorCode = keyof typeof PRINT_ERRORS;
