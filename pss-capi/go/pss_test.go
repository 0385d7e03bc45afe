package pss_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	pss "github.com/pss-rs/pss/pss-capi/go"
)

// sharedDir is ../shared next to the repository (or $PSS_SHARED_DIR); "" when absent.
func sharedDir() string {
	dir := os.Getenv("PSS_SHARED_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared")
	}
	if st, err := os.Stat(dir); err == nil && st.IsDir() {
		return dir
	}
	return ""
}

// missingShared skips loudly, or fails when CI is set.
func missingShared(t testing.TB, what string) {
	t.Helper()
	msg := fmt.Sprintf("*** %s NOT TESTED: ../shared (or $PSS_SHARED_DIR) is absent ***", what)
	if os.Getenv("CI") != "" {
		t.Fatal(msg + " (CI is set, so this is a failure)")
	}
	t.Log(msg)
	t.Skip(msg)
}

const privilegedDetail = `container "privileged-pod" must not set securityContext.privileged=true`
const privilegedMessage = `pods "privileged-pod" is forbidden: violates PodSecurity "baseline:latest": privileged ` +
	`(container "privileged-pod" must not set securityContext.privileged=true)`

func checkPrivileged(t *testing.T, r pss.Result) {
	t.Helper()
	if r.Allowed || r.Reason != "privileged" || r.Message != privilegedMessage || r.PodName != "privileged-pod" {
		t.Fatalf("unexpected result: %+v", r)
	}
	if r.Detail != "privileged ("+privilegedDetail+")" {
		t.Fatalf("detail %q", r.Detail)
	}
	if len(r.Violations) != 1 {
		t.Fatalf("violations: %+v", r.Violations)
	}
	v := r.Violations[0]
	if v.Check != "privileged" || v.Reason != "privileged" || v.Detail != privilegedDetail || len(v.Fields) != 1 {
		t.Fatalf("violation: %+v", v)
	}
	f := v.Fields[0]
	if f.Path != "spec.containers[0].securityContext.privileged" || string(f.Value) != "true" ||
		f.Container != "privileged-pod" {
		t.Fatalf("field: %+v", f)
	}
}

func TestPrivilegedPod(t *testing.T) {
	r, err := pss.Evaluate(privilegedPod, pss.LevelVersion{Level: pss.Baseline, Version: "latest"})
	if err != nil {
		t.Fatal(err)
	}
	checkPrivileged(t, r)
	// An empty version means latest.
	r2, err := pss.Evaluate(privilegedPod, pss.LevelVersion{Level: pss.Baseline})
	if err != nil {
		t.Fatal(err)
	}
	checkPrivileged(t, r2)
	r3, err := pss.Evaluate(privilegedPod, pss.LevelVersion{Level: pss.Privileged, Version: "v1.0"})
	if err != nil || !r3.Allowed || r3.Reason != "" || r3.Message != "" || r3.Violations != nil {
		t.Fatalf("privileged level: %+v %v", r3, err)
	}
	if dir := sharedDir(); dir != "" {
		pod, err := os.ReadFile(filepath.Join(dir, "bench-pods", "privileged.json"))
		if err != nil {
			t.Fatal(err)
		}
		r, err := pss.Evaluate(pod, pss.LevelVersion{Level: pss.Baseline, Version: "latest"})
		if err != nil {
			t.Fatal(err)
		}
		checkPrivileged(t, r)
	}
}

func TestFieldsAndContainers(t *testing.T) {
	pod := []byte(`{"spec": {"hostNetwork": true, "containers": [{"name": "c",
		"securityContext": {"capabilities": {"add": ["NET_ADMIN"]}, "seccompProfile": {"type": "Unconfined"}}}]}}`)
	r, err := pss.Evaluate(pod, pss.LevelVersion{Level: pss.Baseline, Version: "v1.25"})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ check, path, value, container string }{
		{"capabilities_baseline", "spec.containers[0].securityContext.capabilities.add[0]", `"NET_ADMIN"`, "c"},
		{"hostNamespaces", "spec.hostNetwork", "true", ""},
		{"seccompProfile_baseline", "spec.containers[0].securityContext.seccompProfile.type", `"Unconfined"`, "c"},
	}
	if len(r.Violations) != len(want) {
		t.Fatalf("violations: %+v", r.Violations)
	}
	for i, w := range want {
		v := r.Violations[i]
		if v.Check != w.check || len(v.Fields) != 1 {
			t.Fatalf("violation %d: %+v", i, v)
		}
		f := v.Fields[0]
		if f.Path != w.path || string(f.Value) != w.value || f.Container != w.container {
			t.Fatalf("field %d: %+v", i, f)
		}
		if !json.Valid(f.Value) {
			t.Fatalf("value %q is not JSON", f.Value)
		}
	}
	if r.PodName != "" || !strings.HasPrefix(r.Message, `pods is forbidden: violates PodSecurity "baseline:v1.25": `) {
		t.Fatalf("message: %q", r.Message)
	}
}

