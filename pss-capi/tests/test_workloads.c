/*
 * Tests of the workload, exclusion and namespace-label functions of pss.h, including every error path:
 * pss_level_version_evaluate_object / pss_evaluate_object and the evaluation's kind, template path and note;
 * pss_options_add_exclusion / pss_options_exclusion_count; pss_policy_* and pss_label_error_*.
 */
#include <stdint.h>

#include "check.h"

#define S(lit) (const uint8_t *)(lit), (sizeof(lit) - 1)
#define LEN(a) (sizeof(a) / sizeof((a)[0]))

static const char DEPLOYMENT[] =
    "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\",\"namespace\":\"prod\"},"
    "\"spec\":{\"replicas\":3,\"template\":{\"metadata\":{\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":"
    "[{\"name\":\"app\",\"image\":\"nginx:1.27\",\"securityContext\":{\"privileged\":true}}]}}}}";

static const char DEPLOYMENT_PATH[] = "spec.template.spec.containers[0].securityContext.privileged";
static const char DEPLOYMENT_MESSAGE[] =
    "deployments \"web\" (pods it creates would be denied): violates PodSecurity \"baseline:latest\": privileged "
    "(container \"app\" must not set securityContext.privileged=true)";

/* Two privileged containers with different images, and hostNetwork. */
static const char TWO_IMAGES_POD[] =
    "{\"metadata\":{\"name\":\"two\"},\"spec\":{\"hostNetwork\":true,\"containers\":["
    "{\"name\":\"a\",\"image\":\"nginx:1.27\",\"securityContext\":{\"privileged\":true}},"
    "{\"name\":\"b\",\"image\":\"busybox\",\"securityContext\":{\"privileged\":true,"
    "\"capabilities\":{\"add\":[\"NET_ADMIN\"]}}}]}}";

static pss_level_version *new_level_version(const char *level, const char *version) {
  pss_level_version *lv = NULL;
  CHECK_RC(pss_level_version_new((const uint8_t *)level, strlen(level), (const uint8_t *)version, strlen(version), &lv,
                          NULL),
           PSS_RESULT_OK);
  return lv;
}

static pss_evaluation *evaluate_object(const pss_level_version *lv, const pss_options *options, const char *object) {
  pss_evaluation *ev = NULL;
  pss_error *err = (pss_error *)&ev; /* sentinel: must not be written on success */
  CHECK_RC(pss_level_version_evaluate_object(lv, options, (const uint8_t *)object, strlen(object), &ev, &err),
           PSS_RESULT_OK);
  CHECK(err == (pss_error *)&ev);
  CHECK(ev != NULL);
  return ev;
}

/* For evaluate_object_fails: the error's path is not checked. */
static const char ANY_PATH[] = "(any)";

/* An evaluation that must fail with `code` and `message` (NULL: not checked) and `path` (NULL: none);
   `*out` must stay untouched. */
static void evaluate_object_fails(const pss_level_version *lv, const pss_options *options, const char *object,
                                  pss_result code, const char *message, const char *path) {
  pss_evaluation *ev = (pss_evaluation *)&ev;
  pss_error *err = NULL;
  pss_result got = PSS_RESULT_OK;
  const uint8_t *p = NULL;
  size_t n = 0;
  CHECK_RC(pss_level_version_evaluate_object(lv, options, (const uint8_t *)object, strlen(object), &ev, &err), code);
  CHECK(ev == (pss_evaluation *)&ev);
  CHECK(err != NULL);
  if (err == NULL) return;
  CHECK_RC(pss_error_code(err, &got), PSS_RESULT_OK);
  CHECK(got == code);
  if (message != NULL) CHECK_TEXT(pss_error_message, err, message);
  CHECK_RC(pss_error_path(err, &p, &n), PSS_RESULT_OK);
  if (path == NULL) {
    CHECK(p == NULL && n == 0);
  } else if (path != ANY_PATH) {
    CHECK_VIEW(p, n, path);
  }
  pss_error_free(err);
}

/* The path of field `f` of violation `v`. */
static void check_field(const pss_evaluation *ev, size_t v, size_t f, const char *path, const char *container) {
  const pss_violation *violation = NULL;
  const pss_field *field = NULL;
  CHECK_RC(pss_evaluation_violation(ev, v, &violation), PSS_RESULT_OK);
  if (violation == NULL) return;
  CHECK_RC(pss_violation_field(violation, f, &field), PSS_RESULT_OK);
  if (field == NULL) return;
  CHECK_TEXT(pss_field_path, field, path);
  if (container == NULL) {
    const uint8_t *p = (const uint8_t *)"x";
    size_t n = 1;
    CHECK_RC(pss_field_container(field, &p, &n), PSS_RESULT_OK);
    CHECK(p == NULL && n == 0);
  } else {
    CHECK_TEXT(pss_field_container, field, container);
  }
}

/* Whether a (ptr, len) view contains a C string. */
static int view_contains(const uint8_t *p, size_t n, const char *needle) {
  size_t k = strlen(needle), i;
  for (i = 0; p != NULL && i + k <= n; i++) {
    if (memcmp(p + i, needle, k) == 0) return 1;
  }
  return 0;
}

static size_t violation_count(const pss_evaluation *ev) {
  size_t n = 999;
  CHECK_RC(pss_evaluation_violation_count(ev, &n), PSS_RESULT_OK);
  return n;
}

static size_t field_count(const pss_evaluation *ev, size_t v) {
  const pss_violation *violation = NULL;
  size_t n = 999;
  CHECK_RC(pss_evaluation_violation(ev, v, &violation), PSS_RESULT_OK);
  CHECK_RC(pss_violation_field_count(violation, &n), PSS_RESULT_OK);
  return n;
}

static bool allowed(const pss_evaluation *ev) {
  bool a = false;
  CHECK_RC(pss_evaluation_allowed(ev, &a), PSS_RESULT_OK);
  return a;
}

static bool template_absent(const pss_evaluation *ev) {
  bool a = true;
  CHECK_RC(pss_evaluation_template_absent(ev, &a), PSS_RESULT_OK);
  return a;
}

static void check_no_note(const pss_evaluation *ev) {
  const uint8_t *p = (const uint8_t *)"x";
  size_t n = 1;
  CHECK_RC(pss_evaluation_note(ev, &p, &n), PSS_RESULT_OK);
  CHECK(p == NULL && n == 0);
}

