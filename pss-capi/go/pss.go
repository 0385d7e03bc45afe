// Package pss evaluates Kubernetes pods against the Pod Security Standards
// exactly as the API server's PodSecurity admission controller does: the same
// checks at every version from v1.0 to the newest, the same verdicts, and
// upstream's reason and detail strings byte for byte. Each violation also
// carries the path and value of every offending field.
//
// Everything is evaluated at a LevelVersion (a level at a version:
// baseline:latest). There are three ways in, each with the rule of pss-core
// (the Rust library this package calls): Evaluate reads a pod (a document
// without kind is a pod; another kind is ErrUnexpectedKind; a bare PodSpec is
// ErrBarePodSpec, never an allowed empty pod); EvaluateSpec reads a bare pod
// spec, with field paths relative to the spec; EvaluateObject reads any object
// with a pod template (Deployment, StatefulSet, DaemonSet, Job, CronJob, ...)
// and evaluates its template, with field paths relative to the object (a
// document without kind is ErrNotAWorkload: not evaluated, never allowed).
// WithExclusions applies Kyverno-style exclusions. PolicyFromLabels resolves a
// namespace's pod-security.kubernetes.io labels to its Policy: its enforce,
// audit and warn levels and versions.
//
// Admission is the PodSecurity admission controller with a
// PodSecurityConfiguration (defaults and exemptions): Review decides a create
// request (denial, warnings, audit annotations, exemption, and whether the pods
// a controller creates would be denied), ReviewNamespace and DryRunEnforce
// review a namespace's label change against its pods, word for word as the API
// server answers. KyvernoPolicy runs a Kyverno ClusterPolicy or
// Policy's validate.podSecurity rules offline (Apply). Remediate,
// RemediateSpec and RemediateObject give the smallest change that makes a pod,
// a pod spec or a workload pass a level, as an RFC 6902 JSON Patch whose
// operations say what they cure, how safe they are and why, proven by
// evaluating the patched document again. Documents are JSON; convert YAML
// first.
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
// Every function and method is safe for concurrent use. Results are plain Go
// values that refer to no C memory. Evaluate, EvaluateSpec and EvaluateObject
// make one cgo call, which writes the whole result into a buffer the package
// reuses (pss_evaluate_flat's flat layout); the package checks it and copies it
// out with three allocations however many violations there are. A review or an
// application is one cgo call plus one to free. An Admission or a KyvernoPolicy
// holds C memory, freed when it is garbage collected.
package pss

