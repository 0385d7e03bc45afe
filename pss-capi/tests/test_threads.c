/*
 * Concurrent evaluations: threads share one level and version, one options handle (with an exclusion), one
 * policy (enforce, audit, warn), one admission controller with its namespace labels and one Kyverno policy; they
 * evaluate pods and workloads (allowed, denied, excluded and malformed), resolve namespace labels,
 * review requests and apply the Kyverno policy at the same time, and check every result exactly.
 * Usage: test_threads [THREADS [ITERATIONS]]
 */
#include <pthread.h>

#include "check.h"

static const char PRIVILEGED_POD[] =
    "{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"privileged-pod\",\"creationTimestamp\":null,"
    "\"labels\":{\"run\":\"privileged-pod\"}},\"spec\":{\"containers\":[{\"name\":\"privileged-pod\",\"image\":\"nginx\","
    "\"resources\":{},\"securityContext\":{\"privileged\":true}}],\"restartPolicy\":\"Never\",\"dnsPolicy\":"
    "\"ClusterFirst\"},\"status\":{}}";

static const char PRIVILEGED_MESSAGE[] =
    "pods \"privileged-pod\" is forbidden: violates PodSecurity \"baseline:latest\": privileged (container "
    "\"privileged-pod\" must not set securityContext.privileged=true)";

static const char ALLOWED_POD[] =
    "{\"metadata\":{\"name\":\"ok\"},\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"app\"}]}}";

static const char BROKEN_POD[] = "{\"metadata\": {\"name\": \"broken\"}, \"spec\": {\"hostIPC\": 1}}";

/* Two privileged containers; the shared options exclude the busybox one. */
static const char CRONJOB[] =
    "{\"apiVersion\":\"batch/v1\",\"kind\":\"CronJob\",\"metadata\":{\"name\":\"nightly\"},\"spec\":{\"jobTemplate\":"
    "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"nginx\",\"securityContext\":"
    "{\"privileged\":true}},{\"name\":\"b\",\"image\":\"busybox\",\"securityContext\":{\"privileged\":true}}]}}}}}}";

struct shared {
  const pss_level_version *lv;
  const pss_options *options;
  const pss_policy *defaults;
  const pss_admission *admission;
  const pss_labels *labels;
  const pss_kyverno_policy *kyverno;
  int iterations;
  int thread;
};

/* Counted per thread, summed after join (the harness counters are not thread-safe). */
struct outcome {
  int checks;
  int failures;
};

#define T_CHECK(out, cond)                                                            \
  do {                                                                                \
    (out)->checks++;                                                                  \
    if (!(cond)) {                                                                    \
      (out)->failures++;                                                             \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);       \
    }                                                                                 \
  } while (0)