static void test_deployment(void) {
  pss_level_version *lv = new_level_version("baseline", "latest");
  pss_evaluation *ev = evaluate_object(lv, NULL, DEPLOYMENT);
  pss_evaluation *ev2 = NULL;
  pss_error *err = NULL;
  pss_level_version_free(lv); /* the evaluation does not borrow it */
  CHECK(!allowed(ev));
  CHECK(!template_absent(ev));
  check_no_note(ev);
  CHECK_TEXT(pss_evaluation_kind, ev, "Deployment");
  CHECK_TEXT(pss_evaluation_template_path, ev, "spec.template");
  CHECK_TEXT(pss_evaluation_pod_name, ev, "web");
  CHECK_TEXT(pss_evaluation_reason, ev, "privileged");
  CHECK_TEXT(pss_evaluation_detail, ev, "privileged (container \"app\" must not set securityContext.privileged=true)");
  CHECK_TEXT(pss_evaluation_denial_message, ev, DEPLOYMENT_MESSAGE);
  CHECK(violation_count(ev) == 1);
  check_field(ev, 0, 0, DEPLOYMENT_PATH, "app");
  pss_evaluation_free(ev);

  /* The same through pss_evaluate_object with text arguments. */
  CHECK_RC(pss_evaluate_object(S("baseline"), S("latest"), NULL, S(DEPLOYMENT), &ev2, &err), PSS_RESULT_OK);
  CHECK(err == NULL);
  CHECK_TEXT(pss_evaluation_denial_message, ev2, DEPLOYMENT_MESSAGE);
  check_field(ev2, 0, 0, DEPLOYMENT_PATH, "app");
  pss_evaluation_free(ev2);

  /* At restricted: five checks, every path inside the template. */
  lv = new_level_version("restricted", "v1.30");
  ev = evaluate_object(lv, NULL, DEPLOYMENT);
  CHECK_TEXT(pss_evaluation_reason, ev,
             "privileged, allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, "
             "seccompProfile");
  CHECK(violation_count(ev) == 5);
  check_field(ev, 1, 0, "spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation", "app");
  pss_evaluation_free(ev);
  pss_level_version_free(lv);

  /* An unnamed controller: the message names none. */
  lv = new_level_version("baseline", "latest");
  ev = evaluate_object(lv, NULL,
                       "{\"kind\":\"DaemonSet\",\"spec\":{\"template\":{\"spec\":{\"hostPID\":true,\"containers\":[]}}}}");
  CHECK_TEXT(pss_evaluation_denial_message, ev,
             "daemonsets (pods it creates would be denied): violates PodSecurity \"baseline:latest\": host namespaces "
             "(hostPID=true)");
  {
    const uint8_t *p = (const uint8_t *)"x";
    size_t n = 1;
    CHECK_RC(pss_evaluation_pod_name(ev, &p, &n), PSS_RESULT_OK);
    CHECK(p == NULL && n == 0);
  }
  check_field(ev, 0, 0, "spec.template.spec.hostPID", NULL);
  pss_evaluation_free(ev);
  pss_level_version_free(lv);
}

/* Every kind with a pod template: the kind, the template path and a field path. */
static void test_every_kind(void) {
  static const struct {
    const char *object, *kind, *template_path, *path;
  } cases[] = {
      {"{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"},\"spec\":{\"hostIPC\":true}}", "Pod", "",
       "spec.hostIPC"},
      {"{\"apiVersion\":\"v1\",\"kind\":\"PodTemplate\",\"template\":{\"spec\":{\"hostIPC\":true}}}", "PodTemplate",
       "template", "template.spec.hostIPC"},
      {"{\"apiVersion\":\"v1\",\"kind\":\"ReplicationController\",\"spec\":{\"template\":{\"spec\":{\"hostIPC\":true}}}}",
       "ReplicationController", "spec.template", "spec.template.spec.hostIPC"},
      {"{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\",\"spec\":{\"template\":{\"spec\":{\"hostIPC\":true}}}}",
       "ReplicaSet", "spec.template", "spec.template.spec.hostIPC"},
      {"{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"spec\":{\"template\":{\"spec\":{\"hostIPC\":true}}}}",
       "Deployment", "spec.template", "spec.template.spec.hostIPC"},
      {"{\"apiVersion\":\"apps/v1\",\"kind\":\"StatefulSet\",\"spec\":{\"template\":{\"spec\":{\"hostIPC\":true}}}}",
       "StatefulSet", "spec.template", "spec.template.spec.hostIPC"},
      {"{\"apiVersion\":\"apps/v1\",\"kind\":\"DaemonSet\",\"spec\":{\"template\":{\"spec\":{\"hostIPC\":true}}}}",
       "DaemonSet", "spec.template", "spec.template.spec.hostIPC"},
      {"{\"apiVersion\":\"batch/v1\",\"kind\":\"Job\",\"spec\":{\"template\":{\"spec\":{\"hostIPC\":true}}}}", "Job",
       "spec.template", "spec.template.spec.hostIPC"},
      {"{\"apiVersion\":\"batch/v1\",\"kind\":\"CronJob\",\"spec\":{\"jobTemplate\":{\"spec\":{\"template\":{\"spec\":"
       "{\"hostIPC\":true}}}}}}",
       "CronJob", "spec.jobTemplate.spec.template", "spec.jobTemplate.spec.template.spec.hostIPC"},
      /* Without apiVersion the kind alone decides. */
      {"{\"kind\":\"Job\",\"spec\":{\"template\":{\"spec\":{\"hostIPC\":true}}}}", "Job", "spec.template",
       "spec.template.spec.hostIPC"},
  };
  pss_level_version *lv = new_level_version("baseline", "latest");
  size_t i;
  for (i = 0; i < LEN(cases); i++) {
    pss_evaluation *ev = evaluate_object(lv, NULL, cases[i].object);
    if (ev == NULL) continue;
    CHECK_TEXT(pss_evaluation_kind, ev, cases[i].kind);
    CHECK_TEXT(pss_evaluation_template_path, ev, cases[i].template_path);
    CHECK_TEXT(pss_evaluation_reason, ev, "host namespaces");
    CHECK(violation_count(ev) == 1);
    check_field(ev, 0, 0, cases[i].path, NULL);
    CHECK(!template_absent(ev));
    pss_evaluation_free(ev);
  }
  /* A Pod through the object functions says what the API server says. */
  {
    pss_evaluation *ev = evaluate_object(lv, NULL, cases[0].object);
    CHECK_TEXT(pss_evaluation_denial_message, ev,
               "pods \"p\" is forbidden: violates PodSecurity \"baseline:latest\": host namespaces (hostIPC=true)");
    pss_evaluation_free(ev);
  }
  /* The pod functions take a pod: an object of another kind is an error there, never its spec read as a
     pod's (pss-core's ErrorKind::UnexpectedKind, with the path of its kind). */
  {
    pss_evaluation *ev = (pss_evaluation *)&ev;
    pss_error *err = NULL;
    const uint8_t *p = NULL;
    size_t n = 0;
    CHECK_RC(pss_level_version_evaluate(lv, NULL, S(DEPLOYMENT), &ev, &err), PSS_RESULT_UNEXPECTED_KIND);
    CHECK(ev == (pss_evaluation *)&ev);
    CHECK_RC(pss_error_path(err, &p, &n), PSS_RESULT_OK);
    CHECK_VIEW(p, n, "kind");
    pss_error_free(err);
  }
  pss_level_version_free(lv);
}

