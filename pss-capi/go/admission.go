package pss

/*
#cgo CFLAGS: -I${SRCDIR}/../include
#include <stdlib.h>
#include <string.h>
#include "pss.h"

// The C side of policies (enforce, audit, warn) and admission: each Go call is
// one cgo call (plus one to free what it made).

typedef struct {
	pss_str level, version;
} pss_go_mode;

typedef struct {
	pss_str label, value, detail, display;
} pss_go_label_error;

// Six labels give at most six errors.
#define PSS_GO_MAX_LABEL_ERRORS 6

typedef struct {
	pss_go_mode modes[3];
	size_t errors;
	pss_go_label_error error[PSS_GO_MAX_LABEL_ERRORS];
} pss_go_policy;

// Describes a level and version in m.
static pss_result pss_go_level_version(const pss_level_version *lv, pss_go_mode *m) {
	pss_result rc;
	if ((rc = pss_level_version_level(lv, &m->level.ptr, &m->level.len)) != PSS_RESULT_OK) return rc;
	return pss_level_version_version(lv, &m->version.ptr, &m->version.len);
}

static pss_result pss_go_mode_of(const pss_policy *np,
                                 pss_result (*get)(const pss_policy *, const pss_level_version **),
                                 pss_go_mode *m) {
	const pss_level_version *lv = NULL;
	pss_result rc;
	if ((rc = get(np, &lv)) != PSS_RESULT_OK) return rc;
	return pss_go_level_version(lv, m);
}

// Describes a policy in ns: its three modes and its label errors.
static pss_result pss_go_describe(const pss_policy *np, pss_go_policy *ns) {
	pss_result rc;
	size_t i;
	if ((rc = pss_go_mode_of(np, pss_policy_enforce, &ns->modes[0])) != PSS_RESULT_OK) return rc;
	if ((rc = pss_go_mode_of(np, pss_policy_audit, &ns->modes[1])) != PSS_RESULT_OK) return rc;
	if ((rc = pss_go_mode_of(np, pss_policy_warn, &ns->modes[2])) != PSS_RESULT_OK) return rc;
	if ((rc = pss_policy_error_count(np, &ns->errors)) != PSS_RESULT_OK) return rc;
	if (ns->errors > PSS_GO_MAX_LABEL_ERRORS) return PSS_RESULT_INSUFFICIENT_SIZE;
	for (i = 0; i < ns->errors; i++) {
		const pss_label_error *e = NULL;
		pss_go_label_error *g = &ns->error[i];
		if ((rc = pss_policy_error(np, i, &e)) != PSS_RESULT_OK) return rc;
		if ((rc = pss_label_error_label(e, &g->label.ptr, &g->label.len)) != PSS_RESULT_OK) return rc;
		if ((rc = pss_label_error_value(e, &g->value.ptr, &g->value.len)) != PSS_RESULT_OK) return rc;
		if ((rc = pss_label_error_detail(e, &g->detail.ptr, &g->detail.len)) != PSS_RESULT_OK) return rc;
		if ((rc = pss_label_error_display(e, &g->display.ptr, &g->display.len)) != PSS_RESULT_OK) return rc;
	}
	return PSS_RESULT_OK;
}

// Resolves count labels (strs holds key, value, key, value, ... back to back; lens their lengths) over
// the defaults (three level, version pairs in dstrs/dlens when has_defaults) into *out, and describes it
// in ns. The caller frees *out after reading ns.
static pss_result pss_go_from_labels(const uint8_t *strs, const size_t *lens, size_t count, int has_defaults,
                                     const uint8_t *dstrs, const size_t *dlens, pss_policy **out,
                                     pss_error **err, pss_go_policy *ns) {
	const uint8_t **ptrs;
	size_t *klens, i, off = 0;
	pss_level_version *d[3] = {NULL, NULL, NULL};
	pss_policy *defaults = NULL;
	pss_result rc = PSS_RESULT_OK;
	if (has_defaults) {
		for (i = 0; i < 3 && rc == PSS_RESULT_OK; i++) {
			rc = pss_level_version_new(dstrs + off, dlens[2 * i], dstrs + off + dlens[2 * i], dlens[2 * i + 1], &d[i], err);
			off += dlens[2 * i] + dlens[2 * i + 1];
		}
		if (rc == PSS_RESULT_OK) rc = pss_policy_new(d[0], d[1], d[2], &defaults);
		for (i = 0; i < 3; i++) pss_level_version_free(d[i]);
		if (rc != PSS_RESULT_OK) return rc;
	}
	ptrs = malloc((count ? 2 * count : 1) * sizeof *ptrs);
	klens = malloc((count ? 2 * count : 1) * sizeof *klens);
	if (ptrs == NULL || klens == NULL) {
		free(ptrs);
		free(klens);
		pss_policy_free(defaults);
		return PSS_RESULT_INPUT_TOO_LARGE;
	}
	// Keys first, then values, each as one array.
	for (i = 0, off = 0; i < count; i++) {
		ptrs[i] = strs + off;
		klens[i] = lens[2 * i];
		off += lens[2 * i];
		ptrs[count + i] = strs + off;
		klens[count + i] = lens[2 * i + 1];
		off += lens[2 * i + 1];
	}
	rc = pss_policy_from_labels(ptrs, klens, ptrs + count, klens + count, count, defaults, out, err);
	free(ptrs);
	free(klens);
	pss_policy_free(defaults);
	if (rc != PSS_RESULT_OK) return rc;
	return pss_go_describe(*out, ns);
}

// Makes labels from count pairs (strs holds key, value, key, value, ... back to back; lens their
// lengths) into *out.
static pss_result pss_go_labels(const uint8_t *strs, const size_t *lens, size_t count, pss_labels **out,
                                pss_error **err) {
	size_t i, off = 0;
	pss_result rc = pss_labels_new(out);
	for (i = 0; i < count && rc == PSS_RESULT_OK; i++) {
		rc = pss_labels_add(*out, strs + off, lens[2 * i], strs + off + lens[2 * i], lens[2 * i + 1], err);
		off += lens[2 * i] + lens[2 * i + 1];
	}
	if (rc != PSS_RESULT_OK) {
		pss_labels_free(*out);
		*out = NULL;
	}
	return rc;
}

// Labels given to the C helpers: count pairs packed as for pss_go_labels; none at all (NULL labels)
// when present is 0.
typedef struct {
	const uint8_t *strs;
	const size_t *lens;
	size_t count;
	int present;
} pss_go_labels_in;

static pss_result pss_go_labels_of(pss_go_labels_in in, pss_labels **out, pss_error **err) {
	*out = NULL;
	return in.present ? pss_go_labels(in.strs, in.lens, in.count, out, err) : PSS_RESULT_OK;
}

// What pss_go_review gives back, by value (Go passes no pointers to its own variables).
typedef struct {
	pss_result rc;
	pss_decision *decision;
	pss_error *error;
	const pss_decision_view *view;
	pss_go_policy policy;
} pss_go_reviewed;

// Reviews a create request and gives the decision, its view and its policy, or the error.
static pss_go_reviewed pss_go_review(const pss_admission *a, const uint8_t *ns, size_t ns_len, pss_go_labels_in in,
                                     const uint8_t *user, size_t user_len, const uint8_t *obj, size_t obj_len) {
	pss_go_reviewed r;
	pss_labels *labels = NULL;
	const pss_policy *np = NULL;
	memset(&r, 0, sizeof r);
	if ((r.rc = pss_go_labels_of(in, &labels, &r.error)) != PSS_RESULT_OK) return r;
	r.rc = pss_admission_review(a, ns, ns_len, labels, user, user_len, obj, obj_len, &r.decision, &r.error);
	pss_labels_free(labels);
	if (r.rc == PSS_RESULT_OK) r.rc = pss_decision_get_view(r.decision, &r.view);
	if (r.rc == PSS_RESULT_OK) r.rc = pss_decision_policy(r.decision, &np);
	if (r.rc == PSS_RESULT_OK) r.rc = pss_go_describe(np, &r.policy);
	return r;
}

// Reviews a namespace change (old absent: a creation) against n pods (ptrs/lens) and gives the
// review's view, its policy, and the enforce levels and versions of a change that is not stricter.
static pss_result pss_go_review_namespace(const pss_admission *a, const uint8_t *ns, size_t ns_len,
                                          pss_go_labels_in old_in, pss_go_labels_in new_in, const uint8_t *pods,
                                          const size_t *pod_lens, size_t n, pss_namespace_review **out,
                                          pss_error **err, const pss_namespace_review_view **view,
                                          pss_go_policy *policy, pss_go_mode not_stricter[2]) {
	pss_labels *old_labels = NULL, *new_labels = NULL;
	const pss_policy *np = NULL;
	const uint8_t **ptrs = NULL;
	size_t i, off = 0;
	pss_result rc = pss_go_labels_of(old_in, &old_labels, err);
	if (rc == PSS_RESULT_OK) rc = pss_go_labels_of(new_in, &new_labels, err);
	if (rc == PSS_RESULT_OK && n > 0) {
		ptrs = malloc(n * sizeof *ptrs);
		if (ptrs == NULL) rc = PSS_RESULT_INPUT_TOO_LARGE;
		for (i = 0; ptrs != NULL && i < n; i++) {
			ptrs[i] = pods + off;
			off += pod_lens[i];
		}
	}
	if (rc == PSS_RESULT_OK) {
		rc = pss_admission_review_namespace(a, ns, ns_len, old_labels, new_labels, ptrs, pod_lens, n, out, err);
	}
	free(ptrs);
	pss_labels_free(old_labels);
	pss_labels_free(new_labels);
	if (rc != PSS_RESULT_OK) return rc;
	if ((rc = pss_namespace_review_get_view(*out, view)) != PSS_RESULT_OK) return rc;
	if ((rc = pss_namespace_review_policy(*out, &np)) != PSS_RESULT_OK) return rc;
	if ((*view)->old_enforce != NULL && (rc = pss_go_level_version((*view)->old_enforce, &not_stricter[0])) != PSS_RESULT_OK) {
		return rc;
	}
	if ((*view)->new_enforce != NULL && (rc = pss_go_level_version((*view)->new_enforce, &not_stricter[1])) != PSS_RESULT_OK) {
		return rc;
	}
	return pss_go_describe(np, policy);
}

// Parses a configuration (json_len 0: none) into *config and a new admission, and describes the
// admission's defaults (views into *out, which the caller keeps).
static pss_result pss_go_admission_new(const uint8_t *json, size_t json_len, pss_admission **out,
                                       pss_admission_config **config, pss_error **err, pss_go_policy *defaults) {
	const pss_policy *np = NULL;
	pss_result rc = PSS_RESULT_OK;
	*config = NULL;
	if (json_len > 0 && (rc = pss_admission_config_parse(json, json_len, config, err)) != PSS_RESULT_OK) return rc;
	if ((rc = pss_admission_new(*config, out)) != PSS_RESULT_OK) return rc;
	if ((rc = pss_admission_defaults(*out, &np)) != PSS_RESULT_OK) return rc;
	return pss_go_describe(np, defaults);
}
*/
import "C"

