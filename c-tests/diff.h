/* diff.h: the harness of the differential tests against glibc. */
#ifndef SOCKSHIM_DIFF_H
#define SOCKSHIM_DIFF_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <sys/un.h>
#include <unistd.h>

#include "tap.h"

/* ---- differential harness, shared by diff_socket.c, diff_io.c, diff_poll.c ----
 *
 * A case is written once and run twice: with cur == 0 the calls made through
 * CALL() go to the program's own binding (sockshim when linked or preloaded),
 * with cur == 1 to glibc's definition. Everything a case records (every
 * CALL's return value and errno, and the output bytes it rec()s) must be
 * identical between the two runs:
 *
 *     CASE {
 *         int s = tcp4();
 *         CALL(bind, s, (struct sockaddr *)&a, 15);
 *     }
 *     DONE("bind: AF_INET addrlen %d", 15);
 *
 * Setup and inspection use glibc's own functions (G(fn)), never the ones
 * under test; every descriptor a case makes is trk()'d and closed after it. */

/* HIDE(x): x, opaque to the compiler, for the deliberately bad arguments
 * (NULL buffers, huge counts) that it would otherwise warn about. */
#define HIDE(x) __extension__({ __typeof__(x) h_ = (x); __asm__("" : "+r"(h_)); h_; })
#define NULLP HIDE((void *)0)

#define SENT 12345 /* errno before each call: proves "errno untouched on success" */
#define OUTMAX 65536

struct res {
    long ret;                 /* the last CALL's return (0 for a new fd) */
    int err;                  /* errno after the last CALL */
    int isfd;                 /* the last CALL returned a descriptor */
    size_t n;                 /* bytes in out[] */
    unsigned char out[OUTMAX];
    int ntol;                 /* values compared within a tolerance (timers) */
    long long tol[8];
};

static struct res R[2];
static int cur;               /* 0: the program's binding; 1: glibc's */
static int ncases;
static void *BADP;            /* a PROT_NONE page: the kernel answers EFAULT */
static char *EDGEP;           /* a readable page of 'E' followed by a PROT_NONE page */
static long long tol_us = 200000; /* tolerance for remaining-time values, in microseconds */
static const char *mode_sfx = ""; /* appended to every case name */

#define G(fn) GLIBC(fn)

static int trk_fd[64], ntrk;
static char trk_path[8][256];
static int ntrkp;

static __attribute__((unused)) int trk(int fd)
{
    if (fd >= 0 && ntrk < 64)
        trk_fd[ntrk++] = fd;
    return fd;
}

static __attribute__((unused)) void trk_unlink(const char *p)
{
    if (ntrkp < 8)
        snprintf(trk_path[ntrkp++], sizeof trk_path[0], "%s", p);
}

static __attribute__((unused)) void cleanup(void)
{
    int (*gclose)(int) = G(close);
    while (ntrk > 0)
        gclose(trk_fd[--ntrk]);
    while (ntrkp > 0)
        unlink(trk_path[--ntrkp]);
}

static __attribute__((unused)) void rec(const void *p, size_t n)
{
    struct res *r = &R[cur];
    if (r->n + n > OUTMAX)
        n = OUTMAX - r->n;
    memcpy(r->out + r->n, p, n);
    r->n += n;
}

static __attribute__((unused)) void rec_l(long v) { rec(&v, sizeof v); }
static __attribute__((unused)) void rec_tol(long long v)
{
    if (R[cur].ntol < 8)
        R[cur].tol[R[cur].ntol++] = v;
}

/* The kind of a descriptor, not its number: file type, access mode and
 * flags, close-on-exec, and for a socket its type, domain and protocol. */
static __attribute__((unused)) void rec_fdkind(int fd)
{
    struct stat st;
    long v[8] = {0};
    v[0] = fstat(fd, &st) == 0 ? (long)(st.st_mode & S_IFMT) : -errno;
    v[1] = fcntl(fd, F_GETFL);
    v[2] = fcntl(fd, F_GETFD);
    if (v[0] == S_IFSOCK) {
        int (*ggso)(int, int, int, void *, socklen_t *) = G(getsockopt);
        int x;
        socklen_t l = sizeof x;
        v[3] = ggso(fd, SOL_SOCKET, SO_TYPE, &x, &l) == 0 ? x : -1;
        l = sizeof x;
        v[4] = ggso(fd, SOL_SOCKET, SO_DOMAIN, &x, &l) == 0 ? x : -1;
        l = sizeof x;
        v[5] = ggso(fd, SOL_SOCKET, SO_PROTOCOL, &x, &l) == 0 ? x : -1;
        l = sizeof x;
        v[6] = ggso(fd, SOL_SOCKET, SO_ACCEPTCONN, &x, &l) == 0 ? x : -1;
    }
    rec(v, sizeof v);
}

/* CALL(fn, args...): errno := SENT, call the program's fn or glibc's, record
 * the return value and errno. The function pointer is resolved first so that
 * nothing runs between setting errno and the call but argument evaluation. */