static void test_absent_template(void) {
  static const char *const objects[] = {
      "{\"apiVersion\":\"v1\",\"kind\":\"ReplicationController\",\"metadata\":{\"name\":\"rc\"},\"spec\":{}}",
      "{\"apiVersion\":\"v1\",\"kind\":\"ReplicationController\",\"metadata\":{\"name\":\"rc\"},\"spec\":"
      "{\"template\":null}}",
      "{\"apiVersion\":\"v1\",\"kind\":\"ReplicationController\",\"metadata\":{\"name\":\"rc\"}}",
  };
  pss_level_version *lv = new_level_version("restricted", "latest");
  size_t i;
  for (i = 0; i < LEN(objects); i++) {
    pss_evaluation *ev = evaluate_object(lv, NULL, objects[i]);
    if (ev == NULL) continue;
    CHECK(allowed(ev));
    CHECK(template_absent(ev));
    CHECK(violation_count(ev) == 0);
    CHECK_TEXT(pss_evaluation_note, ev, "no pod template: the ReplicationController has no spec.template");
    CHECK_TEXT(pss_evaluation_kind, ev, "ReplicationController");
    CHECK_TEXT(pss_evaluation_pod_name, ev, "rc");
    CHECK_TEXT(pss_evaluation_reason, ev, "");
    CHECK_TEXT(pss_evaluation_denial_message, ev, "");
    pss_evaluation_free(ev);
  }
  /* A ReplicaSet's template is not optional: without one it is an empty pod (denied at restricted? no
     containers, so nothing to deny). */
  {
    pss_evaluation *ev = evaluate_object(lv, NULL, "{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\"}");
    CHECK(allowed(ev));
    CHECK(!template_absent(ev));
    check_no_note(ev);
    pss_evaluation_free(ev);
  }
  pss_level_version_free(lv);
}

static void test_object_errors(void) {
  pss_level_version *lv = new_level_version("baseline", "latest");
  pss_options *options = NULL;
  evaluate_object_fails(lv, NULL, "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"s\"}}",
                        PSS_RESULT_NOT_A_WORKLOAD, "no pod template: Service is not a pod or a pod controller", NULL);
  evaluate_object_fails(lv, NULL, "{\"metadata\":{\"name\":\"p\"},\"spec\":{\"hostPID\":true}}",
                        PSS_RESULT_NOT_A_WORKLOAD,
                        "no kind: not a Kubernetes object (kubectl and the API server refuse it), so it is not evaluated",
                        NULL);
  /* A Deployment of another group is not a workload. */
  evaluate_object_fails(lv, NULL, "{\"apiVersion\":\"example.com/v1\",\"kind\":\"Deployment\"}",
                        PSS_RESULT_NOT_A_WORKLOAD,
                        "no pod template: Deployment is not a pod or a pod controller", NULL);
  /* Decoding errors point into the object. */
  {
    static const char wrong[] =
        "{\"kind\":\"Deployment\",\n \"spec\":{\"template\":{\"spec\":{\"hostPID\":\"yes\"}}}}";
    pss_evaluation *ev = NULL;
    pss_error *err = NULL;
    size_t l = 0, c = 0, o = 0;
    CHECK_RC(pss_level_version_evaluate_object(lv, NULL, S(wrong), &ev, &err), PSS_RESULT_INVALID_TYPE);
    CHECK_TEXT(pss_error_path, err, "spec.template.spec.hostPID");
    CHECK_TEXT(pss_error_message, err, "expected a boolean, found a string");
    CHECK_RC(pss_error_position(err, &l, &c, &o), PSS_RESULT_OK);
    CHECK(l == 2 && c == 40 && o == 61);
    CHECK_TEXT(pss_error_display, err,
               "spec.template.spec.hostPID: expected a boolean, found a string at line 2 column 40");
    pss_error_free(err);
  }
  evaluate_object_fails(lv, NULL, "{\"kind\":\"Job\",\"spec\":{\"template\":", PSS_RESULT_INVALID_JSON,
                        "unexpected end of input, expected a value", ANY_PATH);
  evaluate_object_fails(lv, NULL, "", PSS_RESULT_INVALID_JSON, NULL, NULL);
  evaluate_object_fails(lv, NULL, "[]", PSS_RESULT_NOT_AN_OBJECT, NULL, NULL);
  evaluate_object_fails(lv, NULL, "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"\xff\"}}", PSS_RESULT_INVALID_UTF8,
                        "invalid UTF-8", NULL);
  evaluate_object_fails(lv, NULL, "{\"kind\":7}", PSS_RESULT_INVALID_TYPE, NULL, "kind");
  evaluate_object_fails(
      lv, NULL, "{\"kind\":\"Deployment\",\"spec\":{\"template\":{\"spec\":{\"securityContext\":{\"runAsUser\":99999999999999999999}}}}}",
      PSS_RESULT_NUMBER_OUT_OF_RANGE, NULL, "spec.template.spec.securityContext.runAsUser");

  /* The size limit names the object. */
  CHECK_RC(pss_options_new(&options), PSS_RESULT_OK);
  CHECK_RC(pss_options_set_max_input_len(options, 20), PSS_RESULT_OK);
  {
    char message[128];
    snprintf(message, sizeof message, "the object is %zu bytes, more than the 20 the options allow",
             sizeof DEPLOYMENT - 1);
    evaluate_object_fails(lv, options, DEPLOYMENT, PSS_RESULT_INPUT_TOO_LARGE, message, NULL);
  }
  CHECK_RC(pss_options_set_max_input_len(options, sizeof DEPLOYMENT - 1), PSS_RESULT_OK);
  {
    pss_evaluation *ev = evaluate_object(lv, options, DEPLOYMENT);
    pss_evaluation_free(ev);
  }
  pss_options_free(options);

  /* pss_evaluate_object checks the level and version first. */
  {
    pss_evaluation *ev = NULL;
    pss_error *err = NULL;
    CHECK_RC(pss_evaluate_object(S("Baseline"), S("latest"), NULL, S("{"), &ev, &err), PSS_RESULT_INVALID_LEVEL);
    CHECK_TEXT(pss_error_message, err, "invalid level \"Baseline\": must be one of privileged, baseline, restricted");
    pss_error_free(err);
    err = NULL;
    CHECK_RC(pss_evaluate_object(S("baseline"), S("v1.x"), NULL, S("{"), &ev, &err), PSS_RESULT_INVALID_VERSION);
    pss_error_free(err);
    err = NULL;
    CHECK_RC(pss_evaluate_object(S("baseline"), S("latest"), NULL, S("{\"kind\":\"Secret\"}"), &ev, &err),
             PSS_RESULT_NOT_A_WORKLOAD);
    CHECK_TEXT(pss_error_display, err, "no pod template: Secret is not a pod or a pod controller");
    pss_error_free(err);
    /* err_out may be NULL. */
    CHECK_RC(pss_evaluate_object(S("baseline"), S("latest"), NULL, S("{\"kind\":\"Secret\"}"), &ev, NULL),
             PSS_RESULT_NOT_A_WORKLOAD);
    CHECK(ev == NULL);
  }

  /* NULL parameters. */
  {
    pss_evaluation *ev = NULL;
    pss_error *err = NULL;
    const uint8_t *p = NULL;
    size_t n = 0;
    bool b = false;
    CHECK_RC(pss_level_version_evaluate_object(NULL, NULL, S("{}"), &ev, &err), PSS_RESULT_NULL_PARAMETER);
    CHECK_TEXT(pss_error_message, err, "parameter level_version is NULL");
    pss_error_free(err);
    err = NULL;
    CHECK_RC(pss_level_version_evaluate_object(lv, NULL, NULL, 0, &ev, &err), PSS_RESULT_NULL_PARAMETER);
    CHECK_TEXT(pss_error_message, err, "parameter object is NULL");
    pss_error_free(err);
    CHECK_RC(pss_level_version_evaluate_object(lv, NULL, S("{}"), NULL, NULL), PSS_RESULT_NULL_PARAMETER);
    CHECK_RC(pss_evaluate_object(NULL, 8, S("latest"), NULL, S("{}"), &ev, NULL), PSS_RESULT_NULL_PARAMETER);
    CHECK_RC(pss_evaluate_object(S("baseline"), NULL, 6, NULL, S("{}"), &ev, NULL), PSS_RESULT_NULL_PARAMETER);
    CHECK_RC(pss_evaluate_object(S("baseline"), S("latest"), NULL, NULL, 2, &ev, NULL), PSS_RESULT_NULL_PARAMETER);
    CHECK_RC(pss_evaluate_object(S("baseline"), S("latest"), NULL, S("{}"), NULL, NULL), PSS_RESULT_NULL_PARAMETER);
    CHECK(ev == NULL);
    CHECK_RC(pss_level_version_evaluate_object(lv, NULL, S("{}"), &ev, NULL), PSS_RESULT_NOT_A_WORKLOAD);
    CHECK_RC(pss_evaluation_kind(NULL, &p, &n), PSS_RESULT_NULL_PARAMETER);
    CHECK_RC(pss_evaluation_template_path(NULL, &p, &n), PSS_RESULT_NULL_PARAMETER);
    CHECK_RC(pss_evaluation_template_absent(NULL, &b), PSS_RESULT_NULL_PARAMETER);
    CHECK_RC(pss_evaluation_note(NULL, &p, &n), PSS_RESULT_NULL_PARAMETER);
    ev = evaluate_object(lv, NULL, DEPLOYMENT);
    CHECK_RC(pss_evaluation_kind(ev, NULL, &n), PSS_RESULT_NULL_PARAMETER);
    CHECK_RC(pss_evaluation_kind(ev, &p, NULL), PSS_RESULT_NULL_PARAMETER);
    CHECK_RC(pss_evaluation_template_path(ev, NULL, &n), PSS_RESULT_NULL_PARAMETER);
    CHECK_RC(pss_evaluation_template_absent(ev, NULL), PSS_RESULT_NULL_PARAMETER);
    CHECK_RC(pss_evaluation_note(ev, &p, NULL), PSS_RESULT_NULL_PARAMETER);
    pss_evaluation_free(ev);
  }
  pss_level_version_free(lv);
}