/*
#cgo CFLAGS: -I${SRCDIR}/../include
#cgo noescape pss_go_evaluate
#cgo nocallback pss_go_evaluate
#include <stdlib.h>
#include "pss.h"

// The C side of the package: the library's public functions, called from C so that
// one call costs one cgo call (plus, for a review or an application, one to free what
// it made), however many violations, warnings or rules its result has.


typedef struct {
	pss_result code;
	pss_str message, path, display;
	size_t line, column, offset;
} pss_go_error;

// Adds n exclusions to options. strs holds every string back to back and lens their lengths; exclusion
// i has shape[2*i] images and shape[2*i+1] values, and its strings are, in order: the control name,
// the restricted field, the images, the values.
static pss_result pss_go_add_exclusions(pss_options *options, const uint8_t *strs, const size_t *lens,
                                        const size_t *shape, size_t n, pss_error **err) {
	size_t total = 0, i, k = 0, off = 0;
	const uint8_t **ptrs;
	pss_result rc = PSS_RESULT_OK;
	for (i = 0; i < n; i++) total += 2 + shape[2 * i] + shape[2 * i + 1];
	ptrs = malloc((total ? total : 1) * sizeof *ptrs);
	if (ptrs == NULL) return PSS_RESULT_INPUT_TOO_LARGE;
	for (i = 0; i < total; i++) {
		ptrs[i] = strs + off;
		off += lens[i];
	}
	for (i = 0; i < n && rc == PSS_RESULT_OK; i++) {
		size_t ni = shape[2 * i], nv = shape[2 * i + 1];
		rc = pss_options_add_exclusion(options, ptrs[k], lens[k], ptrs + k + 2, lens + k + 2, ni, ptrs[k + 1],
		                               lens[k + 1], ptrs + k + 2 + ni, lens + k + 2 + ni, nv, err);
		k += 2 + ni + nv;
	}
	free(ptrs);
	return rc;
}

// What pss_go_evaluate gives back, by value, so that Go passes it no pointers to its own variables:
// the code, the size of the flat evaluation written into the caller's buffer (when the buffer was
// too small, the size it needs), and the error.
typedef struct {
	pss_result rc;
	size_t len;
	pss_error *error;
} pss_go_evaluated;

// Evaluates a pod, a pod spec or any workload (entry: PSS_ENTRY_POD, PSS_ENTRY_SPEC, PSS_ENTRY_OBJECT),
// with n exclusions (see pss_go_add_exclusions), and writes the evaluation flat into buf; or gives the
// error. When buf is too small, gives PSS_RESULT_INSUFFICIENT_SIZE and the size it must have.
static pss_go_evaluated pss_go_evaluate(const uint8_t *level, size_t level_len, const uint8_t *version,
                                        size_t version_len, uint32_t entry, const uint8_t *data, size_t data_len,
                                        const uint8_t *strs, const size_t *lens, const size_t *shape, size_t n,
                                        uint8_t *buf, size_t buf_len) {
	pss_go_evaluated r = {PSS_RESULT_OK, 0, NULL};
	pss_options *options = NULL;
	if (n > 0) {
		if ((r.rc = pss_options_new(&options)) != PSS_RESULT_OK) return r;
		if ((r.rc = pss_go_add_exclusions(options, strs, lens, shape, n, &r.error)) != PSS_RESULT_OK) {
			pss_options_free(options);
			return r;
		}
	}
	r.rc = pss_evaluate_flat(level, level_len, version, version_len, options, entry, data, data_len, buf, buf_len,
	                         &r.len, &r.error);
	if (r.rc == PSS_RESULT_INSUFFICIENT_SIZE) {
		// Measure, so that Go can retry once with a buffer large enough.
		pss_error_free(r.error);
		r.error = NULL;
		r.rc = pss_evaluate_flat(level, level_len, version, version_len, options, entry, data, data_len, NULL, 0,
		                         &r.len, &r.error);
		if (r.rc == PSS_RESULT_OK) r.rc = PSS_RESULT_INSUFFICIENT_SIZE;
	}
	pss_options_free(options);
	return r;
}

// Checks n exclusions (see pss_go_add_exclusions).
static pss_result pss_go_check_exclusions(const uint8_t *strs, const size_t *lens, const size_t *shape, size_t n,
                                          pss_error **err) {
	pss_options *options = NULL;
	pss_result rc = pss_options_new(&options);
	if (rc != PSS_RESULT_OK) return rc;
	rc = pss_go_add_exclusions(options, strs, lens, shape, n, err);
	pss_options_free(options);
	return rc;
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

static pss_result pss_go_level_version_check(const uint8_t *level, size_t level_len, const uint8_t *version,
                                             size_t version_len, pss_error **err) {
	pss_level_version *lv = NULL;
	pss_result rc = pss_level_version_new(level, level_len, version, version_len, &lv, err);
	pss_level_version_free(lv);
	return rc;
}
*/
import "C"

import (
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"unique"
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
	if err := checkLevelVersion(s, Latest); err != nil {
		return "", err
	}
	return Level(s), nil
}

// ParseVersion checks a version exactly as the API server does: "latest" or
// "v1.N" with no leading zero. Anything else is an *Error with code
// CodeInvalidVersion.
func ParseVersion(s string) (string, error) {
	if err := checkLevelVersion(string(Baseline), s); err != nil {
		return "", err
	}
	return s, nil
}

// LevelVersion is one Pod Security Standards level at one version, as a
// namespace's pod-security.kubernetes.io/enforce and enforce-version labels
// give them: what a pod is evaluated at (pss-core's LevelVersion, the C
// library's pss_level_version). Policy holds one per PodSecurity mode.
type LevelVersion struct {
	// Level is the level to enforce.
	Level Level
	// Version is "latest" or "v1.N"; empty means "latest", as an absent version
	// label does.
	Version string
}

