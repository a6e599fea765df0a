/* sockshim vs glibc micro-benchmarks, run side by side in one process.
 *
 * Built by bench/run.sh, linked against libsockshim.so:
 *   - "sockshim" is this program's own binding of each function (&getsockname,
 *     &read, ...), which the dynamic linker resolves to libsockshim.so because
 *     it precedes libc.so.6 in the link order;
 *   - "glibc" is glibc's own definition of the same name, obtained with
 *     dlopen("libc.so.6", RTLD_NOLOAD) + dlsym.
 * Both are called through the same kind of function pointer, so neither side
 * gets a cheaper call sequence. At start-up every timed function of the
 * sockshim side is checked to live in a different object than glibc's
 * (dladdr): a case whose functions sockshim does not export is reported as
 * NOT RUN (exit status 2), and if nothing binds to sockshim the program
 * aborts, so it can never silently compare glibc with glibc. Set-up calls
 * (socket, bind, connect, close, ...) are untimed and always glibc's.
 * BENCH_ALLOW_SAME=1 disables the check (A/A runs against plain glibc, see
 * BENCH_AA in run.sh; the report then says so in capitals).
 *
 * Method: every case runs R rounds (BENCH_ROUNDS, default 21). In each round
 * both implementations run the same fixed number of iterations (calibrated
 * once so that one run lasts about BENCH_ROUND_MS), glibc first in even
 * rounds and sockshim first in odd ones. Per implementation we report the
 * median over the rounds (ns/op, or MB/s); "ratio" is the median over the
 * rounds of the paired per-round time ratio sockshim/glibc (so < 1.00 always
 * means sockshim is faster, throughput included), with its p25-p75 as a
 * noise guide. Pairing within a round makes the ratio robust to machine load
 * that comes and goes between rounds (other builds on this 2-vCPU VM).
 *
 * Only system headers. No fixed ports (127.0.0.1 port 0). Children echo with
 * the implementation under test, die with the parent (PR_SET_PDEATHSIG) and
 * are killed and reaped at the end of each case.
 *
 * CPU placement (BENCH_PIN, default "same"): the parent and all its peers are
 * pinned to one CPU (the highest allowed one). Unpinned, the scheduler puts
 * the two echo children (one per implementation) on different CPUs from run
 * to run, and on this 2-vCPU VM a cross-CPU round trip costs ~35-55 us
 * against ~9 us on one CPU (a vCPU wake-up from idle): an A/A run (glibc
 * against glibc) then showed "ratios" of 0.25. Pinned to one CPU, A/A ratios
 * are within ~1%. "split" (parent on one CPU, peers on the other) and "none"
 * remain available.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <gnu/libc-version.h>
#include <netdb.h>
#include <sched.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/single_threaded.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---------------------------------------------------------------- helpers */

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    fprintf(stderr, "bench: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    exit(1);
}

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static long env_long(const char *name, long dflt, long min)
{
    const char *s = getenv(name);
    if (!s || !*s)
        return dflt;
    char *end;
    long v = strtol(s, &end, 10);
    if (*end || v < min)
        die("%s=%s: expected an integer >= %ld", name, s, min);
    return v;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Quantile q in [0,1] of n values (sorted copy, linear interpolation). */
static double quantile(const double *v, int n, double q)
{
    double *s = malloc(sizeof(double) * (size_t)n);
    if (!s)
        die("out of memory");
    memcpy(s, v, sizeof(double) * (size_t)n);
    qsort(s, (size_t)n, sizeof(double), cmp_double);
    double pos = q * (n - 1);
    int i = (int)pos;
    double r = (i + 1 < n) ? s[i] + (pos - i) * (s[i + 1] - s[i]) : s[i];
    free(s);
    return r;
}

/* ------------------------------------------------------ implementations */

typedef struct impl {
    const char *name;
    int (*socket)(int, int, int);
    int (*socketpair)(int, int, int, int[2]);
    int (*bind)(int, const struct sockaddr *, socklen_t);
    int (*listen)(int, int);
    int (*accept)(int, struct sockaddr *, socklen_t *);
    int (*connect)(int, const struct sockaddr *, socklen_t);
    int (*setsockopt)(int, int, int, const void *, socklen_t);
    int (*getsockname)(int, struct sockaddr *, socklen_t *);
    ssize_t (*send)(int, const void *, size_t, int);
    ssize_t (*recv)(int, void *, size_t, int);
    ssize_t (*read)(int, void *, size_t);
    ssize_t (*write)(int, const void *, size_t);
    int (*close)(int);
    int (*inet_pton)(int, const char *, void *);
    const char *(*inet_ntop)(int, const void *, char *, socklen_t);
    int (*getaddrinfo)(const char *, const char *, const struct addrinfo *, struct addrinfo **);
    void (*freeaddrinfo)(struct addrinfo *);
    int (*getnameinfo)(const struct sockaddr *, socklen_t, char *, socklen_t, char *, socklen_t, int);
} impl;

static impl GLIBC, SHIM;
static int same_allowed; /* BENCH_ALLOW_SAME=1: development against glibc */

static void *libc_handle(void)
{
    static void *h;
    if (!h)
        h = dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);
    if (!h)
        die("dlopen(libc.so.6, RTLD_NOLOAD): %s", dlerror());
    return h;
}

static void *glibc_sym(const char *name)
{
    void *p = dlsym(libc_handle(), name);
    if (!p)
        die("dlsym(libc.so.6, %s): %s", name, dlerror());
    return p;
}

static const char *shim_path; /* object holding the sockshim side */
static char unbound[512];      /* " name name ": not sockshim's, cases using them are not run */

/* Is the program's own binding `mine` of `name` a different object than
 * glibc's? If not, the cases using `name` are not run (unless
 * BENCH_ALLOW_SAME is set, for developing the bench against plain glibc). */
