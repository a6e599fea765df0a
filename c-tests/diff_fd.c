#include "diff.h"

/* ================= diff_fd.c: fcntl fcntl64 dup dup2 dup3 close_range closefrom =================
 * Every descriptor-table call sockshim exports (so that tracing can follow
 * descriptors), compared with glibc's on descriptors of every kind. */

int fcntl64(int fd, int cmd, ...);

enum { K_NEG, K_BIG, K_CLOSED, K_FILE, K_FILE_RO, K_DEVNULL, K_DIR, K_OPATH, K_PIPE_R, K_PIPE_W,
       K_EVENTFD, K_EPOLL, K_TCP, K_TCP_LISTEN, K_UDP, K_UNIX_PAIR, NK };
static const char *kname[NK] = {"fd -1", "unused fd 9999", "just-closed fd", "regular file O_RDWR",
                                "regular file O_RDONLY", "/dev/null", "directory", "O_PATH fd",
                                "pipe read end", "pipe write end", "eventfd", "epoll fd", "TCP socket",
                                "TCP listening", "UDP socket", "unix stream pair"};

static int mkfd(int k)
{
    int p[2], sv[2], fd;
    switch (k) {
    case K_NEG: return -1;
    case K_BIG: return 9999;
    case K_CLOSED:
        fd = G(socket)(AF_INET, SOCK_STREAM, 0);
        G(close)(fd);
        return fd;
    case K_FILE: return tmpfile_with("0123456789", O_RDWR);
    case K_FILE_RO: return tmpfile_with("0123456789", O_RDONLY);
    case K_DEVNULL: return trk(open("/dev/null", O_RDWR));
    case K_DIR: return trk(open("/", O_RDONLY | O_DIRECTORY));
    case K_OPATH: return trk(open("/dev/null", O_PATH));
    case K_PIPE_R:
    case K_PIPE_W:
        pipe2(p, 0);
        trk(p[0]);
        trk(p[1]);
        return k == K_PIPE_R ? p[0] : p[1];
    case K_EVENTFD: return trk(eventfd(0, 0));
    case K_EPOLL: return trk(G(epoll_create1)(0));
    case K_TCP: return gsock(AF_INET, SOCK_STREAM, 0);
    case K_TCP_LISTEN: return tcp_listener(0);
    case K_UDP: return gsock(AF_INET, SOCK_DGRAM, 0);
    case K_UNIX_PAIR: gpair(SOCK_STREAM, sv); return sv[0];
    }
    return -1;
}

/* A free descriptor number well above the ones in use (and tracked). */
static int spare(void) { return 700; }

static void dup_cases(void)
{
    for (int k = 0; k < NK; k++) {
        CASE { int fd = mkfd(k); CALLFD(dup, fd); }
        DONE("dup: %s", kname[k]);
        CASE { int fd = mkfd(k); int r = CALL(dup2, fd, spare()); if (r >= 0) { trk(r); rec_fdkind(r); } }
        DONE("dup2: %s onto a free number", kname[k]);
        CASE { int fd = mkfd(k); CALL(dup2, fd, fd); }
        DONE("dup2: %s onto itself", kname[k]);
        CASE { int fd = mkfd(k); int r = CALL(dup3, fd, spare(), O_CLOEXEC); if (r >= 0) { trk(r); rec_fdkind(r); } }
        DONE("dup3: %s O_CLOEXEC", kname[k]);
        CASE { int fd = mkfd(k); CALL(dup3, fd, fd, 0); }
        DONE("dup3: %s onto itself", kname[k]);
    }
    CASE { int fd = mkfd(K_TCP); int t = mkfd(K_FILE); int r = CALL(dup2, fd, t); if (r >= 0) rec_fdkind(t); }
    DONE("dup2: socket onto an open file (replaces it)");
    CASE { int fd = mkfd(K_TCP); CALL(dup3, fd, spare(), 0x7777); }
    DONE("dup3: bad flags");
    CASE { int fd = mkfd(K_TCP); CALL(dup2, fd, -1); }
    DONE("dup2: onto -1");
    CASE { int fd = mkfd(K_TCP); CALL(dup2, fd, 1 << 30); }
    DONE("dup2: onto a number beyond RLIMIT_NOFILE");
}

/* fcntl commands with an int argument (or none). */
static const struct { int cmd; long arg; const char *name; } icmds[] = {
    {F_GETFD, 0, "F_GETFD"},
    {F_SETFD, FD_CLOEXEC, "F_SETFD FD_CLOEXEC"},
    {F_GETFL, 0, "F_GETFL"},
    {F_SETFL, O_NONBLOCK, "F_SETFL O_NONBLOCK"},
    {F_SETFL, O_APPEND | O_NONBLOCK, "F_SETFL O_APPEND|O_NONBLOCK"},
    {F_DUPFD, 0, "F_DUPFD 0"},
    {F_DUPFD, 600, "F_DUPFD 600"},
    {F_DUPFD_CLOEXEC, 600, "F_DUPFD_CLOEXEC 600"},
    {F_DUPFD, -1, "F_DUPFD -1"},
    {F_DUPFD, 1L << 30, "F_DUPFD beyond the limit"},
    {F_GETOWN, 0, "F_GETOWN"},
    {F_SETOWN, 0, "F_SETOWN 0"},
    {F_GETSIG, 0, "F_GETSIG"},
    {F_GETPIPE_SZ, 0, "F_GETPIPE_SZ"},
    {F_GETLEASE, 0, "F_GETLEASE"},
    {F_GET_SEALS, 0, "F_GET_SEALS"},
    {9999, 0, "unknown command 9999"},
    {-1, 0, "command -1"},
};

