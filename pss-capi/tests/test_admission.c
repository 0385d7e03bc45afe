/*
 * Tests of the admission and Kyverno functions in pss.h: labels, admission configurations, reviews of
 * create requests and of namespace changes (the label dry run), Kyverno policies and their results,
 * with every error path (NULL, invalid UTF-8, truncated JSON, bad configurations and policies).
 */
#include <stdint.h>

#include "check.h"

#define S(lit) (const uint8_t *)(lit), (sizeof(lit) - 1)

static const char PRIVILEGED_POD[] =
    "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[{\"name\":\"c\","
    "\"image\":\"nginx\",\"securityContext\":{\"privileged\":true}}]}}";
static const char BASELINE_POD[] =
    "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"web\"},\"spec\":{\"containers\":[{\"name\":"
    "\"app\",\"image\":\"nginx\"}]}}";
static const char KATA_POD[] =
    "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"k\"},\"spec\":{\"runtimeClassName\":\"kata\","
    "\"hostPID\":true,\"containers\":[{\"name\":\"c\"}]}}";
static const char DEPLOYMENT[] =
    "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\"},\"spec\":{\"template\":"
    "{\"spec\":{\"hostNetwork\":true,\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}}}";
static const char SERVICE[] = "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"s\"}}";

static const char CONFIG[] =
    "{\"apiVersion\":\"pod-security.admission.config.k8s.io/v1\",\"kind\":\"PodSecurityConfiguration\","
    "\"defaults\":{\"enforce\":\"baseline\",\"warn\":\"restricted\"},\"exemptions\":{\"usernames\":[\"admin\"],"
    "\"namespaces\":[\"kube-system\"],\"runtimeClasses\":[\"kata\"]}}";

static const char PRIVILEGED_DENIAL[] =
    "pods \"p\" is forbidden: violates PodSecurity \"baseline:latest\": privileged (container \"c\" must not set "
    "securityContext.privileged=true)";
static const char RESTRICTED_WARNING[] =
    "would violate PodSecurity \"restricted:latest\": allowPrivilegeEscalation != false (container \"app\" must set "
    "securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container \"app\" must set "
    "securityContext.capabilities.drop=[\"ALL\"]), runAsNonRoot != true (pod or container \"app\" must set "
    "securityContext.runAsNonRoot=true), seccompProfile (pod or container \"app\" must set "
    "securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")";

/* Checks a failed call's error: code, message, path (NULL for none), and that the display starts with
 * display_prefix. Frees it. */
static void check_error(pss_error *err, pss_result code, const char *message, const char *path,
                        const char *display_prefix) {
  pss_result got = PSS_RESULT_OK;
  const uint8_t *p = NULL;
  size_t n = 0;
  int failures = check_failures;
  CHECK(err != NULL);
  if (err == NULL) return;
  CHECK_RC(pss_error_code(err, &got), PSS_RESULT_OK);
  CHECK(got == code);
  if (message != NULL) CHECK_TEXT(pss_error_message, err, message);
  CHECK_RC(pss_error_path(err, &p, &n), PSS_RESULT_OK);
  if (path == NULL) {
    CHECK(p == NULL && n == 0);
  } else {
    CHECK_VIEW(p, n, path);
  }
  CHECK_RC(pss_error_display(err, &p, &n), PSS_RESULT_OK);
  CHECK(p != NULL && n >= strlen(display_prefix) && memcmp(p, display_prefix, strlen(display_prefix)) == 0);
  if (check_failures > failures) fprintf(stderr, "  (the error: %.*s)\n", (int)n, (const char *)p);
  pss_error_free(err);
}

static pss_labels *labels_of(const char *const *kv, size_t pairs) {
  pss_labels *labels = NULL;
  size_t i;
  CHECK_RC(pss_labels_new(&labels), PSS_RESULT_OK);
  for (i = 0; i < pairs; i++) {
    CHECK_RC(pss_labels_add(labels, (const uint8_t *)kv[2 * i], strlen(kv[2 * i]), (const uint8_t *)kv[2 * i + 1],
                            strlen(kv[2 * i + 1]), NULL),
             PSS_RESULT_OK);
  }
  return labels;
}

static void test_labels(void) {
  pss_labels *labels = NULL;
  pss_error *err = NULL;
  size_t count = 99;
  CHECK_RC(pss_labels_new(NULL), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_labels_new(&labels), PSS_RESULT_OK);
  CHECK_RC(pss_labels_count(labels, &count), PSS_RESULT_OK);
  CHECK(count == 0);
  CHECK_RC(pss_labels_add(labels, S("team"), S("a"), NULL), PSS_RESULT_OK);
  CHECK_RC(pss_labels_add(labels, S("team"), S("b"), NULL), PSS_RESULT_OK); /* the last value wins */
  CHECK_RC(pss_labels_add(labels, S("pod-security.kubernetes.io/enforce"), S(""), NULL), PSS_RESULT_OK);
  CHECK_RC(pss_labels_count(labels, &count), PSS_RESULT_OK);
  CHECK(count == 2);
  CHECK_RC(pss_labels_add(labels, S("k\xff"), S("v"), &err), PSS_RESULT_INVALID_UTF8);
  check_error(err, PSS_RESULT_INVALID_UTF8, "parameter key is not valid UTF-8 (at byte 1)", NULL, "parameter key");
  err = NULL;
  CHECK_RC(pss_labels_add(labels, S("k"), S("\xc3"), &err), PSS_RESULT_INVALID_UTF8);
  check_error(err, PSS_RESULT_INVALID_UTF8, "parameter value is not valid UTF-8 (at byte 0)", NULL, "parameter value");
  err = NULL;
  CHECK_RC(pss_labels_add(NULL, S("k"), S("v"), &err), PSS_RESULT_NULL_PARAMETER);
  check_error(err, PSS_RESULT_NULL_PARAMETER, "parameter labels is NULL", NULL, "parameter labels");
  CHECK_RC(pss_labels_add(labels, NULL, 0, S("v"), NULL), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_labels_add(labels, S("k"), NULL, 0, NULL), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_labels_count(labels, &count), PSS_RESULT_OK);
  CHECK(count == 2); /* failed adds change nothing */
  CHECK_RC(pss_labels_count(NULL, &count), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_labels_count(labels, NULL), PSS_RESULT_NULL_PARAMETER);
  pss_labels_free(labels);
  pss_labels_free(NULL);
}

static pss_admission_config *parse_config(const char *json, size_t len) {
  pss_admission_config *config = NULL;
  pss_error *err = NULL;
  CHECK_RC(pss_admission_config_parse((const uint8_t *)json, len, &config, &err), PSS_RESULT_OK);
  CHECK(err == NULL && config != NULL);
  return config;
}

static void config_fails(const char *json, pss_result code, const char *message, const char *path) {
  pss_admission_config *config = (pss_admission_config *)&code;
  pss_error *err = NULL;
  CHECK_RC(pss_admission_config_parse((const uint8_t *)json, strlen(json), &config, &err), code);
  CHECK(config == (pss_admission_config *)&code); /* not written */
  check_error(err, code, message, path, "");
}

static void test_config(void) {
  pss_admission_config *config = parse_config(CONFIG, sizeof CONFIG - 1);
  const pss_policy *defaults = NULL;
  pss_error *err = NULL;
  CHECK_RC(pss_admission_config_defaults(config, &defaults), PSS_RESULT_OK);
  CHECK_TEXT(pss_policy_display, defaults,
             "enforce=baseline:latest, audit=privileged:latest, warn=restricted:latest");
  CHECK_RC(pss_admission_config_defaults(NULL, &defaults), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_admission_config_defaults(config, NULL), PSS_RESULT_NULL_PARAMETER);
  pss_admission_config_free(config);
  pss_admission_config_free(NULL);

  /* The PodSecurity plugin inside an AdmissionConfiguration. */
  {
    static const char WRAPPED[] =
        "{\"apiVersion\":\"apiserver.config.k8s.io/v1\",\"kind\":\"AdmissionConfiguration\",\"plugins\":[{\"name\":"
        "\"PodSecurity\",\"configuration\":{\"apiVersion\":\"pod-security.admission.config.k8s.io/v1beta1\","
        "\"kind\":\"PodSecurityConfiguration\",\"defaults\":{\"audit\":\"restricted\",\"audit-version\":\"v1.30\"}}}]}";
    config = parse_config(WRAPPED, sizeof WRAPPED - 1);
    CHECK_RC(pss_admission_config_defaults(config, &defaults), PSS_RESULT_OK);
    CHECK_TEXT(pss_policy_display, defaults,
               "enforce=privileged:latest, audit=restricted:v1.30, warn=privileged:latest");
    pss_admission_config_free(config);
  }

  config_fails("{\"apiVersion\":\"pod-security.admission.config.k8s.io/v1\",\"kind\":\"PodSecurityConfiguration\","
               "\"defaults\":{\"enforce\":\"strict\"}}",
               PSS_RESULT_INVALID_CONFIG,
               "defaults.enforce: Invalid value: \"strict\": must be one of privileged, baseline, restricted",
               "defaults.enforce");
  config_fails("{\"apiVersion\":\"pod-security.admission.config.k8s.io/v1\",\"kind\":\"PodSecurityConfiguration\","
               "\"defaults\":{\"enforce\":\"strict\",\"warn-version\":\"v2\"}}",
               PSS_RESULT_INVALID_CONFIG,
               "[defaults.enforce: Invalid value: \"strict\": must be one of privileged, baseline, restricted, "
               "defaults.warn-version: Invalid value: \"v2\": must be \"latest\" or \"v1.x\"]",
               NULL);
  config_fails("{\"apiVersion\":\"pod-security.admission.config.k8s.io/v1\",\"kind\":\"PodSecurityConfiguration\","
               "\"exemptions\":{\"namespaces\":[\"Kube_System\"]}}",
               PSS_RESULT_INVALID_CONFIG, NULL, "exemptions.namespaces[0]");
  config_fails("{\"apiVersion\":\"pod-security.admission.config.k8s.io/v1\",\"kind\":\"PodSecurityConfiguration\","
               "\"defaults\":{\"enforced\":\"baseline\"}}",
               PSS_RESULT_UNKNOWN_FIELD, NULL, "defaults.enforced");
  config_fails("{\"apiVersion\":\"pod-security.admission.config.k8s.io/v1\",\"kind\":\"PodSecurityConfiguration\","
               "\"kind\":\"PodSecurityConfiguration\"}",
               PSS_RESULT_DUPLICATE_FIELD, NULL, "kind");
  config_fails("{\"apiVersion\":\"v1\",\"kind\":\"Pod\"}", PSS_RESULT_UNEXPECTED_KIND, NULL, NULL);
  config_fails("{\"apiVersion\":\"pod-security.admission.config.k8s.io/v1\",\"kind\":", PSS_RESULT_INVALID_JSON, NULL,
               "kind");
  config_fails("[]", PSS_RESULT_NOT_AN_OBJECT, NULL, NULL);
  config_fails("{\"apiVersion\":\"pod-security.admission.config.k8s.io/v1\",\"kind\":\"PodSecurityConfiguration\","
               "\"defaults\":{\"enforce\":true}}",
               PSS_RESULT_INVALID_TYPE, NULL, "defaults.enforce");
  config_fails("{\"kind\":\"\xff\"}", PSS_RESULT_INVALID_UTF8, NULL, NULL);
  config_fails("", PSS_RESULT_INVALID_JSON, NULL, NULL);
  CHECK_RC(pss_admission_config_parse(NULL, 0, &config, &err), PSS_RESULT_NULL_PARAMETER);
  check_error(err, PSS_RESULT_NULL_PARAMETER, "parameter json is NULL", NULL, "parameter json");
  CHECK_RC(pss_admission_config_parse(S(CONFIG), NULL, NULL), PSS_RESULT_NULL_PARAMETER);
}