/* Adds an exclusion from NULL-terminated lists of C strings; returns the code, the error through err. */
static pss_result add_exclusion(pss_options *options, const char *control, const char *const *images,
                                const char *field, const char *const *values, pss_error **err) {
  const uint8_t *ip[8], *vp[8];
  size_t il[8], vl[8], ni = 0, nv = 0;
  for (; images != NULL && images[ni] != NULL && ni < 8; ni++) {
    ip[ni] = (const uint8_t *)images[ni];
    il[ni] = strlen(images[ni]);
  }
  for (; values != NULL && values[nv] != NULL && nv < 8; nv++) {
    vp[nv] = (const uint8_t *)values[nv];
    vl[nv] = strlen(values[nv]);
  }
  return pss_options_add_exclusion(options, (const uint8_t *)control, strlen(control), ni ? ip : NULL,
                                   ni ? il : NULL, ni, (const uint8_t *)field, strlen(field), nv ? vp : NULL,
                                   nv ? vl : NULL, nv, err);
}

static size_t exclusion_count(const pss_options *options) {
  size_t n = 999;
  CHECK_RC(pss_options_exclusion_count(options, &n), PSS_RESULT_OK);
  return n;
}

/* An exclusion that must be refused with `code` and `message`, leaving the options unchanged. */
static void exclusion_fails(pss_options *options, const char *control, const char *const *images,
                            const char *field, const char *const *values, pss_result code, const char *message,
                            const char *path) {
  pss_error *err = NULL;
  size_t before = exclusion_count(options);
  const uint8_t *p = NULL;
  size_t n = 0;
  CHECK_RC(add_exclusion(options, control, images, field, values, &err), code);
  CHECK(exclusion_count(options) == before);
  CHECK(err != NULL);
  if (err == NULL) return;
  CHECK_TEXT(pss_error_message, err, message);
  CHECK_TEXT(pss_error_display, err, message);
  CHECK_RC(pss_error_path(err, &p, &n), PSS_RESULT_OK);
  if (path == NULL) {
    CHECK(p == NULL && n == 0);
  } else {
    CHECK_VIEW(p, n, path);
  }
  pss_error_free(err);
}