#define CALL(fn, ...) __extension__({                                  \
        __typeof__(&fn) f_ = cur ? GLIBC(fn) : &fn;                    \
        errno = SENT;                                                  \
        long r_ = (long)f_(__VA_ARGS__);                               \
        int e_ = errno;                                                \
        R[cur].ret = r_; R[cur].err = e_; R[cur].isfd = 0;             \
        rec_l(r_); rec_l(e_);                                          \
        r_; })

/* CALLFD: like CALL for a call that returns a new descriptor: records
 * success and the descriptor's kind (not its number), and tracks it. */
#define CALLFD(fn, ...) __extension__({                                \
        __typeof__(&fn) f_ = cur ? GLIBC(fn) : &fn;                    \
        errno = SENT;                                                  \
        long r_ = (long)f_(__VA_ARGS__);                               \
        int e_ = errno;                                                \
        R[cur].ret = r_ < 0 ? r_ : 0; R[cur].err = e_; R[cur].isfd = 1; \
        rec_l(R[cur].ret); rec_l(e_);                                  \
        if (r_ >= 0) { rec_fdkind((int)r_); trk((int)r_); }            \
        r_; })

static __attribute__((unused)) void begin_side(int side)
{
    cur = side;
    memset(&R[side], 0, offsetof(struct res, out));
    R[side].ntol = 0;
}

static __attribute__((unused)) int case_begin(void) { begin_side(0); return 0; }
static __attribute__((unused)) int case_next(void)
{
    cleanup();
    if (cur == 0) {
        begin_side(1);
        return 1;
    }
    return 2;
}

#define CASE for (cur = case_begin(); cur < 2; cur = case_next())

static __attribute__((unused)) const char *ename(int e)
{
    static char b[2][32];
    static int i;
    const char *n;
    if (e == SENT)
        return "untouched";
    if (e == 0)
        return "0";
    n = strerrorname_np(e);
    if (n)
        return n;
    i ^= 1;
    snprintf(b[i], sizeof b[i], "%d", e);
    return b[i];
}

static __attribute__((unused)) void dump(const char *who, const struct res *r, size_t at)
{
    char hex[3 * 32 + 1];
    size_t i, from = at > 8 ? at - 8 : 0, to = from + 32 < r->n ? from + 32 : r->n;
    hex[0] = 0;
    for (i = from; i < to; i++)
        snprintf(hex + 3 * (i - from), 4, "%02x ", r->out[i]);
    diag("  %s: ret %ld%s errno %s, %zu output bytes; bytes %zu..: %s", who, r->ret, r->isfd ? " (fd)" : "",
         ename(r->err), r->n, from, hex);
    for (int k = 0; k < r->ntol; k++)
        diag("  %s: timer value %d = %lld", who, k, r->tol[k]);
}

/* Compare the two runs and print one TAP line named after the case and
 * glibc's result. */
