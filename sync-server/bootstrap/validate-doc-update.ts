// Builds the ES5 source of each database's validate_doc_update. ES5 because the same function must
// run on Apache CouchDB 3, whose SpiderMonkey may be old: no arrow functions, let/const or templates.
// https://docs.couchdb.org/en/stable/ddocs/ddocs.html#validate-document-update-functions
import type { DatabaseRules } from '@/lib/schema';

export interface ValidatorSpec {
  dbName: string;
  rules: DatabaseRules;
  /** The lib/schema JSON schema of the documents; its `primaryKey` is sent as `_id` by RxDB. */
  schema?: { primaryKey?: string } & Record<string, unknown>;
  /** Documents are immutable events owned by `ownerField` (non-admins only create their own). */
  immutableOwned?: { ownerField: string };
  /**
   * ES5 text defining `function rules(newDoc, oldDoc, userCtx, roles, admin, serverAdmin)`, run
   * after the role and schema checks (and for deletions); it throws `{ forbidden }` to refuse.
   */
  rulesEs5?: string;
}

/**
 * A small JSON-schema subset (type, required, enum, min/maxLength, pattern, minimum, maximum,
 * maxItems, items, properties, additionalProperties). Returns a list of problems. Kept as plain
 * ES5 text so it can be embedded in a design document; `format` is not checked.
 */
const SCHEMA_CHECK_ES5 = `
  function typeOf(v) {
    if (v === null) return 'null';
    if (Object.prototype.toString.call(v) === '[object Array]') return 'array';
    return typeof v;
  }
  function typeMatches(t, v) {
    var actual = typeOf(v);
    if (t === 'integer') return actual === 'number' && Math.floor(v) === v && isFinite(v);
    if (t === 'number') return actual === 'number' && isFinite(v);
    return actual === t;
  }
  function check(schema, v, path, errors) {
    var i, key;
    if (schema.type) {
      var types = typeOf(schema.type) === 'array' ? schema.type : [schema.type];
      var okType = false;
      for (i = 0; i < types.length; i++) if (typeMatches(types[i], v)) okType = true;
      if (!okType) { errors.push(path + ' must be ' + types.join(' or ')); return; }
    }
    if (schema['enum']) {
      var inEnum = false;
      for (i = 0; i < schema['enum'].length; i++) if (schema['enum'][i] === v) inEnum = true;
      if (!inEnum) errors.push(path + ' must be one of ' + schema['enum'].join(', '));
    }
    if (typeof v === 'string') {
      if (schema.maxLength !== undefined && v.length > schema.maxLength) errors.push(path + ' is longer than ' + schema.maxLength);
      if (schema.minLength !== undefined && v.length < schema.minLength) errors.push(path + ' is shorter than ' + schema.minLength);
      if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(v)) errors.push(path + ' does not match ' + schema.pattern);
    }
    if (typeof v === 'number') {
      if (schema.minimum !== undefined && v < schema.minimum) errors.push(path + ' is below ' + schema.minimum);
      if (schema.maximum !== undefined && v > schema.maximum) errors.push(path + ' is above ' + schema.maximum);
    }
    if (typeOf(v) === 'array') {
      if (schema.maxItems !== undefined && v.length > schema.maxItems) errors.push(path + ' has more than ' + schema.maxItems + ' items');
      if (schema.items) for (i = 0; i < v.length; i++) check(schema.items, v[i], path + '[' + i + ']', errors);
    }
    if (typeOf(v) === 'object') {
      var props = schema.properties || {};
      if (schema.required) {
        for (i = 0; i < schema.required.length; i++) {
          if (!Object.prototype.hasOwnProperty.call(v, schema.required[i])) errors.push(path + '.' + schema.required[i] + ' is required');
        }
      }
      for (key in v) {
        if (!Object.prototype.hasOwnProperty.call(v, key)) continue;
        if (Object.prototype.hasOwnProperty.call(props, key)) check(props[key], v[key], path + '.' + key, errors);
        else if (schema.additionalProperties === false) errors.push(path + '.' + key + ' is not allowed');
        else if (typeOf(schema.additionalProperties) === 'object') check(schema.additionalProperties, v[key], path + '.' + key, errors);
      }
    }
  }
`;

