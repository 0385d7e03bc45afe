/*
 * The shared entry-point cases (testdata/entry-points.json at the repository root, read at run time): the same
 * bytes through the pod, pod spec and object entry points of the C ABI give exactly the answer each case
 * expects, as pss-core, the Go package, the npm package and the CLI give it. Each case runs through both forms
 * of its entry point (level and version as text, and a pss_level_version handle):
 *   pod    -> pss_evaluate, pss_level_version_evaluate
 *   spec   -> pss_evaluate_spec, pss_level_version_evaluate_spec
 *   object -> pss_evaluate_object, pss_level_version_evaluate_object
 * An evaluation is compared on its verdict, each violation's reason and first field path, and the denial
 * message; an error on its code (pss-core's ErrorKind); "not evaluated" on PSS_RESULT_NOT_A_WORKLOAD (a
 * template that is absent: an allowed evaluation with pss_evaluation_template_absent, as upstream allows it).
 *
 * The JSON file is read by the small reader below, not by the library under test.
 * Usage: test_entry_points [PATH] (default: testdata/entry-points.json, from the repository root)
 */
#include <stdint.h>

#include "check.h"

/* ---- A small JSON reader: enough for the cases file (objects, arrays, strings with escapes, literals). ---- */

typedef enum { J_NULL, J_FALSE, J_TRUE, J_NUMBER, J_STRING, J_ARRAY, J_OBJECT } json_type;

typedef struct json {
  json_type type;
  char *text; /* J_STRING: the decoded bytes (NUL-terminated, may hold NUL); J_NUMBER: the literal */
  size_t len;
  struct json *items; /* J_ARRAY and J_OBJECT: n values */
  char **keys;        /* J_OBJECT: n keys */
  size_t n;
} json;

typedef struct {
  const char *p, *end;
  const char *error;
} reader;

static void json_free(json *v) {
  size_t i;
  for (i = 0; i < v->n; i++) {
    json_free(&v->items[i]);
    if (v->keys != NULL) free(v->keys[i]);
  }
  free(v->items);
  free(v->keys);
  free(v->text);
  memset(v, 0, sizeof *v);
}

static void skip_space(reader *r) {
  while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r')) r->p++;
}

static int fail(reader *r, const char *why) {
  if (r->error == NULL) r->error = why;
  return 0;
}

static int hex4(reader *r, unsigned *out) {
  unsigned v = 0;
  int i;
  if (r->end - r->p < 4) return fail(r, "truncated \\u escape");
  for (i = 0; i < 4; i++) {
    char c = *r->p++;
    v <<= 4;
    if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
    else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
    else return fail(r, "bad \\u escape");
  }
  *out = v;
  return 1;
}

/* Appends the UTF-8 encoding of code point c. */
static size_t put_utf8(char *out, unsigned c) {
  if (c < 0x80) {
    out[0] = (char)c;
    return 1;
  }
  if (c < 0x800) {
    out[0] = (char)(0xC0 | (c >> 6));
    out[1] = (char)(0x80 | (c & 0x3F));
    return 2;
  }
  if (c < 0x10000) {
    out[0] = (char)(0xE0 | (c >> 12));
    out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
    out[2] = (char)(0x80 | (c & 0x3F));
    return 3;
  }
  out[0] = (char)(0xF0 | (c >> 18));
  out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
  out[2] = (char)(0x80 | ((c >> 6) & 0x3F));
  out[3] = (char)(0x80 | (c & 0x3F));
  return 4;
}