static void check_differs(const char *name, void *mine)
{
    void *theirs = glibc_sym(name);
    Dl_info a, b;
    if (!dladdr(mine, &a) || !dladdr(theirs, &b))
        die("dladdr failed for %s", name);
    int same = mine == theirs || strcmp(a.dli_fname, b.dli_fname) == 0;
    if (same && !same_allowed) {
        fprintf(stderr, "bench: %s binds to %s, like glibc's: sockshim does not export it; cases using it are not run\n",
                name, a.dli_fname);
        size_t l = strlen(unbound);
        snprintf(unbound + l, sizeof unbound - l, "%s%s ", l ? "" : " ", name);
    }
    if (!same && !shim_path)
        shim_path = strdup(a.dli_fname);
}

/* NULL if every name in the space-separated list is sockshim's, else the
 * first one that is not. */
static const char *first_unbound(const char *names)
{
    static char word[64];
    const char *p = names;
    while (*p) {
        size_t n = strcspn(p, " ");
        if (n && n + 3 < sizeof word) {
            word[0] = ' ';
            memcpy(word + 1, p, n);
            word[n + 1] = ' ';
            word[n + 2] = 0;
            if (strstr(unbound, word)) {
                word[n + 1] = 0;
                return word + 1;
            }
        }
        p += n;
        while (*p == ' ')
            p++;
    }
    return NULL;
}

#define BIND(field)                                                                      \
    do {                                                                                 \
        GLIBC.field = (__typeof__(GLIBC.field))glibc_sym(#field);                         \
        SHIM.field = &field;                                                             \
        check_differs(#field, (void *)SHIM.field);                                       \
    } while (0)

#define GLIBC_ONLY(field) (GLIBC.field = (__typeof__(GLIBC.field))glibc_sym(#field))

static void bind_impls(void)
{
    GLIBC.name = "glibc";
    SHIM.name = "sockshim";
    /* set-up calls (untimed), always glibc's */
    GLIBC_ONLY(socket);
    GLIBC_ONLY(socketpair);
    GLIBC_ONLY(bind);
    GLIBC_ONLY(listen);
    GLIBC_ONLY(accept);
    GLIBC_ONLY(connect);
    GLIBC_ONLY(setsockopt);
    GLIBC_ONLY(close);
    /* the calls the timed loops make, per implementation */
    BIND(getsockname);
    BIND(send);
    BIND(recv);
    BIND(read);
    BIND(write);
    BIND(inet_pton);
    BIND(inet_ntop);
    BIND(getaddrinfo);
    BIND(freeaddrinfo);
    BIND(getnameinfo);
    if (!shim_path && !same_allowed)
        die("no function of this program binds to a library other than glibc: it is not linked to "
            "sockshim; refusing to compare glibc with itself");
}

/* -------------------------------------------------------------- children */


/* CPU placement (BENCH_PIN): "same" (default) puts the parent and every
 * child on one CPU; "split" puts the parent on one CPU and the children on
 * another; "none" leaves it to the scheduler. */
static int pin_mode; /* 0 none, 1 same, 2 split */
static int cpu_parent = -1, cpu_child = -1;

static void pin_to(int cpu)
{
    if (cpu < 0)
        return;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set) < 0)
        die("sched_setaffinity(%d): %s", cpu, strerror(errno));
}

static void setup_pinning(void)
{
    const char *m = getenv("BENCH_PIN");
    if (!m || !*m || strcmp(m, "same") == 0)
        pin_mode = 1;
    else if (strcmp(m, "split") == 0)
        pin_mode = 2;
    else if (strcmp(m, "none") == 0)
        pin_mode = 0;
    else
        die("BENCH_PIN=%s: expected same, split or none", m);
    if (pin_mode == 0)
        return;
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) < 0)
        die("sched_getaffinity: %s", strerror(errno));
    /* the last two allowed CPUs (CPU 0 takes most interrupts) */
    int a = -1, b = -1;
    for (int c = CPU_SETSIZE - 1; c >= 0; c--)
        if (CPU_ISSET(c, &set)) {
            if (a < 0)
                a = c;
            else if (b < 0)
                b = c;
        }
    if (pin_mode == 2 && b < 0)
        die("BENCH_PIN=split needs two CPUs");
    cpu_parent = a;
    cpu_child = pin_mode == 2 ? b : a;
    pin_to(cpu_parent);
}

static const char *pin_text(void)
{
    static char buf[128];
    if (pin_mode == 0)
        return "not pinned (BENCH_PIN=none)";
    if (pin_mode == 1)
        snprintf(buf, sizeof buf, "parent and peers pinned to CPU %d (BENCH_PIN=same)", cpu_parent);
    else
        snprintf(buf, sizeof buf, "parent on CPU %d, peers on CPU %d (BENCH_PIN=split)", cpu_parent, cpu_child);
    return buf;
}

/* The multi-threaded case: an idle second thread makes the process
 * multi-threaded (__libc_single_threaded becomes 0 for good), which turns on
 * the cancellation-point bookkeeping of read/write/send/recv in both
 * implementations. Children forked afterwards start their own idle thread. */
static int threaded;

static void *idle_thread(void *arg)
{
    (void)arg;
    for (;;)
        pause();
    return NULL;
}

static void start_idle_thread(void)
{
    if (threaded && !__libc_single_threaded)
        return;
    pthread_t t;
    int e = pthread_create(&t, NULL, idle_thread, NULL);
    if (e)
        die("pthread_create: %s", strerror(e));
    if (__libc_single_threaded)
        die("__libc_single_threaded is still set after pthread_create");
    threaded = 1;
}

/* Forks a peer that dies with the parent; returns 0 in the child. */
static pid_t spawn(void)
{
    pid_t parent = getpid();
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0)
        die("fork: %s", strerror(errno));
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(0);
        pin_to(cpu_child);
        if (threaded)
            start_idle_thread();
    }
    return pid;
}

