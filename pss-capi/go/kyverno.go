package pss

/*
#cgo CFLAGS: -I${SRCDIR}/../include
#include <stdlib.h>
#include "pss.h"

// Parses a policy and gives its name, kind and rule count.
static pss_result pss_go_kyverno_parse(const uint8_t *json, size_t len, pss_kyverno_policy **out, pss_error **err,
                                       pss_str *name, pss_str *kind, size_t *rules) {
	pss_result rc = pss_kyverno_policy_parse(json, len, out, err);
	if (rc != PSS_RESULT_OK) return rc;
	if ((rc = pss_kyverno_policy_name(*out, &name->ptr, &name->len)) != PSS_RESULT_OK) return rc;
	if ((rc = pss_kyverno_policy_kind(*out, &kind->ptr, &kind->len)) != PSS_RESULT_OK) return rc;
	return pss_kyverno_policy_rule_count(*out, rules);
}

// Writes the names of n rules to names.
static pss_result pss_go_kyverno_rule_names(const pss_kyverno_policy *policy, pss_str *names, size_t n) {
	pss_result rc = PSS_RESULT_OK;
	size_t i;
	for (i = 0; i < n && rc == PSS_RESULT_OK; i++) rc = pss_kyverno_policy_rule_name(policy, i, &names[i].ptr, &names[i].len);
	return rc;
}

// Applies a policy (labels: see pss_go_labels; NULL when absent) and gives the result's view.
static pss_result pss_go_kyverno_apply(const pss_kyverno_policy *policy, const uint8_t *res, size_t res_len,
                                       const uint8_t *ns, size_t ns_len, pss_labels *labels,
                                       pss_kyverno_result **out, pss_error **err,
                                       const pss_kyverno_result_view **view) {
	pss_result rc = pss_kyverno_policy_apply(policy, res, res_len, ns, ns_len, labels, out, err);
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
// ...), validated as Kyverno validates it, whose validate.podSecurity rules run
// offline as Kyverno runs them (with pss's corrections, documented on the Rust
// type pss_core::KyvernoPolicy), its rules for pod controllers generated. Other
// rule types are reported as unsupported, never passed. Safe for concurrent
// use; its C memory is freed when it is garbage collected.
type KyvernoPolicy struct {
	c     *C.pss_kyverno_policy
	name  string
	kind  string
	rules []string
}

// ParseKyvernoPolicy reads a policy from JSON (convert YAML to JSON first).
//
// A policy Kyverno would reject gives an *Error with code CodeInvalidPolicy and
// Kyverno's validation errors; another kind of document one with
// CodeUnexpectedKind; malformed JSON the JSON errors.
func ParseKyvernoPolicy(json []byte) (*KyvernoPolicy, error) {
	jp, jl := bytesPtr(json)
	var c *C.pss_kyverno_policy
	var cerr *C.pss_error
	var name, kind C.pss_str
	var n C.size_t
	rc := C.pss_go_kyverno_parse(jp, jl, &c, &cerr, &name, &kind, &n)
	runtime.KeepAlive(json)
	if rc != C.PSS_RESULT_OK {
		if c != nil {
			C.pss_kyverno_policy_free(c)
		}
		return nil, takeError(rc, cerr)
	}
	p := &KyvernoPolicy{c: c, name: text(name), kind: text(kind)}
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
	// RuleSkip: the rule did not apply (a ReplicationController without a pod template).
	RuleSkip RuleStatus = "skip"
	// RuleError: the rule could not be evaluated (an invalid version, an object without a pod spec).
	RuleError RuleStatus = "error"
	// RuleUnsupported: a rule type pss does not run (mutate, validate.pattern, ...).
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
}

// PolicyResult is a policy applied to one resource.
type PolicyResult struct {
	// Policy is the policy's name.
	Policy string
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

// Apply applies the policy to a resource (JSON: a pod, a pod controller or any
// other object its rules may match) created in namespace ("" for a
// cluster-scoped resource), whose namespace has namespaceLabels (nil when
// unknown: namespaceSelectors then match nothing), as Kyverno's admission
// webhook would. Requests have no user, so subjects, roles and clusterRoles
// never match.
//
// A resource that cannot be decoded gives the errors of EvaluateObject.
func (p *KyvernoPolicy) Apply(resource []byte, namespace string, namespaceLabels map[string]string) (PolicyResult, error) {
	labels, err := newLabels(namespaceLabels)
	if err != nil {
		return PolicyResult{}, err
	}
	rp, rl := bytesPtr(resource)
	np, nl := stringPtr(namespace)
	var r *C.pss_kyverno_result
	var cerr *C.pss_error
	var v *C.pss_kyverno_result_view
	rc := C.pss_go_kyverno_apply(p.c, rp, rl, np, nl, labels, &r, &cerr, &v)
	C.pss_labels_free(labels)
	runtime.KeepAlive(p)
	runtime.KeepAlive(resource)
	if rc != C.PSS_RESULT_OK {
		if r != nil {
			C.pss_kyverno_result_free(r)
		}
		return PolicyResult{}, takeError(rc, cerr)
	}
	defer C.pss_kyverno_result_free(r)
	out := PolicyResult{Policy: p.name, Blocked: bool(v.blocked), BlockedMessage: text(v.blocked_message)}
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
			rule := RuleResult{Name: text(r.name), Status: status, Message: text(r.message), Action: action, Blocks: bool(r.blocks)}
			if r.violation_count > 0 {
				b := copyBlock(r.texts, r.values)
				rule.Violations = b.violations(r.violations, r.violation_count, r.fields, r.field_count)
			}
			out.Rules[i] = rule
		}
	}
	return out, nil
}
