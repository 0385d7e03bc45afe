// Strings between JS and pss-wasm: `encodeInto`, a JS string into wasm memory as UTF-8, and
// `evaluationFromText`, the result of `evaluate` from the flat text pss-wasm writes for it (src/evaluation.rs, `Flat`):
// one `split` and object literals of fixed shapes, about three times faster than `JSON.parse` of the
// same result as JSON. Text starting with `{` is JSON (the writer's choice when a string holds one
// of the separators) and is parsed as such.
//
// The text: fields separated by U+0000, U+0001 for null; "E", then level, version, allowed ("1" or
// ""), the message up to its forbiddenDetail (null when allowed), workloadKind, templatePath, note,
// kind, apiVersion, name, namespace, the number of violations; per violation its check, reason,
// detail and number of fields; per field its path, value and container. A value is "n" (null), "t",
// "f", "o" ({}), "i" and an integer, "s" and a string, or "l" and a count followed by that many
// strings. forbiddenReason, forbiddenDetail and the end of the message are joined here from the
// violations, as pss-core joins them (upstream's ForbiddenReason and ForbiddenDetail): the reasons
// joined by ", ", and each "reason (detail)" (the reason alone when the detail is empty) joined by ", ".
export function evaluationFromText(text) {
  if (text.charCodeAt(0) !== 69) return JSON.parse(text);
  const p = text.split("\u0000");
  let i = 1;
  const str = () => p[i++];
  const opt = () => {
    const v = p[i++];
    return v === "\u0001" ? null : v;
  };
  const value = () => {
    const v = p[i++];
    switch (v.charCodeAt(0)) {
      case 110: // n
        return null;
      case 116: // t
        return true;
      case 102: // f
        return false;
      case 111: // o
        return {};
      case 105: // i
        return Number(v.slice(1));
      case 115: // s
        return v.slice(1);
      default: {
        // l
        const n = Number(v.slice(1));
        const list = p.slice(i, i + n);
        i += n;
        return list;
      }
    }
  };
  const level = str();
  const version = str();
  const allowed = str() === "1";
  const head = opt();
  const workloadKind = str();
  const templatePath = str();
  const note = opt();
  const kind = opt();
  const apiVersion = opt();
  const name = opt();
  const namespace = opt();
  const violations = [];
  let forbiddenReason = "";
  let forbiddenDetail = "";
  for (let n = Number(str()); n > 0; n--) {
    const check = str();
    const reason = str();
    const detail = str();
    const fields = [];
    for (let m = Number(str()); m > 0; m--) fields.push({ path: str(), value: value(), container: opt() });
    if (violations.length > 0) {
      forbiddenReason += ", ";
      forbiddenDetail += ", ";
    }
    forbiddenReason += reason;
    forbiddenDetail += detail === "" ? reason : reason + " (" + detail + ")";
    violations.push({ check, reason, detail, fields });
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