static pss_decision *review(const pss_admission *admission, const char *ns, const pss_labels *labels, const char *user,
                            const char *object, size_t len) {
  pss_decision *decision = NULL;
  pss_error *err = NULL;
  CHECK_RC(pss_admission_review(admission, (const uint8_t *)ns, strlen(ns), labels, (const uint8_t *)user,
                                strlen(user), (const uint8_t *)object, len, &decision, &err),
           PSS_RESULT_OK);
  CHECK(err == NULL && decision != NULL);
  return decision;
}

/* Checks the decision's annotation `key` (full key) has `value` (NULL: absent). */
static void check_annotation(const pss_decision *d, const char *key, const char *value) {
  size_t count = 0, i;
  int found = 0;
  CHECK_RC(pss_decision_audit_annotation_count(d, &count), PSS_RESULT_OK);
  for (i = 0; i < count; i++) {
    const uint8_t *kp = NULL, *vp = NULL;
    size_t kn = 0, vn = 0;
    CHECK_RC(pss_decision_audit_annotation(d, i, &kp, &kn, &vp, &vn), PSS_RESULT_OK);
    if (view_equals(kp, kn, key)) {
      found = 1;
      if (value != NULL) CHECK_VIEW(vp, vn, value);
    }
  }
  CHECK(found == (value != NULL));
}

static void test_review(void) {
  static const char *const ENFORCE_BASELINE[] = {"pod-security.kubernetes.io/enforce", "baseline"};
  static const char *const WARN_RESTRICTED[] = {"pod-security.kubernetes.io/enforce", "baseline",
                                                "pod-security.kubernetes.io/warn", "restricted"};
  static const char *const INVALID[] = {"pod-security.kubernetes.io/audit", "strict"};
  pss_admission *admission = NULL;
  pss_labels *labels = labels_of(ENFORCE_BASELINE, 1);
  pss_decision *d = NULL;
  const pss_evaluation *enforce = NULL;
  const pss_policy *policy = NULL;
  const pss_decision_view *view = NULL;
  const uint8_t *p = NULL;
  size_t n = 0, count = 0;
  bool allowed = true;

  CHECK_RC(pss_admission_new(NULL, NULL), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_admission_new(NULL, &admission), PSS_RESULT_OK);

  /* A privileged pod in a namespace enforcing baseline: denied with the API server's message. */
  d = review(admission, "default", labels, "", PRIVILEGED_POD, sizeof PRIVILEGED_POD - 1);
  CHECK_RC(pss_decision_allowed(d, &allowed), PSS_RESULT_OK);
  CHECK(!allowed);
  CHECK_TEXT(pss_decision_denial, d, PRIVILEGED_DENIAL);
  CHECK_TEXT(pss_decision_kind, d, "Pod");
  CHECK_RC(pss_decision_exemption(d, &p, &n), PSS_RESULT_OK);
  CHECK(p == NULL && n == 0);
  CHECK_RC(pss_decision_warning_count(d, &count), PSS_RESULT_OK);
  CHECK(count == 0); /* no warnings after a denial */
  CHECK_RC(pss_decision_warning(d, 0, &p, &n), PSS_RESULT_INDEX_OUT_OF_RANGE);
  check_annotation(d, "pod-security.kubernetes.io/enforce-policy", "baseline:latest");
  check_annotation(d, "pod-security.kubernetes.io/audit-violations", NULL);
  CHECK_RC(pss_decision_audit_annotation(d, 99, &p, &n, &p, &n), PSS_RESULT_INDEX_OUT_OF_RANGE);
  CHECK_RC(pss_decision_audit_annotation(d, 0, NULL, &n, &p, &n), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_decision_audit_annotation(d, 0, &p, &n, &p, NULL), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_decision_policy(d, &policy), PSS_RESULT_OK);
  CHECK_TEXT(pss_policy_display, policy,
             "enforce=baseline:latest, audit=privileged:latest, warn=baseline:latest");
  CHECK_RC(pss_decision_enforce(d, &enforce), PSS_RESULT_OK);
  CHECK(enforce != NULL);
  CHECK_TEXT(pss_evaluation_reason, enforce, "privileged");
  CHECK_TEXT(pss_evaluation_denial_message, enforce, PRIVILEGED_DENIAL);
  {
    const pss_violation *v = NULL;
    const pss_field *f = NULL;
    CHECK_RC(pss_evaluation_violation(enforce, 0, &v), PSS_RESULT_OK);
    CHECK_RC(pss_violation_field(v, 0, &f), PSS_RESULT_OK);
    CHECK_TEXT(pss_field_path, f, "spec.containers[0].securityContext.privileged");
  }
  /* For a pod, the pods verdict is the API server's: the same denial; no created pods. */
  {
    const pss_evaluation *created = (const pss_evaluation *)&count;
    bool pods_allowed = true;
    CHECK_RC(pss_decision_pods_allowed(d, &pods_allowed), PSS_RESULT_OK);
    CHECK(!pods_allowed);
    CHECK_TEXT(pss_decision_pods_denial, d, PRIVILEGED_DENIAL);
    CHECK_RC(pss_decision_created_pods(d, &created), PSS_RESULT_OK);
    CHECK(created == NULL);
  }
  CHECK_RC(pss_decision_get_view(d, &view), PSS_RESULT_OK);
  CHECK(!view->allowed && view->warning_count == 0 && view->annotation_count >= 1);
  CHECK(!view->pods_allowed && view->created_pods == NULL);
  CHECK_VIEW(view->pods_denial.ptr, view->pods_denial.len, PRIVILEGED_DENIAL);
  CHECK_VIEW(view->denial.ptr, view->denial.len, PRIVILEGED_DENIAL);
  CHECK_VIEW(view->kind.ptr, view->kind.len, "Pod");
  CHECK(view->exemption.ptr == NULL);
  CHECK(view->warnings != NULL && view->annotation_keys != NULL && view->annotation_values != NULL);
  CHECK_VIEW(view->annotation_keys[0].ptr, view->annotation_keys[0].len, "pod-security.kubernetes.io/enforce-policy");
  CHECK_VIEW(view->annotation_values[0].ptr, view->annotation_values[0].len, "baseline:latest");
  {
    const pss_evaluation_view *ev = NULL;
    CHECK_RC(pss_evaluation_get_view(enforce, &ev), PSS_RESULT_OK);
    CHECK(view->enforce == ev && ev->violation_count == 1);
  }
  /* NULL parameters of every getter. */
  CHECK_RC(pss_decision_allowed(NULL, &allowed), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_decision_allowed(d, NULL), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_decision_denial(NULL, &p, &n), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_decision_denial(d, NULL, &n), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_decision_kind(d, &p, NULL), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_decision_exemption(NULL, &p, &n), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_decision_warning_count(NULL, &count), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_decision_warning(NULL, 0, &p, &n), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_decision_audit_annotation_count(d, NULL), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_decision_policy(NULL, &policy), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_decision_enforce(d, NULL), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_decision_pods_allowed(NULL, &allowed), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_decision_pods_allowed(d, NULL), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_decision_pods_denial(NULL, &p, &n), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_decision_pods_denial(d, &p, NULL), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_decision_created_pods(NULL, &enforce), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_decision_created_pods(d, NULL), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_decision_get_view(NULL, &view), PSS_RESULT_NULL_PARAMETER);
  pss_decision_free(d);
  pss_decision_free(NULL);
  pss_labels_free(labels);

  /* Allowed at baseline, warned at restricted. */
  labels = labels_of(WARN_RESTRICTED, 2);
  d = review(admission, "default", labels, "", BASELINE_POD, sizeof BASELINE_POD - 1);
  CHECK_RC(pss_decision_allowed(d, &allowed), PSS_RESULT_OK);
  CHECK(allowed);
  CHECK_RC(pss_decision_denial(d, &p, &n), PSS_RESULT_OK);
  CHECK(p == NULL && n == 0);
  CHECK_RC(pss_decision_warning_count(d, &count), PSS_RESULT_OK);
  CHECK(count == 1);
  CHECK_RC(pss_decision_warning(d, 0, &p, &n), PSS_RESULT_OK);
  CHECK_VIEW(p, n, RESTRICTED_WARNING);
  CHECK_RC(pss_decision_enforce(d, &enforce), PSS_RESULT_OK);
  CHECK(enforce != NULL);
  pss_decision_free(d);

  /* A Deployment is never denied: warned, with no enforce evaluation; but the pods it creates would be denied
     at the enforce level (baseline), with pss-core's words and paths in the Deployment. */
  d = review(admission, "default", labels, "", DEPLOYMENT, sizeof DEPLOYMENT - 1);
  CHECK_RC(pss_decision_allowed(d, &allowed), PSS_RESULT_OK);
  CHECK(allowed);
  CHECK_TEXT(pss_decision_kind, d, "Deployment");
  CHECK_RC(pss_decision_warning_count(d, &count), PSS_RESULT_OK);
  CHECK(count == 1);
  CHECK_RC(pss_decision_enforce(d, &enforce), PSS_RESULT_OK);
  CHECK(enforce == NULL);
  CHECK_RC(pss_decision_pods_allowed(d, &allowed), PSS_RESULT_OK);
  CHECK(!allowed);
  CHECK_TEXT(pss_decision_pods_denial, d,
             "deployments \"web\" (pods it creates would be denied): violates PodSecurity \"baseline:latest\": host "
             "namespaces (hostNetwork=true)");
  CHECK_RC(pss_decision_created_pods(d, &enforce), PSS_RESULT_OK);
  CHECK(enforce != NULL);
  if (enforce != NULL) {
    const pss_violation *v = NULL;
    const pss_field *f = NULL;
    CHECK_TEXT(pss_evaluation_kind, enforce, "Deployment");
    CHECK_RC(pss_evaluation_violation(enforce, 0, &v), PSS_RESULT_OK);
    CHECK_RC(pss_violation_field(v, 0, &f), PSS_RESULT_OK);
    CHECK_TEXT(pss_field_path, f, "spec.template.spec.hostNetwork");
  }
  CHECK_RC(pss_decision_get_view(d, &view), PSS_RESULT_OK);
  CHECK(view->enforce == NULL && view->warning_count == 1);
  CHECK(!view->pods_allowed && view->created_pods != NULL && view->created_pods->violation_count == 1);
  pss_decision_free(d);
  pss_labels_free(labels);

  /* Invalid labels: the error annotation and the policy's label errors. */
  labels = labels_of(INVALID, 1);
  d = review(admission, "default", labels, "", BASELINE_POD, sizeof BASELINE_POD - 1);
  check_annotation(d, "pod-security.kubernetes.io/error",
                   "Failed to parse policy: metadata.labels[pod-security.kubernetes.io/audit]: Invalid value: "
                   "\"strict\": must be one of privileged, baseline, restricted");
  CHECK_RC(pss_decision_policy(d, &policy), PSS_RESULT_OK);
  CHECK_RC(pss_policy_error_count(policy, &count), PSS_RESULT_OK);
  CHECK(count == 1);
  pss_decision_free(d);
  pss_labels_free(labels);

  /* No labels and no configuration: privileged everywhere. */
  d = review(admission, "default", NULL, "", PRIVILEGED_POD, sizeof PRIVILEGED_POD - 1);
  CHECK_RC(pss_decision_allowed(d, &allowed), PSS_RESULT_OK);
  CHECK(allowed);
  check_annotation(d, "pod-security.kubernetes.io/enforce-policy", "privileged:latest");
  pss_decision_free(d);

  /* Errors. */
  {
    pss_error *err = NULL;
    pss_decision *untouched = (pss_decision *)&count;
    d = untouched;
    CHECK_RC(pss_admission_review(admission, S("default"), NULL, S(""), S(SERVICE), &d, &err),
             PSS_RESULT_NOT_A_WORKLOAD);
    CHECK(d == untouched);
    check_error(err, PSS_RESULT_NOT_A_WORKLOAD, "no pod template: Service is not a pod or a pod controller", NULL, "");
    err = NULL;
    CHECK_RC(pss_admission_review(admission, S("default"), NULL, S(""), S("{\"kind\":\"Pod\",\"spec\":{"), &d, &err),
             PSS_RESULT_INVALID_JSON);
    check_error(err, PSS_RESULT_INVALID_JSON, NULL, "spec", "spec: ");
    err = NULL;
    CHECK_RC(pss_admission_review(admission, S("default"), NULL, S(""),
                                  S("{\"kind\":\"Pod\",\"spec\":{\"hostPID\":\"yes\"}}"), &d, &err),
             PSS_RESULT_INVALID_TYPE);
    check_error(err, PSS_RESULT_INVALID_TYPE, NULL, "spec.hostPID", "spec.hostPID: ");
    err = NULL;
    CHECK_RC(pss_admission_review(admission, S("def\xff"), NULL, S(""), S(PRIVILEGED_POD), &d, &err),
             PSS_RESULT_INVALID_UTF8);
    check_error(err, PSS_RESULT_INVALID_UTF8, NULL, NULL, "parameter namespace");
    err = NULL;
    CHECK_RC(pss_admission_review(admission, S("default"), NULL, S("\xc0"), S(PRIVILEGED_POD), &d, &err),
             PSS_RESULT_INVALID_UTF8);
    check_error(err, PSS_RESULT_INVALID_UTF8, NULL, NULL, "parameter username");
    err = NULL;
    CHECK_RC(pss_admission_review(NULL, S("default"), NULL, S(""), S(PRIVILEGED_POD), &d, &err),
             PSS_RESULT_NULL_PARAMETER);
    check_error(err, PSS_RESULT_NULL_PARAMETER, "parameter admission is NULL", NULL, "");
    CHECK_RC(pss_admission_review(admission, NULL, 0, NULL, S(""), S(PRIVILEGED_POD), &d, NULL),
             PSS_RESULT_NULL_PARAMETER);
    CHECK_RC(pss_admission_review(admission, S("default"), NULL, NULL, 0, S(PRIVILEGED_POD), &d, NULL),
             PSS_RESULT_NULL_PARAMETER);
    CHECK_RC(pss_admission_review(admission, S("default"), NULL, S(""), NULL, 0, &d, NULL),
             PSS_RESULT_NULL_PARAMETER);
    CHECK_RC(pss_admission_review(admission, S("default"), NULL, S(""), S(PRIVILEGED_POD), NULL, NULL),
             PSS_RESULT_NULL_PARAMETER);
    CHECK(d == untouched);
  }
  pss_admission_free(admission);
  pss_admission_free(NULL);
}