import (
	"runtime"
	"strings"
	"unsafe"
)

// Policy is what a namespace's pod-security.kubernetes.io labels ask for: one
// level and version per PodSecurity mode (upstream's api.Policy, pss-core's
// admission::Policy, the C library's pss_policy).
type Policy struct {
	// Enforce: pods that violate it are denied.
	Enforce LevelVersion
	// Audit: violations are recorded in the audit log.
	Audit LevelVersion
	// Warn: violations are returned to the user as warnings.
	Warn LevelVersion
}

// String gives the three modes as one line:
// enforce=baseline:latest, audit=privileged:latest, warn=baseline:latest.
func (p Policy) String() string {
	return "enforce=" + p.Enforce.String() + ", audit=" + p.Audit.String() + ", warn=" + p.Warn.String()
}

// LabelError is a namespace label whose value is not a valid level or version.
type LabelError struct {
	// Label is the label's key, e.g. pod-security.kubernetes.io/enforce.
	Label string
	// Value is the invalid value as given.
	Value string
	// Detail is what the label accepts, e.g. must be one of privileged, baseline, restricted.
	Detail string

	message string
}

// Error gives upstream's message:
// metadata.labels[pod-security.kubernetes.io/audit]: Invalid value: "strict": must be one of privileged, baseline, restricted
func (e LabelError) Error() string {
	return e.message
}

