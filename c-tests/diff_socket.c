#include "diff.h"

/* ============ diff_socket.c: socket setup calls, options, addresses ============ */

static int P;          /* a loopback TCP port free at start, bound with SO_REUSEADDR */
static int CLOSED_TCP; /* a loopback TCP port nothing listens on */

enum { F_NEG, F_BIG, F_CLOSED, F_FILE, F_DEVNULL, F_PIPE_R, F_PIPE_W, F_EVENTFD, F_PTY, F_EPOLL, NF };
static const char *fname_[NF] = {
    "fd -1", "unused fd 9999", "just-closed fd", "regular file", "/dev/null", "pipe read end",
    "pipe write end", "eventfd", "pty master", "epoll fd",
};

/* A descriptor that is not a (valid) socket. */
static int notsock(int k)
{
    int p[2], fd;
    switch (k) {
    case F_NEG: return -1;
    case F_BIG: return 9999;
    case F_CLOSED:
        fd = G(socket)(AF_INET, SOCK_STREAM, 0);
        G(close)(fd);
        return fd;
    case F_FILE: return tmpfile_with("data", O_RDWR);
    case F_DEVNULL: return trk(open("/dev/null", O_RDWR));
    case F_PIPE_R:
    case F_PIPE_W:
        pipe(p);
        trk(p[0]);
        trk(p[1]);
        return k == F_PIPE_R ? p[0] : p[1];
    case F_EVENTFD: return trk(eventfd(0, 0));
    case F_PTY:
        fd = trk(posix_openpt(O_RDWR | O_NOCTTY));
        return fd;
    case F_EPOLL: return trk(G(epoll_create1)(0));
    }
    return -1;
}

static int tcp4(void) { return gsock(AF_INET, SOCK_STREAM, 0); }
static int udp4(void) { return gsock(AF_INET, SOCK_DGRAM, 0); }

/* ---------------- bad descriptors for every call ---------------- */

static void badfd_cases(void)
{
    for (int k = 0; k < NF; k++) {
        struct sockaddr_in a = sin4("127.0.0.1", 0);
        struct sockaddr_storage ss;
        socklen_t sl;
        int v;
        CASE { int fd = notsock(k); CALL(bind, fd, (struct sockaddr *)&a, sizeof a); }
        DONE("bind: %s", fname_[k]);
        CASE { int fd = notsock(k); CALL(listen, fd, 5); }
        DONE("listen: %s", fname_[k]);
        CASE { int fd = notsock(k); sl = sizeof ss; CALLFD(accept, fd, (struct sockaddr *)&ss, &sl); }
        DONE("accept: %s", fname_[k]);
        CASE { int fd = notsock(k); sl = sizeof ss; CALLFD(accept4, fd, (struct sockaddr *)&ss, &sl, SOCK_CLOEXEC); }
        DONE("accept4: %s", fname_[k]);
        CASE { int fd = notsock(k); a = sin4("127.0.0.1", CLOSED_TCP); CALL(connect, fd, (struct sockaddr *)&a, sizeof a); }
        DONE("connect: %s", fname_[k]);
        CASE { int fd = notsock(k); CALL(shutdown, fd, SHUT_RDWR); }
        DONE("shutdown: %s", fname_[k]);
        CASE { int fd = notsock(k); memset(&ss, 0xAA, sizeof ss); sl = sizeof ss; CALL(getsockname, fd, (struct sockaddr *)&ss, &sl); rec(&ss, sizeof ss); rec(&sl, sizeof sl); }
        DONE("getsockname: %s", fname_[k]);
        CASE { int fd = notsock(k); memset(&ss, 0xAA, sizeof ss); sl = sizeof ss; CALL(getpeername, fd, (struct sockaddr *)&ss, &sl); rec(&ss, sizeof ss); rec(&sl, sizeof sl); }
        DONE("getpeername: %s", fname_[k]);
        CASE { int fd = notsock(k); v = 0x55; sl = sizeof v; CALL(getsockopt, fd, SOL_SOCKET, SO_TYPE, &v, &sl); rec(&v, sizeof v); rec(&sl, sizeof sl); }
        DONE("getsockopt SO_TYPE: %s", fname_[k]);
        CASE { int fd = notsock(k); v = 1; CALL(setsockopt, fd, SOL_SOCKET, SO_REUSEADDR, &v, sizeof v); }
        DONE("setsockopt SO_REUSEADDR: %s", fname_[k]);
    }
}

/* ---------------- socket / socketpair ---------------- */

static void socket_cases(void)
{
    static const struct { const char *what; int d, t, p; } tc[] = {
        {"AF_INET SOCK_STREAM 0", AF_INET, SOCK_STREAM, 0},
        {"AF_INET SOCK_DGRAM 0", AF_INET, SOCK_DGRAM, 0},
        {"AF_INET SOCK_STREAM IPPROTO_TCP", AF_INET, SOCK_STREAM, IPPROTO_TCP},
        {"AF_INET SOCK_DGRAM IPPROTO_UDP", AF_INET, SOCK_DGRAM, IPPROTO_UDP},
        {"AF_INET6 SOCK_STREAM 0", AF_INET6, SOCK_STREAM, 0},
        {"AF_INET6 SOCK_DGRAM 0", AF_INET6, SOCK_DGRAM, 0},
        {"AF_UNIX SOCK_STREAM 0", AF_UNIX, SOCK_STREAM, 0},
        {"AF_UNIX SOCK_DGRAM 0", AF_UNIX, SOCK_DGRAM, 0},
        {"AF_UNIX SOCK_SEQPACKET 0", AF_UNIX, SOCK_SEQPACKET, 0},
        {"AF_UNIX SOCK_RAW 0", AF_UNIX, SOCK_RAW, 0},
        {"AF_INET SOCK_STREAM|SOCK_NONBLOCK|SOCK_CLOEXEC", AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0},
        {"AF_UNIX SOCK_DGRAM|SOCK_CLOEXEC", AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0},
        {"AF_INET SOCK_RAW IPPROTO_ICMP", AF_INET, SOCK_RAW, IPPROTO_ICMP},
        {"AF_INET SOCK_DGRAM IPPROTO_ICMP (ping socket)", AF_INET, SOCK_DGRAM, IPPROTO_ICMP},
        {"AF_NETLINK SOCK_RAW NETLINK_ROUTE", AF_NETLINK, SOCK_RAW, 0},
        {"AF_NETLINK SOCK_DGRAM 12345", AF_NETLINK, SOCK_DGRAM, 12345},
        {"AF_PACKET SOCK_DGRAM 0", AF_PACKET, SOCK_DGRAM, 0},
        {"family 12345", 12345, SOCK_STREAM, 0},
        {"family -1", -1, SOCK_STREAM, 0},
        {"family AF_UNSPEC", AF_UNSPEC, SOCK_STREAM, 0},
        {"family AF_MAX", AF_MAX, SOCK_STREAM, 0},
        {"family AF_MAX-1 (AF_MCTP)", AF_MAX - 1, SOCK_DGRAM, 0},
        {"type 999", AF_INET, 999, 0},
        {"type 0", AF_INET, 0, 0},
        {"type -1", AF_INET, -1, 0},
        {"type SOCK_PACKET on AF_INET", AF_INET, SOCK_PACKET, 0},
        {"SOCK_STREAM with IPPROTO_UDP", AF_INET, SOCK_STREAM, IPPROTO_UDP},
        {"SOCK_DGRAM with IPPROTO_TCP", AF_INET, SOCK_DGRAM, IPPROTO_TCP},
        {"SOCK_STREAM with protocol -1", AF_INET, SOCK_STREAM, -1},
        {"SOCK_STREAM with protocol 12345", AF_INET, SOCK_STREAM, 12345},
        {"AF_UNIX with protocol 1", AF_UNIX, SOCK_STREAM, 1},
        {"unknown flag 0x100 in type", AF_INET, SOCK_STREAM | 0x100, 0},
        {"unknown flag 0x40000000 in type", AF_INET, SOCK_STREAM | 0x40000000, 0},
        {"type SOCK_NONBLOCK only", AF_INET, SOCK_NONBLOCK, 0},
        {"AF_INET SOCK_SEQPACKET", AF_INET, SOCK_SEQPACKET, 0},
        {"AF_INET SOCK_STREAM IPPROTO_SCTP", AF_INET, SOCK_STREAM, 132},
    };
    for (unsigned i = 0; i < sizeof tc / sizeof tc[0]; i++) {
        CASE { CALLFD(socket, tc[i].d, tc[i].t, tc[i].p); }
        DONE("socket: %s", tc[i].what);
    }

    static const struct { const char *what; int d, t, p, sv; } sp[] = {
        {"AF_UNIX SOCK_STREAM", AF_UNIX, SOCK_STREAM, 0, 0},
        {"AF_UNIX SOCK_DGRAM|SOCK_CLOEXEC", AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, 0},
        {"AF_UNIX SOCK_SEQPACKET|SOCK_NONBLOCK", AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, 0},
        {"AF_INET SOCK_STREAM", AF_INET, SOCK_STREAM, 0, 0},
        {"AF_INET SOCK_DGRAM", AF_INET, SOCK_DGRAM, 0, 0},
        {"family 12345", 12345, SOCK_STREAM, 0, 0},
        {"AF_UNIX type 999", AF_UNIX, 999, 0, 0},
        {"AF_UNIX protocol 1", AF_UNIX, SOCK_STREAM, 1, 0},
        {"AF_UNIX unknown type flag 0x100", AF_UNIX, SOCK_STREAM | 0x100, 0, 0},
        {"sv NULL", AF_UNIX, SOCK_STREAM, 0, 1},
        {"sv PROT_NONE", AF_UNIX, SOCK_STREAM, 0, 2},
        {"sv NULL with bad family", 12345, SOCK_STREAM, 0, 1},
    };
    for (unsigned i = 0; i < sizeof sp / sizeof sp[0]; i++) {
        CASE {
            int sv[2] = {-7, -7};
            CALL(socketpair, sp[i].d, sp[i].t, sp[i].p, sp[i].sv == 1 ? NULLP : sp[i].sv == 2 ? BADP : sv);
            if (R[cur].ret == 0 && !sp[i].sv) {
                rec_fdkind(sv[0]);
                rec_fdkind(sv[1]);
                trk(sv[0]);
                trk(sv[1]);
            } else {
                rec(sv, sizeof sv);
            }
        }
        DONE("socketpair: %s", sp[i].what);
    }
}