static void *worker(void *arg) {
  const struct shared *sh = arg;
  struct outcome *out = calloc(1, sizeof *out);
  int i;
  if (out == NULL) return NULL;
  for (i = 0; i < sh->iterations; i++) {
    pss_evaluation *ev = NULL;
    pss_error *err = NULL;
    const uint8_t *p = NULL;
    size_t n = 0;
    bool allowed = true;
    switch ((i + sh->thread) % 8) {
      case 0: {
        const pss_violation *v = NULL;
        const pss_field *f = NULL;
        T_CHECK(out, pss_level_version_evaluate(sh->lv, sh->options, (const uint8_t *)PRIVILEGED_POD,
                                         sizeof PRIVILEGED_POD - 1, &ev, &err) == PSS_RESULT_OK);
        if (ev == NULL) break;
        T_CHECK(out, pss_evaluation_denial_message(ev, &p, &n) == PSS_RESULT_OK);
        T_CHECK(out, view_equals(p, n, PRIVILEGED_MESSAGE));
        T_CHECK(out, pss_evaluation_violation(ev, 0, &v) == PSS_RESULT_OK);
        T_CHECK(out, pss_violation_field(v, 0, &f) == PSS_RESULT_OK);
        T_CHECK(out, pss_field_path(f, &p, &n) == PSS_RESULT_OK);
        T_CHECK(out, view_equals(p, n, "spec.containers[0].securityContext.privileged"));
        pss_evaluation_free(ev);
        break;
      }
      case 1:
        T_CHECK(out, pss_evaluate((const uint8_t *)"baseline", 8, (const uint8_t *)"latest", 6, sh->options,
                                  (const uint8_t *)ALLOWED_POD, sizeof ALLOWED_POD - 1, &ev, &err) == PSS_RESULT_OK);
        if (ev == NULL) break;
        T_CHECK(out, pss_evaluation_allowed(ev, &allowed) == PSS_RESULT_OK);
        T_CHECK(out, allowed);
        T_CHECK(out, pss_evaluation_pod_name(ev, &p, &n) == PSS_RESULT_OK);
        T_CHECK(out, view_equals(p, n, "ok"));
        pss_evaluation_free(ev);
        break;
      case 3: {
        const pss_violation *v = NULL;
        const pss_field *f = NULL;
        size_t count = 0;
        T_CHECK(out, pss_level_version_evaluate_object(sh->lv, sh->options, (const uint8_t *)CRONJOB, sizeof CRONJOB - 1,
                                                &ev, &err) == PSS_RESULT_OK);
        if (ev == NULL) break;
        T_CHECK(out, pss_evaluation_kind(ev, &p, &n) == PSS_RESULT_OK);
        T_CHECK(out, view_equals(p, n, "CronJob"));
        T_CHECK(out, pss_evaluation_violation(ev, 0, &v) == PSS_RESULT_OK);
        T_CHECK(out, pss_violation_field_count(v, &count) == PSS_RESULT_OK);
        T_CHECK(out, count == 1);
        T_CHECK(out, pss_violation_field(v, 0, &f) == PSS_RESULT_OK);
        T_CHECK(out, pss_field_path(f, &p, &n) == PSS_RESULT_OK);
        T_CHECK(out, view_equals(p, n, "spec.jobTemplate.spec.template.spec.containers[0].securityContext.privileged"));
        pss_evaluation_free(ev);
        break;
      }
      case 4: {
        const uint8_t *keys[1] = {(const uint8_t *)"pod-security.kubernetes.io/warn"};
        size_t key_lens[1] = {31};
        const uint8_t *values[1] = {(const uint8_t *)(sh->thread % 2 ? "restricted" : "strict")};
        size_t value_lens[1] = {sh->thread % 2 ? 10u : 6u};
        pss_policy *np = NULL;
        size_t errors = 99;
        T_CHECK(out, pss_policy_from_labels(keys, key_lens, values, value_lens, 1, sh->defaults, &np,
                                                      &err) == PSS_RESULT_OK);
        if (np == NULL) break;
        T_CHECK(out, pss_policy_display(np, &p, &n) == PSS_RESULT_OK);
        T_CHECK(out, view_equals(p, n,
                                 sh->thread % 2 ? "enforce=baseline:latest, audit=baseline:latest, warn=restricted:latest"
                                                : "enforce=baseline:latest, audit=baseline:latest, warn=privileged:latest"));
        T_CHECK(out, pss_policy_error_count(np, &errors) == PSS_RESULT_OK);
        T_CHECK(out, errors == (sh->thread % 2 ? 0u : 1u));
        pss_policy_free(np);
        break;
      }
      case 5: {
        pss_decision *d = NULL;
        const pss_decision_view *view = NULL;
        T_CHECK(out, pss_admission_review(sh->admission, (const uint8_t *)"prod", 4, sh->labels, (const uint8_t *)"", 0,
                                          (const uint8_t *)PRIVILEGED_POD, sizeof PRIVILEGED_POD - 1, &d,
                                          &err) == PSS_RESULT_OK);
        if (d == NULL) break;
        T_CHECK(out, pss_decision_get_view(d, &view) == PSS_RESULT_OK);
        T_CHECK(out, view != NULL && !view->allowed && view_equals(view->denial.ptr, view->denial.len, PRIVILEGED_MESSAGE));
        pss_decision_free(d);
        break;
      }
      case 6: {
        pss_kyverno_result *r = NULL;
        const pss_kyverno_rule *rule = NULL;
        const pss_violation *v = NULL;
        bool blocked = false;
        T_CHECK(out, pss_kyverno_policy_apply(sh->kyverno, (const uint8_t *)PRIVILEGED_POD, sizeof PRIVILEGED_POD - 1,
                                              (const uint8_t *)"prod", 4, sh->labels, &r, &err) == PSS_RESULT_OK);
        if (r == NULL) break;
        T_CHECK(out, pss_kyverno_result_blocked(r, &blocked) == PSS_RESULT_OK && blocked);
        T_CHECK(out, pss_kyverno_result_rule(r, 0, &rule) == PSS_RESULT_OK);
        T_CHECK(out, pss_kyverno_rule_violation(rule, 0, &v) == PSS_RESULT_OK);
        T_CHECK(out, pss_violation_check_id(v, &p, &n) == PSS_RESULT_OK && view_equals(p, n, "privileged"));
        pss_kyverno_result_free(r);
        break;
      }
      case 7: {
        /* A bare pod spec: paths relative to the spec; with the shared options (an exclusion) it is refused. */
        static const char SPEC[] = "{\"containers\":[{\"name\":\"c\",\"securityContext\":{\"privileged\":true}}]}";
        const pss_evaluation_view *view = NULL;
        T_CHECK(out, pss_level_version_evaluate_spec(sh->lv, NULL, (const uint8_t *)SPEC, sizeof SPEC - 1, &ev, &err) ==
                         PSS_RESULT_OK);
        if (ev == NULL) break;
        T_CHECK(out, pss_evaluation_get_view(ev, &view) == PSS_RESULT_OK);
        T_CHECK(out, view != NULL && view->field_count == 1 && view->kind.ptr == NULL &&
                         view_equals(view->fields[0].path.ptr, view->fields[0].path.len,
                                     "containers[0].securityContext.privileged"));
        pss_evaluation_free(ev);
        ev = NULL;
        T_CHECK(out, pss_level_version_evaluate_spec(sh->lv, sh->options, (const uint8_t *)SPEC, sizeof SPEC - 1, &ev,
                                                     &err) == PSS_RESULT_INVALID_INPUT);
        T_CHECK(out, ev == NULL && err != NULL);
        pss_error_free(err);
        break;
      }
      default:
        T_CHECK(out, pss_level_version_evaluate(sh->lv, sh->options, (const uint8_t *)BROKEN_POD, sizeof BROKEN_POD - 1,
                                         &ev, &err) == PSS_RESULT_INVALID_TYPE);
        T_CHECK(out, ev == NULL);
        if (err == NULL) break;
        /* The detail is this call's own, whatever the other threads are doing. */
        T_CHECK(out, pss_error_display(err, &p, &n) == PSS_RESULT_OK);
        T_CHECK(out, view_equals(p, n, "spec.hostIPC: expected a boolean, found a number at line 1 column 54"));
        pss_error_free(err);
        break;
    }
  }
  return out;
}

