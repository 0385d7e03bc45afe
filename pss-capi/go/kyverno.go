package pss

/*
#cgo CFLAGS: -I${SRCDIR}/../include
#include <stdlib.h>
#include "pss.h"

// Parses a policy for a release (version NULL: the newest) and gives its name, kind, release and
// rule count.
static pss_result pss_go_kyverno_parse(const uint8_t *json, size_t len, const uint8_t *version, size_t version_len,
                                       pss_kyverno_policy **out, pss_error **err, pss_str *name, pss_str *kind,
                                       pss_str *release, size_t *rules) {
	pss_result rc = pss_kyverno_policy_parse_for(json, len, version, version_len, out, err);
	if (rc != PSS_RESULT_OK) return rc;
	if ((rc = pss_kyverno_policy_name(*out, &name->ptr, &name->len)) != PSS_RESULT_OK) return rc;
	if ((rc = pss_kyverno_policy_kind(*out, &kind->ptr, &kind->len)) != PSS_RESULT_OK) return rc;
	if ((rc = pss_kyverno_policy_kyverno_version(*out, &release->ptr, &release->len)) != PSS_RESULT_OK) return rc;
	return pss_kyverno_policy_rule_count(*out, rules);
}

// Parses n exceptions (docs: their bytes one after another, lens: their lengths) for a release.
static pss_result pss_go_kyverno_exceptions(const uint8_t *docs, const size_t *lens, size_t n, const uint8_t *version,
                                            size_t version_len, pss_kyverno_exceptions **out, pss_error **err) {
	const uint8_t **ptrs = NULL;
	size_t i, off = 0;
	pss_result rc;
	if (n > 0) {
		ptrs = malloc(n * sizeof *ptrs);
		if (ptrs == NULL) return PSS_RESULT_INPUT_TOO_LARGE;
		for (i = 0; i < n; i++) {
			ptrs[i] = docs + off;
			off += lens[i];
		}
	}
	rc = pss_kyverno_exceptions_parse(ptrs, lens, n, version, version_len, out, err);
	free(ptrs);
	return rc;
}

// Writes the keys of n exceptions to keys.
static pss_result pss_go_kyverno_exception_keys(const pss_kyverno_exceptions *e, pss_str *keys, size_t n) {
	pss_result rc = PSS_RESULT_OK;
	size_t i;
	for (i = 0; i < n && rc == PSS_RESULT_OK; i++) rc = pss_kyverno_exceptions_key(e, i, &keys[i].ptr, &keys[i].len);
	return rc;
}

// Writes the names of n rules to names.
static pss_result pss_go_kyverno_rule_names(const pss_kyverno_policy *policy, pss_str *names, size_t n) {
	pss_result rc = PSS_RESULT_OK;
	size_t i;
	for (i = 0; i < n && rc == PSS_RESULT_OK; i++) rc = pss_kyverno_policy_rule_name(policy, i, &names[i].ptr, &names[i].len);
	return rc;
}

// Applies a policy (labels: see pss_go_labels; NULL when absent) with exceptions (NULL for none) and
// gives the result's view.
static pss_result pss_go_kyverno_apply(const pss_kyverno_policy *policy, const uint8_t *res, size_t res_len,
                                       const uint8_t *ns, size_t ns_len, pss_labels *labels,
                                       const pss_kyverno_exceptions *exceptions, pss_kyverno_result **out,
                                       pss_error **err, const pss_kyverno_result_view **view) {
	pss_result rc = pss_kyverno_policy_apply_with(policy, res, res_len, ns, ns_len, labels, exceptions, out, err);
	if (rc != PSS_RESULT_OK) return rc;
	return pss_kyverno_result_get_view(*out, view);
}
*/
import "C"

import (
	"runtime"
	"unsafe"
)

// KyvernoPolicy is a Kyverno ClusterPolicy or Policy (kyverno.io/v1, v2beta1,
// ...) read for one Kyverno release (1.11 to 1.19), validated as that release
// validates it, whose validate.podSecurity rules run offline as that release
// runs them (its check library, exclusion model, messages and blocking;
// documented on the Rust type pss_core::KyvernoPolicy), its rules for pod
// controllers generated. Other rule types are reported as unsupported, never
// passed. Safe for concurrent use; its C memory is freed when it is garbage
// collected.
type KyvernoPolicy struct {
	c       *C.pss_kyverno_policy
	name    string
	kind    string
	release string
	rules   []string
}

// ParseKyvernoPolicy reads a policy from JSON (convert YAML to JSON first) as
// the newest Kyverno release pss models reads it.
//
// A policy Kyverno would reject gives an *Error with code CodeInvalidPolicy and
// Kyverno's validation errors; another kind of document one with
// CodeUnexpectedKind; malformed JSON the JSON errors.
func ParseKyvernoPolicy(json []byte) (*KyvernoPolicy, error) {
	return parseKyvernoPolicy(json, nil, 0)
}

