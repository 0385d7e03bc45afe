package pss_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	pss "github.com/pss-rs/pss/pss-capi/go"
)

// The seed policy of examples/baseline-policy.yaml, as JSON.
const kyvernoPolicy = `{"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy", "metadata": {"name": "baseline-policy"},
  "spec": {"background": true, "validationFailureAction": "Enforce", "rules": [{"name": "baseline",
    "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
    "validate": {"podSecurity": {"level": "baseline", "version": "latest"}}}]}}`

// A policy with exclusions, an audit rule and a namespace selector.
const kyvernoRestricted = `{"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy", "metadata": {"name": "restricted"},
  "spec": {"validationFailureAction": "Audit", "rules": [
    {"name": "restricted", "match": {"any": [{"resources": {"kinds": ["Pod"], "namespaceSelector": {"matchLabels": {"tier": "web"}}}}]},
     "validate": {"failureAction": "Enforce", "podSecurity": {"level": "restricted", "version": "latest", "exclude": [
       {"controlName": "Capabilities", "images": ["nginx*"]},
       {"controlName": "Host Namespaces", "restrictedField": "spec.hostNetwork", "values": ["true"]}]}}},
    {"name": "audit-baseline", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
     "validate": {"podSecurity": {"level": "baseline"}}}]}}`

// TestKyvernoPolicy reads the seed policy as Kyverno 1.11 (whose messages it was written with).
func TestKyvernoPolicy(t *testing.T) {
	p, err := pss.ParseKyvernoPolicyFor([]byte(kyvernoPolicy), "1.11")
	if err != nil {
		t.Fatal(err)
	}
	if p.Name() != "baseline-policy" || p.Kind() != "ClusterPolicy" || p.KyvernoVersion() != "1.11" ||
		!reflect.DeepEqual(p.RuleNames(), []string{"baseline", "autogen-baseline", "autogen-cronjob-baseline"}) {
		t.Fatalf("policy: %s %s %v", p.Name(), p.Kind(), p.RuleNames())
	}
	r, err := p.Apply(privilegedPod, "default", nil)
	if err != nil {
		t.Fatal(err)
	}
	// Kyverno 1.11 ends each failed check with a newline; the blocked text leaves it out.
	const message = `Validation rule 'baseline' failed. It violates PodSecurity "baseline:latest": ({Allowed:false ` +
		`ForbiddenReason:privileged ForbiddenDetail:container "privileged-pod" must not set securityContext.privileged=true})`
	if !r.Blocked || r.Policy != "baseline-policy" || r.KyvernoVersion != "1.11" || len(r.Rules) != 1 || r.BlockedMessage !=
		"resource Pod/default/privileged-pod was blocked due to the following policies\nbaseline-policy:\n  baseline: "+message {
		t.Fatalf("result: %+v", r)
	}
	rule := r.Rules[0]
	if rule.Name != "baseline" || rule.Status != pss.RuleFail || rule.Action != pss.ActionEnforce || !rule.Blocks ||
		rule.Message != message+"\n" || len(rule.Violations) != 1 || rule.Violations[0].Check != "privileged" ||
		rule.Violations[0].Fields[0].Path != "spec.containers[0].securityContext.privileged" ||
		string(rule.Violations[0].Fields[0].Value) != "true" {
		t.Fatalf("rule: %+v", rule)
	}
	// A Deployment through the generated rule, which keeps the policy's action.
	r, err = p.Apply(deployment, "prod", nil)
	if err != nil || !r.Blocked || len(r.Rules) != 1 || r.Rules[0].Name != "autogen-baseline" ||
		r.Rules[0].Status != pss.RuleFail || r.Rules[0].Violations[0].Fields[0].Path != "spec.template.spec.containers[0].securityContext.privileged" ||
		!strings.HasPrefix(r.BlockedMessage, "resource Deployment/prod/") {
		t.Fatalf("deployment: %+v %v", r, err)
	}
	r, err = p.Apply([]byte(`{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}}`), "default", nil)
	if err != nil || r.Blocked || len(r.Rules) != 0 {
		t.Fatalf("service: %+v %v", r, err)
	}

	// Errors.
	for _, c := range []struct {
		doc  string
		want error
	}{
		{`{"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy", "metadata": {"name": "x"}, "spec": {"rules": [{"name": "r",
		  "match": {"any": [{"resources": {"kinds": ["Pod"]}}]}, "validate": {"podSecurity": {"level": "baseline",
		  "exclude": [{"controlName": "Privileged Containers"}]}}}]}}`, pss.ErrInvalidPolicy},
		{`{"apiVersion": "v1", "kind": "Pod"}`, pss.ErrUnexpectedKind},
		{`{"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy", "spec": {`, pss.ErrInvalidJSON},
		{"{\"kind\": \"Cluster\xffPolicy\"}", pss.ErrInvalidUTF8},
	} {
		if _, err := pss.ParseKyvernoPolicy([]byte(c.doc)); !errors.Is(err, c.want) {
			t.Errorf("%s: got %v, want %v", c.doc, err, c.want)
		}
	}
	var perr *pss.Error
	_, err = pss.ParseKyvernoPolicy([]byte(`{"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy", "metadata": {"name": "x"},
	  "spec": {"rules": [{"name": "r", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
	  "validate": {"podSecurity": {"level": "baseline", "exclude": [{"controlName": "Privileged Containers"}]}}}]}}`))
	if !errors.As(err, &perr) || perr.Path != "spec.rules[0].podSecurity.exclude[0].controlName" {
		t.Fatalf("invalid policy: %#v", err)
	}
	if _, err := p.Apply(privilegedPod[:30], "default", nil); !errors.Is(err, pss.ErrInvalidJSON) {
		t.Fatalf("truncated resource: %v", err)
	}
	if _, err := p.Apply(privilegedPod, "default", map[string]string{"k": "\xff"}); !errors.Is(err, pss.ErrInvalidUTF8) {
		t.Fatalf("labels: %v", err)
	}
	if _, err := pss.ParseKyvernoPolicyFor([]byte(kyvernoPolicy), "1.10"); !errors.Is(err, pss.ErrInvalidVersion) ||
		err.Error() != `unsupported Kyverno version "1.10": pss reproduces Kyverno 1.11 to 1.19 (MAJOR.MINOR or MAJOR.MINOR.PATCH)` {
		t.Fatalf("release: %v", err)
	}
	newest, err := pss.ParseKyvernoPolicy([]byte(kyvernoPolicy))
	if err != nil || newest.KyvernoVersion() != "1.19" {
		t.Fatalf("newest: %v %v", newest, err)
	}
}