static void test_review_with_config(void) {
  pss_admission_config *config = parse_config(CONFIG, sizeof CONFIG - 1);
  pss_admission *admission = NULL;
  pss_decision *d = NULL;
  bool allowed = false;
  CHECK_RC(pss_admission_new(config, &admission), PSS_RESULT_OK);
  pss_admission_config_free(config); /* the admission keeps its own copy */
  {
    const pss_policy *defaults = NULL;
    CHECK_RC(pss_admission_defaults(admission, &defaults), PSS_RESULT_OK);
    CHECK_TEXT(pss_policy_display, defaults, "enforce=baseline:latest, audit=privileged:latest, warn=restricted:latest");
    CHECK_RC(pss_admission_defaults(NULL, &defaults), PSS_RESULT_NULL_PARAMETER);
    CHECK_RC(pss_admission_defaults(admission, NULL), PSS_RESULT_NULL_PARAMETER);
  }

  /* The defaults: baseline enforced. */
  d = review(admission, "default", NULL, "", PRIVILEGED_POD, sizeof PRIVILEGED_POD - 1);
  CHECK_RC(pss_decision_allowed(d, &allowed), PSS_RESULT_OK);
  CHECK(!allowed);
  CHECK_TEXT(pss_decision_denial, d, PRIVILEGED_DENIAL);
  pss_decision_free(d);
  /* Exempt namespace, user and runtime class. */
  d = review(admission, "kube-system", NULL, "", PRIVILEGED_POD, sizeof PRIVILEGED_POD - 1);
  CHECK_TEXT(pss_decision_exemption, d, "namespace");
  check_annotation(d, "pod-security.kubernetes.io/exempt", "namespace");
  CHECK_RC(pss_decision_allowed(d, &allowed), PSS_RESULT_OK);
  CHECK(allowed);
  pss_decision_free(d);
  d = review(admission, "default", NULL, "admin", PRIVILEGED_POD, sizeof PRIVILEGED_POD - 1);
  CHECK_TEXT(pss_decision_exemption, d, "user");
  pss_decision_free(d);
  /* A Deployment's pods: exempt with the namespace, not with the user who creates the Deployment. */
  {
    const pss_evaluation *created = NULL;
    bool pods_allowed = false;
    d = review(admission, "kube-system", NULL, "", DEPLOYMENT, sizeof DEPLOYMENT - 1);
    CHECK_RC(pss_decision_pods_allowed(d, &pods_allowed), PSS_RESULT_OK);
    CHECK(pods_allowed);
    CHECK_RC(pss_decision_created_pods(d, &created), PSS_RESULT_OK);
    CHECK(created == NULL);
    pss_decision_free(d);
    d = review(admission, "default", NULL, "admin", DEPLOYMENT, sizeof DEPLOYMENT - 1);
    CHECK_TEXT(pss_decision_exemption, d, "user");
    CHECK_RC(pss_decision_pods_allowed(d, &pods_allowed), PSS_RESULT_OK);
    CHECK(!pods_allowed);
    CHECK_RC(pss_decision_created_pods(d, &created), PSS_RESULT_OK);
    CHECK(created != NULL);
    pss_decision_free(d);
  }
  d = review(admission, "default", NULL, "", KATA_POD, sizeof KATA_POD - 1);
  CHECK_TEXT(pss_decision_exemption, d, "runtimeClass");
  CHECK_RC(pss_decision_allowed(d, &allowed), PSS_RESULT_OK);
  CHECK(allowed);
  pss_decision_free(d);
  pss_admission_free(admission);
}