// Option changes how Evaluate, EvaluateSpec and EvaluateObject evaluate.
type Option func(*options)

type options struct {
	exclusions []Exclusion
}

// WithExclusions drops the offending fields the exclusions cover from the
// result, as the exclude entries of a Kyverno validate.podSecurity rule do. An
// invalid exclusion makes the evaluation fail with an *Error of code
// CodeInvalidExclusion (errors.Is(err, ErrInvalidExclusion)). Their restricted
// fields are relative to a pod, so EvaluateSpec refuses them (ErrInvalidInput).
func WithExclusions(exclusions ...Exclusion) Option {
	return func(o *options) { o.exclusions = append(o.exclusions, exclusions...) }
}

// Exclusion is one entry of a Kyverno validate.podSecurity exclude list,
// validated as Kyverno validates it. An entry with Images covers the fields of
// containers whose image matches one of them (wildcards * and ?); one without
// covers pod-level fields. RestrictedField and Values narrow it to one field
// whose every value matches Values. A violation whose fields are all covered is
// dropped; one partly covered keeps its other fields and upstream's detail.
type Exclusion struct {
	// ControlName is Kyverno's name of the control: "Privileged Containers",
	// "Capabilities", "Host Namespaces", "Seccomp", ...
	ControlName string
	// Images are container image patterns; required for container-level
	// controls, forbidden for pod-level ones.
	Images []string
	// RestrictedField is a field path relative to the pod (for a workload, to
	// its pod template) with [*] for indices, e.g.
	// spec.containers[*].securityContext.capabilities.add; empty for any field.
	RestrictedField string
	// Values are patterns every value of RestrictedField must match; required
	// with RestrictedField and only with it.
	Values []string
}

// Validate reports whether Kyverno accepts the exclusion: nil, or an *Error of
// code CodeInvalidExclusion with Kyverno's message, e.g.
// controlName: Invalid value: "Privileged Containers": exclude.images must be specified for the container level control
func (e Exclusion) Validate() error {
	x := packExclusions([]Exclusion{e})
	var cerr *C.pss_error
	rc := C.pss_go_check_exclusions(x.strs, x.lens, x.shape, x.n, &cerr)
	runtime.KeepAlive(&x)
	if rc != C.PSS_RESULT_OK {
		return takeError(rc, cerr)
	}
	return nil
}

func (lv LevelVersion) version() string {
	if lv.Version == "" {
		return Latest
	}
	return lv.Version
}

// String gives the level and version as "level:version", as admission messages
// quote it.
func (lv LevelVersion) String() string {
	return string(lv.Level) + ":" + lv.version()
}

