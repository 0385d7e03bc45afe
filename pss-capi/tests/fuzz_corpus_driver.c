/*
 * Feeds every file named on the command line to the C ABI, as a C caller would: each file's bytes as
 * a pod at several policies (with and without a size limit), reading every result and freeing every
 * handle. Run under AddressSanitizer/UBSan and valgrind over the fuzz corpora by scripts/test-fuzz.sh.
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

static void read_evaluation(const char *path, const pss_evaluation *e) {
  const uint8_t *p;
  size_t n, count = 0;
  bool allowed;
  EXPECT(pss_evaluation_allowed(e, &allowed) == PSS_RESULT_OK);
  EXPECT(pss_evaluation_reason(e, &p, &n) == PSS_RESULT_OK && touch(p, n) + 1 > 0);
  EXPECT(pss_evaluation_detail(e, &p, &n) == PSS_RESULT_OK && touch(p, n) + 1 > 0);
  EXPECT(pss_evaluation_admission_message(e, &p, &n) == PSS_RESULT_OK && touch(p, n) + 1 > 0);
  EXPECT(pss_evaluation_pod_name(e, &p, &n) == PSS_RESULT_OK && (p != NULL || n == 0));
  EXPECT(pss_evaluation_violation_count(e, &count) == PSS_RESULT_OK);
  EXPECT(allowed == (count == 0));
  for (size_t i = 0; i < count; i++) {
    const pss_violation *v = NULL;
    size_t fields = 0;
    EXPECT(pss_evaluation_violation(e, i, &v) == PSS_RESULT_OK && v != NULL);
    if (v == NULL) continue;
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
  const pss_violation *none = NULL;
  EXPECT(pss_evaluation_violation(e, count, &none) == PSS_RESULT_INDEX_OUT_OF_RANGE && none == NULL);
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

static void evaluate(const char *path, const char *level, const char *version, const pss_options *options,
                     const uint8_t *pod, size_t len) {
  pss_evaluation *e = NULL;
  pss_error *err = NULL;
  pss_result code = pss_evaluate((const uint8_t *)level, strlen(level), (const uint8_t *)version, strlen(version),
                                 options, pod, len, &e, &err);
  if (code == PSS_RESULT_OK) {
    EXPECT(e != NULL && err == NULL);
    if (e != NULL) read_evaluation(path, e);
  } else {
    EXPECT(e == NULL);
    EXPECT(code != PSS_RESULT_PANIC);
    read_error(path, code, err);
  }
  pss_evaluation_free(e);
  pss_error_free(err);
}

int main(int argc, char **argv) {
  static const char *const policies[][2] = {
      {"privileged", "latest"}, {"baseline", "v1.0"}, {"baseline", "latest"}, {"restricted", "v1.25"},
      {"restricted", "latest"}, {"restricted", "v1.99"},
  };
  pss_options *small = NULL;
  if (pss_options_new(&small) != PSS_RESULT_OK || pss_options_set_max_input_len(small, 256) != PSS_RESULT_OK) {
    fprintf(stderr, "cannot make options\n");
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
    free(pod);
  }
  pss_options_free(small);
  printf("fuzz corpus driver: %d files, %d failures\n", argc - 1, failures);
  return failures == 0 ? 0 : 1;
}