static void test_review_namespace(void) {
  static const char *const PODS[] = {
      "{\"metadata\":{\"name\":\"b\"},\"spec\":{\"hostNetwork\":true}}",
      "{\"metadata\":{\"name\":\"a\"},\"spec\":{\"hostNetwork\":true}}",
      "{\"metadata\":{\"name\":\"ok\"},\"spec\":{}}",
  };
  static const char *const OLD[] = {"team", "x"};
  static const char *const NEW[] = {"team", "x", "pod-security.kubernetes.io/enforce", "baseline"};
  static const char *const STRICT[] = {"pod-security.kubernetes.io/enforce", "strict"};
  const uint8_t *ptrs[3];
  size_t lens[3], i, count = 0;
  pss_admission *admission = NULL;
  pss_labels *old = labels_of(OLD, 1), *new_labels = labels_of(NEW, 2), *strict = labels_of(STRICT, 1);
  pss_namespace_review *review = NULL;
  pss_error *err = NULL;
  const pss_namespace_review_view *view = NULL;
  const pss_policy *policy = NULL;
  const uint8_t *p = NULL;
  size_t n = 0;
  bool allowed = false;
  for (i = 0; i < 3; i++) {
    ptrs[i] = (const uint8_t *)PODS[i];
    lens[i] = strlen(PODS[i]);
  }
  CHECK_RC(pss_admission_new(NULL, &admission), PSS_RESULT_OK);

  /* The label dry run: labelling "prod" enforce=baseline. */
  CHECK_RC(pss_admission_review_namespace(admission, S("prod"), old, new_labels, ptrs, lens, 3, &review, &err),
           PSS_RESULT_OK);
  CHECK(err == NULL);
  CHECK_RC(pss_namespace_review_allowed(review, &allowed), PSS_RESULT_OK);
  CHECK(allowed);
  CHECK_RC(pss_namespace_review_invalid(review, &p, &n), PSS_RESULT_OK);
  CHECK(p == NULL && n == 0);
  CHECK_RC(pss_namespace_review_warning_count(review, &count), PSS_RESULT_OK);
  CHECK(count == 2);
  CHECK_RC(pss_namespace_review_warning(review, 0, &p, &n), PSS_RESULT_OK);
  CHECK_VIEW(p, n, "existing pods in namespace \"prod\" violate the new PodSecurity enforce level \"baseline:latest\"");
  CHECK_RC(pss_namespace_review_warning(review, 1, &p, &n), PSS_RESULT_OK);
  CHECK_VIEW(p, n, "a (and 1 other pod): host namespaces");
  CHECK_RC(pss_namespace_review_warning(review, 2, &p, &n), PSS_RESULT_INDEX_OUT_OF_RANGE);
  CHECK_RC(pss_namespace_review_policy(review, &policy), PSS_RESULT_OK);
  CHECK_TEXT(pss_policy_display, policy,
             "enforce=baseline:latest, audit=privileged:latest, warn=baseline:latest");
  CHECK_RC(pss_namespace_review_get_view(review, &view), PSS_RESULT_OK);
  CHECK(view->allowed && view->invalid.ptr == NULL && view->warning_count == 2);
  CHECK_VIEW(view->warnings[1].ptr, view->warnings[1].len, "a (and 1 other pod): host namespaces");
  /* What pss-core decided about the pods: checked, 3 of 3, 2 violating, and its one-line summary. */
  {
    pss_pods_check check = PSS_PODS_CHECK_CREATION;
    size_t checked = 0, total = 0, violating = 0;
    const pss_level_version *old_lv = (const pss_level_version *)&count, *new_lv = old_lv;
    bool exempt = true;
    CHECK_RC(pss_namespace_review_pods_check(review, &check), PSS_RESULT_OK);
    CHECK(check == PSS_PODS_CHECK_CHECKED);
    CHECK_RC(pss_namespace_review_pods_counts(review, &checked, &total, &violating), PSS_RESULT_OK);
    CHECK(checked == 3 && total == 3 && violating == 2);
    CHECK_RC(pss_namespace_review_not_stricter(review, &old_lv, &new_lv), PSS_RESULT_OK);
    CHECK(old_lv == NULL && new_lv == NULL);
    CHECK_RC(pss_namespace_review_exempt(review, &exempt), PSS_RESULT_OK);
    CHECK(!exempt);
    CHECK_TEXT(pss_namespace_review_summary, review,
               "namespace \"prod\": 2 of 3 pods would violate the new enforce level \"baseline:latest\"");
    CHECK(view->pods_check == PSS_PODS_CHECK_CHECKED && view->pods_checked == 3 && view->pods_total == 3 &&
          view->pods_violating == 2 && !view->exempt && view->old_enforce == NULL && view->new_enforce == NULL);
    CHECK_VIEW(view->summary.ptr, view->summary.len,
               "namespace \"prod\": 2 of 3 pods would violate the new enforce level \"baseline:latest\"");
    CHECK_RC(pss_namespace_review_pods_check(NULL, &check), PSS_RESULT_NULL_PARAMETER);
    CHECK_RC(pss_namespace_review_pods_check(review, NULL), PSS_RESULT_NULL_PARAMETER);
    CHECK_RC(pss_namespace_review_pods_counts(review, &checked, NULL, &violating), PSS_RESULT_NULL_PARAMETER);
    CHECK_RC(pss_namespace_review_pods_counts(NULL, &checked, &total, &violating), PSS_RESULT_NULL_PARAMETER);
    CHECK_RC(pss_namespace_review_not_stricter(review, NULL, &new_lv), PSS_RESULT_NULL_PARAMETER);
    CHECK_RC(pss_namespace_review_not_stricter(NULL, &old_lv, &new_lv), PSS_RESULT_NULL_PARAMETER);
    CHECK_RC(pss_namespace_review_exempt(review, NULL), PSS_RESULT_NULL_PARAMETER);
    CHECK_RC(pss_namespace_review_summary(NULL, &p, &n), PSS_RESULT_NULL_PARAMETER);
  }
  CHECK_RC(pss_namespace_review_allowed(NULL, &allowed), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_namespace_review_allowed(review, NULL), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_namespace_review_invalid(NULL, &p, &n), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_namespace_review_warning_count(review, NULL), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_namespace_review_warning(review, 0, NULL, &n), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_namespace_review_policy(review, NULL), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_namespace_review_get_view(NULL, &view), PSS_RESULT_NULL_PARAMETER);
  pss_namespace_review_free(review);
  pss_namespace_review_free(NULL);

  /* The same dry run with the new labels made as a copy of the old ones. */
  {
    pss_labels *copy = NULL, *untouched = (pss_labels *)&count;
    size_t n_labels = 0;
    CHECK_RC(pss_labels_clone(old, &copy), PSS_RESULT_OK);
    CHECK_RC(pss_labels_add(copy, S("pod-security.kubernetes.io/enforce"), S("baseline"), NULL), PSS_RESULT_OK);
    CHECK_RC(pss_labels_count(old, &n_labels), PSS_RESULT_OK);
    CHECK(n_labels == 1); /* the original is unchanged */
    CHECK_RC(pss_labels_count(copy, &n_labels), PSS_RESULT_OK);
    CHECK(n_labels == 2);
    CHECK_RC(pss_admission_review_namespace(admission, S("prod"), old, copy, ptrs, lens, 3, &review, NULL),
             PSS_RESULT_OK);
    CHECK_RC(pss_namespace_review_warning(review, 1, &p, &n), PSS_RESULT_OK);
    CHECK_VIEW(p, n, "a (and 1 other pod): host namespaces");
    pss_namespace_review_free(review);
    pss_labels_free(copy);
    copy = untouched;
    CHECK_RC(pss_labels_clone(NULL, &copy), PSS_RESULT_NULL_PARAMETER);
    CHECK(copy == untouched);
    CHECK_RC(pss_labels_clone(old, NULL), PSS_RESULT_NULL_PARAMETER);
  }

  /* Not stricter (the same labels): nothing checked, and pss-core says why, with both enforce levels. */
  CHECK_RC(pss_admission_review_namespace(admission, S("prod"), new_labels, new_labels, ptrs, lens, 3, &review, NULL),
           PSS_RESULT_OK);
  CHECK_RC(pss_namespace_review_warning_count(review, &count), PSS_RESULT_OK);
  CHECK(count == 0);
  {
    pss_pods_check check = PSS_PODS_CHECK_CHECKED;
    const pss_level_version *old_lv = NULL, *new_lv = NULL;
    size_t checked = 9, total = 9, violating = 9;
    CHECK_RC(pss_namespace_review_pods_check(review, &check), PSS_RESULT_OK);
    CHECK(check == PSS_PODS_CHECK_NOT_STRICTER);
    CHECK_RC(pss_namespace_review_pods_counts(review, &checked, &total, &violating), PSS_RESULT_OK);
    CHECK(checked == 0 && total == 0 && violating == 0);
    CHECK_RC(pss_namespace_review_not_stricter(review, &old_lv, &new_lv), PSS_RESULT_OK);
    CHECK(old_lv != NULL && new_lv != NULL);
    if (old_lv != NULL && new_lv != NULL) {
      CHECK_TEXT(pss_level_version_level, old_lv, "baseline");
      CHECK_TEXT(pss_level_version_version, old_lv, "latest");
      CHECK_TEXT(pss_level_version_level, new_lv, "baseline");
    }
    CHECK_TEXT(pss_namespace_review_summary, review,
               "namespace \"prod\": the new enforce level \"baseline:latest\" is not stricter than "
               "\"baseline:latest\": 3 existing pods not checked");
  }
  pss_namespace_review_free(review);

  /* Creating a namespace with an invalid label: rejected with upstream's message. */
  CHECK_RC(pss_admission_review_namespace(admission, S("prod"), NULL, strict, NULL, NULL, 0, &review, NULL),
           PSS_RESULT_OK);
  CHECK_RC(pss_namespace_review_allowed(review, &allowed), PSS_RESULT_OK);
  CHECK(!allowed);
  CHECK_TEXT(pss_namespace_review_invalid, review,
             "Namespace \"prod\" is invalid: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "
             "\"strict\": must be one of privileged, baseline, restricted");
  CHECK_RC(pss_namespace_review_policy(review, &policy), PSS_RESULT_OK);
  CHECK_RC(pss_policy_error_count(policy, &count), PSS_RESULT_OK);
  CHECK(count == 1);
  {
    pss_pods_check check = PSS_PODS_CHECK_CHECKED;
    CHECK_RC(pss_namespace_review_pods_check(review, &check), PSS_RESULT_OK);
    CHECK(check == PSS_PODS_CHECK_INVALID);
    CHECK_RC(pss_namespace_review_summary(review, &p, &n), PSS_RESULT_OK);
    CHECK(p == NULL && n == 0);
  }
  pss_namespace_review_free(review);
  /* Creating one without labels. */
  CHECK_RC(pss_admission_review_namespace(admission, S("prod"), NULL, NULL, NULL, NULL, 0, &review, NULL),
           PSS_RESULT_OK);
  CHECK_RC(pss_namespace_review_allowed(review, &allowed), PSS_RESULT_OK);
  CHECK(allowed);
  {
    pss_pods_check check = PSS_PODS_CHECK_CHECKED;
    CHECK_RC(pss_namespace_review_pods_check(review, &check), PSS_RESULT_OK);
    CHECK(check == PSS_PODS_CHECK_CREATION);
  }
  pss_namespace_review_free(review);

  /* A malformed pod: its error, with its index in the display. */
  {
    static const char BAD[] = "{\"spec\":{\"hostPID\":\"yes\"}}";
    pss_namespace_review *untouched = (pss_namespace_review *)&count;
    review = untouched;
    ptrs[1] = (const uint8_t *)BAD;
    lens[1] = sizeof BAD - 1;
    CHECK_RC(pss_admission_review_namespace(admission, S("prod"), old, new_labels, ptrs, lens, 3, &review, &err),
             PSS_RESULT_INVALID_TYPE);
    CHECK(review == untouched);
    check_error(err, PSS_RESULT_INVALID_TYPE, "expected a boolean, found a string", "spec.hostPID",
                "pods[1]: spec.hostPID: expected a boolean, found a string at line 1 column 20");
    err = NULL;
    lens[1] = 5; /* truncated */
    CHECK_RC(pss_admission_review_namespace(admission, S("prod"), old, new_labels, ptrs, lens, 3, &review, &err),
             PSS_RESULT_INVALID_JSON);
    check_error(err, PSS_RESULT_INVALID_JSON, NULL, NULL, "pods[1]: ");
    err = NULL;
    ptrs[1] = NULL;
    CHECK_RC(pss_admission_review_namespace(admission, S("prod"), old, new_labels, ptrs, lens, 3, &review, &err),
             PSS_RESULT_NULL_PARAMETER);
    check_error(err, PSS_RESULT_NULL_PARAMETER, "parameter pods[1] is NULL", NULL, "");
    CHECK_RC(pss_admission_review_namespace(admission, S("prod"), old, new_labels, NULL, lens, 3, &review, NULL),
             PSS_RESULT_NULL_PARAMETER);
    CHECK_RC(pss_admission_review_namespace(admission, S("prod"), old, new_labels, ptrs, NULL, 3, &review, NULL),
             PSS_RESULT_NULL_PARAMETER);
    CHECK_RC(pss_admission_review_namespace(NULL, S("prod"), old, new_labels, NULL, NULL, 0, &review, NULL),
             PSS_RESULT_NULL_PARAMETER);
    CHECK_RC(pss_admission_review_namespace(admission, NULL, 0, old, new_labels, NULL, NULL, 0, &review, NULL),
             PSS_RESULT_NULL_PARAMETER);
    CHECK_RC(pss_admission_review_namespace(admission, S("pr\xffod"), old, new_labels, NULL, NULL, 0, &review, &err),
             PSS_RESULT_INVALID_UTF8);
    check_error(err, PSS_RESULT_INVALID_UTF8, NULL, NULL, "parameter namespace");
    CHECK_RC(pss_admission_review_namespace(admission, S("prod"), old, new_labels, NULL, NULL, 0, NULL, NULL),
             PSS_RESULT_NULL_PARAMETER);
    CHECK(review == untouched);
  }
  pss_labels_free(old);
  pss_labels_free(new_labels);
  pss_labels_free(strict);
  pss_admission_free(admission);
}

