/*
 * Tests of every function in pss.h, including every error path. Pods are embedded; the shared bench
 * pods (PSS_SHARED_DIR, default ../shared) are used additionally when present, and must be when the
 * environment variable CI is set.
 */
#include <stdint.h>

#include "check.h"

#define S(lit) (const uint8_t *)(lit), (sizeof(lit) - 1)

/* What `kubectl run privileged-pod --image=nginx --restart=Never --privileged` sends. */
static const char PRIVILEGED_POD[] =
    "{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"privileged-pod\",\"creationTimestamp\":null,"
    "\"labels\":{\"run\":\"privileged-pod\"}},\"spec\":{\"containers\":[{\"name\":\"privileged-pod\",\"image\":\"nginx\","
    "\"resources\":{},\"securityContext\":{\"privileged\":true}}],\"restartPolicy\":\"Never\",\"dnsPolicy\":"
    "\"ClusterFirst\"},\"status\":{}}";

static const char PRIVILEGED_DETAIL[] = "container \"privileged-pod\" must not set securityContext.privileged=true";
static const char PRIVILEGED_MESSAGE[] =
    "pods \"privileged-pod\" is forbidden: violates PodSecurity \"baseline:latest\": privileged (container "
    "\"privileged-pod\" must not set securityContext.privileged=true)";
static const char PRIVILEGED_PATH[] = "spec.containers[0].securityContext.privileged";

/* Restricted-compliant, two containers. */
static const char RESTRICTED_POD[] =
    "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"web\"},\"spec\":{\"securityContext\":"
    "{\"runAsNonRoot\":true,\"seccompProfile\":{\"type\":\"RuntimeDefault\"}},\"containers\":[{\"name\":\"app\","
    "\"image\":\"app\",\"securityContext\":{\"allowPrivilegeEscalation\":false,\"capabilities\":{\"drop\":[\"ALL\"]}}},"
    "{\"name\":\"proxy\",\"image\":\"proxy\",\"securityContext\":{\"allowPrivilegeEscalation\":false,"
    "\"capabilities\":{\"drop\":[\"ALL\"],\"add\":[\"NET_BIND_SERVICE\"]}}}],\"volumes\":[{\"name\":\"tmp\","
    "\"emptyDir\":{}}]}}";

/* Two pod-level violations and an annotation, over several lines (no name). */
static const char HOST_POD[] =
    "{\n"
    "  \"metadata\": {\"annotations\": {\"container.apparmor.security.beta.kubernetes.io/c\": \"unconfined\"}},\n"
    "  \"spec\": {\"hostNetwork\": true, \"hostPID\": true,\n"
    "           \"containers\": [{\"name\": \"c\", \"securityContext\": {\"capabilities\": {\"add\": [\"NET_ADMIN\", "
    "\"SYS_TIME\"]}}}]}\n"
    "}\n";

static pss_level_version *new_level_version(const char *level, const char *version) {
  pss_level_version *lv = NULL;
  pss_result rc = pss_level_version_new((const uint8_t *)level, strlen(level), (const uint8_t *)version, strlen(version),
                                 &lv, NULL);
  CHECK(rc == PSS_RESULT_OK);
  CHECK(lv != NULL);
  return lv;
}

static pss_evaluation *evaluate(const pss_level_version *lv, const char *pod, size_t len) {
  pss_evaluation *ev = NULL;
  pss_error *err = NULL;
  CHECK_RC(pss_level_version_evaluate(lv, NULL, (const uint8_t *)pod, len, &ev, &err), PSS_RESULT_OK);
  CHECK(err == NULL);
  CHECK(ev != NULL);
  return ev;
}

/* Checks a failed call's error object: code, message, display, path (NULL for none), position. */
static void check_error(pss_error *err, pss_result code, const char *message, const char *display, const char *path,
                        size_t line, size_t column, size_t offset) {
  pss_result got = PSS_RESULT_OK;
  const uint8_t *p = NULL;
  size_t n = 0, l = 99, c = 99, o = 99;
  CHECK(err != NULL);
  if (err == NULL) return;
  CHECK_RC(pss_error_code(err, &got), PSS_RESULT_OK);
  CHECK(got == code);
  CHECK_TEXT(pss_error_message, err, message);
  CHECK_TEXT(pss_error_display, err, display);
  CHECK_RC(pss_error_path(err, &p, &n), PSS_RESULT_OK);
  if (path == NULL) {
    CHECK(p == NULL && n == 0);
  } else {
    CHECK_VIEW(p, n, path);
  }
  CHECK_RC(pss_error_position(err, &l, &c, &o), PSS_RESULT_OK);
  CHECK(l == line);
  CHECK(c == column);
  CHECK(o == offset);
  if (l != line || c != column || o != offset)
    fprintf(stderr, "  position was %zu:%zu @%zu, expected %zu:%zu @%zu\n", l, c, o, line, column, offset);
}

/* Evaluates a pod that must fail; returns the error (caller frees). */
static pss_error *evaluate_fails(const char *pod, size_t len, pss_result code) {
  pss_level_version *lv = new_level_version("baseline", "latest");
  pss_evaluation *ev = (pss_evaluation *)&ev; /* sentinel: must not be written on failure */
  pss_error *err = NULL;
  CHECK_RC(pss_level_version_evaluate(lv, NULL, (const uint8_t *)pod, len, &ev, &err), code);
  CHECK(ev == (pss_evaluation *)&ev);
  pss_level_version_free(lv);
  return err;
}

static void test_version(void) {
  CHECK(pss_version() == PSS_VERSION_NUMBER);
  CHECK(PSS_VERSION_NUMBER == PSS_VERSION_MAJOR * 10000 + PSS_VERSION_MINOR * 100 + PSS_VERSION_PATCH);
}

