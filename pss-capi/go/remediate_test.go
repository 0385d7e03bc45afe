package pss_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	pss "github.com/pss-rs/pss/pss-capi/go"
)

const privilegedWebPod = `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web"},"spec":{"containers":[{"name":"web","image":"nginx","securityContext":{"privileged":true}}]}}`

func TestRemediatePod(t *testing.T) {
	lv := pss.LevelVersion{Level: pss.Baseline}
	r, err := pss.Remediate([]byte(privilegedWebPod), lv)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Fixed || r.SafeOnly || r.Kind != "Pod" || r.Level != pss.Baseline || r.Version != "latest" || len(r.Unfixable) != 0 {
		t.Fatalf("%+v", r)
	}
	if len(r.Patch) != 1 {
		t.Fatalf("patch %+v", r.Patch)
	}
	op := r.Patch[0]
	if op.Op != "replace" || op.Path != "/spec/containers/0/securityContext/privileged" || string(op.Value) != "false" ||
		op.Safety != "breaking" || op.Explanation == "" {
		t.Errorf("operation %+v", op)
	}
	want := pss.Cure{Check: "privileged", Path: "spec.containers[0].securityContext.privileged", Value: json.RawMessage("true"), Container: "web"}
	if len(op.Cures) != 1 || !reflect.DeepEqual(op.Cures[0], want) {
		t.Errorf("cures %+v", op.Cures)
	}
	if string(r.PatchJSON) != `[{"op":"replace","path":"/spec/containers/0/securityContext/privileged","value":false}]` {
		t.Errorf("patch JSON %s", r.PatchJSON)
	}
	if !bytes.Contains(r.Patched, []byte(`"securityContext":{"privileged":false}`)) {
		t.Errorf("patched %s", r.Patched)
	}
	// The fixed pod passes.
	res, err := pss.Evaluate(r.Patched, lv)
	if err != nil || !res.Allowed {
		t.Errorf("the fixed pod: %+v %v", res, err)
	}

	// Safe changes only: what only a breaking change would cure is left, with why.
	r, err = pss.Remediate([]byte(privilegedWebPod), lv, pss.SafeOnly())
	if err != nil {
		t.Fatal(err)
	}
	if r.Fixed || !r.SafeOnly || len(r.Patch) != 0 || len(r.Unfixable) != 1 || r.Unfixable[0].Reason != "breaking" ||
		r.Unfixable[0].Check != "privileged" || r.Unfixable[0].Container != "web" || string(r.PatchJSON) != "[]" {
		t.Errorf("%+v", r)
	}
}

func TestRemediateSpecAndObject(t *testing.T) {
	lv := pss.LevelVersion{Level: pss.Restricted, Version: "v1.30"}
	r, err := pss.RemediateSpec([]byte(`{"hostPID":true,"containers":[{"name":"c","image":"i"}]}`), lv)
	if err != nil {
		t.Fatal(err)
	}
	paths := []string{}
	for _, op := range r.Patch {
		paths = append(paths, op.Path)
	}
	if r.Kind != "PodSpec" || !r.Fixed || strings.Join(paths, " ") != "/hostPID /containers/0/securityContext /securityContext" {
		t.Errorf("%+v", r)
	}
	cronjob := []byte(`{"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"r"},"spec":{"schedule":"@daily","jobTemplate":{"spec":{"template":{"spec":{"hostIPC":true,"containers":[{"name":"r","image":"busybox"}]}}}}}}`)
	r, err = pss.RemediateObject(cronjob, lv, pss.SafeOnly())
	if err != nil {
		t.Fatal(err)
	}
	if r.Kind != "CronJob" || r.Fixed || len(r.Unfixable) != 1 || r.Unfixable[0].Path != "spec.jobTemplate.spec.template.spec.hostIPC" {
		t.Errorf("%+v", r)
	}
}

