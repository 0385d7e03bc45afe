/*
 * The flat form of an evaluation (pss_evaluate_flat, pss_level_version_evaluate_flat,
 * pss_evaluation_write_flat), read back as a C user reads it: measure, allocate, write, then walk the
 * records in place and find every text through its span. Every text is compared with what the
 * handle functions (pss_evaluate_object + pss_evaluation_get_view) give for the same input, and the
 * failures are checked to write nothing. Run plain, under ASan+UBSan and under valgrind.
 */
#include <stdint.h>

#include "check.h"

#define S(lit) (const uint8_t *)(lit), (sizeof(lit) - 1)
#define L(lit) (lit), (sizeof(lit) - 1)

/* Several violations, of the pod and of two containers, and a name. */
static const char DENIED_POD[] =
    "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"web\"},\"spec\":{\"hostNetwork\":true,\"containers\":["
    "{\"name\":\"a\",\"image\":\"nginx\",\"securityContext\":{\"privileged\":true,\"capabilities\":{\"add\":"
    "[\"NET_ADMIN\",\"SYS_TIME\"]}}},"
    "{\"name\":\"b\",\"image\":\"envoy\",\"securityContext\":{\"runAsUser\":0}}]}}";

static const char DENIED_DEPLOYMENT[] =
    "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\"},\"spec\":{\"template\":"
    "{\"spec\":{\"hostPID\":true,\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}}}";

static const char ALLOWED_POD[] =
    "{\"metadata\":{\"name\":\"ok\"},\"spec\":{\"securityContext\":{\"runAsNonRoot\":true,\"seccompProfile\":"
    "{\"type\":\"RuntimeDefault\"}},\"containers\":[{\"name\":\"c\",\"image\":\"nginx\",\"securityContext\":"
    "{\"allowPrivilegeEscalation\":false,\"capabilities\":{\"drop\":[\"ALL\"]}}}]}}";

static const char NO_TEMPLATE[] = "{\"apiVersion\":\"v1\",\"kind\":\"ReplicationController\",\"spec\":{}}";

static const char SPEC[] = "{\"containers\":[{\"name\":\"c\",\"securityContext\":{\"privileged\":true}}]}";

/* A span lies inside a region of the buffer (an empty one anywhere). */
static int span_inside(pss_span s, pss_span region) {
  return s.len == 0 || (s.offset >= region.offset && (uint64_t)s.offset + s.len <= (uint64_t)region.offset + region.len);
}

/* A span's text equals a view's: both absent (a NULL view, a {0, 0} span), or the same bytes. */
static int span_equals(const uint8_t *base, pss_span s, pss_str v) {
  if (v.ptr == NULL) return s.offset == 0 && s.len == 0;
  return s.offset != 0 && s.len == v.len && (v.len == 0 || memcmp(base + s.offset, v.ptr, v.len) == 0);
}

/* Measures, allocates and writes the flat evaluation of data with pss_evaluate_flat; NULL on failure. */
static uint8_t *flat_of(const char *level, uint32_t entry, const char *data, size_t data_len, size_t *len) {
  size_t need = 0, got = 0;
  uint8_t *buf;
  CHECK_RC(pss_evaluate_flat((const uint8_t *)level, strlen(level), S("latest"), NULL, entry, (const uint8_t *)data,
                             data_len, NULL, 0, &need, NULL),
           PSS_RESULT_OK);
  CHECK(need >= sizeof(pss_flat_evaluation));
  buf = malloc(need); /* malloc's alignment suits the records: they are read in place */
  if (buf == NULL) return NULL;
  CHECK_RC(pss_evaluate_flat((const uint8_t *)level, strlen(level), S("latest"), NULL, entry, (const uint8_t *)data,
                             data_len, buf, need, &got, NULL),
           PSS_RESULT_OK);
  CHECK(got == need);
  *len = got;
  return buf;
}

