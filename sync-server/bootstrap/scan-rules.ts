// Who may void what, as far as the scans validate_doc_update can tell: ES5 rule text added to it.
// It sees only the document written, never the scan a void names, so whose scan is cancelled is
// decided where scans are read (lib/core/live-scans.ts): a void cancels another person's scan only
// when it carries a `voidReason`, and this rule makes sure only a supervisor or an admin gives one.
// https://docs.couchdb.org/en/stable/ddocs/ddocs.html#validate-document-update-functions

export const SCAN_RULES_ES5 = `
  function rules(newDoc, oldDoc, userCtx, roles, admin) {
    if (newDoc._deleted || newDoc.voidReason === undefined) return;
    if (newDoc.result !== 'void' || typeof newDoc.voids !== 'string') {
      throw { forbidden: 'Only a void event carries a voidReason.' };
    }
    if (!admin && !has(roles, 'supervisor')) {
      throw { forbidden: 'Only a supervisor or an admin voids with a reason; undo your own scan without one.' };
    }
  }
`;