// Result is the verdict on one pod, pod spec or workload.
type Result struct {
	// Allowed reports whether the pod passes (it has no violations).
	Allowed bool
	// Kind is the workload's kind: "Pod" for Evaluate; for EvaluateObject the
	// object's kind ("Deployment", "CronJob", ...); "" for EvaluateSpec (a bare
	// pod spec has no kind).
	Kind string
	// TemplateAbsent reports that the object has no pod template to evaluate and
	// is allowed for that reason (a ReplicationController without
	// spec.template, as upstream allows it).
	TemplateAbsent bool
	// PodName is the pod's metadata.name (the object's, for EvaluateObject); ""
	// when it has none (always for EvaluateSpec).
	PodName string
	// Reason is upstream's aggregate ForbiddenReason: the violations' reasons
	// joined by ", ". Empty when allowed.
	Reason string
	// Detail is upstream's aggregate ForbiddenDetail: each "reason (detail)"
	// joined by ", ". Empty when allowed.
	Detail string
	// Message is the denial as pss-core words it: for a pod, what the API
	// server answers when it denies it,
	// pods "NAME" is forbidden: violates PodSecurity "LEVEL:VERSION": DETAIL
	// ("pods is forbidden: ..." for a pod without a name and for a bare pod
	// spec). For a controller, which the API server never denies:
	// deployments "NAME" (pods it creates would be denied): violates PodSecurity "LEVEL:VERSION": DETAIL.
	// Empty when allowed.
	Message string
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
	// spec.containers[0].securityContext.privileged; in the object for
	// EvaluateObject, e.g. spec.template.spec.containers[0].securityContext.privileged;
	// in the spec for EvaluateSpec, e.g. containers[0].securityContext.privileged.
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
func text(v C.pss_str) string {
	if v.ptr == nil || v.len == 0 {
		return ""
	}
	return strings.Clone(unsafe.String((*byte)(unsafe.Pointer(v.ptr)), int(v.len)))
}

func checkLevelVersion(level, version string) error {
	lp, ll := stringPtr(level)
	vp, vl := stringPtr(version)
	var cerr *C.pss_error
	rc := C.pss_go_level_version_check(lp, ll, vp, vl, &cerr)
	if rc != C.PSS_RESULT_OK {
		return takeError(rc, cerr)
	}
	return nil
}

// exclusions is an evaluation's exclusions packed for the C helpers: every string
// back to back in one buffer, their lengths, and each exclusion's image and value
// counts (Go memory without Go pointers, as cgo requires).
type exclusions struct {
	buf   []byte
	sizes []C.size_t
	dims  []C.size_t
	strs  *C.uint8_t
	lens  *C.size_t
	shape *C.size_t
	n     C.size_t
}

func packExclusions(es []Exclusion) exclusions {
	var x exclusions
	if len(es) == 0 {
		return x
	}
	add := func(s string) {
		x.buf = append(x.buf, s...)
		x.sizes = append(x.sizes, C.size_t(len(s)))
	}
	for _, e := range es {
		add(e.ControlName)
		add(e.RestrictedField)
		for _, s := range e.Images {
			add(s)
		}
		for _, s := range e.Values {
			add(s)
		}
		x.dims = append(x.dims, C.size_t(len(e.Images)), C.size_t(len(e.Values)))
	}
	x.strs, _ = bytesPtr(x.buf)
	x.lens = &x.sizes[0]
	x.shape = &x.dims[0]
	x.n = C.size_t(len(es))
	return x
}

// Evaluate decodes a pod from JSON (as the API server does: case-sensitive
// keys, unknown fields ignored) and evaluates it at the level and version,
// applying the options' exclusions. This is the pod entry: a document without
// kind is a pod (the caller says it is one); field paths are relative to the
// pod (spec.containers[0].securityContext.privileged).
//
// A document whose kind is present and not Pod is an *Error with code
// CodeUnexpectedKind (use EvaluateObject); a bare PodSpec (pod spec fields such
// as containers at the top, and no spec) is one with code CodeBarePodSpec (use
// EvaluateSpec), never an allowed empty pod. A pod that cannot be decoded, an
// invalid level or version, or an invalid exclusion gives an *Error too (match
// it with errors.Is against ErrInvalidJSON, ErrInvalidLevel,
// ErrInvalidExclusion, ...). A result the package cannot read (a C library
// that does not match the header it was built with) is an *Error with code
// CodePanic, never a panic (see ExampleEvaluate).
func Evaluate(pod []byte, lv LevelVersion, opts ...Option) (Result, error) {
	return evaluate(pod, lv, entryPod, opts)
}

// EvaluateSpec decodes a bare pod spec from JSON
// ({"containers": [...], "hostNetwork": true, ...}) and evaluates it at the
// level and version with the checks of Evaluate. Field paths are relative to
// the spec (containers[0].securityContext.privileged, hostNetwork); the result
// has no Kind and no PodName, and its Message reads
// pods is forbidden: violates PodSecurity "LEVEL:VERSION": DETAIL.
//
// A whole object given as a spec (spec, kind, apiVersion or metadata at its
// top) is an *Error with code CodeUnexpectedKind, never an allowed empty spec;
// options with exclusions are refused with CodeInvalidInput (their fields are
// relative to a pod); otherwise the errors are those of Evaluate.
func EvaluateSpec(spec []byte, lv LevelVersion, opts ...Option) (Result, error) {
	return evaluate(spec, lv, entrySpec, opts)
}

// EvaluateObject decodes any object with a pod template from JSON and evaluates
// it as the PodSecurity admission controller does: a Pod itself; a PodTemplate,
// ReplicationController, ReplicaSet, Deployment, StatefulSet, DaemonSet or Job
// through its pod template; a CronJob through spec.jobTemplate.spec.template.
// The kind (and the group of apiVersion, when present) decides; field paths are
// relative to the object. A ReplicationController without a template is allowed
// with TemplateAbsent set.
//
// A document without kind is not a Kubernetes object: it is not evaluated, and
// gives an *Error with code CodeNotAWorkload carrying pss-core's reason, as does
// an object that is not a pod or a pod controller (errors.Is(err,
// ErrNotAWorkload)); otherwise the errors are those of Evaluate.
func EvaluateObject(object []byte, lv LevelVersion, opts ...Option) (Result, error) {
	return evaluate(object, lv, entryObject, opts)
}

// exclusionsOf gives the exclusions the options add (no allocation without
// options).
func exclusionsOf(opts []Option) []Exclusion {
	if len(opts) == 0 {
		return nil
	}
	o := &options{}
	for _, opt := range opts {
		opt(o)
	}
	return o.exclusions
}

// flatBuffer is a buffer the C library writes flat evaluations into: Go memory
// without Go pointers (as cgo requires), made of 8-byte words so that the
// records at its start are aligned for reading in place. Results never keep it:
// their texts are copied out.
type flatBuffer struct {
	words []uint64
}

func newFlatBuffer(size int) *flatBuffer {
	return &flatBuffer{words: make([]uint64, (size+7)/8)}
}

// bytes gives the buffer as bytes.
func (b *flatBuffer) bytes() []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(b.words))), len(b.words)*8)
}