static void test_result_text(void) {
  uint8_t buf[PSS_RESULT_TEXT_MAX_LEN];
  uint8_t small[4] = {0xAA, 0xAA, 0xAA, 0xAA};
  size_t n = 0;
  unsigned code;
  for (code = 0; code <= PSS_RESULT_INVALID_EXCLUSION; code++) {
    n = 0;
    CHECK_RC(pss_result_text(code, buf, sizeof buf, &n), PSS_RESULT_OK);
    CHECK(n > 0 && n <= PSS_RESULT_TEXT_MAX_LEN);
    CHECK(!view_equals(buf, n, "unknown result code"));
  }
  CHECK_RC(pss_result_text(PSS_RESULT_OK, buf, sizeof buf, &n), PSS_RESULT_OK);
  CHECK_VIEW(buf, n, "ok");
  CHECK_RC(pss_result_text(PSS_RESULT_INVALID_LEVEL, buf, sizeof buf, &n), PSS_RESULT_OK);
  CHECK_VIEW(buf, n, "invalid level");
  CHECK_RC(pss_result_text(PSS_RESULT_INVALID_JSON, buf, sizeof buf, &n), PSS_RESULT_OK);
  CHECK_VIEW(buf, n, "the pod is not well-formed JSON");
  CHECK_RC(pss_result_text(PSS_RESULT_PANIC, buf, sizeof buf, &n), PSS_RESULT_OK);
  CHECK_VIEW(buf, n, "internal error (panic)");
  CHECK_RC(pss_result_text(9999, buf, sizeof buf, &n), PSS_RESULT_OK);
  CHECK_VIEW(buf, n, "unknown result code");
  /* An exactly-sized buffer is enough. */
  CHECK_RC(pss_result_text(PSS_RESULT_OK, small, 2, &n), PSS_RESULT_OK);
  CHECK(n == 2 && small[0] == 'o' && small[1] == 'k' && small[2] == 0xAA);
  /* Too small: nothing written, not even out_n. */
  small[0] = small[1] = 0xAA;
  n = 12345;
  CHECK_RC(pss_result_text(PSS_RESULT_INVALID_LEVEL, small, sizeof small, &n), PSS_RESULT_INSUFFICIENT_SIZE);
  CHECK(n == 12345 && small[0] == 0xAA && small[3] == 0xAA);
  /* Zero-length buffer. */
  CHECK_RC(pss_result_text(PSS_RESULT_OK, small, 0, &n), PSS_RESULT_INSUFFICIENT_SIZE);
  CHECK(n == 12345);
  CHECK_RC(pss_result_text(PSS_RESULT_OK, NULL, 16, &n), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_result_text(PSS_RESULT_OK, buf, sizeof buf, NULL), PSS_RESULT_NULL_PARAMETER);
}

static void test_level_version(void) {
  pss_level_version *lv = NULL;
  pss_level_version *untouched = (pss_level_version *)&lv;
  pss_error *err = (pss_error *)&err; /* sentinel: must not be written on success */

  CHECK_RC(pss_level_version_new(S("restricted"), S("v1.40"), &lv, &err), PSS_RESULT_OK);
  CHECK(err == (pss_error *)&err);
  CHECK_TEXT(pss_level_version_level, lv, "restricted");
  CHECK_TEXT(pss_level_version_version, lv, "v1.40");
  pss_level_version_free(lv);

  lv = new_level_version("privileged", "latest");
  CHECK_TEXT(pss_level_version_level, lv, "privileged");
  CHECK_TEXT(pss_level_version_version, lv, "latest");
  pss_level_version_free(lv);

  err = NULL;
  CHECK_RC(pss_level_version_new(S("Baseline"), S("latest"), &untouched, &err), PSS_RESULT_INVALID_LEVEL);
  CHECK(untouched == (pss_level_version *)&lv);
  check_error(err, PSS_RESULT_INVALID_LEVEL, "invalid level \"Baseline\": must be one of privileged, baseline, restricted",
              "invalid level \"Baseline\": must be one of privileged, baseline, restricted", NULL, 0, 0, 0);
  pss_error_free(err);

  err = NULL;
  CHECK_RC(pss_level_version_new(S("baseline"), S("v1.05"), &untouched, &err), PSS_RESULT_INVALID_VERSION);
  check_error(err, PSS_RESULT_INVALID_VERSION, "invalid version \"v1.05\": must be \"latest\" or \"v1.x\"",
              "invalid version \"v1.05\": must be \"latest\" or \"v1.x\"", NULL, 0, 0, 0);
  pss_error_free(err);

  /* Zero-length (non-NULL) level and version are invalid values, not NULL parameters. */
  err = NULL;
  CHECK_RC(pss_level_version_new((const uint8_t *)"x", 0, S("latest"), &untouched, &err), PSS_RESULT_INVALID_LEVEL);
  check_error(err, PSS_RESULT_INVALID_LEVEL, "invalid level \"\": must be one of privileged, baseline, restricted",
              "invalid level \"\": must be one of privileged, baseline, restricted", NULL, 0, 0, 0);
  pss_error_free(err);
  err = NULL;
  CHECK_RC(pss_level_version_new(S("baseline"), (const uint8_t *)"x", 0, &untouched, &err), PSS_RESULT_INVALID_VERSION);
  pss_error_free(err);

  /* Invalid UTF-8 in the version: reported with the byte offset. */
  err = NULL;
  CHECK_RC(pss_level_version_new(S("baseline"), S("v1.\xff"), &untouched, &err), PSS_RESULT_INVALID_UTF8);
  check_error(err, PSS_RESULT_INVALID_UTF8, "parameter version is not valid UTF-8 (at byte 3)",
              "parameter version is not valid UTF-8 (at byte 3) at line 1 column 4", NULL, 1, 4, 3);
  pss_error_free(err);

  /* NULL parameters: reported, with an error object naming the parameter. */
  err = NULL;
  CHECK_RC(pss_level_version_new(NULL, 0, S("latest"), &untouched, &err), PSS_RESULT_NULL_PARAMETER);
  check_error(err, PSS_RESULT_NULL_PARAMETER, "parameter level is NULL", "parameter level is NULL", NULL, 0, 0, 0);
  pss_error_free(err);
  err = NULL;
  CHECK_RC(pss_level_version_new(S("baseline"), NULL, 6, &untouched, &err), PSS_RESULT_NULL_PARAMETER);
  check_error(err, PSS_RESULT_NULL_PARAMETER, "parameter version is NULL", "parameter version is NULL", NULL, 0, 0,
              0);
  pss_error_free(err);
  err = NULL;
  CHECK_RC(pss_level_version_new(S("baseline"), S("latest"), NULL, &err), PSS_RESULT_NULL_PARAMETER);
  check_error(err, PSS_RESULT_NULL_PARAMETER, "parameter out is NULL", "parameter out is NULL", NULL, 0, 0, 0);
  pss_error_free(err);
  /* err_out may be NULL. */
  CHECK_RC(pss_level_version_new(S("nope"), S("latest"), &untouched, NULL), PSS_RESULT_INVALID_LEVEL);
  CHECK(untouched == (pss_level_version *)&lv);

  CHECK_RC(pss_level_version_level(NULL, &(const uint8_t *){NULL}, &(size_t){0}), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_level_version_version(NULL, &(const uint8_t *){NULL}, &(size_t){0}), PSS_RESULT_NULL_PARAMETER);
  lv = new_level_version("baseline", "latest");
  CHECK_RC(pss_level_version_level(lv, NULL, &(size_t){0}), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_level_version_version(lv, &(const uint8_t *){NULL}, NULL), PSS_RESULT_NULL_PARAMETER);
  pss_level_version_free(lv);
  pss_level_version_free(NULL);
}