// PrivilegedEverywhere is privileged:latest in every mode: the API server's
// policy for a namespace without labels and without an admission configuration
// (the policy of no labels, from the C library).
var PrivilegedEverywhere, _ = PolicyFromLabels(nil)

// PolicyFromLabels resolves a namespace's labels to its policy exactly as the
// API server does (upstream's PolicyToEvaluate), over the default
// PrivilegedEverywhere. The pod-security.kubernetes.io/{enforce,audit,warn}
// labels give the levels and the -version labels the versions; other labels are
// ignored. An invalid enforce level becomes restricted, an invalid audit or warn
// level privileged, an invalid version latest, and each invalid label gives a
// LabelError. When enforce is set validly, warn is not set, and enforce is
// stricter than warn, warn follows enforce. Bytes that are not UTF-8 in a key or
// a value are read as U+FFFD.
func PolicyFromLabels(labels map[string]string) (Policy, []LabelError) {
	p, errs, err := fromLabels(labels, nil)
	if err != nil {
		// Only invalid defaults can fail, and there are none here.
		panic("pss: resolving namespace labels: " + err.Error())
	}
	return p, errs
}

// PolicyFromLabelsWithDefaults is PolicyFromLabels with the defaults of an
// admission configuration for the labels that are not set. Invalid defaults give
// an *Error (ErrInvalidLevel, ErrInvalidVersion).
func PolicyFromLabelsWithDefaults(labels map[string]string, defaults Policy) (Policy, []LabelError, error) {
	return fromLabels(labels, &defaults)
}

