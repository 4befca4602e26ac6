// A database's `_design/…` documents are the server's rules, not data: the CouchDB pull carries
// them like any other document, and a device must not show or match them as records.

export function isDesignDoc(id: unknown): boolean {
  return typeof id === 'string' && id.startsWith('_design/');
}

/** Keeps a pulled design document on the device as deleted (RxDB stores every pulled row). */
export function hideDesignDoc<D>(doc: D): D {
  return isDesignDoc((doc as { id?: unknown }).id) ? { ...doc, _deleted: true } : doc;
}
