/* Every traced function once or more, successes and errors, in a fixed order
 * and single-threaded, so that a trace of it is deterministic up to ports,
 * inode numbers and times.  Run in a scratch directory (it binds the Unix
 * socket "u.sock" relative to the current directory).
 *
 * The golden test (c-tests/trace/run.sh) compares sockshim's text trace of
 * this program with c-tests/trace/golden/calls.txt, and the strace test
 * compares it call by call with strace's decoding of the same run.
 *
 * Exit status 0 when every call did what glibc documents; each failure is
 * reported on stderr (the trace is the interesting output, not stdout). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <stddef.h>
#include <sys/un.h>
#include <unistd.h>

/* The fortified entry points, called directly (this file is built without
 * _FORTIFY_SOURCE so that the plain ones are called everywhere else). */
extern ssize_t __recv_chk(int, void *, size_t, size_t, int);
extern ssize_t __recvfrom_chk(int, void *, size_t, size_t, int, struct sockaddr *, socklen_t *);
extern ssize_t __read_chk(int, void *, size_t, size_t);
extern int __poll_chk(struct pollfd *, nfds_t, int, size_t);

static int failures;

#define EXPECT(cond)                                                                                                   \
    do {                                                                                                               \
        if (!(cond)) {                                                                                                 \
            fprintf(stderr, "calls: line %d: %s failed (errno %d %s)\n", __LINE__, #cond, errno, strerror(errno));     \
            failures++;                                                                                                \
        }                                                                                                              \
    } while (0)

/* errno after a call that must fail with `e` */
#define FAILS(call, e)                                                                                                 \
    do {                                                                                                               \
        errno = 0;                                                                                                     \
        long r_ = (long)(call);                                                                                        \
        if (r_ != -1 || errno != (e)) {                                                                                \
            fprintf(stderr, "calls: line %d: %s = %ld errno %d, want -1 errno %d\n", __LINE__, #call, r_, errno, e);   \
            failures++;                                                                                                \
        }                                                                                                              \
    } while (0)

static struct sockaddr_in loop4(unsigned short port)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

int main(void)
{
    char buf[256];
    int one = 1;
    socklen_t len;
    struct sockaddr_in a4, peer;
    signal(SIGPIPE, SIG_IGN);

    /* ---- TCP over 127.0.0.1 ---- */
    int l = socket(AF_INET, SOCK_STREAM, 0);
    EXPECT(l >= 0);
    EXPECT(setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0);
    a4 = loop4(0);
    EXPECT(bind(l, (struct sockaddr *)&a4, sizeof a4) == 0);
    len = sizeof a4;
    EXPECT(getsockname(l, (struct sockaddr *)&a4, &len) == 0);
    EXPECT(listen(l, 8) == 0);

    int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);
    EXPECT(c >= 0);
    EXPECT(connect(c, (struct sockaddr *)&a4, sizeof a4) == 0);
    len = sizeof peer;
    int s = accept(l, (struct sockaddr *)&peer, &len);
    EXPECT(s >= 0);
    len = sizeof peer;
    EXPECT(getpeername(c, (struct sockaddr *)&peer, &len) == 0);
    EXPECT(setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == 0);
    int val = -1;
    len = sizeof val;
    EXPECT(getsockopt(c, IPPROTO_TCP, TCP_NODELAY, &val, &len) == 0 && val == 1);
    len = sizeof val;
    EXPECT(getsockopt(s, SOL_SOCKET, SO_ERROR, &val, &len) == 0 && val == 0);

    EXPECT(send(c, "hello", 5, 0) == 5);
    EXPECT(recv(s, buf, sizeof buf, 0) == 5);
    /* a payload with every kind of byte strace escapes, longer than 32 */
    static const char bin[] = "tab\there\nNUL\0one\001quote\"back\\slash\377end of a line longer than thirty-two";
    EXPECT(sendto(c, bin, sizeof bin - 1, MSG_NOSIGNAL, NULL, 0) == (ssize_t)sizeof bin - 1);
    len = sizeof peer;
    EXPECT(recvfrom(s, buf, sizeof bin - 1, MSG_WAITALL, (struct sockaddr *)&peer, &len) == (ssize_t)sizeof bin - 1);
    EXPECT(write(c, "write", 5) == 5);
    EXPECT(read(s, buf, sizeof buf) == 5);
    struct iovec iov[2] = {{(void *)"vec", 3}, {(void *)"tor", 3}};
    EXPECT(writev(c, iov, 2) == 6);
    char r1[2], r2[8];
    struct iovec riov[2] = {{r1, sizeof r1}, {r2, sizeof r2}};
    EXPECT(readv(s, riov, 2) == 6);
    struct msghdr mh;
    memset(&mh, 0, sizeof mh);
    mh.msg_iov = iov;
    mh.msg_iovlen = 2;
    EXPECT(sendmsg(c, &mh, 0) == 6);
    memset(&mh, 0, sizeof mh);
    mh.msg_iov = riov;
    mh.msg_iovlen = 2;
    EXPECT(recvmsg(s, &mh, 0) == 6);
    EXPECT(send(c, "chk", 3, 0) == 3);
    EXPECT(__recv_chk(s, buf, 3, sizeof buf, 0) == 3);
    EXPECT(send(c, "chk2", 4, 0) == 4);
    len = sizeof peer;
    EXPECT(__recvfrom_chk(s, buf, 4, sizeof buf, 0, (struct sockaddr *)&peer, &len) == 4);
    EXPECT(write(c, "chk3", 4) == 4);
    EXPECT(__read_chk(s, buf, 4, sizeof buf) == 4);

    /* ---- readiness: poll, ppoll, select, pselect, epoll ---- */
    struct pollfd pfd[2] = {{s, POLLIN, 0}, {c, POLLOUT, 0}};
    EXPECT(poll(pfd, 2, 0) == 1);
    EXPECT(send(c, "p", 1, 0) == 1);
    struct timespec ts = {0, 0};
    EXPECT(ppoll(pfd, 2, &ts, NULL) == 2);
    EXPECT(__poll_chk(pfd, 1, 0, sizeof pfd) == 1);
    fd_set rd, wr;
    FD_ZERO(&rd);
    FD_ZERO(&wr);
    FD_SET(s, &rd);
    FD_SET(c, &wr);
    struct timeval tv = {0, 0};
    EXPECT(select((s > c ? s : c) + 1, &rd, &wr, NULL, &tv) == 2);
    FD_ZERO(&rd);
    FD_SET(s, &rd);
    EXPECT(pselect(s + 1, &rd, NULL, NULL, &ts, NULL) == 1);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    EXPECT(ep >= 0);
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 7};
    EXPECT(epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev) == 0);
    struct epoll_event out[4];
    EXPECT(epoll_wait(ep, out, 4, 0) == 1);
    EXPECT(recv(s, buf, 1, 0) == 1);
    EXPECT(epoll_pwait(ep, out, 4, 0, NULL) == 0);
    FAILS(epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev), EEXIST);
    EXPECT(epoll_ctl(ep, EPOLL_CTL_DEL, s, NULL) == 0);
    /* timeouts: every readiness call waiting 1 ms on a socket with nothing to read */
    struct pollfd idle = {s, POLLIN, 0};
    EXPECT(poll(&idle, 1, 1) == 0);
    struct timespec ms = {0, 1000000};
    EXPECT(ppoll(&idle, 1, &ms, NULL) == 0);
    EXPECT(ms.tv_nsec == 1000000); /* the C function leaves it alone */
    FD_ZERO(&rd);
    FD_SET(s, &rd);
    struct timeval tms = {0, 1000};
    EXPECT(select(s + 1, &rd, NULL, NULL, &tms) == 0);
    FD_ZERO(&rd);
    FD_SET(s, &rd);
    EXPECT(pselect(s + 1, &rd, NULL, NULL, &ms, NULL) == 0);
    EXPECT(epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev) == 0);
    EXPECT(epoll_wait(ep, out, 4, 1) == 0);
    EXPECT(epoll_ctl(ep, EPOLL_CTL_DEL, s, NULL) == 0);
    /* readiness errors */
    FAILS(select(-1, NULL, NULL, NULL, &tv), EINVAL);
    FAILS(epoll_wait(ep, out, 0, 0), EINVAL);
    FAILS(epoll_ctl(ep, EPOLL_CTL_ADD, 999, &ev), EBADF);
    int ep2 = epoll_create(1);
    EXPECT(ep2 >= 0);
    EXPECT(close(ep2) == 0);
    EXPECT(close(ep) == 0);

    /* ---- errors ---- */
    FAILS(recv(s, buf, sizeof buf, MSG_DONTWAIT), EAGAIN);
    FAILS(connect(c, (struct sockaddr *)&a4, sizeof a4), EISCONN);
    FAILS(setsockopt(c, SOL_SOCKET, 12345, &one, sizeof one), ENOPROTOOPT);
    FAILS(socket(AF_INET, 12345, 0), EINVAL);
    int b = socket(AF_INET, SOCK_STREAM, 0);
    EXPECT(b >= 0);
    FAILS(bind(b, (struct sockaddr *)&a4, sizeof a4), EADDRINUSE);
    struct sockaddr_in refused = loop4(0);
    EXPECT(bind(b, (struct sockaddr *)&refused, sizeof refused) == 0);
    len = sizeof refused;
    EXPECT(getsockname(b, (struct sockaddr *)&refused, &len) == 0);
    int r = socket(AF_INET, SOCK_STREAM, 0);
    EXPECT(r >= 0);
    /* bound but not listening: nobody accepts there */
    FAILS(connect(r, (struct sockaddr *)&refused, sizeof refused), ECONNREFUSED);
    EXPECT(close(r) == 0);
    EXPECT(close(b) == 0);
    FAILS(send(b, "x", 1, 0), EBADF);
    FAILS(accept4(b, NULL, NULL, SOCK_NONBLOCK), EBADF);
    int pfds[2];
    EXPECT(pipe(pfds) == 0);
    FAILS(recv(pfds[0], buf, 1, 0), ENOTSOCK);
    FAILS(getsockname(pfds[0], (struct sockaddr *)&a4, &len), ENOTSOCK);
    FAILS(sockatmark(pfds[0]), ENOTTY);
    close(pfds[0]);
    close(pfds[1]);

    /* ---- accept4, shutdown, end of stream ---- */
    int c2 = socket(AF_INET, SOCK_STREAM, 0);
    EXPECT(connect(c2, (struct sockaddr *)&a4, sizeof a4) == 0);
    int s2 = accept4(l, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    EXPECT(s2 >= 0);
    EXPECT(sockatmark(s2) == 0);
    FAILS(accept4(l, NULL, NULL, 0x40000000), EINVAL);
    EXPECT(shutdown(c2, SHUT_WR) == 0);
    EXPECT(recv(s2, buf, sizeof buf, 0) == 0);
    EXPECT(close(s2) == 0);
    EXPECT(close(c2) == 0);
    EXPECT(shutdown(c, SHUT_RDWR) == 0);
    EXPECT(close(c) == 0);
    EXPECT(close(s) == 0);
    EXPECT(close(l) == 0);

    /* ---- UDP: sendto/recvfrom with addresses, EDESTADDRREQ ---- */
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    a4 = loop4(0);
    EXPECT(bind(u, (struct sockaddr *)&a4, sizeof a4) == 0);
    len = sizeof a4;
    EXPECT(getsockname(u, (struct sockaddr *)&a4, &len) == 0);
    FAILS(send(u, "x", 1, 0), EDESTADDRREQ);
    FAILS(listen(u, 1), EOPNOTSUPP);
    EXPECT(sendto(u, "dgram", 5, 0, (struct sockaddr *)&a4, sizeof a4) == 5);
    len = sizeof peer;
    EXPECT(recvfrom(u, buf, sizeof buf, 0, (struct sockaddr *)&peer, &len) == 5);
    EXPECT(close(u) == 0);

    /* ---- IPv6 ---- */
    int u6 = socket(AF_INET6, SOCK_DGRAM, 0);
    struct sockaddr_in6 a6;
    memset(&a6, 0, sizeof a6);
    a6.sin6_family = AF_INET6;
    a6.sin6_addr = in6addr_loopback;
    EXPECT(bind(u6, (struct sockaddr *)&a6, sizeof a6) == 0);
    len = sizeof a6;
    EXPECT(getsockname(u6, (struct sockaddr *)&a6, &len) == 0);
    EXPECT(sendto(u6, "six", 3, 0, (struct sockaddr *)&a6, sizeof a6) == 3);
    EXPECT(recv(u6, buf, sizeof buf, 0) == 3);
    EXPECT(close(u6) == 0);

    /* ---- Unix domain: path, socketpair, SCM_RIGHTS, sendmmsg/recvmmsg ---- */
    unlink("u.sock");
    int ul = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un un;
    memset(&un, 0, sizeof un);
    un.sun_family = AF_UNIX;
    strcpy(un.sun_path, "u.sock");
    socklen_t ulen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(un.sun_path) + 1);
    EXPECT(bind(ul, (struct sockaddr *)&un, ulen) == 0);
    EXPECT(listen(ul, 1) == 0);
    int uc = socket(AF_UNIX, SOCK_STREAM, 0);
    EXPECT(connect(uc, (struct sockaddr *)&un, ulen) == 0);
    int us = accept(ul, NULL, NULL);
    EXPECT(us >= 0);
    EXPECT(close(us) == 0);
    EXPECT(close(uc) == 0);
    EXPECT(close(ul) == 0);
    unlink("u.sock");

    int sp[2];
    EXPECT(socketpair(AF_UNIX, SOCK_STREAM, 0, sp) == 0);
    union {
        struct cmsghdr h;
        char b[CMSG_SPACE(sizeof(int))];
    } cm;
    memset(&cm, 0, sizeof cm);
    struct iovec one_iov = {(void *)"F", 1};
    memset(&mh, 0, sizeof mh);
    mh.msg_iov = &one_iov;
    mh.msg_iovlen = 1;
    mh.msg_control = cm.b;
    mh.msg_controllen = sizeof cm.b;
    struct cmsghdr *ch = CMSG_FIRSTHDR(&mh);
    ch->cmsg_level = SOL_SOCKET;
    ch->cmsg_type = SCM_RIGHTS;
    ch->cmsg_len = CMSG_LEN(sizeof(int));
    int passed = sp[0];
    memcpy(CMSG_DATA(ch), &passed, sizeof passed);
    EXPECT(sendmsg(sp[0], &mh, 0) == 1);
    char f;
    struct iovec f_iov = {&f, 1};
    memset(&cm, 0, sizeof cm);
    memset(&mh, 0, sizeof mh);
    mh.msg_iov = &f_iov;
    mh.msg_iovlen = 1;
    mh.msg_control = cm.b;
    mh.msg_controllen = sizeof cm.b;
    EXPECT(recvmsg(sp[1], &mh, MSG_CMSG_CLOEXEC) == 1);
    int got = -1;
    if (CMSG_FIRSTHDR(&mh))
        memcpy(&got, CMSG_DATA(CMSG_FIRSTHDR(&mh)), sizeof got);
    EXPECT(got >= 0);
    EXPECT(write(got, "via passed fd", 13) == 13);
    EXPECT(read(sp[1], buf, sizeof buf) == 13);
    EXPECT(close(got) == 0);
    EXPECT(close(sp[0]) == 0);
    EXPECT(close(sp[1]) == 0);

    int dp[2];
    EXPECT(socketpair(AF_UNIX, SOCK_DGRAM, 0, dp) == 0);
    struct iovec m_iov[2] = {{(void *)"one", 3}, {(void *)"two", 3}};
    struct mmsghdr mm[2];
    memset(mm, 0, sizeof mm);
    mm[0].msg_hdr.msg_iov = &m_iov[0];
    mm[0].msg_hdr.msg_iovlen = 1;
    mm[1].msg_hdr.msg_iov = &m_iov[1];
    mm[1].msg_hdr.msg_iovlen = 1;
    EXPECT(sendmmsg(dp[0], mm, 2, 0) == 2);
    char q1[8], q2[8];
    struct iovec q_iov[2] = {{q1, sizeof q1}, {q2, sizeof q2}};
    memset(mm, 0, sizeof mm);
    mm[0].msg_hdr.msg_iov = &q_iov[0];
    mm[0].msg_hdr.msg_iovlen = 1;
    mm[1].msg_hdr.msg_iov = &q_iov[1];
    mm[1].msg_hdr.msg_iovlen = 1;
    EXPECT(recvmmsg(dp[1], mm, 2, MSG_DONTWAIT, NULL) == 2);
    FAILS(recvmmsg(dp[1], mm, 2, MSG_DONTWAIT, NULL), EAGAIN);
    EXPECT(close(dp[0]) == 0);
    EXPECT(close(dp[1]) == 0);
    FAILS(close(dp[1]), EBADF);

    if (failures)
        fprintf(stderr, "calls: %d failures\n", failures);
    return failures ? 1 : 0;
}