static const char KYVERNO_POLICY[] =
    "{\"apiVersion\":\"kyverno.io/v1\",\"kind\":\"ClusterPolicy\",\"metadata\":{\"name\":\"baseline-policy\"},"
    "\"spec\":{\"validationFailureAction\":\"Enforce\",\"rules\":[{\"name\":\"baseline\",\"match\":{\"any\":"
    "[{\"resources\":{\"kinds\":[\"Pod\"]}}]},\"validate\":{\"podSecurity\":{\"level\":\"baseline\",\"version\":"
    "\"latest\"}}}]}}";

/* A policy read for a Kyverno release (NULL: the newest). */
static pss_kyverno_policy *parse_policy_for(const char *json, size_t len, const char *release) {
  pss_kyverno_policy *policy = NULL;
  pss_error *err = NULL;
  CHECK_RC(pss_kyverno_policy_parse_for((const uint8_t *)json, len, (const uint8_t *)release,
                                        release ? strlen(release) : 0, &policy, &err),
           PSS_RESULT_OK);
  CHECK(err == NULL && policy != NULL);
  return policy;
}

static pss_kyverno_policy *parse_policy(const char *json, size_t len) {
  pss_kyverno_policy *policy = NULL;
  pss_error *err = NULL;
  CHECK_RC(pss_kyverno_policy_parse((const uint8_t *)json, len, &policy, &err), PSS_RESULT_OK);
  CHECK(err == NULL && policy != NULL);
  return policy;
}

static void policy_fails(const char *json, pss_result code, const char *message, const char *path) {
  pss_kyverno_policy *policy = (pss_kyverno_policy *)&code;
  pss_error *err = NULL;
  CHECK_RC(pss_kyverno_policy_parse((const uint8_t *)json, strlen(json), &policy, &err), code);
  CHECK(policy == (pss_kyverno_policy *)&code);
  check_error(err, code, message, path, "");
}

static pss_kyverno_result *apply(const pss_kyverno_policy *policy, const char *resource, size_t len, const char *ns,
                                 const pss_labels *labels) {
  pss_kyverno_result *result = NULL;
  pss_error *err = NULL;
  CHECK_RC(pss_kyverno_policy_apply(policy, (const uint8_t *)resource, len, (const uint8_t *)ns, strlen(ns), labels,
                                    &result, &err),
           PSS_RESULT_OK);
  CHECK(err == NULL && result != NULL);
  return result;
}