static void reap(pid_t pid)
{
    kill(pid, SIGKILL);
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;
}

/* A connected TCP loopback pair (set-up, made with glibc); TCP_NODELAY on
 * both ends. */
static void tcp_pair(int fds[2])
{
    const impl *im = &GLIBC;
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = 0};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof sa;
    int one = 1;
    int l = im->socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (l < 0 || im->bind(l, (struct sockaddr *)&sa, sizeof sa) < 0 || im->listen(l, 4) < 0 ||
        im->getsockname(l, (struct sockaddr *)&sa, &len) < 0)
        die("TCP listener: %s", strerror(errno));
    int c = im->socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (c < 0 || im->connect(c, (struct sockaddr *)&sa, sizeof sa) < 0)
        die("TCP connect: %s", strerror(errno));
    int s = im->accept(l, NULL, NULL);
    if (s < 0)
        die("TCP accept: %s", strerror(errno));
    im->close(l);
    if (im->setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0 ||
        im->setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0)
        die("TCP_NODELAY: %s", strerror(errno));
    fds[0] = c;
    fds[1] = s;
}

/* ----------------------------------------------------------------- cases */

/* A case. Every round gets fresh kernel objects and a fresh peer process
 * (setup/teardown, untimed, done with glibc), shared by both implementations
 * in that round, so that neither implementation keeps a lucky or unlucky
 * socket, process or cache placement for the whole run. Before each timed
 * run, select() (untimed) switches the peer to the implementation about to
 * be measured; inside the timed run() both ends call only that one. */
typedef struct bench_case {
    double (*run)(const impl *im, void *ctx, long iters); /* elapsed ns */
    void (*setup)(void *ctx);
    void (*teardown)(void *ctx);
    void (*select)(const impl *im, void *ctx);
    void *ctx;
    long start_iters; /* calibration starts here; 0: fixed_iters */
    long fixed_iters;
    long warm_iters;  /* 0: iters/10 + 1 */
    double ops_per_iter;   /* ns/op = elapsed / (iters * ops_per_iter) */
    double bytes_per_iter; /* throughput cases: MB/s */
} bench_case;

typedef struct result {
    const char *key;   /* for BENCH_CASES */
    const char *name;  /* "getsockname (bound UDP socket)" */
    const char *unit;  /* "ns/call" or "MB/s" */
    int higher_better; /* throughput */
    double target;     /* ratio must be <= target */
    const char *target_text;
    const char *needs;   /* the functions timed, space-separated */
    long iters;          /* per round per implementation */
    double med_g, med_s; /* per implementation, in `unit` */
    double ratio, p25, p75; /* of the per-round time ratios sockshim/glibc */
    const char *invalid; /* non-NULL: results differ, row is not valid */
    char skipped[96];    /* non-empty: not run, and why */
} result;

static int rounds;
static long bulk_mib_g;
static double round_ms; /* calibration target per round per implementation */

static void timed(const bench_case *c, const impl *im, long iters, double *t)
{
    if (c->select)
        c->select(im, c->ctx);
    *t = c->run(im, c->ctx, iters);
}

/* Picks an iteration count so one glibc run lasts about round_ms. */
static long calibrate(const bench_case *c)
{
    if (!c->start_iters)
        return c->fixed_iters;
    if (c->setup)
        c->setup(c->ctx);
    long n = c->start_iters, iters;
    for (;;) {
        double t;
        timed(c, &GLIBC, n, &t);
        if (t >= round_ms * 1e6 / 8 || n > (1L << 40)) {
            double want = (double)n * round_ms * 1e6 / t;
            iters = want < 1 ? 1 : (long)want;
            break;
        }
        n *= 4;
    }
    if (c->teardown)
        c->teardown(c->ctx);
    return iters;
}

static void run_case(result *r, const bench_case *c)
{
    double *vg = malloc(sizeof(double) * (size_t)rounds);
    double *vs = malloc(sizeof(double) * (size_t)rounds);
    double *pr = malloc(sizeof(double) * (size_t)rounds);
    if (!vg || !vs || !pr)
        die("out of memory");
    long iters = calibrate(c);
    long warm = c->warm_iters ? c->warm_iters : iters / 10 + 1;
    r->iters = iters;
    for (int i = 0; i < rounds; i++) {
        const impl *first = i % 2 == 0 ? &GLIBC : &SHIM, *second = i % 2 == 0 ? &SHIM : &GLIBC;
        double tg, ts, tw;
        if (c->setup)
            c->setup(c->ctx);
        timed(c, first, warm, &tw);
        timed(c, second, warm, &tw);
        timed(c, first, iters, first == &GLIBC ? &tg : &ts);
        timed(c, second, iters, second == &GLIBC ? &tg : &ts);
        if (c->teardown)
            c->teardown(c->ctx);
        if (r->higher_better) {
            vg[i] = c->bytes_per_iter * (double)iters / tg * 1e3; /* bytes/ns * 1e3 = MB/s */
            vs[i] = c->bytes_per_iter * (double)iters / ts * 1e3;
        } else {
            vg[i] = tg / ((double)iters * c->ops_per_iter);
            vs[i] = ts / ((double)iters * c->ops_per_iter);
        }
        pr[i] = ts / tg; /* time ratio: < 1 = sockshim faster */
    }
    r->med_g = quantile(vg, rounds, 0.5);
    r->med_s = quantile(vs, rounds, 0.5);
    r->ratio = quantile(pr, rounds, 0.5);
    r->p25 = quantile(pr, rounds, 0.25);
    r->p75 = quantile(pr, rounds, 0.75);
    free(vg);
    free(vs);
    free(pr);
}

/* --- getsockname on a bound UDP socket */