/* The exact strings for the privileged pod at baseline:latest, through a violation and field walk. */
static void check_privileged_baseline(const pss_evaluation *ev) {
  bool allowed = true;
  size_t count = 0, fields = 0;
  const pss_violation *v = NULL;
  const pss_field *f = NULL;
  CHECK_RC(pss_evaluation_allowed(ev, &allowed), PSS_RESULT_OK);
  CHECK(!allowed);
  CHECK_TEXT(pss_evaluation_reason, ev, "privileged");
  CHECK_TEXT(pss_evaluation_detail, ev,
             "privileged (container \"privileged-pod\" must not set securityContext.privileged=true)");
  CHECK_TEXT(pss_evaluation_denial_message, ev, PRIVILEGED_MESSAGE);
  CHECK_TEXT(pss_evaluation_pod_name, ev, "privileged-pod");
  CHECK_RC(pss_evaluation_violation_count(ev, &count), PSS_RESULT_OK);
  CHECK(count == 1);
  CHECK_RC(pss_evaluation_violation(ev, 0, &v), PSS_RESULT_OK);
  CHECK_TEXT(pss_violation_check_id, v, "privileged");
  CHECK_TEXT(pss_violation_reason, v, "privileged");
  CHECK_TEXT(pss_violation_detail, v, PRIVILEGED_DETAIL);
  CHECK_RC(pss_violation_field_count(v, &fields), PSS_RESULT_OK);
  CHECK(fields == 1);
  CHECK_RC(pss_violation_field(v, 0, &f), PSS_RESULT_OK);
  CHECK_TEXT(pss_field_path, f, PRIVILEGED_PATH);
  CHECK_TEXT(pss_field_value_json, f, "true");
  CHECK_TEXT(pss_field_container, f, "privileged-pod");
}

static void test_privileged_pod(void) {
  pss_level_version *lv = new_level_version("baseline", "latest");
  pss_evaluation *ev = evaluate(lv, PRIVILEGED_POD, sizeof PRIVILEGED_POD - 1);
  pss_evaluation *ev2 = NULL;
  pss_error *err = NULL;
  const pss_violation *v = NULL;
  const pss_field *f = NULL;
  const pss_violation *untouched_v = (const pss_violation *)&v;
  const pss_field *untouched_f = (const pss_field *)&f;

  /* The evaluation does not borrow the level and version: free them first. */
  pss_level_version_free(lv);
  check_privileged_baseline(ev);

  /* Out-of-range indexes leave the out-parameter alone. */
  CHECK_RC(pss_evaluation_violation(ev, 1, &untouched_v), PSS_RESULT_INDEX_OUT_OF_RANGE);
  CHECK(untouched_v == (const pss_violation *)&v);
  CHECK_RC(pss_evaluation_violation(ev, SIZE_MAX, &untouched_v), PSS_RESULT_INDEX_OUT_OF_RANGE);
  CHECK_RC(pss_evaluation_violation(ev, 0, &v), PSS_RESULT_OK);
  CHECK_RC(pss_violation_field(v, 1, &untouched_f), PSS_RESULT_INDEX_OUT_OF_RANGE);
  CHECK(untouched_f == (const pss_field *)&f);
  pss_evaluation_free(ev);

  /* The same through pss_evaluate with text arguments. */
  CHECK_RC(pss_evaluate(S("baseline"), S("latest"), NULL, (const uint8_t *)PRIVILEGED_POD, sizeof PRIVILEGED_POD - 1,
                        &ev2, &err),
           PSS_RESULT_OK);
  CHECK(err == NULL);
  check_privileged_baseline(ev2);
  pss_evaluation_free(ev2);

  /* At privileged it is allowed; at an old baseline version the message names that version. */
  lv = new_level_version("privileged", "latest");
  ev = evaluate(lv, PRIVILEGED_POD, sizeof PRIVILEGED_POD - 1);
  {
    bool allowed = false;
    size_t count = 99;
    CHECK_RC(pss_evaluation_allowed(ev, &allowed), PSS_RESULT_OK);
    CHECK(allowed);
    CHECK_RC(pss_evaluation_violation_count(ev, &count), PSS_RESULT_OK);
    CHECK(count == 0);
    CHECK_TEXT(pss_evaluation_reason, ev, "");
    CHECK_TEXT(pss_evaluation_detail, ev, "");
    CHECK_TEXT(pss_evaluation_denial_message, ev, "");
  }
  pss_evaluation_free(ev);
  pss_level_version_free(lv);

  lv = new_level_version("baseline", "v1.0");
  ev = evaluate(lv, PRIVILEGED_POD, sizeof PRIVILEGED_POD - 1);
  CHECK_TEXT(pss_evaluation_denial_message, ev,
             "pods \"privileged-pod\" is forbidden: violates PodSecurity \"baseline:v1.0\": privileged (container "
             "\"privileged-pod\" must not set securityContext.privileged=true)");
  pss_evaluation_free(ev);
  pss_level_version_free(lv);
}

static void test_privileged_pod_restricted(void) {
  static const char *const checks[] = {"privileged", "allowPrivilegeEscalation", "capabilities_restricted",
                                       "runAsNonRoot", "seccompProfile_restricted"};
  static const char *const reasons[] = {"privileged", "allowPrivilegeEscalation != false",
                                        "unrestricted capabilities", "runAsNonRoot != true", "seccompProfile"};
  pss_level_version *lv = new_level_version("restricted", "latest");
  pss_evaluation *ev = evaluate(lv, PRIVILEGED_POD, sizeof PRIVILEGED_POD - 1);
  size_t count = 0, i;
  CHECK_TEXT(pss_evaluation_reason, ev,
             "privileged, allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, "
             "seccompProfile");
  CHECK_TEXT(pss_evaluation_detail, ev,
             "privileged (container \"privileged-pod\" must not set securityContext.privileged=true), "
             "allowPrivilegeEscalation != false (container \"privileged-pod\" must set "
             "securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container \"privileged-pod\" "
             "must set securityContext.capabilities.drop=[\"ALL\"]), runAsNonRoot != true (pod or container "
             "\"privileged-pod\" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "
             "\"privileged-pod\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")");
  CHECK_RC(pss_evaluation_violation_count(ev, &count), PSS_RESULT_OK);
  CHECK(count == 5);
  for (i = 0; i < count && i < 5; i++) {
    const pss_violation *v = NULL;
    size_t fields = 0, j;
    CHECK_RC(pss_evaluation_violation(ev, i, &v), PSS_RESULT_OK);
    CHECK_TEXT(pss_violation_check_id, v, checks[i]);
    CHECK_TEXT(pss_violation_reason, v, reasons[i]);
    CHECK_RC(pss_violation_field_count(v, &fields), PSS_RESULT_OK);
    CHECK(fields >= 1);
    for (j = 0; j < fields; j++) {
      const pss_field *f = NULL;
      const uint8_t *p = NULL;
      size_t n = 0;
      CHECK_RC(pss_violation_field(v, j, &f), PSS_RESULT_OK);
      CHECK_RC(pss_field_path(f, &p, &n), PSS_RESULT_OK);
      CHECK(n > 5 && memcmp(p, "spec.", 5) == 0);
      CHECK_RC(pss_field_value_json(f, &p, &n), PSS_RESULT_OK);
      CHECK(n > 0);
    }
  }
  {
    const pss_violation *v = NULL;
    const pss_field *f = NULL;
    CHECK_RC(pss_evaluation_violation(ev, 4, &v), PSS_RESULT_OK);
    CHECK_RC(pss_violation_field(v, 0, &f), PSS_RESULT_OK);
    CHECK_TEXT(pss_field_value_json, f, "null");
  }
  pss_evaluation_free(ev);
  pss_level_version_free(lv);
}