/* ---------------- bind ---------------- */

static void bind_cases(void)
{
    static const socklen_t lens[] = {0, 1, 2, 15, 16, 17, 128, 129, 0x7fffffff, (socklen_t)-1};
    for (unsigned i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        CASE {
            int s = tcp4();
            struct sockaddr_storage ss;
            memset(&ss, 0, sizeof ss);
            *(struct sockaddr_in *)&ss = sin4("127.0.0.1", P);
            G(setsockopt)(s, SOL_SOCKET, SO_REUSEADDR, &(int){1}, sizeof(int));
            CALL(bind, s, (struct sockaddr *)&ss, lens[i]);
            socklen_t l = sizeof ss;
            memset(&ss, 0xAA, sizeof ss);
            G(getsockname)(s, (struct sockaddr *)&ss, &l);
            rec(&ss, l < sizeof ss ? l : sizeof ss);
        }
        DONE("bind: AF_INET 127.0.0.1:P addrlen %u", (unsigned)lens[i]);
    }
    CASE { int s = tcp4(); CALL(bind, s, NULLP, 16); }
    DONE("bind: NULL address, addrlen 16");
    CASE { int s = tcp4(); CALL(bind, s, NULL, 0); }
    DONE("bind: NULL address, addrlen 0");
    CASE { int s = tcp4(); CALL(bind, s, BADP, 16); }
    DONE("bind: PROT_NONE address");
    CASE { int s = tcp4(); struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT}; CALL(bind, s, (struct sockaddr *)&a6, sizeof a6); }
    DONE("bind: AF_INET6 address on an AF_INET socket");
    CASE { int s = tcp4(); struct sockaddr_in a = sin4("0.0.0.0", 0); a.sin_family = AF_UNSPEC; CALL(bind, s, (struct sockaddr *)&a, sizeof a); }
    DONE("bind: AF_UNSPEC with INADDR_ANY (accepted for compatibility)");
    CASE { int s = tcp4(); struct sockaddr_in a = sin4("127.0.0.1", 0); a.sin_family = AF_UNSPEC; CALL(bind, s, (struct sockaddr *)&a, sizeof a); }
    DONE("bind: AF_UNSPEC with 127.0.0.1");
    CASE { int s = tcp4(); struct sockaddr_in a = sin4("127.0.0.1", 0); a.sin_family = 12345; CALL(bind, s, (struct sockaddr *)&a, sizeof a); }
    DONE("bind: family 12345 on AF_INET");
    CASE { int s = tcp4(); struct sockaddr_in a = sin4("127.0.0.1", 0); G(bind)(s, (struct sockaddr *)&a, sizeof a); CALL(bind, s, (struct sockaddr *)&a, sizeof a); }
    DONE("bind: twice");
    CASE { int l = tcp_listener(0); int s = tcp4(); struct sockaddr_in a = sin4("127.0.0.1", port_of(l)); CALL(bind, s, (struct sockaddr *)&a, sizeof a); }
    DONE("bind: port of a listening socket (EADDRINUSE)");
    CASE { int s = tcp4(); struct sockaddr_in a = sin4("192.0.2.1", 0); CALL(bind, s, (struct sockaddr *)&a, sizeof a); }
    DONE("bind: non-local address 192.0.2.1 (EADDRNOTAVAIL)");
    CASE { int s = udp4(); struct sockaddr_in a = sin4("224.0.0.1", 0); CALL(bind, s, (struct sockaddr *)&a, sizeof a); }
    DONE("bind: UDP to multicast 224.0.0.1");
    CASE { int s = tcp4(); struct sockaddr_in a = sin4("255.255.255.255", 0); CALL(bind, s, (struct sockaddr *)&a, sizeof a); }
    DONE("bind: TCP to broadcast");
    CASE { int s = gsock(AF_INET6, SOCK_STREAM, 0); struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT}; CALL(bind, s, (struct sockaddr *)&a6, sizeof a6 - 1); }
    DONE("bind: AF_INET6 addrlen 27");
    CASE { int s = gsock(AF_INET6, SOCK_STREAM, 0); struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT}; CALL(bind, s, (struct sockaddr *)&a6, 24); }
    DONE("bind: AF_INET6 addrlen 24 (RFC 2133 size)");
    CASE { int s = gsock(AF_INET6, SOCK_STREAM, 0); struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT, .sin6_port = htons(P)}; G(setsockopt)(s, SOL_SOCKET, SO_REUSEADDR, &(int){1}, sizeof(int)); CALL(bind, s, (struct sockaddr *)&a6, sizeof a6); }
    DONE("bind: AF_INET6 [::1]:P");
    CASE { int s = gsock(AF_INET6, SOCK_STREAM, 0); struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT, .sin6_scope_id = 999}; CALL(bind, s, (struct sockaddr *)&a6, sizeof a6); }
    DONE("bind: AF_INET6 [::1] with scope id 999");
    CASE { int s = gsock(AF_INET6, SOCK_STREAM, 0); struct sockaddr_in a = sin4("127.0.0.1", 0); CALL(bind, s, (struct sockaddr *)&a, sizeof a); }
    DONE("bind: AF_INET address on an AF_INET6 socket");

    /* AF_UNIX addresses (relative paths resolve in our temporary directory) */
    {
        static const struct { const char *what; int fill; socklen_t len; } tc[] = {
            {"sun_path 108 bytes without NUL, addrlen 110", 'a', sizeof(struct sockaddr_un)},
            {"sun_path 108 bytes without NUL, addrlen 111", 'b', sizeof(struct sockaddr_un) + 1},
            {"sun_path 107 bytes + NUL", 'c', sizeof(struct sockaddr_un)},
            {"addrlen 0", 0, 0},
            {"addrlen 1", 0, 1},
            {"addrlen 2 (autobind)", 0, 2},
            {"\"x\" addrlen 3 (no NUL)", 'x', 3},
            {"\"x\" addrlen 4", 'x', 4},
            {"addrlen 0x7fffffff", 'd', 0x7fffffff},
        };
        for (unsigned i = 0; i < sizeof tc / sizeof tc[0]; i++) {
            CASE {
                int s = gsock(AF_UNIX, SOCK_STREAM, 0);
                struct { struct sockaddr_un u; char extra[32]; } ua;
                memset(&ua, 0, sizeof ua);
                ua.u.sun_family = AF_UNIX;
                if (tc[i].fill == 'x')
                    ua.u.sun_path[0] = 'x';
                else if (tc[i].fill)
                    memset(ua.u.sun_path, tc[i].fill, sizeof ua.u.sun_path - (tc[i].fill == 'c'));
                memset(ua.extra, 0, sizeof ua.extra);
                CALL(bind, s, (struct sockaddr *)&ua, tc[i].len);
                if (R[cur].ret == 0 && i != 5) {
                    struct sockaddr_storage ss;
                    socklen_t l = sizeof ss;
                    memset(&ss, 0xAA, sizeof ss);
                    G(getsockname)(s, (struct sockaddr *)&ss, &l);
                    rec(&ss, sizeof ss);
                    rec(&l, sizeof l);
                }
                if (R[cur].ret == 0 && i == 5) {
                    struct sockaddr_storage ss;
                    socklen_t l = sizeof ss;
                    G(getsockname)(s, (struct sockaddr *)&ss, &l);
                    rec(&l, sizeof l); /* the autobound name itself differs */
                }
                ua.extra[0] = 0;
                if (tc[i].fill && tc[i].fill != 'x') {
                    char p[200];
                    memset(p, 0, sizeof p);
                    memcpy(p, ua.u.sun_path, sizeof ua.u.sun_path);
                    unlink(p);
                } else if (tc[i].fill == 'x') {
                    unlink("x");
                }
            }
            DONE("bind: AF_UNIX %s", tc[i].what);
        }
    }
    CASE { int s = gsock(AF_UNIX, SOCK_STREAM, 0); struct sockaddr_un u; socklen_t l = abstract_addr(&u, "bind"); CALL(bind, s, (struct sockaddr *)&u, l); struct sockaddr_storage ss; socklen_t sl = sizeof ss; memset(&ss, 0xAA, sizeof ss); G(getsockname)(s, (struct sockaddr *)&ss, &sl); rec(&ss, sizeof ss); rec(&sl, sizeof sl); }
    DONE("bind: AF_UNIX abstract name (leading NUL)");
    CASE { int s = gsock(AF_UNIX, SOCK_STREAM, 0); struct sockaddr_un u; memset(&u, 0, sizeof u); u.sun_family = AF_UNIX; CALL(bind, s, (struct sockaddr *)&u, sizeof u); struct sockaddr_storage ss; socklen_t sl = sizeof ss; memset(&ss, 0xAA, sizeof ss); G(getsockname)(s, (struct sockaddr *)&ss, &sl); rec(&ss, sizeof ss); rec(&sl, sizeof sl); }
    DONE("bind: AF_UNIX abstract name of 107 NULs");
    CASE { int s = gsock(AF_UNIX, SOCK_STREAM, 0); struct sockaddr_un u = {AF_UNIX, "/nonexistent-dir/sock"}; CALL(bind, s, (struct sockaddr *)&u, sizeof u); }
    DONE("bind: AF_UNIX path in a missing directory");
    CASE { int s = gsock(AF_UNIX, SOCK_STREAM, 0); struct sockaddr_un u = {AF_UNIX, "exists"}; int f = open("exists", O_CREAT | O_WRONLY, 0600); G(close)(f); CALL(bind, s, (struct sockaddr *)&u, sizeof u); unlink("exists"); }
    DONE("bind: AF_UNIX path that exists (EADDRINUSE)");
    CASE { int s = gsock(AF_UNIX, SOCK_STREAM, 0); struct sockaddr_un u = {AF_INET, "wrongfam"}; CALL(bind, s, (struct sockaddr *)&u, sizeof u); unlink("wrongfam"); }
    DONE("bind: AF_UNIX socket, sun_family AF_INET");
    CASE { int s = gsock(AF_UNIX, SOCK_DGRAM, 0); struct sockaddr_un u = {AF_UNIX, "twice"}; G(bind)(s, (struct sockaddr *)&u, sizeof u); CALL(bind, s, (struct sockaddr *)&u, sizeof u); unlink("twice"); }
    DONE("bind: AF_UNIX dgram bound twice");
}

