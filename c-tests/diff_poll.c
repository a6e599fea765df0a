#include "diff.h"

/* ============ diff_poll.c: select, pselect, poll, ppoll, epoll ============ */

static volatile sig_atomic_t got_usr1;
static void on_usr1(int sig) { (void)sig; got_usr1++; }

/* Make SIGUSR1 pending (blocked, raised) so that a call whose mask
 * unblocks it fails with EINTR after running the handler. */
static void pend_usr1(void)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    sigprocmask(SIG_BLOCK, &s, NULL);
    got_usr1 = 0;
    raise(SIGUSR1);
}

static void unblock_usr1(void)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    sigprocmask(SIG_UNBLOCK, &s, NULL);
}

/* A set of descriptors of many kinds, in a fixed order:
 * pipe read end with data, pipe write end, pipe read end whose writer is
 * gone, regular file, eventfd (0), eventfd (1), TCP unconnected, TCP
 * listener, unix pair with data, unix pair empty, UDP unbound, /dev/null. */
#define NKINDS 12
static int kinds[NKINDS];

static void mkkinds(void)
{
    int p[2], sv[2];
    pipe(p);
    trk(p[0]);
    trk(p[1]);
    G(write)(p[1], "x", 1);
    kinds[0] = p[0];
    kinds[1] = p[1];
    pipe(p);
    trk(p[0]);
    G(close)(p[1]);
    kinds[2] = p[0];
    kinds[3] = tmpfile_with("data", O_RDWR);
    kinds[4] = trk(eventfd(0, 0));
    kinds[5] = trk(eventfd(1, 0));
    kinds[6] = gsock(AF_INET, SOCK_STREAM, 0);
    kinds[7] = tcp_listener(0);
    gpair(SOCK_STREAM, sv);
    G(send)(sv[1], "y", 1, 0);
    kinds[8] = sv[0];
    gpair(SOCK_STREAM, sv);
    kinds[9] = sv[0];
    kinds[10] = gsock(AF_INET, SOCK_DGRAM, 0);
    kinds[11] = trk(open("/dev/null", O_RDWR));
}

/* A pipe read end with one byte ready (for "returns at once"). */
static int ready_fd(void)
{
    int p[2];
    pipe(p);
    trk(p[0]);
    trk(p[1]);
    G(write)(p[1], "r", 1);
    return p[0];
}

/* Record a remaining-time timeval: seconds and microseconds, compared with a
 * tolerance, but huge values (saturated) compared on seconds alone. */
static void rec_tv(const struct timeval *tv)
{
    if (tv->tv_sec > 1000000000L) {
        rec_l(tv->tv_sec > LONG_MAX - 3600 ? 1 : 0);
        rec_tol(0);
    } else {
        rec_tol((long long)tv->tv_sec * 1000000 + tv->tv_usec);
    }
    rec_l(tv->tv_usec >= 0 && tv->tv_usec < 1000000);
}

/* ---------------- poll / ppoll ---------------- */

