/* The tracer must never harm the traced program: c-tests/trace/harm.sh runs
 * this program untraced and traced, with trace outputs that cannot work
 * (full filesystems, RLIMIT_FSIZE, FIFOs, /dev/full, read-only directories,
 * planted symlinks, a tiny descriptor limit, descriptors closed under the
 * tracer), and compares exit status, stdout and the descriptor numbers.
 *
 * Everything the program observes is printed on stdout, one line per call:
 * return values, errno (set to 0 before each call, so a tracer that clobbers
 * errno shows), descriptor numbers, whether the bytes received are the ones
 * sent, and counts.  The program writes no file of its own except stdout
 * (and, in the closeall modes, the one FILE it is given).
 *
 * usage: harm MODE [ARGS]
 *   calls N               socketpair, N round trips (send 100 bytes, recv
 *                         them), close both ends
 *   fsize0-before N       setrlimit(RLIMIT_FSIZE) to 0 before the first socket
 *   fsize0-after N        call, or right after it (the socketpair); then as
 *   fsizesmall-before N   calls N.  "small" is 4096 bytes.
 *   fsizesmall-after N
 *   emfile                3 round trips on a socketpair, close it; open
 *                         /dev/null until it fails (EMFILE), print how many
 *                         and the first and last number; close them; 3 more
 *                         round trips on a new socketpair
 *   closeall-raw N FILE   N/2 round trips, then close_range(3, ~0U, 0) as a
 *                         raw syscall (bypassing any preloaded library), a
 *                         new socketpair, FILE opened O_WRONLY|O_CREAT|O_TRUNC
 *                         and "mine\n" written to it, FILE dup()ed until
 *                         EMFILE or 4096 copies (so that any number a tracer
 *                         still believes is its own is now the program's
 *                         FILE), the other N/2 round trips, then everything
 *                         closed.  FILE must hold exactly "mine\n".
 *   closeall N FILE       the same with close_range() called through the
 *                         exported function (the library's)
 *
 * Output ends with "done MODE BAD" where BAD counts results that differ from
 * what the program expects; exit status 0 when BAD is 0, 1 otherwise, 2 on a
 * usage error. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PAYLOAD 100
#define FILL_MAX 4096

static int bad;

static void note(int ok)
{
    if (!ok)
        bad++;
}

/* socketpair, printed with the numbers it gave */
static void pair(int sv[2])
{
    sv[0] = sv[1] = -1;
    errno = 0;
    int r = socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    int e = errno;
    printf("socketpair = %d errno %d fds %d %d\n", r, e, sv[0], sv[1]);
    note(r == 0);
}

static void close_one(const char *what, int fd)
{
    errno = 0;
    int r = close(fd);
    int e = errno;
    printf("close %s %d = %d errno %d\n", what, fd, r, e);
    note(r == 0);
}

/* round trips from..to-1: send PAYLOAD bytes on a, recv them on b */
static void rounds(int a, int b, long from, long to)
{
    char msg[PAYLOAD], got[PAYLOAD];
    for (long i = from; i < to; i++) {
        int h = snprintf(msg, sizeof msg, "R%08ld:", i);
        for (int j = h; j < PAYLOAD; j++)
            msg[j] = (char)('a' + (i + j) % 26);
        memset(got, 0, sizeof got);
        errno = 0;
        ssize_t s = send(a, msg, PAYLOAD, 0);
        int se = errno;
        errno = 0;
        ssize_t r = recv(b, got, PAYLOAD, MSG_WAITALL);
        int re = errno;
        int same = r == PAYLOAD && memcmp(msg, got, PAYLOAD) == 0;
        printf("round %ld send %zd errno %d recv %zd errno %d %s\n", i, s, se, r, re, same ? "same" : "DIFFERENT");
        note(s == PAYLOAD && same);
    }
}

static long count_arg(int argc, char **argv, int i)
{
    if (argc <= i)
        return -1;
    char *end;
    long n = strtol(argv[i], &end, 10);
    return *end || n < 0 ? -1 : n;
}

static int calls(long n)
{
    int sp[2];
    pair(sp);
    rounds(sp[0], sp[1], 0, n);
    close_one("a", sp[0]);
    close_one("b", sp[1]);
    return 0;
}

static void lower_fsize(rlim_t to)
{
    struct rlimit rl;
    errno = 0;
    int r = getrlimit(RLIMIT_FSIZE, &rl);
    if (r == 0) {
        rl.rlim_cur = to;
        r = setrlimit(RLIMIT_FSIZE, &rl);
    }
    int e = errno;
    printf("setrlimit RLIMIT_FSIZE %lu = %d errno %d\n", (unsigned long)to, r, e);
    note(r == 0);
}

static int fsize(const char *mode, long n)
{
    rlim_t lim = strncmp(mode, "fsize0-", 7) == 0 ? 0 : 4096;
    int after = strstr(mode, "-after") != NULL;
    int sp[2];
    if (!after)
        lower_fsize(lim);
    pair(sp);
    if (after)
        lower_fsize(lim);
    rounds(sp[0], sp[1], 0, n);
    close_one("a", sp[0]);
    close_one("b", sp[1]);
    return 0;
}

