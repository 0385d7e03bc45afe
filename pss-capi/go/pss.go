// Package pss evaluates Kubernetes pods against the Pod Security Standards
// exactly as the API server's PodSecurity admission controller does: the same
// checks at every version from v1.0 to the newest, the same verdicts, and
// upstream's reason and detail strings byte for byte. Each violation also
// carries the path and value of every offending field.
//
// The package calls the pss C library (pss-capi, written in Rust) through cgo.
//
// # Building
//
// Build the static library first, from the repository root:
//
//	cargo build --release -p pss-capi
//
// By default the package links ../../target/release/libpss_capi.a (relative to
// this directory) with -lm -ldl -lpthread, and includes ../include/pss.h. To use
// an installed library instead, build with -tags pss_pkgconfig and point
// PKG_CONFIG_PATH at the directory holding pss.pc; or override the flags with the
// CGO_CFLAGS and CGO_LDFLAGS environment variables. cgo must be enabled
// (CGO_ENABLED=1, a C compiler on PATH).
//
// # Concurrency
//
// Every function is safe for concurrent use. Results are plain Go values, copied
// out of the C library before its memory is freed.
package pss

/*
#cgo CFLAGS: -I${SRCDIR}/../include
#include <stdlib.h>
#include "pss.h"

// The C side of Evaluate: the library's public functions, called from C so that
// one evaluation costs two or three cgo calls however many violations it has.

typedef struct { const uint8_t *ptr; size_t len; } pss_go_view;

typedef struct {
	bool allowed;
	size_t violations;
	size_t fields;
	pss_go_view pod_name, reason, detail, message;
} pss_go_summary;

typedef struct {
	pss_go_view check, reason, detail;
	size_t fields;
} pss_go_violation;

typedef struct {
	pss_go_view path, value, container;
} pss_go_field;

typedef struct {
	pss_result code;
	pss_go_view message, path, display;
	size_t line, column, offset;
} pss_go_error;

static pss_result pss_go_summarize(const pss_evaluation *ev, pss_go_summary *s) {
	pss_result rc;
	size_t i, fields;
	const pss_violation *v;
	if ((rc = pss_evaluation_allowed(ev, &s->allowed)) != PSS_RESULT_OK) return rc;
	if ((rc = pss_evaluation_violation_count(ev, &s->violations)) != PSS_RESULT_OK) return rc;
	if ((rc = pss_evaluation_pod_name(ev, &s->pod_name.ptr, &s->pod_name.len)) != PSS_RESULT_OK) return rc;
	if ((rc = pss_evaluation_reason(ev, &s->reason.ptr, &s->reason.len)) != PSS_RESULT_OK) return rc;
	if ((rc = pss_evaluation_detail(ev, &s->detail.ptr, &s->detail.len)) != PSS_RESULT_OK) return rc;
	if ((rc = pss_evaluation_admission_message(ev, &s->message.ptr, &s->message.len)) != PSS_RESULT_OK) return rc;
	s->fields = 0;
	for (i = 0; i < s->violations; i++) {
		if ((rc = pss_evaluation_violation(ev, i, &v)) != PSS_RESULT_OK) return rc;
		if ((rc = pss_violation_field_count(v, &fields)) != PSS_RESULT_OK) return rc;
		s->fields += fields;
	}
	return PSS_RESULT_OK;
}

static pss_result pss_go_evaluate(const uint8_t *level, size_t level_len, const uint8_t *version, size_t version_len,
                                  const uint8_t *pod, size_t pod_len, pss_evaluation **out, pss_error **err,
                                  pss_go_summary *s) {
	pss_result rc = pss_evaluate(level, level_len, version, version_len, NULL, pod, pod_len, out, err);
	if (rc != PSS_RESULT_OK) return rc;
	return pss_go_summarize(*out, s);
}

// Fills vs (s->violations entries) and fs (s->fields entries, violation by violation).
static pss_result pss_go_collect(const pss_evaluation *ev, pss_go_violation *vs, size_t nv, pss_go_field *fs,
                                 size_t nf) {
	pss_result rc;
	size_t i, j, k = 0;
	const pss_violation *v;
	const pss_field *f;
	for (i = 0; i < nv; i++) {
		if ((rc = pss_evaluation_violation(ev, i, &v)) != PSS_RESULT_OK) return rc;
		if ((rc = pss_violation_check_id(v, &vs[i].check.ptr, &vs[i].check.len)) != PSS_RESULT_OK) return rc;
		if ((rc = pss_violation_reason(v, &vs[i].reason.ptr, &vs[i].reason.len)) != PSS_RESULT_OK) return rc;
		if ((rc = pss_violation_detail(v, &vs[i].detail.ptr, &vs[i].detail.len)) != PSS_RESULT_OK) return rc;
		if ((rc = pss_violation_field_count(v, &vs[i].fields)) != PSS_RESULT_OK) return rc;
		for (j = 0; j < vs[i].fields; j++, k++) {
			if (k >= nf) return PSS_RESULT_INSUFFICIENT_SIZE;
			if ((rc = pss_violation_field(v, j, &f)) != PSS_RESULT_OK) return rc;
			if ((rc = pss_field_path(f, &fs[k].path.ptr, &fs[k].path.len)) != PSS_RESULT_OK) return rc;
			if ((rc = pss_field_value_json(f, &fs[k].value.ptr, &fs[k].value.len)) != PSS_RESULT_OK) return rc;
			if ((rc = pss_field_container(f, &fs[k].container.ptr, &fs[k].container.len)) != PSS_RESULT_OK) return rc;
		}
	}
	return PSS_RESULT_OK;
}

// Reads a pss_error into e and frees it.
static void pss_go_take_error(pss_error *err, pss_go_error *e) {
	if (pss_error_code(err, &e->code) != PSS_RESULT_OK ||
	    pss_error_message(err, &e->message.ptr, &e->message.len) != PSS_RESULT_OK ||
	    pss_error_path(err, &e->path.ptr, &e->path.len) != PSS_RESULT_OK ||
	    pss_error_display(err, &e->display.ptr, &e->display.len) != PSS_RESULT_OK ||
	    pss_error_position(err, &e->line, &e->column, &e->offset) != PSS_RESULT_OK) {
		e->code = PSS_RESULT_INVALID_INPUT;
	}
}

static pss_result pss_go_policy_check(const uint8_t *level, size_t level_len, const uint8_t *version,
                                      size_t version_len, pss_error **err) {
	pss_policy *policy = NULL;
	pss_result rc = pss_policy_new(level, level_len, version, version_len, &policy, err);
	pss_policy_free(policy);
	return rc;
}
*/
import "C"

