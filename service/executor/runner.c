/*
 * faas-runner: the trusted program of the code-execution service's executor Pods
 * (service/contract/executor.ts describes the Pod; service/executor/README.md the limits).
 *
 *   faas-runner run                   PID 1 of the `run` init container: validate /job/source.json,
 *                                     compile, run under the limits, kill every leftover process,
 *                                     then write /results/meta from scratch. Exits 0 whenever it
 *                                     wrote a summary.
 *   faas-runner report [DIR]          the `report` container: read DIR (default /results) without
 *                                     following links and print ONE result frame on stdout
 *                                     (service/contract/frame.ts). Nothing else, ever.
 *   faas-runner check LANGUAGE [FILE] print the source rule violations of FILE (default
 *                                     /job/source.json), one per line; exit 1 when there are some.
 *
 * libc only, built static: gcc -static -O2 -Wall -Wextra -o faas-runner runner.c
 *
 * Why it is safe against the job it runs (same uid, same container):
 *  - PID 1 of a PID namespace gets no signal it has no handler for from inside the namespace, and
 *    this program installs none; it is non-dumpable, so the job cannot ptrace it or read the files under /proc/1.
 *  - The job's stdout/stderr are pipes to this process; the report container's stdout, which the
 *    middleware reads, is in another container the job never shares.
 *  - Before it writes anything under /results/meta it kills every other process in the namespace
 *    (kill(-1) until none is left, reaping), then replaces meta/ and output/ with fresh directories
 *    holding only what it vetted.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- Values shared with service/contract (test/executor/runner-contract.test.ts keeps them equal) ---- */
#define FRAME_BEGIN "---BEGIN CLUSTERKIT RESULT v1---"
#define FRAME_END_PREFIX "---END CLUSTERKIT RESULT v1 sha256="
#define MAX_FRAME_BYTES (9 * 1024 * 1024)
#define MAX_RESULT_PAYLOAD_BYTES (6 * 1024 * 1024)
#define MAX_OUTPUT_LIMIT_BYTES (1024 * 1024)
#define MAX_OUTPUT_FILES 100
#define SOURCE_MAX_FILES 20
#define SOURCE_MAX_TOTAL_BYTES (128 * 1024)
#define SOURCE_MAX_ENCODED_BYTES (200 * 1024)
#define SOURCE_FILE "/job/source.json"
#define WORK_DIR "/work"
#define RESULTS_DIR "/results"
#define OUTPUT_DIR "/results/output"
#define TMP_DIR "/tmp"
#define JOB_ENV_OUTPUT_DIR "OUTPUT_DIR"
#define ENV_LANGUAGE "FAAS_LANGUAGE"
#define ENV_COMPILE_TIMEOUT "FAAS_COMPILE_TIMEOUT_MS"
#define ENV_RUN_TIMEOUT "FAAS_RUN_TIMEOUT_MS"
#define ENV_MEMORY "FAAS_MEMORY_LIMIT_BYTES"
#define ENV_OUTPUT "FAAS_OUTPUT_LIMIT_BYTES"
#define ENV_PROCESSES "FAAS_MAX_PROCESSES"

/* ---- Runner's own choices ---- */
/* Compilers' build products and caches: a hidden directory in the scratch emptyDir. */
#define BUILD_DIR "/tmp/.faas-build"
#define PROGRAM BUILD_DIR "/program"
/* How often the limits are sampled while a phase runs. */
#define SAMPLE_MS 10
/* A source file bigger than this is not read at all (the annotation holding it is ≤ 256 KiB). */
#define SOURCE_READ_CAP (1024 * 1024)
/* summary.json is small; anything bigger under that name was not written by the runner. */
#define SUMMARY_CAP (64 * 1024)
/* The output folder walk: deeper directories and more entries than this are dropped, not visited. */
#define OUTPUT_MAX_DEPTH 8
#define OUTPUT_MAX_VISITED 10000
#define JSON_MAX_DEPTH 32
/* Where compilers are looked up and the job's PATH, unless the container's own PATH (the image's
   config, trusted) says otherwise: an image with a second toolchain puts it first there. */
#define DEFAULT_PATH "/usr/local/bin:/usr/bin:/bin"

/* =============================================================================================== */
/* Small utilities                                                                                  */

typedef struct {
  char *data;
  size_t len, cap;
} buf_t;

static void fatal(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void fatal(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("faas-runner: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(2);
}

static void *xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) fatal("out of memory");
  return q;
}

static char *xstrndup(const char *s, size_t n) {
  char *p = xrealloc(NULL, n + 1);
  memcpy(p, s, n);
  p[n] = 0;
  return p;
}

static void buf_add(buf_t *b, const void *p, size_t n) {
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + n + 1) cap *= 2;
    b->data = xrealloc(b->data, cap);
    b->cap = cap;
  }
  memcpy(b->data + b->len, p, n);
  b->len += n;
  b->data[b->len] = 0;
}

static void buf_str(buf_t *b, const char *s) { buf_add(b, s, strlen(s)); }