// kyverno/kyverno test/cli/test-exceptions/exceptions-3 (v1.19.0): a PolicyException allowing the
// hostPath /var/lib1 in staging-ns; Kyverno skips the rule there (validate_pss.go's message).
const (
	psaPolicy = `{"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy", "metadata": {"name": "psa"},
	  "spec": {"rules": [{"name": "baseline", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
	  "validate": {"failureAction": "Enforce", "podSecurity": {"level": "baseline", "version": "latest"}}}]}}`
	psaException = `{"apiVersion": "kyverno.io/v2", "kind": "PolicyException",
	  "metadata": {"name": "pod-security-exception", "namespace": "policy-exception-ns"},
	  "spec": {"exceptions": [{"policyName": "psa", "ruleNames": ["baseline"]}],
	  "match": {"any": [{"resources": {"namespaces": ["staging-ns"]}}]},
	  "podSecurity": [{"controlName": "HostPath Volumes", "restrictedField": "spec.volumes[*].hostPath", "values": ["/var/lib1"]}]}}`
	hostPathPod = `{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "excluded-pod"}, "spec": {"volumes": [{"name": "host",
	  "hostPath": {"path": "/var/lib1"}}], "containers": [{"name": "nginx", "image": "nginx"}]}}`
)

func TestKyvernoExceptions(t *testing.T) {
	p, err := pss.ParseKyvernoPolicy([]byte(psaPolicy))
	if err != nil {
		t.Fatal(err)
	}
	e, err := pss.ParseKyvernoExceptions("", []byte(psaException))
	if err != nil || !reflect.DeepEqual(e.Keys(), []string{"policy-exception-ns/pod-security-exception"}) {
		t.Fatalf("exceptions: %v %v", e, err)
	}
	r, err := p.ApplyWith([]byte(hostPathPod), "staging-ns", nil, e)
	if err != nil || r.Blocked || len(r.Rules) != 1 || r.Rules[0].Status != pss.RuleSkip ||
		r.Rules[0].Message != "rule is skipped due to policy exceptions policy-exception-ns/pod-security-exception" {
		t.Fatalf("staging-ns: %+v %v", r, err)
	}
	r, err = p.ApplyWith([]byte(hostPathPod), "default", nil, e)
	if err != nil || !r.Blocked || r.Rules[0].Message != `Validation rule 'baseline' failed. It violates PodSecurity "baseline:latest": `+
		`(Forbidden reason: hostPath volumes, field error list: [spec.volumes[0].hostPath is forbidden, forbidden values found: /var/lib1])` {
		t.Fatalf("default: %+v %v", r, err)
	}
	// Kyverno 1.11 reads no kyverno.io/v2 exception; exceptions of another release are refused.
	if _, err := pss.ParseKyvernoExceptions("1.11", []byte(psaException)); !errors.Is(err, pss.ErrUnexpectedKind) ||
		!strings.HasPrefix(err.Error(), "jsons[0]: policy exception type not supported kyverno.io/v2") {
		t.Fatalf("1.11: %v", err)
	}
	old, err := pss.ParseKyvernoPolicyFor([]byte(psaPolicy), "1.11")
	if err != nil {
		t.Fatal(err)
	}
	var perr *pss.Error
	if _, err := old.ApplyWith([]byte(hostPathPod), "staging-ns", nil, e); !errors.As(err, &perr) || perr.Code != pss.CodeInvalidInput {
		t.Fatalf("mixed releases: %v", err)
	}
	if none, err := pss.ParseKyvernoExceptions("1.12"); err != nil || len(none.Keys()) != 0 {
		t.Fatalf("none: %v %v", none, err)
	}
}

