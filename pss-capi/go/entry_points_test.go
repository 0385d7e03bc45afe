package pss_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	pss "github.com/pss-rs/pss/pss-capi/go"
)

// The shared entry-point cases of the repository (testdata/entry-points.json),
// which pss-core, the C ABI, the npm package and the CLI run too.
const entryPointsFile = "../../testdata/entry-points.json"

// errorCodes maps pss-core's ErrorKind, as the cases name it, to the package's
// sentinel for it.
var errorCodes = map[string]*pss.Error{
	"InvalidUtf8":      pss.ErrInvalidUTF8,
	"Syntax":           pss.ErrInvalidJSON,
	"NotAnObject":      pss.ErrNotAnObject,
	"InvalidType":      pss.ErrInvalidType,
	"NumberOutOfRange": pss.ErrNumberOutOfRange,
	"TooDeep":          pss.ErrTooDeep,
	"InvalidLevel":     pss.ErrInvalidLevel,
	"InvalidVersion":   pss.ErrInvalidVersion,
	"UnknownCheck":     pss.ErrUnknownCheck,
	"UnknownField":     pss.ErrUnknownField,
	"DuplicateField":   pss.ErrDuplicateField,
	"UnexpectedKind":   pss.ErrUnexpectedKind,
	"BarePodSpec":      pss.ErrBarePodSpec,
}

// entryAnswer is what an entry point answered, in the cases' terms.
type entryAnswer struct {
	Allowed      bool
	Reasons      []string
	Paths        []string
	Message      string
	Error        string
	NotEvaluated string
}

// TestEntryPoints runs every shared case through Evaluate, EvaluateSpec or
// EvaluateObject, as the case says, and compares the answer exactly: verdict,
// reasons, the first field path of each violation and the denial message; or
// the error's code (pss-core's ErrorKind); or not evaluated (ErrNotAWorkload; a
// template that is absent: allowed with TemplateAbsent, as upstream allows it).
func TestEntryPoints(t *testing.T) {
	data, err := os.ReadFile(filepath.FromSlash(entryPointsFile))
	if err != nil {
		t.Fatalf("the shared cases: %v", err)
	}
	var file struct {
		Cases []struct {
			Name         string
			Entry        string
			LevelVersion string
			Document     string
			Expect       struct {
				Allowed      *bool
				Reasons      []string
				Paths        []string
				Message      string
				Error        string
				NotEvaluated string
			}
		}
	}
	if err := json.Unmarshal(data, &file); err != nil {
		t.Fatal(err)
	}
	if len(file.Cases) < 20 {
		t.Fatalf("%d cases: the shared file was cut", len(file.Cases))
	}
	entries := map[string]func([]byte, pss.LevelVersion, ...pss.Option) (pss.Result, error){
		"pod":    pss.Evaluate,
		"spec":   pss.EvaluateSpec,
		"object": pss.EvaluateObject,
	}
	for _, c := range file.Cases {
		evaluate, ok := entries[c.Entry]
		level, version, found := strings.Cut(c.LevelVersion, ":")
		if !ok || !found {
			t.Errorf("%s: a malformed case (entry %q, level and version %q)", c.Name, c.Entry, c.LevelVersion)
			continue
		}
		want := entryAnswer{Reasons: c.Expect.Reasons, Paths: c.Expect.Paths, Message: c.Expect.Message,
			Error: c.Expect.Error, NotEvaluated: c.Expect.NotEvaluated}
		if c.Expect.Allowed != nil {
			want.Allowed = *c.Expect.Allowed
		}
		if want.Error != "" && errorCodes[want.Error] == nil {
			t.Errorf("%s: an error kind this test does not know: %s", c.Name, want.Error)
			continue
		}
		r, err := evaluate([]byte(c.Document), pss.LevelVersion{Level: pss.Level(level), Version: version})
		got := entryAnswer{}
		var e *pss.Error
		switch {
		case err == nil && r.TemplateAbsent:
			if r.Allowed && len(r.Violations) == 0 {
				got.NotEvaluated = "TemplateAbsent"
			}
		case err == nil:
			got = entryAnswer{Allowed: r.Allowed, Reasons: []string{}, Paths: []string{}, Message: r.Message}
			for _, v := range r.Violations {
				got.Reasons = append(got.Reasons, v.Reason)
				if len(v.Fields) > 0 {
					got.Paths = append(got.Paths, v.Fields[0].Path)
				}
			}
		case errors.Is(err, pss.ErrNotAWorkload) && errors.As(err, &e) && e.Message != "":
			// Not evaluated: NoKind or NotAPodController, told apart only by the message.
			got.NotEvaluated = want.NotEvaluated
			if want.NotEvaluated == "" || want.NotEvaluated == "TemplateAbsent" {
				got.NotEvaluated = "(not a workload) " + err.Error()
			}
		default:
			got.Error = err.Error()
			for kind, sentinel := range errorCodes {
				if errors.Is(err, sentinel) {
					got.Error = kind
				}
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s (%s, %s):\n got  %+v\n want %+v", c.Name, c.Entry, c.LevelVersion, got, want)
		}
	}
}