static void gsn_setup(void *ctx)
{
    int *fd = ctx;
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = 0};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    *fd = GLIBC.socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (*fd < 0 || GLIBC.bind(*fd, (struct sockaddr *)&sa, sizeof sa) < 0)
        die("UDP socket: %s", strerror(errno));
}

static void gsn_teardown(void *ctx)
{
    GLIBC.close(*(int *)ctx);
}

static double gsn_run(const impl *im, void *ctx, long iters)
{
    int fd = *(int *)ctx;
    struct sockaddr_in sa;
    double t0 = now_ns();
    for (long i = 0; i < iters; i++) {
        socklen_t len = sizeof sa;
        if (im->getsockname(fd, (struct sockaddr *)&sa, &len) != 0)
            die("%s: getsockname: %s", im->name, strerror(errno));
    }
    return now_ns() - t0;
}

static void case_getsockname(result *r)
{
    int fd;
    bench_case c = {.run = gsn_run, .setup = gsn_setup, .teardown = gsn_teardown, .ctx = &fd,
                    .start_iters = 1000, .ops_per_iter = 1};
    run_case(r, &c);
}

/* --- 1-byte ping-pong: the parent sends 1 byte, the peer echoes it.
 * Data byte 'x'; 'G' / 'S' switch the peer to glibc / sockshim (the peer
 * echoes those too, with the new implementation). */

typedef struct pp_ctx {
    int tcp; /* 1: TCP loopback with send/recv; 0: socketpair with write/read */
    int fd;
    pid_t pid;
} pp_ctx;

static ssize_t pp_out(const impl *im, int tcp, int fd, const char *b)
{
    return tcp ? im->send(fd, b, 1, 0) : im->write(fd, b, 1);
}

static ssize_t pp_in(const impl *im, int tcp, int fd, char *b)
{
    return tcp ? im->recv(fd, b, 1, 0) : im->read(fd, b, 1);
}

static void __attribute__((noreturn)) echo_peer(int tcp, int fd)
{
    const impl *im = &GLIBC;
    char b;
    for (;;) {
        ssize_t n = pp_in(im, tcp, fd, &b);
        if (n != 1)
            _exit(n == 0 ? 0 : 1);
        if (b != 'x')
            im = b == 'S' ? &SHIM : &GLIBC;
        if (pp_out(im, tcp, fd, &b) != 1)
            _exit(1);
    }
}

static void pp_setup(void *vctx)
{
    pp_ctx *c = vctx;
    int fds[2];
    if (c->tcp)
        tcp_pair(fds);
    else if (GLIBC.socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0)
        die("socketpair: %s", strerror(errno));
    c->pid = spawn();
    if (c->pid == 0) {
        GLIBC.close(fds[0]);
        echo_peer(c->tcp, fds[1]);
    }
    GLIBC.close(fds[1]);
    c->fd = fds[0];
}

static void pp_teardown(void *vctx)
{
    pp_ctx *c = vctx;
    GLIBC.close(c->fd);
    reap(c->pid);
}

static void pp_select(const impl *im, void *vctx)
{
    pp_ctx *c = vctx;
    char b = im == &SHIM ? 'S' : 'G';
    if (pp_out(im, c->tcp, c->fd, &b) != 1 || pp_in(im, c->tcp, c->fd, &b) != 1)
        die("%s: ping-pong peer switch: %s", im->name, strerror(errno));
}

static double pp_run(const impl *im, void *vctx, long iters)
{
    pp_ctx *c = vctx;
    int fd = c->fd;
    char b = 'x';
    double t0 = now_ns();
    if (c->tcp) {
        for (long i = 0; i < iters; i++)
            if (im->send(fd, &b, 1, 0) != 1 || im->recv(fd, &b, 1, 0) != 1)
                die("%s: ping-pong send/recv: %s", im->name, strerror(errno));
    } else {
        for (long i = 0; i < iters; i++)
            if (im->write(fd, &b, 1) != 1 || im->read(fd, &b, 1) != 1)
                die("%s: ping-pong write/read: %s", im->name, strerror(errno));
    }
    return now_ns() - t0;
}

static void case_pingpong(result *r, int tcp)
{
    pp_ctx ctx = {.tcp = tcp};
    bench_case c = {.run = pp_run, .setup = pp_setup, .teardown = pp_teardown, .select = pp_select,
                    .ctx = &ctx, .start_iters = 100, .ops_per_iter = 1};
    run_case(r, &c);
}

/* --- bulk TCP loopback: on each 'g' the peer sends BULK_UNIT bytes in
 * 64 KiB send()s and the parent recv()s them in 64 KiB buffers. 'G' / 'S'
 * switch the peer's implementation (acknowledged with one byte). */

#define BULK_CHUNK (64 * 1024)
#define BULK_UNIT (16L * 1024 * 1024)

typedef struct bulk_ctx {
    int fd;
    pid_t pid;
} bulk_ctx;

static char bulk_buf[BULK_CHUNK];

static void __attribute__((noreturn)) bulk_peer(int fd)
{
    const impl *im = &GLIBC;
    memset(bulk_buf, 0xa5, sizeof bulk_buf);
    for (;;) {
        char b;
        ssize_t n = im->recv(fd, &b, 1, 0);
        if (n != 1)
            _exit(n == 0 ? 0 : 1);
        if (b != 'g') {
            im = b == 'S' ? &SHIM : &GLIBC;
            if (im->send(fd, &b, 1, 0) != 1)
                _exit(1);
            continue;
        }
        for (long left = BULK_UNIT; left > 0;) {
            ssize_t w = im->send(fd, bulk_buf, left < BULK_CHUNK ? (size_t)left : BULK_CHUNK, 0);
            if (w <= 0)
                _exit(1);
            left -= w;
        }
    }
}

static void bulk_setup(void *vctx)
{
    bulk_ctx *c = vctx;
    int fds[2];
    tcp_pair(fds);
    c->pid = spawn();
    if (c->pid == 0) {
        GLIBC.close(fds[0]);
        bulk_peer(fds[1]);
    }
    GLIBC.close(fds[1]);
    c->fd = fds[0];
}