func TestErrors(t *testing.T) {
	cases := []struct {
		name string
		pod  []byte
		lv   pss.LevelVersion
		want *pss.Error
		code pss.Code
	}{
		{"truncated", []byte(`{"spec": {`), pss.LevelVersion{Level: pss.Baseline}, pss.ErrInvalidJSON, pss.CodeInvalidJSON},
		{"empty", nil, pss.LevelVersion{Level: pss.Baseline}, pss.ErrInvalidJSON, pss.CodeInvalidJSON},
		{"zero length", []byte{}, pss.LevelVersion{Level: pss.Baseline}, pss.ErrInvalidJSON, pss.CodeInvalidJSON},
		{"utf8", []byte("{\"a\": \"\xff\"}"), pss.LevelVersion{Level: pss.Baseline}, pss.ErrInvalidUTF8, pss.CodeInvalidUTF8},
		{"array", []byte(`[]`), pss.LevelVersion{Level: pss.Baseline}, pss.ErrNotAnObject, pss.CodeNotAnObject},
		{"type", []byte(`{"spec":{"hostPID":1}}`), pss.LevelVersion{Level: pss.Baseline}, pss.ErrInvalidType, pss.CodeInvalidType},
		{"range", []byte(`{"spec":{"securityContext":{"runAsUser":99999999999999999999}}}`), pss.LevelVersion{Level: pss.Restricted},
			pss.ErrNumberOutOfRange, pss.CodeNumberOutOfRange},
		{"deep", []byte(`{"a":` + strings.Repeat("[", 20000)), pss.LevelVersion{Level: pss.Baseline}, pss.ErrTooDeep, pss.CodeTooDeep},
		{"level", []byte(`{}`), pss.LevelVersion{Level: "Baseline"}, pss.ErrInvalidLevel, pss.CodeInvalidLevel},
		{"no level", []byte(`{}`), pss.LevelVersion{}, pss.ErrInvalidLevel, pss.CodeInvalidLevel},
		{"version", []byte(`{}`), pss.LevelVersion{Level: pss.Baseline, Version: "v1.05"}, pss.ErrInvalidVersion, pss.CodeInvalidVersion},
		{"version utf8", []byte(`{}`), pss.LevelVersion{Level: pss.Baseline, Version: "v1.\xff"}, pss.ErrInvalidUTF8, pss.CodeInvalidUTF8},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := pss.Evaluate(c.pod, c.lv)
			if err == nil {
				t.Fatalf("no error, result %+v", r)
			}
			if !errors.Is(err, c.want) {
				t.Fatalf("errors.Is(%v, %v) is false", err, c.want)
			}
			if errors.Is(err, pss.ErrPanic) {
				t.Fatal("matched the wrong sentinel")
			}
			var e *pss.Error
			if !errors.As(err, &e) || e.Code != c.code || e.Message == "" || err.Error() == "" {
				t.Fatalf("error %#v", err)
			}
		})
	}
	_, err := pss.Evaluate([]byte("{\n  \"spec\": {\"hostIPC\": \"no\"}\n}"), pss.LevelVersion{Level: pss.Baseline})
	var e *pss.Error
	if !errors.As(err, &e) {
		t.Fatal(err)
	}
	if e.Path != "spec.hostIPC" || e.Line != 2 || e.Column != 23 || e.Offset != 24 ||
		e.Message != "expected a boolean, found a string" {
		t.Fatalf("%#v", e)
	}
}