/* ---------------- listen / accept / accept4 ---------------- */

static void listen_accept_cases(void)
{
    static const int backlogs[] = {0, 1, -1, INT_MIN, INT_MAX, SOMAXCONN + 1};
    for (unsigned i = 0; i < sizeof backlogs / sizeof backlogs[0]; i++) {
        CASE { int s = tcp4(); int v = -1; socklen_t l = sizeof v; CALL(listen, s, backlogs[i]); G(getsockopt)(s, SOL_SOCKET, SO_ACCEPTCONN, &v, &l); rec_l(v); }
        DONE("listen: unbound TCP, backlog %d", backlogs[i]);
    }
    CASE { int s = udp4(); CALL(listen, s, 5); }
    DONE("listen: UDP socket");
    CASE { int s = gsock(AF_UNIX, SOCK_DGRAM, 0); CALL(listen, s, 5); }
    DONE("listen: unix dgram socket");
    CASE { int sv[2]; gpair(SOCK_STREAM, sv); CALL(listen, sv[0], 5); }
    DONE("listen: connected unix stream pair");
    CASE { int s = gsock(AF_UNIX, SOCK_STREAM, 0); CALL(listen, s, 5); struct sockaddr_storage ss; socklen_t sl = sizeof ss; G(getsockname)(s, (struct sockaddr *)&ss, &sl); rec(&sl, sizeof sl); }
    DONE("listen: unbound unix stream (autobinds)");
    CASE { int s = tcp_listener(0); CALL(listen, s, 3); }
    DONE("listen: twice");
    CASE { int c; tcp_pair(&c); CALL(listen, c, 5); }
    DONE("listen: connected TCP client");
    CASE { int s = gsock(AF_NETLINK, SOCK_RAW, 0); CALL(listen, s, 5); }
    DONE("listen: netlink socket");

    CASE { int s = tcp4(); CALLFD(accept, s, NULL, NULL); }
    DONE("accept: unbound, non-listening TCP");
    CASE { int s = tcp4(); gbind4(s, 0); set_nonblock(s); CALLFD(accept, s, NULL, NULL); }
    DONE("accept: bound, non-listening TCP");
    CASE { int s = udp4(); CALLFD(accept, s, NULL, NULL); }
    DONE("accept: UDP socket");
    CASE { int s = set_nonblock(tcp_listener(0)); CALLFD(accept, s, NULL, NULL); }
    DONE("accept: non-blocking listener, nothing pending (EAGAIN)");
    CASE { int s = set_nonblock(tcp_listener(0)); CALLFD(accept4, s, NULL, NULL, SOCK_NONBLOCK); }
    DONE("accept4: SOCK_NONBLOCK on an empty non-blocking listener");
    {
        static const int fl[] = {1, -1, O_APPEND, 0x10000000};
        for (unsigned i = 0; i < 4; i++) {
            CASE { int s = set_nonblock(tcp_listener(0)); CALLFD(accept4, s, NULL, NULL, fl[i]); }
            DONE("accept4: flags %#x", fl[i]);
        }
    }
    CASE { int sv[2]; gpair(SOCK_STREAM, sv); CALLFD(accept, sv[0], NULL, NULL); }
    DONE("accept: connected unix stream pair");

    /* With a connection pending. The unix client binds an abstract name, so
     * the peer address that accept reports is the same in both runs. */
    {
        static const struct { const char *what; int alen; int mode; int flags; int a4; } tc[] = {
            {"accept: addr NULL, addrlen NULL", 0, 3, 0, 0},
            {"accept: full buffer", 200, 0, 0, 0},
            {"accept: addrlen 0", 0, 0, 0, 0},
            {"accept: addrlen 5 (truncated)", 5, 0, 0, 0},
            {"accept: addrlen -1", -1, 0, 0, 0},
            {"accept: addr NULL, addrlen 200", 200, 1, 0, 0},
            {"accept: addr PROT_NONE", 200, 2, 0, 0},
            {"accept: addrlen pointer PROT_NONE", 200, 4, 0, 0},
            {"accept: addrlen pointer NULL, addr given", 200, 5, 0, 0},
            {"accept4: SOCK_NONBLOCK|SOCK_CLOEXEC", 200, 0, SOCK_NONBLOCK | SOCK_CLOEXEC, 1},
            {"accept4: flags 0", 200, 0, 0, 1},
            {"accept4: SOCK_CLOEXEC, addrlen 3", 3, 0, SOCK_CLOEXEC, 1},
            {"accept4: bad flag 0x1 with a connection pending", 200, 0, 1, 1},
        };
        for (unsigned i = 0; i < sizeof tc / sizeof tc[0]; i++) {
            for (int inet = 0; inet < 2; inet++) {
                CASE {
                    int l, c;
                    unsigned char ss[256];
                    socklen_t sl = (socklen_t)tc[i].alen;
                    if (inet) {
                        l = set_nonblock(tcp_listener(0));
                        struct sockaddr_in a = sin4("127.0.0.1", port_of(l));
                        c = tcp4();
                        G(connect)(c, (struct sockaddr *)&a, sizeof a);
                    } else {
                        struct sockaddr_un u;
                        socklen_t ul;
                        l = gsock(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
                        ul = abstract_addr(&u, "listener");
                        G(bind)(l, (struct sockaddr *)&u, ul);
                        G(listen)(l, 5);
                        c = gsock(AF_UNIX, SOCK_STREAM, 0);
                        struct sockaddr_un cu;
                        socklen_t cl = abstract_addr(&cu, "client");
                        G(bind)(c, (struct sockaddr *)&cu, cl);
                        G(connect)(c, (struct sockaddr *)&u, ul);
                    }
                    memset(ss, 0xAA, sizeof ss);
                    void *ap = tc[i].mode == 1 || tc[i].mode == 3 ? NULL : tc[i].mode == 2 ? BADP : (void *)ss;
                    socklen_t *lp = tc[i].mode == 3 || tc[i].mode == 5 ? NULL : tc[i].mode == 4 ? BADP : &sl;
                    if (tc[i].a4)
                        CALLFD(accept4, l, ap, lp, tc[i].flags);
                    else
                        CALLFD(accept, l, ap, lp);
                    if (inet) {
                        /* the peer port is ephemeral: keep family and address only */
                        memset(ss + 2, 0, 2);
                    }
                    rec(ss, sizeof ss);
                    rec(&sl, sizeof sl);
                    /* the queue after that */
                    CALLFD(accept, l, NULL, NULL);
                }
                DONE("%s (%s, connection pending)", tc[i].what, inet ? "TCP" : "unix stream");
            }
        }
    }
}

/* ---------------- connect ---------------- */

static void connect_cases(void)
{
    CASE { int s = tcp4(); struct sockaddr_in a = sin4("127.0.0.1", CLOSED_TCP); CALL(connect, s, (struct sockaddr *)&a, sizeof a); CALL(connect, s, (struct sockaddr *)&a, sizeof a); }
    DONE("connect: TCP to a closed port on 127.0.0.1, twice (ECONNREFUSED)");
    CASE { int s = tcp4(); struct sockaddr_in a = sin4("127.0.0.1", CLOSED_TCP); int e = -1; socklen_t l = sizeof e; G(connect)(s, (struct sockaddr *)&a, sizeof a); CALL(getsockopt, s, SOL_SOCKET, SO_ERROR, &e, &l); rec_l(e); }
    DONE("getsockopt SO_ERROR after a refused connect");
    {
        static const socklen_t lens[] = {0, 1, 2, 15, 16, 129, 0x7fffffff, (socklen_t)-1};
        for (unsigned i = 0; i < sizeof lens / sizeof lens[0]; i++) {
            CASE {
                int s = tcp4();
                struct sockaddr_storage ss;
                memset(&ss, 0, sizeof ss);
                *(struct sockaddr_in *)&ss = sin4("127.0.0.1", CLOSED_TCP);
                CALL(connect, s, (struct sockaddr *)&ss, lens[i]);
            }
            DONE("connect: TCP to 127.0.0.1:closed addrlen %u", (unsigned)lens[i]);
        }
    }
    CASE { int s = tcp4(); CALL(connect, s, NULLP, 16); }
    DONE("connect: NULL address");
    CASE { int s = tcp4(); CALL(connect, s, BADP, 16); }
    DONE("connect: PROT_NONE address");
    CASE { int s = tcp4(); struct sockaddr_in a = sin4("0.0.0.0", 0); a.sin_family = AF_UNSPEC; CALL(connect, s, (struct sockaddr *)&a, sizeof a); }
    DONE("connect: AF_UNSPEC on an unconnected TCP socket");
    CASE { int s = tcp4(); struct sockaddr a = {AF_UNSPEC, {0}}; CALL(connect, s, &a, sizeof(sa_family_t)); }
    DONE("connect: AF_UNSPEC, addrlen 2, TCP");
    CASE {
        int s = udp4(), l = udp4();
        gbind4(l, 0);
        struct sockaddr_in a = sin4("127.0.0.1", port_of(l));
        G(connect)(s, (struct sockaddr *)&a, sizeof a);
        struct sockaddr u = {AF_UNSPEC, {0}};
        CALL(connect, s, &u, sizeof u);
        struct sockaddr_storage ss;
        socklen_t sl = sizeof ss;
        CALL(getpeername, s, (struct sockaddr *)&ss, &sl);
    }
    DONE("connect: AF_UNSPEC dissolves a UDP association (getpeername ENOTCONN)");
    CASE { int s = udp4(); struct sockaddr u = {AF_UNSPEC, {0}}; CALL(connect, s, &u, 1); }
    DONE("connect: AF_UNSPEC, addrlen 1, UDP");
    CASE { int s = tcp4(); struct sockaddr_in a = sin4("127.0.0.1", CLOSED_TCP); a.sin_family = 12345; CALL(connect, s, (struct sockaddr *)&a, sizeof a); }
    DONE("connect: family 12345 on TCP");
    CASE { int s = tcp4(); struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT, .sin6_port = htons(CLOSED_TCP)}; CALL(connect, s, (struct sockaddr *)&a6, sizeof a6); }
    DONE("connect: AF_INET6 address on an AF_INET socket");
    CASE { int s = gsock(AF_INET6, SOCK_STREAM, 0); struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT, .sin6_port = htons(CLOSED_TCP)}; CALL(connect, s, (struct sockaddr *)&a6, sizeof a6); }
    DONE("connect: TCP6 to [::1]:closed (ECONNREFUSED)");
    CASE { int s = tcp4(); struct sockaddr_in a = sin4("127.0.0.1", 0); CALL(connect, s, (struct sockaddr *)&a, sizeof a); }
    DONE("connect: TCP to port 0");
    CASE { int l = tcp_listener(P); int s = tcp4(); struct sockaddr_in a = sin4("127.0.0.1", P); CALL(connect, s, (struct sockaddr *)&a, sizeof a); CALL(connect, s, (struct sockaddr *)&a, sizeof a); struct sockaddr_storage ss; socklen_t sl = sizeof ss; memset(&ss, 0xAA, sizeof ss); CALL(getpeername, s, (struct sockaddr *)&ss, &sl); rec(&ss, sizeof ss); rec(&sl, sizeof sl); (void)l; }
    DONE("connect: TCP to a listener, then again (EISCONN), then getpeername");
    CASE { int l = tcp_listener(0); struct sockaddr_in a = sin4("127.0.0.1", CLOSED_TCP); CALL(connect, l, (struct sockaddr *)&a, sizeof a); }
    DONE("connect: on a listening socket");
    CASE { int s = udp4(); struct sockaddr_in a = sin4("127.0.0.1", CLOSED_TCP); CALL(connect, s, (struct sockaddr *)&a, sizeof a); struct sockaddr_storage ss; socklen_t sl = sizeof ss; memset(&ss, 0xAA, sizeof ss); CALL(getpeername, s, (struct sockaddr *)&ss, &sl); rec(&ss, sizeof ss); rec(&sl, sizeof sl); }
    DONE("connect: UDP to 127.0.0.1:closed (succeeds), then getpeername");
    CASE { int s = udp4(); struct sockaddr_in a = sin4("255.255.255.255", 9); CALL(connect, s, (struct sockaddr *)&a, sizeof a); }
    DONE("connect: UDP to broadcast without SO_BROADCAST");
    {
        static const struct { const char *what; const char *path; int fill; socklen_t len; } tc[] = {
            {"missing path", "/nonexistent-dir/sock", 0, sizeof(struct sockaddr_un)},
            {"regular file (ECONNREFUSED)", "plainfile", 0, sizeof(struct sockaddr_un)},
            {"108-byte sun_path without NUL", NULL, 'q', sizeof(struct sockaddr_un)},
            {"addrlen 111", "x", 0, sizeof(struct sockaddr_un) + 1},
            {"addrlen 2", "", 0, 2},
            {"addrlen 1", "", 0, 1},
            {"unbound abstract name", NULL, 0, 0},
        };
        for (unsigned i = 0; i < sizeof tc / sizeof tc[0]; i++) {
            CASE {
                int s = gsock(AF_UNIX, SOCK_STREAM, 0);
                struct { struct sockaddr_un u; char pad[8]; } ua;
                socklen_t l = tc[i].len;
                memset(&ua, 0, sizeof ua);
                ua.u.sun_family = AF_UNIX;
                if (tc[i].path)
                    strcpy(ua.u.sun_path, tc[i].path);
                else if (tc[i].fill)
                    memset(ua.u.sun_path, tc[i].fill, sizeof ua.u.sun_path);
                else
                    l = abstract_addr(&ua.u, "nobody");
                if (i == 1) {
                    int f = open("plainfile", O_CREAT | O_WRONLY, 0600);
                    G(close)(f);
                }
                CALL(connect, s, (struct sockaddr *)&ua, l);
                if (i == 1)
                    unlink("plainfile");
            }
            DONE("connect: AF_UNIX %s", tc[i].what);
        }
    }
    CASE { int d = gsock(AF_UNIX, SOCK_DGRAM, 0); int s = gsock(AF_UNIX, SOCK_STREAM, 0); struct sockaddr_un u; socklen_t l = abstract_addr(&u, "dgram"); G(bind)(d, (struct sockaddr *)&u, l); CALL(connect, s, (struct sockaddr *)&u, l); }
    DONE("connect: unix stream to a dgram socket's name (EPROTOTYPE)");
    CASE { int d = gsock(AF_UNIX, SOCK_STREAM, 0); int s = gsock(AF_UNIX, SOCK_STREAM, 0); struct sockaddr_un u; socklen_t l = abstract_addr(&u, "notlistening"); G(bind)(d, (struct sockaddr *)&u, l); CALL(connect, s, (struct sockaddr *)&u, l); }
    DONE("connect: unix stream to a bound, non-listening socket");
    CASE { int d = gsock(AF_UNIX, SOCK_DGRAM, 0); int s = gsock(AF_UNIX, SOCK_DGRAM, 0); struct sockaddr_un u; socklen_t l = abstract_addr(&u, "dg"); G(bind)(d, (struct sockaddr *)&u, l); CALL(connect, s, (struct sockaddr *)&u, l); struct sockaddr_storage ss; socklen_t sl = sizeof ss; memset(&ss, 0xAA, sizeof ss); CALL(getpeername, s, (struct sockaddr *)&ss, &sl); rec(&ss, sizeof ss); rec(&sl, sizeof sl); }
    DONE("connect: unix dgram to an abstract name, then getpeername");
    CASE { int s = set_nonblock(tcp4()); struct sockaddr_in a = sin4("127.0.0.1", CLOSED_TCP); CALL(connect, s, (struct sockaddr *)&a, sizeof a); }
    DONE("connect: non-blocking TCP to a closed loopback port");
}