static void test_exclusion_errors(void) {
  static const char *const nginx[] = {"nginx*", NULL};
  static const char *const unconfined[] = {"Unconfined", NULL};
  pss_options *options = NULL;
  pss_error *err = NULL;
  CHECK_RC(pss_options_new(&options), PSS_RESULT_OK);
  CHECK(exclusion_count(options) == 0);

  exclusion_fails(options, "Privileged Containers", NULL, "", NULL, PSS_RESULT_INVALID_EXCLUSION,
                  "controlName: Invalid value: \"Privileged Containers\": exclude.images must be specified for the "
                  "container level control",
                  "controlName");
  exclusion_fails(options, "Host Namespaces", nginx, "", NULL, PSS_RESULT_INVALID_EXCLUSION,
                  "controlName: Invalid value: \"Host Namespaces\": exclude.images must not be specified for the pod "
                  "level control",
                  "controlName");
  exclusion_fails(options, "Host Namespaces", NULL, "spec.hostNetwork", NULL, PSS_RESULT_INVALID_EXCLUSION,
                  "values: Forbidden: values is required", "values");
  exclusion_fails(options, "Seccomp", nginx, "", unconfined, PSS_RESULT_INVALID_EXCLUSION,
                  "restrictedField: Forbidden: restrictedField is required", "restrictedField");
  /* Several problems at once: upstream's aggregate, without a path. */
  exclusion_fails(options, "Privileged Containers", NULL, "spec.containers[*].securityContext.privileged", NULL,
                  PSS_RESULT_INVALID_EXCLUSION,
                  "[controlName: Invalid value: \"Privileged Containers\": exclude.images must be specified for the "
                  "container level control, values: Forbidden: values is required]",
                  NULL);
  /* An unknown control name lists Kyverno's names. */
  CHECK_RC(add_exclusion(options, "Privileged", nginx, "", NULL, &err), PSS_RESULT_INVALID_EXCLUSION);
  {
    const uint8_t *p = NULL;
    size_t n = 0;
    static const char prefix[] = "controlName: Unsupported value: \"Privileged\": supported values: ";
    CHECK_RC(pss_error_message(err, &p, &n), PSS_RESULT_OK);
    CHECK(n > sizeof prefix && memcmp(p, prefix, sizeof prefix - 1) == 0);
    CHECK(view_contains(p, n, "\"Privileged Containers\""));
  }
  pss_error_free(err);
  err = NULL;
  CHECK(exclusion_count(options) == 0);

  /* Bad inputs. */
  {
    const uint8_t *ptrs[2] = {(const uint8_t *)"nginx", NULL};
    size_t lens[2] = {5, 3};
    const uint8_t *bad[1] = {(const uint8_t *)"ng\xffinx"};
    size_t bad_len[1] = {6};
    CHECK_RC(pss_options_add_exclusion(NULL, S("Capabilities"), ptrs, lens, 1, S(""), NULL, NULL, 0, &err),
             PSS_RESULT_NULL_PARAMETER);
    CHECK_TEXT(pss_error_message, err, "parameter options is NULL");
    pss_error_free(err);
    err = NULL;
    CHECK_RC(pss_options_add_exclusion(options, NULL, 0, ptrs, lens, 1, S(""), NULL, NULL, 0, &err),
             PSS_RESULT_NULL_PARAMETER);
    CHECK_TEXT(pss_error_message, err, "parameter control_name is NULL");
    pss_error_free(err);
    err = NULL;
    CHECK_RC(pss_options_add_exclusion(options, S("Capabilities"), ptrs, lens, 1, NULL, 0, NULL, NULL, 0, &err),
             PSS_RESULT_NULL_PARAMETER);
    CHECK_TEXT(pss_error_message, err, "parameter restricted_field is NULL");
    pss_error_free(err);
    err = NULL;
    CHECK_RC(pss_options_add_exclusion(options, S("Capabilities"), NULL, lens, 1, S(""), NULL, NULL, 0, &err),
             PSS_RESULT_NULL_PARAMETER);
    CHECK_TEXT(pss_error_message, err, "parameter images is NULL");
    pss_error_free(err);
    err = NULL;
    CHECK_RC(pss_options_add_exclusion(options, S("Capabilities"), ptrs, NULL, 1, S(""), NULL, NULL, 0, &err),
             PSS_RESULT_NULL_PARAMETER);
    CHECK_TEXT(pss_error_message, err, "parameter images_lens is NULL");
    pss_error_free(err);
    err = NULL;
    CHECK_RC(pss_options_add_exclusion(options, S("Capabilities"), ptrs, lens, 2, S(""), NULL, NULL, 0, &err),
             PSS_RESULT_NULL_PARAMETER);
    CHECK_TEXT(pss_error_message, err, "parameter images[1] is NULL");
    pss_error_free(err);
    err = NULL;
    CHECK_RC(pss_options_add_exclusion(options, S("Capabilities"), bad, bad_len, 1, S(""), NULL, NULL, 0, &err),
             PSS_RESULT_INVALID_UTF8);
    CHECK_TEXT(pss_error_message, err, "parameter images[0] is not valid UTF-8 (at byte 2)");
    pss_error_free(err);
    err = NULL;
    CHECK_RC(pss_options_add_exclusion(options, S("Capabilities"), ptrs, lens, 1, S("spec.x"), bad, bad_len, 1, &err),
             PSS_RESULT_INVALID_UTF8);
    CHECK_TEXT(pss_error_message, err, "parameter values[0] is not valid UTF-8 (at byte 2)");
    pss_error_free(err);
    err = NULL;
    CHECK_RC(pss_options_add_exclusion(options, S("Capabilities"), ptrs, lens, SIZE_MAX, S(""), NULL, NULL, 0, &err),
             PSS_RESULT_INPUT_TOO_LARGE);
    pss_error_free(err);
    err = NULL;
    CHECK_RC(pss_options_add_exclusion(options, S("Capabilities\xc3"), ptrs, lens, 1, S(""), NULL, NULL, 0, &err),
             PSS_RESULT_INVALID_UTF8);
    pss_error_free(err);
    /* err_out may be NULL. */
    CHECK_RC(pss_options_add_exclusion(options, S("Capabilities"), NULL, NULL, 0, S(""), NULL, NULL, 0, NULL),
             PSS_RESULT_INVALID_EXCLUSION);
    CHECK(exclusion_count(options) == 0);
    /* A valid one; the arrays are copied, not kept. */
    CHECK_RC(pss_options_add_exclusion(options, S("Capabilities"), ptrs, lens, 1, S(""), NULL, NULL, 0, NULL),
             PSS_RESULT_OK);
    ptrs[0] = (const uint8_t *)"xxxxx";
    CHECK(exclusion_count(options) == 1);
  }
  CHECK_RC(pss_options_exclusion_count(NULL, &(size_t){0}), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_options_exclusion_count(options, NULL), PSS_RESULT_NULL_PARAMETER);
  pss_options_free(options);
}