/* Kyverno 1.11's messages (the seed's). */
static void test_kyverno(void) {
  pss_kyverno_policy *policy = parse_policy_for(KYVERNO_POLICY, sizeof KYVERNO_POLICY - 1, "1.11");
  pss_kyverno_result *result = NULL;
  const pss_kyverno_rule *rule = NULL;
  const pss_kyverno_result_view *view = NULL;
  pss_kyverno_status status = PSS_KYVERNO_STATUS_PASS;
  pss_kyverno_action action = PSS_KYVERNO_ACTION_AUDIT;
  const uint8_t *p = NULL;
  size_t n = 0, count = 0;
  bool blocked = false;

  CHECK_TEXT(pss_kyverno_policy_name, policy, "baseline-policy");
  CHECK_TEXT(pss_kyverno_policy_kind, policy, "ClusterPolicy");
  CHECK_TEXT(pss_kyverno_policy_kyverno_version, policy, "1.11");
  CHECK_RC(pss_kyverno_policy_kyverno_version(NULL, &p, &n), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_kyverno_policy_rule_count(policy, &count), PSS_RESULT_OK);
  CHECK(count == 3);
  CHECK_RC(pss_kyverno_policy_rule_name(policy, 0, &p, &n), PSS_RESULT_OK);
  CHECK_VIEW(p, n, "baseline");
  CHECK_RC(pss_kyverno_policy_rule_name(policy, 1, &p, &n), PSS_RESULT_OK);
  CHECK_VIEW(p, n, "autogen-baseline");
  CHECK_RC(pss_kyverno_policy_rule_name(policy, 2, &p, &n), PSS_RESULT_OK);
  CHECK_VIEW(p, n, "autogen-cronjob-baseline");
  CHECK_RC(pss_kyverno_policy_rule_name(policy, 3, &p, &n), PSS_RESULT_INDEX_OUT_OF_RANGE);
  CHECK_RC(pss_kyverno_policy_name(NULL, &p, &n), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_kyverno_policy_kind(policy, NULL, &n), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_kyverno_policy_rule_count(policy, NULL), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_kyverno_policy_rule_name(NULL, 0, &p, &n), PSS_RESULT_NULL_PARAMETER);

  /* The privileged pod: blocked, with Kyverno's words. */
  result = apply(policy, PRIVILEGED_POD, sizeof PRIVILEGED_POD - 1, "default", NULL);
  CHECK_RC(pss_kyverno_result_blocked(result, &blocked), PSS_RESULT_OK);
  CHECK(blocked);
  CHECK_TEXT(pss_kyverno_result_blocked_message, result,
             "resource Pod/default/p was blocked due to the following policies\n"
             "baseline-policy:\n"
             "  baseline: Validation rule 'baseline' failed. It violates PodSecurity \"baseline:latest\": "
             "({Allowed:false ForbiddenReason:privileged ForbiddenDetail:container \"c\" must not set "
             "securityContext.privileged=true})");
  CHECK_RC(pss_kyverno_result_rule_count(result, &count), PSS_RESULT_OK);
  CHECK(count == 1);
  CHECK_RC(pss_kyverno_result_rule(result, 0, &rule), PSS_RESULT_OK);
  CHECK_RC(pss_kyverno_result_rule(result, 1, &rule), PSS_RESULT_INDEX_OUT_OF_RANGE);
  CHECK_TEXT(pss_kyverno_rule_name, rule, "baseline");
  /* Kyverno 1.11 ends each failed check with a newline (FormatChecksPrint); the blocked text trims it. */
  CHECK_TEXT(pss_kyverno_rule_message, rule,
             "Validation rule 'baseline' failed. It violates PodSecurity \"baseline:latest\": ({Allowed:false "
             "ForbiddenReason:privileged ForbiddenDetail:container \"c\" must not set securityContext.privileged=true})\n");
  CHECK_RC(pss_kyverno_rule_status(rule, &status), PSS_RESULT_OK);
  CHECK(status == PSS_KYVERNO_STATUS_FAIL);
  CHECK_RC(pss_kyverno_rule_action(rule, &action), PSS_RESULT_OK);
  CHECK(action == PSS_KYVERNO_ACTION_ENFORCE);
  CHECK_RC(pss_kyverno_rule_violation_count(rule, &count), PSS_RESULT_OK);
  CHECK(count == 1);
  {
    const pss_violation *v = NULL;
    const pss_field *f = NULL;
    CHECK_RC(pss_kyverno_rule_violation(rule, 0, &v), PSS_RESULT_OK);
    CHECK_TEXT(pss_violation_check_id, v, "privileged");
    CHECK_TEXT(pss_violation_detail, v, "container \"c\" must not set securityContext.privileged=true");
    CHECK_RC(pss_violation_field(v, 0, &f), PSS_RESULT_OK);
    CHECK_TEXT(pss_field_path, f, "spec.containers[0].securityContext.privileged");
    CHECK_TEXT(pss_field_value_json, f, "true");
    CHECK_RC(pss_kyverno_rule_violation(rule, 1, &v), PSS_RESULT_INDEX_OUT_OF_RANGE);
  }
  CHECK_RC(pss_kyverno_result_get_view(result, &view), PSS_RESULT_OK);
  CHECK(view->blocked && view->rule_count == 1);
  CHECK_VIEW(view->policy.ptr, view->policy.len, "baseline-policy");
  CHECK_VIEW(view->kyverno_version.ptr, view->kyverno_version.len, "1.11");
  CHECK(view->rules[0].warning.ptr == NULL && view->rules[0].warning_count == 0 && view->rules[0].warnings != NULL);
  CHECK(!view->rules[0].unevaluated_enforce);
  CHECK((const void *)view->rules == (const void *)rule); /* a rule is the address of its view */
  CHECK(view->rules[0].status == PSS_KYVERNO_STATUS_FAIL && view->rules[0].blocks);
  CHECK(view->rules[0].violation_count == 1 && view->rules[0].field_count == 1);
  CHECK(view->rules[0].fields[0].value_json.ptr >= view->rules[0].values.ptr);
  /* NULL parameters. */
  CHECK_RC(pss_kyverno_result_blocked(NULL, &blocked), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_kyverno_result_blocked(result, NULL), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_kyverno_result_blocked_message(NULL, &p, &n), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_kyverno_result_rule_count(NULL, &count), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_kyverno_result_rule(result, 0, NULL), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_kyverno_result_get_view(result, NULL), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_kyverno_rule_name(NULL, &p, &n), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_kyverno_rule_message(rule, &p, NULL), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_kyverno_rule_status(NULL, &status), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_kyverno_rule_action(rule, NULL), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_kyverno_rule_violation_count(NULL, &count), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_kyverno_rule_violation(rule, 0, NULL), PSS_RESULT_NULL_PARAMETER);
  pss_kyverno_result_free(result);
  pss_kyverno_result_free(NULL);

  /* A compliant pod passes; a Deployment matches the autogen rule; a Service matches nothing. */
  result = apply(policy, BASELINE_POD, sizeof BASELINE_POD - 1, "default", NULL);
  CHECK_RC(pss_kyverno_result_blocked(result, &blocked), PSS_RESULT_OK);
  CHECK(!blocked);
  CHECK_RC(pss_kyverno_result_blocked_message(result, &p, &n), PSS_RESULT_OK);
  CHECK(p == NULL && n == 0);
  CHECK_RC(pss_kyverno_result_rule(result, 0, &rule), PSS_RESULT_OK);
  CHECK_RC(pss_kyverno_rule_status(rule, &status), PSS_RESULT_OK);
  CHECK(status == PSS_KYVERNO_STATUS_PASS);
  CHECK_TEXT(pss_kyverno_rule_message, rule, "Validation rule 'baseline' passed.");
  pss_kyverno_result_free(result);
  result = apply(policy, DEPLOYMENT, sizeof DEPLOYMENT - 1, "prod", NULL);
  CHECK_RC(pss_kyverno_result_rule(result, 0, &rule), PSS_RESULT_OK);
  CHECK_TEXT(pss_kyverno_rule_name, rule, "autogen-baseline");
  {
    const pss_violation *v = NULL;
    const pss_field *f = NULL;
    CHECK_RC(pss_kyverno_rule_violation(rule, 0, &v), PSS_RESULT_OK);
    CHECK_RC(pss_violation_field(v, 0, &f), PSS_RESULT_OK);
    CHECK_TEXT(pss_field_path, f, "spec.template.spec.hostNetwork");
  }
  pss_kyverno_result_free(result);
  result = apply(policy, SERVICE, sizeof SERVICE - 1, "default", NULL);
  CHECK_RC(pss_kyverno_result_rule_count(result, &count), PSS_RESULT_OK);
  CHECK(count == 0);
  pss_kyverno_result_free(result);

  /* Apply errors. */
  {
    pss_kyverno_result *untouched = (pss_kyverno_result *)&count;
    pss_error *err = NULL;
    result = untouched;
    CHECK_RC(pss_kyverno_policy_apply(policy, S("{\"kind\":\"Pod\""), S("default"), NULL, &result, &err),
             PSS_RESULT_INVALID_JSON);
    check_error(err, PSS_RESULT_INVALID_JSON, NULL, NULL, "");
    err = NULL;
    CHECK_RC(pss_kyverno_policy_apply(policy, S(PRIVILEGED_POD), S("de\xff"), NULL, &result, &err),
             PSS_RESULT_INVALID_UTF8);
    check_error(err, PSS_RESULT_INVALID_UTF8, NULL, NULL, "parameter namespace");
    err = NULL;
    CHECK_RC(pss_kyverno_policy_apply(policy, S("{\"kind\":\"P\xffod\"}"), S("default"), NULL, &result, &err),
             PSS_RESULT_INVALID_UTF8);
    check_error(err, PSS_RESULT_INVALID_UTF8, NULL, NULL, "invalid UTF-8 at line 1 column 11");
    err = NULL;
    CHECK_RC(pss_kyverno_policy_apply(NULL, S(PRIVILEGED_POD), S("default"), NULL, &result, &err),
             PSS_RESULT_NULL_PARAMETER);
    check_error(err, PSS_RESULT_NULL_PARAMETER, "parameter policy is NULL", NULL, "");
    CHECK_RC(pss_kyverno_policy_apply(policy, NULL, 0, S("default"), NULL, &result, NULL), PSS_RESULT_NULL_PARAMETER);
    CHECK_RC(pss_kyverno_policy_apply(policy, S(PRIVILEGED_POD), NULL, 0, NULL, &result, NULL),
             PSS_RESULT_NULL_PARAMETER);
    CHECK_RC(pss_kyverno_policy_apply(policy, S(PRIVILEGED_POD), S("default"), NULL, NULL, NULL),
             PSS_RESULT_NULL_PARAMETER);
    CHECK(result == untouched);
  }
  pss_kyverno_policy_free(policy);
  pss_kyverno_policy_free(NULL);
}