/* ---------------- shutdown ---------------- */

static void shutdown_cases(void)
{
    static const int hows[] = {SHUT_RD, SHUT_WR, SHUT_RDWR, 3, -1, 99, INT_MIN};
    for (unsigned i = 0; i < sizeof hows / sizeof hows[0]; i++) {
        CASE {
            int sv[2];
            char b[8];
            gpair(SOCK_STREAM, sv);
            CALL(shutdown, sv[0], hows[i]);
            rec_l(G(send)(sv[0], "x", 1, MSG_NOSIGNAL | MSG_DONTWAIT));
            rec_l(G(recv)(sv[1], b, sizeof b, MSG_DONTWAIT));
            rec_l(G(recv)(sv[0], b, sizeof b, MSG_DONTWAIT));
        }
        DONE("shutdown: unix stream pair, how %d", hows[i]);
        CASE { int s = tcp4(); CALL(shutdown, s, hows[i]); }
        DONE("shutdown: unconnected TCP, how %d", hows[i]);
    }
    CASE { int s = udp4(); CALL(shutdown, s, SHUT_RD); }
    DONE("shutdown: unconnected UDP SHUT_RD");
    CASE { int s = tcp_listener(0); CALL(shutdown, s, SHUT_RDWR); CALLFD(accept, s, NULL, NULL); }
    DONE("shutdown: listening TCP SHUT_RDWR, then accept");
    CASE { int c; int a = tcp_pair(&c); CALL(shutdown, c, SHUT_WR); wait_in(a); char b[4]; rec_l(G(recv)(a, b, sizeof b, MSG_DONTWAIT)); CALL(shutdown, c, SHUT_WR); }
    DONE("shutdown: connected TCP SHUT_WR twice, peer sees EOF");
}