static void test_allowed_pod(void) {
  pss_level_version *lv = new_level_version("restricted", "latest");
  pss_evaluation *ev = evaluate(lv, RESTRICTED_POD, sizeof RESTRICTED_POD - 1);
  bool allowed = false;
  size_t count = 99;
  const pss_violation *v = (const pss_violation *)&count;
  CHECK_RC(pss_evaluation_allowed(ev, &allowed), PSS_RESULT_OK);
  CHECK(allowed);
  CHECK_RC(pss_evaluation_violation_count(ev, &count), PSS_RESULT_OK);
  CHECK(count == 0);
  CHECK_RC(pss_evaluation_violation(ev, 0, &v), PSS_RESULT_INDEX_OUT_OF_RANGE);
  CHECK(v == (const pss_violation *)&count);
  CHECK_TEXT(pss_evaluation_reason, ev, "");
  CHECK_TEXT(pss_evaluation_denial_message, ev, "");
  CHECK_TEXT(pss_evaluation_pod_name, ev, "web");
  pss_evaluation_free(ev);
  pss_level_version_free(lv);
}

static void test_pod_level_fields(void) {
  pss_level_version *lv = new_level_version("baseline", "latest");
  pss_evaluation *ev = evaluate(lv, HOST_POD, sizeof HOST_POD - 1);
  const pss_violation *v = NULL;
  const pss_field *f = NULL;
  const uint8_t *p = (const uint8_t *)"x";
  size_t n = 7, count = 0;
  CHECK_TEXT(pss_evaluation_reason, ev, "forbidden AppArmor profile, non-default capabilities, host namespaces");
  /* No metadata.name: no pod name, and the message names none (as the API server's does). */
  CHECK_RC(pss_evaluation_pod_name(ev, &p, &n), PSS_RESULT_OK);
  CHECK(p == NULL && n == 0);
  CHECK_TEXT(pss_evaluation_denial_message, ev,
             "pods is forbidden: violates PodSecurity \"baseline:latest\": forbidden AppArmor profile "
             "(annotation must not set AppArmor profile type to "
             "\"container.apparmor.security.beta.kubernetes.io/c=\"unconfined\"\"), non-default capabilities "
             "(container \"c\" must not include \"NET_ADMIN\", \"SYS_TIME\" in securityContext.capabilities.add), "
             "host namespaces (hostNetwork=true, hostPID=true)");
  CHECK_RC(pss_evaluation_violation_count(ev, &count), PSS_RESULT_OK);
  CHECK(count == 3);
  CHECK_RC(pss_evaluation_violation(ev, 0, &v), PSS_RESULT_OK);
  CHECK_TEXT(pss_violation_check_id, v, "appArmorProfile");
  CHECK_RC(pss_violation_field(v, 0, &f), PSS_RESULT_OK);
  CHECK_TEXT(pss_field_path, f, "metadata.annotations[container.apparmor.security.beta.kubernetes.io/c]");
  CHECK_TEXT(pss_field_value_json, f, "\"unconfined\"");
  CHECK_RC(pss_evaluation_violation(ev, 1, &v), PSS_RESULT_OK);
  CHECK_TEXT(pss_violation_check_id, v, "capabilities_baseline");
  CHECK_RC(pss_violation_field(v, 0, &f), PSS_RESULT_OK);
  CHECK_TEXT(pss_field_path, f, "spec.containers[0].securityContext.capabilities.add[0]");
  CHECK_TEXT(pss_field_value_json, f, "\"NET_ADMIN\"");
  CHECK_TEXT(pss_field_container, f, "c");
  CHECK_RC(pss_violation_field_count(v, &count), PSS_RESULT_OK);
  CHECK(count == 2);
  CHECK_RC(pss_violation_field(v, 1, &f), PSS_RESULT_OK);
  CHECK_TEXT(pss_field_path, f, "spec.containers[0].securityContext.capabilities.add[1]");
  CHECK_TEXT(pss_field_value_json, f, "\"SYS_TIME\"");
  CHECK_RC(pss_evaluation_violation(ev, 2, &v), PSS_RESULT_OK);
  CHECK_TEXT(pss_violation_check_id, v, "hostNamespaces");
  CHECK_TEXT(pss_violation_detail, v, "hostNetwork=true, hostPID=true");
  CHECK_RC(pss_violation_field_count(v, &count), PSS_RESULT_OK);
  CHECK(count == 2);
  CHECK_RC(pss_violation_field(v, 1, &f), PSS_RESULT_OK);
  CHECK_TEXT(pss_field_path, f, "spec.hostPID");
  p = (const uint8_t *)"x";
  n = 7;
  CHECK_RC(pss_field_container(f, &p, &n), PSS_RESULT_OK);
  CHECK(p == NULL && n == 0);
  pss_evaluation_free(ev);
  pss_level_version_free(lv);
}

