// Strings between JS and pss-wasm: `encodeInto`, a JS string into wasm memory as UTF-8, and
// `evaluationFromText`, the result of `evaluate` from the flat text pss-wasm writes for it
// (src/evaluation.rs, `flat`): its fields and object literals of fixed shapes, several times faster
// than `JSON.parse` of the same result as JSON. Text starting with `{` is JSON (the writer's choice
// when a string holds the separator) and is parsed as such.
//
// The text: fields separated by U+0000. The first field, the shape, has one character per item, so
// that only strings that must be strings are fields (V8 makes a new string of each field): "E"; the
// level ("0" to "2" in LEVELS); allowed ("1" or "0"); workloadKind ("A" + its index in KINDS); for
// the message up to its forbiddenDetail, note, kind, apiVersion, name and namespace in turn, "-"
// (null), "+" (the next field) or "=" (kind "Pod", apiVersion "v1"); then per violation "a" + the
// check's index in CHECKS, and per field of it the value's type ("N" null, "T" true, "F" false, "O"
// {}, "I" an integer in the next field, "S" the next field, "L" a count in the next field and that
// many fields) and its container ("-" null, "+" the next field, "=" the last one given by "+").
// The other fields, in order: version, templatePath, the header strings marked "+"; per violation its
// reason and detail, per field its path, value and container as marked. forbiddenReason,
// forbiddenDetail and the end of the message are joined here as pss-core joins them (upstream's
// ForbiddenReason and ForbiddenDetail): the reasons joined by ", ", and each "reason (detail)" (the
// reason alone when the detail is empty) joined by ", ".

// pss-wasm's unit tests check these tables against the Rust side.
const LEVELS = ["privileged", "baseline", "restricted"];
const KINDS = [
  "Pod",
  "PodTemplate",
  "ReplicationController",
  "ReplicaSet",
  "Deployment",
  "StatefulSet",
  "DaemonSet",
  "Job",
  "CronJob",
];
const CHECKS = [
  "appArmorProfile",
  "capabilities_baseline",
  "hostNamespaces",
  "hostPathVolumes",
  "hostPorts",
  "hostProbesAndHostLifecycle",
  "privileged",
  "procMount",
  "seLinuxOptions",
  "seccompProfile_baseline",
  "sysctls",
  "windowsHostProcess",
  "allowPrivilegeEscalation",
  "capabilities_restricted",
  "procMount_restricted",
  "restrictedVolumes",
  "runAsNonRoot",
  "runAsUser",
  "seccompProfile_restricted",
];

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
  const level = LEVELS[text.charCodeAt(1) - 48];
  const allowed = text.charCodeAt(2) === 49;
  const workloadKind = KINDS[text.charCodeAt(3) - 65];
  const version = next();
  const templatePath = next();
  // "-" null, "+" the next field, "=" the common value.
  const opt = (k, common) => {
    const c = text.charCodeAt(k);
    return c === 45 ? null : c === 43 ? next() : common;
  };
  const head = opt(4, null);
  const note = opt(5, null);
  const kind = opt(6, "Pod");
  const apiVersion = opt(7, "v1");
  const name = opt(8, null);
  const namespace = opt(9, null);
  const violations = [];
  let forbiddenReason = "";
  let forbiddenDetail = "";
  let fields = null;
  let container = null;
  for (let k = 10; k < end; k++) {
    const c = text.charCodeAt(k);
    if (c >= 97) {
      const reason = next();
      const detail = next();
      fields = [];
      if (violations.length > 0) {
        forbiddenReason += ", ";
        forbiddenDetail += ", ";
      }
      forbiddenReason += reason;
      forbiddenDetail += detail === "" ? reason : reason + " (" + detail + ")";
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
    message: head === null ? null : head + forbiddenDetail,
    workloadKind,
    templatePath,
    note,
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