static void poll_cases(void)
{
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    nfds_t lim = rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > (1u << 20) ? (1u << 20) : (nfds_t)rl.rlim_cur;
    struct pollfd *many = calloc(lim + 1, sizeof *many);

    CASE { CALL(poll, NULL, 0, 0); }
    DONE("poll: nfds 0, timeout 0");
    CASE { CALL(poll, NULL, 0, 1); }
    DONE("poll: nfds 0, timeout 1 ms");
    CASE { CALL(poll, NULLP, 1, 0); }
    DONE("poll: fds NULL, nfds 1");
    CASE { CALL(poll, BADP, 1, 0); }
    DONE("poll: fds PROT_NONE");
    CASE {
        int fd = ready_fd();
        struct pollfd *p = (struct pollfd *)(EDGEP + 4096 - 2 * sizeof *p);
        p[0] = (struct pollfd){fd, POLLIN, 0};
        p[1] = (struct pollfd){fd, POLLIN, 0};
        CALL(poll, p, 3, 0);
        rec(p, 2 * sizeof *p);
    }
    DONE("poll: array running into a PROT_NONE page");
    for (int t = 0; t < 3; t++) {
        nfds_t n = t == 0 ? lim : t == 1 ? lim + 1 : (nfds_t)-1;
        CASE {
            for (nfds_t i = 0; i <= lim; i++)
                many[i] = (struct pollfd){-1, POLLIN, 0x5a5a};
            CALL(poll, many, n, 0);
            rec(many, 4 * sizeof *many);
            rec(many + lim - 2, 3 * sizeof *many);
        }
        DONE("poll: nfds %s RLIMIT_NOFILE (%lu), all fd -1", t == 0 ? "=" : t == 1 ? "= 1 +" : "= ULONG_MAX >", (unsigned long)lim);
    }
    {
        static const struct { const char *what; short ev; } ev[] = {
            {"POLLIN|POLLOUT|POLLPRI|POLLRDHUP", POLLIN | POLLOUT | POLLPRI | POLLRDHUP},
            {"events 0", 0}, {"events 0xffff", (short)0xffff}, {"POLLOUT", POLLOUT}, {"POLLIN", POLLIN},
        };
        for (unsigned e = 0; e < sizeof ev / sizeof ev[0]; e++) {
            CASE {
                struct pollfd p[NKINDS + 4];
                mkkinds();
                int c = G(dup)(0); /* a just-closed fd */
                G(close)(c);
                for (int i = 0; i < NKINDS; i++)
                    p[i] = (struct pollfd){kinds[i], ev[e].ev, 0x5a5a};
                p[NKINDS] = (struct pollfd){-1, ev[e].ev, 0x5a5a};
                p[NKINDS + 1] = (struct pollfd){-12345, ev[e].ev, 0x5a5a};
                p[NKINDS + 2] = (struct pollfd){c, ev[e].ev, 0x5a5a};
                p[NKINDS + 3] = (struct pollfd){9999, ev[e].ev, 0x5a5a};
                CALL(poll, p, NKINDS + 4, 0);
                rec(p, sizeof p);
            }
            DONE("poll: every kind of fd plus -1, -12345, closed, 9999; %s", ev[e].what);
        }
    }
    CASE { int fd = ready_fd(); struct pollfd p = {fd, POLLIN, 0}; CALL(poll, &p, 1, -1); rec(&p, sizeof p); }
    DONE("poll: timeout -1 with a ready fd");
    CASE { int fd = ready_fd(); struct pollfd p = {fd, POLLIN, 0}; CALL(poll, &p, 1, INT_MIN); rec(&p, sizeof p); }
    DONE("poll: timeout INT_MIN with a ready fd");
    CASE { int p2[2]; pipe(p2); trk(p2[0]); trk(p2[1]); struct pollfd p = {p2[0], POLLIN, 0x5a5a}; CALL(poll, &p, 1, 2); rec(&p, sizeof p); }
    DONE("poll: nothing ready, timeout 2 ms");
    CASE { struct pollfd p[2] = {{-1, POLLIN, 0x5a5a}, {-1, 0, 0x5a5a}}; CALL(poll, p, 2, 0); rec(p, sizeof p); }
    DONE("poll: only negative fds (revents cleared)");
    CASE { int fd = ready_fd(); struct pollfd p[3] = {{fd, POLLIN, 0}, {fd, POLLOUT, 0}, {fd, POLLIN, 0}}; CALL(poll, p, 3, 0); rec(p, sizeof p); }
    DONE("poll: the same fd three times");
    CASE {
        int fd = ready_fd();
        struct pollfd p = {fd, POLLOUT, 0x5a5a};
        pend_usr1();
        CALL(poll, &p, 1, 0);
        rec(&p, sizeof p);
        unblock_usr1();
        rec_l(got_usr1);
    }
    DONE("poll: signal pending but blocked, fd not ready");

    /* ppoll */
    {
        static const struct { const char *what; long s, ns; int ready; } tc[] = {
            {"{0, 0}, nothing ready", 0, 0, 0}, {"{0, 2 ms}, nothing ready (timeout not written back)", 0, 2000000, 0},
            {"{5, 0}, ready (timeout not written back)", 5, 0, 1}, {"{0, 1000000000}", 0, 1000000000, 1},
            {"{-1, 0}", -1, 0, 1}, {"{0, -1}", 0, -1, 1}, {"{LONG_MAX, 999999999}, ready", LONG_MAX, 999999999, 1},
        };
        for (unsigned i = 0; i < sizeof tc / sizeof tc[0]; i++) {
            CASE {
                int p2[2];
                pipe(p2);
                trk(p2[0]);
                trk(p2[1]);
                if (tc[i].ready)
                    G(write)(p2[1], "r", 1);
                struct pollfd p = {p2[0], POLLIN, 0x5a5a};
                struct timespec ts = {tc[i].s, tc[i].ns};
                CALL(ppoll, &p, 1, &ts, NULL);
                rec(&p, sizeof p);
                rec(&ts, sizeof ts);
            }
            DONE("ppoll: timeout %s", tc[i].what);
        }
    }
    CASE { int fd = ready_fd(); struct pollfd p = {fd, POLLIN, 0}; CALL(ppoll, &p, 1, NULL, NULL); rec(&p, sizeof p); }
    DONE("ppoll: timeout NULL with a ready fd");
    CASE { CALL(ppoll, NULLP, 1, &(struct timespec){0, 0}, NULL); }
    DONE("ppoll: fds NULL, nfds 1");
    CASE { CALL(ppoll, BADP, 1, &(struct timespec){0, 0}, NULL); }
    DONE("ppoll: fds PROT_NONE");
    CASE { for (nfds_t i = 0; i <= lim; i++) many[i] = (struct pollfd){-1, POLLIN, 0x5a5a}; CALL(ppoll, many, lim + 1, &(struct timespec){0, 0}, NULL); rec(many, 2 * sizeof *many); }
    DONE("ppoll: nfds = RLIMIT_NOFILE + 1");
    CASE { int fd = ready_fd(); struct pollfd p = {fd, POLLIN, 0}; sigset_t m; sigfillset(&m); CALL(ppoll, &p, 1, &(struct timespec){0, 0}, &m); rec(&p, sizeof p); }
    DONE("ppoll: full signal mask, ready fd");
    CASE { int fd = ready_fd(); struct pollfd p = {fd, POLLIN, 0}; CALL(ppoll, &p, 1, &(struct timespec){0, 0}, BADP); rec(&p, sizeof p); }
    DONE("ppoll: signal mask PROT_NONE");
    CASE {
        int p2[2];
        pipe(p2);
        trk(p2[0]);
        trk(p2[1]);
        struct pollfd p = {p2[0], POLLIN, 0x5a5a};
        sigset_t m;
        sigemptyset(&m);
        struct timespec ts = {1, 0};
        pend_usr1();
        CALL(ppoll, &p, 1, &ts, &m);
        rec_l(got_usr1);
        rec(&p, sizeof p);
        rec(&ts, sizeof ts);
        unblock_usr1();
    }
    DONE("ppoll: mask unblocks a pending SIGUSR1 (EINTR, handler ran)");
    CASE {
        int fd = ready_fd();
        struct pollfd p = {fd, POLLIN, 0x5a5a};
        sigset_t m, after;
        sigemptyset(&m);
        sigaddset(&m, SIGUSR2);
        CALL(ppoll, &p, 1, &(struct timespec){0, 0}, &m);
        sigprocmask(SIG_BLOCK, NULL, &after);
        rec_l(sigismember(&after, SIGUSR2));
    }
    DONE("ppoll: the temporary mask is not left installed");
    free(many);
}