static void bulk_teardown(void *vctx)
{
    bulk_ctx *c = vctx;
    GLIBC.close(c->fd);
    reap(c->pid);
}

static void bulk_select(const impl *im, void *vctx)
{
    bulk_ctx *c = vctx;
    char b = im == &SHIM ? 'S' : 'G';
    if (im->send(c->fd, &b, 1, 0) != 1 || im->recv(c->fd, &b, 1, 0) != 1)
        die("%s: bulk peer switch: %s", im->name, strerror(errno));
}

static double bulk_run(const impl *im, void *vctx, long iters)
{
    bulk_ctx *c = vctx;
    double t0 = now_ns();
    for (long it = 0; it < iters; it++) {
        char go = 'g';
        if (im->send(c->fd, &go, 1, 0) != 1)
            die("%s: bulk go: %s", im->name, strerror(errno));
        for (long left = BULK_UNIT; left > 0;) {
            ssize_t n = im->recv(c->fd, bulk_buf, left < BULK_CHUNK ? (size_t)left : BULK_CHUNK, 0);
            if (n <= 0)
                die("%s: bulk recv: %s", im->name, n == 0 ? "EOF" : strerror(errno));
            left -= n;
        }
    }
    return now_ns() - t0;
}

static void case_bulk(result *r, long mib)
{
    bulk_ctx ctx;
    long units = mib * 1024 * 1024 / BULK_UNIT;
    bench_case c = {.run = bulk_run, .setup = bulk_setup, .teardown = bulk_teardown, .select = bulk_select,
                    .ctx = &ctx, .fixed_iters = units < 1 ? 1 : units, .warm_iters = 1,
                    .bytes_per_iter = (double)BULK_UNIT};
    run_case(r, &c);
}

/* --- recv(MSG_DONTWAIT) on an empty socket: the per-call cost of a
 * cancellable call and of the errno path, without the scheduler in it. */

static void eagain_setup(void *ctx)
{
    int *fds = ctx;
    if (GLIBC.socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0)
        die("socketpair: %s", strerror(errno));
}

static void eagain_teardown(void *ctx)
{
    int *fds = ctx;
    GLIBC.close(fds[0]);
    GLIBC.close(fds[1]);
}

static double eagain_run(const impl *im, void *ctx, long iters)
{
    int fd = *(int *)ctx;
    char b;
    double t0 = now_ns();
    for (long i = 0; i < iters; i++)
        if (im->recv(fd, &b, 1, MSG_DONTWAIT) != -1 || errno != EAGAIN)
            die("%s: recv(MSG_DONTWAIT) on an empty socket did not fail with EAGAIN", im->name);
    return now_ns() - t0;
}

static void case_eagain(result *r)
{
    int fds[2];
    bench_case c = {.run = eagain_run, .setup = eagain_setup, .teardown = eagain_teardown, .ctx = fds,
                    .start_iters = 1000, .ops_per_iter = 1};
    run_case(r, &c);
}

/* --- inet_pton + inet_ntop over a fixed mix of addresses */

static const struct {
    int af;
    const char *text;
} addrs[] = {
    {AF_INET, "127.0.0.1"},
    {AF_INET, "192.168.100.254"},
    {AF_INET, "8.8.4.4"},
    {AF_INET6, "::1"},
    {AF_INET6, "2001:db8::ff00:42:8329"},
    {AF_INET6, "fe80::1ff:fe23:4567:890a"},
    {AF_INET6, "::ffff:192.0.2.128"},
    {AF_INET6, "2001:0db8:85a3:0000:0000:8a2e:0370:7334"},
};
#define NADDRS ((int)(sizeof addrs / sizeof addrs[0]))

static double inet_run(const impl *im, void *ctx, long iters)
{
    (void)ctx;
    unsigned char bin[16];
    char text[INET6_ADDRSTRLEN];
    double t0 = now_ns();
    for (long i = 0; i < iters; i++) {
        for (int k = 0; k < NADDRS; k++) {
            if (im->inet_pton(addrs[k].af, addrs[k].text, bin) != 1 ||
                !im->inet_ntop(addrs[k].af, bin, text, sizeof text))
                die("%s: inet_pton/inet_ntop failed on %s", im->name, addrs[k].text);
        }
    }
    return now_ns() - t0;
}

/* Both implementations must agree on every address of the mix. */
static const char *inet_agree(void)
{
    for (int k = 0; k < NADDRS; k++) {
        unsigned char bg[16] = {0}, bs[16] = {0};
        char tg[INET6_ADDRSTRLEN] = "", ts[INET6_ADDRSTRLEN] = "";
        int rg = GLIBC.inet_pton(addrs[k].af, addrs[k].text, bg);
        int rs = SHIM.inet_pton(addrs[k].af, addrs[k].text, bs);
        const char *pg = GLIBC.inet_ntop(addrs[k].af, bg, tg, sizeof tg);
        const char *ps = SHIM.inet_ntop(addrs[k].af, bs, ts, sizeof ts);
        if (rg != rs || memcmp(bg, bs, sizeof bg) || !pg != !ps || strcmp(tg, ts)) {
            fprintf(stderr, "bench: inet mismatch on %s: glibc %d \"%s\", sockshim %d \"%s\"\n", addrs[k].text,
                    rg, tg, rs, ts);
            return "INVALID: outputs differ";
        }
    }
    return NULL;
}

static void case_inet(result *r)
{
    r->invalid = inet_agree();
    bench_case c = {.run = inet_run, .start_iters = 100, .ops_per_iter = NADDRS};
    run_case(r, &c);
}