/* ---------------- sockatmark ---------------- */

static void sockatmark_cases(void)
{
    for (int k = 0; k < NF; k++) {
        CASE { int fd = notsock(k); CALL(sockatmark, fd); }
        DONE("sockatmark: %s", fname_[k]);
    }
    CASE { int sv[2]; gpair(SOCK_STREAM, sv); CALL(sockatmark, sv[0]); }
    DONE("sockatmark: unix stream pair");
    CASE { int s = udp4(); CALL(sockatmark, s); }
    DONE("sockatmark: UDP socket");
    CASE { int s = tcp4(); CALL(sockatmark, s); }
    DONE("sockatmark: unconnected TCP");
    CASE { int c; int a = tcp_pair(&c); CALL(sockatmark, a); }
    DONE("sockatmark: connected TCP, nothing sent");
    CASE {
        int c, a = tcp_pair(&c);
        char b[8];
        G(send)(c, "ab", 2, 0);
        G(send)(c, "!", 1, MSG_OOB);
        wait_in(a);
        usleep(20000); /* the urgent byte follows the two ordinary ones */
        CALL(sockatmark, a); /* before the mark */
        rec_l(G(recv)(a, b, sizeof b, MSG_DONTWAIT)); /* stops at the mark */
        CALL(sockatmark, a); /* at the mark */
    }
    DONE("sockatmark: TCP with urgent data, before and at the mark");
}