import (
	"encoding/json"
	"strings"
	"unsafe"
)

// Level is a Pod Security Standards level.
type Level string

// The three levels, least strict first.
const (
	Privileged Level = "privileged"
	Baseline   Level = "baseline"
	Restricted Level = "restricted"
)

// Latest is the version that always means the newest checks.
const Latest = "latest"

// ParseLevel parses a level exactly as the API server does: "privileged",
// "baseline" or "restricted", case-sensitive. Anything else is an *Error with
// code CodeInvalidLevel.
func ParseLevel(s string) (Level, error) {
	if err := checkPolicy(s, Latest); err != nil {
		return "", err
	}
	return Level(s), nil
}

// ParseVersion checks a version exactly as the API server does: "latest" or
// "v1.N" with no leading zero. Anything else is an *Error with code
// CodeInvalidVersion.
func ParseVersion(s string) (string, error) {
	if err := checkPolicy(string(Baseline), s); err != nil {
		return "", err
	}
	return s, nil
}

// Policy is a level at a version, as the pod-security.kubernetes.io labels of a
// namespace give them.
type Policy struct {
	// Level is the level to enforce.
	Level Level
	// Version is "latest" or "v1.N"; empty means "latest", as an absent version
	// label does.
	Version string
}

func (p Policy) version() string {
	if p.Version == "" {
		return Latest
	}
	return p.Version
}

// String gives the policy as "level:version", as admission messages quote it.
func (p Policy) String() string {
	return string(p.Level) + ":" + p.version()
}

// Result is the verdict on one pod.
type Result struct {
	// Allowed reports whether the pod passes (it has no violations).
	Allowed bool
	// PodName is the pod's metadata.name ("" when it has none).
	PodName string
	// Reason is upstream's aggregate ForbiddenReason: the violations' reasons
	// joined by ", ". Empty when allowed.
	Reason string
	// Detail is upstream's aggregate ForbiddenDetail: each "reason (detail)"
	// joined by ", ". Empty when allowed.
	Detail string
	// AdmissionMessage is what the API server answers when it denies the pod:
	// pods "NAME" is forbidden: violates PodSecurity "LEVEL:VERSION": DETAIL
	// ("pods is forbidden: ..." for a pod without a name). Empty when allowed.
	AdmissionMessage string
	// Violations lists the failed checks in upstream's order.
	Violations []Violation
}

// Violation is one failed check.
type Violation struct {
	// Check is upstream's check id ("privileged", "capabilities_baseline", ...).
	Check string
	// Reason is upstream's ForbiddenReason for the check, byte for byte.
	Reason string
	// Detail is upstream's ForbiddenDetail for the check, byte for byte; may be empty.
	Detail string
	// Fields are the offending fields, in the order upstream meets them.
	Fields []Field
}

// Field is one offending field.
type Field struct {
	// Path is the field's path in the pod, e.g.
	// spec.containers[0].securityContext.privileged.
	Path string
	// Value is the offending value as JSON: true, 0, "Unconfined", null for a
	// required field that is missing, {} for an object whose presence is the
	// problem.
	Value json.RawMessage
	// Container is the name of the container the field belongs to; empty for a
	// pod-level field.
	Container string
}