static void test_exclusions_applied(void) {
  static const char *const nginx[] = {"nginx*", NULL};
  static const char *const star[] = {"*", NULL};
  static const char *const net_admin[] = {"NET_ADMIN", NULL};
  pss_level_version *lv = new_level_version("baseline", "latest");
  pss_options *options = NULL;
  pss_evaluation *ev = NULL;
  pss_error *err = NULL;
  CHECK_RC(pss_options_new(&options), PSS_RESULT_OK);

  /* Without exclusions: three violations. */
  CHECK_RC(pss_level_version_evaluate(lv, options, S(TWO_IMAGES_POD), &ev, &err), PSS_RESULT_OK);
  CHECK_TEXT(pss_evaluation_reason, ev, "non-default capabilities, host namespaces, privileged");
  CHECK(field_count(ev, 2) == 2);
  pss_evaluation_free(ev);
  ev = NULL;

  /* nginx* exempts container "a" from Privileged Containers: "b" keeps its field, and upstream's
     detail stays whole. */
  CHECK_RC(add_exclusion(options, "Privileged Containers", nginx, "", NULL, &err), PSS_RESULT_OK);
  CHECK(err == NULL);
  CHECK_RC(pss_level_version_evaluate(lv, options, S(TWO_IMAGES_POD), &ev, &err), PSS_RESULT_OK);
  CHECK(violation_count(ev) == 3);
  CHECK(field_count(ev, 2) == 1);
  check_field(ev, 2, 0, "spec.containers[1].securityContext.privileged", "b");
  CHECK_TEXT(pss_evaluation_detail, ev,
             "non-default capabilities (container \"b\" must not include \"NET_ADMIN\" in "
             "securityContext.capabilities.add), host namespaces (hostNetwork=true), privileged (containers \"a\", "
             "\"b\" must not set securityContext.privileged=true)");
  pss_evaluation_free(ev);
  ev = NULL;

  /* Pod-level Host Namespaces narrowed to hostNetwork, capabilities narrowed to NET_ADMIN on any image. */
  CHECK_RC(add_exclusion(options, "Host Namespaces", NULL, "spec.hostNetwork", (const char *const[]){"true", NULL},
                         &err),
           PSS_RESULT_OK);
  CHECK_RC(add_exclusion(options, "Capabilities", star, "spec.containers[*].securityContext.capabilities.add",
                         net_admin, &err),
           PSS_RESULT_OK);
  CHECK(exclusion_count(options) == 3);
  CHECK_RC(pss_level_version_evaluate(lv, options, S(TWO_IMAGES_POD), &ev, &err), PSS_RESULT_OK);
  CHECK_TEXT(pss_evaluation_reason, ev, "privileged");
  CHECK_TEXT(pss_evaluation_denial_message, ev,
             "pods \"two\" is forbidden: violates PodSecurity \"baseline:latest\": privileged (containers \"a\", \"b\" "
             "must not set securityContext.privileged=true)");
  pss_evaluation_free(ev);
  ev = NULL;

  /* The same pod with its kind, through pss_evaluate; with the kind of another object it is refused (the
     pod functions take pods), whatever the options. */
  {
    static const char with_kind[] =
        "{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"two\"},\"spec\":{\"hostNetwork\":true,"
        "\"containers\":[{\"name\":\"b\",\"image\":\"busybox\",\"securityContext\":{\"privileged\":true}}]}}  \n";
    static const char other_kind[] =
        "{\"metadata\":{\"name\":\"two\"},\"spec\":{\"hostNetwork\":true,\"containers\":[{\"name\":\"b\",\"image\":"
        "\"busybox\",\"securityContext\":{\"privileged\":true}}]},\"kind\":\"Deployment\",\"apiVersion\":\"apps/v1\"}";
    CHECK_RC(pss_evaluate(S("baseline"), S("latest"), options, S(with_kind), &ev, &err), PSS_RESULT_OK);
    CHECK_TEXT(pss_evaluation_reason, ev, "privileged");
    CHECK_TEXT(pss_evaluation_kind, ev, "Pod");
    check_field(ev, 0, 0, "spec.containers[0].securityContext.privileged", "b");
    pss_evaluation_free(ev);
    ev = NULL;
    CHECK_RC(pss_evaluate(S("baseline"), S("latest"), options, S(other_kind), &ev, &err), PSS_RESULT_UNEXPECTED_KIND);
    CHECK(ev == NULL);
    pss_error_free(err);
    err = NULL;
  }
  /* Empty pods, with and without space inside the braces. */
  CHECK_RC(pss_level_version_evaluate(lv, options, S("{}"), &ev, &err), PSS_RESULT_OK);
  CHECK(allowed(ev));
  pss_evaluation_free(ev);
  ev = NULL;
  CHECK_RC(pss_level_version_evaluate(lv, options, S(" {\n} "), &ev, &err), PSS_RESULT_OK);
  CHECK(allowed(ev));
  pss_evaluation_free(ev);
  ev = NULL;
  /* Decoding errors are the same as without exclusions, positions included. */
  CHECK_RC(pss_level_version_evaluate(lv, options, S("{\"spec\":\n{\"hostPID\":\"x\"}}"), &ev, &err),
           PSS_RESULT_INVALID_TYPE);
  CHECK_TEXT(pss_error_display, err, "spec.hostPID: expected a boolean, found a string at line 2 column 12");
  pss_error_free(err);
  err = NULL;
  CHECK_RC(pss_level_version_evaluate(lv, options, S("{\"spec\":{}"), &ev, &err), PSS_RESULT_INVALID_JSON);
  pss_error_free(err);
  err = NULL;
  /* Malformed pods, also ones whose text starts with '{' and ends with '}': with exclusions, exactly
     the error (display, position) they get without. */
  {
    static const char *const malformed[] = {"{\"spec\": {\"hostPID\": true},}", "{\"a\":{\"b\":1}",
                                            "{\"a\":\"}", "{} {}", "{\"a\" \"b\"}", "[{}]", "{\"x\":\"\xff\"}",
                                            "{\"spec\":{\"containers\":[{\"name\":1}]}}"};
    size_t i;
    for (i = 0; i < LEN(malformed); i++) {
      pss_error *plain = NULL, *excluded = NULL;
      const uint8_t *p1 = NULL, *p2 = NULL;
      size_t n1 = 0, n2 = 0, l1 = 0, l2 = 1, c1 = 0, c2 = 1, o1 = 0, o2 = 1;
      pss_result r1 = pss_level_version_evaluate(lv, NULL, (const uint8_t *)malformed[i], strlen(malformed[i]), &ev,
                                          &plain);
      pss_result r2 = pss_level_version_evaluate(lv, options, (const uint8_t *)malformed[i], strlen(malformed[i]), &ev,
                                          &excluded);
      CHECK(r1 != PSS_RESULT_OK && r1 == r2);
      CHECK(plain != NULL && excluded != NULL);
      if (plain == NULL || excluded == NULL) continue;
      CHECK_RC(pss_error_display(plain, &p1, &n1), PSS_RESULT_OK);
      CHECK_RC(pss_error_display(excluded, &p2, &n2), PSS_RESULT_OK);
      CHECK(n1 == n2 && memcmp(p1, p2, n1) == 0);
      CHECK_RC(pss_error_position(plain, &l1, &c1, &o1), PSS_RESULT_OK);
      CHECK_RC(pss_error_position(excluded, &l2, &c2, &o2), PSS_RESULT_OK);
      CHECK(l1 == l2 && c1 == c2 && o1 == o2);
      pss_error_free(plain);
      pss_error_free(excluded);
    }
    CHECK(ev == NULL);
  }
  /* A kind of the wrong type, which the pod functions do not read, is reported once exclusions need it. */
  CHECK_RC(pss_level_version_evaluate(lv, options, S("{\"kind\":1,\"spec\":{}}"), &ev, &err), PSS_RESULT_INVALID_TYPE);
  CHECK_TEXT(pss_error_path, err, "kind");
  pss_error_free(err);
  err = NULL;
  CHECK(ev == NULL);

  /* Workloads: the restricted field is relative to the pod template. */
  {
    static const char deployment[] =
        "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\"},\"spec\":{\"template\":"
        "{\"spec\":{\"hostNetwork\":true,\"containers\":[{\"name\":\"a\",\"image\":\"nginx:1.27\","
        "\"securityContext\":{\"privileged\":true}},{\"name\":\"b\",\"image\":\"busybox\",\"securityContext\":"
        "{\"capabilities\":{\"add\":[\"NET_ADMIN\",\"SYS_TIME\"]}}}]}}}}";
    ev = evaluate_object(lv, options, deployment);
    CHECK_TEXT(pss_evaluation_reason, ev, "non-default capabilities");
    CHECK(violation_count(ev) == 1);
    CHECK(field_count(ev, 0) == 1);
    check_field(ev, 0, 0, "spec.template.spec.containers[1].securityContext.capabilities.add[1]", "b");
    pss_evaluation_free(ev);
    ev = evaluate_object(lv, NULL, deployment);
    CHECK_TEXT(pss_evaluation_reason, ev, "non-default capabilities, host namespaces, privileged");
    pss_evaluation_free(ev);
  }
  pss_options_free(options);
  pss_level_version_free(lv);
}

/* Resolves labels given as C strings (keys[i], values[i]). */
static pss_policy *from_labels(const char *const *keys, const char *const *values, size_t count,
                                         const pss_policy *defaults) {
  const uint8_t *kp[8], *vp[8];
  size_t kl[8], vl[8], i;
  pss_policy *np = NULL;
  pss_error *err = NULL;
  for (i = 0; i < count && i < 8; i++) {
    kp[i] = (const uint8_t *)keys[i];
    kl[i] = strlen(keys[i]);
    vp[i] = (const uint8_t *)values[i];
    vl[i] = strlen(values[i]);
  }
  CHECK_RC(pss_policy_from_labels(kp, kl, vp, vl, count, defaults, &np, &err), PSS_RESULT_OK);
  CHECK(err == NULL);
  CHECK(np != NULL);
  return np;
}