/* ---------------- getsockname / getpeername ---------------- */

static void name_cases(void)
{
    static const struct { const char *what; int len; int mode; } lt[] = {
        {"addrlen 0", 0, 0}, {"addrlen 1", 1, 0}, {"addrlen 15", 15, 0}, {"addrlen 16", 16, 0},
        {"addrlen 200", 200, 0}, {"addrlen 0x7fffffff", 0x7fffffff, 0}, {"addrlen -1", -1, 0},
        {"addr NULL, addrlen 16", 16, 1}, {"addr NULL, addrlen 0", 0, 1}, {"addr PROT_NONE", 16, 2},
        {"addrlen pointer NULL", 16, 3}, {"addrlen pointer PROT_NONE", 16, 4},
    };
    for (int peer = 0; peer < 2; peer++)
        for (unsigned i = 0; i < sizeof lt / sizeof lt[0]; i++) {
            CASE {
                int l = tcp_listener(P), s = tcp4();
                struct sockaddr_in a = sin4("127.0.0.1", P);
                unsigned char ss[256];
                socklen_t sl = (socklen_t)lt[i].len;
                G(connect)(s, (struct sockaddr *)&a, sizeof a);
                memset(ss, 0xAA, sizeof ss);
                void *ap = lt[i].mode == 1 ? NULLP : lt[i].mode == 2 ? BADP : (void *)ss;
                socklen_t *lp = lt[i].mode == 3 ? NULLP : lt[i].mode == 4 ? BADP : &sl;
                /* getsockname on the listener (its port is P), getpeername on the client */
                if (peer)
                    CALL(getpeername, s, ap, lp);
                else
                    CALL(getsockname, l, ap, lp);
                rec(ss, sizeof ss);
                rec(&sl, sizeof sl);
            }
            DONE("%s: TCP 127.0.0.1:P, %s", peer ? "getpeername" : "getsockname", lt[i].what);
        }

    static const struct { const char *what; int kind; } kt[] = {
        {"unbound TCP", 0}, {"unbound UDP", 1}, {"unbound unix stream", 2}, {"unix stream pair", 3},
        {"unix bound to a path", 4}, {"unix bound to an abstract name", 5}, {"unbound TCP6", 6},
        {"TCP6 bound to [::1]:P", 7}, {"UDP bound to 127.0.0.1:P", 8}, {"listening TCP", 9},
        {"netlink (bound on first use)", 10},
    };
    for (int peer = 0; peer < 2; peer++)
        for (unsigned i = 0; i < sizeof kt / sizeof kt[0]; i++) {
            CASE {
                int s = -1, sv[2];
                struct sockaddr_un u = {AF_UNIX, "named"};
                switch (kt[i].kind) {
                case 0: s = tcp4(); break;
                case 1: s = udp4(); break;
                case 2: s = gsock(AF_UNIX, SOCK_STREAM, 0); break;
                case 3: gpair(SOCK_STREAM, sv); s = sv[0]; break;
                case 4: s = gsock(AF_UNIX, SOCK_DGRAM, 0); G(bind)(s, (struct sockaddr *)&u, sizeof u); break;
                case 5: s = gsock(AF_UNIX, SOCK_DGRAM, 0); { socklen_t l = abstract_addr(&u, "name"); G(bind)(s, (struct sockaddr *)&u, l); } break;
                case 6: s = gsock(AF_INET6, SOCK_STREAM, 0); break;
                case 7: {
                    struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT, .sin6_port = htons(P)};
                    s = gsock(AF_INET6, SOCK_STREAM, 0);
                    G(setsockopt)(s, SOL_SOCKET, SO_REUSEADDR, &(int){1}, sizeof(int));
                    G(bind)(s, (struct sockaddr *)&a6, sizeof a6);
                    break;
                }
                case 8: s = udp4(); gbind4(s, P); break;
                case 9: s = tcp_listener(P); break;
                case 10: s = gsock(AF_NETLINK, SOCK_RAW, 0); break;
                }
                unsigned char ss[256];
                socklen_t sl = sizeof ss;
                memset(ss, 0xAA, sizeof ss);
                if (peer)
                    CALL(getpeername, s, (struct sockaddr *)ss, &sl);
                else
                    CALL(getsockname, s, (struct sockaddr *)ss, &sl);
                if (kt[i].kind == 10 && R[cur].ret == 0)
                    memset(ss + 4, 0, 4); /* the netlink port id is per socket */
                rec(ss, sizeof ss);
                rec(&sl, sizeof sl);
                if (kt[i].kind == 4)
                    unlink("named");
            }
            DONE("%s: %s", peer ? "getpeername" : "getsockname", kt[i].what);
        }
}

/* ---------------- getsockopt ---------------- */