// LibraryVersion is the version of the linked C library, as
// major*10000 + minor*100 + patch.
func LibraryVersion() int {
	return int(C.pss_version())
}

// HeaderVersion is PSS_VERSION_NUMBER from the header the package was compiled
// against; it equals LibraryVersion when header and library match.
func HeaderVersion() int {
	return int(C.PSS_VERSION_NUMBER)
}

// one byte for empty inputs: the C library reports NULL pointers, so an empty
// Go string or slice (whose data pointer may be nil) points here instead.
var empty [1]byte

func bytesPtr(b []byte) (*C.uint8_t, C.size_t) {
	if len(b) == 0 {
		return (*C.uint8_t)(unsafe.Pointer(&empty[0])), 0
	}
	return (*C.uint8_t)(unsafe.Pointer(unsafe.SliceData(b))), C.size_t(len(b))
}

func stringPtr(s string) (*C.uint8_t, C.size_t) {
	if len(s) == 0 {
		return (*C.uint8_t)(unsafe.Pointer(&empty[0])), 0
	}
	return (*C.uint8_t)(unsafe.Pointer(unsafe.StringData(s))), C.size_t(len(s))
}

// text copies a view out of C memory.
func text(v C.pss_go_view) string {
	if v.ptr == nil || v.len == 0 {
		return ""
	}
	return strings.Clone(unsafe.String((*byte)(unsafe.Pointer(v.ptr)), int(v.len)))
}

func checkPolicy(level, version string) error {
	lp, ll := stringPtr(level)
	vp, vl := stringPtr(version)
	var cerr *C.pss_error
	rc := C.pss_go_policy_check(lp, ll, vp, vl, &cerr)
	if rc != C.PSS_RESULT_OK {
		return takeError(rc, cerr)
	}
	return nil
}

// Evaluate decodes a pod from JSON (as the API server does: case-sensitive keys,
// unknown fields ignored) and evaluates it at the policy.
//
// A pod that cannot be decoded, or an invalid level or version, gives an *Error
// (match it with errors.Is against ErrInvalidJSON, ErrInvalidLevel, ...).
func Evaluate(pod []byte, policy Policy) (Result, error) {
	lp, ll := stringPtr(string(policy.Level))
	vp, vl := stringPtr(policy.version())
	pp, pl := bytesPtr(pod)
	var ev *C.pss_evaluation
	var cerr *C.pss_error
	var sum C.pss_go_summary
	rc := C.pss_go_evaluate(lp, ll, vp, vl, pp, pl, &ev, &cerr, &sum)
	if rc != C.PSS_RESULT_OK {
		if ev != nil {
			C.pss_evaluation_free(ev)
		}
		return Result{}, takeError(rc, cerr)
	}
	defer C.pss_evaluation_free(ev)
	res := Result{
		Allowed:          bool(sum.allowed),
		PodName:          text(sum.pod_name),
		Reason:           text(sum.reason),
		Detail:           text(sum.detail),
		AdmissionMessage: text(sum.message),
	}
	if sum.violations == 0 {
		return res, nil
	}
	vs := make([]C.pss_go_violation, int(sum.violations))
	fs := make([]C.pss_go_field, int(sum.fields)+1) // +1: never a zero-length slice
	rc = C.pss_go_collect(ev, &vs[0], C.size_t(len(vs)), &fs[0], sum.fields)
	if rc != C.PSS_RESULT_OK {
		return Result{}, newError(Code(rc), "reading the evaluation failed")
	}
	res.Violations = make([]Violation, len(vs))
	fields := make([]Field, int(sum.fields))
	k := 0
	for i := range vs {
		v := &vs[i]
		n := int(v.fields)
		out := Violation{
			Check:  text(v.check),
			Reason: text(v.reason),
			Detail: text(v.detail),
			Fields: fields[k : k+n : k+n],
		}
		for j := 0; j < n; j++ {
			f := &fs[k+j]
			out.Fields[j] = Field{
				Path:      text(f.path),
				Value:     json.RawMessage(text(f.value)),
				Container: text(f.container),
			}
		}
		k += n
		res.Violations[i] = out
	}
	return res, nil
}

// takeError turns a failed call's code and pss_error into an *Error, freeing the
// pss_error.
func takeError(rc C.pss_result, cerr *C.pss_error) error {
	if cerr == nil {
		return newError(Code(rc), "")
	}
	defer C.pss_error_free(cerr)
	var e C.pss_go_error
	C.pss_go_take_error(cerr, &e)
	return &Error{
		Code:    Code(e.code),
		Message: text(e.message),
		Path:    text(e.path),
		Line:    int(e.line),
		Column:  int(e.column),
		Offset:  int(e.offset),
		display: text(e.display),
	}
}