/* ---------------- select / pselect ---------------- */

static void select_cases(void)
{
    static fd_set big[3][4]; /* room beyond FD_SETSIZE for nfds > 1024 */

    {
        static const int ns[] = {-1, INT_MIN};
        for (int i = 0; i < 2; i++) {
            CASE { struct timeval tv = {0, 0}; CALL(select, ns[i], NULL, NULL, NULL, &tv); rec(&tv, sizeof tv); }
            DONE("select: nfds %d", ns[i]);
            CASE { CALL(pselect, ns[i], NULL, NULL, NULL, &(struct timespec){0, 0}, NULL); }
            DONE("pselect: nfds %d", ns[i]);
        }
    }
    {
        static const int ns[] = {0, 1, FD_SETSIZE, FD_SETSIZE + 1, 4 * FD_SETSIZE, INT_MAX};
        for (unsigned i = 0; i < sizeof ns / sizeof ns[0]; i++) {
            CASE {
                int fd = ready_fd();
                struct timeval tv = {0, 0};
                memset(big, 0, sizeof big);
                FD_SET(fd, &big[0][0]);
                FD_SET(fd, &big[1][0]);
                CALL(select, ns[i], big[0], big[1], big[2], &tv);
                rec(big, sizeof big);
                rec(&tv, sizeof tv);
            }
            DONE("select: nfds %d, a ready pipe in read and write sets", ns[i]);
        }
    }
    {
        static const struct { const char *what; long s, us; int ready; } tc[] = {
            {"{0, 0}", 0, 0, 0}, {"{-1, 0}", -1, 0, 1}, {"{0, -1}", 0, -1, 1}, {"{LONG_MIN, 0}", LONG_MIN, 0, 1},
            {"{0, 1500000} ready (normalised, remaining written back)", 0, 1500000, 1},
            {"{1, 2500000} ready", 1, 2500000, 1}, {"{0, 999999} ready", 0, 999999, 1},
            {"{0, 0x7fffffff} ready", 0, 0x7fffffff, 1},
            {"{0, 0x80000000} (negative as int32)", 0, 0x80000000L, 1},
            {"{0, 0x100000005} (5 as int32)", 0, 0x100000005L, 1},
            {"{0, -0x100000000 + 7} (7 as int32)", 0, -0x100000000L + 7, 1},
            {"{LONG_MAX, 1000000} ready (saturates)", LONG_MAX, 1000000, 1},
            {"{LONG_MAX, 0} ready", LONG_MAX, 0, 1},
            {"{LONG_MAX - 1, 1000000} ready (just no saturation)", LONG_MAX - 1, 1000000, 1},
            {"{LONG_MAX - 1, 2000000} ready (saturates)", LONG_MAX - 1, 2000000, 1},
            {"{0, 2000} nothing ready (zero written back)", 0, 2000, 0},
            {"{0, 1002000} ready", 0, 1002000, 1},
        };
        for (unsigned i = 0; i < sizeof tc / sizeof tc[0]; i++) {
            CASE {
                int p2[2];
                pipe(p2);
                trk(p2[0]);
                trk(p2[1]);
                if (tc[i].ready)
                    G(write)(p2[1], "r", 1);
                fd_set r;
                FD_ZERO(&r);
                FD_SET(p2[0], &r);
                struct timeval tv = {tc[i].s, tc[i].us};
                CALL(select, p2[0] + 1, &r, NULL, NULL, &tv);
                rec(&r, sizeof r);
                if (R[cur].ret < 0)
                    rec(&tv, sizeof tv); /* unchanged: compared exactly */
                else
                    rec_tv(&tv);
            }
            DONE("select: timeout %s", tc[i].what);
        }
    }
    CASE { int fd = ready_fd(); fd_set r; FD_ZERO(&r); FD_SET(fd, &r); CALL(select, fd + 1, &r, NULL, NULL, NULL); rec(&r, sizeof r); }
    DONE("select: timeout NULL with a ready fd");
    CASE {
        int fd = ready_fd();
        int c = G(dup)(0); /* a just-closed fd */
        G(close)(c);
        fd_set r;
        FD_ZERO(&r);
        FD_SET(fd, &r);
        FD_SET(c, &r);
        struct timeval tv = {5, 0};
        CALL(select, FD_SETSIZE, &r, NULL, NULL, &tv);
        rec(&r, sizeof r);
        rec_tv(&tv);
    }
    DONE("select: EBADF with timeout {5, 0} (time left still written back)");
    CASE { struct timeval tv = {5, 0}; CALL(select, 1, BADP, NULL, NULL, &tv); rec_tv(&tv); }
    DONE("select: EFAULT with timeout {5, 0} (time left still written back)");
    CASE { struct timeval tv = {7, 0}; CALL(select, -1, NULL, NULL, NULL, &tv); rec_tv(&tv); }
    DONE("select: nfds -1 with timeout {7, 0} (time left still written back)");
    CASE {
        fd_set s[3];
        struct timeval tv = {0, 0};
        mkkinds();
        for (int j = 0; j < 3; j++) {
            FD_ZERO(&s[j]);
            for (int i = 0; i < NKINDS; i++)
                FD_SET(kinds[i], &s[j]);
        }
        CALL(select, FD_SETSIZE, &s[0], &s[1], &s[2], &tv);
        rec(s, sizeof s);
        rec(&tv, sizeof tv);
    }
    DONE("select: every kind of fd in all three sets");
    CASE {
        fd_set s[3];
        struct timeval tv = {0, 0};
        int fd = ready_fd();
        int c = G(dup)(0); /* a just-closed fd */
        G(close)(c);
        for (int j = 0; j < 3; j++) {
            FD_ZERO(&s[j]);
            FD_SET(fd, &s[j]);
        }
        FD_SET(c, &s[0]);
        CALL(select, FD_SETSIZE, &s[0], &s[1], &s[2], &tv);
        rec(s, sizeof s);
        rec(&tv, sizeof tv);
    }
    DONE("select: a closed fd in the read set (EBADF, sets untouched)");
    CASE {
        fd_set s[3];
        struct timeval tv = {0, 0};
        int fd = ready_fd();
        for (int j = 0; j < 3; j++) {
            memset(&s[j], 0xff, sizeof s[j]);
            FD_CLR(0, &s[j]);
            FD_CLR(1, &s[j]);
            FD_CLR(2, &s[j]);
        }
        CALL(select, fd + 1, &s[0], &s[1], &s[2], &tv);
        rec(s, sizeof s);
    }
    DONE("select: nfds just above a ready fd, every higher bit set (cleared up to the word)");
    CASE { int fd = ready_fd(); struct timeval tv = {0, 0}; CALL(select, fd + 1, BADP, NULL, NULL, &tv); rec(&tv, sizeof tv); }
    DONE("select: read set PROT_NONE");
    CASE {
        int fd = ready_fd();
        struct timeval tv = {0, 0};
        fd_set *r = (fd_set *)(EDGEP + 4096 - 8);
        memset(r, 0, 8);
        FD_SET(fd, r);
        CALL(select, 65, r, NULL, NULL, &tv);
        rec(r, 8);
    }
    DONE("select: read set whose second word is PROT_NONE, nfds 65");
    CASE {
        int fd = ready_fd();
        struct timeval tv = {0, 0};
        fd_set *r = (fd_set *)(EDGEP + 4096 - 8);
        memset(r, 0, 8);
        FD_SET(fd, r);
        CALL(select, 64, r, NULL, NULL, &tv);
        rec(r, 8);
    }
    DONE("select: read set ending at a PROT_NONE page, nfds 64");
    CASE {
        int p2[2];
        pipe(p2);
        trk(p2[0]);
        trk(p2[1]);
        fd_set r;
        FD_ZERO(&r);
        FD_SET(p2[0], &r);
        struct timeval tv = {0, 1000};
        CALL(select, p2[0] + 1, &r, NULL, NULL, &tv);
        rec(&r, sizeof r);
        rec_tv(&tv);
    }
    DONE("select: {0, 1000}, nothing ready");

    /* pselect */
    {
        static const struct { const char *what; long s, ns; int ready; } tc[] = {
            {"{0, 0}", 0, 0, 0}, {"{-1, 0}", -1, 0, 1}, {"{0, -1}", 0, -1, 1}, {"{0, 1000000000}", 0, 1000000000, 1},
            {"{5, 0} ready (not written back)", 5, 0, 1}, {"{0, 2 ms} nothing ready (not written back)", 0, 2000000, 0},
            {"{LONG_MAX, 999999999} ready", LONG_MAX, 999999999, 1},
        };
        for (unsigned i = 0; i < sizeof tc / sizeof tc[0]; i++) {
            for (int m = 0; m < 2; m++) {
                CASE {
                    int p2[2];
                    sigset_t mask;
                    sigemptyset(&mask);
                    sigaddset(&mask, SIGUSR2);
                    pipe(p2);
                    trk(p2[0]);
                    trk(p2[1]);
                    if (tc[i].ready)
                        G(write)(p2[1], "r", 1);
                    fd_set r;
                    FD_ZERO(&r);
                    FD_SET(p2[0], &r);
                    struct timespec ts = {tc[i].s, tc[i].ns};
                    CALL(pselect, p2[0] + 1, &r, NULL, NULL, &ts, m ? &mask : NULL);
                    rec(&r, sizeof r);
                    rec(&ts, sizeof ts);
                }
                DONE("pselect: timeout %s, %s", tc[i].what, m ? "mask {SIGUSR2}" : "mask NULL");
            }
        }
    }
    CASE { int fd = ready_fd(); fd_set r; FD_ZERO(&r); FD_SET(fd, &r); CALL(pselect, fd + 1, &r, NULL, NULL, NULL, NULL); rec(&r, sizeof r); }
    DONE("pselect: timeout NULL with a ready fd");
    CASE { int fd = ready_fd(); fd_set r; FD_ZERO(&r); FD_SET(fd, &r); CALL(pselect, fd + 1, &r, NULL, NULL, &(struct timespec){0, 0}, BADP); rec(&r, sizeof r); }
    DONE("pselect: signal mask PROT_NONE");
    CASE { int fd = ready_fd(); CALL(pselect, fd + 1, BADP, NULL, NULL, &(struct timespec){0, 0}, NULL); }
    DONE("pselect: read set PROT_NONE");
    CASE {
        int p2[2];
        pipe(p2);
        trk(p2[0]);
        trk(p2[1]);
        fd_set r;
        FD_ZERO(&r);
        FD_SET(p2[0], &r);
        sigset_t m;
        sigemptyset(&m);
        struct timespec ts = {1, 0};
        pend_usr1();
        CALL(pselect, p2[0] + 1, &r, NULL, NULL, &ts, &m);
        rec_l(got_usr1);
        rec(&r, sizeof r);
        rec(&ts, sizeof ts);
        unblock_usr1();
    }
    DONE("pselect: mask unblocks a pending SIGUSR1 (EINTR, handler ran)");
    CASE {
        int p2[2];
        pipe(p2);
        trk(p2[0]);
        trk(p2[1]);
        G(write)(p2[1], "r", 1);
        fd_set r;
        FD_ZERO(&r);
        FD_SET(p2[0], &r);
        sigset_t m;
        sigfillset(&m);
        pend_usr1();
        CALL(pselect, p2[0] + 1, &r, NULL, NULL, &(struct timespec){0, 0}, &m);
        rec_l(got_usr1);
        rec(&r, sizeof r);
        unblock_usr1();
        rec_l(got_usr1);
    }
    DONE("pselect: mask keeps SIGUSR1 blocked, fd ready");
    CASE {
        fd_set s[3];
        mkkinds();
        for (int j = 0; j < 3; j++) {
            FD_ZERO(&s[j]);
            for (int i = 0; i < NKINDS; i++)
                FD_SET(kinds[i], &s[j]);
        }
        CALL(pselect, FD_SETSIZE, &s[0], &s[1], &s[2], &(struct timespec){0, 0}, NULL);
        rec(s, sizeof s);
    }
    DONE("pselect: every kind of fd in all three sets");
}