func TestRemediateErrors(t *testing.T) {
	lv := pss.LevelVersion{Level: pss.Baseline}
	cases := []struct {
		fix  func([]byte, pss.LevelVersion, ...pss.RemediateOption) (pss.Remediation, error)
		doc  string
		want *pss.Error
	}{
		{pss.Remediate, `{"spec":{"hostPID":true,"hostPID":false}}`, pss.ErrDuplicateField},
		{pss.Remediate, `{"containers":[]}`, pss.ErrBarePodSpec},
		{pss.Remediate, `{"kind":"Deployment","apiVersion":"apps/v1"}`, pss.ErrUnexpectedKind},
		{pss.Remediate, `{"spec":`, pss.ErrInvalidJSON},
		{pss.RemediateSpec, `{"kind":"Pod","spec":{}}`, pss.ErrUnexpectedKind},
		{pss.RemediateObject, `{"apiVersion":"v1","kind":"Service"}`, pss.ErrNotAWorkload},
		{pss.RemediateObject, `{"spec":{}}`, pss.ErrNotAWorkload},
	}
	for _, c := range cases {
		if _, err := c.fix([]byte(c.doc), lv); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.doc, err, c.want.Code)
		}
	}
	if _, err := pss.Remediate([]byte(privilegedWebPod), pss.LevelVersion{Level: "strict"}); !errors.Is(err, pss.ErrInvalidLevel) {
		t.Errorf("%v", err)
	}
	if pss.CodeUnverified.String() != "the fix did not pass its re-evaluation" {
		t.Errorf("%q", pss.CodeUnverified.String())
	}
}

// TestRemediateAsThePssCommand fixes every workload of the shared entry-point
// cases given as an object, at the case's level and version, safe and breaking
// changes alike and safe ones only, and compares the fix with what
// `pss fix --format jsonl` gives for the same bytes: patch, fixed object, what is
// left and whether it passes.
func TestRemediateAsThePssCommand(t *testing.T) {
	nativePss(t)
	data, err := os.ReadFile(filepath.FromSlash(entryPointsFile))
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Cases []struct {
			Name         string
			Entry        string
			LevelVersion string
			Document     string
		}
	}
	if err := json.Unmarshal(data, &file); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	compared := 0
	for i, c := range file.Cases {
		level, version, _ := strings.Cut(c.LevelVersion, ":")
		lv := pss.LevelVersion{Level: pss.Level(level), Version: version}
		for _, safeOnly := range []bool{false, true} {
			var opts []pss.RemediateOption
			args := []string{"fix", "--format", "jsonl", "--level", level, "--version", version}
			if safeOnly {
				opts = append(opts, pss.SafeOnly())
				args = append(args, "--safe-only")
			}
			r, err := pss.RemediateObject([]byte(c.Document), lv, opts...)
			if err != nil {
				continue // not a workload, or not decoded: nothing the command fixes either
			}
			path := writeFile(t, dir, "case.json", []byte(c.Document))
			out := runPss(t, append(args, path)...)
			var record struct {
				Fixed     bool
				Patch     []pss.PatchOperation
				Object    json.RawMessage
				Unfixable []pss.Unfixable
			}
			if err := json.Unmarshal(bytes.TrimSpace(out), &record); err != nil {
				t.Errorf("%s: the command's line %q: %v", c.Name, out, err)
				continue
			}
			var got, want any
			_ = json.Unmarshal(r.Patched, &got)
			_ = json.Unmarshal(record.Object, &want)
			if record.Fixed != r.Fixed || !reflect.DeepEqual(got, want) || !sameJSON(t, r.Patch, record.Patch) ||
				!sameJSON(t, r.Unfixable, record.Unfixable) {
				t.Errorf("case %d %s (safe only %v): the package and the command differ\n package %+v\n command %s", i, c.Name, safeOnly, r, out)
			}
			compared++
		}
	}
	if compared < 10 {
		t.Errorf("only %d fixes compared", compared)
	}
}

func sameJSON(t *testing.T, a, b any) bool {
	t.Helper()
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	var va, vb any
	_ = json.Unmarshal(ja, &va)
	_ = json.Unmarshal(jb, &vb)
	return reflect.DeepEqual(va, vb)
}
