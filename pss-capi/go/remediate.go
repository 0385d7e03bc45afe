package pss

/*
#include "pss.h"
*/
import "C"

import (
	"encoding/json"
	"runtime"
)

// Remediation is a fix: the smallest change that makes a pod, a pod spec or a
// workload pass a level, as the C library's pss-core finds it and proves it (the
// patched document is evaluated again before it is returned). Its fields are
// pss-core's JSON of the fix, as every pss surface gives it.
type Remediation struct {
	// Level and Version are what the fix is for.
	Level   Level  `json:"level"`
	Version string `json:"version"`
	// Kind is what was fixed: "Pod", the object's kind ("Deployment", ...), or
	// "PodSpec" for RemediateSpec.
	Kind string `json:"kind"`
	// SafeOnly reports that only safe changes were made (SafeOnly()).
	SafeOnly bool `json:"safe_only"`
	// Fixed reports that the patched document passes: every violation cured.
	Fixed bool `json:"fixed"`
	// Patch is the fix as RFC 6902 operations, in the order to apply them.
	Patch []PatchOperation `json:"patch"`
	// Unfixable are the violating fields the patch does not cure, each with why.
	Unfixable []Unfixable `json:"unfixable"`
	// Patched is the patched document, as JSON.
	Patched json.RawMessage `json:"patched"`
	// PatchJSON is the patch as a plain RFC 6902 JSON Patch document (op, path
	// and value only), for kubectl patch --type=json or any JSON Patch library.
	PatchJSON json.RawMessage `json:"-"`
}

// PatchOperation is one operation of a fix: RFC 6902's Op ("add", "replace",
// "remove"), Path (a JSON Pointer) and Value (absent for "remove"), with what it
// cures, how safe it is and what it changes.
type PatchOperation struct {
	Op    string          `json:"op"`
	Path  string          `json:"path"`
	Value json.RawMessage `json:"value,omitempty"`
	// Safety is "safe" (tightens security with no expected change in
	// behaviour) or "breaking" (may change what the workload can do).
	Safety string `json:"safety"`
	// Cures are the violating fields the operation cures (one or more: a
	// pod-level setting cures every container's).
	Cures []Cure `json:"cures"`
	// Explanation says what the operation changes, in one line.
	Explanation string `json:"explanation"`
}

// Cure is a violating field an operation cures: the check, and the field as
// the evaluation reported it.
type Cure struct {
	Check     string          `json:"check"`
	Path      string          `json:"path"`
	Value     json.RawMessage `json:"value"`
	Container string          `json:"container,omitempty"`
}

// Unfixable is a violating field a fix leaves, and why: Reason is a short
// stable code ("breaking", "privileged", "windows-pod", "runs-as-root", ...),
// Explanation the sentence.
type Unfixable struct {
	Check       string          `json:"check"`
	Path        string          `json:"path"`
	Value       json.RawMessage `json:"value"`
	Container   string          `json:"container,omitempty"`
	Reason      string          `json:"reason"`
	Explanation string          `json:"explanation"`
}

// RemediateOption changes how Remediate, RemediateSpec and RemediateObject fix.
type RemediateOption func(*remediateOptions)

type remediateOptions struct {
	safeOnly bool
}

// SafeOnly makes only safe changes: violations whose fix may break the workload
// are left, with the reason "breaking".
func SafeOnly() RemediateOption {
	return func(o *remediateOptions) { o.safeOnly = true }
}

// Remediate fixes a pod (JSON) for the level and version: the smallest change
// that makes it pass, each operation tied to the fields it cures, marked safe or
// breaking and explained, and what it cannot cure with why. This is the pod
// entry, as Evaluate's: a document without kind is a pod, paths are relative to
// it.
//
// Errors are those of Evaluate, and ErrDuplicateField for a key given twice (a
// patch against it would be ambiguous), ErrTooDeep, and ErrUnverified if the fix
// did not pass its re-evaluation (a fault in pss).
func Remediate(pod []byte, lv LevelVersion, opts ...RemediateOption) (Remediation, error) {
	return remediate(pod, lv, entryPod, opts)
}

// RemediateSpec fixes a bare pod spec; paths are relative to the spec. Errors
// are those of EvaluateSpec and Remediate.
func RemediateSpec(spec []byte, lv LevelVersion, opts ...RemediateOption) (Remediation, error) {
	return remediate(spec, lv, entrySpec, opts)
}

// RemediateObject fixes any object with a pod template through its template;
// paths are relative to the object. An object that is not a pod or a pod
// controller (or a ReplicationController without a template) gives
// ErrNotAWorkload with pss-core's reason; other errors are those of Remediate.
func RemediateObject(object []byte, lv LevelVersion, opts ...RemediateOption) (Remediation, error) {
	return remediate(object, lv, entryObject, opts)
}

func remediate(data []byte, lv LevelVersion, e entry, opts []RemediateOption) (Remediation, error) {
	o := remediateOptions{}
	for _, opt := range opts {
		opt(&o)
	}
	lp, ll := stringPtr(string(lv.Level))
	vp, vl := stringPtr(lv.version())
	dp, dl := bytesPtr(data)
	var fix *C.pss_remediation
	var cerr *C.pss_error
	var rc C.pss_result
	switch e {
	case entryPod:
		rc = C.pss_remediate(lp, ll, vp, vl, C.bool(o.safeOnly), dp, dl, &fix, &cerr)
	case entrySpec:
		rc = C.pss_remediate_spec(lp, ll, vp, vl, C.bool(o.safeOnly), dp, dl, &fix, &cerr)
	default:
		rc = C.pss_remediate_object(lp, ll, vp, vl, C.bool(o.safeOnly), dp, dl, &fix, &cerr)
	}
	runtime.KeepAlive(data)
	if rc != C.PSS_RESULT_OK {
		return Remediation{}, takeError(rc, cerr)
	}
	defer C.pss_remediation_free(fix)
	var v *C.pss_remediation_view
	if rc := C.pss_remediation_get_view(fix, &v); rc != C.PSS_RESULT_OK {
		return Remediation{}, newError(Code(rc), "")
	}
	var r Remediation
	if err := json.Unmarshal([]byte(view(v.json)), &r); err != nil {
		return Remediation{}, newError(CodeInvalidInput, "the library's JSON of a fix: "+err.Error())
	}
	r.PatchJSON = json.RawMessage(text(v.patch_json))
	return r, nil
}