static void check_mode(const pss_policy *np,
                       pss_result (*mode)(const pss_policy *, const pss_level_version **), const char *level,
                       const char *version) {
  const pss_level_version *lv = NULL;
  CHECK_RC(mode(np, &lv), PSS_RESULT_OK);
  if (lv == NULL) return;
  CHECK_TEXT(pss_level_version_level, lv, level);
  CHECK_TEXT(pss_level_version_version, lv, version);
}

static size_t error_count(const pss_policy *np) {
  size_t n = 999;
  CHECK_RC(pss_policy_error_count(np, &n), PSS_RESULT_OK);
  return n;
}

static void check_label_error(const pss_policy *np, size_t index, const char *label, const char *value,
                              const char *detail) {
  const pss_label_error *e = NULL;
  char display[512];
  CHECK_RC(pss_policy_error(np, index, &e), PSS_RESULT_OK);
  if (e == NULL) return;
  snprintf(display, sizeof display, "metadata.labels[%s]: Invalid value: \"%s\": %s", label, value, detail);
  CHECK_TEXT(pss_label_error_display, e, display);
  CHECK_TEXT(pss_label_error_label, e, label);
  CHECK_TEXT(pss_label_error_value, e, value);
  CHECK_TEXT(pss_label_error_detail, e, detail);
}

static const char LEVELS[] = "must be one of privileged, baseline, restricted";
static const char VERSIONS[] = "must be \"latest\" or \"v1.x\"";

static void test_namespace_labels(void) {
  pss_policy *np;
  /* No labels: privileged:latest everywhere; with a count of 0 the arrays may be NULL. */
  {
    pss_error *err = NULL;
    np = NULL;
    CHECK_RC(pss_policy_from_labels(NULL, NULL, NULL, NULL, 0, NULL, &np, &err), PSS_RESULT_OK);
    CHECK_TEXT(pss_policy_display, np,
               "enforce=privileged:latest, audit=privileged:latest, warn=privileged:latest");
    CHECK(error_count(np) == 0);
    pss_policy_free(np);
  }
  /* Enforce baseline at a version, audit invalid, other labels ignored; warn follows enforce. */
  {
    static const char *const keys[] = {"app", "pod-security.kubernetes.io/enforce",
                                       "pod-security.kubernetes.io/enforce-version", "pod-security.kubernetes.io/audit"};
    static const char *const values[] = {"web", "baseline", "v1.29", "strict"};
    const pss_label_error *e = NULL;
    const pss_label_error *untouched = (const pss_label_error *)&e;
    pss_level_version *lv;
    const pss_level_version *enforce = NULL;
    pss_evaluation *ev = NULL;
    np = from_labels(keys, values, 4, NULL);
    check_mode(np, pss_policy_enforce, "baseline", "v1.29");
    check_mode(np, pss_policy_audit, "privileged", "latest");
    check_mode(np, pss_policy_warn, "baseline", "v1.29");
    CHECK_TEXT(pss_policy_display, np,
               "enforce=baseline:v1.29, audit=privileged:latest, warn=baseline:v1.29");
    CHECK(error_count(np) == 1);
    check_label_error(np, 0, "pod-security.kubernetes.io/audit", "strict", LEVELS);
    CHECK_RC(pss_policy_error(np, 1, &untouched), PSS_RESULT_INDEX_OUT_OF_RANGE);
    CHECK(untouched == (const pss_label_error *)&e);
    /* The borrowed level and version evaluate like any other. */
    CHECK_RC(pss_policy_enforce(np, &enforce), PSS_RESULT_OK);
    CHECK_RC(pss_level_version_evaluate_object(enforce, NULL, S(DEPLOYMENT), &ev, NULL), PSS_RESULT_OK);
    CHECK_TEXT(pss_evaluation_denial_message, ev,
               "deployments \"web\" (pods it creates would be denied): violates PodSecurity \"baseline:v1.29\": "
               "privileged (container \"app\" must not set securityContext.privileged=true)");
    pss_policy_free(np); /* the evaluation does not borrow it */
    CHECK(!allowed(ev));
    pss_evaluation_free(ev);

    /* Defaults from three policies; a repeated key takes its last value. */
    {
      static const char *const k2[] = {"pod-security.kubernetes.io/warn", "pod-security.kubernetes.io/warn"};
      static const char *const v2[] = {"privileged", "baseline"};
      pss_policy *defaults = NULL;
      pss_level_version *restricted = new_level_version("restricted", "v1.30");
      pss_level_version *baseline = new_level_version("baseline", "latest");
      lv = new_level_version("privileged", "latest");
      CHECK_RC(pss_policy_new(restricted, lv, baseline, &defaults), PSS_RESULT_OK);
      pss_level_version_free(restricted); /* copied */
      CHECK_TEXT(pss_policy_display, defaults,
                 "enforce=restricted:v1.30, audit=privileged:latest, warn=baseline:latest");
      CHECK(error_count(defaults) == 0);
      np = from_labels(k2, v2, 2, defaults);
      CHECK_TEXT(pss_policy_display, np,
                 "enforce=restricted:v1.30, audit=privileged:latest, warn=baseline:latest");
      pss_policy_free(np);
      np = from_labels(keys, values, 4, defaults);
      /* enforce is not stricter than the default warn, so warn keeps its default. */
      CHECK_TEXT(pss_policy_display, np, "enforce=baseline:v1.29, audit=privileged:latest, warn=baseline:latest");
      pss_policy_free(np);
      CHECK_RC(pss_policy_new(NULL, lv, baseline, &defaults), PSS_RESULT_NULL_PARAMETER);
      CHECK_RC(pss_policy_new(lv, NULL, baseline, &defaults), PSS_RESULT_NULL_PARAMETER);
      CHECK_RC(pss_policy_new(lv, lv, NULL, &defaults), PSS_RESULT_NULL_PARAMETER);
      CHECK_RC(pss_policy_new(lv, lv, lv, NULL), PSS_RESULT_NULL_PARAMETER);
      pss_policy_free(defaults);
      pss_level_version_free(baseline);
      pss_level_version_free(lv);
    }
  }
  /* Every label invalid: enforce fails closed (restricted), audit and warn open, versions latest. */
  {
    static const char *const keys[] = {
        "pod-security.kubernetes.io/warn-version", "pod-security.kubernetes.io/warn",
        "pod-security.kubernetes.io/audit-version", "pod-security.kubernetes.io/audit",
        "pod-security.kubernetes.io/enforce-version", "pod-security.kubernetes.io/enforce"};
    static const char *const values[] = {"v1.05", "Baseline", "1.25", "", "v2.0", "strict"};
    np = from_labels(keys, values, 6, NULL);
    CHECK_TEXT(pss_policy_display, np,
               "enforce=restricted:latest, audit=privileged:latest, warn=privileged:latest");
    CHECK(error_count(np) == 6);
    check_label_error(np, 0, "pod-security.kubernetes.io/enforce", "strict", LEVELS);
    check_label_error(np, 1, "pod-security.kubernetes.io/enforce-version", "v2.0", VERSIONS);
    check_label_error(np, 2, "pod-security.kubernetes.io/audit", "", LEVELS);
    check_label_error(np, 3, "pod-security.kubernetes.io/audit-version", "1.25", VERSIONS);
    check_label_error(np, 4, "pod-security.kubernetes.io/warn", "Baseline", LEVELS);
    check_label_error(np, 5, "pod-security.kubernetes.io/warn-version", "v1.05", VERSIONS);
    pss_policy_free(np);
  }
  /* Errors and NULL parameters. */
  {
    const uint8_t *kp[2] = {(const uint8_t *)"pod-security.kubernetes.io/enforce", NULL};
    size_t kl[2] = {34, 1};
    const uint8_t *vp[2] = {(const uint8_t *)"base\xffline", (const uint8_t *)"x"};
    size_t vl[2] = {9, 1};
    pss_policy *untouched = (pss_policy *)&np;
    pss_error *err = NULL;
    const pss_level_version *p = NULL;
    const pss_label_error *e = NULL;
    const uint8_t *tp = NULL;
    size_t tn = 0;
    CHECK_RC(pss_policy_from_labels(kp, kl, vp, vl, 1, NULL, &untouched, &err), PSS_RESULT_INVALID_UTF8);
    CHECK_TEXT(pss_error_message, err, "parameter values[0] is not valid UTF-8 (at byte 4)");
    pss_error_free(err);
    err = NULL;
    CHECK_RC(pss_policy_from_labels(kp, kl, vp, vl, 2, NULL, &untouched, &err), PSS_RESULT_NULL_PARAMETER);
    CHECK_TEXT(pss_error_message, err, "parameter keys[1] is NULL");
    pss_error_free(err);
    err = NULL;
    CHECK_RC(pss_policy_from_labels(NULL, kl, vp, vl, 1, NULL, &untouched, &err), PSS_RESULT_NULL_PARAMETER);
    CHECK_TEXT(pss_error_message, err, "parameter keys is NULL");
    pss_error_free(err);
    err = NULL;
    CHECK_RC(pss_policy_from_labels(kp, kl, vp, NULL, 1, NULL, &untouched, &err), PSS_RESULT_NULL_PARAMETER);
    CHECK_TEXT(pss_error_message, err, "parameter values_lens is NULL");
    pss_error_free(err);
    err = NULL;
    CHECK_RC(pss_policy_from_labels(kp, kl, vp, vl, SIZE_MAX, NULL, &untouched, &err),
             PSS_RESULT_INPUT_TOO_LARGE);
    pss_error_free(err);
    CHECK_RC(pss_policy_from_labels(NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL), PSS_RESULT_NULL_PARAMETER);
    CHECK(untouched == (pss_policy *)&np);

    np = from_labels((const char *const[]){"pod-security.kubernetes.io/enforce"}, (const char *const[]){"x"}, 1, NULL);
    CHECK_RC(pss_policy_enforce(NULL, &p), PSS_RESULT_NULL_PARAMETER);
    CHECK_RC(pss_policy_enforce(np, NULL), PSS_RESULT_NULL_PARAMETER);
    CHECK_RC(pss_policy_audit(NULL, &p), PSS_RESULT_NULL_PARAMETER);
    CHECK_RC(pss_policy_audit(np, NULL), PSS_RESULT_NULL_PARAMETER);
    CHECK_RC(pss_policy_warn(NULL, &p), PSS_RESULT_NULL_PARAMETER);
    CHECK_RC(pss_policy_warn(np, NULL), PSS_RESULT_NULL_PARAMETER);
    CHECK_RC(pss_policy_display(NULL, &tp, &tn), PSS_RESULT_NULL_PARAMETER);
    CHECK_RC(pss_policy_display(np, NULL, &tn), PSS_RESULT_NULL_PARAMETER);
    CHECK_RC(pss_policy_error_count(NULL, &tn), PSS_RESULT_NULL_PARAMETER);
    CHECK_RC(pss_policy_error_count(np, NULL), PSS_RESULT_NULL_PARAMETER);
    CHECK_RC(pss_policy_error(NULL, 0, &e), PSS_RESULT_NULL_PARAMETER);
    CHECK_RC(pss_policy_error(np, 0, NULL), PSS_RESULT_NULL_PARAMETER);
    CHECK_RC(pss_policy_error(np, 0, &e), PSS_RESULT_OK);
    CHECK_RC(pss_label_error_display(NULL, &tp, &tn), PSS_RESULT_NULL_PARAMETER);
    CHECK_RC(pss_label_error_display(e, &tp, NULL), PSS_RESULT_NULL_PARAMETER);
    CHECK_RC(pss_label_error_label(NULL, &tp, &tn), PSS_RESULT_NULL_PARAMETER);
    CHECK_RC(pss_label_error_label(e, NULL, &tn), PSS_RESULT_NULL_PARAMETER);
    CHECK_RC(pss_label_error_value(NULL, &tp, &tn), PSS_RESULT_NULL_PARAMETER);
    CHECK_RC(pss_label_error_value(e, &tp, NULL), PSS_RESULT_NULL_PARAMETER);
    CHECK_RC(pss_label_error_detail(NULL, &tp, &tn), PSS_RESULT_NULL_PARAMETER);
    CHECK_RC(pss_label_error_detail(e, NULL, NULL), PSS_RESULT_NULL_PARAMETER);
    check_label_error(np, 0, "pod-security.kubernetes.io/enforce", "x", LEVELS);
    pss_policy_free(np);
    pss_policy_free(NULL);
  }
}

