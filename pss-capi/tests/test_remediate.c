/*
 * Tests of the fix functions of pss.h and their error paths: pss_remediate, pss_remediate_spec and
 * pss_remediate_object, their pss_level_version_* forms, pss_remediation_get_view (operations, cures, what
 * is left), pss_remediation_json, _patch_json, _patched_json, _fixed and _free.
 */
#include <stdbool.h>
#include <stdint.h>

#include "check.h"

#define S(lit) (const uint8_t *)(lit), (sizeof(lit) - 1)

static const char PRIVILEGED_POD[] =
    "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"web\"},\"spec\":{\"containers\":"
    "[{\"name\":\"web\",\"image\":\"nginx\",\"securityContext\":{\"privileged\":true}}]}}";

static const char CRONJOB[] =
    "{\"apiVersion\":\"batch/v1\",\"kind\":\"CronJob\",\"metadata\":{\"name\":\"report\"},\"spec\":{\"schedule\":\"@daily\","
    "\"jobTemplate\":{\"spec\":{\"template\":{\"spec\":{\"hostIPC\":true,\"containers\":[{\"name\":\"r\",\"image\":\"busybox\"}]}}}}}}";

/* A pod at baseline: one breaking change, tied to the field it cures. */
static void test_pod(void) {
  pss_remediation *fix = NULL;
  pss_error *err = (pss_error *)&fix; /* sentinel: must not be written on success */
  const pss_remediation_view *v = NULL;
  bool fixed = false;
  CHECK_RC(pss_remediate(S("baseline"), S("latest"), false, S(PRIVILEGED_POD), &fix, &err), PSS_RESULT_OK);
  CHECK(err == (pss_error *)&fix);
  CHECK_RC(pss_remediation_get_view(fix, &v), PSS_RESULT_OK);
  CHECK(v->fixed && !v->safe_only);
  CHECK_VIEW(v->kind.ptr, v->kind.len, "Pod");
  CHECK(v->operation_count == 1 && v->unfixable_count == 0);
  CHECK_VIEW(v->operations[0].op.ptr, v->operations[0].op.len, "replace");
  CHECK_VIEW(v->operations[0].path.ptr, v->operations[0].path.len, "/spec/containers/0/securityContext/privileged");
  CHECK_VIEW(v->operations[0].value_json.ptr, v->operations[0].value_json.len, "false");
  CHECK_VIEW(v->operations[0].safety.ptr, v->operations[0].safety.len, "breaking");
  CHECK(v->operations[0].cure_count == 1);
  CHECK_VIEW(v->operations[0].cures[0].check_id.ptr, v->operations[0].cures[0].check_id.len, "privileged");
  CHECK_VIEW(v->operations[0].cures[0].path.ptr, v->operations[0].cures[0].path.len,
             "spec.containers[0].securityContext.privileged");
  CHECK_VIEW(v->operations[0].cures[0].value_json.ptr, v->operations[0].cures[0].value_json.len, "true");
  CHECK_VIEW(v->operations[0].cures[0].container.ptr, v->operations[0].cures[0].container.len, "web");
  CHECK(v->operations[0].explanation.len > 0);
  CHECK_TEXT(pss_remediation_patch_json, fix,
             "[{\"op\":\"replace\",\"path\":\"/spec/containers/0/securityContext/privileged\",\"value\":false}]");
  CHECK_TEXT(pss_remediation_patched_json, fix,
             "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"web\"},\"spec\":{\"containers\":"
             "[{\"name\":\"web\",\"image\":\"nginx\",\"securityContext\":{\"privileged\":false}}]}}");
  CHECK_RC(pss_remediation_fixed(fix, &fixed), PSS_RESULT_OK);
  CHECK(fixed);
  /* The JSON of the whole starts with the level and version, and carries the patched object. */
  {
    const uint8_t *p = NULL;
    size_t n = 0;
    CHECK_RC(pss_remediation_json(fix, &p, &n), PSS_RESULT_OK);
    CHECK(n > 60 && memcmp(p, "{\"level\":\"baseline\",\"version\":\"latest\",\"kind\":\"Pod\"", 51) == 0);
    CHECK(v->json.ptr == p && v->json.len == n);
  }
  pss_remediation_free(fix);

  /* Safe changes only: the breaking one is left, with its reason. */
  fix = NULL;
  CHECK_RC(pss_remediate(S("baseline"), S("latest"), true, S(PRIVILEGED_POD), &fix, NULL), PSS_RESULT_OK);
  CHECK_RC(pss_remediation_get_view(fix, &v), PSS_RESULT_OK);
  CHECK(!v->fixed && v->safe_only && v->operation_count == 0 && v->unfixable_count == 1);
  CHECK_VIEW(v->unfixable[0].check_id.ptr, v->unfixable[0].check_id.len, "privileged");
  CHECK_VIEW(v->unfixable[0].reason.ptr, v->unfixable[0].reason.len, "breaking");
  CHECK_VIEW(v->unfixable[0].container.ptr, v->unfixable[0].container.len, "web");
  CHECK(v->unfixable[0].explanation.len > 0);
  CHECK_TEXT(pss_remediation_patch_json, fix, "[]");
  pss_remediation_free(fix);
}