func fromLabels(labels map[string]string, defaults *Policy) (Policy, []LabelError, error) {
	var buf []byte
	lens := make([]C.size_t, 0, 2*len(labels)+1)
	for k, v := range labels {
		// Label keys and values are UTF-8 in any object the API server stores; other
		// bytes cannot spell a level or a version, so they become U+FFFD here.
		k, v = strings.ToValidUTF8(k, "\uFFFD"), strings.ToValidUTF8(v, "\uFFFD")
		buf = append(buf, k...)
		buf = append(buf, v...)
		lens = append(lens, C.size_t(len(k)), C.size_t(len(v)))
	}
	lens = append(lens, 0) // never a zero-length slice
	sp, _ := bytesPtr(buf)
	var dbuf []byte
	dlens := make([]C.size_t, 6)
	var has C.int
	if defaults != nil {
		has = 1
		for i, lv := range []LevelVersion{defaults.Enforce, defaults.Audit, defaults.Warn} {
			dbuf = append(dbuf, lv.Level...)
			dbuf = append(dbuf, lv.version()...)
			dlens[2*i], dlens[2*i+1] = C.size_t(len(lv.Level)), C.size_t(len(lv.version()))
		}
	}
	dp, _ := bytesPtr(dbuf)
	var np *C.pss_policy
	var cerr *C.pss_error
	var ns C.pss_go_policy
	rc := C.pss_go_from_labels(sp, &lens[0], C.size_t(len(labels)), has, dp, &dlens[0], &np, &cerr, &ns)
	runtime.KeepAlive(buf)
	runtime.KeepAlive(dbuf)
	if np != nil {
		defer C.pss_policy_free(np)
	}
	if rc != C.PSS_RESULT_OK {
		return Policy{}, nil, takeError(rc, cerr)
	}
	policy, errs := describe(&ns)
	return policy, errs, nil
}

// Admission is the PodSecurity admission controller with a configuration
// (defaults and exemptions): it decides create requests (Review) and namespace
// changes, including the dry run of a new enforce level against the pods of a
// namespace (ReviewNamespace, DryRunEnforce), with the API server's words. Safe
// for concurrent use; its C memory is freed when it is garbage collected.
type Admission struct {
	c        *C.pss_admission
	defaults Policy
}