// flatBuffers are reused across calls (and goroutines).
var flatBuffers = sync.Pool{New: func() any { return newFlatBuffer(flatBufferSize) }}

const (
	// flatBufferSize holds the flat evaluation of every pod of the bench
	// corpus (the largest about 5 KiB; a denied pod's about 2 KiB).
	flatBufferSize = 16 << 10
	// maxPooledBuffer is the largest buffer kept for reuse after a larger
	// result needed one.
	maxPooledBuffer = 1 << 20
)

// entry is what the input of an evaluation is (the C library's pss_entry).
type entry uint32

const (
	entryPod    entry = C.PSS_ENTRY_POD
	entrySpec   entry = C.PSS_ENTRY_SPEC
	entryObject entry = C.PSS_ENTRY_OBJECT
)

func evaluate(data []byte, lv LevelVersion, e entry, opts []Option) (Result, error) {
	fb := flatBuffers.Get().(*flatBuffer)
	defer flatBuffers.Put(fb)
	buf, err := evaluateFlat(fb, data, lv, e, opts)
	if err != nil {
		return Result{}, err
	}
	return decodeFlat(buf)
}

// evaluateFlat evaluates with one cgo call that writes the flat evaluation
// into fb, and gives its bytes (in fb, or in a larger buffer when fb is too
// small: then fb takes that buffer's place unless it is very large).
func evaluateFlat(fb *flatBuffer, data []byte, lv LevelVersion, e entry, opts []Option) ([]byte, error) {
	lp, ll := stringPtr(string(lv.Level))
	vp, vl := stringPtr(lv.version())
	pp, pl := bytesPtr(data)
	x := packExclusions(exclusionsOf(opts))
	buf := fb.bytes()
	r := C.pss_go_evaluate(lp, ll, vp, vl, C.uint32_t(e), pp, pl, x.strs, x.lens, x.shape, x.n,
		(*C.uint8_t)(unsafe.Pointer(unsafe.SliceData(buf))), C.size_t(len(buf)))
	if r.rc == C.PSS_RESULT_INSUFFICIENT_SIZE && uint64(r.len) > uint64(len(buf)) {
		// Once more with a buffer that fits (the same input gives the same
		// result).
		larger := newFlatBuffer(int(r.len))
		if len(larger.words)*8 <= maxPooledBuffer {
			*fb = *larger
		}
		buf = larger.bytes()
		r = C.pss_go_evaluate(lp, ll, vp, vl, C.uint32_t(e), pp, pl, x.strs, x.lens, x.shape, x.n,
			(*C.uint8_t)(unsafe.Pointer(unsafe.SliceData(buf))), C.size_t(len(buf)))
	}
	runtime.KeepAlive(data)
	runtime.KeepAlive(x.buf)
	runtime.KeepAlive(x.sizes)
	runtime.KeepAlive(x.dims)
	if r.rc != C.PSS_RESULT_OK {
		return nil, takeError(r.rc, r.error)
	}
	if uint64(r.len) > uint64(len(buf)) {
		return nil, flatError("the C library reports writing %d bytes into a buffer of %d", uint64(r.len), len(buf))
	}
	return buf[:r.len], nil
}