/* --- the resolver: getaddrinfo and getnameinfo. Each side resolves with its
 * own functions (and frees with its own freeaddrinfo); both must give the
 * same answer, byte for byte, before anything is timed. The files they read
 * (/etc/hosts, /etc/nsswitch.conf, /etc/resolv.conf) are the ones
 * bench/run.sh bind-mounts in its network namespace (see bench/README.md),
 * or the machine's when it runs without one. */

typedef struct gai_ctx {
    const char *node, *service;
    struct addrinfo hints;
} gai_ctx;

/* A text rendering of one getaddrinfo answer: the return value, then each
 * entry's flags, family, socktype, protocol, canonical name and sockaddr
 * bytes, in order. */
static void gai_text(const impl *im, const gai_ctx *c, char *buf, size_t n)
{
    struct addrinfo *res = NULL;
    int rc = im->getaddrinfo(c->node, c->service, &c->hints, &res);
    size_t len = (size_t)snprintf(buf, n, "rc=%d", rc);
    for (const struct addrinfo *p = rc == 0 ? res : NULL; p && len < n; p = p->ai_next) {
        len += (size_t)snprintf(buf + len, n - len, " [%d %d %d %d %s ", p->ai_flags, p->ai_family, p->ai_socktype,
                                p->ai_protocol, p->ai_canonname ? p->ai_canonname : "-");
        for (socklen_t k = 0; p->ai_addr && k < p->ai_addrlen && len < n; k++)
            len += (size_t)snprintf(buf + len, n - len, "%02x", ((const unsigned char *)p->ai_addr)[k]);
        if (len < n)
            len += (size_t)snprintf(buf + len, n - len, "]");
    }
    if (rc == 0 && res)
        im->freeaddrinfo(res);
}

static const char *gai_agree(const gai_ctx *c)
{
    char g[2048], s[2048];
    gai_text(&GLIBC, c, g, sizeof g);
    gai_text(&SHIM, c, s, sizeof s);
    if (strcmp(g, s) != 0) {
        fprintf(stderr, "bench: getaddrinfo(\"%s\", \"%s\") differs:\n  glibc    %s\n  sockshim %s\n", c->node,
                c->service, g, s);
        return "INVALID: outputs differ";
    }
    if (strncmp(g, "rc=0 [", 6) != 0) {
        fprintf(stderr, "bench: getaddrinfo(\"%s\", \"%s\") found nothing: %s\n", c->node, c->service, g);
        return "INVALID: lookup failed";
    }
    return NULL;
}

static double gai_run(const impl *im, void *vctx, long iters)
{
    const gai_ctx *c = vctx;
    double t0 = now_ns();
    for (long i = 0; i < iters; i++) {
        struct addrinfo *res;
        int rc = im->getaddrinfo(c->node, c->service, &c->hints, &res);
        if (rc != 0)
            die("%s: getaddrinfo(\"%s\", \"%s\") = %d", im->name, c->node, c->service, rc);
        im->freeaddrinfo(res);
    }
    return now_ns() - t0;
}

static void case_getaddrinfo(result *r, const char *node, long start_iters)
{
    gai_ctx ctx = {.node = node, .service = "80"};
    ctx.hints.ai_family = AF_UNSPEC;
    ctx.hints.ai_socktype = SOCK_STREAM;
    r->invalid = gai_agree(&ctx);
    bench_case c = {.run = gai_run, .ctx = &ctx, .start_iters = start_iters, .ops_per_iter = 1};
    run_case(r, &c);
}

typedef struct gni_ctx {
    struct sockaddr_in sa;
    int flags;
} gni_ctx;

static double gni_run(const impl *im, void *vctx, long iters)
{
    const gni_ctx *c = vctx;
    char host[NI_MAXHOST], serv[NI_MAXSERV];
    double t0 = now_ns();
    for (long i = 0; i < iters; i++) {
        int rc = im->getnameinfo((const struct sockaddr *)&c->sa, sizeof c->sa, host, sizeof host, serv, sizeof serv,
                                 c->flags);
        if (rc != 0)
            die("%s: getnameinfo(127.0.0.1:80, %#x) = %d", im->name, c->flags, rc);
    }
    return now_ns() - t0;
}

static const char *gni_agree(const gni_ctx *c)
{
    char hg[NI_MAXHOST] = "", sg[NI_MAXSERV] = "", hs[NI_MAXHOST] = "", ss[NI_MAXSERV] = "";
    const struct sockaddr *sa = (const struct sockaddr *)&c->sa;
    int rg = GLIBC.getnameinfo(sa, sizeof c->sa, hg, sizeof hg, sg, sizeof sg, c->flags);
    int rs = SHIM.getnameinfo(sa, sizeof c->sa, hs, sizeof hs, ss, sizeof ss, c->flags);
    if (rg != rs || strcmp(hg, hs) || strcmp(sg, ss)) {
        fprintf(stderr, "bench: getnameinfo(127.0.0.1:80, %#x) differs: glibc %d \"%s\" \"%s\", sockshim %d \"%s\" \"%s\"\n",
                c->flags, rg, hg, sg, rs, hs, ss);
        return "INVALID: outputs differ";
    }
    if (rg != 0)
        return "INVALID: lookup failed";
    return NULL;
}

static void case_getnameinfo(result *r, int flags)
{
    gni_ctx ctx = {.sa = {.sin_family = AF_INET, .sin_port = htons(80)}, .flags = flags};
    ctx.sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    r->invalid = gni_agree(&ctx);
    bench_case c = {.run = gni_run, .ctx = &ctx, .start_iters = 100, .ops_per_iter = 1};
    run_case(r, &c);
}

/* The DNS case needs a server: bench/run.sh starts dnsmasq on 127.0.0.1 in
 * a network namespace of its own and says which name to look up
 * (BENCH_DNS_NAME) and the server's pid (BENCH_DNS_PID). The server is a
 * peer like the echo children: it is pinned with them (BENCH_PIN). */