// NewAdmission makes an admission controller from a PodSecurityConfiguration
// (pod-security.admission.config.k8s.io v1, v1beta1 or v1alpha1), or an API
// server AdmissionConfiguration with the PodSecurity plugin's inline
// configuration, as JSON (convert YAML to JSON first). Decoding is strict, as
// upstream's. An empty config gives upstream's defaults: privileged:latest in
// every mode, no exemptions.
//
// A configuration upstream rejects gives an *Error: ErrInvalidConfig with
// upstream's validation errors, ErrUnknownField, ErrDuplicateField,
// ErrUnexpectedKind, or a JSON error.
func NewAdmission(config []byte) (*Admission, error) {
	var jp *C.uint8_t
	var jl C.size_t
	if len(config) > 0 {
		jp, jl = bytesPtr(config)
	}
	var c *C.pss_admission
	var cfg *C.pss_admission_config
	var cerr *C.pss_error
	var ns C.pss_go_policy
	rc := C.pss_go_admission_new(jp, jl, &c, &cfg, &cerr, &ns)
	runtime.KeepAlive(config)
	C.pss_admission_config_free(cfg)
	if rc != C.PSS_RESULT_OK {
		C.pss_admission_free(c)
		return nil, takeError(rc, cerr)
	}
	a := &Admission{c: c}
	a.defaults, _ = describe(&ns)
	runtime.AddCleanup(a, func(c *C.pss_admission) { C.pss_admission_free(c) }, c)
	return a, nil
}

// Defaults is the policy of namespaces without PodSecurity labels: the
// configuration's defaults, or PrivilegedEverywhere without a configuration.
func (a *Admission) Defaults() Policy {
	return a.defaults
}

// ReviewRequest is a create request for PodSecurity admission.
type ReviewRequest struct {
	// Object is the pod or pod controller, as JSON. Its kind decides how it is
	// reviewed; its metadata.name names it in messages.
	Object []byte
	// Namespace is the namespace the object is created in.
	Namespace string
	// NamespaceLabels are that namespace's labels (nil: none).
	NamespaceLabels map[string]string
	// Username is the requesting user ("" when unknown), for user exemptions.
	Username string
}

// Exemption is why a request was exempt, as the
// pod-security.kubernetes.io/exempt audit annotation says it.
type Exemption string

// The exemptions, in the order upstream applies them.
const (
	ExemptNamespace    Exemption = "namespace"
	ExemptUser         Exemption = "user"
	ExemptRuntimeClass Exemption = "runtimeClass"
)

// Decision is what PodSecurity admission decides for one create request.
type Decision struct {
	// Allowed reports whether the API server admits the request. Only pods are
	// ever denied; a gate before the cluster (CI) should use PodsAllowed.
	Allowed bool
	// Kind is the object's kind: "Pod", "Deployment", ...
	Kind string
	// Denial is the API server's error when it denies the pod:
	// pods "NAME" is forbidden: violates PodSecurity "LEVEL:VERSION": DETAIL.
	// Empty when allowed.
	Denial string
	// Warnings are returned to the client; kubectl prints each after "Warning: ".
	Warnings []string
	// AuditAnnotations have their full keys
	// (pod-security.kubernetes.io/enforce-policy, .../audit-violations,
	// .../exempt, .../error).
	AuditAnnotations map[string]string
	// Exemption is why the request was exempt; "" when it was not.
	Exemption Exemption
	// Policy is the namespace's policy: its labels over the defaults.
	Policy Policy
	// LabelErrors are the namespace's invalid PodSecurity labels.
	LabelErrors []LabelError
	// Enforce is the enforce-mode evaluation, when one ran (pods that are not
	// exempt); nil otherwise.
	Enforce *Result
	// PodsAllowed reports whether neither the object nor the pods it creates
	// would be denied: for a pod, Allowed; for a controller, which the API
	// server admits, whether the pods it creates pass the namespace's enforce
	// level (pss-core's Decision::pods_allowed).
	PodsAllowed bool
	// PodsDenial is what a gate before the cluster should report as denied: for
	// a pod, Denial; for a controller, as pss-core words it,
	// deployments "NAME" (pods it creates would be denied): violates PodSecurity "LEVEL:VERSION": DETAIL.
	// Empty when PodsAllowed.
	PodsDenial string
	// CreatedPods is, for a pod controller, the evaluation at the namespace's
	// enforce level of the pods it creates (field paths relative to the
	// controller); nil for a pod, for a controller without a template, and when
	// those pods would be exempt (by namespace or runtime class; a user
	// exemption does not cover them).
	CreatedPods *Result
}

