// Compiled with tsc --noEmit against the built package's generated types (Node, ES module).
import init, { evaluate, Policy, checks, parseLevel, parseLevelVersion, policyFromLabels, supportedVersions } from "@pss/wasm";
import type { Evaluation, EvaluateOptions, Exclusion, FieldValue, Level, NamespacePolicy, PssError, Violation, CheckInfo, WorkloadKind } from "@pss/wasm";

await init();
const options: EvaluateOptions = { level: "restricted", version: "v1.30" };
const result: Evaluation = evaluate({ spec: { containers: [{ name: "c" }] } }, options);
const allowed: boolean = result.allowed;
const message: string | null = result.message;
const first: Violation | undefined = result.violations[0];
const value: FieldValue | undefined = first?.fields[0]?.value;
const container: string | null | undefined = first?.fields[0]?.container;
const level: Level = parseLevel("baseline");
const policy = new Policy({ level });
const again: Evaluation = policy.evaluate(new Uint8Array([123, 125]));
const info: CheckInfo[] = checks();
const versions: string[] = supportedVersions();
const lv = parseLevelVersion("baseline:v1.25");
const lvLevel: Level = lv.level;
try {
  evaluate("{");
} catch (e) {
  const err = e as PssError;
  const kind: "syntax" | "invalidType" | string = err.kind;
  const line: number | undefined = err.line;
  console.log(err.name, err.message, kind, line, err.path);
}
const exclusions: Exclusion[] = [{ controlName: "Capabilities", images: ["nginx*"] }, { controlName: "Host Namespaces" }];
const deployment: Evaluation = evaluate({ apiVersion: "apps/v1", kind: "Deployment" }, { level: "baseline", exclusions });
const workloadKind: WorkloadKind = deployment.workloadKind;
const note: string | null = deployment.note;
const templatePath: string = deployment.templatePath;
const ns: NamespacePolicy = policyFromLabels({ "pod-security.kubernetes.io/enforce": "baseline" }, { warn: "restricted", "warn-version": "v1.30" });
const enforceLevel: Level = ns.enforce.level;
const labelErrors: (string | null)[] = ns.errors.map((e) => e.value);
const fieldErrors: string[] | undefined = (null as unknown as PssError).errors?.map((e) => e.path);
console.log(workloadKind, note, templatePath, enforceLevel, labelErrors, fieldErrors, evaluate("{}", ns.enforce).allowed);
// @ts-expect-error: exclusions need a controlName
evaluate("{}", { exclusions: [{ images: ["x"] }] });
// @ts-expect-error: workload kinds are a closed set
const notAKind: WorkloadKind = "Service";
void notAKind;
// @ts-expect-error: levels are a closed set
evaluate("{}", { level: "strict" });
// @ts-expect-error: options are a closed set
evaluate("{}", { levle: "baseline" });
console.log(allowed, message, value, container, again.forbiddenDetail, info[0]?.versions, versions, lvLevel, policy.level);