// Kyverno 1.11 drops a check whole once an image exclusion covers a container: the pod is
// admitted, with a warning naming the field the standard still forbids; a validate rule pss cannot
// evaluate, with action Enforce, is flagged.
func TestKyvernoWarningsAndUnevaluatedRules(t *testing.T) {
	p, err := pss.ParseKyvernoPolicyFor([]byte(`{"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy", "metadata": {"name": "psa"},
	  "spec": {"validationFailureAction": "Enforce", "rules": [{"name": "baseline", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
	  "validate": {"podSecurity": {"level": "baseline", "version": "latest", "exclude": [{"controlName": "Capabilities", "images": ["nginx"]}]}}},
	  {"name": "labels", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]}, "validate": {"pattern": {"metadata": {"labels": {"app": "?*"}}}}}]}}`), "1.11")
	if err != nil {
		t.Fatal(err)
	}
	r, err := p.Apply([]byte(`{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "two"}, "spec": {"containers": [
	  {"name": "web", "image": "nginx", "securityContext": {"capabilities": {"add": ["SYS_ADMIN"]}}},
	  {"name": "side", "image": "busybox", "securityContext": {"capabilities": {"add": ["SYS_ADMIN"]}}}]}}`), "default", nil)
	if err != nil || r.Blocked || len(r.Rules) != 2 {
		t.Fatalf("%+v %v", r, err)
	}
	ps, pattern := r.Rules[0], r.Rules[1]
	if ps.Status != pss.RulePass || ps.Warning != `Kyverno 1.11 admits it, but it violates PodSecurity "baseline:latest": `+
		`non-default capabilities (spec.containers[1].securityContext.capabilities.add[0])` || len(ps.Warnings) != 1 ||
		ps.Warnings[0].Fields[0].Path != "spec.containers[1].securityContext.capabilities.add[0]" || ps.UnevaluatedEnforce {
		t.Fatalf("podSecurity rule: %+v", ps)
	}
	if pattern.Status != pss.RuleUnsupported || !pattern.UnevaluatedEnforce || pattern.Warning != "" {
		t.Fatalf("pattern rule: %+v", pattern)
	}
}