static void buf_fmt(buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void buf_fmt(buf_t *b, const char *fmt, ...) {
  char tmp[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t)n < sizeof tmp) {
    buf_add(b, tmp, (size_t)n);
    return;
  }
  char *big = xrealloc(NULL, (size_t)n + 1);
  va_start(ap, fmt);
  vsnprintf(big, (size_t)n + 1, fmt, ap);
  va_end(ap);
  buf_add(b, big, (size_t)n);
  free(big);
}

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool write_all(int fd, const void *p, size_t n) {
  const char *c = p;
  while (n > 0) {
    ssize_t w = write(fd, c, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    c += w;
    n -= (size_t)w;
  }
  return true;
}

/* Reads at most cap bytes of an open file; *more is set when the file holds more. */
static bool read_capped(int fd, buf_t *out, size_t cap, bool *more) {
  char tmp[65536];
  *more = false;
  for (;;) {
    ssize_t r = read(fd, tmp, sizeof tmp);
    if (r < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (r == 0) return true;
    size_t room = cap - out->len;
    if ((size_t)r > room) {
      buf_add(out, tmp, room);
      *more = true;
      return true;
    }
    buf_add(out, tmp, (size_t)r);
  }
}

/* A small file (cgroup and /proc entries) into tmp; false when it cannot be read. */
static bool read_small(const char *path, char *tmp, size_t size) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  ssize_t r = read(fd, tmp, size - 1);
  close(fd);
  if (r < 0) return false;
  tmp[r] = 0;
  return true;
}

/* The value after `key ` on its own line of a flat keyed file (memory.stat, pids.events, ...). */
static bool keyed_value(const char *text, const char *key, int64_t *value) {
  size_t klen = strlen(key);
  for (const char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
    if (strncmp(line, key, klen) == 0 && line[klen] == ' ') {
      *value = strtoll(line + klen + 1, NULL, 10);
      return true;
    }
  }
  return false;
}

/* =============================================================================================== */
/* SHA-256 (FIPS 180-4) and base64, for the frame                                                   */

typedef struct {
  uint32_t h[8];
  uint64_t bits;
  unsigned char block[64];
  size_t used;
} sha256_t;

static const uint32_t K256[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be,
    0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa,
    0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85,
    0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
    0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
    0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha256_block(sha256_t *s, const unsigned char *p) {
  uint32_t w[64];
  for (int i = 0; i < 16; i++) w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
  for (int i = 16; i < 64; i++) {
    uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
    uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  uint32_t a = s->h[0], b = s->h[1], c = s->h[2], d = s->h[3], e = s->h[4], f = s->h[5], g = s->h[6], h = s->h[7];
  for (int i = 0; i < 64; i++) {
    uint32_t t1 = h + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + K256[i] + w[i];
    uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    h = g, g = f, f = e, e = d + t1, d = c, c = b, b = a, a = t1 + t2;
  }
  s->h[0] += a, s->h[1] += b, s->h[2] += c, s->h[3] += d, s->h[4] += e, s->h[5] += f, s->h[6] += g, s->h[7] += h;
}

static void sha256_init(sha256_t *s) {
  static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  memcpy(s->h, iv, sizeof iv);
  s->bits = 0;
  s->used = 0;
}

static void sha256_update(sha256_t *s, const unsigned char *p, size_t n) {
  s->bits += (uint64_t)n * 8;
  while (n > 0) {
    size_t take = 64 - s->used < n ? 64 - s->used : n;
    memcpy(s->block + s->used, p, take);
    s->used += take, p += take, n -= take;
    if (s->used == 64) {
      sha256_block(s, s->block);
      s->used = 0;
    }
  }
}

static void sha256_hex(sha256_t *s, char out[65]) {
  uint64_t bits = s->bits;
  unsigned char pad = 0x80, zero = 0, len[8];
  sha256_update(s, &pad, 1);
  while (s->used != 56) sha256_update(s, &zero, 1);
  for (int i = 0; i < 8; i++) len[i] = (unsigned char)(bits >> (56 - 8 * i));
  sha256_update(s, len, 8);
  for (int i = 0; i < 8; i++) snprintf(out + 8 * i, 9, "%08x", s->h[i]);
}

/* base64 of p in lines of 76 characters, each followed by \n. */
static void base64_lines(buf_t *out, const unsigned char *p, size_t n) {
  static const char A[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  char line[80];
  size_t used = 0;
  for (size_t i = 0; i < n; i += 3) {
    uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) | (i + 2 < n ? p[i + 2] : 0);
    line[used++] = A[v >> 18 & 63];
    line[used++] = A[v >> 12 & 63];
    line[used++] = i + 1 < n ? A[v >> 6 & 63] : '=';
    line[used++] = i + 2 < n ? A[v & 63] : '=';
    if (used == 76) {
      line[used++] = '\n';
      buf_add(out, line, used);
      used = 0;
    }
  }
  if (used > 0) {
    line[used++] = '\n';
    buf_add(out, line, used);
  }
}

/* =============================================================================================== */
/* JSON (RFC 8259, strict UTF-8; duplicate keys are an error rather than last-one-wins)            */

enum { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

typedef struct jv {
  int type;
  double num;
  char *str; /* J_STR: UTF-8, may hold NUL bytes; len is authoritative */
  size_t len;
  size_t n; /* J_ARR, J_OBJ */
  struct jv **items;
  char **keys;
  size_t *klens;
} jv;

typedef struct {
  const unsigned char *p, *end;
  const char *err;
} jparser;

/* Strict UTF-8: shortest form, no surrogates, at most U+10FFFF. */
static bool utf8_valid(const unsigned char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    unsigned char c = s[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    size_t need;
    uint32_t cp, min;
    if ((c & 0xe0) == 0xc0) need = 1, cp = c & 0x1f, min = 0x80;
    else if ((c & 0xf0) == 0xe0) need = 2, cp = c & 0x0f, min = 0x800;
    else if ((c & 0xf8) == 0xf0) need = 3, cp = c & 0x07, min = 0x10000;
    else return false;
    if (i + need >= n) return false;
    for (size_t k = 1; k <= need; k++) {
      if ((s[i + k] & 0xc0) != 0x80) return false;
      cp = cp << 6 | (s[i + k] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += need + 1;
  }
  return true;
}

static void utf8_put(buf_t *b, uint32_t cp) {
  unsigned char o[4];
  size_t n;
  if (cp < 0x80) o[0] = (unsigned char)cp, n = 1;
  else if (cp < 0x800) o[0] = (unsigned char)(0xc0 | cp >> 6), o[1] = (unsigned char)(0x80 | (cp & 0x3f)), n = 2;
  else if (cp < 0x10000)
    o[0] = (unsigned char)(0xe0 | cp >> 12), o[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f)), o[2] = (unsigned char)(0x80 | (cp & 0x3f)), n = 3;
  else
    o[0] = (unsigned char)(0xf0 | cp >> 18), o[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f)), o[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f)),
    o[3] = (unsigned char)(0x80 | (cp & 0x3f)), n = 4;
  buf_add(b, o, n);
}

static jv *jnew(int type) {
  jv *v = xrealloc(NULL, sizeof *v);
  memset(v, 0, sizeof *v);
  v->type = type;
  return v;
}

static void jskip(jparser *j) {
  while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')) j->p++;
}

static int hex4(const unsigned char *p) {
  int v = 0;
  for (int i = 0; i < 4; i++) {
    int c = p[i], d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
    else return -1;
    v = v * 16 + d;
  }
  return v;
}

/* A string token; lone surrogate escapes become U+FFFD, as TextEncoder counts them. */
static bool jstring(jparser *j, buf_t *out) {
  j->p++; /* opening quote */
  while (j->p < j->end) {
    unsigned char c = *j->p;
    if (c == '"') {
      j->p++;
      return true;
    }
    if (c < 0x20) return j->err = "control character in a string", false;
    if (c != '\\') {
      const unsigned char *start = j->p;
      while (j->p < j->end && *j->p != '"' && *j->p != '\\' && *j->p >= 0x20) j->p++;
      buf_add(out, start, (size_t)(j->p - start));
      continue;
    }
    if (j->p + 1 >= j->end) break;
    unsigned char e = j->p[1];
    j->p += 2;
    switch (e) {
      case '"': buf_add(out, "\"", 1); break;
      case '\\': buf_add(out, "\\", 1); break;
      case '/': buf_add(out, "/", 1); break;
      case 'b': buf_add(out, "\b", 1); break;
      case 'f': buf_add(out, "\f", 1); break;
      case 'n': buf_add(out, "\n", 1); break;
      case 'r': buf_add(out, "\r", 1); break;
      case 't': buf_add(out, "\t", 1); break;
      case 'u': {
        if (j->end - j->p < 4) return j->err = "truncated \\u escape", false;
        int cp = hex4(j->p);
        if (cp < 0) return j->err = "bad \\u escape", false;
        j->p += 4;
        if (cp >= 0xd800 && cp <= 0xdbff && j->end - j->p >= 6 && j->p[0] == '\\' && j->p[1] == 'u') {
          int lo = hex4(j->p + 2);
          if (lo >= 0xdc00 && lo <= 0xdfff) {
            j->p += 6;
            utf8_put(out, 0x10000 + (((uint32_t)cp - 0xd800) << 10) + ((uint32_t)lo - 0xdc00));
            break;
          }
        }
        utf8_put(out, cp >= 0xd800 && cp <= 0xdfff ? 0xfffd : (uint32_t)cp);
        break;
      }
      default: return j->err = "bad escape in a string", false;
    }
  }
  return j->err = "unterminated string", false;
}

static jv *jvalue(jparser *j, int depth);

static jv *jcontainer(jparser *j, int depth, bool object) {
  jv *v = jnew(object ? J_OBJ : J_ARR);
  j->p++;
  jskip(j);
  if (j->p < j->end && *j->p == (object ? '}' : ']')) {
    j->p++;
    return v;
  }
  for (;;) {
    char *key = NULL;
    size_t klen = 0;
    if (object) {
      jskip(j);
      if (j->p >= j->end || *j->p != '"') return j->err = "expected a key", NULL;
      buf_t k = {0};
      if (!jstring(j, &k)) return NULL;
      key = k.data ? k.data : xstrndup("", 0), klen = k.len;
      for (size_t i = 0; i < v->n; i++)
        if (v->klens[i] == klen && memcmp(v->keys[i], key, klen) == 0) return j->err = "duplicate key in an object", NULL;
      jskip(j);
      if (j->p >= j->end || *j->p != ':') return j->err = "expected ':'", NULL;
      j->p++;
    }
    jv *item = jvalue(j, depth + 1);
    if (!item) return NULL;
    v->items = xrealloc(v->items, (v->n + 1) * sizeof *v->items);
    v->keys = xrealloc(v->keys, (v->n + 1) * sizeof *v->keys);
    v->klens = xrealloc(v->klens, (v->n + 1) * sizeof *v->klens);
    v->items[v->n] = item, v->keys[v->n] = key, v->klens[v->n] = klen, v->n++;
    jskip(j);
    if (j->p < j->end && *j->p == ',') {
      j->p++;
      continue;
    }
    if (j->p < j->end && *j->p == (object ? '}' : ']')) {
      j->p++;
      return v;
    }
    return j->err = object ? "expected ',' or '}'" : "expected ',' or ']'", NULL;
  }
}

static jv *jvalue(jparser *j, int depth) {
  if (depth > JSON_MAX_DEPTH) return j->err = "nested too deeply", NULL;
  jskip(j);
  if (j->p >= j->end) return j->err = "unexpected end", NULL;
  unsigned char c = *j->p;
  if (c == '{' || c == '[') return jcontainer(j, depth, c == '{');
  if (c == '"') {
    buf_t s = {0};
    if (!jstring(j, &s)) return NULL;
    jv *v = jnew(J_STR);
    v->str = s.data ? s.data : xstrndup("", 0), v->len = s.len;
    return v;
  }
  static const struct {
    const char *word;
    int type;
  } words[] = {{"true", J_BOOL}, {"false", J_BOOL}, {"null", J_NULL}};
  for (size_t i = 0; i < 3; i++) {
    size_t n = strlen(words[i].word);
    if ((size_t)(j->end - j->p) >= n && memcmp(j->p, words[i].word, n) == 0) {
      j->p += n;
      return jnew(words[i].type);
    }
  }
  /* number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
  const unsigned char *s = j->p;
  if (j->p < j->end && *j->p == '-') j->p++;
  if (j->p < j->end && *j->p == '0') j->p++;
  else if (j->p < j->end && *j->p >= '1' && *j->p <= '9') while (j->p < j->end && isdigit(*j->p)) j->p++;
  else return j->err = "unexpected character", NULL;
  if (j->p < j->end && *j->p == '.') {
    j->p++;
    if (j->p >= j->end || !isdigit(*j->p)) return j->err = "bad number", NULL;
    while (j->p < j->end && isdigit(*j->p)) j->p++;
  }
  if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
    j->p++;
    if (j->p < j->end && (*j->p == '+' || *j->p == '-')) j->p++;
    if (j->p >= j->end || !isdigit(*j->p)) return j->err = "bad number", NULL;
    while (j->p < j->end && isdigit(*j->p)) j->p++;
  }
  char *text = xstrndup((const char *)s, (size_t)(j->p - s));
  jv *v = jnew(J_NUM);
  v->num = strtod(text, NULL);
  free(text);
  return v;
}

/* The whole text as one JSON value, or NULL with *err set. */
static jv *json_parse(const unsigned char *text, size_t n, const char **err) {
  if (!utf8_valid(text, n)) return *err = "not valid UTF-8", NULL;
  jparser j = {text, text + n, NULL};
  jv *v = jvalue(&j, 0);
  if (v) {
    jskip(&j);
    if (j.p != j.end) v = NULL, j.err = "text after the value";
  }
  *err = j.err;
  return v;
}

static jv *jget(const jv *obj, const char *key) {
  if (!obj || obj->type != J_OBJ) return NULL;
  size_t klen = strlen(key);
  for (size_t i = 0; i < obj->n; i++)
    if (obj->klens[i] == klen && memcmp(obj->keys[i], key, klen) == 0) return obj->items[i];
  return NULL;
}

static void json_string(buf_t *b, const char *s, size_t n) {
  buf_str(b, "\"");
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\') buf_fmt(b, "\\%c", c);
    else if (c == '\n') buf_str(b, "\\n");
    else if (c < 0x20 || c == 0x7f) buf_fmt(b, "\\u%04x", c);
    else buf_add(b, &c, 1);
  }
  buf_str(b, "\"");
}

/* =============================================================================================== */
/* Languages and the source rules (mirror sourceProblems in service/contract/source.ts, message    */
/* for message; test/executor/runner-source.test.ts compares them)                                 */

typedef struct {
  const char *name;
  const char *exts[5];
  const char *exts_text;
} language_t;

static const language_t LANGUAGES[] = {
    {"go", {".go", NULL}, ".go"},
    {"javascript", {".js", ".mjs", ".cjs", ".json", NULL}, ".js, .mjs, .cjs, .json"},
    {"c", {".c", ".h", NULL}, ".c, .h"},
};

static const language_t *language_named(const char *name) {
  for (size_t i = 0; i < sizeof LANGUAGES / sizeof *LANGUAGES; i++)
    if (name && strcmp(LANGUAGES[i].name, name) == 0) return &LANGUAGES[i];
  return NULL;
}

typedef struct {
  const char *name; /* validated: plain ASCII file name */
  const char *content;
  size_t len;
} source_file_t;

typedef struct {
  char **items;
  size_t n;
} strlist_t;

static void strlist_add(strlist_t *l, char *s) {
  l->items = xrealloc(l->items, (l->n + 1) * sizeof *l->items);
  l->items[l->n++] = s;
}

static char *strf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *strf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *s = NULL;
  if (vasprintf(&s, fmt, ap) < 0) fatal("out of memory");
  va_end(ap);
  return s;
}

static bool ends_with(const char *s, size_t n, const char *suffix) {
  size_t k = strlen(suffix);
  return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$ */
static bool plain_file_name(const char *s, size_t n) {
  if (n < 1 || n > 64 || !isalnum((unsigned char)s[0]) || (unsigned char)s[0] >= 0x80) return false;
  for (size_t i = 1; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (!(c < 0x80 && (isalnum(c) || c == '.' || c == '_' || c == '-'))) return false;
  }
  return true;
}

static bool is_js_module(const char *name) {
  size_t n = strlen(name);
  return ends_with(name, n, ".js") || ends_with(name, n, ".mjs") || ends_with(name, n, ".cjs");
}

/* main.js when present, else the first .js/.mjs/.cjs file (javascriptEntry in source.ts). */
static const char *javascript_entry(const source_file_t *files, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(files[i].name, "main.js") == 0) return "main.js";
  for (size_t i = 0; i < n; i++)
    if (is_js_module(files[i].name)) return files[i].name;
  return NULL;
}

/*
 * Problems of an encoded source (the text of /job/source.json) for a language. On success (no
 * problems) files_out and nfiles_out hold the files. `encoded_len` is the size of the encoded form, which is
 * what the middleware checked as utf8Length(encodeSource(files)).
 */
static void source_problems(const language_t *lang, const unsigned char *text, size_t encoded_len, strlist_t *problems, source_file_t **files_out,
                            size_t *nfiles_out) {
  const char *err = NULL;
  jv *root = json_parse(text, encoded_len, &err);
  if (!root) {
    strlist_add(problems, strf("source: not valid JSON (%s)", err ? err : "unknown error"));
    return;
  }
  jv *version = jget(root, "v");
  if (root->type != J_OBJ || !version || version->type != J_NUM || version->num != 1) {
    strlist_add(problems, strf("source: expected the encoded form {\"v\":1,\"files\":[...]}"));
    return;
  }
  jv *files = jget(root, "files");
  if (!files || files->type != J_ARR || files->n == 0) {
    strlist_add(problems, strf("files: at least one source file is required"));
    return;
  }
  if (files->n > SOURCE_MAX_FILES) strlist_add(problems, strf("files: at most %d files (got %zu)", SOURCE_MAX_FILES, files->n));
  source_file_t *out = xrealloc(NULL, files->n * sizeof *out);
  size_t nout = 0;
  size_t total = 0;
  for (size_t i = 0; i < files->n; i++) {
    jv *f = files->items[i];
    jv *name = jget(f, "name");
    if (!name || name->type != J_STR || !plain_file_name(name->str, name->len)) {
      strlist_add(problems, strf("files[%zu].name: must be a plain file name (letters, digits, '.', '_', '-'; at most 64 characters; no directories)", i));
      continue;
    }
    for (size_t k = 0; k < nout; k++)
      if (strcmp(out[k].name, name->str) == 0) {
        strlist_add(problems, strf("files[%zu].name: duplicate file name %s", i, name->str));
        break;
      }
    bool ext_ok = false;
    for (const char *const *e = lang->exts; *e; e++) ext_ok = ext_ok || ends_with(name->str, name->len, *e);
    if (!ext_ok) strlist_add(problems, strf("files[%zu].name: %s files must end in %s", i, lang->name, lang->exts_text));
    jv *content = jget(f, "content");
    if (!content || content->type != J_STR) strlist_add(problems, strf("files[%zu].content: must be text", i));
    else total += content->len;
    out[nout++] = (source_file_t){name->str, content && content->type == J_STR ? content->str : "", content && content->type == J_STR ? content->len : 0};
  }
  if (total > SOURCE_MAX_TOTAL_BYTES) strlist_add(problems, strf("files: at most %d bytes of source in total (got %zu)", SOURCE_MAX_TOTAL_BYTES, total));
  if (problems->n == 0) {
    if (strcmp(lang->name, "javascript") == 0 && !javascript_entry(out, nout))
      strlist_add(problems, strf("files: a JavaScript job needs a .js, .mjs or .cjs file (main.js is run when present)"));
    bool has_go = false, has_c = false;
    for (size_t i = 0; i < nout; i++) {
      has_go = has_go || ends_with(out[i].name, strlen(out[i].name), ".go");
      has_c = has_c || ends_with(out[i].name, strlen(out[i].name), ".c");
    }
    if (strcmp(lang->name, "go") == 0 && !has_go) strlist_add(problems, strf("files: a Go job needs a .go file"));
    if (strcmp(lang->name, "c") == 0 && !has_c) strlist_add(problems, strf("files: a C job needs a .c file"));
    if (encoded_len > SOURCE_MAX_ENCODED_BYTES)
      strlist_add(problems, strf("files: the encoded source is %zu bytes, over the %d-byte limit (control characters count six times)", encoded_len,
                                 SOURCE_MAX_ENCODED_BYTES));
  }
  *files_out = out;
  *nfiles_out = nout;
}

/* Reads the source file (following the downward API's symlinks: /job is the kubelet's, read-only). */
static bool read_source(const char *path, buf_t *text, bool *too_big, int *err) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return *err = errno, false;
  bool ok = read_capped(fd, text, SOURCE_READ_CAP, too_big);
  *err = errno;
  close(fd);
  return ok;
}

/* =============================================================================================== */
/* Measuring the container: cgroup v1 (runc here), v2 (real nodes), gVisor's emulation, or /proc   */

typedef struct {
  char mem_stat[1300];    /* v1 or v2 memory.stat */
  bool mem_v2;
  /* gVisor: its cgroupfs has memory.usage_in_bytes (which counts cached file pages such as node's
     binary) but no memory.stat; its /proc/meminfo is the sandbox's own, AnonPages included. */
  bool meminfo;
  char oom_file[1300];    /* v1 memory.oom_control or v2 memory.events: "oom_kill N" */
  char pids_current[1300];
  char pids_events[1300]; /* "max N": forks refused by the pids limit */
  /* gVisor: its pids cgroup enforces nothing and the host's bounds only the sandbox's own threads,
     while its RLIMIT_NPROC counts the sandbox's processes alone (on Linux it counts the uid's
     processes across the node, which other executor Pods share). */
  bool gvisor;
} cgroup_t;

static cgroup_t CG;

static bool exists(const char *path) { return access(path, R_OK) == 0; }

/* gVisor's fixed kernel identity (it reports Linux 4.4.0) or its own "job" cgroup controller. */
static bool in_gvisor(void) {
  struct utsname u;
  if (uname(&u) == 0 && strcmp(u.release, "4.4.0") == 0 && strcmp(u.version, "#1 SMP Sun Jan 10 15:06:54 PST 2016") == 0) return true;
  return access("/sys/fs/cgroup/job", F_OK) == 0;
}

/*
 * The directory of this process's own cgroup for a controller ("memory", "pids"; NULL for v2).
 * Runtimes mount the container's own cgroup at /sys/fs/cgroup[/controller] (runc on v1, or a
 * private cgroup namespace on v2); where the whole hierarchy is mounted instead, the path in
 * /proc/self/cgroup leads to it. Either way the figures are the container's, never the node's.
 */
static void cgroup_dir(const char *controller, char *out, size_t size) {
  char base[64], text[4096], path[1024] = "";
  snprintf(base, sizeof base, controller ? "/sys/fs/cgroup/%s" : "/sys/fs/cgroup", controller);
  if (read_small("/proc/self/cgroup", text, sizeof text)) {
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
      char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
      if (!c2) continue;
      *c2 = 0;
      bool match = false;
      if (!controller) match = c1[1] == 0;
      else {
        char *save = NULL;
        for (char *ctl = strtok_r(c1 + 1, ",", &save); ctl && !match; ctl = strtok_r(NULL, ",", &save)) match = strcmp(ctl, controller) == 0;
      }
      if (match) snprintf(path, sizeof path, "%s", c2 + 1);
    }
  }
  struct stat st;
  char full[1200];
  snprintf(full, sizeof full, "%s%s", base, path);
  if (path[0] && strcmp(path, "/") != 0 && stat(full, &st) == 0 && S_ISDIR(st.st_mode)) snprintf(out, size, "%s", full);
  else snprintf(out, size, "%s", base);
}

