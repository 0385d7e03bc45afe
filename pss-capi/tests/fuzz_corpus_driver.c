/*
 * Feeds every file named on the command line to the C ABI, as a C caller would, reading every result
 * and freeing every handle. Each file's bytes go in as a pod, as a pod spec and as any object at several
 * levels and versions (with a size limit, with Kyverno exclusions), as an admission request in a labelled namespace, as a
 * resource for a Kyverno policy, and as a Kyverno policy applied to a pod and a Deployment. Run under AddressSanitizer/UBSan and valgrind over the fuzz corpora by scripts/test-fuzz.sh.
 * Exits 1 when a call breaks the ABI's contract (a success without its result, a failure without its
 * error), 2 when a file cannot be read.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pss.h"

static int failures = 0;

#define EXPECT(cond)                                                            \
  do {                                                                          \
    if (!(cond)) {                                                              \
      fprintf(stderr, "%s:%d: %s failed (%s)\n", __FILE__, __LINE__, #cond, path); \
      failures++;                                                               \
    }                                                                           \
  } while (0)

static size_t touch(const uint8_t *ptr, size_t len) {
  /* Reads every byte of a view so that the sanitizers see any overrun. */
  size_t sum = 0;
  for (size_t i = 0; i < len; i++) sum += ptr[i];
  return sum;
}

static void read_violation(const char *path, const pss_violation *v) {
  const uint8_t *p;
  size_t n, fields = 0;
  EXPECT(pss_violation_check_id(v, &p, &n) == PSS_RESULT_OK && n > 0 && touch(p, n) > 0);
  EXPECT(pss_violation_reason(v, &p, &n) == PSS_RESULT_OK && touch(p, n) + 1 > 0);
  EXPECT(pss_violation_detail(v, &p, &n) == PSS_RESULT_OK && touch(p, n) + 1 > 0);
  EXPECT(pss_violation_field_count(v, &fields) == PSS_RESULT_OK);
  for (size_t j = 0; j < fields; j++) {
    const pss_field *f = NULL;
    EXPECT(pss_violation_field(v, j, &f) == PSS_RESULT_OK && f != NULL);
    if (f == NULL) continue;
    EXPECT(pss_field_path(f, &p, &n) == PSS_RESULT_OK && n > 0 && touch(p, n) > 0);
    EXPECT(pss_field_value_json(f, &p, &n) == PSS_RESULT_OK && n > 0 && touch(p, n) > 0);
    EXPECT(pss_field_container(f, &p, &n) == PSS_RESULT_OK && (p != NULL || n == 0));
  }
}

static void read_evaluation(const char *path, const pss_evaluation *e) {
  const uint8_t *p;
  size_t n, count = 0;
  bool allowed, spec;
  EXPECT(pss_evaluation_allowed(e, &allowed) == PSS_RESULT_OK);
  EXPECT(pss_evaluation_reason(e, &p, &n) == PSS_RESULT_OK && touch(p, n) + 1 > 0);
  EXPECT(pss_evaluation_detail(e, &p, &n) == PSS_RESULT_OK && touch(p, n) + 1 > 0);
  EXPECT(pss_evaluation_denial_message(e, &p, &n) == PSS_RESULT_OK && touch(p, n) + 1 > 0);
  EXPECT(pss_evaluation_pod_name(e, &p, &n) == PSS_RESULT_OK && (p != NULL || n == 0));
  /* A bare pod spec has no kind and no template path; anything else has both. */
  EXPECT(pss_evaluation_kind(e, &p, &n) == PSS_RESULT_OK && (p == NULL ? n == 0 : n > 0 && touch(p, n) > 0));
  spec = p == NULL;
  EXPECT(pss_evaluation_template_path(e, &p, &n) == PSS_RESULT_OK && (p == NULL) == spec && touch(p, n) + 1 > 0);
  EXPECT(pss_evaluation_note(e, &p, &n) == PSS_RESULT_OK && touch(p, n) + 1 > 0);
  EXPECT(pss_evaluation_violation_count(e, &count) == PSS_RESULT_OK);
  EXPECT(allowed == (count == 0));
  for (size_t i = 0; i < count; i++) {
    const pss_violation *v = NULL;
    EXPECT(pss_evaluation_violation(e, i, &v) == PSS_RESULT_OK && v != NULL);
    if (v != NULL) read_violation(path, v);
  }
  const pss_violation *none = NULL;
  EXPECT(pss_evaluation_violation(e, count, &none) == PSS_RESULT_INDEX_OUT_OF_RANGE && none == NULL);
  const pss_evaluation_view *view = NULL;
  EXPECT(pss_evaluation_get_view(e, &view) == PSS_RESULT_OK && view != NULL && view->allowed == allowed &&
         view->violation_count == count);
}

