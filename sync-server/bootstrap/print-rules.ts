// Who may move a print job or touch a printer: ES5 rule text added to the validate_doc_update of
// print_jobs and printers, and the by-site replication filter a bridge pulls with.
// https://docs.couchdb.org/en/stable/ddocs/ddocs.html#validate-document-update-functions
// https://docs.couchdb.org/en/stable/ddocs/ddocs.html#filter-functions

/** The role that binds a bridge user to its site: a bridge may act only on `doc.site` jobs. */
export const siteRole = (site: string): string => `site:${site}`;

/** The design-doc filter a bridge replicates with: `filter=dockhand/by_site&site=<site>`. */
export const BY_SITE_FILTER = 'dockhand/by_site';

/** Tombstones pass too (they carry no site), so a deletion reaches the bridge's replica. */
export const BY_SITE_FILTER_ES5 = `function (doc, req) {
  if (doc._deleted) return true;
  return !!req.query && typeof req.query.site === 'string' && doc.site === req.query.site;
}`;

/** Shared helpers: deep equality of JSON values, with members to ignore at the top level. */
const SAME_ES5 = `
  function same(a, b) {
    if (a === b) return true;
    var ta = typeOf(a), tb = typeOf(b);
    if (ta !== tb || (ta !== 'object' && ta !== 'array')) return false;
    var k;
    if (ta === 'array') {
      if (a.length !== b.length) return false;
      for (k = 0; k < a.length; k++) if (!same(a[k], b[k])) return false;
      return true;
    }
    for (k in a) if (Object.prototype.hasOwnProperty.call(a, k) && !same(a[k], b[k])) return false;
    for (k in b) if (Object.prototype.hasOwnProperty.call(b, k) && !Object.prototype.hasOwnProperty.call(a, k)) return false;
    return true;
  }
  // The primary-key member is only ever a copy of _id (checked before the rules run), present or
  // not: the bridge writes a job back without it, which is no change of the job.
  function sameExcept(a, b, free) {
    var k;
    for (k in a) {
      if (!Object.prototype.hasOwnProperty.call(a, k) || k.charAt(0) === '_' || k === PRIMARY_KEY || has(free, k)) continue;
      if (!same(a[k], b[k])) return k;
    }
    for (k in b) {
      if (!Object.prototype.hasOwnProperty.call(b, k) || k.charAt(0) === '_' || k === PRIMARY_KEY || has(free, k)) continue;
      if (!Object.prototype.hasOwnProperty.call(a, k)) return k;
    }
    return null;
  }
`;

/**
 * print_jobs. A job is created `queued` by a person in their own name; the bridge of the job's site
 * (roles `bridge` + `site:<site>`) moves it from queued/printing to printing/done/failed/unknown, or
 * back to queued (a retry, or an attempt given back before a byte) — never out of done, failed or
 * unknown; a person — supervisor,
 * admin or the job's creator — reprints (failed/unknown/done → queued) or dismisses
 * (failed/unknown → dismissed), and the decision is appended to `decisions` in their name.
 * Mirrors lib/core/print-job-state.ts.
 */