// TestKyvernoMatchesCLI compares Apply with `pss apply --format json` on pods and a Deployment, at
// three releases.
func TestKyvernoMatchesCLI(t *testing.T) {
	nativePss(t)
	dir := t.TempDir()
	type nativeRule struct {
		Name       string `json:"name"`
		Status     string `json:"status"`
		Message    string `json:"message"`
		Action     string `json:"action"`
		Violations []struct {
			Check  string `json:"check"`
			Fields []struct {
				Path      string          `json:"path"`
				Value     json.RawMessage `json:"value"`
				Container *string         `json:"container"`
			} `json:"fields"`
		} `json:"violations"`
		Warning  string `json:"warning"`
		Warnings []struct {
			Check string `json:"check"`
		} `json:"warnings"`
	}
	nginxHost := []byte(`{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "n"}, "spec": {"hostNetwork": true,
	  "containers": [{"name": "web", "image": "nginx:1.27", "securityContext": {"capabilities": {"add": ["NET_ADMIN"]}}},
	  {"name": "side", "image": "busybox", "securityContext": {"privileged": true}}]}}`)
	for _, release := range []string{"1.11", "1.12", "1.19"} {
		for _, doc := range []string{kyvernoPolicy, kyvernoRestricted} {
			p, err := pss.ParseKyvernoPolicyFor([]byte(doc), release)
			if err != nil {
				t.Fatal(err)
			}
			policyFile := writeFile(t, dir, p.Name()+".json", []byte(doc))
			for i, object := range [][]byte{privilegedPod, baselinePod, hostPod, nginxHost, deployment} {
				for _, labels := range []map[string]string{nil, {"tier": "web"}} {
					// In its own namespace, or in none: the CLI's default namespace. Kyverno's
					// blocking message names the namespace.
					own := "prod"
					if labels == nil {
						own = ""
					}
					object := withNamespace(t, object, own)
					ns, err := pss.ResourceNamespace(object, "default")
					if want := map[string]string{"prod": "prod", "": "default"}[own]; err != nil || ns != want {
						t.Fatalf("ResourceNamespace: %q, %v; want %q", ns, err, want)
					}
					resource := writeFile(t, dir, fmt.Sprintf("r%d.json", i), object)
					args := []string{"apply", policyFile, "-r", resource, "--format", "json", "--kyverno-version", release, "--allow-unevaluated"}
					if labels != nil {
						args = append(args, "--namespace-labels", ns+"=tier=web")
					}
					out := runPss(t, args...)
					var native struct {
						Resources []struct {
							Blocked  bool   `json:"blocked"`
							Message  string `json:"message"`
							Policies []struct {
								Policy string       `json:"policy"`
								Rules  []nativeRule `json:"rules"`
							} `json:"policies"`
						} `json:"resources"`
					}
					if err := json.Unmarshal(out, &native); err != nil || len(native.Resources) != 1 {
						t.Fatalf("pss apply output: %v\n%s", err, out)
					}
					n := native.Resources[0]
					r, err := p.Apply(object, ns, labels)
					if err != nil {
						t.Fatal(err)
					}
					name := fmt.Sprintf("%s on resource %d with %v at %s", p.Name(), i, labels, release)
					if r.Blocked != n.Blocked || r.BlockedMessage != n.Message {
						t.Errorf("%s: blocked %v %q, CLI %v %q", name, r.Blocked, r.BlockedMessage, n.Blocked, n.Message)
					}
					var nativeRules []nativeRule
					if len(n.Policies) == 1 {
						nativeRules = n.Policies[0].Rules
					}
					if len(r.Rules) != len(nativeRules) {
						t.Fatalf("%s: %d rules, CLI %d", name, len(r.Rules), len(nativeRules))
					}
					for j, rule := range r.Rules {
						nr := nativeRules[j]
						if rule.Name != nr.Name || string(rule.Status) != nr.Status || rule.Message != nr.Message ||
							string(rule.Action) != nr.Action || len(rule.Violations) != len(nr.Violations) ||
							rule.Warning != nr.Warning || len(rule.Warnings) != len(nr.Warnings) {
							t.Errorf("%s: rule %+v, CLI %+v", name, rule, nr)
							continue
						}
						for k, v := range rule.Violations {
							nv := nr.Violations[k]
							if v.Check != nv.Check || len(v.Fields) != len(nv.Fields) {
								t.Errorf("%s: violation %+v, CLI %+v", name, v, nv)
								continue
							}
							for m, f := range v.Fields {
								nf := nv.Fields[m]
								container := ""
								if nf.Container != nil {
									container = *nf.Container
								}
								// The CLI's JSON is indented: compare the values compacted.
								var value bytes.Buffer
								if err := json.Compact(&value, nf.Value); err != nil {
									t.Fatal(err)
								}
								if f.Path != nf.Path || string(f.Value) != value.String() || f.Container != container {
									t.Errorf("%s: field %+v, CLI %+v", name, f, nf)
								}
							}
						}
					}
				}
			}
		}
	}
}