static void getsockopt_cases(void)
{
    static const struct { const char *what; int kind, level, name, len; } tc[] = {
        {"SO_TYPE", 0, SOL_SOCKET, SO_TYPE, 4}, {"SO_TYPE", 1, SOL_SOCKET, SO_TYPE, 4},
        {"SO_TYPE", 2, SOL_SOCKET, SO_TYPE, 4}, {"SO_DOMAIN", 0, SOL_SOCKET, SO_DOMAIN, 4},
        {"SO_PROTOCOL", 1, SOL_SOCKET, SO_PROTOCOL, 4}, {"SO_ERROR", 0, SOL_SOCKET, SO_ERROR, 4},
        {"SO_ACCEPTCONN", 3, SOL_SOCKET, SO_ACCEPTCONN, 4}, {"SO_RCVBUF", 0, SOL_SOCKET, SO_RCVBUF, 4},
        {"SO_RCVBUF optlen 8", 0, SOL_SOCKET, SO_RCVBUF, 8}, {"SO_RCVBUF optlen 2", 0, SOL_SOCKET, SO_RCVBUF, 2},
        {"SO_RCVBUF optlen 0", 0, SOL_SOCKET, SO_RCVBUF, 0}, {"SO_RCVBUF optlen -1", 0, SOL_SOCKET, SO_RCVBUF, -1},
        {"SO_RCVBUF optlen INT_MAX", 0, SOL_SOCKET, SO_RCVBUF, INT_MAX},
        {"SO_LINGER", 0, SOL_SOCKET, SO_LINGER, 8}, {"SO_LINGER optlen 4", 0, SOL_SOCKET, SO_LINGER, 4},
        {"SO_RCVTIMEO", 0, SOL_SOCKET, SO_RCVTIMEO, 16}, {"SO_RCVTIMEO optlen 8", 0, SOL_SOCKET, SO_RCVTIMEO, 8},
        {"SO_PEERCRED", 2, SOL_SOCKET, SO_PEERCRED, 12}, {"SO_PEERCRED optlen 4", 2, SOL_SOCKET, SO_PEERCRED, 4},
        {"SO_PEERCRED unconnected", 4, SOL_SOCKET, SO_PEERCRED, 12},
        {"SO_PEERNAME unconnected", 0, SOL_SOCKET, SO_PEERNAME, 128},
        {"SO_BINDTODEVICE unbound", 0, SOL_SOCKET, SO_BINDTODEVICE, 16},
        {"SO_REUSEADDR", 0, SOL_SOCKET, SO_REUSEADDR, 4}, {"SO_KEEPALIVE", 0, SOL_SOCKET, SO_KEEPALIVE, 4},
        {"unknown name 12345 at SOL_SOCKET", 0, SOL_SOCKET, 12345, 4},
        {"name -1 at SOL_SOCKET", 0, SOL_SOCKET, -1, 4},
        {"unknown level 12345", 0, 12345, 1, 4}, {"level -1", 0, -1, 1, 4},
        {"unknown level 12345 on unix", 2, 12345, 1, 4},
        {"IPPROTO_TCP TCP_NODELAY", 0, IPPROTO_TCP, TCP_NODELAY, 4},
        {"IPPROTO_TCP TCP_NODELAY on UDP", 1, IPPROTO_TCP, TCP_NODELAY, 4},
        {"IPPROTO_TCP TCP_MAXSEG", 0, IPPROTO_TCP, TCP_MAXSEG, 4},
        {"IPPROTO_TCP TCP_CONGESTION", 0, IPPROTO_TCP, TCP_CONGESTION, 16},
        {"IPPROTO_TCP unknown name 12345", 0, IPPROTO_TCP, 12345, 4},
        {"IPPROTO_IP IP_TTL", 0, IPPROTO_IP, IP_TTL, 4}, {"IPPROTO_IP IP_TTL optlen 1", 0, IPPROTO_IP, IP_TTL, 1},
        {"IPPROTO_IP IP_TOS", 1, IPPROTO_IP, IP_TOS, 4}, {"IPPROTO_IP unknown 12345", 1, IPPROTO_IP, 12345, 4},
        {"IPPROTO_IPV6 IPV6_V6ONLY on AF_INET", 0, IPPROTO_IPV6, IPV6_V6ONLY, 4},
        {"IPPROTO_IPV6 IPV6_V6ONLY on AF_INET6", 5, IPPROTO_IPV6, IPV6_V6ONLY, 4},
        {"IPPROTO_IP IP_TTL on unix", 2, IPPROTO_IP, IP_TTL, 4},
    };
    for (unsigned i = 0; i < sizeof tc / sizeof tc[0]; i++) {
        CASE {
            int s = -1, sv[2];
            switch (tc[i].kind) {
            case 0: s = tcp4(); break;
            case 1: s = udp4(); break;
            case 2: gpair(SOCK_STREAM, sv); s = sv[0]; break;
            case 3: s = tcp_listener(0); break;
            case 4: s = gsock(AF_UNIX, SOCK_STREAM, 0); break;
            case 5: s = gsock(AF_INET6, SOCK_STREAM, 0); break;
            }
            unsigned char v[256];
            socklen_t l = (socklen_t)tc[i].len;
            memset(v, 0xAA, sizeof v);
            CALL(getsockopt, s, tc[i].level, tc[i].name, v, &l);
            rec(v, sizeof v);
            rec(&l, sizeof l);
        }
        DONE("getsockopt: %s (%s)", tc[i].what,
             (const char *[]){"TCP", "UDP", "unix pair", "TCP listener", "unix stream", "TCP6"}[tc[i].kind]);
    }
    CASE { int s = tcp4(); socklen_t l = 4; CALL(getsockopt, s, SOL_SOCKET, SO_TYPE, NULLP, &l); rec(&l, sizeof l); }
    DONE("getsockopt: optval NULL");
    CASE { int s = tcp4(); socklen_t l = 4; CALL(getsockopt, s, SOL_SOCKET, SO_TYPE, BADP, &l); rec(&l, sizeof l); }
    DONE("getsockopt: optval PROT_NONE");
    CASE { int s = tcp4(); int v = 0x55; CALL(getsockopt, s, SOL_SOCKET, SO_TYPE, &v, NULLP); rec_l(v); }
    DONE("getsockopt: optlen pointer NULL");
    CASE { int s = tcp4(); int v = 0x55; CALL(getsockopt, s, SOL_SOCKET, SO_TYPE, &v, BADP); rec_l(v); }
    DONE("getsockopt: optlen pointer PROT_NONE");
    CASE { int s = tcp4(); socklen_t l = 0; CALL(getsockopt, s, SOL_SOCKET, SO_TYPE, NULLP, &l); rec(&l, sizeof l); }
    DONE("getsockopt: optval NULL, optlen 0");
}

/* ---------------- setsockopt ---------------- */

