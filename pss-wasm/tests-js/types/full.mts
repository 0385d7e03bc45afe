// Compiled with tsc --noEmit against the generated types of the full build (Node, ES modules).
import init, { Admission, KyvernoPolicy, review, type AdmissionDecision } from "@pss/wasm/full";

await init();
const decision: AdmissionDecision = review({ kind: "Pod", spec: {} });
const names: string[] = new KyvernoPolicy("{}").ruleNames;
console.log(decision.warnings, names, new Admission().policyFor({}).enforce.level);