static bool cgroup_file(char *out, size_t size, const char *dir, const char *name) {
  snprintf(out, size, "%s/%s", dir, name);
  if (exists(out)) return true;
  out[0] = 0;
  return false;
}

static void cgroup_detect(void) {
  memset(&CG, 0, sizeof CG);
  CG.gvisor = in_gvisor();
  char v1mem[1200], v1pids[1200], v2[1200], probe[1300];
  cgroup_dir("memory", v1mem, sizeof v1mem);
  cgroup_dir("pids", v1pids, sizeof v1pids);
  cgroup_dir(NULL, v2, sizeof v2);
  if (cgroup_file(CG.mem_stat, sizeof CG.mem_stat, v1mem, "memory.stat")) {
    cgroup_file(CG.oom_file, sizeof CG.oom_file, v1mem, "memory.oom_control");
  } else if (cgroup_file(CG.mem_stat, sizeof CG.mem_stat, v2, "memory.stat")) {
    CG.mem_v2 = true;
    cgroup_file(CG.oom_file, sizeof CG.oom_file, v2, "memory.events");
  } else if (cgroup_file(probe, sizeof probe, v1mem, "memory.usage_in_bytes")) {
    CG.meminfo = true;
  }
  if (cgroup_file(CG.pids_current, sizeof CG.pids_current, v1pids, "pids.current")) cgroup_file(CG.pids_events, sizeof CG.pids_events, v1pids, "pids.events");
  else if (cgroup_file(CG.pids_current, sizeof CG.pids_current, v2, "pids.current")) cgroup_file(CG.pids_events, sizeof CG.pids_events, v2, "pids.events");
  /* The oom_kill counter is only meaningful if present in the file (v1 before 4.13 lacks it). */
  char tmp[1024];
  int64_t v;
  if (CG.oom_file[0] && !(read_small(CG.oom_file, tmp, sizeof tmp) && keyed_value(tmp, "oom_kill", &v))) CG.oom_file[0] = 0;
}