static const char *dns_name;
static char dns_text[160];

static void setup_dns(void)
{
    const char *name = getenv("BENCH_DNS_NAME");
    if (!name || !*name) {
        snprintf(dns_text, sizeof dns_text, "none (the DNS case needs bench/run.sh's network namespace)");
        return;
    }
    dns_name = name;
    long pid = env_long("BENCH_DNS_PID", 0, 0);
    if (pid > 0 && cpu_child >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(cpu_child, &set);
        if (sched_setaffinity((pid_t)pid, sizeof set, &set) < 0)
            die("sched_setaffinity(dnsmasq %ld, %d): %s", pid, cpu_child, strerror(errno));
    }
    snprintf(dns_text, sizeof dns_text, "dnsmasq (pid %ld) on 127.0.0.1:53, %s", pid,
             pid > 0 && cpu_child >= 0 ? "pinned with the peers" : "not pinned");
}

/* ----------------------------------------------------------------- report */

static void print_machine(void)
{
    char model[256] = "unknown";
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (f) {
        char line[512];
        while (fgets(line, sizeof line, f)) {
            if (strncmp(line, "model name", 10) == 0) {
                char *p = strchr(line, ':');
                if (p) {
                    p++;
                    while (*p == ' ' || *p == '\t')
                        p++;
                    p[strcspn(p, "\n")] = 0;
                    snprintf(model, sizeof model, "%s", p);
                }
                break;
            }
        }
        fclose(f);
    }
    struct utsname u;
    uname(&u);
    printf("Machine: nproc=%ld, CPU: %s, kernel %s, glibc %s. Rounds: %d per case "
           "(BENCH_ROUNDS), implementations interleaved, order alternating every round.\n",
           sysconf(_SC_NPROCESSORS_ONLN), model, u.release, gnu_get_libc_version(), rounds);
    printf("sockshim side: %s. Placement: %s.\n", shim_path ? shim_path : "(NONE: BENCH_ALLOW_SAME, glibc vs glibc)",
           pin_text());
    printf("DNS server: %s.\n", dns_text);
}

static void fmt_val(char *buf, size_t n, double v, const char *unit)
{
    if (v >= 100)
        snprintf(buf, n, "%.0f %s", v, unit);
    else
        snprintf(buf, n, "%.1f %s", v, unit);
}