/* Reads a string (r->p at the opening quote) into a new buffer. */
static int read_string(reader *r, char **out, size_t *len) {
  /* The decoded string is never longer than the literal. */
  const char *start = ++r->p;
  char *buf, *w;
  while (r->p < r->end && *r->p != '"') r->p += (*r->p == '\\') ? 2 : 1;
  if (r->p >= r->end) return fail(r, "unterminated string");
  buf = malloc((size_t)(r->p - start) + 1);
  if (buf == NULL) return fail(r, "out of memory");
  r->p = start;
  w = buf;
  while (*r->p != '"') {
    char c = *r->p++;
    unsigned u, low;
    if (c != '\\') {
      *w++ = c;
      continue;
    }
    switch (c = *r->p++) {
      case '"': case '\\': case '/': *w++ = c; break;
      case 'b': *w++ = '\b'; break;
      case 'f': *w++ = '\f'; break;
      case 'n': *w++ = '\n'; break;
      case 'r': *w++ = '\r'; break;
      case 't': *w++ = '\t'; break;
      case 'u':
        if (!hex4(r, &u)) break;
        if (u >= 0xD800 && u < 0xDC00 && r->end - r->p >= 6 && r->p[0] == '\\' && r->p[1] == 'u') {
          r->p += 2;
          if (!hex4(r, &low)) break;
          if (low < 0xDC00 || low >= 0xE000) {
            fail(r, "unpaired surrogate");
            break;
          }
          u = 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00);
        } else if (u >= 0xD800 && u < 0xE000) {
          fail(r, "unpaired surrogate");
          break;
        }
        w += put_utf8(w, u);
        break;
      default: fail(r, "bad escape"); break;
    }
    if (r->error != NULL) break;
  }
  if (r->error != NULL) {
    free(buf);
    return 0;
  }
  r->p++;
  *w = '\0';
  *out = buf;
  *len = (size_t)(w - buf);
  return 1;
}

static int read_value(reader *r, json *v, int depth);

/* Reads the items of an array or object (r->p after the opening bracket). */
static int read_items(reader *r, json *v, int object, int depth) {
  size_t cap = 0;
  skip_space(r);
  if (r->p < r->end && *r->p == (object ? '}' : ']')) {
    r->p++;
    return 1;
  }
  for (;;) {
    if (v->n == cap) {
      json *items;
      char **keys = NULL;
      cap = cap ? 2 * cap : 8;
      items = realloc(v->items, cap * sizeof *items);
      if (items == NULL) return fail(r, "out of memory");
      v->items = items;
      if (object) {
        keys = realloc(v->keys, cap * sizeof *keys);
        if (keys == NULL) return fail(r, "out of memory");
        v->keys = keys;
      }
    }
    memset(&v->items[v->n], 0, sizeof v->items[v->n]);
    if (object) {
      size_t key_len;
      skip_space(r);
      if (r->p >= r->end || *r->p != '"') return fail(r, "expected a key");
      if (!read_string(r, &v->keys[v->n], &key_len)) return 0;
      skip_space(r);
      if (r->p >= r->end || *r->p++ != ':') {
        free(v->keys[v->n]);
        return fail(r, "expected ':'");
      }
    }
    v->n++;
    if (!read_value(r, &v->items[v->n - 1], depth + 1)) return 0;
    skip_space(r);
    if (r->p < r->end && *r->p == ',') {
      r->p++;
      continue;
    }
    if (r->p < r->end && *r->p == (object ? '}' : ']')) {
      r->p++;
      return 1;
    }
    return fail(r, "expected ',' or a closing bracket");
  }
}

static int literal(reader *r, const char *word, json *v, json_type type) {
  size_t n = strlen(word);
  if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n) != 0) return fail(r, "unexpected character");
  r->p += n;
  v->type = type;
  return 1;
}

static int read_value(reader *r, json *v, int depth) {
  if (depth > 64) return fail(r, "nested too deeply");
  skip_space(r);
  if (r->p >= r->end) return fail(r, "unexpected end");
  switch (*r->p) {
    case '{':
      r->p++;
      v->type = J_OBJECT;
      return read_items(r, v, 1, depth);
    case '[':
      r->p++;
      v->type = J_ARRAY;
      return read_items(r, v, 0, depth);
    case '"':
      v->type = J_STRING;
      return read_string(r, &v->text, &v->len);
    case 't': return literal(r, "true", v, J_TRUE);
    case 'f': return literal(r, "false", v, J_FALSE);
    case 'n': return literal(r, "null", v, J_NULL);
    default: {
      const char *start = r->p;
      while (r->p < r->end && strchr("+-0123456789.eE", *r->p) != NULL) r->p++;
      if (r->p == start) return fail(r, "unexpected character");
      v->type = J_NUMBER;
      v->len = (size_t)(r->p - start);
      v->text = malloc(v->len + 1);
      if (v->text == NULL) return fail(r, "out of memory");
      memcpy(v->text, start, v->len);
      v->text[v->len] = '\0';
      return 1;
    }
  }
}

