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

var deployment = []byte(`{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"prod"},` +
	`"spec":{"replicas":3,"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":` +
	`[{"name":"app","image":"nginx:1.27","securityContext":{"privileged":true}}]}}}}`)

const deploymentMessage = `deployments "web" (pods it creates would be denied): violates PodSecurity ` +
	`"baseline:latest": privileged (container "app" must not set securityContext.privileged=true)`

// asDeployment wraps a pod's metadata and spec into a Deployment's template.
func asDeployment(t testing.TB, pod []byte) []byte {
	t.Helper()
	var p struct {
		Metadata json.RawMessage `json:"metadata"`
		Spec     json.RawMessage `json:"spec"`
	}
	if err := json.Unmarshal(pod, &p); err != nil {
		t.Fatal(err)
	}
	template := map[string]json.RawMessage{}
	if p.Metadata != nil {
		template["metadata"] = p.Metadata
	}
	if p.Spec != nil {
		template["spec"] = p.Spec
	}
	out, err := json.Marshal(map[string]any{
		"apiVersion": "apps/v1",
		"kind":       "Deployment",
		"metadata":   map[string]string{"name": "d"},
		"spec":       map[string]any{"template": template},
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestWorkloads(t *testing.T) {
	r, err := pss.EvaluateObject(deployment, pss.LevelVersion{Level: pss.Baseline})
	if err != nil {
		t.Fatal(err)
	}
	if r.Allowed || r.Kind != "Deployment" || r.TemplateAbsent || r.PodName != "web" || r.Reason != "privileged" ||
		r.Message != deploymentMessage || len(r.Violations) != 1 {
		t.Fatalf("%+v", r)
	}
	if f := r.Violations[0].Fields[0]; f.Path != "spec.template.spec.containers[0].securityContext.privileged" ||
		string(f.Value) != "true" || f.Container != "app" {
		t.Fatalf("%+v", f)
	}

	kinds := []struct{ object, kind, path string }{
		{`{"apiVersion":"v1","kind":"Pod","spec":{"hostIPC":true}}`, "Pod", "spec.hostIPC"},
		{`{"apiVersion":"v1","kind":"PodTemplate","template":{"spec":{"hostIPC":true}}}`, "PodTemplate", "template.spec.hostIPC"},
		{`{"kind":"ReplicationController","spec":{"template":{"spec":{"hostIPC":true}}}}`, "ReplicationController", "spec.template.spec.hostIPC"},
		{`{"apiVersion":"apps/v1","kind":"ReplicaSet","spec":{"template":{"spec":{"hostIPC":true}}}}`, "ReplicaSet", "spec.template.spec.hostIPC"},
		{`{"apiVersion":"apps/v1","kind":"StatefulSet","spec":{"template":{"spec":{"hostIPC":true}}}}`, "StatefulSet", "spec.template.spec.hostIPC"},
		{`{"apiVersion":"apps/v1","kind":"DaemonSet","spec":{"template":{"spec":{"hostIPC":true}}}}`, "DaemonSet", "spec.template.spec.hostIPC"},
		{`{"apiVersion":"batch/v1","kind":"Job","spec":{"template":{"spec":{"hostIPC":true}}}}`, "Job", "spec.template.spec.hostIPC"},
		{`{"apiVersion":"batch/v1","kind":"CronJob","spec":{"jobTemplate":{"spec":{"template":{"spec":{"hostIPC":true}}}}}}`,
			"CronJob", "spec.jobTemplate.spec.template.spec.hostIPC"},
	}
	for _, k := range kinds {
		r, err := pss.EvaluateObject([]byte(k.object), pss.LevelVersion{Level: pss.Baseline, Version: "v1.30"})
		if err != nil {
			t.Fatalf("%s: %v", k.kind, err)
		}
		if r.Kind != k.kind || r.Reason != "host namespaces" || r.Violations[0].Fields[0].Path != k.path {
			t.Fatalf("%s: %+v", k.kind, r)
		}
	}

	// The pod functions take pods: another kind is an error, never its spec read as a pod's.
	_, err = pss.Evaluate(deployment, pss.LevelVersion{Level: pss.Baseline})
	var kindErr *pss.Error
	if !errors.Is(err, pss.ErrUnexpectedKind) || !errors.As(err, &kindErr) || kindErr.Path != "kind" {
		t.Fatalf("%#v", err)
	}

	// A ReplicationController without a template is allowed, as upstream allows it.
	r, err = pss.EvaluateObject([]byte(`{"kind":"ReplicationController","metadata":{"name":"rc"},"spec":{}}`),
		pss.LevelVersion{Level: pss.Restricted})
	if err != nil || !r.Allowed || !r.TemplateAbsent || r.Kind != "ReplicationController" || r.Violations != nil {
		t.Fatalf("%+v %v", r, err)
	}

	for object, message := range map[string]string{
		`{"apiVersion":"v1","kind":"Service"}`:                "no pod template: Service is not a pod or a pod controller",
		`{"spec":{"containers":[]}}`:                          "no kind: not a Kubernetes object (kubectl and the API server refuse it), so it is not evaluated",
		`{"apiVersion":"example.com/v1","kind":"Deployment"}`: "no pod template: Deployment is not a pod or a pod controller",
	} {
		_, err := pss.EvaluateObject([]byte(object), pss.LevelVersion{Level: pss.Baseline})
		var e *pss.Error
		if !errors.Is(err, pss.ErrNotAWorkload) || !errors.As(err, &e) || e.Message != message ||
			err.Error() != message || e.Code != pss.CodeNotAWorkload || errors.Is(err, pss.ErrInvalidJSON) {
			t.Fatalf("%s: %#v", object, err)
		}
	}
	_, err = pss.EvaluateObject([]byte(`{"kind":"Job","spec":{"template":{"spec":{"hostPID":"yes"}}}}`),
		pss.LevelVersion{Level: pss.Baseline})
	var e *pss.Error
	if !errors.Is(err, pss.ErrInvalidType) || !errors.As(err, &e) || e.Path != "spec.template.spec.hostPID" {
		t.Fatalf("%#v", err)
	}
	if _, err := pss.EvaluateObject(deployment, pss.LevelVersion{Level: "Baseline"}); !errors.Is(err, pss.ErrInvalidLevel) {
		t.Fatal(err)
	}
}

func TestExclusions(t *testing.T) {
	pod := []byte(`{"metadata":{"name":"two"},"spec":{"hostNetwork":true,"containers":[` +
		`{"name":"a","image":"nginx:1.27","securityContext":{"privileged":true}},` +
		`{"name":"b","image":"busybox","securityContext":{"privileged":true,"capabilities":{"add":["NET_ADMIN"]}}}]}}`)
	baseline := pss.LevelVersion{Level: pss.Baseline}
	exclusions := []pss.Exclusion{
		{ControlName: "Privileged Containers", Images: []string{"nginx*"}},
		{ControlName: "Host Namespaces", RestrictedField: "spec.hostNetwork", Values: []string{"true"}},
		{ControlName: "Capabilities", Images: []string{"*"},
			RestrictedField: "spec.containers[*].securityContext.capabilities.add", Values: []string{"NET_ADMIN"}},
	}
	for _, e := range exclusions {
		if err := e.Validate(); err != nil {
			t.Fatal(err)
		}
	}
	r, err := pss.Evaluate(pod, baseline, pss.WithExclusions(exclusions...))
	if err != nil {
		t.Fatal(err)
	}
	if r.Reason != "privileged" || len(r.Violations[0].Fields) != 1 ||
		r.Violations[0].Fields[0].Path != "spec.containers[1].securityContext.privileged" ||
		r.Violations[0].Detail != `containers "a", "b" must not set securityContext.privileged=true` {
		t.Fatalf("%+v", r)
	}
	// The same through a workload: restricted fields are relative to the template.
	r, err = pss.EvaluateObject(asDeployment(t, pod), baseline, pss.WithExclusions(exclusions...))
	if err != nil || r.Reason != "privileged" ||
		r.Violations[0].Fields[0].Path != "spec.template.spec.containers[1].securityContext.privileged" {
		t.Fatalf("%+v %v", r, err)
	}
	// Without exclusions nothing is dropped; options add up.
	if r, err := pss.Evaluate(pod, baseline); err != nil || len(r.Violations) != 3 {
		t.Fatalf("%+v %v", r, err)
	}
	r, err = pss.Evaluate(pod, baseline, pss.WithExclusions(exclusions[0]), pss.WithExclusions(exclusions[1:]...))
	if err != nil || r.Reason != "privileged" || len(r.Violations[0].Fields) != 1 {
		t.Fatalf("%+v %v", r, err)
	}
	// A bare pod spec takes no exclusions (their fields are relative to a pod), and says so.
	if _, err := pss.EvaluateSpec([]byte(`{"hostNetwork":true}`), baseline, pss.WithExclusions(exclusions[1])); !errors.Is(err, pss.ErrInvalidInput) {
		t.Fatal(err)
	}

	bad := []struct {
		exclusion pss.Exclusion
		message   string
		path      string
	}{
		{pss.Exclusion{ControlName: "Privileged Containers"},
			`controlName: Invalid value: "Privileged Containers": exclude.images must be specified for the container level control`,
			"controlName"},
		{pss.Exclusion{ControlName: "Host Namespaces", Images: []string{"x"}},
			`controlName: Invalid value: "Host Namespaces": exclude.images must not be specified for the pod level control`,
			"controlName"},
		{pss.Exclusion{ControlName: "Host Namespaces", RestrictedField: "spec.hostNetwork"},
			"values: Forbidden: values is required", "values"},
		{pss.Exclusion{ControlName: "Host Namespaces", Values: []string{"true"}},
			"restrictedField: Forbidden: restrictedField is required", "restrictedField"},
		{pss.Exclusion{ControlName: "Privileged Containers", RestrictedField: "spec.x"},
			`[controlName: Invalid value: "Privileged Containers": exclude.images must be specified for the container ` +
				`level control, values: Forbidden: values is required]`, ""},
	}
	for _, b := range bad {
		for _, err := range []error{
			b.exclusion.Validate(),
			func() error {
				_, err := pss.Evaluate(pod, baseline, pss.WithExclusions(b.exclusion))
				return err
			}(),
			func() error {
				_, err := pss.EvaluateObject(deployment, pss.LevelVersion{Level: pss.Restricted},
					pss.WithExclusions(exclusions[0], b.exclusion))
				return err
			}(),
		} {
			var e *pss.Error
			if !errors.Is(err, pss.ErrInvalidExclusion) || !errors.As(err, &e) || e.Message != b.message ||
				err.Error() != b.message || e.Path != b.path {
				t.Fatalf("%+v: %#v", b.exclusion, err)
			}
		}
	}
	err = pss.Exclusion{ControlName: "Privileged", Images: []string{"x"}}.Validate()
	if !errors.Is(err, pss.ErrInvalidExclusion) ||
		!strings.HasPrefix(err.Error(), `controlName: Unsupported value: "Privileged": supported values: `) ||
		!strings.Contains(err.Error(), `"Privileged Containers"`) {
		t.Fatal(err)
	}
	if err := (pss.Exclusion{ControlName: "Capabilities", Images: []string{"\xff"}}).Validate(); !errors.Is(err, pss.ErrInvalidUTF8) {
		t.Fatal(err)
	}
}

func TestPolicyFromLabels(t *testing.T) {
	np, errs := pss.PolicyFromLabels(nil)
	if !reflect.DeepEqual(np, pss.PrivilegedEverywhere) || errs != nil {
		t.Fatalf("%v %v", np, errs)
	}
	np, errs = pss.PolicyFromLabels(map[string]string{
		"app":                                "web",
		"pod-security.kubernetes.io/enforce": "baseline",
		"pod-security.kubernetes.io/enforce-version": "v1.29",
		"pod-security.kubernetes.io/audit":           "strict",
	})
	want := pss.Policy{
		Enforce: pss.LevelVersion{Level: pss.Baseline, Version: "v1.29"},
		Audit:   pss.LevelVersion{Level: pss.Privileged, Version: "latest"},
		Warn:    pss.LevelVersion{Level: pss.Baseline, Version: "v1.29"},
	}
	if !reflect.DeepEqual(np, want) || np.String() != "enforce=baseline:v1.29, audit=privileged:latest, warn=baseline:v1.29" {
		t.Fatalf("%v", np)
	}
	if len(errs) != 1 || errs[0].Label != "pod-security.kubernetes.io/audit" || errs[0].Value != "strict" ||
		errs[0].Detail != "must be one of privileged, baseline, restricted" ||
		errs[0].Error() != `metadata.labels[pod-security.kubernetes.io/audit]: Invalid value: "strict": must be one of privileged, baseline, restricted` {
		t.Fatalf("%#v", errs)
	}
	var asErr error = errs[0]
	if asErr.Error() == "" {
		t.Fatal("LabelError is an error")
	}

	// Every label invalid: enforce fails closed, audit and warn open; errors in upstream's order.
	np, errs = pss.PolicyFromLabels(map[string]string{
		"pod-security.kubernetes.io/enforce":         "strict",
		"pod-security.kubernetes.io/enforce-version": "v2.0",
		"pod-security.kubernetes.io/audit":           "",
		"pod-security.kubernetes.io/audit-version":   "1.25",
		"pod-security.kubernetes.io/warn":            "Baseline",
		"pod-security.kubernetes.io/warn-version":    "v1.05",
	})
	if np.String() != "enforce=restricted:latest, audit=privileged:latest, warn=privileged:latest" || len(errs) != 6 {
		t.Fatalf("%v %v", np, errs)
	}
	var labels []string
	for _, e := range errs {
		labels = append(labels, strings.TrimPrefix(e.Label, "pod-security.kubernetes.io/")+"="+e.Value)
	}
	if got := strings.Join(labels, " "); got != "enforce=strict enforce-version=v2.0 audit= audit-version=1.25 warn=Baseline warn-version=v1.05" {
		t.Fatal(got)
	}

	// Bytes that are not UTF-8 are an invalid value, never a failure.
	np, errs = pss.PolicyFromLabels(map[string]string{"pod-security.kubernetes.io/enforce": "base\xffline"})
	if np.Enforce.Level != pss.Restricted || len(errs) != 1 || errs[0].Value != "base\uFFFDline" {
		t.Fatalf("%v %#v", np, errs)
	}

	// Defaults, as an admission configuration gives them.
	defaults := pss.Policy{
		Enforce: pss.LevelVersion{Level: pss.Restricted, Version: "v1.30"},
		Audit:   pss.LevelVersion{Level: pss.Baseline},
		Warn:    pss.LevelVersion{Level: pss.Restricted},
	}
	np, errs, err := pss.PolicyFromLabelsWithDefaults(map[string]string{"pod-security.kubernetes.io/audit": "restricted"}, defaults)
	if err != nil || errs != nil || np.String() != "enforce=restricted:v1.30, audit=restricted:latest, warn=restricted:latest" {
		t.Fatalf("%v %v %v", np, errs, err)
	}
	defaults.Audit.Version = "v1.05"
	_, _, err = pss.PolicyFromLabelsWithDefaults(nil, defaults)
	if !errors.Is(err, pss.ErrInvalidVersion) {
		t.Fatal(err)
	}
	defaults.Audit = pss.LevelVersion{Level: "Baseline"}
	if _, _, err := pss.PolicyFromLabelsWithDefaults(nil, defaults); !errors.Is(err, pss.ErrInvalidLevel) {
		t.Fatal(err)
	}

	// The policies evaluate like any other.
	np, _ = pss.PolicyFromLabels(map[string]string{"pod-security.kubernetes.io/enforce": "baseline"})
	r, err := pss.EvaluateObject(deployment, np.Enforce)
	if err != nil || r.Message != deploymentMessage {
		t.Fatalf("%+v %v", r, err)
	}
}

func TestNewCodes(t *testing.T) {
	if uint32(pss.CodeNotAWorkload) != 16 || uint32(pss.CodeInvalidExclusion) != 17 {
		t.Fatal("code numbers changed")
	}
	if s := pss.CodeNotAWorkload.String(); s != "the object is not a pod or a pod controller" {
		t.Fatal(s)
	}
	if s := pss.ErrInvalidExclusion.Error(); s != "invalid exclusion" {
		t.Fatal(s)
	}
}

// Each Deployment gets exactly the verdict of its pod, with the paths moved into the template.
func TestWorkloadsMatchPods(t *testing.T) {
	for _, pod := range [][]byte{privilegedPod,
		[]byte(`{"metadata":{"annotations":{"container.apparmor.security.beta.kubernetes.io/c":"unconfined"}},` +
			`"spec":{"hostNetwork":true,"initContainers":[{"name":"i","securityContext":{"runAsUser":0}}],` +
			`"containers":[{"name":"c","ports":[{"hostPort":80}]}],"volumes":[{"name":"h","hostPath":{"path":"/"}}]}}`)} {
		for _, level := range []pss.Level{pss.Baseline, pss.Restricted} {
			policy := pss.LevelVersion{Level: level, Version: "latest"}
			p, err := pss.Evaluate(pod, policy)
			if err != nil {
				t.Fatal(err)
			}
			d, err := pss.EvaluateObject(asDeployment(t, pod), policy)
			if err != nil {
				t.Fatal(err)
			}
			for i := range p.Violations {
				for j := range p.Violations[i].Fields {
					f := &p.Violations[i].Fields[j]
					f.Path = "spec.template." + f.Path
				}
			}
			p.Kind, p.PodName, p.Message = d.Kind, d.PodName, d.Message
			if !reflect.DeepEqual(p, d) {
				t.Fatalf("%s:\npod        %+v\ndeployment %+v", level, p, d)
			}
		}
	}
}

func ExampleEvaluateObject() {
	deployment := []byte(`{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
	  "spec": {"template": {"spec": {"containers": [{"name": "app", "securityContext": {"privileged": true}}]}}}}`)
	result, err := pss.EvaluateObject(deployment, pss.LevelVersion{Level: pss.Baseline})
	if err != nil {
		panic(err)
	}
	fmt.Println(result.Kind, result.Allowed)
	fmt.Println(result.Violations[0].Fields[0].Path)
	fmt.Println(result.Message)

	_, err = pss.EvaluateObject([]byte(`{"apiVersion": "v1", "kind": "Service"}`), pss.LevelVersion{Level: pss.Baseline})
	fmt.Println(errors.Is(err, pss.ErrNotAWorkload), err)
	// Output:
	// Deployment false
	// spec.template.spec.containers[0].securityContext.privileged
	// deployments "web" (pods it creates would be denied): violates PodSecurity "baseline:latest": privileged (container "app" must not set securityContext.privileged=true)
	// true no pod template: Service is not a pod or a pod controller
}

func ExampleExclusion() {
	pod := []byte(`{"spec": {"containers": [
	  {"name": "proxy", "image": "envoyproxy/envoy:v1.31", "securityContext": {"capabilities": {"add": ["NET_ADMIN"]}}},
	  {"name": "app", "image": "app:1.0", "securityContext": {"capabilities": {"add": ["NET_ADMIN"]}}}]}}`)
	envoy := pss.Exclusion{
		ControlName:     "Capabilities",
		Images:          []string{"envoyproxy/*"},
		RestrictedField: "spec.containers[*].securityContext.capabilities.add",
		Values:          []string{"NET_ADMIN"},
	}
	result, err := pss.Evaluate(pod, pss.LevelVersion{Level: pss.Baseline}, pss.WithExclusions(envoy))
	if err != nil {
		panic(err)
	}
	for _, v := range result.Violations {
		for _, f := range v.Fields {
			fmt.Println(v.Check, f.Container, f.Path)
		}
	}
	// Output:
	// capabilities_baseline app spec.containers[1].securityContext.capabilities.add[0]
}

func ExampleExclusion_Validate() {
	err := pss.Exclusion{ControlName: "Privileged Containers"}.Validate()
	fmt.Println(errors.Is(err, pss.ErrInvalidExclusion))
	fmt.Println(err)
	// Output:
	// true
	// controlName: Invalid value: "Privileged Containers": exclude.images must be specified for the container level control
}

func ExamplePolicyFromLabels() {
	policy, errs := pss.PolicyFromLabels(map[string]string{
		"pod-security.kubernetes.io/enforce": "baseline",
		"pod-security.kubernetes.io/audit":   "strict",
	})
	fmt.Println(policy)
	for _, e := range errs {
		fmt.Println(e)
	}
	result, err := pss.Evaluate(privilegedPod, policy.Enforce)
	if err != nil {
		panic(err)
	}
	fmt.Println(result.Allowed)
	// Output:
	// enforce=baseline:latest, audit=privileged:latest, warn=baseline:latest
	// metadata.labels[pod-security.kubernetes.io/audit]: Invalid value: "strict": must be one of privileged, baseline, restricted
	// false
}