static void read_error(const char *path, pss_result code, const pss_error *err) {
  const uint8_t *p;
  size_t n, line, column, offset;
  pss_result stored;
  EXPECT(err != NULL);
  if (err == NULL) return;
  EXPECT(pss_error_code(err, &stored) == PSS_RESULT_OK && stored == code);
  EXPECT(pss_error_message(err, &p, &n) == PSS_RESULT_OK && n > 0 && touch(p, n) > 0);
  EXPECT(pss_error_display(err, &p, &n) == PSS_RESULT_OK && n > 0 && touch(p, n) > 0);
  EXPECT(pss_error_path(err, &p, &n) == PSS_RESULT_OK && (p != NULL || n == 0));
  EXPECT(pss_error_position(err, &line, &column, &offset) == PSS_RESULT_OK);
}

/* A call's contract: on success its result and no error; on failure no result, never a panic, and an
 * error that reads. Returns whether there is a result to read. */
static bool succeeded(const char *path, pss_result code, const void *result, const pss_error *err) {
  if (code == PSS_RESULT_OK) {
    EXPECT(result != NULL && err == NULL);
    return result != NULL;
  }
  EXPECT(result == NULL);
  EXPECT(code != PSS_RESULT_PANIC);
  read_error(path, code, err);
  return false;
}

static void evaluate(const char *path, const char *level, const char *version, const pss_options *options,
                     const uint8_t *pod, size_t len) {
  pss_evaluation *e = NULL;
  pss_error *err = NULL;
  pss_result code = pss_evaluate((const uint8_t *)level, strlen(level), (const uint8_t *)version, strlen(version),
                                 options, pod, len, &e, &err);
  if (succeeded(path, code, e, err)) read_evaluation(path, e);
  pss_evaluation_free(e);
  pss_error_free(err);
}

static void evaluate_spec(const char *path, const char *level, const char *version, const pss_options *options,
                          const uint8_t *spec, size_t len) {
  pss_evaluation *e = NULL;
  pss_error *err = NULL;
  pss_result code = pss_evaluate_spec((const uint8_t *)level, strlen(level), (const uint8_t *)version,
                                      strlen(version), options, spec, len, &e, &err);
  if (succeeded(path, code, e, err)) read_evaluation(path, e);
  pss_evaluation_free(e);
  pss_error_free(err);
}

static void evaluate_object(const char *path, const char *level, const char *version, const pss_options *options,
                            const uint8_t *object, size_t len) {
  pss_evaluation *e = NULL;
  pss_error *err = NULL;
  pss_result code = pss_evaluate_object((const uint8_t *)level, strlen(level), (const uint8_t *)version,
                                        strlen(version), options, object, len, &e, &err);
  if (succeeded(path, code, e, err)) read_evaluation(path, e);
  pss_evaluation_free(e);
  pss_error_free(err);
}

