// Compiled with tsc --noEmit against the built package's generated types (Node, ES module).
import init, { evaluate, evaluateObject, evaluateSpec, LevelVersion, checks, parseLevel, parseLevelVersion, policyFromLabels, supportedVersions } from "@pss/wasm";
import type { Evaluation, EvaluateOptions, Exclusion, FieldValue, Level, LevelVersionJSON, LevelVersionOptions, NotEvaluated, Policy, PssError, Violation, CheckInfo, WorkloadKind } from "@pss/wasm";

await init();
const options: EvaluateOptions = { level: "restricted", version: "v1.30" };
const result: Evaluation = evaluate({ spec: { containers: [{ name: "c" }] } }, options);
const allowed: boolean = result.allowed;
const message: string | null = result.message;
const first: Violation | undefined = result.violations[0];
const value: FieldValue | undefined = first?.fields[0]?.value;
const container: string | null | undefined = first?.fields[0]?.container;
const level: Level = parseLevel("baseline");
const lv = new LevelVersion({ level });
const again: Evaluation = lv.evaluate(new Uint8Array([123, 125]));
const specOptions: LevelVersionOptions = { level: "restricted" };
const spec: Evaluation = evaluateSpec({ containers: [{ name: "c" }] }, specOptions);
const specKind: WorkloadKind | null = spec.workloadKind;
const viaClass: Evaluation = lv.evaluateSpec("{}");
const info: CheckInfo[] = checks();
const versions: string[] = supportedVersions();
const parsed: LevelVersionJSON = parseLevelVersion("baseline:v1.25");
const lvLevel: Level = parsed.level;
try {
  evaluate("{");
} catch (e) {
  const err = e as PssError;
  const kind: "syntax" | "invalidType" | string = err.kind;
  const line: number | undefined = err.line;
  console.log(err.name, err.message, kind, line, err.path);
}
const exclusions: Exclusion[] = [{ controlName: "Capabilities", images: ["nginx*"] }, { controlName: "Host Namespaces" }];
const deployment: Evaluation = evaluateObject({ apiVersion: "apps/v1", kind: "Deployment" }, { level: "baseline", exclusions });
const workloadKind: WorkloadKind | null = deployment.workloadKind;
const notEvaluated: NotEvaluated | null = deployment.notEvaluated;
const note: string | null = deployment.note;
const templatePath: string = deployment.templatePath;
const ns: Policy = policyFromLabels({ "pod-security.kubernetes.io/enforce": "baseline" }, { warn: "restricted", "warn-version": "v1.30" });
const enforceLevel: Level = ns.enforce.level;
const labelErrors: (string | null)[] = ns.errors.map((e) => e.value);
const labels: (string | null)[] = ns.errors.map((e) => e.label);
const fieldErrors: string[] | undefined = (null as unknown as PssError).errors?.map((e) => e.path);
console.log(workloadKind, notEvaluated, note, templatePath, enforceLevel, labelErrors, labels, fieldErrors, evaluate("{}", ns.enforce).allowed);
console.log(specKind, viaClass.allowed, evaluateSpec("{}", ns.enforce).allowed, new LevelVersion(ns.warn).toString());
// @ts-expect-error: a bare pod spec takes no exclusions
evaluateSpec("{}", { exclusions });
// @ts-expect-error: exclusions need a controlName
evaluate("{}", { exclusions: [{ images: ["x"] }] });
// @ts-expect-error: workload kinds are a closed set
const notAKind: WorkloadKind = "Service";
void notAKind;
// @ts-expect-error: levels are a closed set
evaluate("{}", { level: "strict" });
// @ts-expect-error: options are a closed set
evaluate("{}", { levle: "baseline" });
console.log(allowed, message, value, container, again.forbiddenDetail, info[0]?.versions, versions, lvLevel, lv.level);