/* The member `key` of an object; NULL when absent (or v is not an object). */
static const json *get(const json *v, const char *key) {
  size_t i;
  if (v == NULL || v->type != J_OBJECT) return NULL;
  for (i = 0; i < v->n; i++) {
    if (strcmp(v->keys[i], key) == 0) return &v->items[i];
  }
  return NULL;
}

/* The string member `key`; NULL when absent or not a string. */
static const char *get_string(const json *v, const char *key) {
  const json *m = get(v, key);
  return m != NULL && m->type == J_STRING ? m->text : NULL;
}

/* ---- The cases ---------------------------------------------------------------------------------------------- */

/* pss-core's ErrorKind (as the cases name it) and the code the C ABI gives for it. */
static const struct {
  const char *kind;
  pss_result code;
} ERROR_CODES[] = {
    {"InvalidUtf8", PSS_RESULT_INVALID_UTF8},
    {"Syntax", PSS_RESULT_INVALID_JSON},
    {"NotAnObject", PSS_RESULT_NOT_AN_OBJECT},
    {"InvalidType", PSS_RESULT_INVALID_TYPE},
    {"NumberOutOfRange", PSS_RESULT_NUMBER_OUT_OF_RANGE},
    {"TooDeep", PSS_RESULT_TOO_DEEP},
    {"InvalidLevel", PSS_RESULT_INVALID_LEVEL},
    {"InvalidVersion", PSS_RESULT_INVALID_VERSION},
    {"UnknownCheck", PSS_RESULT_UNKNOWN_CHECK},
    {"UnknownField", PSS_RESULT_UNKNOWN_FIELD},
    {"DuplicateField", PSS_RESULT_DUPLICATE_FIELD},
    {"UnexpectedKind", PSS_RESULT_UNEXPECTED_KIND},
    {"BarePodSpec", PSS_RESULT_BARE_POD_SPEC},
};

typedef pss_result (*evaluate_text)(const uint8_t *, size_t, const uint8_t *, size_t, const pss_options *,
                                    const uint8_t *, size_t, pss_evaluation **, pss_error **);
typedef pss_result (*evaluate_handle)(const pss_level_version *, const pss_options *, const uint8_t *, size_t,
                                      pss_evaluation **, pss_error **);

static int case_failures;