static void read_decision(const char *path, const pss_decision *d) {
  const uint8_t *p, *vp;
  size_t n, vn, count = 0;
  bool allowed;
  EXPECT(pss_decision_allowed(d, &allowed) == PSS_RESULT_OK);
  EXPECT(pss_decision_denial(d, &p, &n) == PSS_RESULT_OK && (allowed ? p == NULL : n > 0 && touch(p, n) > 0));
  EXPECT(pss_decision_kind(d, &p, &n) == PSS_RESULT_OK && n > 0 && touch(p, n) > 0);
  EXPECT(pss_decision_exemption(d, &p, &n) == PSS_RESULT_OK && touch(p, n) + 1 > 0);
  EXPECT(pss_decision_warning_count(d, &count) == PSS_RESULT_OK);
  for (size_t i = 0; i < count; i++) {
    EXPECT(pss_decision_warning(d, i, &p, &n) == PSS_RESULT_OK && n > 0 && touch(p, n) > 0);
  }
  EXPECT(pss_decision_warning(d, count, &p, &n) == PSS_RESULT_INDEX_OUT_OF_RANGE);
  EXPECT(pss_decision_audit_annotation_count(d, &count) == PSS_RESULT_OK);
  for (size_t i = 0; i < count; i++) {
    EXPECT(pss_decision_audit_annotation(d, i, &p, &n, &vp, &vn) == PSS_RESULT_OK && n > 0 && touch(p, n) > 0 &&
           touch(vp, vn) + 1 > 0);
  }
  const pss_evaluation *enforce = NULL;
  EXPECT(pss_decision_enforce(d, &enforce) == PSS_RESULT_OK);
  if (enforce != NULL) read_evaluation(path, enforce);
  /* The pods verdict: a denied pod's is its denial; otherwise a controller's created pods decide. */
  bool pods_allowed;
  const pss_evaluation *pods = NULL;
  EXPECT(pss_decision_pods_allowed(d, &pods_allowed) == PSS_RESULT_OK && (allowed || !pods_allowed));
  EXPECT(pss_decision_pods_denial(d, &p, &n) == PSS_RESULT_OK &&
         (pods_allowed ? p == NULL : n > 0 && touch(p, n) > 0));
  EXPECT(pss_decision_created_pods(d, &pods) == PSS_RESULT_OK && (enforce == NULL || pods == NULL));
  if (pods != NULL) read_evaluation(path, pods);
  const pss_policy *policy = NULL;
  EXPECT(pss_decision_policy(d, &policy) == PSS_RESULT_OK && policy != NULL);
  if (policy != NULL) {
    EXPECT(pss_policy_display(policy, &p, &n) == PSS_RESULT_OK && n > 0 && touch(p, n) > 0);
  }
  const pss_decision_view *view = NULL;
  EXPECT(pss_decision_get_view(d, &view) == PSS_RESULT_OK && view != NULL && view->allowed == allowed &&
         view->annotation_count == count && view->pods_allowed == pods_allowed);
}

static void review(const char *path, const pss_admission *admission, const pss_labels *labels, const uint8_t *object,
                   size_t len) {
  pss_decision *d = NULL;
  pss_error *err = NULL;
  pss_result code = pss_admission_review(admission, (const uint8_t *)"fuzz-ns", 7, labels, (const uint8_t *)"fuzz-user",
                                         9, object, len, &d, &err);
  if (succeeded(path, code, d, err)) read_decision(path, d);
  pss_decision_free(d);
  pss_error_free(err);
}

static void read_kyverno_result(const char *path, const pss_kyverno_result *r) {
  const uint8_t *p;
  size_t n, count = 0;
  bool blocked;
  EXPECT(pss_kyverno_result_blocked(r, &blocked) == PSS_RESULT_OK);
  EXPECT(pss_kyverno_result_blocked_message(r, &p, &n) == PSS_RESULT_OK &&
         (blocked ? n > 0 && touch(p, n) > 0 : p == NULL));
  EXPECT(pss_kyverno_result_rule_count(r, &count) == PSS_RESULT_OK);
  for (size_t i = 0; i < count; i++) {
    const pss_kyverno_rule *rule = NULL;
    pss_kyverno_status status;
    pss_kyverno_action action;
    size_t violations = 0;
    EXPECT(pss_kyverno_result_rule(r, i, &rule) == PSS_RESULT_OK && rule != NULL);
    if (rule == NULL) continue;
    EXPECT(pss_kyverno_rule_name(rule, &p, &n) == PSS_RESULT_OK && n > 0 && touch(p, n) > 0);
    EXPECT(pss_kyverno_rule_message(rule, &p, &n) == PSS_RESULT_OK && touch(p, n) + 1 > 0);
    EXPECT(pss_kyverno_rule_status(rule, &status) == PSS_RESULT_OK && status <= PSS_KYVERNO_STATUS_UNSUPPORTED);
    EXPECT(pss_kyverno_rule_action(rule, &action) == PSS_RESULT_OK && action <= PSS_KYVERNO_ACTION_AUDIT);
    EXPECT(pss_kyverno_rule_violation_count(rule, &violations) == PSS_RESULT_OK);
    for (size_t j = 0; j < violations; j++) {
      const pss_violation *v = NULL;
      EXPECT(pss_kyverno_rule_violation(rule, j, &v) == PSS_RESULT_OK && v != NULL);
      if (v != NULL) read_violation(path, v);
    }
  }
  const pss_kyverno_result_view *view = NULL;
  EXPECT(pss_kyverno_result_get_view(r, &view) == PSS_RESULT_OK && view != NULL && view->blocked == blocked &&
         view->rule_count == count);
}