// Review decides a create request as the PodSecurity admission controller
// does: pods are checked in the enforce, audit and warn modes of their
// namespace's policy and denied when enforce fails; controllers (Deployment,
// Job, ...) are never denied, only warned and audited, and the pods they create
// are evaluated at the enforce level (PodsAllowed, PodsDenial, CreatedPods).
// Exemptions apply by namespace, then user, then runtime class.
//
// An object that is not a pod or a pod controller gives an *Error with code
// CodeNotAWorkload; one that cannot be decoded, the errors of EvaluateObject.
func (a *Admission) Review(req ReviewRequest) (Decision, error) {
	np, nl := stringPtr(req.Namespace)
	up, ul := stringPtr(req.Username)
	op, ol := bytesPtr(req.Object)
	labels := packLabels(req.NamespaceLabels, req.NamespaceLabels != nil)
	r := C.pss_go_review(a.c, np, nl, labels.in, up, ul, op, ol)
	runtime.KeepAlive(a)
	runtime.KeepAlive(labels.buf)
	runtime.KeepAlive(labels.lens)
	runtime.KeepAlive(req)
	if r.rc != C.PSS_RESULT_OK {
		if r.decision != nil {
			C.pss_decision_free(r.decision)
		}
		return Decision{}, takeError(r.rc, r.error)
	}
	defer C.pss_decision_free(r.decision)
	v, ns := r.view, &r.policy
	out := Decision{
		Allowed:     bool(v.allowed),
		Kind:        interned(v.kind),
		Denial:      text(v.denial),
		Exemption:   Exemption(interned(v.exemption)),
		Warnings:    texts(v.warnings, v.warning_count),
		PodsAllowed: bool(v.pods_allowed),
		PodsDenial:  text(v.pods_denial),
	}
	out.Policy, out.LabelErrors = describe(ns)
	if v.annotation_count > 0 {
		keys := unsafe.Slice(v.annotation_keys, int(v.annotation_count))
		values := unsafe.Slice(v.annotation_values, int(v.annotation_count))
		out.AuditAnnotations = make(map[string]string, len(keys))
		for i := range keys {
			out.AuditAnnotations[text(keys[i])] = text(values[i])
		}
	}
	if v.enforce != nil {
		enforce := resultOf(v.enforce)
		out.Enforce = &enforce
	}
	if v.created_pods != nil {
		pods := resultOf(v.created_pods)
		out.CreatedPods = &pods
	}
	return out, nil
}

// NamespaceReview is what the API server answers to a namespace's creation or
// label change, for PodSecurity.
type NamespaceReview struct {
	// Allowed reports whether the change is admitted (only invalid labels are
	// rejected).
	Allowed bool
	// Invalid is the rejection of invalid labels:
	// Namespace "NS" is invalid: metadata.labels[...]: Invalid value: ...
	// Empty when allowed.
	Invalid string
	// Warnings are upstream's, word for word: which existing pods violate a new
	// enforce level ("NAME (and N other pods): REASONS"), the limit notice
	// (MaxPodsToCheck), or the exempt-namespace notice.
	Warnings []string
	// Policy is the namespace's new policy.
	Policy Policy
	// LabelErrors are its new labels' errors.
	LabelErrors []LabelError
	// Exempt reports whether the namespace is exempt from Pod Security by the
	// admission configuration's exemptions.
	Exempt bool
	// PodsCheck says whether, and how, the namespace's existing pods were
	// checked against its new enforce level.
	PodsCheck PodsCheck
	// Summary is one line that says what the change means for the existing
	// pods, as pss-core words it (the line pss label-dry-run prints):
	// namespace "prod": 3 of 5 pods would violate the new enforce level "restricted:latest".
	// Empty for a creation and for invalid labels.
	Summary string
}