static void test_decode_errors(void) {
  pss_error *err;
  static const char truncated[] = "{\"spec\": {\"containers\": [";
  static const char bad_utf8[] = "{\"metadata\": {\"name\": \"a\xc3\x28\"}}";
  static const char wrong_type[] = "{\n  \"spec\": {\"hostPID\": \"yes\"}\n}";
  static const char out_of_range[] = "{\"spec\": {\"securityContext\": {\"runAsUser\": 99999999999999999999}}}";
  char deep[20000];

  err = evaluate_fails(truncated, sizeof truncated - 1, PSS_RESULT_INVALID_JSON);
  CHECK(err != NULL);
  {
    size_t l = 0, c = 0, o = 0;
    CHECK_RC(pss_error_position(err, &l, &c, &o), PSS_RESULT_OK);
    CHECK(l == 1 && o == sizeof truncated - 1);
  }
  pss_error_free(err);

  /* A zero-length (non-NULL) pod is malformed JSON. */
  err = evaluate_fails("", 0, PSS_RESULT_INVALID_JSON);
  pss_error_free(err);

  err = evaluate_fails(bad_utf8, sizeof bad_utf8 - 1, PSS_RESULT_INVALID_UTF8);
  check_error(err, PSS_RESULT_INVALID_UTF8, "invalid UTF-8", "invalid UTF-8 at line 1 column 25", NULL, 1, 25, 24);
  pss_error_free(err);

  err = evaluate_fails("[1, 2]", 6, PSS_RESULT_NOT_AN_OBJECT);
  pss_error_free(err);

  err = evaluate_fails(wrong_type, sizeof wrong_type - 1, PSS_RESULT_INVALID_TYPE);
  check_error(err, PSS_RESULT_INVALID_TYPE, "expected a boolean, found a string",
              "spec.hostPID: expected a boolean, found a string at line 2 column 23", "spec.hostPID", 2, 23, 24);
  pss_error_free(err);

  err = evaluate_fails(out_of_range, sizeof out_of_range - 1, PSS_RESULT_NUMBER_OUT_OF_RANGE);
  {
    const uint8_t *p = NULL;
    size_t n = 0;
    CHECK_RC(pss_error_path(err, &p, &n), PSS_RESULT_OK);
    CHECK_VIEW(p, n, "spec.securityContext.runAsUser");
  }
  pss_error_free(err);

  memset(deep, '[', sizeof deep);
  deep[0] = '{';
  deep[1] = '"';
  deep[2] = 'a';
  deep[3] = '"';
  deep[4] = ':';
  err = evaluate_fails(deep, sizeof deep, PSS_RESULT_TOO_DEEP);
  pss_error_free(err);

  /* err_out NULL: the code alone. */
  {
    pss_level_version *lv = new_level_version("baseline", "latest");
    pss_evaluation *ev = NULL;
    CHECK_RC(pss_level_version_evaluate(lv, NULL, S("{"), &ev, NULL), PSS_RESULT_INVALID_JSON);
    CHECK(ev == NULL);
    pss_level_version_free(lv);
  }

  /* pss_evaluate checks the level and version before the pod. */
  {
    pss_evaluation *ev = NULL;
    err = NULL;
    CHECK_RC(pss_evaluate(S("strict"), S("latest"), NULL, S("{"), &ev, &err), PSS_RESULT_INVALID_LEVEL);
    pss_error_free(err);
    err = NULL;
    CHECK_RC(pss_evaluate(S("baseline"), S("1.25"), NULL, S("{"), &ev, &err), PSS_RESULT_INVALID_VERSION);
    check_error(err, PSS_RESULT_INVALID_VERSION, "invalid version \"1.25\": must be \"latest\" or \"v1.x\"",
                "invalid version \"1.25\": must be \"latest\" or \"v1.x\"", NULL, 0, 0, 0);
    pss_error_free(err);
    err = NULL;
    CHECK_RC(pss_evaluate(S("baseline"), S("latest"), NULL, S("{"), &ev, &err), PSS_RESULT_INVALID_JSON);
    pss_error_free(err);
    err = NULL;
    CHECK_RC(pss_evaluate(S("\xff"), S("latest"), NULL, S("{}"), &ev, &err), PSS_RESULT_INVALID_UTF8);
    pss_error_free(err);
    CHECK(ev == NULL);
  }
}

static void test_null_parameters(void) {
  pss_level_version *lv = new_level_version("baseline", "latest");
  pss_evaluation *ev = evaluate(lv, PRIVILEGED_POD, sizeof PRIVILEGED_POD - 1);
  pss_evaluation *out = NULL;
  const pss_violation *v = NULL;
  const pss_field *f = NULL;
  pss_error *err = NULL;
  const uint8_t *p = NULL;
  size_t n = 0;
  bool b = false;
  pss_result code = PSS_RESULT_OK;

  CHECK_RC(pss_evaluation_violation(ev, 0, &v), PSS_RESULT_OK);
  CHECK_RC(pss_violation_field(v, 0, &f), PSS_RESULT_OK);

  /* Evaluate: NULL level and version, pod (even with length 0) and out. */
  CHECK_RC(pss_level_version_evaluate(NULL, NULL, S("{}"), &out, &err), PSS_RESULT_NULL_PARAMETER);
  check_error(err, PSS_RESULT_NULL_PARAMETER, "parameter level_version is NULL", "parameter level_version is NULL", NULL,
              0, 0, 0);
  pss_error_free(err);
  err = NULL;
  CHECK_RC(pss_level_version_evaluate(lv, NULL, NULL, 0, &out, &err), PSS_RESULT_NULL_PARAMETER);
  check_error(err, PSS_RESULT_NULL_PARAMETER, "parameter pod is NULL", "parameter pod is NULL", NULL, 0, 0, 0);
  pss_error_free(err);
  CHECK_RC(pss_level_version_evaluate(lv, NULL, NULL, 10, &out, NULL), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_level_version_evaluate(lv, NULL, S("{}"), NULL, NULL), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_evaluate(NULL, 8, S("latest"), NULL, S("{}"), &out, NULL), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_evaluate(S("baseline"), NULL, 6, NULL, S("{}"), &out, NULL), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_evaluate(S("baseline"), S("latest"), NULL, NULL, 2, &out, NULL), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_evaluate(S("baseline"), S("latest"), NULL, S("{}"), NULL, NULL), PSS_RESULT_NULL_PARAMETER);
  CHECK(out == NULL);

  /* Evaluation accessors. */
  CHECK_RC(pss_evaluation_allowed(NULL, &b), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_evaluation_allowed(ev, NULL), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_evaluation_reason(NULL, &p, &n), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_evaluation_reason(ev, NULL, &n), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_evaluation_detail(NULL, &p, &n), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_evaluation_detail(ev, &p, NULL), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_evaluation_denial_message(NULL, &p, &n), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_evaluation_denial_message(ev, NULL, NULL), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_evaluation_pod_name(NULL, &p, &n), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_evaluation_pod_name(ev, NULL, &n), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_evaluation_violation_count(NULL, &n), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_evaluation_violation_count(ev, NULL), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_evaluation_violation(NULL, 0, &v), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_evaluation_violation(ev, 0, NULL), PSS_RESULT_NULL_PARAMETER);

  /* Violation and field accessors. */
  CHECK_RC(pss_violation_check_id(NULL, &p, &n), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_violation_check_id(v, NULL, &n), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_violation_reason(NULL, &p, &n), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_violation_reason(v, &p, NULL), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_violation_detail(NULL, &p, &n), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_violation_detail(v, NULL, NULL), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_violation_field_count(NULL, &n), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_violation_field_count(v, NULL), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_violation_field(NULL, 0, &f), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_violation_field(v, 0, NULL), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_field_path(NULL, &p, &n), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_field_path(f, NULL, &n), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_field_value_json(NULL, &p, &n), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_field_value_json(f, &p, NULL), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_field_container(NULL, &p, &n), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_field_container(f, NULL, &n), PSS_RESULT_NULL_PARAMETER);

  /* Error accessors. */
  CHECK_RC(pss_level_version_evaluate(lv, NULL, S("{"), &out, &err), PSS_RESULT_INVALID_JSON);
  CHECK_RC(pss_error_code(NULL, &code), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_error_code(err, NULL), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_error_message(NULL, &p, &n), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_error_message(err, NULL, &n), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_error_display(NULL, &p, &n), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_error_display(err, &p, NULL), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_error_path(NULL, &p, &n), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_error_path(err, NULL, NULL), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_error_position(NULL, &n, &n, &n), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_error_position(err, NULL, &n, &n), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_error_position(err, &n, NULL, &n), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_error_position(err, &n, &n, NULL), PSS_RESULT_NULL_PARAMETER);
  pss_error_free(err);

  /* Options. */
  CHECK_RC(pss_options_new(NULL), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_options_set_max_input_len(NULL, 10), PSS_RESULT_NULL_PARAMETER);

  /* Every _free accepts NULL. */
  pss_level_version_free(NULL);
  pss_options_free(NULL);
  pss_evaluation_free(NULL);
  pss_error_free(NULL);

  pss_evaluation_free(ev);
  pss_level_version_free(lv);
}