/* Reads a flat evaluation as a C user does and compares every part with the view of the same evaluation. */
static void check_flat(const uint8_t *buf, size_t len, const pss_evaluation_view *view) {
  const pss_flat_evaluation *e = (const pss_flat_evaluation *)buf;
  const pss_flat_violation *v;
  const pss_flat_field *f;
  uint32_t i, j, next = 0;
  CHECK(e->magic == PSS_FLAT_MAGIC && memcmp(buf, "PSSE", 4) == 0);
  CHECK(e->version == PSS_FLAT_VERSION && e->version == 1);
  CHECK(e->size == len);
  CHECK(((e->flags & PSS_FLAT_ALLOWED) != 0) == view->allowed);
  CHECK(((e->flags & PSS_FLAT_TEMPLATE_ABSENT) != 0) == view->template_absent);
  CHECK((e->flags & ~(uint32_t)(PSS_FLAT_ALLOWED | PSS_FLAT_TEMPLATE_ABSENT)) == 0);
  /* The parts, in order, each 8-aligned. */
  CHECK(e->violations == sizeof *e);
  CHECK(e->fields == e->violations + e->violation_count * sizeof *v);
  CHECK(e->texts.offset == e->fields + e->field_count * sizeof *f);
  CHECK(e->values.offset == e->texts.offset + e->texts.len);
  CHECK(e->values.offset + e->values.len == e->size);
  CHECK(e->violations % 8 == 0 && e->fields % 8 == 0 && e->texts.offset % 8 == 0);
  CHECK(e->violation_count == view->violation_count && e->field_count == view->field_count);
  /* The header's texts. */
  CHECK(span_equals(buf, e->kind, view->kind) && span_inside(e->kind, e->texts));
  CHECK(span_equals(buf, e->template_path, view->template_path) && span_inside(e->template_path, e->texts));
  CHECK(span_equals(buf, e->pod_name, view->pod_name) && span_inside(e->pod_name, e->texts));
  CHECK(span_equals(buf, e->reason, view->reason) && span_inside(e->reason, e->texts));
  CHECK(span_equals(buf, e->detail, view->detail) && span_inside(e->detail, e->texts));
  CHECK(span_equals(buf, e->denial_message, view->denial_message) && span_inside(e->denial_message, e->texts));
  CHECK(span_equals(buf, e->note, view->note) && span_inside(e->note, e->texts));
  /* The violations and their fields, field by field. */
  v = (const pss_flat_violation *)(buf + e->violations);
  f = (const pss_flat_field *)(buf + e->fields);
  for (i = 0; i < e->violation_count && i < view->violation_count; i++) {
    const pss_violation_view *vv = &view->violations[i];
    CHECK(span_equals(buf, v[i].check_id, vv->check_id) && span_inside(v[i].check_id, e->texts));
    CHECK(span_equals(buf, v[i].reason, vv->reason) && span_inside(v[i].reason, e->texts));
    CHECK(span_equals(buf, v[i].detail, vv->detail) && span_inside(v[i].detail, e->texts));
    CHECK(v[i].first_field == next && v[i].field_count == vv->field_count);
    for (j = 0; j < v[i].field_count && j < vv->field_count && next + j < e->field_count; j++) {
      const pss_flat_field *ff = &f[next + j];
      const pss_field_view *fv = &vv->fields[j];
      CHECK(span_equals(buf, ff->path, fv->path) && span_inside(ff->path, e->texts));
      CHECK(span_equals(buf, ff->value_json, fv->value_json) && span_inside(ff->value_json, e->values));
      CHECK(span_equals(buf, ff->container, fv->container) && span_inside(ff->container, e->texts));
    }
    next += v[i].field_count;
  }
  CHECK(next == e->field_count);
}

/* One input through the flat functions and the handle functions: the same texts, and the same bytes from
   pss_evaluate_flat, pss_level_version_evaluate_flat and pss_evaluation_write_flat. */
static void check_entry(const char *level, uint32_t entry, const char *data, size_t data_len, uint32_t flags) {
  pss_level_version *lv = NULL;
  pss_evaluation *ev = NULL;
  const pss_evaluation_view *view = NULL;
  size_t len = 0, again_len = 0, written = 0;
  uint8_t *buf = flat_of(level, entry, data, data_len, &len), *again;
  pss_result rc;
  CHECK(buf != NULL);
  if (buf == NULL) return;
  CHECK(((const pss_flat_evaluation *)buf)->flags == flags);
  CHECK_RC(pss_level_version_new((const uint8_t *)level, strlen(level), S("latest"), &lv, NULL), PSS_RESULT_OK);
  switch (entry) {
  case PSS_ENTRY_SPEC:
    rc = pss_level_version_evaluate_spec(lv, NULL, (const uint8_t *)data, data_len, &ev, NULL);
    break;
  case PSS_ENTRY_OBJECT:
    rc = pss_level_version_evaluate_object(lv, NULL, (const uint8_t *)data, data_len, &ev, NULL);
    break;
  default:
    rc = pss_level_version_evaluate(lv, NULL, (const uint8_t *)data, data_len, &ev, NULL);
  }
  CHECK(rc == PSS_RESULT_OK);
  CHECK_RC(pss_evaluation_get_view(ev, &view), PSS_RESULT_OK);
  if (view != NULL) check_flat(buf, len, view);

  again = malloc(len + 16);
  if (again != NULL) {
    /* With a handle, into a larger buffer: the same bytes, the rest untouched. */
    memset(again, 0xAB, len + 16);
    CHECK_RC(pss_level_version_evaluate_flat(lv, NULL, entry, (const uint8_t *)data, data_len, again, len + 16,
                                             &again_len, NULL),
             PSS_RESULT_OK);
    CHECK(again_len == len && memcmp(again, buf, len) == 0);
    CHECK(again[len] == 0xAB && again[len + 15] == 0xAB);
    /* From the evaluation made before: the same bytes. */
    memset(again, 0, len + 16);
    CHECK_RC(pss_evaluation_write_flat(ev, NULL, 0, &written), PSS_RESULT_OK);
    CHECK(written == len);
    CHECK_RC(pss_evaluation_write_flat(ev, again, len, &written), PSS_RESULT_OK);
    CHECK(written == len && memcmp(again, buf, len) == 0);
    free(again);
  }
  pss_evaluation_free(ev);
  pss_level_version_free(lv);
  free(buf);
}