// The sizes of the flat records (layout version 1).
const (
	flatHeaderSize    = int(unsafe.Sizeof(C.pss_flat_evaluation{}))
	flatViolationSize = int(unsafe.Sizeof(C.pss_flat_violation{}))
	flatFieldSize     = int(unsafe.Sizeof(C.pss_flat_field{}))
)

// flatError is the error for a flat evaluation this package cannot read: a
// library that writes it wrongly, or another layout than the header this
// package was built with describes. An *Error with code CodePanic (an internal
// error), never a panic.
func flatError(format string, args ...any) error {
	return newError(CodePanic, "pss: unreadable flat evaluation: "+fmt.Sprintf(format, args...))
}

// decodeFlat reads a flat evaluation (pss_flat_evaluation, layout version 1)
// out of buf, checking every count, offset and span against buf first: a
// corrupt evaluation or another layout version is an error, never a panic or
// a read outside buf. Its texts and values are copied into one new byte slice,
// each text a substring of it and each value a capped slice of it; the
// violations and the fields fill one slice each: three allocations however many
// violations there are (one for an allowed pod), and no cgo call.
func decodeFlat(buf []byte) (Result, error) {
	if len(buf) < flatHeaderSize {
		return Result{}, flatError("%d bytes, shorter than the %d-byte header", len(buf), flatHeaderSize)
	}
	if uintptr(unsafe.Pointer(unsafe.SliceData(buf)))%unsafe.Alignof(C.pss_flat_evaluation{}) != 0 {
		return Result{}, flatError("the buffer is not aligned for its records")
	}
	h := (*C.pss_flat_evaluation)(unsafe.Pointer(unsafe.SliceData(buf)))
	if h.magic != C.PSS_FLAT_MAGIC {
		return Result{}, flatError("magic %#x, expected %#x", uint32(h.magic), uint32(C.PSS_FLAT_MAGIC))
	}
	if h.version != C.PSS_FLAT_VERSION {
		return Result{}, flatError("layout version %d; this package reads version %d (the library does not match it)",
			uint32(h.version), uint32(C.PSS_FLAT_VERSION))
	}
	// Every number is a uint32: the sums and products below fit an int64.
	nv, nf := int64(h.violation_count), int64(h.field_count)
	fields := int64(flatHeaderSize) + nv*int64(flatViolationSize)
	texts := fields + nf*int64(flatFieldSize)
	textsEnd := texts + int64(h.texts.len)
	end := textsEnd + int64(h.values.len)
	if int64(h.size) != int64(len(buf)) || int64(h.violations) != int64(flatHeaderSize) ||
		int64(h.fields) != fields || int64(h.texts.offset) != texts || int64(h.values.offset) != textsEnd ||
		end != int64(len(buf)) {
		return Result{}, flatError("its parts are not where layout version 1 puts them in its %d bytes", len(buf))
	}
	res := Result{
		Allowed:        h.flags&C.PSS_FLAT_ALLOWED != 0,
		TemplateAbsent: h.flags&C.PSS_FLAT_TEMPLATE_ABSENT != 0,
	}
	d := flatDecoder{textsAt: int(texts), textsEnd: int(textsEnd), end: int(end)}
	if end > texts {
		// The texts are reachable only as strings and the values only as capped
		// slices of the rest, so no value can be used to change a text.
		// make and copy of the same length: allocated without zeroing first.
		src := buf[texts:end]
		b := make([]byte, len(src))
		copy(b, src)
		tl := int(textsEnd - texts)
		d.texts, d.values = unsafe.String(&b[0], tl), b[tl:len(b):len(b)]
	}
	res.Kind, res.PodName = d.text(h.kind), d.text(h.pod_name)
	res.Reason, res.Detail, res.Message = d.text(h.reason), d.text(h.detail), d.text(h.denial_message)
	d.text(h.template_path)
	d.text(h.note)
	if nv > 0 {
		vs := unsafe.Slice((*C.pss_flat_violation)(unsafe.Pointer(&buf[h.violations])), nv)
		var all []Field
		if nf > 0 {
			fs := unsafe.Slice((*C.pss_flat_field)(unsafe.Pointer(&buf[h.fields])), nf)
			all = make([]Field, nf)
			// Field by field, not as composite literals: a whole struct stored
			// into the heap is copied with a bulk write barrier while the
			// garbage collector marks, each field alone with the cheap one.
			for j := range fs {
				f, c := &all[j], &fs[j]
				f.Path = d.text(c.path)
				f.Value = d.value(c.value_json)
				f.Container = d.text(c.container)
			}
		}
		out := make([]Violation, nv)
		next := int64(0) // each violation's fields follow the previous one's
		for i := range vs {
			first, n := int64(vs[i].first_field), int64(vs[i].field_count)
			if first != next || n > nf-first {
				return Result{}, flatError("violation %d's fields (%d from %d) are not the next ones of %d", i, n, first, nf)
			}
			next += n
			v, c := &out[i], &vs[i]
			v.Check = d.text(c.check_id)
			v.Reason = d.text(c.reason)
			v.Detail = d.text(c.detail)
			v.Fields = all[first : first+n : first+n]
		}
		if next != nf {
			return Result{}, flatError("%d fields, of which the violations have %d", nf, next)
		}
		res.Violations = out
	} else if nf > 0 {
		return Result{}, flatError("%d fields without a violation", nf)
	}
	if d.err != nil {
		return Result{}, d.err
	}
	return res, nil
}