func TestParse(t *testing.T) {
	for _, l := range []pss.Level{pss.Privileged, pss.Baseline, pss.Restricted} {
		if got, err := pss.ParseLevel(string(l)); err != nil || got != l {
			t.Fatalf("ParseLevel(%q) = %q, %v", l, got, err)
		}
	}
	for _, bad := range []string{"", "Baseline", "baseline ", "strict"} {
		if _, err := pss.ParseLevel(bad); !errors.Is(err, pss.ErrInvalidLevel) {
			t.Fatalf("ParseLevel(%q): %v", bad, err)
		}
	}
	for _, v := range []string{"latest", "v1.0", "v1.37", "v1.100"} {
		if got, err := pss.ParseVersion(v); err != nil || got != v {
			t.Fatalf("ParseVersion(%q) = %q, %v", v, got, err)
		}
	}
	for _, bad := range []string{"", "Latest", "v1.05", "1.25", "v2.0", "v1."} {
		if _, err := pss.ParseVersion(bad); !errors.Is(err, pss.ErrInvalidVersion) {
			t.Fatalf("ParseVersion(%q): %v", bad, err)
		}
	}
	if s := (pss.LevelVersion{Level: pss.Restricted}).String(); s != "restricted:latest" {
		t.Fatal(s)
	}
}

func TestCodesAndVersion(t *testing.T) {
	if pss.LibraryVersion() != pss.HeaderVersion() || pss.LibraryVersion() <= 0 {
		t.Fatalf("library %d, header %d", pss.LibraryVersion(), pss.HeaderVersion())
	}
	if s := pss.CodeInvalidLevel.String(); s != "invalid level" {
		t.Fatal(s)
	}
	if s := pss.Code(9999).String(); s != "unknown result code" {
		t.Fatal(s)
	}
	if pss.ErrInvalidJSON.Error() != "the pod is not well-formed JSON" {
		t.Fatal(pss.ErrInvalidJSON.Error())
	}
	if uint32(pss.CodeOK) != 0 || uint32(pss.CodePanic) != 12 || uint32(pss.CodeInputTooLarge) != 15 {
		t.Fatal("code numbers changed")
	}
}

// Results are Go copies: they stay intact after the C results are freed and more evaluations run.
func TestResultsOutliveTheCResult(t *testing.T) {
	r, err := pss.Evaluate(privilegedPod, pss.LevelVersion{Level: pss.Restricted})
	if err != nil {
		t.Fatal(err)
	}
	before := fmt.Sprintf("%+v", r)
	for i := 0; i < 200; i++ {
		if _, err := pss.Evaluate(bytes.Repeat([]byte(" "), i), pss.LevelVersion{Level: pss.Baseline}); err == nil {
			t.Fatal("expected an error")
		}
		if _, err := pss.Evaluate(privilegedPod, pss.LevelVersion{Level: pss.Restricted}); err != nil {
			t.Fatal(err)
		}
	}
	runtime.GC()
	if after := fmt.Sprintf("%+v", r); after != before {
		t.Fatalf("result changed:\n%s\n%s", before, after)
	}
	// Values share one copy with the texts: writing to or appending to a value changes no text and no
	// other value.
	texts := fmt.Sprintf("%q %q %q", r.Message, r.Violations[0].Fields[0].Path, r.Violations[1].Fields[0].Value)
	v := r.Violations[0].Fields[0].Value
	for i := range v {
		v[i] = 'x'
	}
	_ = append(v, "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"...)
	if after := fmt.Sprintf("%q %q %q", r.Message, r.Violations[0].Fields[0].Path, r.Violations[1].Fields[0].Value); after != texts {
		t.Fatalf("a value's change reached other texts:\n%s\n%s", texts, after)
	}
}