func ExampleKyvernoPolicy_Apply() {
	policy, err := pss.ParseKyvernoPolicy([]byte(`{"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy",
	  "metadata": {"name": "baseline-policy"}, "spec": {"validationFailureAction": "Enforce", "rules": [{"name": "baseline",
	  "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
	  "validate": {"podSecurity": {"level": "baseline", "version": "latest"}}}]}}`))
	if err != nil {
		panic(err)
	}
	fmt.Println(policy.RuleNames())
	pod := []byte(`{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"},
	  "spec": {"containers": [{"name": "web", "image": "nginx", "securityContext": {"privileged": true}}]}}`)
	result, err := policy.Apply(pod, "default", nil)
	if err != nil {
		panic(err)
	}
	rule := result.Rules[0]
	fmt.Println(rule.Name, rule.Status, rule.Action, rule.Violations[0].Fields[0].Path)
	fmt.Println(result.BlockedMessage)
	// Output:
	// [baseline autogen-baseline autogen-cronjob-baseline]
	// baseline fail Enforce spec.containers[0].securityContext.privileged
	// resource Pod/default/web was blocked due to the following policies
	// baseline-policy:
	//   baseline: Validation rule 'baseline' failed. It violates PodSecurity "baseline:latest": (Forbidden reason: privileged, field error list: [spec.containers[0].securityContext.privileged is forbidden, forbidden values found: true])
}

// BenchmarkKyvernoApply applies a restricted podSecurity rule to the bench pods.
func BenchmarkKyvernoApply(b *testing.B) {
	p, err := pss.ParseKyvernoPolicy([]byte(strings.Replace(kyvernoPolicy, `"level": "baseline"`, `"level": "restricted"`, 1)))
	if err != nil {
		b.Fatal(err)
	}
	for _, name := range []string{"privileged.json", "restricted2.json", "large20c10v.json"} {
		b.Run(strings.TrimSuffix(name, ".json"), func(b *testing.B) {
			pod := benchPod(b, name)
			b.SetBytes(int64(len(pod)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := p.Apply(pod, "default", nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestResourceNamespace: where a resource is created, by its kind and
// metadata.namespace, however long; errors as Apply's.
func TestResourceNamespace(t *testing.T) {
	long := strings.Repeat("n", 200)
	for _, c := range []struct{ resource, want string }{
		{`{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "prod"}}`, "prod"},
		{`{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}}`, "ci"},
		{`{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"namespace": ""}}`, "ci"},
		{`{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "n", "namespace": "x"}}`, ""},
		{`{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "r"}}`, ""},
		{`{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"namespace": "pr\u006fd"}}`, "prod"},
		{`{"kind": "ConfigMap", "metadata": {"namespace": "` + long + `"}}`, long},
	} {
		got, err := pss.ResourceNamespace([]byte(c.resource), "ci")
		if err != nil || got != c.want {
			t.Errorf("%s: %q, %v; want %q", c.resource, got, err, c.want)
		}
	}
	got, err := pss.ResourceNamespace([]byte(`{"kind": "Pod", "metadata": {}}`), long)
	if err != nil || got != long {
		t.Errorf("a long default: %q, %v", got, err)
	}
	var e *pss.Error
	if _, err := pss.ResourceNamespace([]byte(`{`), "default"); !errors.As(err, &e) || e.Code != pss.CodeInvalidJSON {
		t.Errorf("invalid JSON: %v", err)
	}
	if _, err := pss.ResourceNamespace([]byte(`{"kind": "Pod"}`), "\xff"); !errors.As(err, &e) || e.Code != pss.CodeInvalidUTF8 {
		t.Errorf("invalid UTF-8: %v", err)
	}
}
