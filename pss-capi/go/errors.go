package pss

/*
#include "pss.h"
*/
import "C"

import (
	"strconv"
	"unsafe"
)

// Code is the C library's pss_result: what a call returned. The numbers are
// fixed and never reused.
type Code uint32

// The codes. A code this package does not know (from a newer library) is still
// a failure.
const (
	CodeOK               Code = C.PSS_RESULT_OK
	CodeNullParameter    Code = C.PSS_RESULT_NULL_PARAMETER
	CodeInvalidUTF8      Code = C.PSS_RESULT_INVALID_UTF8
	CodeInvalidJSON      Code = C.PSS_RESULT_INVALID_JSON
	CodeNotAnObject      Code = C.PSS_RESULT_NOT_AN_OBJECT
	CodeInvalidType      Code = C.PSS_RESULT_INVALID_TYPE
	CodeNumberOutOfRange Code = C.PSS_RESULT_NUMBER_OUT_OF_RANGE
	CodeTooDeep          Code = C.PSS_RESULT_TOO_DEEP
	CodeInvalidLevel     Code = C.PSS_RESULT_INVALID_LEVEL
	CodeInvalidVersion   Code = C.PSS_RESULT_INVALID_VERSION
	CodeIndexOutOfRange  Code = C.PSS_RESULT_INDEX_OUT_OF_RANGE
	CodeInsufficientSize Code = C.PSS_RESULT_INSUFFICIENT_SIZE
	CodePanic            Code = C.PSS_RESULT_PANIC
	CodeUnknownCheck     Code = C.PSS_RESULT_UNKNOWN_CHECK
	CodeInvalidInput     Code = C.PSS_RESULT_INVALID_INPUT
	CodeInputTooLarge    Code = C.PSS_RESULT_INPUT_TOO_LARGE
	CodeNotAWorkload     Code = C.PSS_RESULT_NOT_A_WORKLOAD
	CodeInvalidExclusion Code = C.PSS_RESULT_INVALID_EXCLUSION
	CodeUnknownField     Code = C.PSS_RESULT_UNKNOWN_FIELD
	CodeDuplicateField   Code = C.PSS_RESULT_DUPLICATE_FIELD
	CodeUnexpectedKind   Code = C.PSS_RESULT_UNEXPECTED_KIND
	CodeInvalidConfig    Code = C.PSS_RESULT_INVALID_CONFIG
	CodeInvalidPolicy    Code = C.PSS_RESULT_INVALID_POLICY
	CodeBarePodSpec      Code = C.PSS_RESULT_BARE_POD_SPEC
	CodeUnverified       Code = C.PSS_RESULT_UNVERIFIED
)

// String gives the code's text from the C library ("invalid level", "the pod is
// not well-formed JSON", ...).
func (c Code) String() string {
	var buf [C.PSS_RESULT_TEXT_MAX_LEN]byte
	var n C.size_t
	rc := C.pss_result_text(C.uint32_t(c), (*C.uint8_t)(unsafe.Pointer(&buf[0])), C.size_t(len(buf)), &n)
	if rc != C.PSS_RESULT_OK {
		return "pss result " + strconv.FormatUint(uint64(c), 10)
	}
	return string(buf[:n])
}

// Error is why a call failed: an invalid level or version, a pod or document
// that cannot be decoded (then Path, Line, Column and Offset say where), an
// object that is not a workload, an invalid exclusion (then Path is the
// exclusion's field, e.g. controlName, when one field is at fault), an invalid
// admission configuration or Kyverno policy (then Path is the field, e.g.
// defaults.enforce, when one field is at fault).
type Error struct {
	// Code is the kind of problem.
	Code Code
	// Message says what was wrong, without the location, e.g. "expected a
	// boolean, found a string".
	Message string
	// Path is the offending field's path in the pod (spec.hostPID), or empty.
	Path string
	// Line and Column are 1-based (the column in bytes), Offset 0-based; all 0
	// when the error has no position.
	Line, Column, Offset int

	display string
}

func newError(code Code, message string) *Error {
	return &Error{Code: code, Message: message}
}

// Error gives the whole description, e.g. "spec.hostPID: expected a boolean,
// found a string at line 1 column 22".
func (e *Error) Error() string {
	if e.display != "" {
		return e.display
	}
	if e.Message != "" {
		return e.Message
	}
	return e.Code.String()
}

// Is reports whether target is an *Error with the same code, so that
// errors.Is(err, pss.ErrInvalidJSON) matches any error of that kind.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// Sentinels for errors.Is, one per code a call can fail with.
// ErrUnexpectedKind: Evaluate got a document whose kind is present and not Pod
// (use EvaluateObject), EvaluateSpec got a whole object (spec, kind, apiVersion
// or metadata at its top), or the document is not a PodSecurityConfiguration
// (NewAdmission) or a Kyverno policy (ParseKyvernoPolicy). ErrBarePodSpec:
// Evaluate got a bare PodSpec (use EvaluateSpec); it is never read as an empty,
// allowed pod. ErrNotAWorkload: EvaluateObject got a document without kind
// (not evaluated, never allowed) or an object that is not a pod or a pod
// controller. ErrInvalidExclusion: Kyverno rejects one of the exclusions.
// ErrInvalidConfig: upstream's validation rejects an admission configuration
// (NewAdmission); ErrUnknownField and ErrDuplicateField: its strict decoding
// does. ErrInvalidPolicy: Kyverno rejects the policy. ErrUnknownCheck: a check
// id upstream does not have. ErrInvalidInput: input wrong in a way no more
// specific code describes (exclusions given to EvaluateSpec). ErrUnverified: a
// fix (Remediate) did not pass its re-evaluation, a fault in pss reported
// rather than returned as a fix.
var (
	ErrNullParameter    = &Error{Code: CodeNullParameter}
	ErrInvalidUTF8      = &Error{Code: CodeInvalidUTF8}
	ErrInvalidJSON      = &Error{Code: CodeInvalidJSON}
	ErrNotAnObject      = &Error{Code: CodeNotAnObject}
	ErrInvalidType      = &Error{Code: CodeInvalidType}
	ErrNumberOutOfRange = &Error{Code: CodeNumberOutOfRange}
	ErrTooDeep          = &Error{Code: CodeTooDeep}
	ErrInvalidLevel     = &Error{Code: CodeInvalidLevel}
	ErrInvalidVersion   = &Error{Code: CodeInvalidVersion}
	ErrIndexOutOfRange  = &Error{Code: CodeIndexOutOfRange}
	ErrInsufficientSize = &Error{Code: CodeInsufficientSize}
	ErrUnknownCheck     = &Error{Code: CodeUnknownCheck}
	ErrInvalidInput     = &Error{Code: CodeInvalidInput}
	ErrInputTooLarge    = &Error{Code: CodeInputTooLarge}
	ErrPanic            = &Error{Code: CodePanic}
	ErrNotAWorkload     = &Error{Code: CodeNotAWorkload}
	ErrInvalidExclusion = &Error{Code: CodeInvalidExclusion}
	ErrUnknownField     = &Error{Code: CodeUnknownField}
	ErrDuplicateField   = &Error{Code: CodeDuplicateField}
	ErrUnexpectedKind   = &Error{Code: CodeUnexpectedKind}
	ErrInvalidConfig    = &Error{Code: CodeInvalidConfig}
	ErrInvalidPolicy    = &Error{Code: CodeInvalidPolicy}
	ErrBarePodSpec      = &Error{Code: CodeBarePodSpec}
	ErrUnverified       = &Error{Code: CodeUnverified}
)
