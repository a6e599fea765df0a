/* icount: N calls of one case, for counting instructions per call with
 * callgrind (bench/icount.sh runs it twice, with N and 0 calls, and divides
 * the difference of the totals by N).
 *
 * usage: icount glibc|ours CASE N
 *
 *   glibc     glibc's own functions (dlopen("libc.so.6") + dlsym)
 *   ours      the functions the program is linked with or preloaded
 *   CASE      gai          getaddrinfo("localhost", "80", {AF_UNSPEC,
 *                          SOCK_STREAM}) + freeaddrinfo
 *             gni          getnameinfo(127.0.0.1 port 80, NI_NAMEREQD)
 *             sendrecv     send 1 byte on one end of a socketpair, recv it on
 *                          the other (two calls: the count is per pair)
 *
 * The setup (socketpair, a first call that fills caches) happens for N = 0
 * as well, so the difference is the calls alone. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

typedef int gai_fn(const char *, const char *, const struct addrinfo *, struct addrinfo **);
typedef void fai_fn(struct addrinfo *);
typedef int gni_fn(const struct sockaddr *, socklen_t, char *, socklen_t, char *, socklen_t, int);
typedef ssize_t send_fn(int, const void *, size_t, int);
typedef ssize_t recv_fn(int, void *, size_t, int);

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: icount glibc|ours gai|gni|sendrecv N\n");
        return 2;
    }
    gai_fn *gai = getaddrinfo;
    fai_fn *fai = freeaddrinfo;
    gni_fn *gni = getnameinfo;
    send_fn *snd = send;
    recv_fn *rcv = recv;
    if (!strcmp(argv[1], "glibc")) {
        void *libc = dlopen("libc.so.6", RTLD_NOW);
        if (!libc)
            return 1;
        gai = (gai_fn *)dlsym(libc, "getaddrinfo");
        fai = (fai_fn *)dlsym(libc, "freeaddrinfo");
        gni = (gni_fn *)dlsym(libc, "getnameinfo");
        snd = (send_fn *)dlsym(libc, "send");
        rcv = (recv_fn *)dlsym(libc, "recv");
    } else if (strcmp(argv[1], "ours")) {
        return 2;
    }
    long n = atol(argv[3]);
    const char *c = argv[2];
    if (!strcmp(c, "gai")) {
        struct addrinfo h, *res;
        memset(&h, 0, sizeof h);
        h.ai_socktype = SOCK_STREAM;
        for (long i = -1; i < n; i++) {
            if (gai("localhost", "80", &h, &res) != 0)
                return 1;
            fai(res);
        }
    } else if (!strcmp(c, "gni")) {
        struct sockaddr_in sa;
        char host[NI_MAXHOST], serv[NI_MAXSERV];
        memset(&sa, 0, sizeof sa);
        sa.sin_family = AF_INET;
        sa.sin_port = htons(80);
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        for (long i = -1; i < n; i++)
            if (gni((struct sockaddr *)&sa, sizeof sa, host, sizeof host, serv, sizeof serv, NI_NAMEREQD) != 0)
                return 1;
    } else if (!strcmp(c, "sendrecv")) {
        int sv[2];
        char b = 'x';
        if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
            return 1;
        for (long i = -1; i < n; i++)
            if (snd(sv[0], &b, 1, 0) != 1 || rcv(sv[1], &b, 1, 0) != 1)
                return 1;
    } else {
        return 2;
    }
    return 0;
}
