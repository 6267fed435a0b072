/*
 * The runtime benchmark's workloads (src/bench/apps.ts is the contract): one static program,
 * three applications, each printing ONE JSON line on stdout with what it measured inside the
 * container, so the container's start and the engine's overhead stay out of these figures.
 *
 *   bench-workload cpu SOURCE COMPILES MATRIX_N
 *       compiles SOURCE with `gcc -O2 -c` COMPILES times (fork, exec, many small file reads: the
 *       system-call-heavy half), then runs a compute kernel (MATRIX_N x MATRIX_N matrix product
 *       and a prime sieve: no system calls at all).
 *   bench-workload io DIR FILES FILE_KIB
 *       writes FILES files of FILE_KIB KiB in 64 KiB blocks into DIR (the pod's volume), fsyncs
 *       each, reads them all back, removes them.
 *   bench-workload serve PORT
 *       an HTTP/1.1 server, one connection at a time, `Connection: close` (the load generator
 *       opens a new connection per request); prints {"event":"listening"} once it accepts.
 *
 * Built with the locked gcc of the C executor's root filesystem, `-static`, like the runner.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void die(const char *what) {
  fprintf(stderr, "bench-workload: %s: %s\n", what, strerror(errno));
  exit(2);
}

static long arg_long(const char *text, const char *name, long min, long max) {
  char *end = NULL;
  errno = 0;
  long v = strtol(text, &end, 10);
  if (errno || end == text || *end || v < min || v > max) {
    fprintf(stderr, "bench-workload: %s must be a whole number from %ld to %ld, got '%s'\n", name, min, max, text);
    exit(2);
  }
  return v;
}

/* ---- cpu ----------------------------------------------------------------------------------- */

static int compile_once(const char *source, int i) {
  char out[64];
  snprintf(out, sizeof out, "/tmp/bench-%d.o", i);
  pid_t pid = fork();
  if (pid < 0) die("fork");
  if (pid == 0) {
    execlp("gcc", "gcc", "-O2", "-c", source, "-o", out, (char *)NULL);
    fprintf(stderr, "bench-workload: exec gcc: %s\n", strerror(errno));
    _exit(127);
  }
  int status = 0;
  if (waitpid(pid, &status, 0) < 0) die("waitpid");
  unlink(out);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static uint64_t kernel(long n) {
  double *a = malloc(sizeof(double) * n * n), *b = malloc(sizeof(double) * n * n), *c = calloc(n * n, sizeof(double));
  if (!a || !b || !c) die("malloc");
  for (long i = 0; i < n * n; i++) {
    a[i] = (double)(i % 97) / 97.0;
    b[i] = (double)(i % 89) / 89.0;
  }
  for (long i = 0; i < n; i++)
    for (long k = 0; k < n; k++) {
      double aik = a[i * n + k];
      for (long j = 0; j < n; j++) c[i * n + j] += aik * b[k * n + j];
    }
  double trace = 0;
  for (long i = 0; i < n; i++) trace += c[i * n + i];
  /* A sieve over 64 n^2 numbers: memory-bound where the product is compute-bound. */
  long limit = 64 * n * n;
  unsigned char *composite = calloc(limit + 1, 1);
  if (!composite) die("calloc");
  uint64_t primes = 0;
  for (long i = 2; i <= limit; i++) {
    if (composite[i]) continue;
    primes++;
    for (long j = i * 2; j <= limit; j += i) composite[j] = 1;
  }
  free(a), free(b), free(c), free(composite);
  return primes * 1000003u + (uint64_t)trace;
}

static int cmd_cpu(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: bench-workload cpu SOURCE COMPILES MATRIX_N\n");
    return 2;
  }
  long compiles = arg_long(argv[3], "COMPILES", 1, 100), n = arg_long(argv[4], "MATRIX_N", 16, 4000);
  double t0 = now_ms();
  for (long i = 0; i < compiles; i++) {
    int rc = compile_once(argv[2], (int)i);
    if (rc != 0) {
      fprintf(stderr, "bench-workload: gcc exited %d\n", rc);
      return 1;
    }
  }
  double t1 = now_ms();
  uint64_t check = kernel(n);
  double t2 = now_ms();
  printf("{\"app\":\"cpu\",\"compileMs\":%.3f,\"kernelMs\":%.3f,\"compiles\":%ld,\"matrixN\":%ld,\"checksum\":\"%llx\"}\n", t1 - t0, t2 - t1, compiles, n,
         (unsigned long long)check);
  return 0;
}

/* ---- io ------------------------------------------------------------------------------------ */

#define IO_BLOCK (64 * 1024)

