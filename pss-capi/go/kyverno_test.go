package pss_test

import (
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

func TestKyvernoPolicy(t *testing.T) {
	p, err := pss.ParseKyvernoPolicy([]byte(kyvernoPolicy))
	if err != nil {
		t.Fatal(err)
	}
	if p.Name() != "baseline-policy" || p.Kind() != "ClusterPolicy" ||
		!reflect.DeepEqual(p.RuleNames(), []string{"baseline", "autogen-baseline", "autogen-cronjob-baseline"}) {
		t.Fatalf("policy: %s %s %v", p.Name(), p.Kind(), p.RuleNames())
	}
	r, err := p.Apply(privilegedPod, "default", nil)
	if err != nil {
		t.Fatal(err)
	}
	const message = `Validation rule 'baseline' failed. It violates PodSecurity "baseline:latest": ({Allowed:false ` +
		`ForbiddenReason:privileged ForbiddenDetail:container "privileged-pod" must not set securityContext.privileged=true})`
	if !r.Blocked || r.Policy != "baseline-policy" || len(r.Rules) != 1 || r.BlockedMessage !=
		"resource Pod/default/privileged-pod was blocked due to the following policies\nbaseline-policy:\n  baseline: "+message {
		t.Fatalf("result: %+v", r)
	}
	rule := r.Rules[0]
	if rule.Name != "baseline" || rule.Status != pss.RuleFail || rule.Action != pss.ActionEnforce || !rule.Blocks ||
		rule.Message != message || len(rule.Violations) != 1 || rule.Violations[0].Check != "privileged" ||
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
}

// TestKyvernoMatchesCLI compares Apply with `pss apply --format json` on pods and a Deployment.
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
	}
	nginxHost := []byte(`{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "n"}, "spec": {"hostNetwork": true,
	  "containers": [{"name": "web", "image": "nginx:1.27", "securityContext": {"capabilities": {"add": ["NET_ADMIN"]}}},
	  {"name": "side", "image": "busybox", "securityContext": {"privileged": true}}]}}`)
	for _, doc := range []string{kyvernoPolicy, kyvernoRestricted} {
		p, err := pss.ParseKyvernoPolicy([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		policyFile := writeFile(t, dir, p.Name()+".json", []byte(doc))
		for i, object := range [][]byte{privilegedPod, baselinePod, hostPod, nginxHost, deployment} {
			for _, labels := range []map[string]string{nil, {"tier": "web"}} {
				resource := writeFile(t, dir, fmt.Sprintf("r%d.json", i), withNamespace(t, object, "prod"))
				args := []string{"apply", policyFile, "-r", resource, "--format", "json"}
				if labels != nil {
					args = append(args, "--namespace-labels", "prod=tier=web")
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
				r, err := p.Apply(object, "prod", labels)
				if err != nil {
					t.Fatal(err)
				}
				name := fmt.Sprintf("%s on resource %d with %v", p.Name(), i, labels)
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
						string(rule.Action) != nr.Action || len(rule.Violations) != len(nr.Violations) {
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
							if f.Path != nf.Path || string(f.Value) != string(nf.Value) || f.Container != container {
								t.Errorf("%s: field %+v, CLI %+v", name, f, nf)
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
	//   baseline: Validation rule 'baseline' failed. It violates PodSecurity "baseline:latest": ({Allowed:false ForbiddenReason:privileged ForbiddenDetail:container "web" must not set securityContext.privileged=true})
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