// ParseKyvernoPolicyFor reads a policy as the Kyverno release kyvernoVersion
// ("1.11" to "1.19", "v1.13" or a patch release such as "1.13.6") reads it:
// applying it predicts that release's verdicts and messages.
//
// A release pss does not model gives an *Error with code CodeInvalidVersion;
// otherwise as ParseKyvernoPolicy.
func ParseKyvernoPolicyFor(json []byte, kyvernoVersion string) (*KyvernoPolicy, error) {
	vp, vl := stringPtr(kyvernoVersion)
	p, err := parseKyvernoPolicy(json, vp, vl)
	runtime.KeepAlive(kyvernoVersion)
	return p, err
}

func parseKyvernoPolicy(json []byte, vp *C.uint8_t, vl C.size_t) (*KyvernoPolicy, error) {
	jp, jl := bytesPtr(json)
	var c *C.pss_kyverno_policy
	var cerr *C.pss_error
	var name, kind, release C.pss_str
	var n C.size_t
	rc := C.pss_go_kyverno_parse(jp, jl, vp, vl, &c, &cerr, &name, &kind, &release, &n)
	runtime.KeepAlive(json)
	if rc != C.PSS_RESULT_OK {
		if c != nil {
			C.pss_kyverno_policy_free(c)
		}
		return nil, takeError(rc, cerr)
	}
	p := &KyvernoPolicy{c: c, name: text(name), kind: text(kind), release: text(release)}
	if n > 0 {
		names := make([]C.pss_str, int(n))
		if rc := C.pss_go_kyverno_rule_names(c, &names[0], n); rc != C.PSS_RESULT_OK {
			C.pss_kyverno_policy_free(c)
			return nil, newError(Code(rc), "reading the policy's rules failed")
		}
		p.rules = make([]string, len(names))
		for i := range names {
			p.rules[i] = text(names[i])
		}
	}
	runtime.AddCleanup(p, func(c *C.pss_kyverno_policy) { C.pss_kyverno_policy_free(c) }, c)
	return p, nil
}

// Name is the policy's metadata.name.
func (p *KyvernoPolicy) Name() string { return p.name }

// Kind is "ClusterPolicy" (applies in every namespace) or "Policy" (only in its
// own namespace).
func (p *KyvernoPolicy) Kind() string { return p.kind }

// KyvernoVersion is the Kyverno release whose behaviour the policy predicts
// ("1.19").
func (p *KyvernoPolicy) KyvernoVersion() string { return p.release }

// KyvernoExceptions are Kyverno PolicyExceptions (kyverno.io/v2alpha1,
// v2beta1, v2; those the release reads), validated as one Kyverno release
// validates them. Safe for concurrent use; its C memory is freed when it is
// garbage collected.
type KyvernoExceptions struct {
	c    *C.pss_kyverno_exceptions
	keys []string
}

// ParseKyvernoExceptions reads PolicyExceptions (JSON documents; convert YAML
// first) as the Kyverno release kyvernoVersion reads them ("" for the newest).
// Apply them with a policy read for the same release.
//
// A document that is not a kyverno.io PolicyException, or whose API version the
// release does not read, gives an *Error with code CodeUnexpectedKind; one
// Kyverno would reject CodeInvalidPolicy; an *Error's Error() starts with
// "jsons[i]: ".
func ParseKyvernoExceptions(kyvernoVersion string, docs ...[]byte) (*KyvernoExceptions, error) {
	var vp *C.uint8_t
	var vl C.size_t
	if kyvernoVersion != "" {
		vp, vl = stringPtr(kyvernoVersion)
	}
	var buf []byte
	lens := make([]C.size_t, 0, len(docs)+1)
	for _, d := range docs {
		buf = append(buf, d...)
		lens = append(lens, C.size_t(len(d)))
	}
	lens = append(lens, 0) // never a zero-length slice
	bp, _ := bytesPtr(buf)
	var c *C.pss_kyverno_exceptions
	var cerr *C.pss_error
	rc := C.pss_go_kyverno_exceptions(bp, &lens[0], C.size_t(len(docs)), vp, vl, &c, &cerr)
	runtime.KeepAlive(buf)
	runtime.KeepAlive(kyvernoVersion)
	if rc != C.PSS_RESULT_OK {
		if c != nil {
			C.pss_kyverno_exceptions_free(c)
		}
		return nil, takeError(rc, cerr)
	}
	e := &KyvernoExceptions{c: c}
	if len(docs) > 0 {
		keys := make([]C.pss_str, len(docs))
		if rc := C.pss_go_kyverno_exception_keys(c, &keys[0], C.size_t(len(docs))); rc != C.PSS_RESULT_OK {
			C.pss_kyverno_exceptions_free(c)
			return nil, newError(Code(rc), "reading the exceptions' keys failed")
		}
		e.keys = make([]string, len(keys))
		for i := range keys {
			e.keys[i] = text(keys[i])
		}
	}
	runtime.AddCleanup(e, func(c *C.pss_kyverno_exceptions) { C.pss_kyverno_exceptions_free(c) }, c)
	return e, nil
}