// PodsCheckKind is whether a namespace review checked the namespace's existing
// pods, and if not, why (pss-core's PodsCheck). A newer C library may give a
// kind this package does not name.
type PodsCheckKind uint32

// The kinds of pods check.
const (
	// PodsCreation: a namespace creation; it has no pods yet.
	PodsCreation PodsCheckKind = C.PSS_PODS_CHECK_CREATION
	// PodsInvalid: the new labels are invalid; the change is rejected.
	PodsInvalid PodsCheckKind = C.PSS_PODS_CHECK_INVALID
	// PodsNotStricter: not checked, the new enforce level is not stricter than
	// the old one (PodsCheck.Old and New).
	PodsNotStricter PodsCheckKind = C.PSS_PODS_CHECK_NOT_STRICTER
	// PodsExempt: not checked, the namespace is exempt from Pod Security.
	PodsExempt PodsCheckKind = C.PSS_PODS_CHECK_EXEMPT
	// PodsChecked: checked (PodsCheck.Checked, Total and Violating).
	PodsChecked PodsCheckKind = C.PSS_PODS_CHECK_CHECKED
)

// PodsCheck is whether, and how, a namespace review checked the namespace's
// existing pods against its new enforce level.
type PodsCheck struct {
	// Kind says whether they were checked.
	Kind PodsCheckKind
	// Old and New are the enforce levels and versions before and after a
	// change that is not stricter (PodsNotStricter); zero otherwise.
	Old, New LevelVersion
	// Checked is how many pods were checked (at most MaxPodsToCheck; pods of
	// an exempt runtime class are not), Total how many could have been, and
	// Violating how many of the checked ones violate the new enforce level
	// (PodsChecked; zero otherwise).
	Checked, Total, Violating int
}

// MaxPodsToCheck is the most existing pods a namespace review checks
// (upstream's limit).
const MaxPodsToCheck = C.PSS_MAX_PODS_TO_CHECK

// ReviewNamespace reviews a namespace's creation (oldLabels nil) or label
// change (from oldLabels to newLabels) as the API server's PodSecurity
// admission does. When the change makes the enforce policy stricter, the new
// enforce level is dry-run against the namespace's existing pods (JSON), as
// kubectl label --dry-run=server shows it: pods of an exempt runtime class are
// skipped, one pod per controller is checked first, at most MaxPodsToCheck are
// checked, and pods with the same reasons are reported together. (Upstream also
// stops after one second; this review has no time limit.)
//
// A pod that cannot be decoded gives an *Error whose Error() starts with
// "pods[i]: ".
func (a *Admission) ReviewNamespace(name string, oldLabels, newLabels map[string]string, pods [][]byte) (NamespaceReview, error) {
	np, nl := stringPtr(name)
	old := packLabels(oldLabels, oldLabels != nil)
	next := packLabels(newLabels, newLabels != nil)
	var buf []byte
	lens := make([]C.size_t, 0, len(pods)+1)
	for _, p := range pods {
		buf = append(buf, p...)
		lens = append(lens, C.size_t(len(p)))
	}
	lens = append(lens, 0) // never a zero-length slice
	bp, _ := bytesPtr(buf)
	var r *C.pss_namespace_review
	var cerr *C.pss_error
	var v *C.pss_namespace_review_view
	var ns C.pss_go_policy
	var change [2]C.pss_go_mode
	rc := C.pss_go_review_namespace(a.c, np, nl, old.in, next.in, bp, &lens[0], C.size_t(len(pods)), &r, &cerr, &v, &ns,
		&change[0])
	runtime.KeepAlive(a)
	runtime.KeepAlive(&old)
	runtime.KeepAlive(&next)
	runtime.KeepAlive(buf)
	if rc != C.PSS_RESULT_OK {
		if r != nil {
			C.pss_namespace_review_free(r)
		}
		return NamespaceReview{}, takeError(rc, cerr)
	}
	defer C.pss_namespace_review_free(r)
	out := NamespaceReview{
		Allowed:  bool(v.allowed),
		Invalid:  text(v.invalid),
		Warnings: texts(v.warnings, v.warning_count),
		Exempt:   bool(v.exempt),
		Summary:  text(v.summary),
		PodsCheck: PodsCheck{
			Kind:      PodsCheckKind(v.pods_check),
			Checked:   int(v.pods_checked),
			Total:     int(v.pods_total),
			Violating: int(v.pods_violating),
		},
	}
	if v.old_enforce != nil && v.new_enforce != nil {
		out.PodsCheck.Old, out.PodsCheck.New = levelVersionOf(change[0]), levelVersionOf(change[1])
	}
	out.Policy, out.LabelErrors = describe(&ns)
	return out, nil
}