#define EXPECT(name, via, cond, ...)                                                       \
  do {                                                                                     \
    check_count++;                                                                         \
    if (!(cond)) {                                                                         \
      check_failures++;                                                                    \
      case_failures++;                                                                     \
      fprintf(stderr, "%s (%s): %s: ", (name), (via), #cond);                              \
      fprintf(stderr, __VA_ARGS__);                                                        \
      fputc('\n', stderr);                                                                 \
    }                                                                                      \
  } while (0)

/* A view as a printable string for messages. */
#define SHOWN(ptr, len) (ptr) != NULL ? (int)(len) : 6, (ptr) != NULL ? (const char *)(ptr) : "<NULL>"

/* Compares an evaluation with the case's expected one. */
static void compare_evaluation(const char *name, const char *via, const pss_evaluation *ev, const json *expect) {
  const json *reasons = get(expect, "reasons"), *paths = get(expect, "paths"), *allowed = get(expect, "allowed");
  const char *message = get_string(expect, "message");
  const pss_evaluation_view *v = NULL;
  size_t i;
  EXPECT(name, via, allowed != NULL && (allowed->type == J_TRUE || allowed->type == J_FALSE), "no expected verdict");
  EXPECT(name, via, reasons != NULL && reasons->type == J_ARRAY && paths != NULL && paths->type == J_ARRAY,
         "no expected reasons or paths");
  if (allowed == NULL || reasons == NULL || paths == NULL) return;
  CHECK_RC(pss_evaluation_get_view(ev, &v), PSS_RESULT_OK);
  if (v == NULL) return;
  EXPECT(name, via, v->allowed == (allowed->type == J_TRUE), "allowed is %d", (int)v->allowed);
  EXPECT(name, via, !v->template_absent, "a template is absent");
  EXPECT(name, via, v->violation_count == reasons->n, "%zu violations, %zu expected", v->violation_count, reasons->n);
  EXPECT(name, via, paths->n == reasons->n, "the case gives %zu paths for %zu reasons", paths->n, reasons->n);
  for (i = 0; i < v->violation_count && i < reasons->n && i < paths->n; i++) {
    const pss_violation_view *violation = &v->violations[i];
    EXPECT(name, via, view_equals(violation->reason.ptr, violation->reason.len, reasons->items[i].text),
           "reason %zu is \"%.*s\", expected \"%s\"", i, SHOWN(violation->reason.ptr, violation->reason.len),
           reasons->items[i].text);
    EXPECT(name, via, violation->field_count > 0, "violation %zu has no field", i);
    if (violation->field_count > 0) {
      pss_str path = violation->fields[0].path;
      EXPECT(name, via, view_equals(path.ptr, path.len, paths->items[i].text),
             "path %zu is \"%.*s\", expected \"%s\"", i, SHOWN(path.ptr, path.len), paths->items[i].text);
    }
  }
  /* Without an expected message (an allowed evaluation) the denial message is empty. */
  EXPECT(name, via, view_equals(v->denial_message.ptr, v->denial_message.len, message != NULL ? message : ""),
         "message \"%.*s\", expected \"%s\"", SHOWN(v->denial_message.ptr, v->denial_message.len),
         message != NULL ? message : "");
}

/* Compares one call's outcome with the case's expectation; frees what the call made. */
static void compare(const char *name, const char *via, pss_result rc, pss_evaluation *ev, pss_error *err,
                    const json *expect) {
  const char *error = get_string(expect, "error"), *not_evaluated = get_string(expect, "notEvaluated");
  if (error != NULL) {
    size_t i;
    int known = 0;
    for (i = 0; i < sizeof ERROR_CODES / sizeof ERROR_CODES[0]; i++) {
      if (strcmp(ERROR_CODES[i].kind, error) == 0) {
        known = 1;
        EXPECT(name, via, rc == ERROR_CODES[i].code, "code %u, expected %u (%s)", (unsigned)rc,
               (unsigned)ERROR_CODES[i].code, error);
      }
    }
    EXPECT(name, via, known, "an error kind this test does not know: %s", error);
    EXPECT(name, via, ev == NULL, "an evaluation was written on failure");
    EXPECT(name, via, err != NULL, "no error object");
  } else if (not_evaluated != NULL && strcmp(not_evaluated, "TemplateAbsent") == 0) {
    /* Upstream allows a controller whose optional template is absent: allowed, nothing checked. */
    bool absent = false, allowed = false;
    size_t count = 1;
    EXPECT(name, via, rc == PSS_RESULT_OK, "code %u", (unsigned)rc);
    if (rc == PSS_RESULT_OK) {
      CHECK_RC(pss_evaluation_template_absent(ev, &absent), PSS_RESULT_OK);
      CHECK_RC(pss_evaluation_allowed(ev, &allowed), PSS_RESULT_OK);
      CHECK_RC(pss_evaluation_violation_count(ev, &count), PSS_RESULT_OK);
      EXPECT(name, via, absent && allowed && count == 0, "absent %d, allowed %d, %zu violations", (int)absent,
             (int)allowed, count);
    }
  } else if (not_evaluated != NULL) {
    /* NoKind, NotAPodController: not evaluated, and so never allowed. */
    const uint8_t *p = NULL;
    size_t n = 0;
    EXPECT(name, via, rc == PSS_RESULT_NOT_A_WORKLOAD, "code %u, expected PSS_RESULT_NOT_A_WORKLOAD (%s)",
           (unsigned)rc, not_evaluated);
    EXPECT(name, via, ev == NULL, "an evaluation was written on failure");
    if (err != NULL) {
      CHECK_RC(pss_error_message(err, &p, &n), PSS_RESULT_OK);
      EXPECT(name, via, n > 0, "no reason given");
    }
  } else {
    EXPECT(name, via, rc == PSS_RESULT_OK, "code %u", (unsigned)rc);
    if (rc == PSS_RESULT_OK) compare_evaluation(name, via, ev, expect);
  }
  pss_evaluation_free(ev);
  pss_error_free(err);
}

static void run_case(const json *c) {
  const char *name = get_string(c, "name"), *entry = get_string(c, "entry");
  const char *level_version = get_string(c, "levelVersion");
  const json *document = get(c, "document"), *expect = get(c, "expect");
  const char *colon = level_version != NULL ? strchr(level_version, ':') : NULL;
  evaluate_text by_text = NULL;
  evaluate_handle by_handle = NULL;
  pss_level_version *lv = NULL;
  pss_evaluation *ev = NULL;
  pss_error *err = NULL;
  pss_result rc;
  const uint8_t *level, *version, *doc;
  size_t level_len, version_len;
  if (name == NULL) name = "(a case without a name)";
  EXPECT(name, "file", entry != NULL && colon != NULL && document != NULL && document->type == J_STRING &&
                           expect != NULL && expect->type == J_OBJECT,
         "a malformed case");
  if (entry == NULL || colon == NULL || document == NULL || document->type != J_STRING || expect == NULL) return;
  if (strcmp(entry, "pod") == 0) {
    by_text = pss_evaluate;
    by_handle = pss_level_version_evaluate;
  } else if (strcmp(entry, "spec") == 0) {
    by_text = pss_evaluate_spec;
    by_handle = pss_level_version_evaluate_spec;
  } else if (strcmp(entry, "object") == 0) {
    by_text = pss_evaluate_object;
    by_handle = pss_level_version_evaluate_object;
  }
  EXPECT(name, "file", by_text != NULL, "unknown entry %s", entry);
  if (by_text == NULL) return;
  level = (const uint8_t *)level_version;
  level_len = (size_t)(colon - level_version);
  version = (const uint8_t *)colon + 1;
  version_len = strlen(colon + 1);
  /* A zero-length document still needs a non-NULL pointer: the text buffer is never NULL. */
  doc = (const uint8_t *)document->text;

  rc = by_text(level, level_len, version, version_len, NULL, doc, document->len, &ev, &err);
  compare(name, "level and version as text", rc, ev, err, expect);

  ev = NULL;
  err = NULL;
  CHECK_RC(pss_level_version_new(level, level_len, version, version_len, &lv, NULL), PSS_RESULT_OK);
  rc = by_handle(lv, NULL, doc, document->len, &ev, &err);
  compare(name, "pss_level_version", rc, ev, err, expect);
  pss_level_version_free(lv);
}

int main(int argc, char **argv) {
  const char *path = argc > 1 ? argv[1] : "testdata/entry-points.json";
  size_t len = 0, i;
  uint8_t *text = read_file(path, &len);
  reader r;
  json root, *cases;
  memset(&root, 0, sizeof root);
  if (text == NULL) {
    fprintf(stderr, "test_entry_points: cannot read %s (run from the repository root, or give the path)\n", path);
    return 1;
  }
  r.p = (const char *)text;
  r.end = (const char *)text + len;
  r.error = NULL;
  if (!read_value(&r, &root, 0) || (skip_space(&r), r.p != r.end)) {
    fprintf(stderr, "test_entry_points: %s: %s at byte %ld\n", path, r.error ? r.error : "trailing data",
            (long)(r.p - (const char *)text));
    json_free(&root);
    free(text);
    return 1;
  }
  cases = (json *)get(&root, "cases");
  CHECK(cases != NULL && cases->type == J_ARRAY);
  /* The file holds the cases every surface runs; a handful would mean it was cut. */
  CHECK(cases != NULL && cases->n >= 20);
  for (i = 0; cases != NULL && i < cases->n; i++) run_case(&cases->items[i]);
  printf("test_entry_points: %zu cases, %d failures\n", cases != NULL ? cases->n : 0, case_failures);
  json_free(&root);
  free(text);
  return check_summary("test_entry_points");
}