static void apply(const char *path, const pss_kyverno_policy *policy, const pss_labels *labels,
                  const uint8_t *resource, size_t len) {
  pss_kyverno_result *r = NULL;
  pss_error *err = NULL;
  pss_result code =
      pss_kyverno_policy_apply(policy, resource, len, (const uint8_t *)"fuzz-ns", 7, labels, &r, &err);
  if (succeeded(path, code, r, err)) read_kyverno_result(path, r);
  pss_kyverno_result_free(r);
  pss_error_free(err);
}

/* The file as a Kyverno policy: when it parses, applied to a privileged pod and a Deployment. */
static void as_policy(const char *path, const pss_labels *labels, const uint8_t *json, size_t len) {
  static const char pod[] = "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\",\"namespace\":"
                            "\"fuzz-ns\"},\"spec\":{\"hostPID\":true,\"containers\":[{\"name\":\"c\",\"image\":"
                            "\"nginx\",\"securityContext\":{\"privileged\":true}}]}}";
  static const char deployment[] = "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"d\"},"
                                   "\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":"
                                   "\"busybox\",\"securityContext\":{\"runAsUser\":0}}]}}}}";
  pss_kyverno_policy *policy = NULL;
  pss_error *err = NULL;
  pss_result code = pss_kyverno_policy_parse(json, len, &policy, &err);
  if (code != PSS_RESULT_OK) {
    EXPECT(policy == NULL);
    EXPECT(code != PSS_RESULT_PANIC);
    read_error(path, code, err);
    pss_error_free(err);
    return;
  }
  EXPECT(policy != NULL && err == NULL);
  const uint8_t *p;
  size_t n, rules = 0;
  EXPECT(pss_kyverno_policy_name(policy, &p, &n) == PSS_RESULT_OK && touch(p, n) + 1 > 0);
  EXPECT(pss_kyverno_policy_kind(policy, &p, &n) == PSS_RESULT_OK && n > 0 && touch(p, n) > 0);
  EXPECT(pss_kyverno_policy_rule_count(policy, &rules) == PSS_RESULT_OK);
  for (size_t i = 0; i < rules; i++) {
    EXPECT(pss_kyverno_policy_rule_name(policy, i, &p, &n) == PSS_RESULT_OK && touch(p, n) + 1 > 0);
  }
  apply(path, policy, labels, (const uint8_t *)pod, sizeof pod - 1);
  apply(path, policy, NULL, (const uint8_t *)deployment, sizeof deployment - 1);
  pss_kyverno_policy_free(policy);
}

/* Options with Kyverno exclusions: a pod-level control and a container-level one with a restricted field. */
static pss_options *exclusion_options(void) {
  static const uint8_t *const images[] = {(const uint8_t *)"*"};
  static const size_t image_lens[] = {1};
  static const char field[] = "spec.containers[*].securityContext.capabilities.add";
  static const uint8_t *const values[] = {(const uint8_t *)"NET_*", (const uint8_t *)"SYS_ADMIN"};
  static const size_t value_lens[] = {5, 9};
  pss_options *options = NULL;
  size_t count = 0;
  if (pss_options_new(&options) != PSS_RESULT_OK ||
      pss_options_add_exclusion(options, (const uint8_t *)"Host Namespaces", 15, NULL, NULL, 0, (const uint8_t *)"", 0, NULL, NULL, 0,
                                NULL) != PSS_RESULT_OK ||
      pss_options_add_exclusion(options, (const uint8_t *)"Capabilities", 12, images, image_lens, 1,
                                (const uint8_t *)field, sizeof field - 1, values, value_lens, 2,
                                NULL) != PSS_RESULT_OK ||
      pss_options_add_exclusion(options, (const uint8_t *)"Not A Control", 13, NULL, NULL, 0, (const uint8_t *)"", 0, NULL, NULL, 0,
                                NULL) != PSS_RESULT_INVALID_EXCLUSION ||
      pss_options_exclusion_count(options, &count) != PSS_RESULT_OK || count != 2) {
    pss_options_free(options);
    return NULL;
  }
  return options;
}

static pss_labels *namespace_labels(void) {
  static const char *const pairs[][2] = {
      {"pod-security.kubernetes.io/enforce", "restricted"},
      {"pod-security.kubernetes.io/enforce-version", "v1.25"},
      {"pod-security.kubernetes.io/warn", "baseline"},
      {"pod-security.kubernetes.io/audit", "restricted"},
  };
  pss_labels *labels = NULL;
  if (pss_labels_new(&labels) != PSS_RESULT_OK) return NULL;
  for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
    if (pss_labels_add(labels, (const uint8_t *)pairs[i][0], strlen(pairs[i][0]), (const uint8_t *)pairs[i][1],
                       strlen(pairs[i][1]), NULL) != PSS_RESULT_OK) {
      pss_labels_free(labels);
      return NULL;
    }
  }
  return labels;
}