/* Too small a buffer: PSS_RESULT_INSUFFICIENT_SIZE, nothing written (neither the buffer nor *out_len), an
   error that says how many bytes are needed; the same for pss_evaluation_write_flat. */
static void test_insufficient_size(void) {
  size_t need = 0, out = 12345;
  uint8_t *buf;
  size_t i, untouched = 0;
  pss_error *err = NULL;
  pss_result code = PSS_RESULT_OK;
  const uint8_t *msg = NULL;
  size_t msg_len = 0;
  char expected[128];
  CHECK_RC(pss_evaluate_flat(S("restricted"), S("latest"), NULL, PSS_ENTRY_POD, S(DENIED_POD), NULL, 0, &need, NULL),
           PSS_RESULT_OK);
  buf = malloc(need);
  if (buf == NULL) return;
  memset(buf, 0xCD, need);
  CHECK_RC(pss_evaluate_flat(S("restricted"), S("latest"), NULL, PSS_ENTRY_POD, S(DENIED_POD), buf, need - 1, &out,
                             &err),
           PSS_RESULT_INSUFFICIENT_SIZE);
  for (i = 0; i < need; i++) untouched += buf[i] == 0xCD;
  CHECK(untouched == need);
  CHECK(out == 12345);
  CHECK(err != NULL);
  if (err != NULL) {
    CHECK_RC(pss_error_code(err, &code), PSS_RESULT_OK);
    CHECK(code == PSS_RESULT_INSUFFICIENT_SIZE);
    snprintf(expected, sizeof expected, "the buffer is too small: the evaluation needs %zu bytes, the buffer has %zu",
             need, need - 1);
    CHECK_RC(pss_error_message(err, &msg, &msg_len), PSS_RESULT_OK);
    CHECK_VIEW(msg, msg_len, expected);
    pss_error_free(err);
  }
  /* A buffer without room for the header. */
  CHECK_RC(pss_evaluate_flat(S("restricted"), S("latest"), NULL, PSS_ENTRY_POD, S(DENIED_POD), buf, 8, &out, NULL),
           PSS_RESULT_INSUFFICIENT_SIZE);
  CHECK(out == 12345 && buf[0] == 0xCD);
  free(buf);
}