// Keys are the exceptions' names as Kyverno writes them in messages:
// "namespace/name", or "name" without a namespace.
func (e *KyvernoExceptions) Keys() []string { return append([]string(nil), e.keys...) }

// RuleNames are the names of the rules evaluated, generated ones
// (autogen-NAME, autogen-cronjob-NAME) included, in order.
func (p *KyvernoPolicy) RuleNames() []string { return append([]string(nil), p.rules...) }

// RuleStatus is a rule's outcome.
type RuleStatus string

// The outcomes.
const (
	// RulePass: the resource satisfies the rule.
	RulePass RuleStatus = "pass"
	// RuleFail: the resource violates the rule.
	RuleFail RuleStatus = "fail"
	// RuleSkip: Kyverno skipped the rule: a PolicyException exempts the resource.
	RuleSkip RuleStatus = "skip"
	// RuleError: the rule could not be evaluated (an invalid version, an object without a pod spec).
	RuleError RuleStatus = "error"
	// RuleUnsupported: pss cannot evaluate the rule: another rule type (mutate,
	// validate.pattern, ...), or an outcome that depends on the requesting user or
	// on a PolicyException's conditions. Never silently passed.
	RuleUnsupported RuleStatus = "unsupported"
)

var ruleStatuses = [...]RuleStatus{RulePass, RuleFail, RuleSkip, RuleError, RuleUnsupported}

// FailureAction is what a failed rule does to the request.
type FailureAction string

// The actions, spelled as Kyverno spells them.
const (
	// ActionEnforce blocks the request.
	ActionEnforce FailureAction = "Enforce"
	// ActionAudit admits it and reports the failure.
	ActionAudit FailureAction = "Audit"
)

// RuleResult is one rule's outcome for one resource.
type RuleResult struct {
	// Name is the rule's name (autogen-NAME for a rule generated for pod
	// controllers).
	Name string
	// Status is the outcome.
	Status RuleStatus
	// Message is Kyverno's: "Validation rule 'NAME' passed.", the failed checks
	// ("Validation rule 'NAME' failed. It violates PodSecurity ..."), or why the
	// rule errored, was skipped or is unsupported.
	Message string
	// Action is the failure action that applies to this rule for this resource.
	Action FailureAction
	// Blocks reports whether this rule blocks the request (it failed and its
	// action is Enforce).
	Blocks bool
	// Violations are the failed checks left after the rule's exclusions, with
	// field paths relative to the resource.
	Violations []Violation
	// Warning is set when the release admits the resource but the Pod Security
	// Standard still forbids it: "Kyverno 1.11 admits it, but it violates
	// PodSecurity ...: REASON (FIELDS)". The prediction (Status) stays Kyverno's.
	Warning string
	// Warnings are the standard's violations behind Warning.
	Warnings []Violation
	// UnevaluatedEnforce reports whether pss could not evaluate a rule that may
	// block the request (RuleUnsupported, action Enforce, not a mutate or generate
	// rule): a gate must not pass it silently.
	UnevaluatedEnforce bool
}

// PolicyResult is a policy applied to one resource.
type PolicyResult struct {
	// Policy is the policy's name.
	Policy string
	// KyvernoVersion is the Kyverno release predicted ("1.19").
	KyvernoVersion string
	// Blocked reports whether Kyverno's webhook would block the request.
	Blocked bool
	// BlockedMessage is the text it would block it with:
	// "resource Pod/default/web was blocked due to the following policies\n..."
	// Empty when not blocked.
	BlockedMessage string
	// Rules are the outcomes of the rules that matched the resource, in the
	// policy's order (none when no rule matched).
	Rules []RuleResult
}

