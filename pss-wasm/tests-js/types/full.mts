// Compiled with tsc --noEmit against the generated types of the full build (Node, ES modules).
import init, {
  Admission,
  KyvernoPolicy,
  remediateObject,
  review,
  type AdmissionDecision,
  type PatchOperation,
  type Remediation,
} from "@pss/wasm/full";

await init();
const decision: AdmissionDecision = review({ kind: "Pod", spec: {} });
const names: string[] = new KyvernoPolicy("{}").ruleNames;
console.log(decision.warnings, names, new Admission().policyFor({}).enforce.level);
const fix: Remediation = remediateObject({ kind: "Pod", spec: {} }, { level: "restricted", safeOnly: true });
const first: PatchOperation | undefined = fix.patch[0];
const safety: "safe" | "breaking" | undefined = first?.safety;
console.log(fix.fixed, fix.unfixable.map((u) => u.reason), safety, fix.patched.spec);