static int cmd_io(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: bench-workload io DIR FILES FILE_KIB\n");
    return 2;
  }
  const char *dir = argv[2];
  long files = arg_long(argv[3], "FILES", 1, 10000), kib = arg_long(argv[4], "FILE_KIB", 64, 1024 * 1024);
  long blocks = kib * 1024 / IO_BLOCK;
  char *buf = malloc(IO_BLOCK);
  if (!buf) die("malloc");
  for (long i = 0; i < IO_BLOCK; i++) buf[i] = (char)(i * 131 + 7);
  char path[4096];
  double t0 = now_ms();
  for (long f = 0; f < files; f++) {
    snprintf(path, sizeof path, "%s/bench-%ld.dat", dir, f);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) die(path);
    for (long b = 0; b < blocks; b++)
      if (write(fd, buf, IO_BLOCK) != IO_BLOCK) die("write");
    if (fsync(fd) != 0) die("fsync");
    close(fd);
  }
  double t1 = now_ms();
  uint64_t sum = 0;
  for (long f = 0; f < files; f++) {
    snprintf(path, sizeof path, "%s/bench-%ld.dat", dir, f);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) die(path);
    ssize_t r;
    while ((r = read(fd, buf, IO_BLOCK)) > 0) sum += (unsigned char)buf[r - 1] + (uint64_t)r;
    if (r < 0) die("read");
    close(fd);
  }
  double t2 = now_ms();
  for (long f = 0; f < files; f++) {
    snprintf(path, sizeof path, "%s/bench-%ld.dat", dir, f);
    unlink(path);
  }
  double t3 = now_ms();
  printf("{\"app\":\"io\",\"writeMs\":%.3f,\"readMs\":%.3f,\"removeMs\":%.3f,\"files\":%ld,\"fileKiB\":%ld,\"checksum\":\"%llx\"}\n", t1 - t0, t2 - t1, t3 - t2, files, kib,
         (unsigned long long)sum);
  return 0;
}

/* ---- serve --------------------------------------------------------------------------------- */

static volatile sig_atomic_t stopping = 0;
static void on_term(int sig) {
  (void)sig;
  stopping = 1;
}

static int cmd_serve(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: bench-workload serve PORT\n");
    return 2;
  }
  int port = (int)arg_long(argv[2], "PORT", 1024, 65535);
  /* PID 1 in a container gets no default action for SIGTERM: stop on it explicitly. */
  struct sigaction sa = {0};
  sa.sa_handler = on_term;
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);
  int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s < 0) die("socket");
  int one = 1;
  setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port), .sin_addr = {htonl(INADDR_ANY)}};
  if (bind(s, (struct sockaddr *)&addr, sizeof addr) != 0) die("bind");
  if (listen(s, 512) != 0) die("listen");
  char host[128] = "bench";
  gethostname(host, sizeof host - 1);
  static char body[1024];
  for (size_t i = 0; i < sizeof body - 1; i++) body[i] = (char)('a' + i % 26);
  body[sizeof body - 2] = '\n';
  char response[2048];
  int len = snprintf(response, sizeof response,
                     "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\nConnection: close\r\nX-Served-By: %s\r\n\r\n%s", strlen(body), host, body);
  printf("{\"event\":\"listening\",\"port\":%d}\n", port);
  fflush(stdout);
  long served = 0;
  while (!stopping) {
    int c = accept4(s, NULL, NULL, SOCK_CLOEXEC);
    if (c < 0) {
      if (errno == EINTR) continue;
      die("accept");
    }
    struct timeval tv = {.tv_sec = 5};
    setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char req[8192];
    size_t got = 0;
    for (;;) {
      ssize_t r = read(c, req + got, sizeof req - 1 - got);
      if (r <= 0) break;
      got += (size_t)r;
      req[got] = 0;
      if (strstr(req, "\r\n\r\n") || got == sizeof req - 1) break;
    }
    if (got > 0) {
      ssize_t off = 0;
      while (off < len) {
        ssize_t w = write(c, response + off, (size_t)(len - off));
        if (w <= 0) break;
        off += w;
      }
      served++;
    }
    close(c);
  }
  printf("{\"event\":\"stopped\",\"served\":%ld}\n", served);
  return 0;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc >= 2 && strcmp(argv[1], "cpu") == 0) return cmd_cpu(argc, argv);
  if (argc >= 2 && strcmp(argv[1], "io") == 0) return cmd_io(argc, argv);
  if (argc >= 2 && strcmp(argv[1], "serve") == 0) return cmd_serve(argc, argv);
  fprintf(stderr, "usage: bench-workload cpu|io|serve ...\n");
  return 2;
}
