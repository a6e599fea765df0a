#include "diff.h"

/* ================= diff_io.c: the descriptor I/O calls ================= */

static int UP1, UP2, CLOSED_UDP; /* loopback UDP ports chosen at start */

enum {
    K_NEG, K_BIG, K_CLOSED, K_FILE, K_FILE_RO, K_FILE_WO, K_DEVNULL, K_DIR, K_OPATH,
    K_PIPE_R, K_PIPE_R_EMPTY, K_PIPE_W, K_PIPE_W_NOREADER, K_EVENTFD, K_EVENTFD0, K_PTY, K_EPOLL,
    K_TCP, K_TCP_LISTEN, K_TCP_CONN, K_TCP_PEERCLOSED, K_UDP, K_UDP_CONN,
    K_USTREAM_PAIR, K_USTREAM_PAIR_EMPTY, K_UDGRAM_PAIR, K_USEQ_PAIR, K_UDGRAM, K_USTREAM, NK
};
static const char *kname[NK] = {
    "fd -1", "unused fd 9999", "just-closed fd", "regular file O_RDWR", "regular file O_RDONLY",
    "regular file O_WRONLY", "/dev/null", "directory", "O_PATH fd", "pipe read end (data)",
    "pipe read end (empty)", "pipe write end", "pipe write end (no reader)", "eventfd (7)",
    "eventfd (0)", "pty master", "epoll fd", "TCP unconnected", "TCP listening", "TCP connected (data)",
    "TCP peer closed", "UDP unconnected", "UDP connected (data)", "unix stream pair (data)",
    "unix stream pair (empty)", "unix dgram pair (data)", "unix seqpacket pair (data)",
    "unix dgram unbound", "unix stream unconnected",
};

static int peer; /* the other end of the descriptor mkfd made, or -1 */