export const PRINT_JOB_RULES_ES5 = `
  ${SAME_ES5}
  function rules(newDoc, oldDoc, userCtx, roles, admin, serverAdmin) {
    var person = admin || has(roles, 'supervisor') || has(roles, 'scanner');
    var fresh = !oldDoc || oldDoc._deleted;
    if (newDoc._deleted) {
      if (!admin) throw { forbidden: 'Only admins may delete print jobs.' };
      return;
    }
    if (fresh) {
      if (!person) throw { forbidden: 'Only a signed-in person creates print jobs.' };
      if (newDoc.state !== 'queued') throw { forbidden: 'A new print job must be queued.' };
      if (!serverAdmin && newDoc.createdBy !== userCtx.name) throw { forbidden: 'createdBy must be your own name (' + userCtx.name + ').' };
      if (newDoc.attempt !== 0 || newDoc.seriesAttempt !== 0 || newDoc.series !== 1 || newDoc.sendStarted !== false || newDoc.error || newDoc.doneAt || (newDoc.decisions && newDoc.decisions.length)) {
        throw { forbidden: 'A new print job starts with no attempts, errors or decisions.' };
      }
      return;
    }
    if (serverAdmin) return;
    var fixed = sameExcept(oldDoc, newDoc, ['state', 'attempt', 'seriesAttempt', 'series', 'sendStarted', 'notBefore', 'error', 'updatedAt', 'doneAt', 'decisions']);
    if (fixed) throw { forbidden: 'The ' + fixed + ' of a print job never changes.' };
    if (newDoc.attempt < oldDoc.attempt) throw { forbidden: 'The attempts of a print job only grow.' };
    var from = oldDoc.state, to = newDoc.state;
    var oldDecisions = oldDoc.decisions || [], newDecisions = newDoc.decisions || [];
    var siteBridge = has(roles, 'bridge') && has(roles, 'site:' + oldDoc.site);
    if (same(oldDecisions, newDecisions)) {
      // The bridge's moves: no decision is made, the series stays.
      if (!siteBridge) {
        if (has(roles, 'bridge')) throw { forbidden: 'Only the bridge of site ' + oldDoc.site + ' may move this job.' };
        throw { forbidden: 'Only the print bridge moves a job from ' + from + ' to ' + to + '; a person reprints or dismisses.' };
      }
      if (newDoc.series !== oldDoc.series) throw { forbidden: 'Only a reprint starts a new series.' };
      // Replication sends only a job's latest revision, so a push may skip states (queued → done):
      // the bridge may go from any state it owns (queued, printing) to any state it can reach.
      var owned = { queued: 1, printing: 1 };
      var reachable = { queued: 1, printing: 1, done: 1, failed: 1, unknown: 1 };
      if (!owned[from] || !reachable[to]) throw { forbidden: 'A bridge may not move a job from ' + from + ' to ' + to + '.' };
      if (from === 'queued' && to !== 'queued' && newDoc.attempt <= oldDoc.attempt) throw { forbidden: 'Taking a job starts the next attempt.' };
      return;
    }
    // A person's decision: exactly one appended, in their own name, from the state it was made in.
    var made = newDecisions[newDecisions.length - 1];
    var kept = oldDecisions.length < 100 ? oldDecisions : oldDecisions.slice(1);
    if (newDecisions.length !== kept.length + 1 || !same(kept, newDecisions.slice(0, kept.length))) {
      throw { forbidden: 'Decisions on a print job are only ever appended, one at a time.' };
    }
    if (!person) throw { forbidden: 'Only a person reprints or dismisses a print job.' };
    if (!admin && !has(roles, 'supervisor') && oldDoc.createdBy !== userCtx.name) {
      throw { forbidden: 'Only a supervisor, an admin or the person who made the job may reprint or dismiss it.' };
    }
    if (made.by !== userCtx.name) throw { forbidden: 'A decision is recorded in your own name (' + userCtx.name + ').' };
    if (made.fromState !== from) throw { forbidden: 'The decision must name the state it was made in (' + from + ').' };
    if (made.action === 'reprint') {
      if (from !== 'failed' && from !== 'unknown' && from !== 'done') throw { forbidden: 'Only a failed, unknown or done job is reprinted.' };
      if (to !== 'queued' || newDoc.series !== oldDoc.series + 1 || newDoc.seriesAttempt !== 0 || newDoc.sendStarted !== false) {
        throw { forbidden: 'A reprint queues the job again as a new series.' };
      }
      return;
    }
    if (from !== 'failed' && from !== 'unknown') throw { forbidden: 'Only a failed or unknown job is dismissed.' };
    if (to !== 'dismissed' || newDoc.series !== oldDoc.series) throw { forbidden: 'A dismissal closes the job as dismissed.' };
  }
`;

/** printers: admins write everything; the bridge of the printer's site writes only `status`. */
export const PRINTER_RULES_ES5 = `
  ${SAME_ES5}
  function rules(newDoc, oldDoc, userCtx, roles, admin) {
    if (admin) return;
    if (!has(roles, 'bridge')) throw { forbidden: 'Only admins edit printers.' };
    if (!oldDoc || oldDoc._deleted || newDoc._deleted) throw { forbidden: 'Only admins add or remove printers.' };
    if (!has(roles, 'site:' + oldDoc.site)) throw { forbidden: 'Only the bridge of site ' + oldDoc.site + ' writes the status of this printer.' };
    var changed = sameExcept(oldDoc, newDoc, ['status']);
    if (changed) throw { forbidden: 'A bridge writes only the status of a printer, not its ' + changed + '.' };
  }
`;
