// The view exports read a manifest's scans through on Apache CouchDB, where the embedded store's
// LevelDB reads (sync-server/exports/level-read.ts) do not exist: scans by manifest, voids apart
// (a void names a scan, possibly of another manifest, and an export needs every void). A separate
// design document from `_design/dockhand`, so changing it never touches the write rules.
// https://docs.couchdb.org/en/stable/ddocs/views/intro.html

export const EXPORT_VIEWS_DOC_ID = '_design/exports';
/** `db.query` name of the view: `<design doc>/<view>`. */
export const SCANS_BY_MANIFEST_VIEW = 'exports/scans_by_manifest';
/** The key every void is emitted under. */
export const SCANS_BY_MANIFEST_VOID_KEY = '\u0000void';

/** ES5, as every map function (CouchDB runs it in its own JavaScript engine). */
const SCANS_BY_MANIFEST_MAP = `function (doc) {
  if (doc.result === 'void') emit(${JSON.stringify(SCANS_BY_MANIFEST_VOID_KEY)}, null);
  else if (typeof doc.manifestId === 'string') emit(doc.manifestId, null);
}`;

export const SCANS_EXPORT_VIEWS_DOC = {
  _id: EXPORT_VIEWS_DOC_ID,
  language: 'javascript',
  views: { scans_by_manifest: { map: SCANS_BY_MANIFEST_MAP } },
};