static void test_options(void) {
  pss_options *options = NULL;
  pss_level_version *lv = new_level_version("baseline", "latest");
  pss_evaluation *ev = NULL;
  pss_error *err = NULL;
  CHECK_RC(pss_options_new(&options), PSS_RESULT_OK);
  CHECK(options != NULL);
  /* Defaults: same as no options. */
  CHECK_RC(pss_level_version_evaluate(lv, options, (const uint8_t *)PRIVILEGED_POD, sizeof PRIVILEGED_POD - 1, &ev, &err),
           PSS_RESULT_OK);
  check_privileged_baseline(ev);
  pss_evaluation_free(ev);
  ev = NULL;
  /* A limit exactly the pod's size admits it; one byte less refuses it before reading. */
  CHECK_RC(pss_options_set_max_input_len(options, sizeof PRIVILEGED_POD - 1), PSS_RESULT_OK);
  CHECK_RC(pss_level_version_evaluate(lv, options, (const uint8_t *)PRIVILEGED_POD, sizeof PRIVILEGED_POD - 1, &ev, &err),
           PSS_RESULT_OK);
  pss_evaluation_free(ev);
  ev = NULL;
  CHECK_RC(pss_options_set_max_input_len(options, 10), PSS_RESULT_OK);
  CHECK_RC(pss_level_version_evaluate(lv, options, (const uint8_t *)PRIVILEGED_POD, sizeof PRIVILEGED_POD - 1, &ev, &err),
           PSS_RESULT_INPUT_TOO_LARGE);
  CHECK(ev == NULL);
  check_error(err, PSS_RESULT_INPUT_TOO_LARGE, "the pod is 310 bytes, more than the 10 the options allow",
              "the pod is 310 bytes, more than the 10 the options allow", NULL, 0, 0, 0);
  pss_error_free(err);
  err = NULL;
  CHECK_RC(pss_evaluate(S("baseline"), S("latest"), options, (const uint8_t *)PRIVILEGED_POD, sizeof PRIVILEGED_POD - 1,
                        &ev, &err),
           PSS_RESULT_INPUT_TOO_LARGE);
  pss_error_free(err);
  pss_options_free(options);
  pss_level_version_free(lv);
}

/* 50 MB inputs: a valid pod with a huge annotation, a huge truncated one, huge nesting, a limit. */
static void test_huge_inputs(void) {
  static const char head[] = "{\"metadata\":{\"name\":\"big\",\"annotations\":{\"note\":\"";
  static const char tail[] = "\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"securityContext\":{\"privileged\":true}}]}}";
  const size_t size = 50u * 1024u * 1024u;
  char *pod = malloc(size);
  pss_level_version *lv = new_level_version("baseline", "latest");
  pss_options *options = NULL;
  pss_evaluation *ev = NULL;
  pss_error *err = NULL;
  CHECK(pod != NULL);
  if (pod == NULL) return;
  memcpy(pod, head, sizeof head - 1);
  memset(pod + sizeof head - 1, 'x', size - (sizeof head - 1) - (sizeof tail - 1));
  memcpy(pod + size - (sizeof tail - 1), tail, sizeof tail - 1);

  CHECK_RC(pss_level_version_evaluate(lv, NULL, (const uint8_t *)pod, size, &ev, &err), PSS_RESULT_OK);
  CHECK_TEXT(pss_evaluation_reason, ev, "privileged");
  CHECK_TEXT(pss_evaluation_pod_name, ev, "big");
  pss_evaluation_free(ev);
  ev = NULL;

  /* The same pod cut short: malformed, with the position at the end. */
  CHECK_RC(pss_level_version_evaluate(lv, NULL, (const uint8_t *)pod, size - 10, &ev, &err), PSS_RESULT_INVALID_JSON);
  {
    size_t l = 0, c = 0, o = 0;
    CHECK_RC(pss_error_position(err, &l, &c, &o), PSS_RESULT_OK);
    CHECK(l == 1 && o == size - 10 && c == size - 9);
  }
  pss_error_free(err);
  err = NULL;

  /* With the API server's own limit (3 MiB), refused before reading. */
  CHECK_RC(pss_options_new(&options), PSS_RESULT_OK);
  CHECK_RC(pss_options_set_max_input_len(options, 3u * 1024u * 1024u), PSS_RESULT_OK);
  CHECK_RC(pss_level_version_evaluate(lv, options, (const uint8_t *)pod, size, &ev, &err), PSS_RESULT_INPUT_TOO_LARGE);
  pss_error_free(err);
  err = NULL;
  pss_options_free(options);

  /* 50 MB of nesting. */
  memset(pod, '[', size);
  pod[0] = '{';
  pod[1] = '"';
  pod[2] = 'a';
  pod[3] = '"';
  pod[4] = ':';
  CHECK_RC(pss_level_version_evaluate(lv, NULL, (const uint8_t *)pod, size, &ev, &err), PSS_RESULT_TOO_DEEP);
  pss_error_free(err);
  err = NULL;

  /* A length no buffer can have: refused without reading. */
  CHECK_RC(pss_level_version_evaluate(lv, NULL, (const uint8_t *)pod, SIZE_MAX, &ev, &err), PSS_RESULT_INPUT_TOO_LARGE);
  pss_error_free(err);
  CHECK(ev == NULL);

  free(pod);
  pss_level_version_free(lv);
}

/* The shared bench pods, when present. */
static void test_shared_pods(void) {
  const char *dir = getenv("PSS_SHARED_DIR");
  char path[4096];
  size_t len = 0;
  uint8_t *pod;
  pss_level_version *lv;
  pss_evaluation *ev = NULL;
  static const char *const allowed[] = {"restricted2.json", "large20c10v.json"};
  size_t i;
  if (dir == NULL) dir = "../shared";
  snprintf(path, sizeof path, "%s/bench-pods/privileged.json", dir);
  pod = read_file(path, &len);
  if (pod == NULL) {
    const char *ci = getenv("CI");
    if (ci != NULL && ci[0] != '\0') {
      /* CI must test with the shared data: its absence is a failure there. */
      fprintf(stderr, "%s not found, and CI requires the shared data\n", path);
      CHECK(pod != NULL);
      return;
    }
    printf("note: %s not found; the shared bench pods were not tested (the embedded pods were)\n", path);
    return;
  }
  lv = new_level_version("baseline", "latest");
  CHECK_RC(pss_level_version_evaluate(lv, NULL, pod, len, &ev, NULL), PSS_RESULT_OK);
  check_privileged_baseline(ev);
  pss_evaluation_free(ev);
  pss_level_version_free(lv);
  free(pod);

  lv = new_level_version("restricted", "latest");
  for (i = 0; i < 2; i++) {
    bool ok = false;
    snprintf(path, sizeof path, "%s/bench-pods/%s", dir, allowed[i]);
    pod = read_file(path, &len);
    CHECK(pod != NULL);
    if (pod == NULL) continue;
    ev = NULL;
    CHECK_RC(pss_level_version_evaluate(lv, NULL, pod, len, &ev, NULL), PSS_RESULT_OK);
    CHECK_RC(pss_evaluation_allowed(ev, &ok), PSS_RESULT_OK);
    CHECK(ok);
    pss_evaluation_free(ev);
    free(pod);
  }
  pss_level_version_free(lv);
}