/* Failures write nothing and give the handle functions' codes. */
static void test_failures(void) {
  uint64_t words[64];
  uint8_t *buf = (uint8_t *)words;
  size_t out = 7;
  pss_error *err = NULL;
  memset(words, 0xEE, sizeof words);
  CHECK_RC(pss_evaluate_flat(S("restricted"), S("latest"), NULL, PSS_ENTRY_POD, S("{\"spec\":"), buf, sizeof words,
                             &out, &err),
           PSS_RESULT_INVALID_JSON);
  CHECK(err != NULL);
  pss_error_free(err);
  CHECK_RC(pss_evaluate_flat(S("strict"), S("latest"), NULL, PSS_ENTRY_POD, S(ALLOWED_POD), buf, sizeof words, &out,
                             NULL),
           PSS_RESULT_INVALID_LEVEL);
  CHECK_RC(pss_evaluate_flat(S("restricted"), S("latest"), NULL, 3, S(ALLOWED_POD), buf, sizeof words, &out, NULL),
           PSS_RESULT_INVALID_INPUT);
  CHECK_RC(pss_evaluate_flat(S("restricted"), S("latest"), NULL, PSS_ENTRY_POD, S(SPEC), buf, sizeof words, &out,
                             NULL),
           PSS_RESULT_BARE_POD_SPEC);
  CHECK_RC(pss_evaluate_flat(S("restricted"), S("latest"), NULL, PSS_ENTRY_OBJECT, S("{\"spec\":{}}"), buf,
                             sizeof words, &out, NULL),
           PSS_RESULT_NOT_A_WORKLOAD);
  /* NULL parameters. */
  CHECK_RC(pss_evaluate_flat(S("restricted"), S("latest"), NULL, PSS_ENTRY_POD, S(ALLOWED_POD), buf, sizeof words,
                             NULL, NULL),
           PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_evaluate_flat(S("restricted"), S("latest"), NULL, PSS_ENTRY_POD, S(ALLOWED_POD), NULL, 8, &out, NULL),
           PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_evaluate_flat(S("restricted"), S("latest"), NULL, PSS_ENTRY_POD, NULL, 0, buf, sizeof words, &out,
                             NULL),
           PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_level_version_evaluate_flat(NULL, NULL, PSS_ENTRY_POD, S(ALLOWED_POD), buf, sizeof words, &out, NULL),
           PSS_RESULT_NULL_PARAMETER);
  CHECK_RC(pss_evaluation_write_flat(NULL, buf, sizeof words, &out), PSS_RESULT_NULL_PARAMETER);
  CHECK(out == 7 && words[0] == 0xEEEEEEEEEEEEEEEEu && words[63] == 0xEEEEEEEEEEEEEEEEu);
}

/* The header's example: a stack buffer of uint64_t, read in place. */
static void test_stack_buffer(void) {
  uint64_t words[1024];
  const uint8_t *base = (const uint8_t *)words;
  const pss_flat_evaluation *e = (const pss_flat_evaluation *)base;
  const pss_flat_violation *v;
  size_t n = 0;
  CHECK_RC(pss_evaluate_flat(S("baseline"), S("latest"), NULL, PSS_ENTRY_POD, S(DENIED_POD), (uint8_t *)words,
                             sizeof words, &n, NULL),
           PSS_RESULT_OK);
  CHECK(n > 0 && n <= sizeof words && e->size == n);
  CHECK(e->violation_count == 3);
  v = (const pss_flat_violation *)(base + e->violations);
  /* Upstream's order: by check id (capabilities_baseline, hostNamespaces, privileged). */
  CHECK_VIEW(base + v[0].reason.offset, v[0].reason.len, "non-default capabilities");
  CHECK_VIEW(base + v[0].detail.offset, v[0].detail.len,
             "container \"a\" must not include \"NET_ADMIN\", \"SYS_TIME\" in securityContext.capabilities.add");
  CHECK_VIEW(base + v[1].reason.offset, v[1].reason.len, "host namespaces");
  CHECK_VIEW(base + v[2].reason.offset, v[2].reason.len, "privileged");
  CHECK_VIEW(base + e->pod_name.offset, e->pod_name.len, "web");
  CHECK_VIEW(base + e->denial_message.offset, e->denial_message.len,
             "pods \"web\" is forbidden: violates PodSecurity \"baseline:latest\": non-default capabilities (container "
             "\"a\" must not include \"NET_ADMIN\", \"SYS_TIME\" in securityContext.capabilities.add), host namespaces "
             "(hostNetwork=true), privileged (container \"a\" must not set securityContext.privileged=true)");
}

int main(void) {
  check_entry("restricted", PSS_ENTRY_POD, L(DENIED_POD), 0);
  check_entry("baseline", PSS_ENTRY_POD, L(DENIED_POD), 0);
  check_entry("restricted", PSS_ENTRY_POD, L(ALLOWED_POD), PSS_FLAT_ALLOWED);
  check_entry("restricted", PSS_ENTRY_OBJECT, L(DENIED_POD), 0);
  check_entry("restricted", PSS_ENTRY_OBJECT, L(DENIED_DEPLOYMENT), 0);
  check_entry("restricted", PSS_ENTRY_OBJECT, L(NO_TEMPLATE), PSS_FLAT_ALLOWED | PSS_FLAT_TEMPLATE_ABSENT);
  check_entry("baseline", PSS_ENTRY_SPEC, L(SPEC), 0);
  check_entry("privileged", PSS_ENTRY_SPEC, L(SPEC), PSS_FLAT_ALLOWED);
  test_insufficient_size();
  test_failures();
  test_stack_buffer();
  return check_summary("test_flat");
}
