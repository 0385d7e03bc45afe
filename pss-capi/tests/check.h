/* A minimal test harness shared by the C tests: counted checks that report file and line. */
#ifndef PSS_TEST_CHECK_H
#define PSS_TEST_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pss.h"

static int check_failures;
static int check_count;

#define CHECK(cond)                                                                   \
  do {                                                                                \
    check_count++;                                                                    \
    if (!(cond)) {                                                                    \
      check_failures++;                                                               \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);       \
    }                                                                                 \
  } while (0)

/* A call returns the expected pss_result. */
#define CHECK_RC(call, expected)                                                      \
  do {                                                                                \
    pss_result rc_ = (call);                                                          \
    check_count++;                                                                    \
    if (rc_ != (pss_result)(expected)) {                                              \
      check_failures++;                                                               \
      fprintf(stderr, "%s:%d: %s returned %u, expected %s (%u)\n", __FILE__, __LINE__, \
              #call, (unsigned)rc_, #expected, (unsigned)(expected));                 \
    }                                                                                 \
  } while (0)

/* A (ptr, len) view equals a C string exactly. */
static inline int view_equals(const uint8_t *ptr, size_t len, const char *expected) {
  size_t n = strlen(expected);
  if (ptr == NULL) return 0;
  return len == n && (n == 0 || memcmp(ptr, expected, n) == 0);
}

#define CHECK_VIEW(ptr, len, expected)                                                \
  do {                                                                                \
    const uint8_t *vp_ = (ptr);                                                       \
    size_t vn_ = (len);                                                               \
    check_count++;                                                                    \
    if (!view_equals(vp_, vn_, (expected))) {                                         \
      check_failures++;                                                               \
      fprintf(stderr, "%s:%d: got \"%.*s\", expected \"%s\"\n", __FILE__, __LINE__,   \
              vp_ ? (int)vn_ : 6, vp_ ? (const char *)vp_ : "<NULL>", (expected));     \
    }                                                                                 \
  } while (0)

/* Calls a view accessor `fn(obj, &ptr, &len)` and checks the text. */
#define CHECK_TEXT(fn, obj, expected)                                                 \
  do {                                                                                \
    const uint8_t *tp_ = NULL;                                                        \
    size_t tn_ = 0;                                                                   \
    CHECK_RC(fn((obj), &tp_, &tn_), PSS_RESULT_OK);                                   \
    CHECK_VIEW(tp_, tn_, (expected));                                                 \
  } while (0)

/* Reads a whole file; NULL when it cannot be read. The caller frees the buffer. */
static inline uint8_t *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  uint8_t *buf = NULL;
  long size;
  if (f == NULL) return NULL;
  if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
    fclose(f);
    return NULL;
  }
  buf = malloc((size_t)size + 1);
  if (buf != NULL && fread(buf, 1, (size_t)size, f) != (size_t)size) {
    free(buf);
    buf = NULL;
  }
  fclose(f);
  if (buf != NULL) *len = (size_t)size;
  return buf;
}

static inline int check_summary(const char *name) {
  printf("%s: %d checks, %d failed\n", name, check_count, check_failures);
  return check_failures == 0 ? 0 : 1;
}

#endif /* PSS_TEST_CHECK_H */