static void test_result_codes(void) {
  uint8_t buf[PSS_RESULT_TEXT_MAX_LEN];
  size_t n = 0;
  CHECK(PSS_RESULT_NOT_A_WORKLOAD == 16);
  CHECK(PSS_RESULT_INVALID_EXCLUSION == 17);
  CHECK_RC(pss_result_text(PSS_RESULT_NOT_A_WORKLOAD, buf, sizeof buf, &n), PSS_RESULT_OK);
  CHECK_VIEW(buf, n, "the object is not a pod or a pod controller");
  CHECK_RC(pss_result_text(PSS_RESULT_INVALID_EXCLUSION, buf, sizeof buf, &n), PSS_RESULT_OK);
  CHECK_VIEW(buf, n, "invalid exclusion");
  CHECK(PSS_RESULT_BARE_POD_SPEC == 23);
  CHECK_RC(pss_result_text(PSS_RESULT_BARE_POD_SPEC, buf, sizeof buf, &n), PSS_RESULT_OK);
  CHECK_VIEW(buf, n, "a bare pod spec was given as a pod");
  CHECK(PSS_RESULT_UNVERIFIED == 24);
  CHECK_RC(pss_result_text(PSS_RESULT_UNVERIFIED, buf, sizeof buf, &n), PSS_RESULT_OK);
  CHECK_VIEW(buf, n, "the fix did not pass its re-evaluation");
  /* The first number after the admission and Kyverno codes (18-22, test_admission.c), 23 and 24. */
  CHECK_RC(pss_result_text(25, buf, sizeof buf, &n), PSS_RESULT_OK);
  CHECK_VIEW(buf, n, "unknown result code");
}

int main(void) {
  test_result_codes();
  test_deployment();
  test_every_kind();
  test_absent_template();
  test_object_errors();
  test_exclusion_errors();
  test_exclusions_applied();
  test_namespace_labels();
  return check_summary("test_workloads");
}