/** The ES5 source text of one database's validate_doc_update function. */
export function validateDocUpdateSource(spec: ValidatorSpec): string {
  const schema = spec.schema ?? null;
  const primaryKey = spec.schema?.primaryKey ?? null;
  const owner = spec.immutableOwned?.ownerField ?? null;
  return `function (newDoc, oldDoc, userCtx, secObj) {
  var DB = ${JSON.stringify(spec.dbName)};
  var WRITERS = ${JSON.stringify(spec.rules.writers)};
  var SCHEMA = ${JSON.stringify(schema)};
  var PRIMARY_KEY = ${JSON.stringify(primaryKey)};
  var OWNER_FIELD = ${JSON.stringify(owner)};
  ${SCHEMA_CHECK_ES5}
  ${spec.rulesEs5 ?? 'var rules = null;'}
  function has(list, x) {
    for (var i = 0; i < list.length; i++) if (list[i] === x) return true;
    return false;
  }
  var roles = userCtx.roles || [];
  var serverAdmin = has(roles, '_admin');
  var admin = serverAdmin || has(roles, 'admin');
  if (!userCtx.name && !serverAdmin) throw { unauthorized: 'Please log in before writing to ' + DB + '.' };
  if (!serverAdmin) {
    var writer = false;
    for (var r = 0; r < roles.length; r++) if (has(WRITERS, roles[r])) writer = true;
    if (!writer) throw { forbidden: 'Your roles may not write to ' + DB + ' (writers: ' + WRITERS.join(', ') + ').' };
  }
  if (newDoc._id.indexOf('_design/') === 0) {
    if (!admin) throw { forbidden: 'Only admins may change design documents.' };
    return;
  }
  if (OWNER_FIELD && !admin) {
    if (oldDoc && !oldDoc._deleted) throw { forbidden: 'Documents in ' + DB + ' are immutable: ' + newDoc._id + ' already exists.' };
    if (newDoc._deleted) throw { forbidden: 'Only admins may delete documents in ' + DB + '.' };
    if (newDoc[OWNER_FIELD] !== userCtx.name) throw { forbidden: OWNER_FIELD + ' must be your own name (' + userCtx.name + ').' };
  }
  if (newDoc._deleted) {
    if (rules) rules(newDoc, oldDoc, userCtx, roles, admin, serverAdmin);
    return;
  }
  if (SCHEMA) {
    var view = {};
    for (var key in newDoc) {
      if (!Object.prototype.hasOwnProperty.call(newDoc, key)) continue;
      if (key.charAt(0) === '_') continue; // CouchDB's own members: _id, _rev, _revisions, _attachments …
      view[key] = newDoc[key];
    }
    if (PRIMARY_KEY) {
      if (Object.prototype.hasOwnProperty.call(newDoc, PRIMARY_KEY) && newDoc[PRIMARY_KEY] !== newDoc._id) {
        throw { forbidden: 'Invalid ' + DB + ' document: ' + PRIMARY_KEY + ' must equal _id.' };
      }
      view[PRIMARY_KEY] = newDoc._id;
    }
    var atts = newDoc._attachments;
    if (atts && typeof atts === 'object') {
      for (var att in atts) if (Object.prototype.hasOwnProperty.call(atts, att)) throw { forbidden: 'Documents in ' + DB + ' may not have attachments.' };
    }
    var errors = [];
    check(SCHEMA, view, 'doc', errors);
    if (errors.length) throw { forbidden: 'Invalid ' + DB + ' document: ' + errors.join('; ') + '.' };
  }
  if (rules) rules(newDoc, oldDoc, userCtx, roles, admin, serverAdmin);
}`;
}