/* A non-empty view lies inside a block. */
static int inside(pss_str v, pss_str block) {
  return v.len == 0 || (v.ptr >= block.ptr && v.ptr + v.len <= block.ptr + block.len);
}

/* pss_evaluation_get_view gives what the per-item getters give, as plain data in two blocks. */
static void test_evaluation_view(void) {
  pss_level_version *lv = new_level_version("restricted", "latest");
  pss_evaluation *ev = evaluate(lv, PRIVILEGED_POD, sizeof PRIVILEGED_POD - 1);
  const pss_evaluation_view *view = NULL, *again = NULL;
  const pss_evaluation_view *untouched = (const pss_evaluation_view *)&view;
  const uint8_t *p = NULL;
  size_t n = 0, i, j, k = 0, count = 0;
  CHECK_RC(pss_evaluation_get_view(ev, &view), PSS_RESULT_OK);
  CHECK_RC(pss_evaluation_get_view(ev, &again), PSS_RESULT_OK);
  CHECK(view != NULL && view == again);
  CHECK(!view->allowed && !view->template_absent);
  CHECK_VIEW(view->kind.ptr, view->kind.len, "Pod");
  CHECK_VIEW(view->template_path.ptr, view->template_path.len, "");
  CHECK_VIEW(view->pod_name.ptr, view->pod_name.len, "privileged-pod");
  CHECK(view->note.ptr == NULL && view->note.len == 0);
  CHECK_RC(pss_evaluation_reason(ev, &p, &n), PSS_RESULT_OK);
  CHECK(p == view->reason.ptr && n == view->reason.len);
  CHECK_RC(pss_evaluation_detail(ev, &p, &n), PSS_RESULT_OK);
  CHECK(p == view->detail.ptr && n == view->detail.len);
  CHECK_RC(pss_evaluation_denial_message(ev, &p, &n), PSS_RESULT_OK);
  CHECK(p == view->denial_message.ptr && n == view->denial_message.len);
  CHECK(view->denial_message.len > 40 &&
        memcmp(view->denial_message.ptr, "pods \"privileged-pod\" is forbidden: ", 36) == 0);
  CHECK(inside(view->pod_name, view->texts) && inside(view->reason, view->texts) &&
        inside(view->detail, view->texts) && inside(view->denial_message, view->texts));
  CHECK_RC(pss_evaluation_violation_count(ev, &count), PSS_RESULT_OK);
  CHECK(view->violation_count == count && count == 5);
  for (i = 0; i < view->violation_count; i++) {
    const pss_violation_view *vv = &view->violations[i];
    const pss_violation *v = NULL;
    size_t fields = 0;
    CHECK_RC(pss_evaluation_violation(ev, i, &v), PSS_RESULT_OK);
    CHECK_RC(pss_violation_check_id(v, &p, &n), PSS_RESULT_OK);
    CHECK(view_equals(vv->check_id.ptr, vv->check_id.len, "") == 0 && n == vv->check_id.len &&
          memcmp(p, vv->check_id.ptr, n) == 0);
    CHECK_RC(pss_violation_reason(v, &p, &n), PSS_RESULT_OK);
    CHECK(n == vv->reason.len && memcmp(p, vv->reason.ptr, n) == 0);
    CHECK_RC(pss_violation_detail(v, &p, &n), PSS_RESULT_OK);
    CHECK(p == vv->detail.ptr && n == vv->detail.len);
    CHECK(inside(vv->check_id, view->texts) && inside(vv->reason, view->texts) && inside(vv->detail, view->texts));
    CHECK_RC(pss_violation_field_count(v, &fields), PSS_RESULT_OK);
    CHECK(fields == vv->field_count && vv->fields == view->fields + k);
    for (j = 0; j < vv->field_count; j++, k++) {
      const pss_field_view *fv = &vv->fields[j];
      const pss_field *f = NULL;
      CHECK_RC(pss_violation_field(v, j, &f), PSS_RESULT_OK);
      CHECK_RC(pss_field_path(f, &p, &n), PSS_RESULT_OK);
      CHECK(p == fv->path.ptr && n == fv->path.len && inside(fv->path, view->texts));
      CHECK_RC(pss_field_value_json(f, &p, &n), PSS_RESULT_OK);
      CHECK(p == fv->value_json.ptr && n == fv->value_json.len && inside(fv->value_json, view->values));
      CHECK_RC(pss_field_container(f, &p, &n), PSS_RESULT_OK);
      CHECK(p == fv->container.ptr && n == fv->container.len && inside(fv->container, view->texts));
    }
  }
  CHECK(k == view->field_count);
  CHECK_VIEW(view->violations[0].check_id.ptr, view->violations[0].check_id.len, "privileged");
  CHECK_VIEW(view->fields[0].path.ptr, view->fields[0].path.len, PRIVILEGED_PATH);
  CHECK_VIEW(view->fields[0].value_json.ptr, view->fields[0].value_json.len, "true");
  CHECK_VIEW(view->fields[0].container.ptr, view->fields[0].container.len, "privileged-pod");
  /* The two blocks do not overlap. */
  CHECK(view->texts.ptr + view->texts.len <= view->values.ptr || view->values.ptr + view->values.len <= view->texts.ptr);
  /* NULL parameters: nothing written. */
  CHECK_RC(pss_evaluation_get_view(NULL, &untouched), PSS_RESULT_NULL_PARAMETER);
  CHECK(untouched == (const pss_evaluation_view *)&view);
  CHECK_RC(pss_evaluation_get_view(ev, NULL), PSS_RESULT_NULL_PARAMETER);
  pss_evaluation_free(ev);

  /* An allowed pod: no violations, empty (non-NULL) aggregate texts. */
  ev = evaluate(lv, RESTRICTED_POD, sizeof RESTRICTED_POD - 1);
  CHECK_RC(pss_evaluation_get_view(ev, &view), PSS_RESULT_OK);
  CHECK(view->allowed && view->violation_count == 0 && view->field_count == 0);
  CHECK(view->violations != NULL && view->fields != NULL);
  CHECK_VIEW(view->reason.ptr, view->reason.len, "");
  CHECK_VIEW(view->denial_message.ptr, view->denial_message.len, "");
  CHECK_VIEW(view->pod_name.ptr, view->pod_name.len, "web");
  CHECK(view->values.len == 0);
  pss_evaluation_free(ev);

  /* A ReplicationController without a template: allowed, with the note. */
  {
    static const char RC[] = "{\"apiVersion\":\"v1\",\"kind\":\"ReplicationController\",\"spec\":{}}";
    CHECK_RC(pss_level_version_evaluate_object(lv, NULL, S(RC), &ev, NULL), PSS_RESULT_OK);
    CHECK_RC(pss_evaluation_get_view(ev, &view), PSS_RESULT_OK);
    CHECK(view->allowed && view->template_absent && view->violation_count == 0);
    CHECK(view->pod_name.ptr == NULL && view->pod_name.len == 0);
    CHECK_VIEW(view->kind.ptr, view->kind.len, "ReplicationController");
    CHECK_VIEW(view->template_path.ptr, view->template_path.len, "spec.template");
    CHECK_VIEW(view->note.ptr, view->note.len, "no pod template: the ReplicationController has no spec.template");
    pss_evaluation_free(ev);
  }
  pss_level_version_free(lv);
}