func TestConcurrent(t *testing.T) {
	const goroutines = 64
	const iterations = 200
	restricted := []byte(`{"metadata":{"name":"ok"},"spec":{"securityContext":{"runAsNonRoot":true,` +
		`"seccompProfile":{"type":"RuntimeDefault"}},"containers":[{"name":"a","securityContext":` +
		`{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]}}}]}}`)
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < iterations; i++ {
				switch (g + i) % 6 {
				case 0:
					r, err := pss.Evaluate(privilegedPod, pss.LevelVersion{Level: pss.Baseline, Version: "latest"})
					if err != nil || r.Message != privilegedMessage ||
						r.Violations[0].Fields[0].Path != "spec.containers[0].securityContext.privileged" {
						errs <- fmt.Errorf("privileged: %+v %v", r, err)
						return
					}
				case 1:
					r, err := pss.Evaluate(restricted, pss.LevelVersion{Level: pss.Restricted, Version: "latest"})
					if err != nil || !r.Allowed || r.PodName != "ok" {
						errs <- fmt.Errorf("restricted: %+v %v", r, err)
						return
					}
				case 3:
					r, err := pss.EvaluateObject(deployment, pss.LevelVersion{Level: pss.Baseline})
					if err != nil || r.Message != deploymentMessage || r.Kind != "Deployment" {
						errs <- fmt.Errorf("deployment: %+v %v", r, err)
						return
					}
				case 4:
					baseline := pss.LevelVersion{Level: pss.Baseline}
					nginx := pss.Exclusion{ControlName: "Privileged Containers", Images: []string{"nginx*"}}
					r, err := pss.EvaluateObject(deployment, baseline, pss.WithExclusions(nginx))
					if err != nil || !r.Allowed {
						errs <- fmt.Errorf("excluded: %+v %v", r, err)
						return
					}
					r, err = pss.Evaluate(privilegedPod, baseline, pss.WithExclusions(nginx))
					if err != nil || !r.Allowed {
						errs <- fmt.Errorf("excluded pod: %+v %v", r, err)
						return
					}
					nginx.Images = nil
					if _, err := pss.Evaluate(privilegedPod, baseline, pss.WithExclusions(nginx)); !errors.Is(err, pss.ErrInvalidExclusion) {
						errs <- fmt.Errorf("invalid exclusion: %v", err)
						return
					}
				case 5:
					level := []string{"baseline", "strict"}[g%2]
					np, labelErrs := pss.PolicyFromLabels(map[string]string{"pod-security.kubernetes.io/enforce": level})
					if (g%2 == 0) != (np.Enforce.Level == pss.Baseline && len(labelErrs) == 0) ||
						(g%2 == 1) != (np.Enforce.Level == pss.Restricted && len(labelErrs) == 1) {
						errs <- fmt.Errorf("labels %q: %v %v", level, np, labelErrs)
						return
					}
				default:
					_, err := pss.Evaluate([]byte(`{"spec":{"hostPID":"x"}}`), pss.LevelVersion{Level: pss.Baseline})
					var e *pss.Error
					if !errors.As(err, &e) || e.Path != "spec.hostPID" || e.Column != 20 {
						errs <- fmt.Errorf("error: %#v", err)
						return
					}
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

type run struct {
	From    string   `json:"from"`
	To      string   `json:"to"`
	Allowed bool     `json:"allowed"`
	Reasons []string `json:"reasons"`
	Details []string `json:"details"`
}

type expectation struct {
	ID    string `json:"id"`
	Level string `json:"level"`
	Runs  []run  `json:"runs"`
}

// TestConformance compares results with upstream's on a sample of the fixtures in
// ../shared/conformance (converted from YAML to JSON with python3 and PyYAML), each
// pod also evaluated as the template of a Deployment (same verdict and detail).
// PSS_CONFORMANCE_STRIDE=N tests every Nth expectation line (default 3: both levels get sampled, as each fixture has two consecutive lines).
func TestConformance(t *testing.T) {
	dir := sharedDir()
	if dir == "" {
		missingShared(t, "conformance")
		return
	}
	conf := filepath.Join(dir, "conformance")
	stride := 3
	if s := os.Getenv("PSS_CONFORMANCE_STRIDE"); s != "" {
		if _, err := fmt.Sscan(s, &stride); err != nil || stride < 1 {
			t.Fatalf("PSS_CONFORMANCE_STRIDE=%q", s)
		}
	}
	f, err := os.Open(filepath.Join(conf, "expected.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var sample []expectation
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for line := 0; sc.Scan(); line++ {
		if line%stride != 0 {
			continue
		}
		var e expectation
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatal(err)
		}
		sample = append(sample, e)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}

	// Convert the sampled fixtures to JSON.
	out := t.TempDir()
	var ids bytes.Buffer
	for _, e := range sample {
		ids.WriteString(e.ID + "\n")
	}
	cmd := exec.Command("python3", filepath.Join("testdata", "yaml2json.py"), filepath.Join(conf, "upstream"), out)
	cmd.Stdin = &ids
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("converting the fixtures (python3 with PyYAML is needed): %v", err)
		}
		t.Skipf("*** conformance NOT TESTED: converting the fixtures failed (python3 with PyYAML is needed): %v ***", err)
	}

	evaluations := 0
	deployments := map[string][]byte{}
	for _, e := range sample {
		pod, err := os.ReadFile(filepath.Join(out, e.ID+".json"))
		if err != nil {
			t.Fatal(err)
		}
		deployments[e.ID] = asDeployment(t, pod)
		for _, r := range e.Runs {
			for _, version := range []string{r.From, r.To} {
				lv := pss.LevelVersion{Level: pss.Level(e.Level), Version: version}
				got, err := pss.Evaluate(pod, lv)
				evaluations++
				if err != nil {
					t.Errorf("%s at %s: %v", e.ID, lv, err)
					continue
				}
				var reasons, details []string
				for _, v := range got.Violations {
					reasons = append(reasons, v.Reason)
					details = append(details, v.Detail)
				}
				if got.Allowed != r.Allowed || strings.Join(reasons, "\x00") != strings.Join(r.Reasons, "\x00") ||
					strings.Join(details, "\x00") != strings.Join(r.Details, "\x00") ||
					got.Reason != strings.Join(r.Reasons, ", ") {
					t.Errorf("%s at %s:\n got  %v %q %q\n want %v %q %q", e.ID, lv, got.Allowed, reasons, details,
						r.Allowed, r.Reasons, r.Details)
				}
				// The same pod as a Deployment's template: the same verdict, paths inside the template.
				wrapped, err := pss.EvaluateObject(deployments[e.ID], lv)
				evaluations++
				if err != nil {
					t.Errorf("%s as a Deployment at %s: %v", e.ID, lv, err)
					continue
				}
				if wrapped.Allowed != got.Allowed || wrapped.Detail != got.Detail || wrapped.Kind != "Deployment" {
					t.Errorf("%s as a Deployment at %s: %q, as a pod %q", e.ID, lv, wrapped.Detail, got.Detail)
				}
				for _, v := range wrapped.Violations {
					for _, f := range v.Fields {
						if !strings.HasPrefix(f.Path, "spec.template.") {
							t.Errorf("%s as a Deployment at %s: path %s", e.ID, lv, f.Path)
						}
					}
				}
			}
		}
	}
	t.Logf("conformance: %d fixtures (every %d. line), %d evaluations", len(sample), stride, evaluations)
}

// TestEvaluateAllocations: a result costs the same few allocations however many
// violations it has (the copy of its texts and values, its fields, its
// violations; only the copy when allowed), and no buffer once the package has
// one (the average over many runs absorbs a buffer the pool dropped).
func TestEvaluateAllocations(t *testing.T) {
	lv := pss.LevelVersion{Level: pss.Restricted, Version: "latest"}
	allowed := []byte(`{"metadata": {"name": "ok"}, "spec": {"securityContext": {"runAsNonRoot": true,
		"seccompProfile": {"type": "RuntimeDefault"}}, "containers": [{"name": "c", "image": "nginx",
		"securityContext": {"allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}}}]}}`)
	many := []byte(`{"spec": {"hostNetwork": true, "hostPID": true, "containers": [` +
		strings.Repeat(`{"name": "c", "securityContext": {"privileged": true, "capabilities": {"add": ["NET_ADMIN"]}}},`, 20) +
		`{"name": "last"}]}}`)
	for _, c := range []struct {
		name string
		pod  []byte
		want float64
	}{{"allowed", allowed, 1}, {"privileged", privilegedPod, 3}, {"21 containers", many, 3}} {
		r, err := pss.Evaluate(c.pod, lv)
		if err != nil || r.Allowed != (c.name == "allowed") {
			t.Fatalf("%s: %+v, %v", c.name, r, err)
		}
		got := testing.AllocsPerRun(200, func() {
			if _, err := pss.Evaluate(c.pod, lv); err != nil {
				t.Fatal(err)
			}
		})
		if got != c.want {
			t.Errorf("%s (%d violations): %v allocations, want %v", c.name, len(r.Violations), got, c.want)
		}
	}
}

func benchPod(b *testing.B, name string) []byte {
	dir := sharedDir()
	if dir == "" {
		if name == "privileged.json" {
			return privilegedPod
		}
		missingShared(b, "benchmark "+name)
	}
	pod, err := os.ReadFile(filepath.Join(dir, "bench-pods", name))
	if err != nil {
		b.Fatal(err)
	}
	return pod
}

func BenchmarkEvaluate(b *testing.B) {
	for _, name := range []string{"privileged.json", "restricted2.json", "large20c10v.json"} {
		b.Run(strings.TrimSuffix(name, ".json"), func(b *testing.B) {
			pod := benchPod(b, name)
			lv := pss.LevelVersion{Level: pss.Restricted, Version: "latest"}
			b.SetBytes(int64(len(pod)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := pss.Evaluate(pod, lv); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkEvaluateObject evaluates the bench pods as the template of a Deployment.
func BenchmarkEvaluateObject(b *testing.B) {
	for _, name := range []string{"privileged.json", "restricted2.json", "large20c10v.json"} {
		b.Run(strings.TrimSuffix(name, ".json"), func(b *testing.B) {
			object := asDeployment(b, benchPod(b, name))
			lv := pss.LevelVersion{Level: pss.Restricted, Version: "latest"}
			b.SetBytes(int64(len(object)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := pss.EvaluateObject(object, lv); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkEvaluateExcluding evaluates the bench pods with one exclusion (which they do not need),
// the cost of applying exclusions to a pod.
func BenchmarkEvaluateExcluding(b *testing.B) {
	for _, name := range []string{"privileged.json", "restricted2.json", "large20c10v.json"} {
		b.Run(strings.TrimSuffix(name, ".json"), func(b *testing.B) {
			pod := benchPod(b, name)
			lv := pss.LevelVersion{Level: pss.Restricted, Version: "latest"}
			envoy := pss.WithExclusions(pss.Exclusion{ControlName: "Capabilities", Images: []string{"envoyproxy/*"},
				RestrictedField: "spec.containers[*].securityContext.capabilities.add", Values: []string{"NET_ADMIN"}})
			b.SetBytes(int64(len(pod)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := pss.Evaluate(pod, lv, envoy); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// corpus reads ../shared/bench-corpus/pods.jsonl as one pod per line.
func corpus(b *testing.B) [][]byte {
	dir := sharedDir()
	if dir == "" {
		missingShared(b, "benchmark bench-corpus/pods.jsonl")
	}
	data, err := os.ReadFile(filepath.Join(dir, "bench-corpus", "pods.jsonl"))
	if err != nil {
		b.Fatal(err)
	}
	var pods [][]byte
	for _, line := range bytes.Split(data, []byte("\n")) {
		if len(line) > 0 {
			pods = append(pods, line)
		}
	}
	if len(pods) < 1000 {
		b.Fatalf("%d pods: the corpus was cut", len(pods))
	}
	return pods
}

// BenchmarkCorpus evaluates every pod of ../shared/bench-corpus/pods.jsonl (18,000 pods, 84% denied) at
// restricted:latest, JSON bytes in memory to a Go Result, as perf.md's upstream "decode + evaluate" row:
// one op is the whole corpus; ns/pod, pods/s and allocs/pod are per pod.
func BenchmarkCorpus(b *testing.B) {
	pods := corpus(b)
	lv := pss.LevelVersion{Level: pss.Restricted, Version: "latest"}
	var size int64
	for _, p := range pods {
		size += int64(len(p))
	}
	b.SetBytes(size)
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	denied := 0
	for b.Loop() {
		denied = 0
		for _, pod := range pods {
			r, err := pss.Evaluate(pod, lv)
			if err != nil {
				b.Fatal(err)
			}
			if !r.Allowed {
				denied++
			}
		}
	}
	runtime.ReadMemStats(&after)
	n := float64(b.N) * float64(len(pods))
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/n, "ns/pod")
	b.ReportMetric(n/b.Elapsed().Seconds(), "pods/s")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/n, "allocs/pod")
	if denied != 15095 {
		b.Fatalf("%d of %d pods denied, the corpus's README says 15,095", denied, len(pods))
	}
}