static void fcntl_cases(int use64)
{
    const char *fn = use64 ? "fcntl64" : "fcntl";
    for (int k = 0; k < NK; k++)
        for (size_t c = 0; c < sizeof icmds / sizeof icmds[0]; c++) {
            CASE {
                int fd = mkfd(k);
                int r = use64 ? CALL(fcntl64, fd, icmds[c].cmd, icmds[c].arg) : CALL(fcntl, fd, icmds[c].cmd, icmds[c].arg);
                if (r >= 0 && (icmds[c].cmd == F_DUPFD || icmds[c].cmd == F_DUPFD_CLOEXEC)) {
                    trk(r);
                    rec_fdkind(r);
                } else if (fd >= 0 && fd != 9999) {
                    rec_fdkind(fd);
                }
            }
            DONE("%s: %s on %s", fn, icmds[c].name, kname[k]);
        }
    /* Pointer commands: a lock on a file and on a socket, and a bad pointer. */
    for (int k = 0; k < NK; k++) {
        CASE {
            int fd = mkfd(k);
            struct flock l = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1};
            use64 ? CALL(fcntl64, fd, F_GETLK, &l) : CALL(fcntl, fd, F_GETLK, &l);
            rec(&l.l_type, sizeof l.l_type);
        }
        DONE("%s: F_GETLK on %s", fn, kname[k]);
        CASE {
            int fd = mkfd(k);
            struct flock l = {.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1};
            use64 ? CALL(fcntl64, fd, F_SETLKW, &l) : CALL(fcntl, fd, F_SETLKW, &l);
        }
        DONE("%s: F_SETLKW (read lock) on %s", fn, kname[k]);
        CASE { int fd = mkfd(k); use64 ? CALL(fcntl64, fd, F_GETLK, BADP) : CALL(fcntl, fd, F_GETLK, BADP); }
        DONE("%s: F_GETLK with an unmapped pointer on %s", fn, kname[k]);
        CASE {
            int fd = mkfd(k);
            struct f_owner_ex o = {F_OWNER_PGRP, getpgrp()};
            use64 ? CALL(fcntl64, fd, F_SETOWN_EX, &o) : CALL(fcntl, fd, F_SETOWN_EX, &o);
            use64 ? CALL(fcntl64, fd, F_GETOWN) : CALL(fcntl, fd, F_GETOWN);
        }
        DONE("%s: F_GETOWN after F_SETOWN_EX to the process group on %s", fn, kname[k]);
    }
}

static void close_range_cases(void)
{
    static const struct { unsigned lo, hi; int flags; const char *name; } rc[] = {
        {650, 660, 0, "650..660 (nothing open)"},
        {660, 650, 0, "first > last"},
        {650, 660, 0x40, "unknown flag"},
        {650, 660, CLOSE_RANGE_CLOEXEC, "CLOSE_RANGE_CLOEXEC"},
        {650, 660, CLOSE_RANGE_UNSHARE, "CLOSE_RANGE_UNSHARE"},
        {~0U, ~0U, 0, "~0..~0"},
    };
    for (size_t i = 0; i < sizeof rc / sizeof rc[0]; i++) {
        CASE {
            int a = trk(G(dup2)(mkfd(K_TCP), 652));
            int b = trk(G(dup2)(mkfd(K_FILE), 658));
            CALL(close_range, rc[i].lo, rc[i].hi, rc[i].flags);
            rec_fdkind(a);
            rec_fdkind(b);
        }
        DONE("close_range: %s", rc[i].name);
    }
}

/* closefrom closes the harness's descriptors too: run it in a child and
 * report what is still open below and above the cut. */
static void closefrom_cases(void)
{
    static const int lows[] = {640, 0x7fffffff, -5};
    for (size_t i = 0; i < sizeof lows / sizeof lows[0]; i++) {
        CASE {
            int p[2];
            pipe(p);
            pid_t c = fork();
            if (c == 0) {
                long st[4];
                G(dup2)(p[1], 630);
                G(dup2)(p[1], 645);
                G(dup2)(p[1], 690);
                void (*f)(int) = cur ? GLIBC(closefrom) : &closefrom;
                errno = SENT;
                f(lows[i] == -5 ? 631 : lows[i]);
                st[0] = errno;
                st[1] = fcntl(630, F_GETFD);
                st[2] = fcntl(645, F_GETFD);
                st[3] = fcntl(690, F_GETFD);
                G(write)(630, st, sizeof st);
                _exit(0);
            }
            G(close)(p[1]);
            long st[4] = {0};
            G(read)(p[0], st, sizeof st);
            G(close)(p[0]);
            waitpid(c, NULL, 0);
            rec(st, sizeof st);
        }
        DONE("closefrom(%d) in a child", lows[i]);
    }
}

int main(void)
{
    PROVE_SOCKSHIM(fcntl);
    PROVE_SOCKSHIM(fcntl64);
    PROVE_SOCKSHIM(dup);
    PROVE_SOCKSHIM(dup2);
    PROVE_SOCKSHIM(dup3);
    PROVE_SOCKSHIM(close_range);
    PROVE_SOCKSHIM(closefrom);

    harness_init();
    make_tmpdir();
    dup_cases();
    fcntl_cases(0);
    fcntl_cases(1);
    close_range_cases();
    closefrom_cases();

    go_multithreaded();
    dup_cases();
    fcntl_cases(0);
    close_range_cases();

    diag("differential cases: %d", ncases);
    remove_tmpdir();
    return tap_done();
}