/* ---------------- epoll ---------------- */

static void epoll_cases(void)
{
    {
        static const int sz[] = {0, -1, INT_MIN, 1, INT_MAX};
        for (unsigned i = 0; i < 5; i++) {
            CASE { CALLFD(epoll_create, sz[i]); }
            DONE("epoll_create: size %d", sz[i]);
        }
        static const int fl[] = {0, EPOLL_CLOEXEC, 1, -1, O_NONBLOCK, EPOLL_CLOEXEC | 1, INT_MIN};
        for (unsigned i = 0; i < sizeof fl / sizeof fl[0]; i++) {
            CASE { CALLFD(epoll_create1, fl[i]); }
            DONE("epoll_create1: flags %#x", (unsigned)fl[i]);
        }
    }

    /* epoll_ctl: bad input */
    {
        struct { const char *what; int op, target, ev, epkind; } tc[] = {
            {"op 0", 0, 0, 1, 0}, {"op 4", 4, 0, 1, 0}, {"op -1", -1, 0, 1, 0},
            {"ADD on itself", EPOLL_CTL_ADD, 1, 1, 0},
            {"ADD a regular file (EPERM)", EPOLL_CTL_ADD, 2, 1, 0},
            {"ADD a directory", EPOLL_CTL_ADD, 7, 1, 0},
            {"ADD fd -1", EPOLL_CTL_ADD, 3, 1, 0}, {"ADD a just-closed fd", EPOLL_CTL_ADD, 4, 1, 0},
            {"ADD event NULL", EPOLL_CTL_ADD, 0, 0, 0}, {"ADD event PROT_NONE", EPOLL_CTL_ADD, 0, 2, 0},
            {"DEL not registered", EPOLL_CTL_DEL, 0, 1, 0}, {"MOD not registered", EPOLL_CTL_MOD, 0, 1, 0},
            {"epfd -1", EPOLL_CTL_ADD, 0, 1, 1}, {"epfd is a pipe", EPOLL_CTL_ADD, 0, 1, 2},
            {"epfd is a socket", EPOLL_CTL_ADD, 0, 1, 3},
            {"ADD /dev/null (EPERM)", EPOLL_CTL_ADD, 5, 1, 0},
            {"ADD EPOLLEXCLUSIVE|EPOLLONESHOT", EPOLL_CTL_ADD, 0, 3, 0},
            {"ADD EPOLLEXCLUSIVE on another epoll fd", EPOLL_CTL_ADD, 6, 4, 0},
            {"ADD all event bits", EPOLL_CTL_ADD, 0, 5, 0},
            {"ADD EPOLLWAKEUP (dropped without CAP_BLOCK_SUSPEND, or kept)", EPOLL_CTL_ADD, 0, 6, 0},
        };
        for (unsigned i = 0; i < sizeof tc / sizeof tc[0]; i++) {
            CASE {
                int ep = trk(G(epoll_create1)(0)), p[2], epfd = ep, fd = -1;
                pipe(p);
                trk(p[0]);
                trk(p[1]);
                switch (tc[i].target) {
                case 0: fd = p[0]; break;
                case 1: fd = ep; break;
                case 2: fd = tmpfile_with("x", O_RDWR); break;
                case 3: fd = -1; break;
                case 4: fd = G(dup)(0); G(close)(fd); break;
                case 5: fd = trk(open("/dev/null", O_RDONLY)); break;
                case 6: fd = trk(G(epoll_create1)(0)); break;
                case 7: fd = trk(open("/", O_RDONLY | O_DIRECTORY)); break;
                }
                switch (tc[i].epkind) {
                case 1: epfd = -1; break;
                case 2: epfd = p[1]; break;
                case 3: epfd = gsock(AF_UNIX, SOCK_STREAM, 0); break;
                }
                struct epoll_event ev = {EPOLLIN, {.u64 = 0x1122334455667788ULL}};
                if (tc[i].ev == 3)
                    ev.events = EPOLLIN | EPOLLEXCLUSIVE | EPOLLONESHOT;
                if (tc[i].ev == 4)
                    ev.events = EPOLLIN | EPOLLEXCLUSIVE;
                if (tc[i].ev == 5)
                    ev.events = 0xffffffff & ~(EPOLLEXCLUSIVE | EPOLLWAKEUP);
                if (tc[i].ev == 6)
                    ev.events = EPOLLIN | EPOLLWAKEUP;
                CALL(epoll_ctl, epfd, tc[i].op, fd, tc[i].ev == 0 ? NULLP : tc[i].ev == 2 ? BADP : &ev);
                rec(&ev, sizeof ev);
                struct epoll_event out[4];
                memset(out, 0xAA, sizeof out);
                G(write)(p[1], "w", 1);
                int n = G(epoll_wait)(ep, out, 4, 0);
                rec_l(n);
                rec(out, sizeof out);
            }
            DONE("epoll_ctl: %s", tc[i].what);
        }
    }
    CASE {
        int ep = trk(G(epoll_create1)(0)), p[2];
        pipe(p);
        trk(p[0]);
        trk(p[1]);
        struct epoll_event ev = {EPOLLIN, {.u64 = 7}};
        CALL(epoll_ctl, ep, EPOLL_CTL_ADD, p[0], &ev);
        CALL(epoll_ctl, ep, EPOLL_CTL_ADD, p[0], &ev);
    }
    DONE("epoll_ctl: ADD the same fd twice (EEXIST)");
    CASE {
        int ep = trk(G(epoll_create1)(0)), p[2];
        pipe(p);
        trk(p[0]);
        trk(p[1]);
        struct epoll_event ev = {EPOLLIN, {.u64 = 7}};
        G(epoll_ctl)(ep, EPOLL_CTL_ADD, p[0], &ev);
        CALL(epoll_ctl, ep, EPOLL_CTL_DEL, p[0], NULLP);
        CALL(epoll_ctl, ep, EPOLL_CTL_DEL, p[0], NULLP);
    }
    DONE("epoll_ctl: DEL with event NULL, then DEL again (ENOENT)");
    CASE {
        int ep = trk(G(epoll_create1)(0)), p[2];
        pipe(p);
        trk(p[0]);
        trk(p[1]);
        struct epoll_event ev = {EPOLLIN, {.u64 = 7}};
        G(epoll_ctl)(ep, EPOLL_CTL_ADD, p[0], &ev);
        ev.events = EPOLLIN | EPOLLEXCLUSIVE;
        CALL(epoll_ctl, ep, EPOLL_CTL_MOD, p[0], &ev);
        ev.events = EPOLLOUT;
        ev.data.u64 = 99;
        CALL(epoll_ctl, ep, EPOLL_CTL_MOD, p[0], &ev);
        CALL(epoll_ctl, ep, EPOLL_CTL_MOD, p[0], NULLP);
    }
    DONE("epoll_ctl: MOD with EPOLLEXCLUSIVE (EINVAL), MOD ok, MOD event NULL");
    CASE {
        int a = trk(G(epoll_create1)(0)), b = trk(G(epoll_create1)(0));
        struct epoll_event ev = {EPOLLIN, {.u64 = 1}};
        CALL(epoll_ctl, a, EPOLL_CTL_ADD, b, &ev);
        CALL(epoll_ctl, b, EPOLL_CTL_ADD, a, &ev);
    }
    DONE("epoll_ctl: a contains b, then b contains a (ELOOP)");

    /* epoll_wait / epoll_pwait */
    {
        static const struct { const char *what; int max, mode; } tc[] = {
            {"maxevents 0", 0, 0}, {"maxevents -1", -1, 0}, {"maxevents INT_MIN", INT_MIN, 0},
            {"maxevents INT_MAX", INT_MAX, 0}, {"maxevents 1 (3 ready)", 1, 0}, {"maxevents 3", 3, 0},
            {"maxevents 8 (3 ready)", 8, 0}, {"events NULL", 4, 1}, {"events PROT_NONE", 4, 2},
            {"events ending at a PROT_NONE page", 4, 3}, {"epfd -1", 4, 4}, {"epfd a pipe", 4, 5},
            {"epfd a just-closed fd", 4, 6}, {"nothing ready", 4, 7}, {"events run into PROT_NONE, 1 ready", 4, 8},
        };
        for (unsigned i = 0; i < sizeof tc / sizeof tc[0]; i++)
            for (int pw = 0; pw < 2; pw++) {
                CASE {
                    int ep = trk(G(epoll_create1)(0)), p[2], q[2], sv[2];
                    pipe(p);
                    trk(p[0]);
                    trk(p[1]);
                    pipe(q);
                    trk(q[0]);
                    trk(q[1]);
                    gpair(SOCK_STREAM, sv);
                    struct epoll_event ev;
                    ev = (struct epoll_event){EPOLLIN, {.u64 = 0x1111111111111111ULL}};
                    G(epoll_ctl)(ep, EPOLL_CTL_ADD, p[0], &ev);
                    ev = (struct epoll_event){EPOLLOUT, {.u64 = 0x2222222222222222ULL}};
                    G(epoll_ctl)(ep, EPOLL_CTL_ADD, tc[i].mode == 7 || tc[i].mode == 8 ? q[0] : q[1], &ev);
                    ev = (struct epoll_event){EPOLLIN | EPOLLOUT | EPOLLRDHUP, {.u64 = 0x3333333333333333ULL}};
                    G(epoll_ctl)(ep, EPOLL_CTL_ADD, sv[0], &ev);
                    if (tc[i].mode != 7) {
                        if (tc[i].mode != 8)
                            G(write)(p[1], "w", 1);
                        else
                            G(write)(q[1], "w", 1);
                    }
                    if (tc[i].mode == 7)
                        G(epoll_ctl)(ep, EPOLL_CTL_DEL, sv[0], NULL);
                    if (tc[i].mode == 8)
                        G(epoll_ctl)(ep, EPOLL_CTL_DEL, sv[0], NULL), G(epoll_ctl)(ep, EPOLL_CTL_DEL, p[0], NULL);
                    struct epoll_event out[8];
                    memset(out, 0xAA, sizeof out);
                    struct epoll_event *op = out;
                    int epfd = ep;
                    if (tc[i].mode == 1)
                        op = NULLP;
                    if (tc[i].mode == 2)
                        op = BADP;
                    if (tc[i].mode == 3 || tc[i].mode == 8) {
                        op = (struct epoll_event *)(EDGEP + 4096 - sizeof *op);
                        memset(op, 0xAA, sizeof *op);
                    }
                    if (tc[i].mode == 4)
                        epfd = -1;
                    if (tc[i].mode == 5)
                        epfd = p[1];
                    if (tc[i].mode == 6) {
                        epfd = G(dup)(0);
                        G(close)(epfd);
                    }
                    if (pw)
                        CALL(epoll_pwait, epfd, op, tc[i].max, 0, NULL);
                    else
                        CALL(epoll_wait, epfd, op, tc[i].max, 0);
                    rec(out, sizeof out);
                    if (tc[i].mode == 3 || tc[i].mode == 8)
                        rec(op, sizeof *op);
                    /* what stays ready */
                    memset(out, 0xAA, sizeof out);
                    rec_l(G(epoll_wait)(ep, out, 8, 0));
                    rec(out, sizeof out);
                }
                DONE("%s: %s", pw ? "epoll_pwait" : "epoll_wait", tc[i].what);
            }
    }
    CASE { int ep = trk(G(epoll_create1)(0)); struct epoll_event out[2]; CALL(epoll_wait, ep, out, 2, 2); }
    DONE("epoll_wait: empty set, timeout 2 ms");
    CASE { int ep = trk(G(epoll_create1)(0)); struct epoll_event out[2]; CALL(epoll_wait, ep, out, 2, 0); }
    DONE("epoll_wait: empty set, timeout 0");
    CASE {
        int ep = trk(G(epoll_create1)(0)), fd = ready_fd();
        struct epoll_event ev = {EPOLLIN | EPOLLONESHOT, {.fd = fd}}, out[2];
        G(epoll_ctl)(ep, EPOLL_CTL_ADD, fd, &ev);
        memset(out, 0xAA, sizeof out);
        CALL(epoll_wait, ep, out, 2, -1);
        CALL(epoll_wait, ep, out + 1, 1, 0);
        rec(out, sizeof out);
    }
    DONE("epoll_wait: EPOLLONESHOT reported once (timeout -1, ready)");
    CASE {
        int ep = trk(G(epoll_create1)(0)), fd = ready_fd();
        struct epoll_event ev = {EPOLLIN | EPOLLET, {.u32 = 5}}, out[2];
        G(epoll_ctl)(ep, EPOLL_CTL_ADD, fd, &ev);
        memset(out, 0xAA, sizeof out);
        CALL(epoll_wait, ep, out, 2, 0);
        CALL(epoll_wait, ep, out + 1, 1, 0);
        rec(out, sizeof out);
    }
    DONE("epoll_wait: EPOLLET reported once");
    CASE {
        int ep = trk(G(epoll_create1)(0)), fd = ready_fd();
        struct epoll_event ev = {EPOLLIN, {.u32 = 5}}, out[2];
        G(epoll_ctl)(ep, EPOLL_CTL_ADD, fd, &ev);
        G(close)(fd); /* the pipe's write end keeps the file open: still reported */
        memset(out, 0xAA, sizeof out);
        CALL(epoll_wait, ep, out, 2, 0);
        rec(out, sizeof out);
        for (int i = 0; i < ntrk; i++)
            if (trk_fd[i] == fd)
                trk_fd[i] = -1;
    }
    DONE("epoll_wait: registered fd closed (the file is gone, nothing reported)");
    CASE {
        int ep = trk(G(epoll_create1)(0)), p[2];
        pipe(p);
        trk(p[0]);
        trk(p[1]);
        struct epoll_event ev = {EPOLLIN, {.u32 = 5}}, out[2];
        G(epoll_ctl)(ep, EPOLL_CTL_ADD, p[0], &ev);
        sigset_t m;
        sigemptyset(&m);
        pend_usr1();
        CALL(epoll_pwait, ep, out, 2, 1000, &m);
        rec_l(got_usr1);
        unblock_usr1();
    }
    DONE("epoll_pwait: mask unblocks a pending SIGUSR1 (EINTR, handler ran)");
    CASE {
        int ep = trk(G(epoll_create1)(0)), fd = ready_fd();
        struct epoll_event ev = {EPOLLIN, {.u32 = 5}}, out[2];
        G(epoll_ctl)(ep, EPOLL_CTL_ADD, fd, &ev);
        sigset_t m;
        sigfillset(&m);
        pend_usr1();
        memset(out, 0xAA, sizeof out);
        CALL(epoll_pwait, ep, out, 2, 0, &m);
        rec(out, sizeof out);
        rec_l(got_usr1);
        unblock_usr1();
        rec_l(got_usr1);
    }
    DONE("epoll_pwait: full mask keeps SIGUSR1 pending, fd ready");
    CASE { int ep = trk(G(epoll_create1)(0)), fd = ready_fd(); struct epoll_event ev = {EPOLLIN, {.u32 = 5}}, out[2]; G(epoll_ctl)(ep, EPOLL_CTL_ADD, fd, &ev); CALL(epoll_pwait, ep, out, 2, 0, BADP); }
    DONE("epoll_pwait: signal mask PROT_NONE");
    CASE {
        int ep = trk(G(epoll_create1)(0));
        mkkinds();
        for (int i = 0; i < NKINDS; i++) {
            struct epoll_event ev = {EPOLLIN | EPOLLOUT | EPOLLPRI | EPOLLRDHUP, {.u64 = (uint64_t)i}};
            rec_l(G(epoll_ctl)(ep, EPOLL_CTL_ADD, kinds[i], &ev));
        }
        struct epoll_event out[NKINDS];
        memset(out, 0xAA, sizeof out);
        int n = CALL(epoll_wait, ep, out, NKINDS, 0);
        /* order of the ready list is the kernel's; record as a set */
        uint32_t evs[NKINDS];
        memset(evs, 0xff, sizeof evs);
        for (int i = 0; i < n && i < NKINDS; i++)
            if (out[i].data.u64 < NKINDS)
                evs[out[i].data.u64] = out[i].events;
        rec(evs, sizeof evs);
    }
    DONE("epoll_wait: every kind of fd that can be added");
}

int main(void)
{
    PROVE_SOCKSHIM(select);
    PROVE_SOCKSHIM(pselect);
    PROVE_SOCKSHIM(poll);
    PROVE_SOCKSHIM(ppoll);
    PROVE_SOCKSHIM(epoll_create);
    PROVE_SOCKSHIM(epoll_create1);
    PROVE_SOCKSHIM(epoll_ctl);
    PROVE_SOCKSHIM(epoll_wait);
    PROVE_SOCKSHIM(epoll_pwait);

    harness_init();
    make_tmpdir();
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);

    poll_cases();
    select_cases();
    epoll_cases();

    go_multithreaded();
    poll_cases();
    select_cases();
    epoll_cases();

    diag("differential cases: %d", ncases);
    remove_tmpdir();
    return tap_done();
}