static int64_t counter(const char *file, const char *key) {
  char tmp[1024];
  int64_t v = 0;
  if (file[0] && read_small(file, tmp, sizeof tmp) && keyed_value(tmp, key, &v)) return v;
  return 0;
}

/* Resident pages of a process that are not file-backed (statm: resident - shared). */
static int64_t proc_private_bytes(const char *pid) {
  char path[300], tmp[256];
  snprintf(path, sizeof path, "/proc/%s/statm", pid);
  long long size, resident, shared;
  if (!read_small(path, tmp, sizeof tmp) || sscanf(tmp, "%lld %lld %lld", &size, &resident, &shared) != 3) return 0;
  return (resident - shared) * (int64_t)sysconf(_SC_PAGESIZE);
}

typedef struct {
  int64_t memory; /* the job's unreclaimable memory, bytes */
  int64_t tasks;  /* the job's processes and threads */
} sample_t;

/* One look at the container, the runner itself excluded. */
static sample_t sample(void) {
  sample_t s = {0, 0};
  char tmp[8192];
  bool mem_done = false, tasks_done = false;
  if (CG.mem_stat[0] && read_small(CG.mem_stat, tmp, sizeof tmp)) {
    int64_t anon = 0, shmem = 0;
    if (CG.mem_v2) keyed_value(tmp, "anon", &anon), keyed_value(tmp, "shmem", &shmem);
    else {
      if (!keyed_value(tmp, "total_rss", &anon)) keyed_value(tmp, "rss", &anon);
      if (!keyed_value(tmp, "total_shmem", &shmem)) keyed_value(tmp, "shmem", &shmem);
    }
    s.memory = anon + shmem - proc_private_bytes("self");
    mem_done = true;
  } else if (CG.meminfo && read_small("/proc/meminfo", tmp, sizeof tmp)) {
    int64_t anon_kb = 0, shmem_kb = 0;
    keyed_value(tmp, "AnonPages:", &anon_kb), keyed_value(tmp, "Shmem:", &shmem_kb);
    s.memory = (anon_kb + shmem_kb) * 1024 - proc_private_bytes("self");
    mem_done = true;
  }
  if (CG.pids_current[0] && read_small(CG.pids_current, tmp, sizeof tmp)) {
    s.tasks = strtoll(tmp, NULL, 10) - 1;
    tasks_done = true;
  }
  if (!mem_done || !tasks_done) {
    DIR *d = opendir("/proc");
    struct dirent *e;
    while (d && (e = readdir(d))) {
      if (!isdigit((unsigned char)e->d_name[0]) || strcmp(e->d_name, "1") == 0) continue;
      if (!mem_done) s.memory += proc_private_bytes(e->d_name);
      if (!tasks_done) {
        char path[300];
        snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
        char *paren;
        long threads = 1;
        /* Field 20 (num_threads), counted after the ")" that ends the command name. */
        if (read_small(path, tmp, sizeof tmp) && (paren = strrchr(tmp, ')'))) {
          char *p = paren + 2;
          for (int field = 3; field < 20 && p; field++) p = strchr(p, ' ') ? strchr(p, ' ') + 1 : NULL;
          if (p) threads = strtol(p, NULL, 10);
        }
        s.tasks += threads > 0 ? threads : 1;
      }
    }
    if (d) closedir(d);
  }
  if (s.memory < 0) s.memory = 0;
  return s;
}

/* =============================================================================================== */
/* The job's seccomp filter: nothing it runs may touch PID 1                                        */
/*
 * Same uid as the runner, so the kernel's permission checks do not separate them. Linux drops the
 * signals a namespace's init has no handler for, but gVisor does not (kill(1, SIGKILL) ends the
 * runner there), and neither protects against prlimit(1, ...) (RLIMIT_FSIZE 0 would kill the
 * runner with SIGXFSZ when it writes the summary) or a renice of it. So the job runs under a
 * filter that fails those calls with EPERM when they name PID 1 (or, for priorities, anyone but a
 * single process), refuses ptrace, and answers pidfd_send_signal with ENOSYS so libraries fall back
 * to kill(). Only the low 32 bits of a pid argument count: the kernel reads pid_t as int.
 */

#if defined(__x86_64__)
#define SECCOMP_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define SECCOMP_ARCH AUDIT_ARCH_AARCH64
#else
#error "faas-runner: add the seccomp architecture of this target"
#endif

typedef struct {
  struct sock_filter ins[256];
  unsigned short n;
} bpf_t;

typedef struct {
  int arg;
  uint32_t value;
  bool deny_if_equal; /* else: deny unless equal */
} argcheck_t;

static void emit(bpf_t *b, unsigned short code, uint32_t k, unsigned char jt, unsigned char jf) {
  if (b->n >= sizeof b->ins / sizeof *b->ins) fatal("seccomp filter too long");
  b->ins[b->n++] = (struct sock_filter){code, jt, jf, k};
}

#define ARG_LOW(i) ((uint32_t)offsetof(struct seccomp_data, args[i]) + (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ? 4 : 0))
#define DENY (SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA))

/* if (nr == syscall) { each check may return EPERM; return action } */
static void rule(bpf_t *b, long nr, const argcheck_t *checks, int nchecks, uint32_t action) {
  emit(b, BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr), 0, 0);
  emit(b, BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)nr, 0, (unsigned char)(3 * nchecks + 1));
  for (int i = 0; i < nchecks; i++) {
    emit(b, BPF_LD | BPF_W | BPF_ABS, ARG_LOW(checks[i].arg), 0, 0);
    emit(b, BPF_JMP | BPF_JEQ | BPF_K, checks[i].value, checks[i].deny_if_equal ? 0 : 1, checks[i].deny_if_equal ? 1 : 0);
    emit(b, BPF_RET | BPF_K, DENY, 0, 0);
  }
  emit(b, BPF_RET | BPF_K, action, 0, 0);
}

static bool install_job_filter(void) {
  static const argcheck_t arg0_is_1[] = {{0, 1, true}};
  static const argcheck_t arg0_or_1_is_1[] = {{0, 1, true}, {1, 1, true}};
  /* setpriority(PRIO_PROCESS=0, who) and ioprio_set(IOPRIO_WHO_PROCESS=1, who) only, never of PID 1. */
  static const argcheck_t priority[] = {{0, 0, false}, {1, 1, true}};
  static const argcheck_t ioprio[] = {{0, 1, false}, {1, 1, true}};
  bpf_t b = {.n = 0};
  emit(&b, BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch), 0, 0);
  emit(&b, BPF_JMP | BPF_JEQ | BPF_K, SECCOMP_ARCH, 1, 0);
  emit(&b, BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS, 0, 0);
#if defined(__x86_64__)
  /* The x32 ABI shares the architecture value; its numbers carry bit 30. */
  emit(&b, BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr), 0, 0);
  emit(&b, BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1);
  emit(&b, BPF_RET | BPF_K, DENY, 0, 0);
#endif
  rule(&b, SYS_kill, arg0_is_1, 1, SECCOMP_RET_ALLOW);
  rule(&b, SYS_tkill, arg0_is_1, 1, SECCOMP_RET_ALLOW);
  rule(&b, SYS_tgkill, arg0_or_1_is_1, 2, SECCOMP_RET_ALLOW);
  rule(&b, SYS_rt_sigqueueinfo, arg0_is_1, 1, SECCOMP_RET_ALLOW);
  rule(&b, SYS_rt_tgsigqueueinfo, arg0_or_1_is_1, 2, SECCOMP_RET_ALLOW);
  rule(&b, SYS_prlimit64, arg0_is_1, 1, SECCOMP_RET_ALLOW);
  rule(&b, SYS_sched_setaffinity, arg0_is_1, 1, SECCOMP_RET_ALLOW);
  rule(&b, SYS_sched_setscheduler, arg0_is_1, 1, SECCOMP_RET_ALLOW);
  rule(&b, SYS_sched_setparam, arg0_is_1, 1, SECCOMP_RET_ALLOW);
  rule(&b, SYS_sched_setattr, arg0_is_1, 1, SECCOMP_RET_ALLOW);
  rule(&b, SYS_setpriority, priority, 2, SECCOMP_RET_ALLOW);
  rule(&b, SYS_ioprio_set, ioprio, 2, SECCOMP_RET_ALLOW);
  rule(&b, SYS_ptrace, NULL, 0, DENY);