static void test_kyverno_policies(void) {
  /* A namespaced Policy applies in its own namespace only; namespaceSelector reads the labels given. */
  static const char NAMESPACED[] =
      "{\"apiVersion\":\"kyverno.io/v1\",\"kind\":\"Policy\",\"metadata\":{\"name\":\"p\",\"namespace\":\"prod\"},"
      "\"spec\":{\"validationFailureAction\":\"Audit\",\"rules\":[{\"name\":\"r\",\"match\":{\"any\":[{\"resources\":"
      "{\"kinds\":[\"Pod\"],\"namespaceSelector\":{\"matchLabels\":{\"tier\":\"web\"}}}}]},\"validate\":"
      "{\"podSecurity\":{\"level\":\"baseline\"}}}]}}";
  static const char *const TIER[] = {"tier", "web"};
  pss_kyverno_policy *policy = parse_policy(NAMESPACED, sizeof NAMESPACED - 1);
  pss_labels *labels = labels_of(TIER, 1);
  pss_kyverno_result *result = NULL;
  const pss_kyverno_rule *rule = NULL;
  pss_kyverno_action action = PSS_KYVERNO_ACTION_ENFORCE;
  size_t count = 99;
  bool blocked = true;
  CHECK_TEXT(pss_kyverno_policy_kind, policy, "Policy");
  result = apply(policy, PRIVILEGED_POD, sizeof PRIVILEGED_POD - 1, "default", labels);
  CHECK_RC(pss_kyverno_result_rule_count(result, &count), PSS_RESULT_OK);
  CHECK(count == 0);
  pss_kyverno_result_free(result);
  result = apply(policy, PRIVILEGED_POD, sizeof PRIVILEGED_POD - 1, "prod", NULL); /* labels unknown */
  CHECK_RC(pss_kyverno_result_rule_count(result, &count), PSS_RESULT_OK);
  CHECK(count == 0);
  pss_kyverno_result_free(result);
  result = apply(policy, PRIVILEGED_POD, sizeof PRIVILEGED_POD - 1, "prod", labels);
  CHECK_RC(pss_kyverno_result_rule_count(result, &count), PSS_RESULT_OK);
  CHECK(count == 1);
  CHECK_RC(pss_kyverno_result_blocked(result, &blocked), PSS_RESULT_OK);
  CHECK(!blocked); /* an audit failure does not block */
  CHECK_RC(pss_kyverno_result_rule(result, 0, &rule), PSS_RESULT_OK);
  CHECK_RC(pss_kyverno_rule_action(rule, &action), PSS_RESULT_OK);
  CHECK(action == PSS_KYVERNO_ACTION_AUDIT);
  pss_kyverno_result_free(result);
  pss_labels_free(labels);
  pss_kyverno_policy_free(policy);

  /* Rules pss does not run are reported as unsupported. */
  {
    static const char MUTATE[] =
        "{\"apiVersion\":\"kyverno.io/v1\",\"kind\":\"ClusterPolicy\",\"metadata\":{\"name\":\"m\"},\"spec\":{"
        "\"rules\":[{\"name\":\"add-label\",\"match\":{\"any\":[{\"resources\":{\"kinds\":[\"Pod\"]}}]},\"mutate\":"
        "{\"patchStrategicMerge\":{\"metadata\":{\"labels\":{\"x\":\"y\"}}}}}]}}";
    pss_kyverno_status status = PSS_KYVERNO_STATUS_PASS;
    policy = parse_policy(MUTATE, sizeof MUTATE - 1);
    result = apply(policy, PRIVILEGED_POD, sizeof PRIVILEGED_POD - 1, "default", NULL);
    CHECK_RC(pss_kyverno_result_rule(result, 0, &rule), PSS_RESULT_OK);
    CHECK_RC(pss_kyverno_rule_status(rule, &status), PSS_RESULT_OK);
    CHECK(status == PSS_KYVERNO_STATUS_UNSUPPORTED);
    pss_kyverno_result_free(result);
    pss_kyverno_policy_free(policy);
  }

  policy_fails("{\"apiVersion\":\"kyverno.io/v1\",\"kind\":\"ClusterPolicy\",\"metadata\":{\"name\":\"x\"},\"spec\":"
               "{\"rules\":[{\"name\":\"r\",\"match\":{\"any\":[{\"resources\":{\"kinds\":[\"Pod\"]}}]},\"validate\":"
               "{\"podSecurity\":{\"level\":\"baseline\",\"exclude\":[{\"controlName\":\"Privileged Containers\"}]}}}]}}",
               PSS_RESULT_INVALID_POLICY,
               "spec.rules[0].podSecurity.exclude[0].controlName: Invalid value: \"Privileged Containers\": "
               "exclude.images must be specified for the container level control",
               "spec.rules[0].podSecurity.exclude[0].controlName");
  policy_fails("{\"apiVersion\":\"v1\",\"kind\":\"Pod\"}", PSS_RESULT_UNEXPECTED_KIND,
               "unsupported policy kind v1/Pod: pss runs kyverno.io ClusterPolicy and Policy documents", NULL);
  policy_fails("{\"apiVersion\":\"kyverno.io/v1\",\"kind\":\"ClusterPolicy\",\"spec\":{\"rules\":[",
               PSS_RESULT_INVALID_JSON, NULL, "spec");
  policy_fails("{\"apiVersion\":\"kyverno.io/v1\",\"kind\":\"Cluster\xffPolicy\"}", PSS_RESULT_INVALID_UTF8, NULL,
               NULL);
  policy_fails("", PSS_RESULT_INVALID_JSON, NULL, NULL);
  {
    pss_error *err = NULL;
    CHECK_RC(pss_kyverno_policy_parse(NULL, 0, &policy, &err), PSS_RESULT_NULL_PARAMETER);
    check_error(err, PSS_RESULT_NULL_PARAMETER, "parameter json is NULL", NULL, "");
    CHECK_RC(pss_kyverno_policy_parse(S(KYVERNO_POLICY), NULL, NULL), PSS_RESULT_NULL_PARAMETER);
  }
}

/* kyverno/kyverno test/cli/test-exceptions/exceptions-3 (v1.19.0): a PolicyException allowing the hostPath /var/lib1
   in staging-ns; Kyverno skips the rule there ("rule is skipped due to policy exceptions KEYS", validate_pss.go). */
static const char PSA_POLICY[] =
    "{\"apiVersion\":\"kyverno.io/v1\",\"kind\":\"ClusterPolicy\",\"metadata\":{\"name\":\"psa\"},\"spec\":{\"rules\":"
    "[{\"name\":\"baseline\",\"match\":{\"any\":[{\"resources\":{\"kinds\":[\"Pod\"]}}]},\"validate\":{\"failureAction\":"
    "\"Enforce\",\"podSecurity\":{\"level\":\"baseline\",\"version\":\"latest\"}}}]}}";
static const char PSA_EXCEPTION[] =
    "{\"apiVersion\":\"kyverno.io/v2\",\"kind\":\"PolicyException\",\"metadata\":{\"name\":\"pod-security-exception\","
    "\"namespace\":\"policy-exception-ns\"},\"spec\":{\"exceptions\":[{\"policyName\":\"psa\",\"ruleNames\":"
    "[\"baseline\"]}],\"match\":{\"any\":[{\"resources\":{\"namespaces\":[\"staging-ns\"]}}]},\"podSecurity\":"
    "[{\"controlName\":\"HostPath Volumes\",\"restrictedField\":\"spec.volumes[*].hostPath\",\"values\":"
    "[\"/var/lib1\"]}]}}";
static const char HOST_PATH_POD[] =
    "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"excluded-pod\"},\"spec\":{\"volumes\":[{\"name\":"
    "\"host\",\"hostPath\":{\"path\":\"/var/lib1\"}}],\"containers\":[{\"name\":\"nginx\",\"image\":\"nginx\"}]}}";

static pss_kyverno_exceptions *parse_exceptions(const char *json, const char *release, pss_result code,
                                                const char *message) {
  pss_kyverno_exceptions *exceptions = NULL;
  pss_error *err = NULL;
  const uint8_t *jsons[] = {(const uint8_t *)json};
  size_t lens[] = {strlen(json)};
  CHECK_RC(pss_kyverno_exceptions_parse(jsons, lens, 1, (const uint8_t *)release, release ? strlen(release) : 0,
                                        &exceptions, &err),
           code);
  if (code != PSS_RESULT_OK) {
    check_error(err, code, message, NULL, "jsons[0]: ");
    CHECK(exceptions == NULL);
  }
  return exceptions;
}

static void check_rule(const pss_kyverno_result *result, pss_kyverno_status want, const char *message) {
  const pss_kyverno_rule *rule = NULL;
  pss_kyverno_status status = PSS_KYVERNO_STATUS_PASS;
  CHECK_RC(pss_kyverno_result_rule(result, 0, &rule), PSS_RESULT_OK);
  CHECK_RC(pss_kyverno_rule_status(rule, &status), PSS_RESULT_OK);
  CHECK(status == want);
  if (message != NULL) CHECK_TEXT(pss_kyverno_rule_message, rule, message);
}

static pss_kyverno_result *apply_with(const pss_kyverno_policy *policy, const char *resource, const char *ns,
                                      const pss_kyverno_exceptions *exceptions) {
  pss_kyverno_result *result = NULL;
  pss_error *err = NULL;
  CHECK_RC(pss_kyverno_policy_apply_with(policy, (const uint8_t *)resource, strlen(resource), (const uint8_t *)ns,
                                         strlen(ns), NULL, exceptions, &result, &err),
           PSS_RESULT_OK);
  CHECK(err == NULL && result != NULL);
  return result;
}