int main(int argc, char **argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 8;
  int iterations = argc > 2 ? atoi(argv[2]) : 300;
  pthread_t ids[64];
  struct shared args[64];
  pss_level_version *lv = NULL;
  pss_options *options = NULL;
  pss_policy *defaults = NULL;
  pss_admission *admission = NULL;
  pss_labels *labels = NULL;
  pss_kyverno_policy *kyverno = NULL;
  static const char KYVERNO[] =
      "{\"apiVersion\":\"kyverno.io/v1\",\"kind\":\"ClusterPolicy\",\"metadata\":{\"name\":\"b\"},\"spec\":{"
      "\"validationFailureAction\":\"Enforce\",\"rules\":[{\"name\":\"b\",\"match\":{\"any\":[{\"resources\":"
      "{\"kinds\":[\"Pod\"]}}]},\"validate\":{\"podSecurity\":{\"level\":\"baseline\"}}}]}}";
  const uint8_t *images[1] = {(const uint8_t *)"busy*"};
  size_t image_lens[1] = {5};
  int t;
  if (threads < 1 || threads > 64 || iterations < 1) {
    fprintf(stderr, "usage: test_threads [THREADS (1-64) [ITERATIONS]]\n");
    return 2;
  }
  CHECK_RC(pss_level_version_new((const uint8_t *)"baseline", 8, (const uint8_t *)"latest", 6, &lv, NULL), PSS_RESULT_OK);
  CHECK_RC(pss_options_new(&options), PSS_RESULT_OK);
  CHECK_RC(pss_options_set_max_input_len(options, 1024 * 1024), PSS_RESULT_OK);
  CHECK_RC(pss_options_add_exclusion(options, (const uint8_t *)"Privileged Containers", 21, images, image_lens, 1,
                                     (const uint8_t *)"", 0, NULL, NULL, 0, NULL),
           PSS_RESULT_OK);
  CHECK_RC(pss_policy_new(lv, lv, lv, &defaults), PSS_RESULT_OK);
  CHECK_RC(pss_admission_new(NULL, &admission), PSS_RESULT_OK);
  CHECK_RC(pss_labels_new(&labels), PSS_RESULT_OK);
  CHECK_RC(pss_labels_add(labels, (const uint8_t *)"pod-security.kubernetes.io/enforce", 34,
                          (const uint8_t *)"baseline", 8, NULL),
           PSS_RESULT_OK);
  CHECK_RC(pss_kyverno_policy_parse((const uint8_t *)KYVERNO, sizeof KYVERNO - 1, &kyverno, NULL), PSS_RESULT_OK);
  for (t = 0; t < threads; t++) {
    args[t].lv = lv;
    args[t].options = options;
    args[t].defaults = defaults;
    args[t].admission = admission;
    args[t].labels = labels;
    args[t].kyverno = kyverno;
    args[t].iterations = iterations;
    args[t].thread = t;
    CHECK(pthread_create(&ids[t], NULL, worker, &args[t]) == 0);
  }
  for (t = 0; t < threads; t++) {
    void *ret = NULL;
    struct outcome *out;
    CHECK(pthread_join(ids[t], &ret) == 0);
    out = ret;
    CHECK(out != NULL);
    if (out == NULL) continue;
    check_count += out->checks;
    check_failures += out->failures;
    free(out);
  }
  pss_kyverno_policy_free(kyverno);
  pss_labels_free(labels);
  pss_admission_free(admission);
  pss_policy_free(defaults);
  pss_options_free(options);
  pss_level_version_free(lv);
  return check_summary("test_threads");
}