#ifdef SYS_pidfd_open
  rule(&b, SYS_pidfd_open, arg0_is_1, 1, SECCOMP_RET_ALLOW);
#endif
#ifdef SYS_pidfd_send_signal
  rule(&b, SYS_pidfd_send_signal, NULL, 0, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA));
#endif
  emit(&b, BPF_RET | BPF_K, SECCOMP_RET_ALLOW, 0, 0);
  struct sock_fprog prog = {b.n, b.ins};
  return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 && prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) == 0;
}

/* =============================================================================================== */
/* Running one phase                                                                                */

enum kill_reason { KILL_NONE, KILL_TIME, KILL_OUTPUT, KILL_MEMORY, KILL_PROCESSES };

typedef struct {
  buf_t data;
  size_t cap;
  bool truncated;
} capture_t;

typedef struct {
  int64_t compile_timeout_ms, run_timeout_ms, memory_bytes, output_bytes, max_processes;
} limits_t;

typedef struct {
  bool ran;
  bool exited; /* exit_code valid; else signal */
  int exit_code, signal;
  int64_t duration_ms, max_memory;
  enum kill_reason killed;
  bool cpu_limit;     /* the kernel's RLIMIT_CPU ended it */
  bool oom;           /* the kernel's OOM killer killed a process */
  bool pids_refused;  /* the pids cgroup refused a fork */
  int exec_errno;     /* the command could not be started */
} phase_t;

/*
 * Kills every process of the namespace but this one and reaps them all (orphans are ours as PID 1).
 * Never blocks in wait: a process forked while kill(-1) ran may have missed the signal (gVisor
 * lets that happen), so the loop signals again until nothing is left to signal or to reap.
 */
static void kill_everything(pid_t main_child, int *main_status, bool *main_reaped) {
  int64_t give_up = now_ms() + 5000;
  for (;;) {
    bool signalled = kill(-1, SIGKILL) == 0;
    bool reaped_any = false;
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
      reaped_any = true;
      if (pid == main_child && main_reaped && !*main_reaped) *main_status = status, *main_reaped = true;
    }
    bool no_children = pid < 0 && errno == ECHILD;
    /* A process we cannot reap (not our descendant, e.g. a debugging shell exec'd into the
       container) keeps kill() succeeding, so the loop is bounded. */
    if ((!signalled && no_children) || now_ms() > give_up) return;
    if (!reaped_any) usleep(1000);
  }
}

static const char *signal_name(int sig) {
  static const char *names[] = {NULL,      "SIGHUP",  "SIGINT",    "SIGQUIT", "SIGILL",  "SIGTRAP", "SIGABRT", "SIGBUS",  "SIGFPE",
                                "SIGKILL", "SIGUSR1", "SIGSEGV",   "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD",
                                "SIGCONT", "SIGSTOP", "SIGTSTP",   "SIGTTIN", "SIGTTOU", "SIGURG",  "SIGXCPU", "SIGXFSZ", "SIGVTALRM",
                                "SIGPROF", "SIGWINCH", "SIGIO",    "SIGPWR",  "SIGSYS"};
  static char other[16];
  if (sig > 0 && sig < (int)(sizeof names / sizeof *names)) return names[sig];
  snprintf(other, sizeof other, "SIG%d", sig);
  return other;
}

static void capture_read(int *fd, capture_t *cap, bool *overflow) {
  char tmp[65536];
  ssize_t r = read(*fd, tmp, sizeof tmp);
  if (r < 0 && (errno == EINTR || errno == EAGAIN)) return;
  if (r <= 0) {
    close(*fd);
    *fd = -1;
    return;
  }
  size_t room = cap->cap - cap->data.len;
  if ((size_t)r > room) {
    buf_add(&cap->data, tmp, room);
    cap->truncated = true;
    *overflow = true;
  } else {
    buf_add(&cap->data, tmp, (size_t)r);
  }
}

/*
 * Runs argv (absolute path) with env in WORK_DIR until it exits, the deadline passes or a limit
 * trips; then kills every process. stdout goes to out, stderr to err (the same capture is fine).
 * `enforce_processes`/`kill_on_output` apply to the user's program, not to the compilers.
 */
static void run_command(phase_t *ph, char *const argv[], char *const env[], int64_t deadline, int64_t cpu_seconds, const limits_t *lim, capture_t *out,
                        capture_t *err, bool kill_on_output, bool enforce_processes) {
  int po[2], pe[2], px[2];
  if (pipe2(po, O_CLOEXEC) < 0 || pipe2(pe, O_CLOEXEC) < 0 || pipe2(px, O_CLOEXEC) < 0) {
    ph->exec_errno = errno;
    return;
  }
  int64_t oom_before = counter(CG.oom_file, "oom_kill"), pids_before = counter(CG.pids_events, "max");
  int64_t start = now_ms();
  /* No deadline given: the run phase's own timeout, counted from the fork. */
  if (deadline == 0) deadline = start + lim->run_timeout_ms;
  pid_t child = fork();
  if (child < 0) {
    ph->exec_errno = errno;
    close(po[0]), close(po[1]), close(pe[0]), close(pe[1]), close(px[0]), close(px[1]);
    return;
  }
  if (child == 0) {
    int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(po[1], 1) < 0 || dup2(pe[1], 2) < 0) goto fail;
    /* The OOM killer picks the job, never the runner. Raising one's own score needs no privilege. */
    int oom = open("/proc/self/oom_score_adj", O_WRONLY);
    if (oom >= 0) (void)!write(oom, "1000", 4), close(oom);
    struct rlimit cpu = {(rlim_t)cpu_seconds, (rlim_t)cpu_seconds + 1}, core = {0, 0};
    setrlimit(RLIMIT_CPU, &cpu);
    setrlimit(RLIMIT_CORE, &core);
    if (enforce_processes && CG.gvisor) {
      /* The runner counts too; one task over the limit stays possible so the sampler can see it. */
      struct rlimit nproc = {(rlim_t)lim->max_processes + 2, (rlim_t)lim->max_processes + 2};
      if (setrlimit(RLIMIT_NPROC, &nproc) < 0) goto fail;
    }
    /* Its own session and process group: kill(0, ...) and killpg reach the job only. */
    if (setsid() < 0 || chdir(WORK_DIR) < 0 || !install_job_filter()) goto fail;
    execve(argv[0], argv, env);
  fail:;
    int e = errno;
    (void)!write(px[1], &e, sizeof e);
    _exit(127);
  }
  close(po[1]), close(pe[1]), close(px[1]);
  int e = 0;
  ssize_t got;
  while ((got = read(px[0], &e, sizeof e)) < 0 && errno == EINTR) {
  }
  close(px[0]);
  ph->ran = true;
  if (got == sizeof e) ph->exec_errno = e;
  fcntl(po[0], F_SETFL, O_NONBLOCK);
  fcntl(pe[0], F_SETFL, O_NONBLOCK);

  int fds[2] = {po[0], pe[0]};
  capture_t *caps[2] = {out, err};
  int status = 0;
  bool reaped = false;
  int64_t next_sample = 0, end = 0;
  struct rusage ru = {0};
  while (!reaped && ph->killed == KILL_NONE) {
    int64_t t = now_ms();
    if (t >= deadline) {
      ph->killed = KILL_TIME;
      break;
    }
    struct pollfd p[2];
    nfds_t np = 0;
    int which[2];
    for (int i = 0; i < 2; i++)
      if (fds[i] >= 0) p[np] = (struct pollfd){fds[i], POLLIN, 0}, which[np++] = i;
    int64_t wait = deadline - t < SAMPLE_MS ? deadline - t : SAMPLE_MS;
    if (poll(p, np, (int)wait) > 0) {
      for (nfds_t i = 0; i < np; i++)
        if (p[i].revents) {
          bool overflow = false;
          capture_read(&fds[which[i]], caps[which[i]], &overflow);
          if (overflow && kill_on_output) ph->killed = KILL_OUTPUT;
        }
    }
    pid_t pid;
    int st;
    struct rusage r;
    while ((pid = wait4(-1, &st, WNOHANG, &r)) > 0)
      if (pid == child) status = st, reaped = true, ru = r, end = now_ms();
    if (now_ms() >= next_sample || reaped) {
      next_sample = now_ms() + SAMPLE_MS;
      sample_t s = sample();
      if (s.memory > ph->max_memory) ph->max_memory = s.memory;
      if (s.memory > lim->memory_bytes && ph->killed == KILL_NONE) ph->killed = KILL_MEMORY;
      if (CG.oom_file[0] && counter(CG.oom_file, "oom_kill") > oom_before) ph->oom = true;
      if (CG.pids_events[0] && counter(CG.pids_events, "max") > pids_before) ph->pids_refused = true;
      if (enforce_processes && s.tasks > lim->max_processes && ph->killed == KILL_NONE) ph->killed = KILL_PROCESSES;
      /* A limit the kernel enforced ends the job at once: its other processes may still run. */
      if ((ph->oom || (enforce_processes && ph->pids_refused)) && ph->killed == KILL_NONE && !reaped) ph->killed = ph->oom ? KILL_MEMORY : KILL_PROCESSES;
    }
  }
  if (!end) end = now_ms();
  kill_everything(child, &status, &reaped);
  /* Every writer is dead: drain what the pipes still hold. */
  for (int i = 0; i < 2; i++) {
    while (fds[i] >= 0) {
      bool overflow = false;
      fcntl(fds[i], F_SETFL, 0);
      capture_read(&fds[i], caps[i], &overflow);
      if (overflow && kill_on_output && ph->killed == KILL_NONE && !reaped) ph->killed = KILL_OUTPUT;
    }
  }
  if (CG.oom_file[0] && counter(CG.oom_file, "oom_kill") > oom_before) ph->oom = true;
  if (CG.pids_events[0] && counter(CG.pids_events, "max") > pids_before) ph->pids_refused = true;
  ph->duration_ms += end - start;
  if (reaped && WIFEXITED(status)) ph->exited = true, ph->exit_code = WEXITSTATUS(status);
  else if (reaped && WIFSIGNALED(status)) ph->exited = false, ph->signal = WTERMSIG(status);
  else ph->exited = false, ph->signal = SIGKILL;
  int64_t cpu_ms = (int64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000 + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000;
  if (!ph->exited && (ph->signal == SIGXCPU || (ph->signal == SIGKILL && cpu_ms >= cpu_seconds * 1000))) ph->cpu_limit = true;
}

