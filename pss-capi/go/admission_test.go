package pss_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	pss "github.com/pss-rs/pss/pss-capi/go"
)

// The configuration of these tests: baseline enforced, restricted warned, three exemptions.
const admissionConfig = `{"apiVersion": "pod-security.admission.config.k8s.io/v1", "kind": "PodSecurityConfiguration",
  "defaults": {"enforce": "baseline", "audit": "baseline", "warn": "restricted"},
  "exemptions": {"usernames": ["admin"], "namespaces": ["kube-system"], "runtimeClasses": ["kata"]}}`

var (
	baselinePod = []byte(`{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"},
  "spec": {"containers": [{"name": "app", "image": "nginx"}]}}`)
	kataPod = []byte(`{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "k"},
  "spec": {"runtimeClassName": "kata", "hostPID": true, "containers": [{"name": "c"}]}}`)
	hostPod = []byte(`{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "h"},
  "spec": {"hostNetwork": true, "containers": [{"name": "c", "image": "busybox"}]}}`)
)

const restrictedWarning = `would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false ` +
	`(container "app" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities ` +
	`(container "app" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container ` +
	`"app" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "app" must set ` +
	`securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")`

func newAdmission(t testing.TB) *pss.Admission {
	t.Helper()
	a, err := pss.NewAdmission([]byte(admissionConfig))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestAdmissionReview(t *testing.T) {
	a := newAdmission(t)
	want := pss.Policy{
		Enforce: pss.LevelVersion{Level: pss.Baseline, Version: "latest"},
		Audit:   pss.LevelVersion{Level: pss.Baseline, Version: "latest"},
		Warn:    pss.LevelVersion{Level: pss.Restricted, Version: "latest"},
	}
	if !reflect.DeepEqual(a.Defaults(), want) {
		t.Fatalf("defaults %v", a.Defaults())
	}

	d, err := a.Review(pss.ReviewRequest{Object: privilegedPod, Namespace: "default"})
	if err != nil {
		t.Fatal(err)
	}
	if d.Allowed || d.Denial != privilegedMessage || d.Kind != "Pod" || d.Exemption != "" || len(d.Warnings) != 0 {
		t.Fatalf("privileged: %+v", d)
	}
	if d.AuditAnnotations["pod-security.kubernetes.io/enforce-policy"] != "baseline:latest" || !reflect.DeepEqual(d.Policy, want) {
		t.Fatalf("privileged: %+v", d)
	}
	if d.Enforce == nil {
		t.Fatal("no enforce evaluation")
	}
	checkPrivileged(t, *d.Enforce)

	d, err = a.Review(pss.ReviewRequest{Object: baselinePod, Namespace: "default"})
	if err != nil || !d.Allowed || d.Denial != "" || !reflect.DeepEqual(d.Warnings, []string{restrictedWarning}) {
		t.Fatalf("baseline pod: %+v %v", d, err)
	}

	for _, c := range []struct {
		req  pss.ReviewRequest
		want pss.Exemption
	}{
		{pss.ReviewRequest{Object: privilegedPod, Namespace: "kube-system"}, pss.ExemptNamespace},
		{pss.ReviewRequest{Object: privilegedPod, Namespace: "default", Username: "admin"}, pss.ExemptUser},
		{pss.ReviewRequest{Object: kataPod, Namespace: "default"}, pss.ExemptRuntimeClass},
	} {
		d, err := a.Review(c.req)
		if err != nil || !d.Allowed || d.Exemption != c.want || d.Enforce != nil ||
			d.AuditAnnotations["pod-security.kubernetes.io/exempt"] != string(c.want) {
			t.Fatalf("%s: %+v %v", c.want, d, err)
		}
	}

	// Labels over the defaults; an invalid one gives a label error and the error annotation.
	d, err = a.Review(pss.ReviewRequest{Object: baselinePod, Namespace: "prod",
		NamespaceLabels: map[string]string{"pod-security.kubernetes.io/enforce": "restricted",
			"pod-security.kubernetes.io/audit": "strict"}})
	if err != nil || d.Allowed || d.Policy.Enforce.Level != pss.Restricted || len(d.LabelErrors) != 1 ||
		d.LabelErrors[0].Label != "pod-security.kubernetes.io/audit" ||
		!strings.HasPrefix(d.AuditAnnotations["pod-security.kubernetes.io/error"], "Failed to parse policy: ") {
		t.Fatalf("labels: %+v %v", d, err)
	}

	// A controller is warned, never denied; the pods it creates would be denied at the enforce level
	// (pss-core's verdict, in the words of EvaluateObject, paths in the Deployment).
	d, err = a.Review(pss.ReviewRequest{Object: deployment, Namespace: "default"})
	if err != nil || !d.Allowed || d.Kind != "Deployment" || len(d.Warnings) != 1 || d.Enforce != nil {
		t.Fatalf("deployment: %+v %v", d, err)
	}
	if d.PodsAllowed || d.PodsDenial != deploymentMessage || d.CreatedPods == nil ||
		d.CreatedPods.Kind != "Deployment" || d.CreatedPods.Message != deploymentMessage ||
		d.CreatedPods.Violations[0].Fields[0].Path != "spec.template.spec.containers[0].securityContext.privileged" {
		t.Fatalf("deployment's pods: %+v", d)
	}
	// A pod's pods verdict is its own; a controller's pods are exempt with the namespace, not the user.
	d, err = a.Review(pss.ReviewRequest{Object: privilegedPod, Namespace: "default"})
	if err != nil || d.PodsAllowed || d.PodsDenial != d.Denial || d.CreatedPods != nil {
		t.Fatalf("pod's pods: %+v %v", d, err)
	}
	d, err = a.Review(pss.ReviewRequest{Object: deployment, Namespace: "kube-system"})
	if err != nil || !d.PodsAllowed || d.PodsDenial != "" || d.CreatedPods != nil {
		t.Fatalf("exempt namespace: %+v %v", d, err)
	}
	d, err = a.Review(pss.ReviewRequest{Object: deployment, Namespace: "default", Username: "admin"})
	if err != nil || d.Exemption != pss.ExemptUser || d.PodsAllowed || d.PodsDenial != deploymentMessage {
		t.Fatalf("exempt user: %+v %v", d, err)
	}

	// Errors.
	_, err = a.Review(pss.ReviewRequest{Object: []byte(`{"apiVersion": "v1", "kind": "Service"}`), Namespace: "default"})
	if !errors.Is(err, pss.ErrNotAWorkload) {
		t.Fatalf("service: %v", err)
	}
	_, err = a.Review(pss.ReviewRequest{Object: []byte(`{"kind": "Pod", "spec": {"hostPID": "yes"}}`)})
	var perr *pss.Error
	if !errors.As(err, &perr) || perr.Code != pss.CodeInvalidType || perr.Path != "spec.hostPID" {
		t.Fatalf("invalid type: %v", err)
	}
	if _, err = a.Review(pss.ReviewRequest{Object: privilegedPod[:40]}); !errors.Is(err, pss.ErrInvalidJSON) {
		t.Fatalf("truncated: %v", err)
	}
	if _, err = a.Review(pss.ReviewRequest{Object: privilegedPod, Namespace: "de\xff"}); !errors.Is(err, pss.ErrInvalidUTF8) {
		t.Fatalf("namespace: %v", err)
	}
	if _, err = a.Review(pss.ReviewRequest{Object: privilegedPod,
		NamespaceLabels: map[string]string{"k\xff": "v"}}); !errors.Is(err, pss.ErrInvalidUTF8) {
		t.Fatalf("label: %v", err)
	}
}

func TestNewAdmissionErrors(t *testing.T) {
	a, err := pss.NewAdmission(nil)
	if err != nil || !reflect.DeepEqual(a.Defaults(), pss.PrivilegedEverywhere) {
		t.Fatalf("defaults: %v", err)
	}
	d, err := a.Review(pss.ReviewRequest{Object: privilegedPod, Namespace: "default"})
	if err != nil || !d.Allowed {
		t.Fatalf("privileged everywhere: %+v %v", d, err)
	}
	const head = `{"apiVersion": "pod-security.admission.config.k8s.io/v1", "kind": "PodSecurityConfiguration", `
	for _, c := range []struct {
		config string
		want   error
		text   string
	}{
		{head + `"defaults": {"enforce": "strict"}}`, pss.ErrInvalidConfig,
			`defaults.enforce: Invalid value: "strict": must be one of privileged, baseline, restricted`},
		{head + `"defaults": {"enforced": "baseline"}}`, pss.ErrUnknownField, ""},
		{head + `"kind": "PodSecurityConfiguration"}`, pss.ErrDuplicateField, ""},
		{`{"apiVersion": "v1", "kind": "Pod"}`, pss.ErrUnexpectedKind, ""},
		{head, pss.ErrInvalidJSON, ""},
	} {
		_, err := pss.NewAdmission([]byte(c.config))
		if !errors.Is(err, c.want) || (c.text != "" && err.Error() != c.text) {
			t.Errorf("%s: got %v, want %v", c.config, err, c.want)
		}
	}
}

func TestReviewNamespace(t *testing.T) {
	a, err := pss.NewAdmission(nil)
	if err != nil {
		t.Fatal(err)
	}
	pods := [][]byte{
		[]byte(`{"metadata": {"name": "b"}, "spec": {"hostNetwork": true}}`),
		[]byte(`{"metadata": {"name": "a"}, "spec": {"hostNetwork": true}}`),
		[]byte(`{"metadata": {"name": "ok"}, "spec": {}}`),
	}
	r, err := a.DryRunEnforce("prod", map[string]string{"team": "x"}, pss.Baseline, "", pods)
	want := []string{
		`existing pods in namespace "prod" violate the new PodSecurity enforce level "baseline:latest"`,
		"a (and 1 other pod): host namespaces",
	}
	if err != nil || !r.Allowed || r.Invalid != "" || !reflect.DeepEqual(r.Warnings, want) ||
		r.Policy.Enforce.Level != pss.Baseline {
		t.Fatalf("dry run: %+v %v", r, err)
	}
	// What pss-core decided about the pods, as data and in one line.
	checked := pss.PodsCheck{Kind: pss.PodsChecked, Checked: 3, Total: 3, Violating: 2}
	if r.PodsCheck != checked || r.Exempt ||
		r.Summary != `namespace "prod": 2 of 3 pods would violate the new enforce level "baseline:latest"` {
		t.Fatalf("dry run: %+v", r)
	}
	// Not stricter: nothing checked, both enforce levels given.
	r, err = a.DryRunEnforce("prod", map[string]string{"pod-security.kubernetes.io/enforce": "restricted"}, pss.Baseline,
		"", pods)
	notStricter := pss.PodsCheck{Kind: pss.PodsNotStricter, Old: pss.LevelVersion{Level: pss.Restricted, Version: "latest"},
		New: pss.LevelVersion{Level: pss.Baseline, Version: "latest"}}
	if err != nil || r.PodsCheck != notStricter || len(r.Warnings) != 0 ||
		r.Summary != `namespace "prod": the new enforce level "baseline:latest" is not stricter than "restricted:latest": 3 existing pods not checked` {
		t.Fatalf("not stricter: %+v %v", r, err)
	}
	// Creating a namespace with an invalid label.
	r, err = a.ReviewNamespace("prod", nil, map[string]string{"pod-security.kubernetes.io/enforce": "strict"}, nil)
	if err != nil || r.Allowed || len(r.LabelErrors) != 1 || r.Invalid != `Namespace "prod" is invalid: `+
		`metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted` {
		t.Fatalf("invalid: %+v %v", r, err)
	}
	if r.PodsCheck != (pss.PodsCheck{Kind: pss.PodsInvalid}) || r.Summary != "" {
		t.Fatalf("invalid: %+v", r)
	}
	// Creating one: no pods yet.
	if r, err = a.ReviewNamespace("prod", nil, nil, nil); err != nil || r.PodsCheck.Kind != pss.PodsCreation {
		t.Fatalf("creation: %+v %v", r, err)
	}
	// An exempt namespace: not checked, and said so.
	exempting, err := pss.NewAdmission([]byte(admissionConfig))
	if err != nil {
		t.Fatal(err)
	}
	r, err = exempting.DryRunEnforce("kube-system", nil, pss.Restricted, "", pods)
	if err != nil || !r.Exempt || r.PodsCheck.Kind != pss.PodsExempt {
		t.Fatalf("exempt: %+v %v", r, err)
	}
	// A malformed pod names its index.
	_, err = a.DryRunEnforce("prod", nil, pss.Restricted, "v1.30", [][]byte{pods[0], []byte(`{"spec": {"hostPID": 1}}`)})
	if !errors.Is(err, pss.ErrInvalidType) || !strings.HasPrefix(err.Error(), "pods[1]: spec.hostPID: ") {
		t.Fatalf("malformed pod: %v", err)
	}
}

func TestAdmissionConcurrent(t *testing.T) {
	a := newAdmission(t)
	policy, err := pss.ParseKyvernoPolicy([]byte(kyvernoPolicy))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for g := 0; g < 32; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				switch (g + i) % 3 {
				case 0:
					d, err := a.Review(pss.ReviewRequest{Object: privilegedPod, Namespace: "default"})
					if err != nil || d.Denial != privilegedMessage {
						errs <- fmt.Errorf("review: %+v %v", d, err)
						return
					}
				case 1:
					r, err := policy.Apply(privilegedPod, "default", nil)
					if err != nil || !r.Blocked || r.Rules[0].Violations[0].Fields[0].Path != "spec.containers[0].securityContext.privileged" {
						errs <- fmt.Errorf("apply: %+v %v", r, err)
						return
					}
				case 2:
					r, err := a.DryRunEnforce("prod", nil, pss.Restricted, "", [][]byte{hostPod})
					if err != nil || len(r.Warnings) != 2 {
						errs <- fmt.Errorf("dry run: %+v %v", r, err)
						return
					}
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// nativePss is the pss command to compare with: $PSS_CLI, or the workspace's release or debug build.
func nativePss(t *testing.T) string {
	t.Helper()
	candidates := []string{os.Getenv("PSS_CLI"), filepath.Join("..", "..", "target", "release", "pss"),
		filepath.Join("..", "..", "target", "debug", "pss")}
	for _, c := range candidates {
		if c == "" {
			continue
		}
		if st, err := os.Stat(c); err == nil && !st.IsDir() {
			abs, _ := filepath.Abs(c)
			return abs
		}
	}
	msg := "*** comparison with the pss command NOT TESTED: build it (cargo build --release -p pss-cli) or set PSS_CLI ***"
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

func runPss(t *testing.T, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(nativePss(t), args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) {
		t.Fatalf("pss %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return out
}

func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// withNamespace sets metadata.namespace of an object.
func withNamespace(t *testing.T, object []byte, namespace string) []byte {
	t.Helper()
	var o map[string]any
	if err := json.Unmarshal(object, &o); err != nil {
		t.Fatal(err)
	}
	o["metadata"].(map[string]any)["namespace"] = namespace
	out, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestReviewMatchesCLI compares Review with `pss check --format json` on pods and a Deployment in
// namespaces with labels, defaults and exemptions from the same configuration.
func TestReviewMatchesCLI(t *testing.T) {
	nativePss(t)
	dir := t.TempDir()
	config := writeFile(t, dir, "config.json", []byte(admissionConfig))
	a := newAdmission(t)
	prodLabels := map[string]string{"pod-security.kubernetes.io/enforce": "restricted",
		"pod-security.kubernetes.io/audit": "strict"}
	type object struct {
		data      []byte
		namespace string
	}
	objects := []object{
		{privilegedPod, "default"}, {baselinePod, "default"}, {kataPod, "default"}, {hostPod, "default"},
		{privilegedPod, "kube-system"}, {baselinePod, "prod"}, {hostPod, "prod"}, {deployment, "default"},
		{deployment, "prod"},
	}
	for _, user := range []string{"", "admin"} {
		for i, o := range objects {
			path := writeFile(t, dir, fmt.Sprintf("o%d.json", i), withNamespace(t, o.data, o.namespace))
			args := []string{"check", "--format", "json", "--admission-config", config,
				"--namespace-labels", "prod=pod-security.kubernetes.io/enforce=restricted,pod-security.kubernetes.io/audit=strict"}
			if user != "" {
				args = append(args, "--username", user)
			}
			var native struct {
				Results []struct {
					Kind    string `json:"kind"`
					Enforce struct {
						Allowed bool   `json:"allowed"`
						Message string `json:"message"`
					} `json:"enforce"`
					Warnings         []string          `json:"warnings"`
					AuditAnnotations map[string]string `json:"audit_annotations"`
					Exempt           *string           `json:"exempt"`
				} `json:"results"`
			}
			out := runPss(t, append(args, path)...)
			if err := json.Unmarshal(out, &native); err != nil || len(native.Results) != 1 {
				t.Fatalf("pss check output: %v\n%s", err, out)
			}
			n := native.Results[0]
			var labels map[string]string
			if o.namespace == "prod" {
				labels = prodLabels
			}
			d, err := a.Review(pss.ReviewRequest{Object: o.data, Namespace: o.namespace, NamespaceLabels: labels, Username: user})
			if err != nil {
				t.Fatal(err)
			}
			name := fmt.Sprintf("object %d in %s by %q", i, o.namespace, user)
			if d.Kind != n.Kind || !sameStrings(d.Warnings, n.Warnings) || !reflect.DeepEqual(d.AuditAnnotations, n.AuditAnnotations) {
				t.Errorf("%s: Go %+v\nCLI %+v", name, d, n)
			}
			exempt := ""
			if n.Exempt != nil {
				exempt = *n.Exempt
			}
			if string(d.Exemption) != exempt {
				t.Errorf("%s: exemption %q, CLI %q", name, d.Exemption, exempt)
			}
			// The CLI denies what a gate should: pods, and controllers whose pods would be denied (pss-core's
			// pods verdict); admission itself denies only pods.
			if d.PodsAllowed != n.Enforce.Allowed || d.PodsDenial != n.Enforce.Message {
				t.Errorf("%s: pods denial %q, CLI %q", name, d.PodsDenial, n.Enforce.Message)
			}
			if d.Kind == "Pod" && (d.Allowed != n.Enforce.Allowed || d.Denial != n.Enforce.Message || d.CreatedPods != nil) {
				t.Errorf("%s: denial %q, CLI %q", name, d.Denial, n.Enforce.Message)
			}
			if d.Kind != "Pod" && (!d.Allowed || d.Denial != "" || (d.CreatedPods != nil && d.CreatedPods.Allowed != d.PodsAllowed)) {
				t.Errorf("%s: a controller: %+v", name, d)
			}
		}
	}
}

func sameStrings(a, b []string) bool {
	return len(a) == len(b) && (len(a) == 0 || reflect.DeepEqual(a, b))
}

// TestDryRunMatchesCLI compares DryRunEnforce with `pss label-dry-run`.
func TestDryRunMatchesCLI(t *testing.T) {
	nativePss(t)
	dir := t.TempDir()
	a, err := pss.NewAdmission(nil)
	if err != nil {
		t.Fatal(err)
	}
	pods := [][]byte{privilegedPod, baselinePod, hostPod, kataPod,
		[]byte(`{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "h2"}, "spec": {"hostNetwork": true}}`)}
	var stream []byte
	for _, p := range pods {
		stream = append(stream, withNamespace(t, p, "prod")...)
		stream = append(stream, '\n')
	}
	input := writeFile(t, dir, "pods.jsonl", stream)
	for _, c := range []struct {
		level   pss.Level
		version string
		labels  map[string]string
	}{
		{pss.Baseline, "", nil},
		{pss.Restricted, "", nil},
		{pss.Restricted, "v1.25", map[string]string{"pod-security.kubernetes.io/enforce": "baseline"}},
		{pss.Baseline, "", map[string]string{"pod-security.kubernetes.io/enforce": "restricted"}},
	} {
		target := string(c.level)
		if c.version != "" {
			target += ":" + c.version
		}
		args := []string{"label-dry-run", "prod", target, input}
		if c.labels != nil {
			var kv []string
			for k, v := range c.labels {
				kv = append(kv, k+"="+v)
			}
			args = append(args, "--namespace-labels", "prod="+strings.Join(kv, ","))
		}
		var native, summary []string
		for _, line := range strings.Split(string(runPss(t, args...)), "\n") {
			if w, ok := strings.CutPrefix(line, "Warning: "); ok {
				native = append(native, w)
			} else if line != "" {
				summary = append(summary, line)
			}
		}
		r, err := a.DryRunEnforce("prod", c.labels, c.level, c.version, pods)
		if err != nil {
			t.Fatal(err)
		}
		if !sameStrings(r.Warnings, native) {
			t.Errorf("%s over %v: Go %q\nCLI %q", target, c.labels, r.Warnings, native)
		}
		// The CLI prints pss-core's summary line, which the review carries.
		if len(summary) != 1 || r.Summary != summary[0] {
			t.Errorf("%s over %v: summary %q, CLI %q", target, c.labels, r.Summary, summary)
		}
	}
}

func ExampleAdmission_Review() {
	admission, err := pss.NewAdmission([]byte(`{"apiVersion": "pod-security.admission.config.k8s.io/v1",
	  "kind": "PodSecurityConfiguration", "defaults": {"enforce": "baseline", "warn": "restricted"},
	  "exemptions": {"namespaces": ["kube-system"]}}`))
	if err != nil {
		panic(err)
	}
	pod := []byte(`{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"},
	  "spec": {"hostNetwork": true, "containers": [{"name": "app", "image": "nginx"}]}}`)
	d, err := admission.Review(pss.ReviewRequest{Object: pod, Namespace: "default"})
	if err != nil {
		panic(err)
	}
	fmt.Println(d.Allowed)
	fmt.Println(d.Denial)
	fmt.Println(d.AuditAnnotations["pod-security.kubernetes.io/enforce-policy"])
	d, _ = admission.Review(pss.ReviewRequest{Object: pod, Namespace: "kube-system"})
	fmt.Println(d.Allowed, d.Exemption)
	// Output:
	// false
	// pods "web" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true)
	// baseline:latest
	// true namespace
}

func ExampleAdmission_DryRunEnforce() {
	admission, _ := pss.NewAdmission(nil)
	pods := [][]byte{
		[]byte(`{"metadata": {"name": "db"}, "spec": {"containers": [{"name": "c", "securityContext": {"privileged": true}}]}}`),
		[]byte(`{"metadata": {"name": "web"}, "spec": {"containers": [{"name": "c"}]}}`),
	}
	review, err := admission.DryRunEnforce("prod", map[string]string{"team": "a"}, pss.Baseline, "", pods)
	if err != nil {
		panic(err)
	}
	for _, w := range review.Warnings {
		fmt.Println("Warning:", w)
	}
	// Output:
	// Warning: existing pods in namespace "prod" violate the new PodSecurity enforce level "baseline:latest"
	// Warning: db: privileged
}

func ExampleNewAdmission() {
	_, err := pss.NewAdmission([]byte(`{"apiVersion": "pod-security.admission.config.k8s.io/v1",
	  "kind": "PodSecurityConfiguration", "defaults": {"enforce": "strict"}}`))
	fmt.Println(errors.Is(err, pss.ErrInvalidConfig))
	fmt.Println(err)
	// Output:
	// true
	// defaults.enforce: Invalid value: "strict": must be one of privileged, baseline, restricted
}

// BenchmarkReview reviews the bench pods in a namespace enforcing restricted (audit and warn
// follow): the admission decision, with the API server's messages, and the enforce evaluation.
func BenchmarkReview(b *testing.B) {
	a, err := pss.NewAdmission(nil)
	if err != nil {
		b.Fatal(err)
	}
	labels := map[string]string{"pod-security.kubernetes.io/enforce": "restricted"}
	for _, name := range []string{"privileged.json", "restricted2.json", "large20c10v.json"} {
		b.Run(strings.TrimSuffix(name, ".json"), func(b *testing.B) {
			pod := benchPod(b, name)
			req := pss.ReviewRequest{Object: pod, Namespace: "prod", NamespaceLabels: labels}
			b.SetBytes(int64(len(pod)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := a.Review(req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
