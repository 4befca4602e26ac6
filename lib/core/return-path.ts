// Where to go after login: only same-origin app paths, never another site (open redirect).
const DEFAULT_RETURN_PATH = '/scan/';

export function safeReturnPath(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) {
    return DEFAULT_RETURN_PATH;
  }
  // The login page itself and the CouchDB API are not places to return to.
  if (next.startsWith('/login') || next.startsWith('/db/') || next.startsWith('/api/')) {
    return DEFAULT_RETURN_PATH;
  }
  if ([...next].some((c) => c.charCodeAt(0) < 0x20)) return DEFAULT_RETURN_PATH; // CR, LF, tab…
  return next;
}

export function loginPathFor(returnPath: string): string {
  return `/login/?next=${encodeURIComponent(safeReturnPath(returnPath))}`;
}