static int emfile(void)
{
    static int fds[1 << 16];
    int sp[2];
    pair(sp);
    rounds(sp[0], sp[1], 0, 3);
    close_one("a", sp[0]);
    close_one("b", sp[1]);
    int count = 0, first = -1, last = -1, e = 0;
    for (;;) {
        errno = 0;
        int fd = open("/dev/null", O_RDONLY);
        if (fd < 0) {
            e = errno;
            break;
        }
        if (count == 0)
            first = fd;
        if (fd > last)
            last = fd;
        if (count == (int)(sizeof fds / sizeof fds[0])) {
            close(fd);
            break;
        }
        fds[count++] = fd;
    }
    printf("opened %d first %d last %d stop errno %d\n", count, first, last, e);
    note(e == EMFILE && count > 0);
    int fails = 0;
    for (int i = 0; i < count; i++)
        if (close(fds[i]) != 0)
            fails++;
    printf("closed %d fails %d\n", count, fails);
    note(fails == 0);
    pair(sp);
    rounds(sp[0], sp[1], 3, 6);
    close_one("a", sp[0]);
    close_one("b", sp[1]);
    return 0;
}

static int closeall(int raw, long n, const char *file)
{
    static int dups[FILL_MAX];
    int sp[2], np[2];
    pair(sp);
    rounds(sp[0], sp[1], 0, n / 2);
    errno = 0;
    int r = raw ? (int)syscall(SYS_close_range, 3U, ~0U, 0U) : close_range(3, ~0U, 0);
    int e = errno;
    printf("close_range%s 3 ~0 = %d errno %d\n", raw ? " (raw)" : "", r, e);
    note(r == 0);
    errno = 0;
    int g0 = fcntl(sp[0], F_GETFD), e0 = errno;
    errno = 0;
    int g1 = fcntl(sp[1], F_GETFD), e1 = errno;
    printf("old pair after close_range: fcntl %d errno %d, fcntl %d errno %d\n", g0, e0, g1, e1);
    note(g0 == -1 && e0 == EBADF && g1 == -1 && e1 == EBADF);
    pair(np);
    errno = 0;
    int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    e = errno;
    printf("open FILE = %d errno %d\n", fd, e);
    note(fd >= 0);
    errno = 0;
    ssize_t w = fd >= 0 ? write(fd, "mine\n", 5) : -1;
    e = errno;
    printf("write FILE = %zd errno %d\n", w, e);
    note(w == 5);
    /* every free number up to the limit (or FILL_MAX copies) is now FILE:
     * how many there were is not printed (a tracer that carries on may hold
     * one descriptor of its own), only that the table filled or the cap hit */
    int ndup = 0, de = 0;
    while (fd >= 0 && ndup < FILL_MAX) {
        errno = 0;
        int d = dup(fd);
        if (d < 0) {
            de = errno;
            break;
        }
        dups[ndup++] = d;
    }
    printf("dup FILE until full: %s\n", ndup == FILL_MAX ? "cap reached" : de == EMFILE ? "EMFILE" : strerror(de));
    note(ndup == FILL_MAX || de == EMFILE);
    rounds(np[0], np[1], n / 2, n);
    int fails = 0;
    for (int i = 0; i < ndup; i++)
        if (close(dups[i]) != 0)
            fails++;
    printf("close copies of FILE: %d failed\n", fails);
    note(fails == 0);
    if (fd >= 0)
        close_one("FILE", fd);
    close_one("a", np[0]);
    close_one("b", np[1]);
    return 0;
}

/* chdir N: 10 round trips, then chdir("/") (as daemons do), then N more:
 * a recording opened by a relative path must keep growing. */
static int chdir_calls(long n)
{
    int sp[2];
    pair(sp);
    rounds(sp[0], sp[1], 0, 10);
    printf("chdir / %d\n", chdir("/"));
    rounds(sp[0], sp[1], 10, 10 + n);
    close_one("a", sp[0]);
    close_one("b", sp[1]);
    return 0;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    long n = count_arg(argc, argv, 2);
    int usage = 0;
    if (strcmp(mode, "calls") == 0 && n >= 0 && argc == 3)
        calls(n);
    else if (strncmp(mode, "fsize", 5) == 0 && n >= 0 && argc == 3 &&
             (strcmp(mode, "fsize0-before") == 0 || strcmp(mode, "fsize0-after") == 0 ||
              strcmp(mode, "fsizesmall-before") == 0 || strcmp(mode, "fsizesmall-after") == 0))
        fsize(mode, n);
    else if (strcmp(mode, "chdir") == 0 && n >= 0 && argc == 3)
        chdir_calls(n);
    else if (strcmp(mode, "emfile") == 0 && argc == 2)
        emfile();
    else if ((strcmp(mode, "closeall-raw") == 0 || strcmp(mode, "closeall") == 0) && n >= 0 && argc == 4)
        closeall(mode[8] == '-', n, argv[3]);
    else
        usage = 1;
    if (usage) {
        fprintf(stderr, "usage: harm calls N | chdir N | fsize{0,small}-{before,after} N | emfile | closeall[-raw] N FILE\n");
        return 2;
    }
    printf("done %s %d\n", mode, bad);
    if (fflush(stdout) != 0)
        return 3;
    return bad ? 1 : 0;
}