static const char kyverno_policy[] =
    "{\"apiVersion\":\"kyverno.io/v1\",\"kind\":\"ClusterPolicy\",\"metadata\":{\"name\":\"fuzz\"},\"spec\":{"
    "\"validationFailureAction\":\"Enforce\",\"background\":false,\"rules\":[{\"name\":\"pss\",\"match\":{\"any\":[{"
    "\"resources\":{\"kinds\":[\"Pod\"]}}]},\"validate\":{\"podSecurity\":{\"level\":\"restricted\",\"version\":"
    "\"latest\",\"exclude\":[{\"controlName\":\"Capabilities\",\"images\":[\"nginx*\"]}]}}}]}}";

int main(int argc, char **argv) {
  static const char *const policies[][2] = {
      {"privileged", "latest"}, {"baseline", "v1.0"}, {"baseline", "latest"}, {"restricted", "v1.25"},
      {"restricted", "latest"}, {"restricted", "v1.99"},
  };
  pss_options *small = NULL;
  pss_options *excluding = exclusion_options();
  pss_labels *labels = namespace_labels();
  pss_admission *admission = NULL;
  pss_kyverno_policy *policy = NULL;
  const char *setup = NULL;
  if (pss_options_new(&small) != PSS_RESULT_OK || pss_options_set_max_input_len(small, 256) != PSS_RESULT_OK) {
    setup = "options with a size limit";
  } else if (excluding == NULL) {
    setup = "options with exclusions";
  } else if (labels == NULL) {
    setup = "namespace labels";
  } else if (pss_admission_new(NULL, &admission) != PSS_RESULT_OK) {
    setup = "an admission controller";
  } else if (pss_kyverno_policy_parse((const uint8_t *)kyverno_policy, sizeof kyverno_policy - 1, &policy, NULL) !=
             PSS_RESULT_OK) {
    setup = "the Kyverno policy";
  }
  if (setup != NULL) {
    fprintf(stderr, "cannot make %s\n", setup);
    pss_options_free(small);
    pss_options_free(excluding);
    pss_labels_free(labels);
    pss_admission_free(admission);
    return 1;
  }
  for (int i = 1; i < argc; i++) {
    const char *path = argv[i];
    FILE *file = fopen(path, "rb");
    if (file == NULL) {
      perror(path);
      return 2;
    }
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    fseek(file, 0, SEEK_SET);
    /* Exactly the file's bytes (no terminating NUL), so that reading past them is caught. */
    uint8_t *pod = malloc(size > 0 ? (size_t)size : 1);
    if (pod == NULL || (size > 0 && fread(pod, 1, (size_t)size, file) != (size_t)size)) {
      perror(path);
      fclose(file);
      free(pod);
      return 2;
    }
    fclose(file);
    for (size_t j = 0; j < sizeof policies / sizeof policies[0]; j++) {
      evaluate(path, policies[j][0], policies[j][1], NULL, pod, (size_t)size);
    }
    evaluate(path, "restricted", "latest", small, pod, (size_t)size);
    evaluate(path, "restricted", "latest", excluding, pod, (size_t)size);
    evaluate_spec(path, "baseline", "latest", NULL, pod, (size_t)size);
    evaluate_spec(path, "restricted", "v1.25", small, pod, (size_t)size);
    evaluate_spec(path, "restricted", "latest", excluding, pod, (size_t)size);
    evaluate_object(path, "baseline", "latest", NULL, pod, (size_t)size);
    evaluate_object(path, "restricted", "v1.0", excluding, pod, (size_t)size);
    evaluate_object(path, "restricted", "latest", small, pod, (size_t)size);
    review(path, admission, labels, pod, (size_t)size);
    review(path, admission, NULL, pod, (size_t)size);
    apply(path, policy, labels, pod, (size_t)size);
    as_policy(path, labels, pod, (size_t)size);
    free(pod);
  }
  pss_options_free(small);
  pss_options_free(excluding);
  pss_labels_free(labels);
  pss_admission_free(admission);
  pss_kyverno_policy_free(policy);
  printf("fuzz corpus driver: %d files, %d failures\n", argc - 1, failures);
  return failures == 0 ? 0 : 1;
}