static void print_table(result *rs, int n)
{
    printf("\n| case | glibc median | sockshim median | ratio | ratio p25–p75 | iters/round | target | met? |\n");
    printf("|---|---:|---:|---:|---:|---:|---|---|\n");
    for (int i = 0; i < n; i++) {
        result *r = &rs[i];
        char g[64], s[64];
        if (r->skipped[0] && strstr(r->skipped, "BENCH_CASES"))
            continue;
        if (r->skipped[0]) {
            printf("| %s | – | – | – | – | – | %s | NOT RUN: %s |\n", r->name, r->target_text, r->skipped);
            continue;
        }
        fmt_val(g, sizeof g, r->med_g, r->unit);
        fmt_val(s, sizeof s, r->med_s, r->unit);
        const char *met;
        if (r->invalid)
            met = r->invalid;
        else if (r->ratio <= r->target)
            met = "yes";
        else if (r->p25 <= r->target)
            met = "no (within noise)";
        else
            met = "no";
        printf("| %s | %s | %s | %.3f | %.3f–%.3f | %ld | %s | %s |\n", r->name, g, s, r->ratio, r->p25, r->p75,
               r->iters, r->target_text, met);
    }
    printf("\nratio = median over the rounds of (sockshim time / glibc time) measured in the same round, so "
           "< 1.00 means sockshim is faster (throughput rows too: the ratio is of times, i.e. glibc MB/s ÷ "
           "sockshim MB/s); p25–p75 is its spread over the rounds, a guide to the noise. \"met?\" says "
           "\"no (within noise)\" when the ratio misses the target but its p25 meets it. Medians over %d "
           "rounds. Each round: fresh sockets and a fresh peer process (set up with glibc, untimed), an "
           "untimed warm-up of both implementations, then iters/round iterations of each (bulk: %ld MiB "
           "each, in %ld MiB requests), glibc first in even rounds, sockshim first in odd ones. Peers "
           "echo/send with the implementation being measured (switched untimed before each run), so every "
           "call in a timed loop, on both ends, is that implementation's.\n",
           rounds, bulk_mib_g, BULK_UNIT >> 20);
    if (same_allowed && !shim_path)
        printf("\nWARNING: BENCH_ALLOW_SAME was set and both sides are GLIBC: these numbers say nothing "
               "about sockshim.\n");
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    signal(SIGPIPE, SIG_IGN);
    rounds = (int)env_long("BENCH_ROUNDS", 21, 1);
    round_ms = (double)env_long("BENCH_ROUND_MS", 100, 1);
    long bulk_mib = env_long("BENCH_BULK_MB", 256, 1);
    bulk_mib_g = bulk_mib;
    const char *allow = getenv("BENCH_ALLOW_SAME");
    same_allowed = allow && *allow && strcmp(allow, "0") != 0;

    bind_impls();
    setup_pinning();
    setup_dns();
    print_machine();

    result rs[] = {
        {.key = "getsockname", .name = "getsockname (bound UDP socket)", .unit = "ns/call",
         .needs = "getsockname", .target = 1.02, .target_text = "≤ 1.02"},
        {.key = "pp-unix", .name = "1-byte ping-pong, socketpair (write/read)", .unit = "ns/RTT",
         .needs = "read write", .target = 1.02, .target_text = "≤ 1.02"},
        {.key = "pp-tcp", .name = "1-byte ping-pong, TCP loopback (send/recv)", .unit = "ns/RTT",
         .needs = "send recv", .target = 1.02, .target_text = "≤ 1.02"},
        {.key = "bulk", .name = "bulk TCP loopback, 64 KiB send/recv", .unit = "MB/s", .higher_better = 1,
         .needs = "send recv", .target = 1.02, .target_text = "≤ 1.02"},
        {.key = "inet", .name = "inet_pton + inet_ntop (8-address mix)", .unit = "ns/pair",
         .needs = "inet_pton inet_ntop", .target = 0.50, .target_text = "≤ 0.50 (2x faster)"},
        {.key = "gai-hosts", .name = "getaddrinfo(\"localhost\", \"80\") from /etc/hosts", .unit = "ns/call",
         .needs = "getaddrinfo freeaddrinfo", .target = 0.10, .target_text = "≤ 0.10 (10x faster)"},
        {.key = "gai-hosts2", .name = "getaddrinfo(\"dual.bench.test\", \"80\"): 2 addresses from /etc/hosts, sorted",
         .unit = "ns/call", .needs = "getaddrinfo freeaddrinfo", .target = 1.02, .target_text = "≤ 1.02 (extra)"},
        {.key = "gni-numeric", .name = "getnameinfo(127.0.0.1:80, NI_NUMERICHOST|NI_NUMERICSERV)",
         .unit = "ns/call", .needs = "getnameinfo", .target = 1.00, .target_text = "≤ 1.00 (faster)"},
        {.key = "gni-hosts", .name = "getnameinfo(127.0.0.1:80, NI_NUMERICSERV): name from /etc/hosts",
         .unit = "ns/call", .needs = "getnameinfo", .target = 1.00, .target_text = "≤ 1.00 (faster)"},
        {.key = "gai-dns", .name = "getaddrinfo(name, \"80\"), A+AAAA from DNS (dnsmasq, 127.0.0.1)",
         .unit = "ns/call", .needs = "getaddrinfo freeaddrinfo", .target = 1.00, .target_text = "≤ 1.00"},
        {.key = "eagain", .name = "recv(MSG_DONTWAIT) → EAGAIN", .unit = "ns/call", .needs = "recv",
         .target = 1.02, .target_text = "≤ 1.02 (extra)"},
        /* from here on the process (and each peer) has an idle second thread */
        {.key = "pp-mt", .name = "1-byte ping-pong, socketpair, multi-threaded process", .unit = "ns/RTT",
         .needs = "read write", .target = 1.02, .target_text = "≤ 1.02 (extra)"},
        {.key = "eagain-mt", .name = "recv(MSG_DONTWAIT) → EAGAIN, multi-threaded process", .unit = "ns/call",
         .needs = "recv", .target = 1.02, .target_text = "≤ 1.02 (extra)"},
    };
    int n = (int)(sizeof rs / sizeof rs[0]);

    const char *only = getenv("BENCH_CASES");
    for (int i = 0; i < n; i++) {
        if (only && *only) {
            char pat[40];
            snprintf(pat, sizeof pat, ",%s,", rs[i].key);
            char *list = malloc(strlen(only) + 3);
            if (!list)
                die("out of memory");
            sprintf(list, ",%s,", only);
            int want = strstr(list, pat) != NULL;
            free(list);
            if (!want) {
                snprintf(rs[i].skipped, sizeof rs[i].skipped, "not selected (BENCH_CASES)");
                continue;
            }
        }
        const char *u = first_unbound(rs[i].needs);
        if (u) {
            snprintf(rs[i].skipped, sizeof rs[i].skipped, "sockshim does not export %s", u);
            continue;
        }
        if (strcmp(rs[i].key, "gai-dns") == 0 && !dns_name) {
            snprintf(rs[i].skipped, sizeof rs[i].skipped, "no DNS server: needs bench/run.sh's network namespace (root)");
            continue;
        }
        if (strcmp(rs[i].key, "gai-hosts2") == 0 && !dns_name) {
            snprintf(rs[i].skipped, sizeof rs[i].skipped, "needs bench/run.sh's network namespace (root) and its hosts file");
            continue;
        }
        fprintf(stderr, "bench: %s...\n", rs[i].name);
        const char *k = rs[i].key;
        if (strcmp(k, "getsockname") == 0)
            case_getsockname(&rs[i]);
        else if (strcmp(k, "pp-unix") == 0)
            case_pingpong(&rs[i], 0);
        else if (strcmp(k, "pp-tcp") == 0)
            case_pingpong(&rs[i], 1);
        else if (strcmp(k, "bulk") == 0)
            case_bulk(&rs[i], bulk_mib);
        else if (strcmp(k, "inet") == 0)
            case_inet(&rs[i]);
        else if (strcmp(k, "gai-hosts") == 0)
            case_getaddrinfo(&rs[i], "localhost", 100);
        else if (strcmp(k, "gai-hosts2") == 0)
            case_getaddrinfo(&rs[i], "dual.bench.test", 100);
        else if (strcmp(k, "gni-numeric") == 0)
            case_getnameinfo(&rs[i], NI_NUMERICHOST | NI_NUMERICSERV);
        else if (strcmp(k, "gni-hosts") == 0)
            case_getnameinfo(&rs[i], NI_NUMERICSERV);
        else if (strcmp(k, "gai-dns") == 0)
            case_getaddrinfo(&rs[i], dns_name, 10);
        else if (strcmp(k, "eagain") == 0)
            case_eagain(&rs[i]);
        /* last: once started, the second thread stays */
        else if (strcmp(k, "pp-mt") == 0) {
            start_idle_thread();
            case_pingpong(&rs[i], 0);
        } else if (strcmp(k, "eagain-mt") == 0) {
            start_idle_thread();
            case_eagain(&rs[i]);
        } else
            die("no case %s", k);
    }
    print_table(rs, n);
    int rc = 0;
    for (int i = 0; i < n; i++)
        if (rs[i].invalid || (rs[i].skipped[0] && !(only && *only)))
            rc = 2;
    return rc;
}
