// Compiled with tsc --noEmit against the generated types of the full build (Node, CommonJS).
import pss = require("@pss/wasm/full");

const admission: pss.Admission = new pss.Admission('{"apiVersion":"pod-security.admission.config.k8s.io/v1","kind":"PodSecurityConfiguration"}');
const decision: pss.AdmissionDecision = admission.review({ kind: "Pod", spec: {} }, { namespace: "prod", username: "me" });
const denial: string | null = decision.denial;
const annotations: Record<string, string> = decision.auditAnnotations;
const exemption: pss.Exemption | null = decision.exemption;
const enforced: pss.Violation[] = decision.enforce?.violations ?? [];
const podsDenial: string | null = decision.podsDenial;
const created: pss.Violation[] = decision.createdPods?.violations ?? [];
const once: pss.AdmissionDecision = pss.review("{}", {
  namespaceLabels: { "pod-security.kubernetes.io/enforce": "restricted" },
  admissionConfig: { apiVersion: "pod-security.admission.config.k8s.io/v1", kind: "PodSecurityConfiguration" },
});
const dryRun: pss.NamespaceReview = admission.reviewNamespace("prod", {
  labels: { "pod-security.kubernetes.io/enforce": "baseline" },
  oldLabels: null,
  pods: ['{"spec":{}}', new Uint8Array(0), { spec: {} }],
});
const warnings: string[] = dryRun.warnings;
const summary: string | null = dryRun.summary;
const check: pss.PodsCheck = dryRun.podsCheck;
const violating: number = check.type === "checked" ? check.violating : 0;
const defaults: pss.Policy = admission.defaults;
const exempt: string[] = admission.exemptions.runtimeClasses;

const policy = new pss.KyvernoPolicy({ apiVersion: "kyverno.io/v1", kind: "ClusterPolicy" });
const kind: "ClusterPolicy" | "Policy" = policy.kind;
const result: pss.PolicyResult = policy.apply("{}", { namespace: "prod", namespaceLabels: { team: "a" } });
const rule: pss.RuleResult | undefined = result.rules[0];
const status: pss.RuleStatus | undefined = rule?.status;
const action: pss.FailureAction | undefined = rule?.action;
const message: string | null = result.message;
const evaluation: pss.Evaluation = pss.evaluate("{}");
console.log(denial, annotations, exemption, enforced, podsDenial, created, once, warnings, summary, violating, defaults, exempt, kind, status, action, message, evaluation);
const old = new pss.KyvernoPolicy("{}", { kyvernoVersion: "1.11" });
const release: string = old.kyvernoVersion;
const exceptions = new pss.KyvernoExceptions(["{}", new Uint8Array(0), {}], { kyvernoVersion: "1.11" });
const keys: string[] = exceptions.keys;
const withExceptions: pss.PolicyResult = old.applyWith("{}", exceptions, { namespace: "prod" });
const predicted: string = withExceptions.kyvernoVersion;
const warning: string | null | undefined = withExceptions.rules[0]?.warning;
const admitted: pss.Violation[] | undefined = withExceptions.rules[0]?.warnings;
const unevaluated: boolean | undefined = withExceptions.rules[0]?.unevaluatedEnforce;
console.log(release, keys, predicted, warning, admitted, unevaluated);
// Manifests read as kubectl reads them (cargo feature `yaml`, in the full build).
const documents: pss.ManifestDocument[] = pss.readManifest("kind: Pod\n");
const first: pss.ManifestDocument | undefined = documents[0];
const json: string | null | undefined = first?.json;
const syntax: pss.Syntax | null | undefined = first?.syntax;
const items: pss.ManifestItem[] | null | undefined = first?.items;
const readError: pss.ManifestError | null | undefined = first?.error;
const column: number | null | undefined = readError?.column;
const checked: pss.ManifestCheck = pss.checkManifest(new Uint8Array(0), { level: "restricted", version: "v1.30" });
const record: pss.CheckResult | undefined = checked.results[0];
const field: pss.CheckedField | undefined = record?.violations[0]?.fields[0];
const fieldLine: number | undefined = field?.line;
const skipped: pss.SkippedObject | undefined = checked.skipped[0];
const problem: pss.CheckError | undefined = checked.errors[0];
const lv = new pss.LevelVersion({ level: "baseline" });
const evaluated: pss.ManifestEvaluation[] = lv.evaluateManifest("kind: Pod\n");
const place: pss.FieldPlace | undefined = evaluated[0]?.places[0];
const manifestEvaluation: pss.Evaluation | null | undefined = evaluated[0]?.evaluation;
console.log(json, syntax, items, column, fieldLine, skipped, problem, place, manifestEvaluation);