static void setsockopt_cases(void)
{
    static const struct { const char *what; int kind, level, name; long val; int len; int rl; } tc[] = {
        {"SO_REUSEADDR 1", 0, SOL_SOCKET, SO_REUSEADDR, 1, 4, 4},
        {"SO_REUSEADDR optlen 0", 0, SOL_SOCKET, SO_REUSEADDR, 1, 0, 4},
        {"SO_REUSEADDR optlen 3", 0, SOL_SOCKET, SO_REUSEADDR, 1, 3, 4},
        {"SO_REUSEADDR optlen 8", 0, SOL_SOCKET, SO_REUSEADDR, 1, 8, 4},
        {"SO_REUSEADDR optlen 0x7fffffff", 0, SOL_SOCKET, SO_REUSEADDR, 1, 0x7fffffff, 4},
        {"SO_REUSEADDR optlen -1", 0, SOL_SOCKET, SO_REUSEADDR, 1, -1, 4},
        {"SO_RCVBUF -1", 0, SOL_SOCKET, SO_RCVBUF, -1, 4, 4},
        {"SO_RCVBUF 0", 0, SOL_SOCKET, SO_RCVBUF, 0, 4, 4},
        {"SO_RCVBUF INT_MAX", 0, SOL_SOCKET, SO_RCVBUF, INT_MAX, 4, 4},
        {"SO_SNDBUF 4096", 1, SOL_SOCKET, SO_SNDBUF, 4096, 4, 4},
        {"SO_PRIORITY 7", 0, SOL_SOCKET, SO_PRIORITY, 7, 4, 4},
        {"SO_PRIORITY -1", 0, SOL_SOCKET, SO_PRIORITY, -1, 4, 4},
        {"SO_TYPE (read-only)", 0, SOL_SOCKET, SO_TYPE, 1, 4, 4},
        {"SO_ACCEPTCONN (read-only)", 0, SOL_SOCKET, SO_ACCEPTCONN, 1, 4, 4},
        {"unknown name 12345", 0, SOL_SOCKET, 12345, 1, 4, 4},
        {"unknown level 12345", 0, 12345, 1, 1, 4, 4},
        {"level -1", 1, -1, 1, 1, 4, 4},
        {"unknown level 12345 on unix", 2, 12345, 1, 1, 4, 4},
        {"TCP_NODELAY on TCP", 0, IPPROTO_TCP, TCP_NODELAY, 1, 4, 4},
        {"TCP_NODELAY on UDP", 1, IPPROTO_TCP, TCP_NODELAY, 1, 4, 4},
        {"TCP_NODELAY on unix", 2, IPPROTO_TCP, TCP_NODELAY, 1, 4, 4},
        {"TCP_MAXSEG 1", 0, IPPROTO_TCP, TCP_MAXSEG, 1, 4, 4},
        {"TCP_KEEPIDLE 0", 0, IPPROTO_TCP, TCP_KEEPIDLE, 0, 4, 4},
        {"TCP unknown name 12345", 0, IPPROTO_TCP, 12345, 1, 4, 4},
        {"IP_TTL 64", 1, IPPROTO_IP, IP_TTL, 64, 4, 4},
        {"IP_TTL 0", 1, IPPROTO_IP, IP_TTL, 0, 4, 4},
        {"IP_TTL 256", 1, IPPROTO_IP, IP_TTL, 256, 4, 4},
        {"IP_TTL -1 (default)", 1, IPPROTO_IP, IP_TTL, -1, 4, 4},
        {"IP_TTL optlen 1", 1, IPPROTO_IP, IP_TTL, 0x55, 1, 4},
        {"IP_TOS 0x10", 0, IPPROTO_IP, IP_TOS, 0x10, 4, 4},
        {"IP_ADD_MEMBERSHIP optlen 4", 1, IPPROTO_IP, IP_ADD_MEMBERSHIP, 0, 4, 4},
        {"IPV6_V6ONLY on AF_INET", 0, IPPROTO_IPV6, IPV6_V6ONLY, 1, 4, 4},
        {"IPV6_V6ONLY 1 on AF_INET6", 5, IPPROTO_IPV6, IPV6_V6ONLY, 1, 4, 4},
        {"SO_PASSCRED on unix", 2, SOL_SOCKET, SO_PASSCRED, 1, 4, 4},
        {"SO_KEEPALIVE 2", 0, SOL_SOCKET, SO_KEEPALIVE, 2, 4, 4},
        {"SO_RCVLOWAT 0", 0, SOL_SOCKET, SO_RCVLOWAT, 0, 4, 4},
        {"SO_RCVLOWAT INT_MAX", 0, SOL_SOCKET, SO_RCVLOWAT, INT_MAX, 4, 4},
        {"SO_SNDLOWAT (not changeable)", 0, SOL_SOCKET, SO_SNDLOWAT, 1, 4, 4},
    };
    for (unsigned i = 0; i < sizeof tc / sizeof tc[0]; i++) {
        CASE {
            int s = -1, sv[2];
            switch (tc[i].kind) {
            case 0: s = tcp4(); break;
            case 1: s = udp4(); break;
            case 2: gpair(SOCK_STREAM, sv); s = sv[0]; break;
            case 5: s = gsock(AF_INET6, SOCK_STREAM, 0); break;
            }
            unsigned char v[256];
            memset(v, 0, sizeof v);
            int iv = (int)tc[i].val;
            memcpy(v, &iv, sizeof iv);
            CALL(setsockopt, s, tc[i].level, tc[i].name, v, (socklen_t)tc[i].len);
            /* read it back with glibc */
            socklen_t l = (socklen_t)tc[i].rl;
            memset(v, 0xAA, sizeof v);
            rec_l(G(getsockopt)(s, tc[i].level, tc[i].name, v, &l));
            rec(v, 16);
            rec(&l, sizeof l);
        }
        DONE("setsockopt: %s (%s)", tc[i].what,
             (const char *[]){"TCP", "UDP", "unix pair", "", "", "TCP6"}[tc[i].kind]);
    }
    {
        static const struct { const char *what; long sec, usec; int len; } tv[] = {
            {"{1, 500000}", 1, 500000, 16}, {"{0, 0}", 0, 0, 16}, {"{-1, 0}", -1, 0, 16},
            {"{0, -1}", 0, -1, 16}, {"{0, 1000000}", 0, 1000000, 16}, {"{1, 0} optlen 8", 1, 0, 8},
            {"{LONG_MAX, 0}", LONG_MAX, 0, 16},
        };
        for (unsigned i = 0; i < sizeof tv / sizeof tv[0]; i++) {
            CASE {
                int s = tcp4();
                struct timeval t = {tv[i].sec, tv[i].usec}, b;
                socklen_t l = sizeof b;
                CALL(setsockopt, s, SOL_SOCKET, SO_RCVTIMEO, &t, (socklen_t)tv[i].len);
                memset(&b, 0xAA, sizeof b);
                rec_l(G(getsockopt)(s, SOL_SOCKET, SO_RCVTIMEO, &b, &l));
                rec(&b, sizeof b);
                rec(&l, sizeof l);
            }
            DONE("setsockopt: SO_RCVTIMEO %s", tv[i].what);
        }
    }
    {
        static const struct { const char *what; int on, secs, len; } lg[] = {
            {"{1, 5}", 1, 5, 8}, {"{1, -1}", 1, -1, 8}, {"{0, 0} optlen 4", 0, 0, 4}, {"{1, 0} optlen 16", 1, 0, 16},
        };
        for (unsigned i = 0; i < 4; i++) {
            CASE {
                int s = tcp4();
                struct { struct linger l; char pad[8]; } v = {{lg[i].on, lg[i].secs}, {0}};
                struct linger b;
                socklen_t l = sizeof b;
                CALL(setsockopt, s, SOL_SOCKET, SO_LINGER, &v, (socklen_t)lg[i].len);
                memset(&b, 0xAA, sizeof b);
                rec_l(G(getsockopt)(s, SOL_SOCKET, SO_LINGER, &b, &l));
                rec(&b, sizeof b);
            }
            DONE("setsockopt: SO_LINGER %s", lg[i].what);
        }
    }
    CASE { int s = tcp4(); CALL(setsockopt, s, SOL_SOCKET, SO_REUSEADDR, NULLP, 4); }
    DONE("setsockopt: optval NULL, optlen 4");
    CASE { int s = tcp4(); CALL(setsockopt, s, SOL_SOCKET, SO_REUSEADDR, NULL, 0); }
    DONE("setsockopt: optval NULL, optlen 0");
    CASE { int s = tcp4(); CALL(setsockopt, s, SOL_SOCKET, SO_REUSEADDR, BADP, 4); }
    DONE("setsockopt: optval PROT_NONE");
    CASE { int s = tcp4(); CALL(setsockopt, s, SOL_SOCKET, SO_BINDTODEVICE, "nosuchdev0", 11); }
    DONE("setsockopt: SO_BINDTODEVICE to a missing device");
    CASE { int s = tcp4(); CALL(setsockopt, s, SOL_SOCKET, SO_BINDTODEVICE, "lo", 3); char b[16] = {0}; socklen_t l = sizeof b; rec_l(G(getsockopt)(s, SOL_SOCKET, SO_BINDTODEVICE, b, &l)); rec(b, sizeof b); rec(&l, sizeof l); }
    DONE("setsockopt: SO_BINDTODEVICE \"lo\"");
    CASE { int s = tcp4(); CALL(setsockopt, s, SOL_SOCKET, SO_BINDTODEVICE, "lo", 0); }
    DONE("setsockopt: SO_BINDTODEVICE optlen 0 (unbind)");
    CASE { int s = tcp4(); struct sock_fprog { unsigned short len; void *filter; } f = {1, BADP}; CALL(setsockopt, s, SOL_SOCKET, SO_ATTACH_FILTER, &f, sizeof f); }
    DONE("setsockopt: SO_ATTACH_FILTER with a PROT_NONE program");
    CASE { int s = tcp4(); CALL(setsockopt, s, IPPROTO_TCP, TCP_CONGESTION, "nosuchcc", 8); }
    DONE("setsockopt: TCP_CONGESTION \"nosuchcc\"");
}

int main(void)
{
    PROVE_SOCKSHIM(socket);
    PROVE_SOCKSHIM(socketpair);
    PROVE_SOCKSHIM(bind);
    PROVE_SOCKSHIM(listen);
    PROVE_SOCKSHIM(accept);
    PROVE_SOCKSHIM(accept4);
    PROVE_SOCKSHIM(connect);
    PROVE_SOCKSHIM(shutdown);
    PROVE_SOCKSHIM(sockatmark);
    PROVE_SOCKSHIM(getsockname);
    PROVE_SOCKSHIM(getpeername);
    PROVE_SOCKSHIM(getsockopt);
    PROVE_SOCKSHIM(setsockopt);

    harness_init();
    make_tmpdir();
    if (chdir(tmpdir) != 0) {
        printf("Bail out! chdir %s\n", tmpdir);
        return 2;
    }
    P = free_port(SOCK_STREAM);
    CLOSED_TCP = free_port(SOCK_STREAM);
    while (CLOSED_TCP == P)
        CLOSED_TCP = free_port(SOCK_STREAM);

    badfd_cases();
    socket_cases();
    bind_cases();
    listen_accept_cases();
    connect_cases();
    shutdown_cases();
    sockatmark_cases();
    name_cases();
    getsockopt_cases();
    setsockopt_cases();

    go_multithreaded();
    listen_accept_cases();
    connect_cases();

    diag("differential cases: %d", ncases);
    if (chdir("/") != 0)
        diag("chdir / failed");
    remove_tmpdir();
    return tap_done();
}
