// Compiled with tsc --noEmit against the built package's generated types (Node, CommonJS).
import pss = require("@pss/wasm");

const result: pss.Evaluation = pss.evaluate('{"spec":{"hostPID":true}}', { level: "baseline" });
const reason: string = result.forbiddenReason;
const fields: pss.FieldViolation[] = result.violations.flatMap((v) => v.fields);
const policy: pss.Policy = new pss.Policy();
console.log(reason, fields.length, policy.toString(), pss.newestCheckVersion());