static __attribute__((unused)) void DONE(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static __attribute__((unused)) void DONE(const char *fmt, ...)
{
    char name[512];
    va_list ap;
    size_t at = 0;
    int same, k;
    const struct res *a = &R[0], *b = &R[1];

    va_start(ap, fmt);
    vsnprintf(name, sizeof name, fmt, ap);
    va_end(ap);
    while (at < a->n && at < b->n && a->out[at] == b->out[at])
        at++;
    same = a->ret == b->ret && a->err == b->err && a->n == b->n && at == a->n && a->ntol == b->ntol;
    for (k = 0; same && k < a->ntol; k++)
        same = llabs(a->tol[k] - b->tol[k]) <= tol_us;
    ncases++;
    if (b->ret < 0)
        ok(same, "%s%s -> ret %ld errno %s", name, mode_sfx, b->ret, ename(b->err));
    else
        ok(same, "%s%s -> ret %s%ld errno %s", name, mode_sfx, b->isfd ? "fd/" : "", b->ret, ename(b->err));
    if (!same) {
        dump("sockshim", a, at);
        dump("glibc   ", b, at);
    }
}

static __attribute__((unused)) void harness_init(void)
{
    signal(SIGPIPE, SIG_IGN);
    BADP = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (BADP == MAP_FAILED) {
        printf("Bail out! mmap PROT_NONE\n");
        exit(2);
    }
    EDGEP = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (EDGEP == MAP_FAILED || mprotect(EDGEP + 4096, 4096, PROT_NONE) != 0) {
        printf("Bail out! mmap edge page\n");
        exit(2);
    }
    memset(EDGEP, 'E', 4096);
}

/* From here on the process is multi-threaded (glibc and sockshim then take
 * their cancellation-point paths); the cases run again in that mode. */
static void *thread_noop(void *p) { return p; }
static __attribute__((unused)) void go_multithreaded(void)
{
    pthread_t t;
    if (pthread_create(&t, NULL, thread_noop, NULL) != 0 || pthread_join(t, NULL) != 0) {
        printf("Bail out! pthread_create\n");
        exit(2);
    }
    mode_sfx = " [multi-threaded]";
}

/* ---- descriptors of every kind, made with glibc's own functions ---- */

static __attribute__((unused)) int set_nonblock(int fd)
{
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

static __attribute__((unused)) struct sockaddr_in sin4(const char *ip, int port)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    inet_pton(AF_INET, ip, &a.sin_addr);
    return a;
}

static __attribute__((unused)) int gsock(int d, int t, int p) { return trk(G(socket)(d, t, p)); }

static __attribute__((unused)) int gbind4(int s, int port)
{
    struct sockaddr_in a = sin4("127.0.0.1", port);
    int one = 1;
    G(setsockopt)(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    return G(bind)(s, (struct sockaddr *)&a, sizeof a);
}

static __attribute__((unused)) int port_of(int s)
{
    struct sockaddr_in a;
    socklen_t l = sizeof a;
    if (G(getsockname)(s, (struct sockaddr *)&a, &l) != 0)
        return -1;
    return ntohs(a.sin_port);
}

/* A free loopback port now: bind port 0, read it, close. */
static __attribute__((unused)) int free_port(int type)
{
    int s = G(socket)(AF_INET, type, 0), p;
    gbind4(s, 0);
    p = port_of(s);
    G(close)(s);
    return p;
}

/* A listening TCP socket on 127.0.0.1 (port 0 = any). */
static __attribute__((unused)) int tcp_listener(int port)
{
    int s = gsock(AF_INET, SOCK_STREAM, 0);
    gbind4(s, port);
    G(listen)(s, 16);
    return s;
}

/* A connected loopback TCP pair: *c client, returns the accepted end. */
static __attribute__((unused)) int tcp_pair(int *c)
{
    int l = tcp_listener(0), a;
    struct sockaddr_in addr = sin4("127.0.0.1", port_of(l));
    *c = gsock(AF_INET, SOCK_STREAM, 0);
    G(connect)(*c, (struct sockaddr *)&addr, sizeof addr);
    a = trk(G(accept)(l, NULL, NULL));
    return a;
}

static __attribute__((unused)) int gpair(int type, int sv[2])
{
    int r = G(socketpair)(AF_UNIX, type, 0, sv);
    if (r == 0) {
        trk(sv[0]);
        trk(sv[1]);
    }
    return r;
}

static const char *tmpdir;

static __attribute__((unused)) int tmpfile_with(const char *content, int flags)
{
    char p[300];
    int fd;
    snprintf(p, sizeof p, "%s/fileXXXXXX", tmpdir);
    fd = mkstemp(p);
    if (content)
        pwrite(fd, content, strlen(content), 0);
    if ((flags & O_ACCMODE) != O_RDWR) {
        int fd2 = open(p, flags);
        G(close)(fd);
        fd = fd2;
    }
    unlink(p);
    return trk(fd);
}

static __attribute__((unused)) void make_tmpdir(void)
{
    static char d[] = "/tmp/sockshim-diff-XXXXXX";
    tmpdir = mkdtemp(d);
    if (!tmpdir) {
        printf("Bail out! mkdtemp\n");
        exit(2);
    }
}

static __attribute__((unused)) void remove_tmpdir(void) { rmdir(tmpdir); }

/* An abstract unix name unique to this process. */
static __attribute__((unused)) socklen_t abstract_addr(struct sockaddr_un *u, const char *tag)
{
    memset(u, 0, sizeof *u);
    u->sun_family = AF_UNIX;
    int n = snprintf(u->sun_path + 1, sizeof u->sun_path - 1, "sockshim-diff-%d-%s", (int)getpid(), tag);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
}

/* Drain whatever is readable on fd (non-blocking) into the record. */
static __attribute__((unused)) void rec_drain(int fd)
{
    char b[4096];
    ssize_t (*grecv)(int, void *, size_t, int) = G(recv);
    ssize_t (*gread)(int, void *, size_t) = G(read);
    struct stat st;
    int sock = fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);
    for (int i = 0; i < 16; i++) {
        ssize_t n = sock ? grecv(fd, b, sizeof b, MSG_DONTWAIT) : gread(fd, b, sizeof b);
        rec_l(n);
        if (n <= 0)
            break;
        rec(b, (size_t)n);
    }
}
/* Close a tracked descriptor now (and forget it). */
static __attribute__((unused)) void gclose_now(int fd)
{
    for (int i = 0; i < ntrk; i++)
        if (trk_fd[i] == fd)
            trk_fd[i] = trk_fd[--ntrk];
    G(close)(fd);
}

/* Wait (a few ms at most) until fd is readable: loopback delivery. */
static __attribute__((unused)) void wait_in(int fd)
{
    struct pollfd p = {fd, POLLIN, 0};
    G(poll)(&p, 1, 20);
}

#endif
