// Strings between JS and pss-wasm: `encodeInto`, a JS string into wasm memory as UTF-8, and
// `evaluationFromText`, an evaluate function's result from the flat text pss-wasm writes for it
// (src/evaluation.rs, `flat`): its fields and object literals of fixed shapes, several times faster
// than `JSON.parse` of the same result as JSON. Text starting with `{` is JSON (the writer's choice
// when a string holds the separator, and for an object that was not evaluated) and is parsed as such.
//
// Nothing here decides or words anything: every string is pss-core's, handed over as it is, and the
// tables the shape indexes (pss-core's levels, workload kinds with their template paths, and checks,
// and a few common apiVersions) are handed over by pss-wasm once (`setTables`) before the first text.
//
// The text: fields separated by U+0000. The first field, the shape, has one character per item, so
// that only strings that must be strings are fields (V8 makes a new string of each field): "E"; the
// level ("0" + its index in the levels); allowed ("1" or "0"); workloadKind ("-" for null, else "A" +
// its index in the kinds, which also gives templatePath); kind ("-" null, "+" the next field, "=" the
// workload kind's name); apiVersion ("-" null, "+" the next field, else "0" + its index in the
// apiVersions); name and namespace ("-" null, "+" the next field); then per violation "a" + the
// check's index in the checks, and per field of it the value's type ("N" null, "T" true, "F" false,
// "O" {}, "I" an integer in the next field, "S" the next field, "L" a count in the next field and
// that many fields) and its container ("-" null, "+" the next field, "=" the last one given by "+").
// The other fields, in order: version; when not allowed forbiddenReason, forbiddenDetail and message;
// the header strings marked "+"; per violation its reason and detail, per field its path, value and
// container as marked.

let LEVELS;
let KINDS;
let TEMPLATE_PATHS;
let API_VERSIONS;
let CHECKS;

// The tables, as JSON: { levels, kinds, templatePaths, apiVersions, checks } (pss-wasm's
// `tables_json`, from pss-core's lists).
export function setTables(json) {
  const t = JSON.parse(json);
  LEVELS = t.levels;
  KINDS = t.kinds;
  TEMPLATE_PATHS = t.templatePaths;
  API_VERSIONS = t.apiVersions;
  CHECKS = t.checks;
}

export function evaluationFromText(text) {
  if (text.charCodeAt(0) !== 69) return JSON.parse(text);
  // The fields are read one by one with indexOf and slice (faster than `split`, with no array); the
  // shape's characters are read from the text itself.
  const length = text.length;
  const end = text.indexOf("\u0000");
  let at = end + 1;
  const next = () => {
    let to = text.indexOf("\u0000", at);
    if (to < 0) to = length;
    const field = text.slice(at, to);
    at = to + 1;
    return field;
  };
  // "-" null, "+" the next field, anything else the value given for it.
  const opt = (k, other) => {
    const c = text.charCodeAt(k);
    return c === 45 ? null : c === 43 ? next() : other;
  };
  const level = LEVELS[text.charCodeAt(1) - 48];
  const allowed = text.charCodeAt(2) === 49;
  const w = text.charCodeAt(3);
  const workloadKind = w === 45 ? null : KINDS[w - 65];
  const templatePath = w === 45 ? "" : TEMPLATE_PATHS[w - 65];
  const version = next();
  let forbiddenReason = "";
  let forbiddenDetail = "";
  let message = null;
  if (!allowed) {
    forbiddenReason = next();
    forbiddenDetail = next();
    message = next();
  }
  const kind = opt(4, workloadKind);
  const apiVersion = opt(5, API_VERSIONS[text.charCodeAt(5) - 48]);
  const name = opt(6, null);
  const namespace = opt(7, null);
  const violations = [];
  let fields = null;
  let container = null;
  for (let k = 8; k < end; k++) {
    const c = text.charCodeAt(k);
    if (c >= 97) {
      const reason = next();
      const detail = next();
      fields = [];
      violations.push({ check: CHECKS[c - 97], reason, detail, fields });
      continue;
    }
    const path = next();
    let value;
    switch (c) {
      case 78: // N
        value = null;
        break;
      case 84: // T
        value = true;
        break;
      case 70: // F
        value = false;
        break;
      case 79: // O
        value = {};
        break;
      case 73: // I
        value = Number(next());
        break;
      case 83: // S
        value = next();
        break;
      default: {
        // L
        value = [];
        for (let n = Number(next()); n > 0; n--) value.push(next());
      }
    }
    const at = text.charCodeAt(++k);
    if (at === 45) {
      fields.push({ path, value, container: null });
    } else {
      if (at === 43) container = next();
      fields.push({ path, value, container });
    }
  }
  return {
    level,
    version,
    allowed,
    violations,
    forbiddenReason,
    forbiddenDetail,
    message,
    workloadKind,
    templatePath,
    notEvaluated: null,
    note: null,
    kind,
    apiVersion,
    name,
    namespace,
  };
}

const encoder = new TextEncoder();

// Writes `text` as UTF-8 into `into` (a view of wasm memory with room for three bytes per UTF-16 code
// unit, src/object.rs) and returns the number of bytes written.
export function encodeInto(text, into) {
  return encoder.encodeInto(text, into).written;
}