static int udp_bound(int port)
{
    int s = gsock(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    gbind4(s, port);
    return s;
}

/* A fresh descriptor of kind k (made with glibc's functions, tracked). */
static int mkfd(int k)
{
    int p[2], sv[2], c, fd;
    struct sockaddr_in a;
    peer = -1;
    switch (k) {
    case K_NEG: return -1;
    case K_BIG: return 9999;
    case K_CLOSED:
        fd = G(socket)(AF_INET, SOCK_STREAM, 0);
        G(close)(fd);
        return fd;
    case K_FILE: return tmpfile_with("0123456789abcdefghij", O_RDWR);
    case K_FILE_RO: return tmpfile_with("0123456789abcdefghij", O_RDONLY);
    case K_FILE_WO: return tmpfile_with("0123456789abcdefghij", O_WRONLY);
    case K_DEVNULL: return trk(open("/dev/null", O_RDWR));
    case K_DIR: return trk(open("/", O_RDONLY | O_DIRECTORY));
    case K_OPATH: return trk(open("/dev/null", O_PATH));
    case K_PIPE_R:
    case K_PIPE_R_EMPTY:
    case K_PIPE_W:
    case K_PIPE_W_NOREADER:
        pipe2(p, O_NONBLOCK);
        trk(p[0]);
        trk(p[1]);
        if (k == K_PIPE_R)
            G(write)(p[1], "PIPEDATA", 8);
        if (k == K_PIPE_R || k == K_PIPE_R_EMPTY)
            return p[0];
        if (k == K_PIPE_W_NOREADER)
            gclose_now(p[0]);
        else
            peer = p[0];
        return p[1];
    case K_EVENTFD: return trk(eventfd(7, EFD_NONBLOCK));
    case K_EVENTFD0: return trk(eventfd(0, EFD_NONBLOCK));
    case K_PTY:
        fd = trk(posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK));
        if (fd >= 0 && grantpt(fd) == 0 && unlockpt(fd) == 0)
            trk(open(ptsname(fd), O_RDWR | O_NOCTTY | O_NONBLOCK));
        return fd;
    case K_EPOLL: return trk(G(epoll_create1)(0));
    case K_TCP: return gsock(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    case K_TCP_LISTEN: return set_nonblock(tcp_listener(0));
    case K_TCP_CONN:
    case K_TCP_PEERCLOSED:
        fd = set_nonblock(tcp_pair(&c));
        set_nonblock(c);
        if (k == K_TCP_CONN) {
            G(send)(c, "TCPDATA", 7, 0);
            wait_in(fd);
            peer = c;
        } else {
            gclose_now(c);
            wait_in(fd);
        }
        return fd;
    case K_UDP: return gsock(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    case K_UDP_CONN:
        fd = udp_bound(UP1);
        c = udp_bound(UP2);
        a = sin4("127.0.0.1", UP2);
        G(connect)(fd, (struct sockaddr *)&a, sizeof a);
        a = sin4("127.0.0.1", UP1);
        G(connect)(c, (struct sockaddr *)&a, sizeof a);
        G(send)(c, "UDPDATA", 7, 0);
        wait_in(fd);
        peer = c;
        return fd;
    case K_USTREAM_PAIR:
    case K_USTREAM_PAIR_EMPTY:
        gpair(SOCK_STREAM | SOCK_NONBLOCK, sv);
        if (k == K_USTREAM_PAIR)
            G(send)(sv[1], "PAIRDATA", 8, 0);
        peer = sv[1];
        return sv[0];
    case K_UDGRAM_PAIR:
    case K_USEQ_PAIR:
        gpair((k == K_UDGRAM_PAIR ? SOCK_DGRAM : SOCK_SEQPACKET) | SOCK_NONBLOCK, sv);
        G(send)(sv[1], "DGRAMDATA", 9, 0);
        G(send)(sv[1], "SECOND", 6, 0);
        peer = sv[1];
        return sv[0];
    case K_UDGRAM: return gsock(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    case K_USTREAM: return gsock(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    }
    return -1;
}

static int is_file(int k) { return k == K_FILE || k == K_FILE_RO || k == K_FILE_WO; }

/* After a call on a kind-k descriptor: record what it left behind. */
static void post(int k, int fd)
{
    if (is_file(k)) {
        char b[64];
        struct stat st;
        memset(b, 0, sizeof b);
        rec_l(lseek(fd, 0, SEEK_CUR));
        rec_l(pread(fd, b, sizeof b, 0));
        rec(b, sizeof b);
        fstat(fd, &st);
        rec_l(st.st_size);
        return;
    }
    if (k == K_PTY || k == K_NEG || k == K_BIG || k == K_CLOSED || k == K_DIR || k == K_OPATH || k == K_DEVNULL)
        return;
    if (k == K_EVENTFD || k == K_EVENTFD0 || k == K_PIPE_R || k == K_PIPE_R_EMPTY || k >= K_TCP_CONN)
        rec_drain(fd);
    if (peer >= 0)
        rec_drain(peer);
}

static const char hello[] = "hello";

/* The same operations on every kind of descriptor. */
static void matrix(void)
{
    for (int k = 0; k < NK; k++) {
        char buf[32];
        struct iovec iov[2];

        CASE {
            int fd = mkfd(k);
            memset(buf, 0xAA, sizeof buf);
            CALL(read, fd, buf, 16);
            rec(buf, sizeof buf);
            post(k, fd);
        }
        DONE("read 16 bytes: %s", kname[k]);

        CASE {
            int fd = mkfd(k);
            CALL(write, fd, hello, 5);
            post(k, fd);
        }
        DONE("write 5 bytes: %s", kname[k]);

        CASE {
            int fd = mkfd(k);
            memset(buf, 0xAA, sizeof buf);
            iov[0] = (struct iovec){buf, 4};
            iov[1] = (struct iovec){buf + 8, 12};
            CALL(readv, fd, iov, 2);
            rec(buf, sizeof buf);
            post(k, fd);
        }
        DONE("readv 4+12 bytes: %s", kname[k]);

        CASE {
            int fd = mkfd(k);
            iov[0] = (struct iovec){(void *)"he", 2};
            iov[1] = (struct iovec){(void *)"llo", 3};
            CALL(writev, fd, iov, 2);
            post(k, fd);
        }
        DONE("writev 2+3 bytes: %s", kname[k]);

        CASE {
            int fd = mkfd(k);
            CALL(send, fd, hello, 5, MSG_NOSIGNAL | MSG_DONTWAIT);
            post(k, fd);
        }
        DONE("send MSG_NOSIGNAL|MSG_DONTWAIT: %s", kname[k]);

        CASE {
            int fd = mkfd(k);
            memset(buf, 0xAA, sizeof buf);
            CALL(recv, fd, buf, 16, MSG_DONTWAIT);
            rec(buf, sizeof buf);
            post(k, fd);
        }
        DONE("recv 16 MSG_DONTWAIT: %s", kname[k]);

        CASE {
            int fd = mkfd(k);
            struct sockaddr_in a = sin4("127.0.0.1", CLOSED_UDP);
            CALL(sendto, fd, hello, 5, MSG_NOSIGNAL | MSG_DONTWAIT, (struct sockaddr *)&a, sizeof a);
            post(k, fd);
        }
        DONE("sendto 127.0.0.1:closed-udp-port: %s", kname[k]);

        CASE {
            int fd = mkfd(k);
            struct sockaddr_storage ss;
            socklen_t sl = sizeof ss;
            memset(&ss, 0xAA, sizeof ss);
            memset(buf, 0xAA, sizeof buf);
            CALL(recvfrom, fd, buf, 16, MSG_DONTWAIT, (struct sockaddr *)&ss, &sl);
            rec(buf, sizeof buf);
            rec(&ss, sizeof ss);
            rec(&sl, sizeof sl);
            post(k, fd);
        }
        DONE("recvfrom 16 with address buffer: %s", kname[k]);

        CASE {
            int fd = mkfd(k);
            struct msghdr m;
            memset(&m, 0, sizeof m);
            iov[0] = (struct iovec){(void *)"he", 2};
            iov[1] = (struct iovec){(void *)"llo", 3};
            m.msg_iov = iov;
            m.msg_iovlen = 2;
            CALL(sendmsg, fd, &m, MSG_NOSIGNAL | MSG_DONTWAIT);
            post(k, fd);
        }
        DONE("sendmsg 2 iovecs: %s", kname[k]);

        CASE {
            int fd = mkfd(k);
            struct msghdr m;
            struct sockaddr_storage ss;
            char ctl[64];
            memset(&m, 0, sizeof m);
            memset(&ss, 0xAA, sizeof ss);
            memset(ctl, 0xAA, sizeof ctl);
            memset(buf, 0xAA, sizeof buf);
            iov[0] = (struct iovec){buf, 4};
            iov[1] = (struct iovec){buf + 8, 12};
            m.msg_name = &ss;
            m.msg_namelen = sizeof ss;
            m.msg_iov = iov;
            m.msg_iovlen = 2;
            m.msg_control = ctl;
            m.msg_controllen = sizeof ctl;
            m.msg_flags = 0x5a5a;
            CALL(recvmsg, fd, &m, MSG_DONTWAIT);
            rec(buf, sizeof buf);
            rec(&ss, sizeof ss);
            rec_l(m.msg_namelen);
            rec_l((long)m.msg_iovlen);
            rec_l((long)m.msg_controllen);
            rec_l(m.msg_flags);
            rec(ctl, sizeof ctl);
            post(k, fd);
        }
        DONE("recvmsg 4+12 with name and control: %s", kname[k]);

        CASE {
            int fd = mkfd(k);
            struct mmsghdr mm[2];
            struct iovec v[2] = {{(void *)"one", 3}, {(void *)"two!", 4}};
            memset(mm, 0, sizeof mm);
            mm[0].msg_hdr.msg_iov = &v[0];
            mm[0].msg_hdr.msg_iovlen = 1;
            mm[1].msg_hdr.msg_iov = &v[1];
            mm[1].msg_hdr.msg_iovlen = 1;
            mm[0].msg_len = mm[1].msg_len = 0xdeadbeef;
            CALL(sendmmsg, fd, mm, 2, MSG_NOSIGNAL | MSG_DONTWAIT);
            rec_l(mm[0].msg_len);
            rec_l(mm[1].msg_len);
            post(k, fd);
        }
        DONE("sendmmsg 2 messages: %s", kname[k]);

        CASE {
            int fd = mkfd(k);
            struct mmsghdr mm[2];
            char b2[2][16];
            struct iovec v[2] = {{b2[0], 16}, {b2[1], 16}};
            memset(mm, 0, sizeof mm);
            memset(b2, 0xAA, sizeof b2);
            mm[0].msg_hdr.msg_iov = &v[0];
            mm[0].msg_hdr.msg_iovlen = 1;
            mm[1].msg_hdr.msg_iov = &v[1];
            mm[1].msg_hdr.msg_iovlen = 1;
            mm[0].msg_len = mm[1].msg_len = 0xdeadbeef;
            CALL(recvmmsg, fd, mm, 2, MSG_DONTWAIT, NULL);
            for (int i = 0; i < 2; i++) {
                rec_l(mm[i].msg_len);
                rec_l(mm[i].msg_hdr.msg_flags);
                rec_l(mm[i].msg_hdr.msg_namelen);
                rec_l((long)mm[i].msg_hdr.msg_controllen);
            }
            rec(b2, sizeof b2);
            post(k, fd);
        }
        DONE("recvmmsg 2 x 16 MSG_DONTWAIT: %s", kname[k]);

        CASE {
            int fd = mkfd(k);
            CALL(close, fd);
            if (peer >= 0)
                rec_drain(peer);
            if (fd >= 0 && fd != 9999)
                for (int i = 0; i < ntrk; i++)
                    if (trk_fd[i] == fd)
                        trk_fd[i] = trk_fd[--ntrk];
        }
        DONE("close: %s", kname[k]);
    }
}

/* ---------------- read / write / readv / writev / close edge cases ---------------- */

static void rw_cases(void)
{
    char buf[64];
    struct iovec iov[4];

    CASE { int fd = mkfd(K_PIPE_R); CALL(read, fd, NULL, 0); post(K_PIPE_R, fd); }
    DONE("read: pipe with data, NULL buffer, count 0");
    CASE { int fd = mkfd(K_PIPE_R); CALL(read, fd, NULLP, 8); post(K_PIPE_R, fd); }
    DONE("read: pipe with data, NULL buffer, count 8");
    CASE { int fd = mkfd(K_PIPE_R); CALL(read, fd, BADP, 8); post(K_PIPE_R, fd); }
    DONE("read: pipe with data, PROT_NONE buffer");
    CASE { int fd = mkfd(K_FILE); CALL(read, fd, BADP, 8); post(K_FILE, fd); }
    DONE("read: regular file, PROT_NONE buffer");
    CASE { int fd = mkfd(K_USTREAM_PAIR); CALL(read, fd, BADP, 8); post(K_USTREAM_PAIR, fd); }
    DONE("read: unix stream with data, PROT_NONE buffer");
    CASE { int fd = mkfd(K_FILE); memset(buf, 0xAA, sizeof buf); CALL(read, fd, buf, HIDE((size_t)-1)); rec(buf, sizeof buf); post(K_FILE, fd); }
    DONE("read: regular file, count SIZE_MAX");
    CASE { int fd = mkfd(K_FILE); memset(buf, 0xAA, sizeof buf); CALL(read, fd, buf, HIDE((size_t)SSIZE_MAX)); rec(buf, sizeof buf); post(K_FILE, fd); }
    DONE("read: regular file, count SSIZE_MAX");
    CASE { int fd = mkfd(K_FILE); lseek(fd, 0, SEEK_END); memset(buf, 0xAA, sizeof buf); CALL(read, fd, buf, 16); rec(buf, sizeof buf); post(K_FILE, fd); }
    DONE("read: regular file at EOF");
    for (int n = 0; n <= 9; n += 3) {
        CASE { int fd = mkfd(K_EVENTFD); memset(buf, 0xAA, sizeof buf); CALL(read, fd, buf, n); rec(buf, sizeof buf); post(K_EVENTFD, fd); }
        DONE("read: eventfd into a %d-byte buffer", n);
    }
    CASE { int fd = mkfd(K_PIPE_W); CALL(read, fd, buf, 8); }
    DONE("read: from the write end of a pipe");
    CASE { int fd = mkfd(K_FILE_WO); CALL(read, fd, buf, 8); }
    DONE("read: write-only file");
    CASE {
        int fd = mkfd(K_USTREAM_PAIR);
        G(shutdown)(peer, SHUT_WR);
        memset(buf, 0xAA, sizeof buf);
        CALL(read, fd, buf, sizeof buf);
        CALL(read, fd, buf, sizeof buf);
        rec(buf, sizeof buf);
    }
    DONE("read: unix stream, data then EOF after peer SHUT_WR");

    CASE { int fd = mkfd(K_PIPE_W); CALL(write, fd, NULL, 0); post(K_PIPE_W, fd); }
    DONE("write: pipe, NULL buffer, count 0");
    CASE { int fd = mkfd(K_PIPE_W); CALL(write, fd, NULLP, 5); post(K_PIPE_W, fd); }
    DONE("write: pipe, NULL buffer, count 5");
    CASE { int fd = mkfd(K_PIPE_W); CALL(write, fd, BADP, 5); post(K_PIPE_W, fd); }
    DONE("write: pipe, PROT_NONE buffer");
    CASE { int fd = mkfd(K_FILE); CALL(write, fd, BADP, 5); post(K_FILE, fd); }
    DONE("write: regular file, PROT_NONE buffer");
    CASE { int fd = mkfd(K_DEVNULL); CALL(write, fd, BADP, 5); }
    DONE("write: /dev/null, PROT_NONE buffer (never read)");
    CASE { int fd = mkfd(K_PIPE_W_NOREADER); CALL(write, fd, hello, 0); }
    DONE("write: pipe without reader, count 0");
    CASE { int fd = mkfd(K_PIPE_R); CALL(write, fd, hello, 5); post(K_PIPE_R, fd); }
    DONE("write: to the read end of a pipe");
    {
        static const uint64_t vals[] = {1, 0, 0xfffffffffffffffeULL, 0xffffffffffffffffULL};
        for (int i = 0; i < 4; i++) {
            CASE { int fd = mkfd(K_EVENTFD); CALL(write, fd, &vals[i], 8); post(K_EVENTFD, fd); }
            DONE("write: eventfd value %#llx", (unsigned long long)vals[i]);
        }
    }
    CASE { int fd = mkfd(K_EVENTFD); uint64_t v = 1; CALL(write, fd, &v, 4); post(K_EVENTFD, fd); }
    DONE("write: eventfd, 4-byte value");
    CASE { int fd = mkfd(K_FILE); CALL(write, fd, EDGEP, SSIZE_MAX); post(K_FILE, fd); }
    DONE("write: regular file, count SSIZE_MAX from a page followed by PROT_NONE");
    CASE { int fd = mkfd(K_FILE); CALL(write, fd, EDGEP + 4000, 200); post(K_FILE, fd); }
    DONE("write: regular file, 200 bytes crossing into a PROT_NONE page");
    CASE { int fd = mkfd(K_PIPE_W); CALL(write, fd, EDGEP + 4000, 200); post(K_PIPE_W, fd); }
    DONE("write: pipe, 200 bytes crossing into a PROT_NONE page");
    CASE {
        int fd = mkfd(K_FILE);
        fcntl(fd, F_SETFL, O_APPEND);
        CALL(write, fd, hello, 5);
        post(K_FILE, fd);
    }
    DONE("write: regular file with O_APPEND");

    /* readv / writev: counts and vectors */
    {
        static const int cnts[] = {0, -1, 1025, 1024, INT_MAX, INT_MIN, 1 << 16};
        static struct iovec big[1025];
        static char bytes[1025];
        for (int i = 0; i < 1025; i++)
            big[i] = (struct iovec){&bytes[i], 1};
        for (unsigned i = 0; i < sizeof cnts / sizeof cnts[0]; i++) {
            int c = cnts[i];
            CASE { int fd = mkfd(K_PIPE_R); memset(bytes, 0xAA, sizeof bytes); CALL(readv, fd, big, c); rec(bytes, 16); post(K_PIPE_R, fd); }
            DONE("readv: pipe with data, iovcnt %d", c);
            CASE { int fd = mkfd(K_PIPE_W); memset(bytes, 'w', sizeof bytes); CALL(writev, fd, big, c); post(K_PIPE_W, fd); }
            DONE("writev: pipe, iovcnt %d", c);
        }
    }
    CASE { int fd = mkfd(K_PIPE_R); CALL(readv, fd, NULLP, 1); post(K_PIPE_R, fd); }
    DONE("readv: NULL iov, iovcnt 1");
    CASE { int fd = mkfd(K_PIPE_R); CALL(readv, fd, BADP, 1); post(K_PIPE_R, fd); }
    DONE("readv: PROT_NONE iov");
    CASE { int fd = mkfd(K_PIPE_R); CALL(readv, fd, NULL, 0); post(K_PIPE_R, fd); }
    DONE("readv: NULL iov, iovcnt 0");
    CASE { int fd = mkfd(K_PIPE_W); CALL(writev, fd, BADP, 2); post(K_PIPE_W, fd); }
    DONE("writev: PROT_NONE iov");
    CASE { int fd = mkfd(K_PIPE_R); iov[0] = (struct iovec){NULL, 8}; CALL(readv, fd, iov, 1); post(K_PIPE_R, fd); }
    DONE("readv: iov_base NULL, iov_len 8");
    CASE { int fd = mkfd(K_PIPE_R); iov[0] = (struct iovec){BADP, 8}; CALL(readv, fd, iov, 1); post(K_PIPE_R, fd); }
    DONE("readv: iov_base PROT_NONE");
    CASE { int fd = mkfd(K_PIPE_W); iov[0] = (struct iovec){(void *)hello, 2}; iov[1] = (struct iovec){BADP, 3}; CALL(writev, fd, iov, 2); post(K_PIPE_W, fd); }
    DONE("writev: second iov_base PROT_NONE");
    CASE { int fd = mkfd(K_PIPE_R); iov[0] = (struct iovec){buf, SSIZE_MAX}; iov[1] = (struct iovec){buf, SSIZE_MAX}; CALL(readv, fd, iov, 2); post(K_PIPE_R, fd); }
    DONE("readv: iov_len SSIZE_MAX twice (total overflows)");
    CASE { int fd = mkfd(K_PIPE_W); iov[0] = (struct iovec){(void *)hello, (size_t)-1}; CALL(writev, fd, iov, 1); post(K_PIPE_W, fd); }
    DONE("writev: iov_len SIZE_MAX");
    CASE { int fd = mkfd(K_PIPE_W); iov[0] = (struct iovec){(void *)hello, 0}; iov[1] = (struct iovec){NULL, 0}; CALL(writev, fd, iov, 2); post(K_PIPE_W, fd); }
    DONE("writev: two empty iovecs (one NULL)");
    CASE { int fd = mkfd(K_EVENTFD); memset(buf, 0xAA, sizeof buf); iov[0] = (struct iovec){buf, 2}; iov[1] = (struct iovec){buf + 4, 2}; CALL(readv, fd, iov, 2); rec(buf, 16); post(K_EVENTFD, fd); }
    DONE("readv: eventfd, 2+2 bytes (too small)");
    CASE { int fd = mkfd(K_EVENTFD); memset(buf, 0xAA, sizeof buf); iov[0] = (struct iovec){buf, 3}; iov[1] = (struct iovec){buf + 4, 5}; CALL(readv, fd, iov, 2); rec(buf, 16); post(K_EVENTFD, fd); }
    DONE("readv: eventfd, 3+5 bytes (split counter)");
    CASE { int fd = mkfd(K_FILE_RO); iov[0] = (struct iovec){(void *)hello, 5}; CALL(writev, fd, iov, 1); post(K_FILE_RO, fd); }
    DONE("writev: read-only file");
    CASE { int fd = mkfd(K_USTREAM_PAIR_EMPTY); iov[0] = (struct iovec){(void *)"a", 1}; iov[1] = (struct iovec){(void *)"bc", 2}; iov[2] = (struct iovec){(void *)"def", 3}; CALL(writev, fd, iov, 3); post(K_USTREAM_PAIR_EMPTY, fd); }
    DONE("writev: unix stream pair, 3 iovecs");
    CASE { int fd = mkfd(K_UDGRAM_PAIR); memset(buf, 0xAA, sizeof buf); iov[0] = (struct iovec){buf, 3}; iov[1] = (struct iovec){buf + 8, 3}; CALL(readv, fd, iov, 2); rec(buf, 16); post(K_UDGRAM_PAIR, fd); }
    DONE("readv: unix dgram, 3+3 bytes of a 9-byte datagram (truncates)");

    /* close */
    CASE { CALL(close, INT_MAX); }
    DONE("close: INT_MAX");
    CASE { CALL(close, INT_MIN); }
    DONE("close: INT_MIN");
    CASE { int fd = G(dup)(1); CALL(close, fd); CALL(close, fd); }
    DONE("close: twice");
    CASE { int p[2]; pipe(p); trk(p[0]); CALL(close, p[1]); rec_drain(p[0]); memset(buf, 0, 8); G(read)(p[0], buf, 8); }
    DONE("close: pipe write end, reader sees EOF");
}

/* ---------------- send / recv / sendto / recvfrom ---------------- */

static void sendrecv_cases(void)
{
    char buf[64];
    static char large[300000];

    CASE { int fd = mkfd(K_USTREAM_PAIR_EMPTY); CALL(send, fd, hello, 5, 0x10000000 | MSG_NOSIGNAL); post(K_USTREAM_PAIR_EMPTY, fd); }
    DONE("send: unknown flag 0x10000000 on unix stream");
    CASE { int fd = mkfd(K_USTREAM_PAIR_EMPTY); CALL(send, fd, hello, 5, -1); post(K_USTREAM_PAIR_EMPTY, fd); }
    DONE("send: flags -1 on unix stream");
    CASE { int fd = mkfd(K_UDGRAM_PAIR); CALL(send, fd, hello, 5, MSG_OOB); post(K_UDGRAM_PAIR, fd); }
    DONE("send: MSG_OOB on unix dgram");
    CASE { int fd = mkfd(K_UDP_CONN); CALL(send, fd, hello, 5, MSG_OOB); post(K_UDP_CONN, fd); }
    DONE("send: MSG_OOB on UDP");
    CASE { int fd = mkfd(K_USTREAM_PAIR_EMPTY); CALL(send, fd, NULLP, 5, MSG_DONTWAIT); post(K_USTREAM_PAIR_EMPTY, fd); }
    DONE("send: NULL buffer, len 5");
    CASE { int fd = mkfd(K_USTREAM_PAIR_EMPTY); CALL(send, fd, NULL, 0, MSG_DONTWAIT); post(K_USTREAM_PAIR_EMPTY, fd); }
    DONE("send: NULL buffer, len 0 (stream)");
    CASE { int fd = mkfd(K_UDGRAM_PAIR); CALL(send, fd, NULL, 0, MSG_DONTWAIT); post(K_UDGRAM_PAIR, fd); }
    DONE("send: len 0 (unix dgram: an empty datagram)");
    CASE { int fd = mkfd(K_UDP_CONN); CALL(send, fd, hello, 0, 0); post(K_UDP_CONN, fd); }
    DONE("send: len 0 on connected UDP");
    CASE { int fd = mkfd(K_USTREAM_PAIR_EMPTY); CALL(send, fd, BADP, 5, MSG_DONTWAIT); post(K_USTREAM_PAIR_EMPTY, fd); }
    DONE("send: PROT_NONE buffer");
    CASE { int fd = mkfd(K_USTREAM_PAIR_EMPTY); CALL(send, fd, EDGEP, (size_t)-1, MSG_DONTWAIT); post(K_USTREAM_PAIR_EMPTY, fd); }
    DONE("send: len SIZE_MAX from a page followed by PROT_NONE");
    CASE { int fd = mkfd(K_UDGRAM_PAIR); CALL(send, fd, large, sizeof large, MSG_DONTWAIT); post(K_UDGRAM_PAIR, fd); }
    DONE("send: 300000-byte datagram (EMSGSIZE)");
    CASE { int fd = mkfd(K_UDP_CONN); CALL(send, fd, large, 65508, 0); post(K_UDP_CONN, fd); }
    DONE("send: UDP datagram of 65508 bytes (one over the limit)");
    CASE { int fd = mkfd(K_UDP_CONN); CALL(send, fd, large, 65507, 0); rec_drain(peer); }
    DONE("send: UDP datagram of 65507 bytes (the limit)");
    CASE { int fd = mkfd(K_TCP); CALL(send, fd, hello, 5, 0); }
    DONE("send: unconnected TCP without MSG_NOSIGNAL (SIGPIPE ignored)");
    CASE { int fd = mkfd(K_USTREAM_PAIR_EMPTY); gclose_now(peer); peer = -1; CALL(send, fd, hello, 5, MSG_NOSIGNAL); }
    DONE("send: unix stream, peer closed (EPIPE)");
    CASE { int fd = mkfd(K_UDGRAM_PAIR); gclose_now(peer); peer = -1; CALL(send, fd, hello, 5, MSG_NOSIGNAL); }
    DONE("send: unix dgram, peer closed");
    CASE {
        int fd = mkfd(K_UDP);
        struct sockaddr_in a = sin4("127.0.0.1", CLOSED_UDP);
        G(connect)(fd, (struct sockaddr *)&a, sizeof a);
        CALL(send, fd, hello, 5, 0);
        wait_in(fd);
        CALL(recv, fd, buf, sizeof buf, MSG_DONTWAIT);
        CALL(recv, fd, buf, sizeof buf, MSG_DONTWAIT);
    }
    DONE("send+recv: connected UDP to a closed port (ECONNREFUSED, once)");

    CASE { int fd = mkfd(K_USTREAM_PAIR); memset(buf, 0xAA, sizeof buf); CALL(recv, fd, buf, 4, MSG_PEEK); CALL(recv, fd, buf + 8, 16, 0); rec(buf, 32); }
    DONE("recv: MSG_PEEK 4 then read all (unix stream)");
    CASE { int fd = mkfd(K_UDGRAM_PAIR); memset(buf, 0xAA, sizeof buf); CALL(recv, fd, buf, 2, MSG_TRUNC); rec(buf, 16); post(K_UDGRAM_PAIR, fd); }
    DONE("recv: MSG_TRUNC into 2 bytes (dgram: real length)");
    CASE { int fd = mkfd(K_UDGRAM_PAIR); memset(buf, 0xAA, sizeof buf); CALL(recv, fd, buf, 0, 0); post(K_UDGRAM_PAIR, fd); }
    DONE("recv: len 0 on unix dgram (datagram discarded)");
    CASE { int fd = mkfd(K_USTREAM_PAIR); CALL(recv, fd, buf, 0, 0); post(K_USTREAM_PAIR, fd); }
    DONE("recv: len 0 on unix stream");
    CASE { int fd = mkfd(K_USTREAM_PAIR); memset(buf, 0xAA, sizeof buf); CALL(recv, fd, buf, 16, MSG_WAITALL | MSG_DONTWAIT); rec(buf, 16); }
    DONE("recv: MSG_WAITALL|MSG_DONTWAIT with 8 of 16 bytes queued");
    CASE { int fd = mkfd(K_USTREAM_PAIR); CALL(recv, fd, NULLP, 8, 0); post(K_USTREAM_PAIR, fd); }
    DONE("recv: NULL buffer with data queued");
    CASE { int fd = mkfd(K_UDGRAM_PAIR); CALL(recv, fd, BADP, 8, 0); post(K_UDGRAM_PAIR, fd); }
    DONE("recv: PROT_NONE buffer (dgram)");
    CASE { int fd = mkfd(K_USTREAM_PAIR_EMPTY); CALL(recv, fd, buf, 8, MSG_OOB); }
    DONE("recv: MSG_OOB with none pending (unix stream)");
    CASE { int fd = mkfd(K_TCP_CONN); CALL(recv, fd, buf, 8, MSG_OOB); post(K_TCP_CONN, fd); }
    DONE("recv: MSG_OOB with none pending (TCP)");
    CASE {
        int fd = mkfd(K_TCP_CONN);
        memset(buf, 0xAA, sizeof buf);
        G(send)(peer, "!", 1, MSG_OOB);
        wait_in(fd);
        CALL(recv, fd, buf, 16, MSG_DONTWAIT);
        CALL(recv, fd, buf + 16, 8, MSG_OOB);
        rec(buf, 24);
    }
    DONE("recv: TCP urgent byte via MSG_OOB");
    CASE { int fd = mkfd(K_UDP); CALL(recv, fd, buf, 8, MSG_ERRQUEUE); }
    DONE("recv: MSG_ERRQUEUE empty (UDP)");
    CASE { int fd = mkfd(K_USTREAM_PAIR_EMPTY); CALL(recv, fd, buf, 8, MSG_DONTWAIT | 0x20000000); }
    DONE("recv: MSG_DONTWAIT plus unknown flag on empty stream");
    CASE { int fd = mkfd(K_UDGRAM_PAIR); memset(buf, 0xAA, sizeof buf); CALL(recv, fd, buf, 16, MSG_CMSG_CLOEXEC); rec(buf, 16); }
    DONE("recv: MSG_CMSG_CLOEXEC (no control data)");

    /* sendto: addresses */
    {
        struct { const char *what; socklen_t len; int fam; int usenull; } tc[] = {
            {"addrlen 0", 0, AF_INET, 0}, {"addrlen 1", 1, AF_INET, 0}, {"addrlen 15", 15, AF_INET, 0},
            {"addrlen 16", 16, AF_INET, 0}, {"addrlen 128", 128, AF_INET, 0}, {"addrlen 129", 129, AF_INET, 0},
            {"addrlen 0x7fffffff", 0x7fffffff, AF_INET, 0}, {"addrlen (socklen_t)-1", (socklen_t)-1, AF_INET, 0},
            {"NULL address, addrlen 16", 16, AF_INET, 1}, {"PROT_NONE address, addrlen 16", 16, AF_INET, 2},
            {"family AF_INET6 (len 28)", 28, AF_INET6, 0}, {"family AF_UNSPEC", 16, AF_UNSPEC, 0},
            {"family 12345", 16, 12345, 0},
        };
        for (unsigned i = 0; i < sizeof tc / sizeof tc[0]; i++) {
            CASE {
                int fd = udp_bound(UP1), rx = udp_bound(UP2);
                struct sockaddr_storage ss;
                struct sockaddr_in *a = (struct sockaddr_in *)&ss;
                memset(&ss, 0, sizeof ss);
                *a = sin4("127.0.0.1", UP2);
                a->sin_family = tc[i].fam;
                CALL(sendto, fd, hello, 5, 0, tc[i].usenull == 1 ? NULL : tc[i].usenull == 2 ? BADP : (void *)&ss, tc[i].len);
                wait_in(rx);
                rec_drain(rx);
            }
            DONE("sendto: UDP, %s", tc[i].what);
        }
    }
    CASE { int fd = mkfd(K_USTREAM_PAIR_EMPTY); struct sockaddr_un u; socklen_t l = abstract_addr(&u, "x"); CALL(sendto, fd, hello, 5, 0, (struct sockaddr *)&u, l); }
    DONE("sendto: address on a connected unix stream");
    CASE { int fd = mkfd(K_USTREAM); struct sockaddr_un u; socklen_t l = abstract_addr(&u, "x"); CALL(sendto, fd, hello, 5, MSG_NOSIGNAL, (struct sockaddr *)&u, l); }
    DONE("sendto: address on an unconnected unix stream");
    CASE { int fd = mkfd(K_UDGRAM); struct sockaddr_un u = {AF_UNIX, "/nonexistent/sockshim"}; CALL(sendto, fd, hello, 5, 0, (struct sockaddr *)&u, sizeof u); }
    DONE("sendto: unix dgram to a path that does not exist");
    CASE { int fd = mkfd(K_UDGRAM); struct sockaddr_un u; socklen_t l = abstract_addr(&u, "unbound"); CALL(sendto, fd, hello, 5, 0, (struct sockaddr *)&u, l); }
    DONE("sendto: unix dgram to an unbound abstract name");
    CASE { int fd = mkfd(K_UDGRAM); CALL(sendto, fd, hello, 5, 0, NULL, 0); }
    DONE("sendto: unconnected unix dgram, no address");
    CASE { int fd = mkfd(K_UDP); CALL(sendto, fd, hello, 5, 0, NULL, 0); }
    DONE("sendto: unconnected UDP, no address (EDESTADDRREQ)");

    /* recvfrom: the address out-parameters */
    {
        struct { const char *what; int len; int mode; } tc[] = {
            {"addrlen 0", 0, 0}, {"addrlen 3", 3, 0}, {"addrlen 16", 16, 0}, {"addrlen 200", 200, 0},
            {"addrlen -1", -1, 0}, {"addrlen INT_MAX", INT_MAX, 0}, {"address NULL, addrlen 16", 16, 1},
            {"address PROT_NONE", 16, 2}, {"addrlen pointer NULL", 16, 3}, {"addrlen pointer PROT_NONE", 16, 4},
        };
        for (unsigned i = 0; i < sizeof tc / sizeof tc[0]; i++) {
            for (int unix_ = 0; unix_ < 2; unix_++) {
                CASE {
                    int fd, tx;
                    unsigned char ss[256];
                    socklen_t sl = (socklen_t)tc[i].len;
                    if (unix_) {
                        struct sockaddr_un u;
                        socklen_t l;
                        fd = gsock(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
                        tx = gsock(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
                        l = abstract_addr(&u, "tx");
                        G(bind)(tx, (struct sockaddr *)&u, l);
                        l = abstract_addr(&u, "rx");
                        G(bind)(fd, (struct sockaddr *)&u, l);
                        G(sendto)(tx, "FROMTX", 6, 0, (struct sockaddr *)&u, l);
                    } else {
                        fd = udp_bound(UP1);
                        tx = udp_bound(UP2);
                        struct sockaddr_in a = sin4("127.0.0.1", UP1);
                        G(sendto)(tx, "FROMTX", 6, 0, (struct sockaddr *)&a, sizeof a);
                        wait_in(fd);
                    }
                    memset(ss, 0xAA, sizeof ss);
                    memset(buf, 0xAA, sizeof buf);
                    CALL(recvfrom, fd, buf, 16, MSG_DONTWAIT,
                         tc[i].mode == 1 ? NULL : tc[i].mode == 2 ? BADP : (void *)ss,
                         tc[i].mode == 3 ? NULL : tc[i].mode == 4 ? BADP : &sl);
                    rec(buf, 16);
                    rec(ss, sizeof ss);
                    rec(&sl, sizeof sl);
                    rec_drain(fd);
                }
                DONE("recvfrom: %s, %s", unix_ ? "unix dgram from abstract name" : "UDP", tc[i].what);
            }
        }
    }
}

/* ---------------- sendmsg / recvmsg ---------------- */

static void rec_msghdr(const struct msghdr *m)
{
    rec_l(m->msg_namelen);
    rec_l((long)m->msg_iovlen);
    rec_l((long)m->msg_controllen);
    rec_l(m->msg_flags);
}

/* Record a received control buffer: headers and, for SCM_RIGHTS, the kind
 * of each descriptor (then closed), for anything else its bytes. */
static void rec_cmsgs(struct msghdr *m)
{
    struct cmsghdr *c;
    if (m->msg_controllen > 4096 || !m->msg_control)
        return;
    for (c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
        rec_l((long)c->cmsg_len);
        rec_l(c->cmsg_level);
        rec_l(c->cmsg_type);
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
            int n = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
            for (int i = 0; i < n; i++) {
                int fd;
                memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
                rec_fdkind(fd);
                trk(fd);
            }
        } else if (c->cmsg_len >= CMSG_LEN(0) && c->cmsg_len < 256) {
            rec(CMSG_DATA(c), c->cmsg_len - CMSG_LEN(0));
        }
    }
}

/* Queue `nfds` descriptors (a pipe read end, /dev/null, ...) with "FD" on sv[1]. */
static void send_fds(int s, int nfds)
{
    union { char b[CMSG_SPACE(4 * sizeof(int))]; struct cmsghdr align; } u;
    int fds[4];
    struct iovec v = {(void *)"FD", 2};
    struct msghdr m = {0};
    int p[2];
    pipe(p);
    fds[0] = p[0];
    fds[1] = open("/dev/null", O_RDONLY);
    fds[2] = eventfd(0, 0);
    fds[3] = p[1];
    memset(&u, 0, sizeof u);
    m.msg_iov = &v;
    m.msg_iovlen = 1;
    m.msg_control = u.b;
    m.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(nfds * sizeof(int));
    memcpy(CMSG_DATA(c), fds, nfds * sizeof(int));
    G(sendmsg)(s, &m, 0);
    for (int i = 0; i < 4; i++)
        G(close)(fds[i]);
}

static void msg_cases(void)
{
    char buf[64];
    struct iovec iov[2];
    static struct iovec many[1025];
    for (int i = 0; i < 1025; i++)
        many[i] = (struct iovec){(void *)"m", 1};

    CASE { int fd = mkfd(K_USTREAM_PAIR_EMPTY); CALL(sendmsg, fd, NULLP, 0); post(K_USTREAM_PAIR_EMPTY, fd); }
    DONE("sendmsg: msg NULL");
    CASE { int fd = mkfd(K_USTREAM_PAIR_EMPTY); CALL(sendmsg, fd, BADP, 0); post(K_USTREAM_PAIR_EMPTY, fd); }
    DONE("sendmsg: msg PROT_NONE");
    {
        static const size_t lens[] = {0, 1, 1024, 1025, (size_t)-1};
        for (int t = 0; t < 2; t++)
            for (unsigned i = 0; i < 5; i++) {
                CASE {
                    int fd = mkfd(t ? K_UDGRAM_PAIR : K_USTREAM_PAIR_EMPTY);
                    struct msghdr m = {0};
                    m.msg_iov = many;
                    m.msg_iovlen = lens[i];
                    CALL(sendmsg, fd, &m, MSG_DONTWAIT);
                    rec_drain(peer);
                }
                DONE("sendmsg: %s, msg_iovlen %zu", t ? "unix dgram" : "unix stream", lens[i]);
            }
    }
    CASE { int fd = mkfd(K_USTREAM_PAIR_EMPTY); struct msghdr m = {0}; m.msg_iovlen = 1; CALL(sendmsg, fd, &m, 0); }
    DONE("sendmsg: msg_iov NULL, msg_iovlen 1");
    CASE { int fd = mkfd(K_USTREAM_PAIR_EMPTY); struct msghdr m = {0}; m.msg_iov = BADP; m.msg_iovlen = 1; CALL(sendmsg, fd, &m, 0); }
    DONE("sendmsg: msg_iov PROT_NONE");
    {
        static const size_t clens[] = {1, 15, 16, (size_t)INT_MAX + 1, (size_t)-1};
        for (unsigned i = 0; i < 5; i++) {
            CASE {
                int fd = mkfd(K_USTREAM_PAIR_EMPTY);
                char ctl[64];
                struct msghdr m = {0};
                memset(ctl, 0, sizeof ctl);
                iov[0] = (struct iovec){(void *)hello, 5};
                m.msg_iov = iov;
                m.msg_iovlen = 1;
                m.msg_control = ctl;
                m.msg_controllen = clens[i];
                CALL(sendmsg, fd, &m, MSG_DONTWAIT);
                rec_drain(peer);
            }
            DONE("sendmsg: zeroed control, msg_controllen %zu", clens[i]);
        }
    }
    CASE { int fd = mkfd(K_USTREAM_PAIR_EMPTY); struct msghdr m = {0}; iov[0] = (struct iovec){(void *)hello, 5}; m.msg_iov = iov; m.msg_iovlen = 1; m.msg_control = BADP; m.msg_controllen = 32; CALL(sendmsg, fd, &m, 0); rec_drain(peer); }
    DONE("sendmsg: msg_control PROT_NONE");
    CASE { int fd = mkfd(K_USTREAM_PAIR_EMPTY); struct msghdr m = {0}; iov[0] = (struct iovec){(void *)hello, 5}; m.msg_iov = iov; m.msg_iovlen = 1; m.msg_control = NULL; m.msg_controllen = 32; CALL(sendmsg, fd, &m, 0); rec_drain(peer); }
    DONE("sendmsg: msg_control NULL, msg_controllen 32");
    {
        struct { const char *what; size_t len; int level, type, fd; } tc[] = {
            {"cmsg_len 4", 4, SOL_SOCKET, SCM_RIGHTS, 0},
            {"cmsg_len 0", 0, SOL_SOCKET, SCM_RIGHTS, 0},
            {"cmsg_len larger than the buffer", 200, SOL_SOCKET, SCM_RIGHTS, 0},
            {"SCM_RIGHTS fd -1", CMSG_LEN(sizeof(int)), SOL_SOCKET, SCM_RIGHTS, -1},
            {"SCM_RIGHTS fd 9999", CMSG_LEN(sizeof(int)), SOL_SOCKET, SCM_RIGHTS, 9999},
            {"SCM_RIGHTS no fds", CMSG_LEN(0), SOL_SOCKET, SCM_RIGHTS, 0},
            {"SOL_SOCKET type 12345", CMSG_LEN(sizeof(int)), SOL_SOCKET, 12345, 0},
            {"level 12345", CMSG_LEN(sizeof(int)), 12345, 1, 0},
            {"SCM_CREDENTIALS short", CMSG_LEN(sizeof(int)), SOL_SOCKET, SCM_CREDENTIALS, 0},
        };
        for (unsigned i = 0; i < sizeof tc / sizeof tc[0]; i++)
            for (int t = 0; t < 2; t++) {
                CASE {
                    int fd = t ? mkfd(K_UDP_CONN) : mkfd(K_USTREAM_PAIR_EMPTY);
                    union { char b[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } u;
                    struct msghdr m = {0};
                    memset(&u, 0, sizeof u);
                    struct cmsghdr *c = (struct cmsghdr *)u.b;
                    c->cmsg_len = tc[i].len;
                    c->cmsg_level = tc[i].level;
                    c->cmsg_type = tc[i].type;
                    memcpy(CMSG_DATA(c), &tc[i].fd, sizeof(int));
                    iov[0] = (struct iovec){(void *)hello, 5};
                    m.msg_iov = iov;
                    m.msg_iovlen = 1;
                    m.msg_control = u.b;
                    m.msg_controllen = sizeof u.b;
                    CALL(sendmsg, fd, &m, MSG_DONTWAIT);
                    if (peer >= 0)
                        rec_drain(peer);
                }
                DONE("sendmsg: %s, control %s", t ? "UDP" : "unix stream", tc[i].what);
            }
    }
    CASE {
        int fd = mkfd(K_USTREAM_PAIR_EMPTY);
        struct msghdr m = {0};
        struct sockaddr_un u;
        m.msg_name = &u;
        m.msg_namelen = abstract_addr(&u, "x");
        iov[0] = (struct iovec){(void *)hello, 5};
        m.msg_iov = iov;
        m.msg_iovlen = 1;
        CALL(sendmsg, fd, &m, 0);
    }
    DONE("sendmsg: msg_name on a connected unix stream");
    {
        static const socklen_t nl[] = {0, 8, 16, 200, (socklen_t)-1};
        for (unsigned i = 0; i < 5; i++) {
            CASE {
                int fd = udp_bound(UP1), rx = udp_bound(UP2);
                struct sockaddr_storage ss;
                struct msghdr m = {0};
                memset(&ss, 0, sizeof ss);
                *(struct sockaddr_in *)&ss = sin4("127.0.0.1", UP2);
                m.msg_name = &ss;
                m.msg_namelen = nl[i];
                iov[0] = (struct iovec){(void *)hello, 5};
                m.msg_iov = iov;
                m.msg_iovlen = 1;
                CALL(sendmsg, fd, &m, 0);
                wait_in(rx);
                rec_drain(rx);
            }
            DONE("sendmsg: UDP, msg_namelen %d", (int)nl[i]);
        }
    }
    CASE {
        int fd = udp_bound(UP1);
        struct msghdr m = {0};
        m.msg_name = BADP;
        m.msg_namelen = 16;
        iov[0] = (struct iovec){(void *)hello, 5};
        m.msg_iov = iov;
        m.msg_iovlen = 1;
        CALL(sendmsg, fd, &m, 0);
    }
    DONE("sendmsg: UDP, msg_name PROT_NONE");

    /* SCM_RIGHTS and truncation */
    {
        static const struct { const char *what; int nfds; size_t ctl; int flags; } tc[] = {
            {"1 fd, room for 1", 1, CMSG_SPACE(sizeof(int)), 0},
            {"3 fds, room for 3", 3, CMSG_SPACE(3 * sizeof(int)), 0},
            {"3 fds, room for 1 (MSG_CTRUNC)", 3, CMSG_SPACE(sizeof(int)), 0},
            {"1 fd, no control buffer (MSG_CTRUNC)", 1, 0, 0},
            {"1 fd, control of 8 bytes (MSG_CTRUNC)", 1, 8, 0},
            {"1 fd, control of CMSG_LEN(0)", 1, CMSG_LEN(0), 0},
            {"2 fds, MSG_CMSG_CLOEXEC", 2, CMSG_SPACE(2 * sizeof(int)), MSG_CMSG_CLOEXEC},
            {"1 fd, MSG_PEEK", 1, CMSG_SPACE(sizeof(int)), MSG_PEEK},
            {"4 fds, room for 4", 4, CMSG_SPACE(4 * sizeof(int)), 0},
        };
        for (unsigned i = 0; i < sizeof tc / sizeof tc[0]; i++) {
            CASE {
                int fd = mkfd(K_USTREAM_PAIR_EMPTY);
                union { char b[256]; struct cmsghdr align; } u;
                struct msghdr m = {0};
                send_fds(peer, tc[i].nfds);
                memset(&u, 0xAA, sizeof u);
                memset(buf, 0xAA, sizeof buf);
                iov[0] = (struct iovec){buf, sizeof buf};
                m.msg_iov = iov;
                m.msg_iovlen = 1;
                m.msg_control = tc[i].ctl ? u.b : NULL;
                m.msg_controllen = tc[i].ctl;
                CALL(recvmsg, fd, &m, tc[i].flags | MSG_DONTWAIT);
                rec_msghdr(&m);
                rec(buf, 8);
                if (R[cur].ret >= 0)
                    rec_cmsgs(&m);
                /* the rest of the queue after that (MSG_PEEK: the same again) */
                memset(&u, 0, sizeof u);
                m.msg_control = u.b;
                m.msg_controllen = sizeof u.b;
                if (G(recvmsg)(fd, &m, MSG_DONTWAIT) >= 0) {
                    rec_msghdr(&m);
                    rec_cmsgs(&m);
                }
            }
            DONE("recvmsg: SCM_RIGHTS %s", tc[i].what);
        }
    }
    CASE {
        int fd = mkfd(K_USTREAM_PAIR_EMPTY);
        struct msghdr m = {0};
        struct ucred uc = {getpid(), getuid(), getgid()};
        union { char b[CMSG_SPACE(sizeof uc)]; struct cmsghdr align; } u;
        int one = 1;
        G(setsockopt)(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof one);
        memset(&u, 0, sizeof u);
        struct cmsghdr *c = (struct cmsghdr *)u.b;
        c->cmsg_len = CMSG_LEN(sizeof uc);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_CREDENTIALS;
        memcpy(CMSG_DATA(c), &uc, sizeof uc);
        iov[0] = (struct iovec){(void *)hello, 5};
        m.msg_iov = iov;
        m.msg_iovlen = 1;
        m.msg_control = u.b;
        m.msg_controllen = sizeof u.b;
        CALL(sendmsg, peer, &m, 0);
        union { char b[256]; struct cmsghdr align; } r;
        memset(&r, 0xAA, sizeof r);
        memset(&m, 0, sizeof m);
        iov[0] = (struct iovec){buf, sizeof buf};
        m.msg_iov = iov;
        m.msg_iovlen = 1;
        m.msg_control = r.b;
        m.msg_controllen = sizeof r.b;
        CALL(recvmsg, fd, &m, MSG_DONTWAIT);
        rec_msghdr(&m);
        rec_cmsgs(&m);
    }
    DONE("sendmsg+recvmsg: SCM_CREDENTIALS with SO_PASSCRED");
    CASE {
        int fd = mkfd(K_USTREAM_PAIR_EMPTY);
        struct msghdr m = {0};
        struct ucred uc = {1, 0, 0};
        union { char b[CMSG_SPACE(sizeof uc)]; struct cmsghdr align; } u;
        memset(&u, 0, sizeof u);
        struct cmsghdr *c = (struct cmsghdr *)u.b;
        c->cmsg_len = CMSG_LEN(sizeof uc);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_CREDENTIALS;
        memcpy(CMSG_DATA(c), &uc, sizeof uc);
        iov[0] = (struct iovec){(void *)hello, 5};
        m.msg_iov = iov;
        m.msg_iovlen = 1;
        m.msg_control = u.b;
        m.msg_controllen = sizeof u.b;
        CALL(sendmsg, fd, &m, 0);
        rec_drain(peer);
    }
    DONE("sendmsg: SCM_CREDENTIALS claiming pid 1");
    {
        static const struct { const char *what; size_t iov; int flags; } tc[] = {
            {"4-byte buffer (MSG_TRUNC in msg_flags)", 4, 0},
            {"4-byte buffer, flag MSG_TRUNC (real length)", 4, MSG_TRUNC},
            {"exact buffer", 9, 0},
            {"MSG_PEEK|MSG_TRUNC into 0 bytes", 0, MSG_PEEK | MSG_TRUNC},
        };
        for (unsigned i = 0; i < 4; i++)
            for (int seq = 0; seq < 2; seq++) {
                CASE {
                    int fd = mkfd(seq ? K_USEQ_PAIR : K_UDGRAM_PAIR);
                    struct msghdr m = {0};
                    memset(buf, 0xAA, sizeof buf);
                    iov[0] = (struct iovec){buf, tc[i].iov};
                    m.msg_iov = iov;
                    m.msg_iovlen = 1;
                    m.msg_flags = -1;
                    CALL(recvmsg, fd, &m, tc[i].flags | MSG_DONTWAIT);
                    rec_msghdr(&m);
                    rec(buf, 16);
                    rec_drain(fd);
                }
                DONE("recvmsg: %s, %s", seq ? "unix seqpacket" : "unix dgram", tc[i].what);
            }
    }
    {
        static const struct { const char *what; int mode; socklen_t nl; } tc[] = {
            {"msg_namelen 0", 0, 0}, {"msg_namelen 5", 0, 5}, {"msg_namelen 110", 0, 110},
            {"msg_namelen 0xffffffff", 0, 0xffffffff}, {"msg_namelen 0x80000000", 0, 0x80000000},
            {"msg_name NULL, namelen 110", 1, 110}, {"msg_name PROT_NONE", 2, 110},
        };
        for (unsigned i = 0; i < sizeof tc / sizeof tc[0]; i++) {
            CASE {
                int fd = gsock(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0), tx = gsock(AF_UNIX, SOCK_DGRAM, 0);
                struct sockaddr_un u;
                socklen_t l;
                unsigned char nm[256];
                struct msghdr m = {0};
                l = abstract_addr(&u, "tx");
                G(bind)(tx, (struct sockaddr *)&u, l);
                l = abstract_addr(&u, "rx");
                G(bind)(fd, (struct sockaddr *)&u, l);
                G(sendto)(tx, "FROMTX", 6, 0, (struct sockaddr *)&u, l);
                memset(nm, 0xAA, sizeof nm);
                memset(buf, 0xAA, sizeof buf);
                iov[0] = (struct iovec){buf, 16};
                m.msg_name = tc[i].mode == 1 ? NULL : tc[i].mode == 2 ? BADP : (void *)nm;
                m.msg_namelen = tc[i].nl;
                m.msg_iov = iov;
                m.msg_iovlen = 1;
                CALL(recvmsg, fd, &m, MSG_DONTWAIT);
                rec_msghdr(&m);
                rec(nm, sizeof nm);
                rec(buf, 16);
                rec_drain(fd);
            }
            DONE("recvmsg: unix dgram from abstract name, %s", tc[i].what);
        }
    }
    CASE { int fd = mkfd(K_UDGRAM_PAIR); CALL(recvmsg, fd, NULLP, 0); rec_drain(fd); }
    DONE("recvmsg: msg NULL");
    CASE { int fd = mkfd(K_UDGRAM_PAIR); CALL(recvmsg, fd, BADP, 0); rec_drain(fd); }
    DONE("recvmsg: msg PROT_NONE");
    CASE { int fd = mkfd(K_UDGRAM_PAIR); struct msghdr m = {0}; m.msg_iov = many; m.msg_iovlen = 1025; CALL(recvmsg, fd, &m, 0); rec_msghdr(&m); rec_drain(fd); }
    DONE("recvmsg: msg_iovlen 1025");
    CASE { int fd = mkfd(K_UDGRAM_PAIR); struct msghdr m = {0}; m.msg_iov = BADP; m.msg_iovlen = 1; CALL(recvmsg, fd, &m, 0); rec_msghdr(&m); rec_drain(fd); }
    DONE("recvmsg: msg_iov PROT_NONE");
    CASE { int fd = mkfd(K_UDGRAM_PAIR); struct msghdr m = {0}; iov[0] = (struct iovec){BADP, 16}; m.msg_iov = iov; m.msg_iovlen = 1; CALL(recvmsg, fd, &m, 0); rec_msghdr(&m); rec_drain(fd); }
    DONE("recvmsg: iov_base PROT_NONE (dgram)");
    CASE { int fd = mkfd(K_UDGRAM_PAIR); struct msghdr m = {0}; m.msg_flags = 77; CALL(recvmsg, fd, &m, 0); rec_msghdr(&m); rec_drain(fd); }
    DONE("recvmsg: no iovecs (dgram consumed, MSG_TRUNC)");
    CASE { int fd = mkfd(K_USTREAM_PAIR_EMPTY); struct msghdr m = {0}; m.msg_flags = 77; CALL(recvmsg, fd, &m, MSG_DONTWAIT); rec_msghdr(&m); }
    DONE("recvmsg: empty stream, MSG_DONTWAIT, msg_flags untouched");
    CASE { int fd = mkfd(K_UDP); struct msghdr m = {0}; char ctl[64]; m.msg_control = ctl; m.msg_controllen = sizeof ctl; iov[0] = (struct iovec){buf, 16}; m.msg_iov = iov; m.msg_iovlen = 1; CALL(recvmsg, fd, &m, MSG_ERRQUEUE); rec_msghdr(&m); }
    DONE("recvmsg: UDP MSG_ERRQUEUE empty");

    /* A name room too small for the sender's address, ending at a PROT_NONE
     * page: the kernel writes the room's bytes and sets the whole length
     * (16), so nothing may read past the room. Header (or address length)
     * on the stack and on the heap (a tracer cannot read those before the
     * call for free). Room 0 points into the PROT_NONE page itself. */
    static const unsigned rooms[] = {0, 4, 15, 16};
    for (int call = 0; call < 3; call++)
        for (int heap = 0; heap < 2; heap++)
            for (unsigned r = 0; r < sizeof rooms / sizeof rooms[0]; r++) {
                CASE {
                    int fd = mkfd(K_UDP_CONN);
                    char *name = EDGEP + 4096 - rooms[r];
                    char b16[16];
                    struct iovec v = {b16, sizeof b16};
                    memset(b16, 0xAA, sizeof b16);
                    memset(EDGEP + 4096 - 16, 'E', 16);
                    if (call == 0) {
                        struct msghdr st, *m = heap ? calloc(1, sizeof *m) : &st;
                        memset(m, 0, sizeof *m);
                        m->msg_name = name;
                        m->msg_namelen = rooms[r];
                        m->msg_iov = &v;
                        m->msg_iovlen = 1;
                        CALL(recvmsg, fd, m, MSG_DONTWAIT);
                        rec_msghdr(m);
                        if (heap)
                            free(m);
                    } else if (call == 1) {
                        struct mmsghdr st, *mm = heap ? calloc(1, sizeof *mm) : &st;
                        memset(mm, 0, sizeof *mm);
                        mm->msg_hdr.msg_name = name;
                        mm->msg_hdr.msg_namelen = rooms[r];
                        mm->msg_hdr.msg_iov = &v;
                        mm->msg_hdr.msg_iovlen = 1;
                        CALL(recvmmsg, fd, mm, 1, MSG_DONTWAIT, NULL);
                        rec_msghdr(&mm->msg_hdr);
                        rec_l(mm->msg_len);
                        if (heap)
                            free(mm);
                    } else {
                        socklen_t st, *l = heap ? malloc(sizeof *l) : &st;
                        *l = rooms[r];
                        CALL(recvfrom, fd, b16, sizeof b16, MSG_DONTWAIT, (struct sockaddr *)name, l);
                        rec_l(*l);
                        if (heap)
                            free(l);
                    }
                    rec(b16, sizeof b16);
                    rec(EDGEP + 4096 - 16, 16);
                    rec_drain(fd);
                }
                DONE("%s: UDP sender's address cut to a %u-byte room ending at a PROT_NONE page, %s on the %s",
                     call == 0 ? "recvmsg" : call == 1 ? "recvmmsg" : "recvfrom", rooms[r],
                     call == 2 ? "length" : "header", heap ? "heap" : "stack");
            }
}

/* ---------------- sendmmsg / recvmmsg ---------------- */

static void mmsg_cases(void)
{
    static const char *words[] = {"alpha", "bravo!", "charlie"};
    struct iovec v[4];
    struct mmsghdr mm[4];
    char b[4][16];

#define MM_SETUP(n, send)                                                 \
    do {                                                                  \
        memset(mm, 0, sizeof mm);                                         \
        memset(b, 0xAA, sizeof b);                                        \
        for (int i_ = 0; i_ < 4; i_++) {                                  \
            v[i_] = (send) ? (struct iovec){(void *)words[i_ % 3], strlen(words[i_ % 3])} \
                           : (struct iovec){b[i_], i_ == 3 ? 3 : 16};     \
            mm[i_].msg_hdr.msg_iov = &v[i_];                              \
            mm[i_].msg_hdr.msg_iovlen = 1;                                \
            mm[i_].msg_len = 0xdeadbeef;                                  \
        }                                                                 \
        (void)(n);                                                        \
    } while (0)
#define MM_REC()                                                          \
    do {                                                                  \
        for (int i_ = 0; i_ < 4; i_++) {                                  \
            rec_l(mm[i_].msg_len);                                        \
            rec_msghdr(&mm[i_].msg_hdr);                                  \
        }                                                                 \
        rec(b, sizeof b);                                                 \
    } while (0)

    {
        static const unsigned vl[] = {0, 1, 3};
        for (int t = 0; t < 3; t++)
            for (unsigned i = 0; i < 3; i++) {
                static const int kinds[] = {K_UDGRAM_PAIR, K_USTREAM_PAIR_EMPTY, K_UDP_CONN};
                CASE {
                    int fd = mkfd(kinds[t]);
                    rec_drain(fd);
                    MM_SETUP(vl[i], 1);
                    CALL(sendmmsg, fd, mm, vl[i], 0);
                    MM_REC();
                    wait_in(peer);
                    rec_drain(peer);
                }
                DONE("sendmmsg: %s, vlen %u", kname[kinds[t]], vl[i]);
            }
    }
    CASE { int fd = mkfd(K_UDGRAM_PAIR); CALL(sendmmsg, fd, BADP, 0xffffffff, 0); rec_drain(peer); }
    DONE("sendmmsg: vec PROT_NONE, vlen UINT_MAX");
    CASE { int fd = mkfd(K_UDGRAM_PAIR); CALL(sendmmsg, fd, NULLP, 1, 0); rec_drain(peer); }
    DONE("sendmmsg: vec NULL, vlen 1");
    CASE { int fd = mkfd(K_UDGRAM_PAIR); MM_SETUP(3, 1); mm[0].msg_hdr.msg_iov = BADP; CALL(sendmmsg, fd, mm, 3, 0); MM_REC(); rec_drain(peer); }
    DONE("sendmmsg: first message's iov PROT_NONE");
    CASE { int fd = mkfd(K_UDGRAM_PAIR); MM_SETUP(3, 1); mm[1].msg_hdr.msg_iov = BADP; CALL(sendmmsg, fd, mm, 3, 0); MM_REC(); rec_drain(peer); }
    DONE("sendmmsg: second message's iov PROT_NONE (partial count)");
    CASE { int fd = mkfd(K_UDGRAM_PAIR); MM_SETUP(3, 1); mm[1].msg_hdr.msg_iovlen = 5000; CALL(sendmmsg, fd, mm, 3, 0); MM_REC(); rec_drain(peer); }
    DONE("sendmmsg: second message's iovlen 5000");
    CASE { int fd = mkfd(K_UDGRAM_PAIR); MM_SETUP(3, 1); CALL(sendmmsg, fd, mm, 3, MSG_OOB); MM_REC(); rec_drain(peer); }
    DONE("sendmmsg: MSG_OOB on unix dgram");
    CASE { int fd = mkfd(K_UDGRAM_PAIR); MM_SETUP(3, 1); CALL(sendmmsg, fd, mm, 3, 0x10000000); MM_REC(); rec_drain(peer); }
    DONE("sendmmsg: unknown flag 0x10000000");
    CASE { int fd = mkfd(K_UDP); MM_SETUP(3, 1); CALL(sendmmsg, fd, mm, 3, 0); MM_REC(); }
    DONE("sendmmsg: unconnected UDP, no addresses");
    CASE {
        int fd = mkfd(K_UDP), rx = udp_bound(UP2);
        struct sockaddr_in a = sin4("127.0.0.1", UP2);
        MM_SETUP(3, 1);
        for (int i = 0; i < 3; i++) {
            mm[i].msg_hdr.msg_name = &a;
            mm[i].msg_hdr.msg_namelen = sizeof a;
        }
        mm[2].msg_hdr.msg_namelen = 3;
        CALL(sendmmsg, fd, mm, 3, 0);
        MM_REC();
        wait_in(rx);
        rec_drain(rx);
    }
    DONE("sendmmsg: UDP with addresses, third namelen 3");

    {
        static const struct { const char *what; unsigned vlen; int flags; } tc[] = {
            {"vlen 0", 0, MSG_DONTWAIT}, {"vlen 1", 1, MSG_DONTWAIT}, {"vlen 3", 3, MSG_DONTWAIT},
            {"vlen 4 (3 queued)", 4, MSG_DONTWAIT}, {"vlen 4 MSG_WAITFORONE", 4, MSG_WAITFORONE},
            {"vlen 3 MSG_PEEK", 3, MSG_DONTWAIT | MSG_PEEK}, {"vlen 3 MSG_TRUNC", 3, MSG_DONTWAIT | MSG_TRUNC},
        };
        for (unsigned i = 0; i < sizeof tc / sizeof tc[0]; i++)
            for (int t = 0; t < 2; t++) {
                CASE {
                    int sv[2];
                    gpair((t ? SOCK_SEQPACKET : SOCK_DGRAM) | SOCK_NONBLOCK, sv);
                    for (int k = 0; k < 3; k++)
                        G(send)(sv[1], words[k], strlen(words[k]), 0);
                    MM_SETUP(0, 0);
                    v[0].iov_len = 3; /* the first one truncates */
                    CALL(recvmmsg, sv[0], mm, tc[i].vlen, tc[i].flags, NULL);
                    MM_REC();
                    rec_drain(sv[0]);
                }
                DONE("recvmmsg: %s, 3 datagrams, %s", t ? "unix seqpacket" : "unix dgram", tc[i].what);
            }
    }
    CASE { int fd = mkfd(K_USTREAM_PAIR_EMPTY); MM_SETUP(0, 0); CALL(recvmmsg, fd, mm, 2, MSG_DONTWAIT, NULL); MM_REC(); }
    DONE("recvmmsg: empty, MSG_DONTWAIT");
    CASE { int fd = mkfd(K_UDGRAM_PAIR); CALL(recvmmsg, fd, BADP, 2, MSG_DONTWAIT, NULL); rec_drain(fd); }
    DONE("recvmmsg: vec PROT_NONE");
    CASE { int fd = mkfd(K_UDGRAM_PAIR); CALL(recvmmsg, fd, NULLP, 2, MSG_DONTWAIT, NULL); rec_drain(fd); }
    DONE("recvmmsg: vec NULL");
    CASE { int fd = mkfd(K_UDGRAM_PAIR); MM_SETUP(0, 0); mm[1].msg_hdr.msg_iov = BADP; CALL(recvmmsg, fd, mm, 2, MSG_DONTWAIT, NULL); MM_REC(); rec_drain(fd); }
    DONE("recvmmsg: second message's iov PROT_NONE");
    {
        static const struct { const char *what; long sec, nsec; int bad; } tc[] = {
            {"tv_nsec -1", 0, -1, 0}, {"tv_nsec 1000000000", 0, 1000000000, 0}, {"tv_sec -1", -1, 0, 0},
            {"timeout PROT_NONE", 0, 0, 1}, {"{0, 0}", 0, 0, 0}, {"{5, 0}", 5, 0, 0},
        };
        for (unsigned i = 0; i < sizeof tc / sizeof tc[0]; i++) {
            CASE {
                int fd = mkfd(K_UDGRAM_PAIR);
                struct timespec ts = {tc[i].sec, tc[i].nsec};
                MM_SETUP(0, 0);
                CALL(recvmmsg, fd, mm, 2, 0, tc[i].bad ? BADP : &ts);
                MM_REC();
                rec_tol((long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
                rec_drain(fd);
            }
            DONE("recvmmsg: 2 queued, vlen 2, timeout %s (and the timeout written back)", tc[i].what);
        }
    }
    CASE { int fd = mkfd(K_TCP_LISTEN); MM_SETUP(0, 0); CALL(recvmmsg, fd, mm, 2, MSG_DONTWAIT, NULL); MM_REC(); }
    DONE("recvmmsg: listening TCP socket");
    CASE { int fd = mkfd(K_UDGRAM_PAIR); MM_SETUP(0, 0); CALL(recvmmsg, fd, mm, 0xffffffff, MSG_DONTWAIT, NULL); MM_REC(); rec_drain(fd); }
    DONE("recvmmsg: vlen UINT_MAX with 2 queued (4-entry vector, stops at EAGAIN)");
}

int main(void)
{
    PROVE_SOCKSHIM(send);
    PROVE_SOCKSHIM(recv);
    PROVE_SOCKSHIM(sendto);
    PROVE_SOCKSHIM(recvfrom);
    PROVE_SOCKSHIM(sendmsg);
    PROVE_SOCKSHIM(recvmsg);
    PROVE_SOCKSHIM(sendmmsg);
    PROVE_SOCKSHIM(recvmmsg);
    PROVE_SOCKSHIM(read);
    PROVE_SOCKSHIM(write);
    PROVE_SOCKSHIM(readv);
    PROVE_SOCKSHIM(writev);
    PROVE_SOCKSHIM(close);

    harness_init();
    make_tmpdir();
    UP1 = free_port(SOCK_DGRAM);
    UP2 = free_port(SOCK_DGRAM);
    while (UP2 == UP1)
        UP2 = free_port(SOCK_DGRAM);
    CLOSED_UDP = free_port(SOCK_DGRAM);

    matrix();
    rw_cases();
    sendrecv_cases();
    msg_cases();
    mmsg_cases();

    go_multithreaded();
    matrix();
    rw_cases();
    mmsg_cases();

    diag("differential cases: %d", ncases);
    remove_tmpdir();
    return tap_done();
}
