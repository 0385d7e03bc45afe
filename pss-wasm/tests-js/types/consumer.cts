// Compiled with tsc --noEmit against the built package's generated types (Node, CommonJS).
import pss = require("@pss/wasm");

const result: pss.Evaluation = pss.evaluate('{"spec":{"hostPID":true}}', { level: "baseline" });
const reason: string = result.forbiddenReason;
const fields: pss.FieldViolation[] = result.violations.flatMap((v) => v.fields);
const lv: pss.LevelVersion = new pss.LevelVersion();
const data: pss.LevelVersionJSON = lv.toJSON();
const spec: pss.Evaluation = pss.evaluateSpec({ containers: [{ name: "c" }] }, data);
const object: pss.Evaluation = lv.evaluateObject('{"apiVersion":"v1","kind":"Service"}');
const why: pss.NotEvaluated | null = object.notEvaluated;
console.log(reason, fields.length, lv.toString(), spec.workloadKind, why, pss.newestCheckVersion());