// DryRunEnforce answers "what breaks if I label this namespace
// pod-security.kubernetes.io/enforce=LEVEL" (and enforce-version=VERSION when
// version is not empty): ReviewNamespace from the namespace's current labels to
// the same labels with the new enforce level, over its pods.
func (a *Admission) DryRunEnforce(namespace string, labels map[string]string, level Level, version string, pods [][]byte) (NamespaceReview, error) {
	old := make(map[string]string, len(labels))
	next := make(map[string]string, len(labels)+2)
	for k, v := range labels {
		old[k], next[k] = v, v
	}
	next[EnforceLevelLabel] = string(level)
	if version != "" {
		next[EnforceVersionLabel] = version
	}
	return a.ReviewNamespace(namespace, old, next, pods)
}

// The namespace labels that set the enforce level and version (pss-core's, from
// the C header).
const (
	EnforceLevelLabel   = C.PSS_ENFORCE_LEVEL_LABEL
	EnforceVersionLabel = C.PSS_ENFORCE_VERSION_LABEL
)

// labelsIn is a map of labels packed for the C helpers.
type labelsIn struct {
	buf  []byte
	lens []C.size_t
	in   C.pss_go_labels_in
}

func packLabels(labels map[string]string, present bool) labelsIn {
	var l labelsIn
	l.lens = make([]C.size_t, 0, 2*len(labels)+1)
	for k, v := range labels {
		l.buf = append(l.buf, k...)
		l.buf = append(l.buf, v...)
		l.lens = append(l.lens, C.size_t(len(k)), C.size_t(len(v)))
	}
	l.lens = append(l.lens, 0) // never a zero-length slice
	l.in.strs, _ = bytesPtr(l.buf)
	l.in.lens = &l.lens[0]
	l.in.count = C.size_t(len(labels))
	if present {
		l.in.present = 1
	}
	return l
}

// newLabels makes C labels from a map (nil for a nil map); the caller frees
// them.
func newLabels(labels map[string]string) (*C.pss_labels, error) {
	if labels == nil {
		return nil, nil
	}
	l := packLabels(labels, true)
	var out *C.pss_labels
	var cerr *C.pss_error
	rc := C.pss_go_labels(l.in.strs, l.in.lens, l.in.count, &out, &cerr)
	runtime.KeepAlive(&l)
	if rc != C.PSS_RESULT_OK {
		return nil, takeError(rc, cerr)
	}
	return out, nil
}

// texts copies n views out of C memory.
func texts(p *C.pss_str, n C.size_t) []string {
	if n == 0 {
		return nil
	}
	vs := unsafe.Slice(p, int(n))
	out := make([]string, len(vs))
	for i := range vs {
		out[i] = text(vs[i])
	}
	return out
}

// levelVersionOf copies a described level and version out of C memory.
func levelVersionOf(m C.pss_go_mode) LevelVersion {
	return LevelVersion{Level: Level(interned(m.level)), Version: interned(m.version)}
}

// describe copies a described policy out of C memory.
func describe(ns *C.pss_go_policy) (Policy, []LabelError) {
	out := Policy{Enforce: levelVersionOf(ns.modes[0]), Audit: levelVersionOf(ns.modes[1]), Warn: levelVersionOf(ns.modes[2])}
	var errs []LabelError
	for i := 0; i < int(ns.errors); i++ {
		e := &ns.error[i]
		errs = append(errs, LabelError{
			Label:   text(e.label),
			Value:   text(e.value),
			Detail:  text(e.detail),
			message: text(e.display),
		})
	}
	return out, errs
}
