/* Descriptor classification: read, write and close are traced on sockets
 * only.  Every way a descriptor number changes what it refers to is tried:
 * dup, dup2, dup3, fcntl(F_DUPFD), fcntl(F_DUPFD_CLOEXEC), close followed
 * by reuse of the number, close_range, closefrom, SCM_RIGHTS, exec.
 *
 * usage: fdclass            (then it re-executes itself as "fdclass exec ...")
 *
 * On stdout it prints, in order, the read/write/close calls on sockets that
 * the trace must show, one per line:
 *     E write FD TEXT        a write of TEXT (TEXT starts with "S:")
 *     E read FD
 *     E close FD
 * Writes of "P:..." payloads and reads and closes of non-sockets are made
 * too, and must not be in the trace.  The checker extracts the read, write
 * and close lines from the trace and compares the two sequences.  Exit
 * status nonzero if a call itself misbehaved. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int failures;
static int sp[2], pp[2]; /* a socketpair, a pipe */

static void fail(const char *what, int line)
{
    fprintf(stderr, "fdclass: line %d: %s: %s\n", line, what, strerror(errno));
    failures++;
}
#define CHECK(c)                                                                                                       \
    do {                                                                                                               \
        if (!(c))                                                                                                      \
            fail(#c, __LINE__);                                                                                        \
    } while (0)

static void expect(const char *call, int fd, const char *text)
{
    printf("E %s %d%s%s\n", call, fd, text ? " " : "", text ? text : "");
    fflush(stdout);
}

/* fd is a socket connected to sp[1]: write then read back, both traced */
static void sock_rw(int fd, const char *text)
{
    char buf[64];
    size_t n = strlen(text);
    CHECK(write(fd, text, n) == (ssize_t)n);
    expect("write", fd, text);
    CHECK(read(sp[1], buf, sizeof buf) == (ssize_t)n);
    expect("read", sp[1], NULL);
}

/* fd is the write end of the pipe pp: neither call is traced */
static void pipe_rw(int fd, const char *text)
{
    char buf[64];
    size_t n = strlen(text);
    CHECK(write(fd, text, n) == (ssize_t)n);
    CHECK(read(pp[0], buf, sizeof buf) == (ssize_t)n);
}

static void sock_close(int fd)
{
    CHECK(close(fd) == 0);
    expect("close", fd, NULL);
}

static void quiet_close(int fd) { CHECK(close(fd) == 0); }

static int lowest_free(void)
{
    int fd = open("/dev/null", O_RDONLY);
    CHECK(fd >= 0);
    CHECK(close(fd) == 0);
    return fd;
}

/* the image after exec: argv = fdclass exec SOCK CLOEXEC_SOCK PIPE_W */
static int after_exec(char **argv)
{
    int s = atoi(argv[2]), gone = atoi(argv[3]), pw = atoi(argv[4]);
    sp[0] = s;
    sp[1] = atoi(argv[5]);
    pp[0] = atoi(argv[6]);
    pp[1] = pw;
    sock_rw(s, "S:inherited-through-exec");
    pipe_rw(pw, "P:inherited-through-exec");
    /* the close-on-exec socket is gone: its number is now free for a file */
    errno = 0;
    CHECK(fcntl(gone, F_GETFD) == -1 && errno == EBADF);
    int f = open("/dev/null", O_WRONLY);
    CHECK(f == gone);
    CHECK(write(f, "P:reused-after-cloexec", 22) == 22);
    quiet_close(f);
    sock_close(s);
    sock_close(sp[1]);
    quiet_close(pw);
    quiet_close(pp[0]);
    printf("done %d\n", failures);
    return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc == 7 && strcmp(argv[1], "exec") == 0)
        return after_exec(argv);
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sp) == 0);
    CHECK(pipe(pp) == 0);
    sock_rw(sp[0], "S:socketpair");
    pipe_rw(pp[1], "P:pipe");

    /* dup, dup2, dup3, F_DUPFD, F_DUPFD_CLOEXEC: the copy is what it copies */
    int d1 = dup(sp[0]);
    sock_rw(d1, "S:dup");
    int d2 = dup(pp[1]);
    pipe_rw(d2, "P:dup");
    CHECK(dup2(pp[1], d1) == d1); /* d1 was a socket, now the pipe */
    pipe_rw(d1, "P:dup2-over-socket");
    CHECK(dup2(sp[0], d2) == d2); /* d2 was the pipe, now a socket */
    sock_rw(d2, "S:dup2-over-pipe");
    CHECK(dup2(d2, d2) == d2); /* no-op */
    sock_rw(d2, "S:dup2-onto-itself");
    CHECK(dup3(sp[0], 40, O_CLOEXEC) == 40);
    sock_rw(40, "S:dup3");
    CHECK(dup3(pp[1], 40, 0) == 40); /* replaces the socket */
    pipe_rw(40, "P:dup3-over-socket");
    int f1 = fcntl(sp[0], F_DUPFD, 50);
    CHECK(f1 >= 50);
    sock_rw(f1, "S:F_DUPFD");
    int f2 = fcntl(pp[1], F_DUPFD_CLOEXEC, 50);
    CHECK(f2 > 50);
    pipe_rw(f2, "P:F_DUPFD_CLOEXEC");
    int f3 = fcntl(sp[0], F_DUPFD_CLOEXEC, 60);
    CHECK(f3 >= 60);
    sock_rw(f3, "S:F_DUPFD_CLOEXEC");
    CHECK(fcntl(f3, F_SETFD, 0) == 0); /* not a duplication: still a socket */
    sock_rw(f3, "S:after-F_SETFD");
    quiet_close(d1);
    sock_close(d2);
    quiet_close(40);
    sock_close(f1);
    quiet_close(f2);
    sock_close(f3);

    /* close, then the number is reused by a call sockshim does not export */
    int c = dup(sp[0]);
    sock_close(c);
    int o = open("/dev/null", O_WRONLY);
    CHECK(o == c);
    CHECK(write(o, "P:open-reuses-closed-socket", 27) == 27);
    quiet_close(o);

    /* close_range over sockets, then files take their numbers */
    int base = lowest_free();
    int r0 = dup(sp[0]), r1 = dup(sp[0]), r2 = dup(sp[0]);
    CHECK(r0 == base && r1 == base + 1 && r2 == base + 2);
    sock_rw(r1, "S:before-close_range");
    CHECK(close_range((unsigned)r0, (unsigned)r2, 0) == 0);
    int o0 = open("/dev/null", O_WRONLY), o1 = open("/dev/null", O_WRONLY), o2 = open("/dev/null", O_WRONLY);
    CHECK(o0 == r0 && o1 == r1 && o2 == r2);
    CHECK(write(o1, "P:after-close_range", 19) == 19);
    quiet_close(o0);
    quiet_close(o1);
    quiet_close(o2);

    /* close_range(CLOSE_RANGE_CLOEXEC) closes nothing now */
    int k = dup(sp[0]);
    CHECK(close_range((unsigned)k, (unsigned)k, CLOSE_RANGE_CLOEXEC) == 0);
    sock_rw(k, "S:after-close_range-CLOEXEC");
    /* k is closed by the exec below; its number is then reused there */

    /* closefrom: sockets at the top, then a file takes the lowest of them */
    int top = fcntl(sp[0], F_DUPFD, 100);
    CHECK(top == 100);
    sock_rw(top, "S:before-closefrom");
    closefrom(100);
    int tf = fcntl(pp[1], F_DUPFD, 100);
    CHECK(tf == 100);
    pipe_rw(tf, "P:after-closefrom");
    quiet_close(tf);

    /* SCM_RIGHTS: a received socket is traced, a received pipe is not */
    int scm[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, scm) == 0);
    int give[2] = {sp[0], pp[1]};
    union {
        struct cmsghdr h;
        char b[CMSG_SPACE(sizeof give)];
    } cm;
    memset(&cm, 0, sizeof cm);
    struct iovec iov = {(void *)"x", 1};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cm.b, .msg_controllen = sizeof cm.b};
    struct cmsghdr *ch = CMSG_FIRSTHDR(&mh);
    ch->cmsg_level = SOL_SOCKET;
    ch->cmsg_type = SCM_RIGHTS;
    ch->cmsg_len = CMSG_LEN(sizeof give);
    memcpy(CMSG_DATA(ch), give, sizeof give);
    CHECK(sendmsg(scm[0], &mh, 0) == 1);
    char x;
    struct iovec riov = {&x, 1};
    memset(&cm, 0, sizeof cm);
    struct msghdr rh = {.msg_iov = &riov, .msg_iovlen = 1, .msg_control = cm.b, .msg_controllen = sizeof cm.b};
    CHECK(recvmsg(scm[1], &rh, 0) == 1);
    int got[2] = {-1, -1};
    if (CMSG_FIRSTHDR(&rh) && CMSG_FIRSTHDR(&rh)->cmsg_len == CMSG_LEN(sizeof got))
        memcpy(got, CMSG_DATA(CMSG_FIRSTHDR(&rh)), sizeof got);
    CHECK(got[0] >= 0 && got[1] >= 0);
    sock_rw(got[0], "S:received-by-SCM_RIGHTS");
    pipe_rw(got[1], "P:received-by-SCM_RIGHTS");
    sock_close(got[0]);
    quiet_close(got[1]);
    sock_close(scm[0]);
    sock_close(scm[1]);

    /* exec: an inherited socket stays traced, an inherited pipe does not,
     * and the number of a close-on-exec socket is free for a file */
    char a[5][16];
    snprintf(a[0], sizeof a[0], "%d", sp[0]);
    snprintf(a[1], sizeof a[1], "%d", k);
    snprintf(a[2], sizeof a[2], "%d", pp[1]);
    snprintf(a[3], sizeof a[3], "%d", sp[1]);
    snprintf(a[4], sizeof a[4], "%d", pp[0]);
    if (failures) {
        fprintf(stderr, "fdclass: %d failures before exec\n", failures);
        return 1;
    }
    printf("exec\n");
    fflush(stdout);
    execl("/proc/self/exe", argv[0], "exec", a[0], a[1], a[2], a[3], a[4], (char *)NULL);
    perror("execl");
    return 1;
}