// ResourceNamespace is the namespace resource (JSON: any object) is created in
// when it is applied, as its admission request names it, which is the
// namespace Apply takes: "" for a cluster-scoped kind (a Namespace, a
// ClusterRole, ...), whatever its metadata.namespace; else its
// metadata.namespace, or defaultNamespace (kubectl's namespace, "default"
// unless told otherwise) when that is missing or empty. It is pss-core's rule,
// which `pss apply` and the npm package's apply follow for a manifest.
//
// A resource that cannot be decoded gives the errors of Apply.
func ResourceNamespace(resource []byte, defaultNamespace string) (string, error) {
	rp, rl := bytesPtr(resource)
	dp, dl := stringPtr(defaultNamespace)
	// A namespace is a DNS label: 63 bytes. Anything longer is measured first.
	var small [64]byte
	buf := small[:]
	var n C.size_t
	var cerr *C.pss_error
	rc := C.pss_kyverno_resource_namespace(rp, rl, dp, dl, (*C.uint8_t)(unsafe.Pointer(&buf[0])), C.size_t(len(buf)), &n, &cerr)
	if rc == C.PSS_RESULT_INSUFFICIENT_SIZE {
		C.pss_error_free(cerr)
		cerr = nil
		if rc = C.pss_kyverno_resource_namespace(rp, rl, dp, dl, nil, 0, &n, &cerr); rc == C.PSS_RESULT_OK {
			buf = make([]byte, int(n))
			rc = C.pss_kyverno_resource_namespace(rp, rl, dp, dl, (*C.uint8_t)(unsafe.Pointer(&buf[0])), C.size_t(len(buf)), &n, &cerr)
		}
	}
	runtime.KeepAlive(resource)
	runtime.KeepAlive(defaultNamespace)
	if rc != C.PSS_RESULT_OK {
		return "", takeError(rc, cerr)
	}
	return string(buf[:int(n)]), nil
}

// Apply applies the policy to a resource (JSON: a pod, a pod controller or any
// other object its rules may match) created in namespace ("" for a
// cluster-scoped resource; ResourceNamespace gives it for a manifest, as `pss
// apply` picks it), whose namespace has namespaceLabels (nil when
// unknown: namespaceSelectors then match nothing), as Kyverno's admission
// webhook would. Requests have no user, so subjects, roles and clusterRoles
// never match.
//
// A resource that cannot be decoded gives the errors of EvaluateObject.
func (p *KyvernoPolicy) Apply(resource []byte, namespace string, namespaceLabels map[string]string) (PolicyResult, error) {
	return p.ApplyWith(resource, namespace, namespaceLabels, nil)
}

// ApplyWith is Apply with the PolicyExceptions Kyverno knows (nil for none),
// applied as the policy's release applies them: their match, the policies and
// rules they name, and their podSecurity entries (from 1.12; an exception
// without entries skips the rule).
//
// Exceptions read for another release than the policy give an *Error with code
// CodeInvalidInput.
func (p *KyvernoPolicy) ApplyWith(resource []byte, namespace string, namespaceLabels map[string]string, exceptions *KyvernoExceptions) (PolicyResult, error) {
	var ce *C.pss_kyverno_exceptions
	if exceptions != nil {
		ce = exceptions.c
	}
	labels, err := newLabels(namespaceLabels)
	if err != nil {
		return PolicyResult{}, err
	}
	rp, rl := bytesPtr(resource)
	np, nl := stringPtr(namespace)
	var r *C.pss_kyverno_result
	var cerr *C.pss_error
	var v *C.pss_kyverno_result_view
	rc := C.pss_go_kyverno_apply(p.c, rp, rl, np, nl, labels, ce, &r, &cerr, &v)
	C.pss_labels_free(labels)
	runtime.KeepAlive(p)
	runtime.KeepAlive(exceptions)
	runtime.KeepAlive(resource)
	if rc != C.PSS_RESULT_OK {
		if r != nil {
			C.pss_kyverno_result_free(r)
		}
		return PolicyResult{}, takeError(rc, cerr)
	}
	defer C.pss_kyverno_result_free(r)
	out := PolicyResult{Policy: p.name, KyvernoVersion: text(v.kyverno_version), Blocked: bool(v.blocked), BlockedMessage: text(v.blocked_message)}
	if v.rule_count > 0 {
		rules := unsafe.Slice(v.rules, int(v.rule_count))
		out.Rules = make([]RuleResult, len(rules))
		for i := range rules {
			r := &rules[i]
			status := RuleUnsupported
			if int(r.status) < len(ruleStatuses) {
				status = ruleStatuses[r.status]
			}
			action := ActionAudit
			if r.action == C.PSS_KYVERNO_ACTION_ENFORCE {
				action = ActionEnforce
			}
			rule := RuleResult{Name: text(r.name), Status: status, Message: text(r.message), Action: action, Blocks: bool(r.blocks),
				Warning: text(r.warning), UnevaluatedEnforce: bool(r.unevaluated_enforce)}
			if r.violation_count > 0 {
				b := copyBlock(r.texts, r.values)
				rule.Violations = b.violations(r.violations, r.violation_count, r.fields, r.field_count)
			}
			if r.warning_count > 0 {
				b := copyBlock(r.warning_texts, r.warning_values)
				rule.Warnings = b.violations(r.warnings, r.warning_count, r.warning_fields, r.warning_field_count)
			}
			out.Rules[i] = rule
		}
	}
	return out, nil
}