/* The spec entry point: a bare PodSpec, with paths relative to the spec; the same bytes as a pod are an error
   (never an allowed empty pod), and a whole pod as a spec too. */
static void test_spec(void) {
  static const char SPEC[] = "{\"containers\":[{\"name\":\"c\",\"securityContext\":{\"privileged\":true}}]}";
  pss_level_version *lv = new_level_version("baseline", "latest");
  pss_evaluation *ev = NULL, *untouched = (pss_evaluation *)&lv;
  pss_error *err = NULL;
  const pss_evaluation_view *view = NULL;
  const uint8_t *p = NULL;
  size_t n = 0, line = 0, column = 0, offset = 0;
  pss_options *options = NULL;

  CHECK_RC(pss_evaluate_spec(S("baseline"), S("latest"), NULL, S(SPEC), &ev, &err), PSS_RESULT_OK);
  CHECK(err == NULL);
  CHECK_TEXT(pss_evaluation_reason, ev, "privileged");
  CHECK_TEXT(pss_evaluation_denial_message, ev,
             "pods is forbidden: violates PodSecurity \"baseline:latest\": privileged (container \"c\" must not set "
             "securityContext.privileged=true)");
  CHECK_RC(pss_evaluation_get_view(ev, &view), PSS_RESULT_OK);
  CHECK(view->violation_count == 1 && view->field_count == 1);
  CHECK_VIEW(view->fields[0].path.ptr, view->fields[0].path.len, "containers[0].securityContext.privileged");
  /* A spec has no kind, no template path and no name. */
  CHECK(view->kind.ptr == NULL && view->template_path.ptr == NULL && view->pod_name.ptr == NULL);
  CHECK_RC(pss_evaluation_kind(ev, &p, &n), PSS_RESULT_OK);
  CHECK(p == NULL && n == 0);
  pss_evaluation_free(ev);
  ev = NULL;

  /* Through a handle: the same answer. */
  CHECK_RC(pss_level_version_evaluate_spec(lv, NULL, S(SPEC), &ev, NULL), PSS_RESULT_OK);
  CHECK_TEXT(pss_evaluation_reason, ev, "privileged");
  pss_evaluation_free(ev);
  ev = untouched;

  /* The bare spec given as a pod: PSS_RESULT_BARE_POD_SPEC at its first spec field. */
  CHECK_RC(pss_evaluate(S("baseline"), S("latest"), NULL, S(SPEC), &ev, &err), PSS_RESULT_BARE_POD_SPEC);
  CHECK(ev == untouched);
  CHECK_RC(pss_error_path(err, &p, &n), PSS_RESULT_OK);
  CHECK_VIEW(p, n, "containers");
  CHECK_RC(pss_error_position(err, &line, &column, &offset), PSS_RESULT_OK);
  CHECK(line == 1 && column == 15 && offset == 14);
  pss_error_free(err);
  err = NULL;
  CHECK_RC(pss_level_version_evaluate(lv, NULL, S(SPEC), &ev, NULL), PSS_RESULT_BARE_POD_SPEC);
  CHECK(ev == untouched);

  /* A whole pod given as a spec: PSS_RESULT_UNEXPECTED_KIND at its first object field. */
  CHECK_RC(pss_evaluate_spec(S("baseline"), S("latest"), NULL, S(PRIVILEGED_POD), &ev, &err),
           PSS_RESULT_UNEXPECTED_KIND);
  CHECK(ev == untouched);
  CHECK_RC(pss_error_path(err, &p, &n), PSS_RESULT_OK);
  CHECK_VIEW(p, n, "kind");
  pss_error_free(err);
  err = NULL;

  /* Decoding errors carry paths in the spec. */
  CHECK_RC(pss_level_version_evaluate_spec(lv, NULL, S("{\"hostPID\": \"yes\"}"), &ev, &err), PSS_RESULT_INVALID_TYPE);
  CHECK(ev == untouched);
  CHECK_RC(pss_error_path(err, &p, &n), PSS_RESULT_OK);
  CHECK_VIEW(p, n, "hostPID");
  pss_error_free(err);
  err = NULL;

  /* Options: the size limit applies; exclusions are refused (their fields are relative to a pod). */
  CHECK_RC(pss_options_new(&options), PSS_RESULT_OK);
  CHECK_RC(pss_options_set_max_input_len(options, 4), PSS_RESULT_OK);
  CHECK_RC(pss_level_version_evaluate_spec(lv, options, S(SPEC), &ev, NULL), PSS_RESULT_INPUT_TOO_LARGE);
  CHECK(ev == untouched);
  CHECK_RC(pss_options_set_max_input_len(options, SIZE_MAX), PSS_RESULT_OK);
  {
    static const char *const value = "true";
    const size_t value_len = 4;
    const uint8_t *values = (const uint8_t *)value;
    CHECK_RC(pss_options_add_exclusion(options, S("Host Namespaces"), NULL, NULL, 0, S("spec.hostNetwork"), &values,
                                       &value_len, 1, NULL),
             PSS_RESULT_OK);
  }
  CHECK_RC(pss_level_version_evaluate_spec(lv, options, S(SPEC), &ev, &err), PSS_RESULT_INVALID_INPUT);
  CHECK(ev == untouched);
  pss_error_free(err);
  err = NULL;
  pss_options_free(options);

  /* NULL parameters. */
  CHECK_RC(pss_level_version_evaluate_spec(NULL, NULL, S(SPEC), &ev, NULL), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_level_version_evaluate_spec(lv, NULL, NULL, 0, &ev, NULL), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_level_version_evaluate_spec(lv, NULL, S(SPEC), NULL, NULL), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_evaluate_spec(NULL, 0, S("latest"), NULL, S(SPEC), &ev, NULL), PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_evaluate_spec(S("Baseline"), S("latest"), NULL, S(SPEC), &ev, NULL), PSS_RESULT_INVALID_LEVEL);
  CHECK(ev == untouched);
  pss_level_version_free(lv);
}

int main(void) {
  test_version();
  test_result_text();
  test_level_version();
  test_privileged_pod();
  test_privileged_pod_restricted();
  test_allowed_pod();
  test_evaluation_view();
  test_pod_level_fields();
  test_decode_errors();
  test_null_parameters();
  test_options();
  test_huge_inputs();
  test_shared_pods();
  test_spec();
  return check_summary("test_capi");
}