/* =============================================================================================== */
/* The output folder and meta/: vetted, then rebuilt from scratch                                   */

/* A path component the result archive can carry: printable UTF-8, not "." or "..". */
static bool portable_component(const char *s) {
  size_t n = strlen(s);
  if (n == 0 || n > 255 || strcmp(s, ".") == 0 || strcmp(s, "..") == 0) return false;
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) return false;
  return utf8_valid((const unsigned char *)s, n);
}

/* Splits a path for a ustar header: name ≤ 100 bytes, prefix ≤ 155 (split at a '/'). */
static bool ustar_split(const char *path, size_t *prefix_len) {
  size_t n = strlen(path);
  if (n <= 100) return *prefix_len = 0, true;
  for (size_t i = 1; i < n && i <= 155; i++)
    if (path[i] == '/' && n - i - 1 <= 100 && n - i - 1 > 0) return *prefix_len = i, true;
  return false;
}

typedef struct {
  char *rel; /* relative to the output folder */
  off_t size;
} kept_t;

typedef struct {
  kept_t *items;
  size_t n;
  int64_t total, budget;
  size_t visited;
  bool dropped;     /* something was not kept (non-regular, bad name, too deep) */
  bool over_limit;  /* a file did not fit the size or count cap */
} walk_t;

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Names of a directory, sorted, at most `room` of them (the rest are reported as dropped). */
static char **dir_names(int dirfd, size_t room, size_t *n, bool *cut) {
  int fd = dup(dirfd);
  DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
  char **names = NULL;
  *n = 0;
  struct dirent *e;
  while (d && (e = readdir(d))) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    if (*n >= room) {
      *cut = true;
      break;
    }
    names = xrealloc(names, (*n + 1) * sizeof *names);
    names[(*n)++] = strdup(e->d_name);
  }
  if (d) closedir(d);
  else if (fd >= 0) close(fd);
  if (*n) qsort(names, *n, sizeof *names, cmp_str);
  return names;
}

/*
 * Walks a directory without following links, collecting regular files that fit. `fix` (run mode)
 * makes the kept files and directories readable (the job may have chmod'ed them 000).
 */
static void walk_output(walk_t *w, int dirfd, const char *rel, int depth, bool fix) {
  size_t n;
  bool cut = false;
  char **names = dir_names(dirfd, OUTPUT_MAX_VISITED - w->visited, &n, &cut);
  if (cut) w->dropped = true;
  w->visited += n;
  for (size_t i = 0; i < n; i++) {
    char *name = names[i];
    char *path = rel[0] ? strf("%s/%s", rel, name) : strf("%s", name);
    char *archived = strf("output/%s", path);
    size_t prefix;
    struct stat st;
    if (!portable_component(name) || fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
      w->dropped = true;
    } else if (S_ISDIR(st.st_mode)) {
      if (depth >= OUTPUT_MAX_DEPTH) w->dropped = true;
      else {
        if (fix) fchmodat(dirfd, name, 0755, 0);
        int sub = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (sub >= 0) walk_output(w, sub, path, depth + 1, fix), close(sub);
        else w->dropped = true;
      }
    } else if (!S_ISREG(st.st_mode) || !ustar_split(archived, &prefix)) {
      w->dropped = true;
    } else if (w->n >= MAX_OUTPUT_FILES || w->total + st.st_size > w->budget) {
      w->over_limit = true;
    } else {
      if (fix) fchmodat(dirfd, name, 0644, 0);
      w->items = xrealloc(w->items, (w->n + 1) * sizeof *w->items);
      w->items[w->n++] = (kept_t){strdup(path), st.st_size};
      w->total += st.st_size;
    }
    free(archived);
    free(path);
    free(name);
  }
  free(names);
}

/* Moves `name` out of the way inside dirfd (a fresh name, so nothing is followed or overwritten). */
static bool move_aside(int dirfd, const char *name) {
  struct stat st;
  if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) return errno == ENOENT;
  for (int k = 0; k < 1000; k++) {
    char fresh[64];
    snprintf(fresh, sizeof fresh, ".discarded-%s-%d", name, k);
    if (fstatat(dirfd, fresh, &st, AT_SYMLINK_NOFOLLOW) == 0) continue;
    return renameat(dirfd, name, dirfd, fresh) == 0;
  }
  return false;
}

/* mkdir -p of the directories of rel (relative to dirfd), without following links. */
static void make_parents(int dirfd, const char *rel) {
  char *copy = strdup(rel);
  for (char *slash = strchr(copy, '/'); slash; slash = strchr(slash + 1, '/')) {
    *slash = 0;
    mkdirat(dirfd, copy, 0755);
    *slash = '/';
  }
  free(copy);
}

/*
 * Rebuilds /results/output with only the vetted files (moved, so no copying) and returns whether
 * anything was dropped (*dropped) or a cap was hit (*over_limit).
 */