// flatDecoder finds the spans of a flat evaluation in the copy of its texts
// and values, checking each against where the texts and the values lie; the
// first span out of place is kept as the error (and gives "" or nil).
type flatDecoder struct {
	texts             string
	values            []byte
	textsAt, textsEnd int // where the texts lie in the flat evaluation; the values follow
	end               int
	err               error
}

// text gives a span's text from the copy ("" when absent or empty).
func (d *flatDecoder) text(s C.pss_span) string {
	// In uint64, where an offset before the texts wraps around to one past
	// them. Small enough to be inlined; the failure is reported out of line.
	o, n := uint64(s.offset)-uint64(d.textsAt), uint64(s.len)
	if n == 0 {
		return ""
	}
	if o > uint64(len(d.texts)) || n > uint64(len(d.texts))-o {
		d.misplaced(s, false)
		return ""
	}
	return d.texts[o : o+n]
}

// value gives a field's JSON value as a capped slice of the copy of the values
// (appending to one never writes into another); nil when empty.
func (d *flatDecoder) value(s C.pss_span) json.RawMessage {
	o, n := uint64(s.offset)-uint64(d.textsEnd), uint64(s.len)
	if n == 0 {
		return nil
	}
	if o > uint64(len(d.values)) || n > uint64(len(d.values))-o {
		d.misplaced(s, true)
		return nil
	}
	return json.RawMessage(d.values[o : o+n : o+n])
}

// misplaced keeps the error for a text's (or a value's) span outside the
// texts (the values), unless there is one already.
//
//go:noinline
func (d *flatDecoder) misplaced(s C.pss_span, value bool) {
	what, from, to := "text", d.textsAt, d.textsEnd
	if value {
		what, from, to = "value", d.textsEnd, d.end
	}
	if d.err == nil {
		d.err = flatError("the %s of %d bytes at %d is not among the %ss (%d to %d)", what, uint32(s.len),
			uint32(s.offset), what, from, to)
	}
}

// resultOf copies an evaluation's view out of C memory (the evaluations of an
// admission decision): its texts and values in one copy, as resultOfFlat.
func resultOf(v *C.pss_evaluation_view) Result {
	res := Result{
		Allowed:        bool(v.allowed),
		Kind:           interned(v.kind),
		TemplateAbsent: bool(v.template_absent),
	}
	if v.violation_count == 0 {
		res.PodName = text(v.pod_name)
		return res
	}
	b := copyBlock(v.texts, v.values)
	res.PodName, res.Reason, res.Detail = b.text(v.pod_name), b.text(v.reason), b.text(v.detail)
	res.Message = b.text(v.denial_message)
	res.Violations = b.violations(v.violations, v.violation_count, v.fields, v.field_count)
	return res
}