/* A bare spec (paths relative to it, no kind) and a CronJob through its template. */
static void test_spec_and_object(void) {
  pss_level_version *lv = NULL;
  pss_remediation *fix = NULL;
  const pss_remediation_view *v = NULL;
  CHECK_RC(pss_level_version_new(S("restricted"), S("v1.30"), &lv, NULL), PSS_RESULT_OK);
  CHECK_RC(pss_level_version_remediate_spec(lv, false, S("{\"hostPID\":true,\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}"),
                                             &fix, NULL),
           PSS_RESULT_OK);
  CHECK_RC(pss_remediation_get_view(fix, &v), PSS_RESULT_OK);
  CHECK(v->fixed && v->kind.ptr == NULL && v->kind.len == 0);
  CHECK(v->operation_count == 3);
  CHECK_VIEW(v->operations[0].path.ptr, v->operations[0].path.len, "/hostPID");
  CHECK_VIEW(v->operations[1].path.ptr, v->operations[1].path.len, "/containers/0/securityContext");
  CHECK_VIEW(v->operations[1].value_json.ptr, v->operations[1].value_json.len,
             "{\"allowPrivilegeEscalation\":false,\"capabilities\":{\"drop\":[\"ALL\"]}}");
  CHECK_VIEW(v->operations[2].path.ptr, v->operations[2].path.len, "/securityContext");
  CHECK(v->operations[2].cure_count == 2); /* the container's runAsNonRoot and seccompProfile */
  pss_remediation_free(fix);

  fix = NULL;
  CHECK_RC(pss_level_version_remediate_object(lv, true, S(CRONJOB), &fix, NULL), PSS_RESULT_OK);
  CHECK_RC(pss_remediation_get_view(fix, &v), PSS_RESULT_OK);
  CHECK_VIEW(v->kind.ptr, v->kind.len, "CronJob");
  CHECK(!v->fixed && v->unfixable_count == 1);
  CHECK_VIEW(v->unfixable[0].path.ptr, v->unfixable[0].path.len, "spec.jobTemplate.spec.template.spec.hostIPC");
  CHECK(v->unfixable[0].container.ptr == NULL);
  CHECK_VIEW(v->operations[0].path.ptr, v->operations[0].path.len,
             "/spec/jobTemplate/spec/template/spec/containers/0/securityContext");
  pss_remediation_free(fix);
  pss_level_version_free(lv);

  fix = NULL;
  CHECK_RC(pss_remediate_object(S("baseline"), S("latest"), false, S(CRONJOB), &fix, NULL), PSS_RESULT_OK);
  CHECK_RC(pss_remediation_get_view(fix, &v), PSS_RESULT_OK);
  CHECK(v->fixed && v->operation_count == 1);
  pss_remediation_free(fix);
}

/* A failure that must give `code` and `message`, without writing *out. */
static void fails(pss_result (*fn)(const uint8_t *, size_t, const uint8_t *, size_t, bool, const uint8_t *, size_t,
                                   pss_remediation **, pss_error **),
                  const char *doc, pss_result code, const char *message) {
  pss_remediation *fix = (pss_remediation *)&fix;
  pss_error *err = NULL;
  CHECK_RC(fn(S("baseline"), S("latest"), false, (const uint8_t *)doc, strlen(doc), &fix, &err), code);
  CHECK(fix == (pss_remediation *)&fix);
  CHECK(err != NULL);
  if (message != NULL) CHECK_TEXT(pss_error_message, err, message);
  pss_error_free(err);
}

static void test_errors(void) {
  fails(pss_remediate, "{\"spec\":{\"hostPID\":true,\"hostPID\":false}}", PSS_RESULT_DUPLICATE_FIELD,
        "duplicate key \"hostPID\": a patch against repeated keys would be ambiguous");
  fails(pss_remediate, "{\"containers\":[]}", PSS_RESULT_BARE_POD_SPEC, NULL);
  fails(pss_remediate, "{\"spec\":", PSS_RESULT_INVALID_JSON, NULL);
  fails(pss_remediate_spec, "{\"kind\":\"Pod\",\"spec\":{}}", PSS_RESULT_UNEXPECTED_KIND, NULL);
  fails(pss_remediate_object, "{\"apiVersion\":\"v1\",\"kind\":\"Service\"}", PSS_RESULT_NOT_A_WORKLOAD,
        "no pod template: Service is not a pod or a pod controller");
  {
    pss_remediation *fix = NULL;
    pss_error *err = NULL;
    CHECK_RC(pss_remediate(S("strict"), S("latest"), false, S(PRIVILEGED_POD), &fix, &err), PSS_RESULT_INVALID_LEVEL);
    pss_error_free(err);
    CHECK_RC(pss_remediate(S("baseline"), S("latest"), false, NULL, 0, &fix, NULL), PSS_RESULT_NULL_PARAMETER);
    CHECK_RC(pss_remediate(S("baseline"), S("latest"), false, S(PRIVILEGED_POD), NULL, NULL), PSS_RESULT_NULL_PARAMETER);
    CHECK_RC(pss_level_version_remediate(NULL, false, S(PRIVILEGED_POD), &fix, NULL), PSS_RESULT_NULL_PARAMETER);
    CHECK_RC(pss_remediation_get_view(NULL, NULL), PSS_RESULT_NULL_PARAMETER);
    CHECK(fix == NULL);
  }
  pss_remediation_free(NULL);
}

int main(void) {
  test_pod();
  test_spec_and_object();
  test_errors();
  return check_summary("test_remediate");
}