static bool rebuild_output(int resfd, int64_t budget, bool *dropped, bool *over_limit) {
  walk_t w = {NULL, 0, 0, budget, 0, false, false};
  int old = openat(resfd, "output", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (old >= 0) {
    fchmodat(resfd, "output", 0755, 0);
    walk_output(&w, old, "", 0, true);
  }
  if (!move_aside(resfd, "output") || mkdirat(resfd, "output", 0755) < 0) return false;
  int fresh = openat(resfd, "output", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fresh < 0) return false;
  for (size_t i = 0; i < w.n; i++) {
    make_parents(fresh, w.items[i].rel);
    if (renameat(old, w.items[i].rel, fresh, w.items[i].rel) < 0) w.dropped = true;
  }
  close(fresh);
  if (old >= 0) close(old);
  *dropped = w.dropped;
  *over_limit = w.over_limit;
  return true;
}

static bool write_file_at(int dirfd, const char *name, const void *data, size_t n) {
  int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  bool ok = write_all(fd, data, n);
  return close(fd) == 0 && ok;
}

/* =============================================================================================== */
/* run mode                                                                                         */

typedef struct {
  const language_t *lang;
  limits_t lim;
  const char *outcome;
  const char *phase;
  phase_t compile, run;
  bool compiled, ran;
  capture_t out, err, log;
  bool output_truncated;
  buf_t message;
} job_t;

static void summary_phase(buf_t *b, const char *key, const phase_t *ph) {
  buf_fmt(b, ",\"%s\":{\"exitCode\":", key);
  if (ph->exited) buf_fmt(b, "%d,\"signal\":null", ph->exit_code);
  else buf_fmt(b, "null,\"signal\":\"%s\"", signal_name(ph->signal));
  buf_fmt(b, ",\"durationMs\":%lld", (long long)ph->duration_ms);
  if (ph->max_memory > 0) buf_fmt(b, ",\"maxMemoryBytes\":%lld", (long long)ph->max_memory);
  buf_str(b, "}");
}

static void summary_json(buf_t *b, const job_t *job) {
  buf_fmt(b, "{\"version\":1,\"language\":\"%s\",\"outcome\":\"%s\",\"phase\":\"%s\"", job->lang->name, job->outcome, job->phase);
  if (job->compiled) summary_phase(b, "compile", &job->compile);
  if (job->ran) summary_phase(b, "run", &job->run);
  buf_fmt(b, ",\"truncated\":{\"stdout\":%s,\"stderr\":%s,\"compileLog\":%s,\"output\":%s}", job->out.truncated ? "true" : "false",
          job->err.truncated ? "true" : "false", job->log.truncated ? "true" : "false", job->output_truncated ? "true" : "false");
  buf_fmt(b, ",\"limits\":{\"compileTimeoutMs\":%lld,\"runTimeoutMs\":%lld,\"memoryBytes\":%lld,\"outputBytes\":%lld,\"maxProcesses\":%lld}",
          (long long)job->lim.compile_timeout_ms, (long long)job->lim.run_timeout_ms, (long long)job->lim.memory_bytes, (long long)job->lim.output_bytes,
          (long long)job->lim.max_processes);
  if (job->message.len) {
    buf_str(b, ",\"message\":");
    json_string(b, job->message.data, job->message.len);
  }
  buf_str(b, "}\n");
}

/* Kills leftovers, rebuilds /results (meta/ from scratch, output/ vetted) and writes the summary. */
static int finish(job_t *job) {
  kill_everything(-1, NULL, NULL);
  int resfd = open(RESULTS_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (resfd < 0) fatal("cannot open %s: %s", RESULTS_DIR, strerror(errno));
  /* What is left of the payload after the four meta files at their caps, their headers and the tar end. */
  int64_t budget = job->lim.output_bytes;
  int64_t room = MAX_RESULT_PAYLOAD_BYTES - SUMMARY_CAP - 3 * (int64_t)MAX_OUTPUT_LIMIT_BYTES - (4 + MAX_OUTPUT_FILES) * 1024 - 1024;
  if (budget > room) budget = room;
  bool dropped = false, over = false;
  if (!rebuild_output(resfd, budget, &dropped, &over)) fatal("cannot rebuild %s: %s", OUTPUT_DIR, strerror(errno));
  if (dropped || over) job->output_truncated = true;
  if (over && strcmp(job->outcome, "ok") == 0) job->outcome = "output-limit", job->phase = "run";
  if (!move_aside(resfd, "meta") || mkdirat(resfd, "meta", 0755) < 0) fatal("cannot recreate %s/meta: %s", RESULTS_DIR, strerror(errno));
  int meta = openat(resfd, "meta", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  buf_t summary = {0};
  summary_json(&summary, job);
  if (meta < 0 || !write_file_at(meta, "stdout.txt", job->out.data.data, job->out.data.len) ||
      !write_file_at(meta, "stderr.txt", job->err.data.data, job->err.data.len) ||
      !write_file_at(meta, "compile.log", job->log.data.data, job->log.data.len) ||
      /* Last: a summary means everything else is in place. */
      !write_file_at(meta, "summary.json", summary.data, summary.len))
    fatal("cannot write %s/meta: %s", RESULTS_DIR, strerror(errno));
  close(meta);
  close(resfd);
  return 0;
}

static int64_t limit_env(job_t *job, const char *name, int64_t min, int64_t max) {
  const char *v = getenv(name);
  char *end;
  errno = 0;
  long long n = v ? strtoll(v, &end, 10) : 0;
  if (!v || !*v || *end || errno || n < min || n > max) {
    if (!job->message.len) buf_fmt(&job->message, "runner configuration: %s must be an integer from %lld to %lld", name, (long long)min, (long long)max);
    return 0;
  }
  return n;
}

static const char *search_path(void) {
  const char *p = getenv("PATH");
  return p && *p ? p : DEFAULT_PATH;
}

/* An executable on the search path (absolute directories only). */
static char *find_program(const char *name) {
  char *path = strdup(search_path());
  for (char *dir = strtok(path, ":"); dir; dir = strtok(NULL, ":")) {
    if (dir[0] != '/') continue;
    char *full = strf("%s/%s", dir, name);
    if (access(full, X_OK) == 0) return free(path), full;
    free(full);
  }
  free(path);
  return NULL;
}

static void internal_error(job_t *job, const char *phase, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void internal_error(job_t *job, const char *phase, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *s = NULL;
  if (vasprintf(&s, fmt, ap) < 0) s = NULL;
  va_end(ap);
  job->outcome = "internal-error", job->phase = phase;
  job->message.len = 0;
  buf_str(&job->message, s ? s : "internal error");
  free(s);
}

/* The go directive for go.mod: the toolchain's own version (GOROOT/VERSION), so users get its language. */
static char *go_version(const char *go) {
  char real[PATH_MAX], tmp[256];
  if (!realpath(go, real)) return NULL;
  char *slash = strrchr(real, '/');
  if (!slash) return NULL;
  *slash = 0; /* .../bin */
  char *file = strf("%s/../VERSION", real);
  bool ok = read_small(file, tmp, sizeof tmp);
  free(file);
  int major, minor;
  if (!ok || sscanf(tmp, "go%d.%d", &major, &minor) != 2) return NULL;
  return strf("%d.%d", major, minor);
}

static bool compile_failed(job_t *job) {
  phase_t *c = &job->compile;
  job->phase = "compile";
  if (c->exec_errno) internal_error(job, "compile", "cannot start the compiler: %s", strerror(c->exec_errno));
  else if (c->killed == KILL_TIME || c->cpu_limit) job->outcome = "time-limit";
  else if (c->killed == KILL_MEMORY || c->oom) job->outcome = "memory-limit";
  else if (c->pids_refused) job->outcome = "process-limit";
  else if (!c->exited || c->exit_code != 0) job->outcome = "compile-error";
  else return false;
  return true;
}

static void run_mode(void) {
  if (getpid() != 1) fatal("run mode must be PID 1 of its container: it kills every other process it can see");
  /* Non-dumpable: the job (same uid) can neither ptrace this process nor read its /proc files. */
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) fatal("prctl(PR_SET_DUMPABLE): %s", strerror(errno));
  umask(022);
  job_t job;
  memset(&job, 0, sizeof job);
  job.lang = language_named(getenv(ENV_LANGUAGE));
  if (!job.lang) fatal("%s must be one of go, javascript, c", ENV_LANGUAGE);
  job.outcome = "ok", job.phase = "run";
  job.lim.compile_timeout_ms = limit_env(&job, ENV_COMPILE_TIMEOUT, 1, 3600000);
  job.lim.run_timeout_ms = limit_env(&job, ENV_RUN_TIMEOUT, 1, 3600000);
  job.lim.memory_bytes = limit_env(&job, ENV_MEMORY, 16 << 20, (int64_t)1 << 40);
  job.lim.output_bytes = limit_env(&job, ENV_OUTPUT, 1, MAX_OUTPUT_LIMIT_BYTES);
  job.lim.max_processes = limit_env(&job, ENV_PROCESSES, 1, 100000);
  job.out.cap = job.err.cap = job.log.cap = (size_t)job.lim.output_bytes;
  if (job.message.len) {
    job.outcome = "internal-error", job.phase = "compile";
    exit(finish(&job));
  }
  cgroup_detect();
  mkdir(OUTPUT_DIR, 0755);

  buf_t text = {0};
  bool too_big = false;
  int err = 0;
  if (!read_source(SOURCE_FILE, &text, &too_big, &err)) {
    internal_error(&job, "compile", "cannot read %s: %s", SOURCE_FILE, strerror(err));
    exit(finish(&job));
  }
  strlist_t problems = {0};
  source_file_t *files = NULL;
  size_t nfiles = 0;
  if (too_big) strlist_add(&problems, strf("files: the encoded source is over %d bytes", SOURCE_READ_CAP));
  else source_problems(job.lang, (const unsigned char *)(text.data ? text.data : ""), text.len, &problems, &files, &nfiles);
  if (problems.n) {
    job.outcome = "rejected", job.phase = "compile";
    for (size_t i = 0; i < problems.n; i++) buf_fmt(&job.message, "%s%s", i ? "\n" : "", problems.items[i]);
    exit(finish(&job));
  }

  int workfd = open(WORK_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  for (size_t i = 0; i < nfiles; i++)
    if (workfd < 0 || !write_file_at(workfd, files[i].name, files[i].content, files[i].len)) {
      internal_error(&job, "compile", "cannot write %s/%s: %s", WORK_DIR, files[i].name, strerror(errno));
      exit(finish(&job));
    }
  if (mkdir(BUILD_DIR, 0700) < 0 && errno != EEXIST) {
    internal_error(&job, "compile", "cannot create %s: %s", BUILD_DIR, strerror(errno));
    exit(finish(&job));
  }

  const char *lang = job.lang->name;
  char *memory_mib = strf("%lld", (long long)(job.lim.memory_bytes >> 20));
  char *gomemlimit = strf("GOMEMLIMIT=%lld", (long long)job.lim.memory_bytes);
  char *path_env = strf("PATH=%s", search_path());
  char *base_env[] = {path_env, "HOME=" TMP_DIR, "TMPDIR=" TMP_DIR, "LANG=C.UTF-8", NULL};
  char *go_env[] = {path_env, "HOME=" TMP_DIR, "TMPDIR=" TMP_DIR, "LANG=C.UTF-8", "GOCACHE=" TMP_DIR "/.cache/go-build", "GOPATH=" TMP_DIR "/go",
                    "GOPROXY=off", "GOFLAGS=-mod=mod", "GOTOOLCHAIN=local", "GO111MODULE=on", "CGO_ENABLED=0", "GOENV=off", NULL};
  char *run_env[] = {path_env, "HOME=" TMP_DIR, "TMPDIR=" TMP_DIR, "LANG=C.UTF-8", JOB_ENV_OUTPUT_DIR "=" OUTPUT_DIR,
                     strcmp(lang, "go") == 0 ? gomemlimit : NULL, NULL};

  /* ---- compile ---- */
  int64_t compile_deadline = now_ms() + job.lim.compile_timeout_ms;
  int64_t compile_cpu = (job.lim.compile_timeout_ms + 999) / 1000 + 1;
  char *node = find_program("node");
  if (!node) node = find_program("nodejs");
  job.compiled = true;
  if (strcmp(lang, "c") == 0) {
    char *gcc = find_program("gcc");
    if (!gcc) internal_error(&job, "compile", "gcc is not installed in this image");
    else {
      char **argv = xrealloc(NULL, (nfiles + 6) * sizeof *argv);
      size_t a = 0;
      argv[a++] = gcc, argv[a++] = "-O2", argv[a++] = "-o", argv[a++] = PROGRAM;
      for (size_t i = 0; i < nfiles; i++)
        if (ends_with(files[i].name, strlen(files[i].name), ".c")) argv[a++] = (char *)files[i].name;
      argv[a++] = "-lm", argv[a] = NULL;
      run_command(&job.compile, argv, base_env, compile_deadline, compile_cpu, &job.lim, &job.log, &job.log, false, false);
    }
  } else if (strcmp(lang, "go") == 0) {
    char *go = find_program("go");
    char *version = go ? go_version(go) : NULL;
    char *mod = version ? strf("module job\n\ngo %s\n", version) : strf("module job\n");
    if (!go) internal_error(&job, "compile", "go is not installed in this image");
    else if (!write_file_at(workfd, "go.mod", mod, strlen(mod))) internal_error(&job, "compile", "cannot write go.mod: %s", strerror(errno));
    else {
      char *argv[] = {go, "build", "-o", PROGRAM, ".", NULL};
      run_command(&job.compile, argv, go_env, compile_deadline, compile_cpu, &job.lim, &job.log, &job.log, false, false);
    }
  } else {
    if (!node) internal_error(&job, "compile", "node is not installed in this image");
    /* The syntax check of every module is the compile phase: errors show before anything runs.
       The phase reports the first failing check (or the last passing one), timed over all. */
    bool failed = false;
    for (size_t i = 0; node && i < nfiles; i++) {
      if (!is_js_module(files[i].name)) continue;
      char *argv[] = {node, "--check", (char *)files[i].name, NULL};
      phase_t one;
      memset(&one, 0, sizeof one);
      run_command(&one, argv, base_env, compile_deadline, compile_cpu, &job.lim, &job.log, &job.log, false, false);
      int64_t total = job.compile.duration_ms + one.duration_ms;
      int64_t peak = job.compile.max_memory > one.max_memory ? job.compile.max_memory : one.max_memory;
      if (!failed) job.compile = one;
      job.compile.duration_ms = total, job.compile.max_memory = peak;
      if (one.killed != KILL_NONE || one.exec_errno || one.cpu_limit || one.oom || one.pids_refused || !one.exited || one.exit_code != 0) failed = true;
      if (one.killed != KILL_NONE || one.exec_errno || one.cpu_limit || one.oom) break;
    }
  }
  if (strcmp(job.outcome, "internal-error") == 0) exit(finish(&job));
  if (compile_failed(&job)) exit(finish(&job));
  if (strcmp(lang, "javascript") != 0 && access(PROGRAM, X_OK) != 0) {
    job.outcome = "compile-error", job.phase = "compile";
    buf_str(&job.log.data, "faas-runner: the build produced no program (Go needs package main with func main; C needs a main function)\n");
    exit(finish(&job));
  }

  /* ---- run ---- */
  int64_t run_cpu = (job.lim.run_timeout_ms + 999) / 1000 + 1;
  char *heap = strf("--max-old-space-size=%s", memory_mib);
  char *js_argv[] = {node, heap, (char *)javascript_entry(files, nfiles), NULL};
  char *bin_argv[] = {PROGRAM, NULL};
  job.ran = true;
  job.phase = "run";
  run_command(&job.run, strcmp(lang, "javascript") == 0 ? js_argv : bin_argv, run_env, 0, run_cpu, &job.lim, &job.out, &job.err, true, true);
  phase_t *r = &job.run;
  if (r->exec_errno) internal_error(&job, "run", "cannot start the program: %s", strerror(r->exec_errno));
  else if (r->killed == KILL_OUTPUT) job.outcome = "output-limit";
  else if (r->killed == KILL_TIME || r->cpu_limit) job.outcome = "time-limit";
  else if (r->killed == KILL_MEMORY || r->oom || (!CG.oom_file[0] && !r->exited && r->signal == SIGKILL && r->killed == KILL_NONE))
    job.outcome = "memory-limit";
  else if (r->killed == KILL_PROCESSES || r->pids_refused) job.outcome = "process-limit";
  else if (!r->exited || r->exit_code != 0) job.outcome = "runtime-error";
  exit(finish(&job));
}

/* =============================================================================================== */
/* report mode                                                                                      */

static void octal_field(char *field, size_t width, unsigned long long value) {
  snprintf(field, width, "%0*llo", (int)width - 1, value);
}

static void tar_add(buf_t *tar, const char *path, const char *data, size_t n) {
  char h[512];
  memset(h, 0, sizeof h);
  size_t prefix = 0;
  ustar_split(path, &prefix);
  if (prefix) {
    memcpy(h + 345, path, prefix);
    memcpy(h, path + prefix + 1, strlen(path) - prefix - 1);
  } else {
    memcpy(h, path, strlen(path));
  }
  octal_field(h + 100, 8, 0644);
  octal_field(h + 108, 8, 0);
  octal_field(h + 116, 8, 0);
  octal_field(h + 124, 12, n);
  octal_field(h + 136, 12, 0);
  h[156] = '0';
  memcpy(h + 257, "ustar", 6);
  memcpy(h + 263, "00", 2);
  memset(h + 148, ' ', 8);
  unsigned sum = 0;
  for (size_t i = 0; i < 512; i++) sum += (unsigned char)h[i];
  snprintf(h + 148, 8, "%06o", sum);
  h[155] = ' ';
  buf_add(tar, h, 512);
  buf_add(tar, data, n);
  static const char zeros[512];
  if (n % 512) buf_add(tar, zeros, 512 - n % 512);
}

/* A regular file at dirfd/name, read without following links or blocking on FIFOs; NULL otherwise. */
static bool read_regular_at(int dirfd, const char *name, size_t cap, buf_t *out, bool *more) {
  struct stat before, after;
  if (fstatat(dirfd, name, &before, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(before.st_mode)) return false;
  int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = fstat(fd, &after) == 0 && S_ISREG(after.st_mode) && after.st_ino == before.st_ino && after.st_dev == before.st_dev &&
            read_capped(fd, out, cap, more);
  close(fd);
  return ok;
}

static int report_mode(const char *dir) {
  buf_t tar = {0};
  int resfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  int meta = resfd >= 0 ? openat(resfd, "meta", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : -1;
  static const struct {
    const char *name;
    size_t cap;
  } metas[] = {{"summary.json", SUMMARY_CAP}, {"stdout.txt", MAX_OUTPUT_LIMIT_BYTES}, {"stderr.txt", MAX_OUTPUT_LIMIT_BYTES}, {"compile.log", MAX_OUTPUT_LIMIT_BYTES}};
  for (size_t i = 0; meta >= 0 && i < sizeof metas / sizeof *metas; i++) {
    buf_t data = {0};
    bool more = false;
    /* A summary over its cap is not the runner's (it writes a few hundred bytes): dropped, not cut. */
    if (read_regular_at(meta, metas[i].name, metas[i].cap, &data, &more) && !(more && i == 0)) {
      char *path = strf("meta/%s", metas[i].name);
      tar_add(&tar, path, data.data ? data.data : "", data.len);
      free(path);
    }
    free(data.data);
  }
  int out = resfd >= 0 ? openat(resfd, "output", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : -1;
  if (out >= 0) {
    int64_t room = MAX_RESULT_PAYLOAD_BYTES - (int64_t)tar.len - (MAX_OUTPUT_FILES + 2) * 1024;
    walk_t w = {NULL, 0, 0, room < MAX_OUTPUT_LIMIT_BYTES ? room : MAX_OUTPUT_LIMIT_BYTES, 0, false, false};
    walk_output(&w, out, "", 0, false);
    for (size_t i = 0; i < w.n; i++) {
      buf_t data = {0};
      bool more = false;
      char *slash = strrchr(w.items[i].rel, '/');
      int parent = out;
      if (slash) {
        *slash = 0;
        /* Reopen the parent without following links at any step. */
        parent = out;
        char *copy = strdup(w.items[i].rel);
        for (char *part = strtok(copy, "/"); part && parent >= 0; part = strtok(NULL, "/")) {
          int next = openat(parent, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
          if (parent != out) close(parent);
          parent = next;
        }
        free(copy);
        *slash = '/';
      }
      const char *base = slash ? slash + 1 : w.items[i].rel;
      size_t cap = (size_t)w.items[i].size;
      if (parent >= 0 && read_regular_at(parent, base, cap, &data, &more) && !more && tar.len + 512 + data.len + 1024 <= MAX_RESULT_PAYLOAD_BYTES) {
        char *path = strf("output/%s", w.items[i].rel);
        tar_add(&tar, path, data.data ? data.data : "", data.len);
        free(path);
      }
      if (parent >= 0 && parent != out) close(parent);
      free(data.data);
    }
  }
  static const char end[1024];
  buf_add(&tar, end, sizeof end);

  sha256_t s;
  char hex[65];
  sha256_init(&s);
  sha256_update(&s, (const unsigned char *)tar.data, tar.len);
  sha256_hex(&s, hex);
  buf_t frame = {0};
  buf_str(&frame, FRAME_BEGIN "\n");
  base64_lines(&frame, (const unsigned char *)tar.data, tar.len);
  buf_fmt(&frame, FRAME_END_PREFIX "%s bytes=%zu---\n", hex, tar.len);
  if (frame.len > MAX_FRAME_BYTES) return 1; /* cannot happen: the payload is capped above */
  return write_all(1, frame.data, frame.len) ? 0 : 1;
}

/* =============================================================================================== */

static int check_mode(const char *language, const char *file) {
  const language_t *lang = language_named(language);
  if (!lang) fatal("unknown language %s (go, javascript, c)", language);
  buf_t text = {0};
  bool too_big = false;
  int err = 0;
  if (!read_source(file, &text, &too_big, &err)) fatal("cannot read %s: %s", file, strerror(err));
  strlist_t problems = {0};
  source_file_t *files = NULL;
  size_t n = 0;
  if (too_big) strlist_add(&problems, strf("files: the encoded source is over %d bytes", SOURCE_READ_CAP));
  else source_problems(lang, (const unsigned char *)(text.data ? text.data : ""), text.len, &problems, &files, &n);
  for (size_t i = 0; i < problems.n; i++) printf("%s\n", problems.items[i]);
  if (!problems.n && strcmp(lang->name, "javascript") == 0) printf("entry %s\n", javascript_entry(files, n));
  return problems.n ? 1 : 0;
}

int main(int argc, char **argv) {
  if (argc >= 2 && strcmp(argv[1], "run") == 0 && argc == 2) run_mode();
  if (argc >= 2 && strcmp(argv[1], "report") == 0 && argc <= 3) return report_mode(argc == 3 ? argv[2] : RESULTS_DIR);
  if (argc >= 3 && strcmp(argv[1], "check") == 0 && argc <= 4) return check_mode(argv[2], argc == 4 ? argv[3] : SOURCE_FILE);
  fputs("usage: faas-runner run | faas-runner report [DIR] | faas-runner check LANGUAGE [FILE]\n", stderr);
  return 2;
}