// block is a copy of a C result's two blocks: every text, and every value.
type block struct {
	texts      string
	values     []byte
	textBase   uintptr
	valuesBase uintptr
}

func copyBlock(texts, values C.pss_str) block {
	b := block{textBase: uintptr(unsafe.Pointer(texts.ptr)), valuesBase: uintptr(unsafe.Pointer(values.ptr))}
	tn, vn := int(texts.len), int(values.len)
	if tn > 0 && vn > 0 && b.valuesBase == b.textBase+uintptr(tn) {
		// The values follow the texts (as the library lays them out): one copy of both. The texts are
		// reachable only as strings and the values only as capped slices of the rest, so no value can
		// be used to change a text.
		buf := make([]byte, tn+vn)
		copy(buf, unsafe.Slice((*byte)(unsafe.Pointer(texts.ptr)), tn+vn))
		b.texts = unsafe.String(&buf[0], tn)
		b.values = buf[tn : tn+vn : tn+vn]
		return b
	}
	b.texts, b.values = text(texts), []byte(view(values))
	return b
}

// text gives a view's text from the copy (a copy of its own if the view is not
// in the block, which the library never does).
func (b *block) text(v C.pss_str) string {
	if v.ptr == nil || v.len == 0 {
		return ""
	}
	off := uintptr(unsafe.Pointer(v.ptr)) - b.textBase
	if off > uintptr(len(b.texts)) || uintptr(v.len) > uintptr(len(b.texts))-off {
		return text(v)
	}
	return b.texts[off : off+uintptr(v.len)]
}

// value gives a field's JSON value as a full slice of the copy of the values
// (appending to one never writes into another).
func (b *block) value(v C.pss_str) json.RawMessage {
	if v.ptr == nil || v.len == 0 {
		return nil
	}
	off := uintptr(unsafe.Pointer(v.ptr)) - b.valuesBase
	if off > uintptr(len(b.values)) || uintptr(v.len) > uintptr(len(b.values))-off {
		return json.RawMessage(text(v))
	}
	end := off + uintptr(v.len)
	return json.RawMessage(b.values[off:end:end])
}

// violations copies nv violation views and their nf fields (all of them,
// violation by violation) out of C memory.
func (b *block) violations(vp *C.pss_violation_view, nv C.size_t, fp *C.pss_field_view, nf C.size_t) []Violation {
	if nv == 0 {
		return nil
	}
	vs := unsafe.Slice(vp, int(nv))
	var fields []Field
	if nf > 0 {
		fs := unsafe.Slice(fp, int(nf))
		fields = make([]Field, len(fs))
		for j := range fs {
			fields[j] = Field{Path: b.text(fs[j].path), Value: b.value(fs[j].value_json), Container: b.text(fs[j].container)}
		}
	}
	out := make([]Violation, len(vs))
	k := 0
	for i := range vs {
		n := int(vs[i].field_count)
		if k+n > len(fields) {
			n = len(fields) - k
		}
		out[i] = Violation{
			Check:  b.text(vs[i].check_id),
			Reason: b.text(vs[i].reason),
			Detail: b.text(vs[i].detail),
			Fields: fields[k : k+n : k+n],
		}
		k += n
	}
	return out
}

// view is the bytes of a C view, valid while the C memory is.
func view(v C.pss_str) string {
	if v.ptr == nil || v.len == 0 {
		return ""
	}
	return unsafe.String((*byte)(unsafe.Pointer(v.ptr)), int(v.len))
}

// interned gives a view's text as an interned string: the short names the
// library returns again and again (kinds, levels, versions) are copied once per
// process (while in use), not once per result, and no table of them is kept
// here.
func interned(v C.pss_str) string {
	if v.ptr == nil || v.len == 0 {
		return ""
	}
	return unique.Make(view(v)).Value()
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