static void test_kyverno_releases_and_exceptions(void) {
  pss_kyverno_policy *newest = parse_policy(KYVERNO_POLICY, sizeof KYVERNO_POLICY - 1);
  pss_kyverno_policy *psa = parse_policy_for(PSA_POLICY, sizeof PSA_POLICY - 1, "v1.19.0");
  pss_kyverno_policy *psa_1_11 = parse_policy_for(PSA_POLICY, sizeof PSA_POLICY - 1, "1.11");
  pss_kyverno_exceptions *exceptions = parse_exceptions(PSA_EXCEPTION, NULL, PSS_RESULT_OK, NULL);
  pss_kyverno_result *result = NULL;
  const uint8_t *p = NULL;
  size_t n = 0, count = 0;
  pss_error *err = NULL;

  /* The newest release (1.19) by default: the check library's field errors. */
  CHECK_TEXT(pss_kyverno_policy_kyverno_version, newest, "1.19");
  result = apply(newest, PRIVILEGED_POD, sizeof PRIVILEGED_POD - 1, "default", NULL);
  check_rule(result, PSS_KYVERNO_STATUS_FAIL,
             "Validation rule 'baseline' failed. It violates PodSecurity \"baseline:latest\": (Forbidden reason: "
             "privileged, field error list: [spec.containers[0].securityContext.privileged is forbidden, forbidden "
             "values found: true])");
  pss_kyverno_result_free(result);

  /* Releases pss does not model. */
  {
    pss_kyverno_policy *untouched = (pss_kyverno_policy *)&count, *out = untouched;
    CHECK_RC(pss_kyverno_policy_parse_for(S(KYVERNO_POLICY), S("1.10"), &out, &err), PSS_RESULT_INVALID_VERSION);
    check_error(err, PSS_RESULT_INVALID_VERSION,
                "unsupported Kyverno version \"1.10\": pss reproduces Kyverno 1.11 to 1.19 (MAJOR.MINOR or "
                "MAJOR.MINOR.PATCH)",
                NULL, "");
    err = NULL;
    CHECK_RC(pss_kyverno_policy_parse_for(S(KYVERNO_POLICY), S("1.\xff"), &out, &err), PSS_RESULT_INVALID_UTF8);
    check_error(err, PSS_RESULT_INVALID_UTF8, NULL, NULL, "");
    err = NULL;
    CHECK(out == untouched);
  }

  /* Exceptions: read, keyed, applied where their match holds. */
  CHECK_RC(pss_kyverno_exceptions_count(exceptions, &count), PSS_RESULT_OK);
  CHECK(count == 1);
  CHECK_RC(pss_kyverno_exceptions_key(exceptions, 0, &p, &n), PSS_RESULT_OK);
  CHECK_VIEW(p, n, "policy-exception-ns/pod-security-exception");
  CHECK_RC(pss_kyverno_exceptions_key(exceptions, 1, &p, &n), PSS_RESULT_INDEX_OUT_OF_RANGE);
  CHECK_RC(pss_kyverno_exceptions_count(NULL, &count), PSS_RESULT_NULL_PARAMETER);
  result = apply_with(psa, HOST_PATH_POD, "staging-ns", exceptions);
  check_rule(result, PSS_KYVERNO_STATUS_SKIP,
             "rule is skipped due to policy exceptions policy-exception-ns/pod-security-exception");
  pss_kyverno_result_free(result);
  result = apply_with(psa, HOST_PATH_POD, "default", exceptions);
  check_rule(result, PSS_KYVERNO_STATUS_FAIL,
             "Validation rule 'baseline' failed. It violates PodSecurity \"baseline:latest\": (Forbidden reason: "
             "hostPath volumes, field error list: [spec.volumes[0].hostPath is forbidden, forbidden values found: "
             "/var/lib1])");
  pss_kyverno_result_free(result);
  result = apply_with(psa, HOST_PATH_POD, "staging-ns", NULL);
  check_rule(result, PSS_KYVERNO_STATUS_FAIL, NULL);
  pss_kyverno_result_free(result);

  /* Kyverno 1.11 reads no kyverno.io/v2 exception; exceptions read for another release are refused. */
  parse_exceptions(PSA_EXCEPTION, "1.11", PSS_RESULT_UNEXPECTED_KIND,
                   "policy exception type not supported kyverno.io/v2, Kind=PolicyException: Kyverno 1.11 reads "
                   "kyverno.io/v2alpha1, kyverno.io/v2beta1");
  parse_exceptions(KYVERNO_POLICY, NULL, PSS_RESULT_UNEXPECTED_KIND,
                   "unsupported exception kind kyverno.io/v1/ClusterPolicy: pss reads kyverno.io PolicyException "
                   "documents");
  {
    pss_kyverno_result *untouched = (pss_kyverno_result *)&count;
    result = untouched;
    CHECK_RC(pss_kyverno_policy_apply_with(psa_1_11, S(HOST_PATH_POD), S("staging-ns"), NULL, exceptions, &result,
                                           &err),
             PSS_RESULT_INVALID_INPUT);
    check_error(err, PSS_RESULT_INVALID_INPUT,
                "PolicyException policy-exception-ns/pod-security-exception was read for Kyverno 1.19, the policy psa "
                "for Kyverno 1.11: read both for one release",
                NULL, "");
    err = NULL;
    CHECK(result == untouched);
    CHECK_RC(pss_kyverno_exceptions_parse(NULL, NULL, 1, NULL, 0, &exceptions, NULL), PSS_RESULT_NULL_PARAMETER);
  }
  {
    pss_kyverno_exceptions *none = NULL;
    CHECK_RC(pss_kyverno_exceptions_parse(NULL, NULL, 0, NULL, 0, &none, NULL), PSS_RESULT_OK);
    CHECK_RC(pss_kyverno_exceptions_count(none, &count), PSS_RESULT_OK);
    CHECK(count == 0);
    pss_kyverno_exceptions_free(none);
  }
  pss_kyverno_exceptions_free(exceptions);
  pss_kyverno_exceptions_free(NULL);

  /* Kyverno 1.11 drops a check whole once an image exclusion covers a container: admitted, with a warning naming the
     field the standard still forbids. */
  {
    static const char EXCLUDING[] =
        "{\"apiVersion\":\"kyverno.io/v1\",\"kind\":\"ClusterPolicy\",\"metadata\":{\"name\":\"psa\"},\"spec\":{"
        "\"validationFailureAction\":\"Enforce\",\"rules\":[{\"name\":\"baseline\",\"match\":{\"any\":[{\"resources\":"
        "{\"kinds\":[\"Pod\"]}}]},\"validate\":{\"podSecurity\":{\"level\":\"baseline\",\"version\":\"latest\","
        "\"exclude\":[{\"controlName\":\"Capabilities\",\"images\":[\"nginx\"]}]}}}]}}";
    static const char TWO[] =
        "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"two\"},\"spec\":{\"containers\":[{\"name\":"
        "\"web\",\"image\":\"nginx\",\"securityContext\":{\"capabilities\":{\"add\":[\"SYS_ADMIN\"]}}},{\"name\":"
        "\"side\",\"image\":\"busybox\",\"securityContext\":{\"capabilities\":{\"add\":[\"SYS_ADMIN\"]}}}]}}";
    pss_kyverno_policy *old = parse_policy_for(EXCLUDING, sizeof EXCLUDING - 1, "1.11");
    const pss_kyverno_result_view *view = NULL;
    const pss_kyverno_rule *rule = NULL;
    result = apply(old, TWO, sizeof TWO - 1, "default", NULL);
    check_rule(result, PSS_KYVERNO_STATUS_PASS, "Validation rule 'baseline' passed.");
    CHECK_RC(pss_kyverno_result_rule(result, 0, &rule), PSS_RESULT_OK);
    CHECK_TEXT(pss_kyverno_rule_warning, rule,
               "Kyverno 1.11 admits it, but it violates PodSecurity \"baseline:latest\": non-default capabilities "
               "(spec.containers[1].securityContext.capabilities.add[0])");
    CHECK_RC(pss_kyverno_rule_warning(NULL, &p, &n), PSS_RESULT_NULL_PARAMETER);
    CHECK_RC(pss_kyverno_result_get_view(result, &view), PSS_RESULT_OK);
    CHECK(view->rules[0].warning_count == 1 && view->rules[0].warning_field_count == 1);
    CHECK_VIEW(view->rules[0].warnings[0].check_id.ptr, view->rules[0].warnings[0].check_id.len,
               "capabilities_baseline");
    CHECK_VIEW(view->rules[0].warning_fields[0].path.ptr, view->rules[0].warning_fields[0].path.len,
               "spec.containers[1].securityContext.capabilities.add[0]");
    CHECK_VIEW(view->rules[0].warning_fields[0].value_json.ptr, view->rules[0].warning_fields[0].value_json.len,
               "\"SYS_ADMIN\"");
    pss_kyverno_result_free(result);
    pss_kyverno_policy_free(old);
  }

  /* A validate rule pss cannot evaluate, with action Enforce, may block: a gate must not pass it. */
  {
    static const char PATTERN[] =
        "{\"apiVersion\":\"kyverno.io/v1\",\"kind\":\"ClusterPolicy\",\"metadata\":{\"name\":\"labels\"},\"spec\":{"
        "\"validationFailureAction\":\"Enforce\",\"rules\":[{\"name\":\"app\",\"match\":{\"any\":[{\"resources\":"
        "{\"kinds\":[\"Pod\"]}}]},\"validate\":{\"pattern\":{\"metadata\":{\"labels\":{\"app\":\"?*\"}}}}},{\"name\":"
        "\"add\",\"match\":{\"any\":[{\"resources\":{\"kinds\":[\"Pod\"]}}]},\"mutate\":{\"patchStrategicMerge\":"
        "{\"metadata\":{\"labels\":{\"x\":\"y\"}}}}}]}}";
    pss_kyverno_policy *pattern = parse_policy(PATTERN, sizeof PATTERN - 1);
    const pss_kyverno_rule *rule = NULL;
    bool flag = false;
    result = apply(pattern, PRIVILEGED_POD, sizeof PRIVILEGED_POD - 1, "default", NULL);
    CHECK_RC(pss_kyverno_result_rule(result, 0, &rule), PSS_RESULT_OK);
    CHECK_RC(pss_kyverno_rule_unevaluated_enforce(rule, &flag), PSS_RESULT_OK);
    CHECK(flag);
    CHECK_RC(pss_kyverno_result_rule(result, 1, &rule), PSS_RESULT_OK);
    CHECK_RC(pss_kyverno_rule_unevaluated_enforce(rule, &flag), PSS_RESULT_OK);
    CHECK(!flag); /* a mutate rule never denies */
    CHECK_RC(pss_kyverno_rule_unevaluated_enforce(rule, NULL), PSS_RESULT_NULL_PARAMETER);
    pss_kyverno_result_free(result);
    pss_kyverno_policy_free(pattern);
  }
  pss_kyverno_policy_free(newest);
  pss_kyverno_policy_free(psa);
  pss_kyverno_policy_free(psa_1_11);
}

static void test_result_texts(void) {
  static const pss_result codes[] = {PSS_RESULT_UNKNOWN_FIELD, PSS_RESULT_DUPLICATE_FIELD, PSS_RESULT_UNEXPECTED_KIND,
                                     PSS_RESULT_INVALID_CONFIG, PSS_RESULT_INVALID_POLICY};
  static const char *const texts[] = {"unknown field", "duplicate field", "unexpected kind of document",
                                      "invalid admission configuration", "invalid Kyverno policy"};
  uint8_t buf[PSS_RESULT_TEXT_MAX_LEN];
  size_t i, n = 0;
  CHECK(PSS_RESULT_UNKNOWN_FIELD == 18 && PSS_RESULT_INVALID_POLICY == 22);
  for (i = 0; i < sizeof codes / sizeof codes[0]; i++) {
    CHECK_RC(pss_result_text(codes[i], buf, sizeof buf, &n), PSS_RESULT_OK);
    CHECK_VIEW(buf, n, texts[i]);
  }
  CHECK(PSS_MAX_PODS_TO_CHECK == 3000);
}

int main(void) {
  test_labels();
  test_config();
  test_review();
  test_review_with_config();
  test_review_namespace();
  test_kyverno();
  test_kyverno_policies();
  test_kyverno_releases_and_exceptions();
  test_result_texts();
  return check_summary("test_admission");
}
