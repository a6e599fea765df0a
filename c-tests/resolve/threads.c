/* threads: concurrent resolution.
 *
 * usage: threads SECONDS [prove]
 *
 * Computes, once and up front, the result of every lookup in the table
 * with glibc's own functions; then 16 threads run the same lookups through
 * the program's binding (sockshim when linked or preloaded) for SECONDS,
 * each thread in its own order, and every single result must equal glibc's.
 * Names come from /etc/hosts and from the test zone's DNS server (run.sh). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../tap.h"

#define NTHREADS 16
#define SIGMAX 4096

enum kind { GAI, GHBN_R, GNI };

struct op {
    enum kind kind;
    const char *arg;
    int family; /* GAI: hints family; GHBN_R: -1 for gethostbyname_r, else af */
    int flags;
    char expect[SIGMAX];
    atomic_long calls, bad;
};

#define OP(k, a, f, fl) {.kind = k, .arg = a, .family = f, .flags = fl}
static struct op ops[] = {
    OP(GAI, "localhost", AF_UNSPEC, AI_CANONNAME),
    OP(GAI, "multi.hosts.test", AF_UNSPEC, 0),
    OP(GAI, "both.hosts.test", AF_INET6, AI_V4MAPPED),
    OP(GAI, "127.0.0.1", AF_INET, AI_NUMERICHOST),
    OP(GAI, "www.sockshim.test", AF_UNSPEC, AI_CANONNAME),
    OP(GAI, "alias1.sockshim.test", AF_UNSPEC, AI_CANONNAME),
    OP(GAI, "big.sockshim.test", AF_INET, 0),
    OP(GAI, "v6only.sockshim.test", AF_UNSPEC, 0),
    OP(GAI, "nothere.sockshim.test", AF_UNSPEC, 0),
    OP(GAI, "host", AF_UNSPEC, AI_CANONNAME),
    OP(GHBN_R, "multi.hosts.test", -1, 0),
    OP(GHBN_R, "alias1.sockshim.test", -1, 0),
    OP(GHBN_R, "v6only.sockshim.test", AF_INET6, 0),
    OP(GHBN_R, "nothere.sockshim.test", -1, 0),
    OP(GNI, "127.0.1.1", 80, 0),
    OP(GNI, "192.0.2.10", 53, 0),
    OP(GNI, "2001:db8::10", 443, 0),
    OP(GNI, "192.0.2.99", 80, 0),
    OP(GNI, "::1", 22, NI_NUMERICHOST),
};
#define NOPS (sizeof ops / sizeof ops[0])

static volatile int stop;

/* Result as text into buf; `glibc` selects glibc's functions. */
static void run_op(const struct op *o, int glibc, char *buf)
{
    size_t n = 0;
#define PUT(...) (n += (size_t)snprintf(buf + n, n < SIGMAX ? SIGMAX - n : 0, __VA_ARGS__))
    buf[0] = 0;
    if (o->kind == GAI) {
        struct addrinfo h, *res, *ai;
        memset(&h, 0, sizeof h);
        h.ai_family = o->family;
        h.ai_flags = o->flags;
        h.ai_socktype = SOCK_STREAM;
        int r = (glibc ? GLIBC(getaddrinfo) : &getaddrinfo)(o->arg, "80", &h, &res);
        PUT("ret %d", r);
        if (r == 0) {
            for (ai = res; ai; ai = ai->ai_next) {
                PUT(" [%x %d %d %d %s ", ai->ai_flags, ai->ai_family, ai->ai_socktype, ai->ai_protocol,
                    ai->ai_canonname ? ai->ai_canonname : "-");
                for (socklen_t i = 0; i < ai->ai_addrlen; i++)
                    PUT("%02x", ((unsigned char *)ai->ai_addr)[i]);
                PUT("]");
            }
            (glibc ? GLIBC(freeaddrinfo) : &freeaddrinfo)(res);
        }
    } else if (o->kind == GHBN_R) {
        struct hostent he, *res = NULL;
        char b[8192];
        int herr = 0, r;
        if (o->family < 0)
            r = (glibc ? GLIBC(gethostbyname_r) : &gethostbyname_r)(o->arg, &he, b, sizeof b, &res, &herr);
        else
            r = (glibc ? GLIBC(gethostbyname2_r) : &gethostbyname2_r)(o->arg, o->family, &he, b, sizeof b, &res,
                                                                     &herr);
        PUT("ret %d res %d herr %d", r, res == &he, res ? 0 : herr);
        if (res) {
            PUT(" %s %d %d", he.h_name, he.h_addrtype, he.h_length);
            for (char **a = he.h_aliases; *a; a++)
                PUT(" alias %s", *a);
            for (char **a = he.h_addr_list; *a; a++) {
                PUT(" ");
                for (int i = 0; i < he.h_length; i++)
                    PUT("%02x", (unsigned char)(*a)[i]);
            }
        }
    } else {
        struct sockaddr_storage ss;
        socklen_t l;
        char host[NI_MAXHOST], serv[NI_MAXSERV];
        memset(&ss, 0, sizeof ss);
        if (strchr(o->arg, ':')) {
            struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
            s6->sin6_family = AF_INET6;
            s6->sin6_port = htons((uint16_t)o->family);
            GLIBC(inet_pton)(AF_INET6, o->arg, &s6->sin6_addr);
            l = sizeof *s6;
        } else {
            struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
            s4->sin_family = AF_INET;
            s4->sin_port = htons((uint16_t)o->family);
            GLIBC(inet_pton)(AF_INET, o->arg, &s4->sin_addr);
            l = sizeof *s4;
        }
        int r = (glibc ? GLIBC(getnameinfo) : &getnameinfo)((struct sockaddr *)&ss, l, host, sizeof host, serv,
                                                             sizeof serv, o->flags);
        PUT("ret %d", r);
        if (r == 0)
            PUT(" %s %s", host, serv);
    }
#undef PUT
}

static void *worker(void *arg)
{
    long id = (long)arg;
    char buf[SIGMAX];
    unsigned k = (unsigned)id * 7u;
    while (!stop) {
        struct op *o = &ops[k++ % NOPS];
        run_op(o, 0, buf);
        atomic_fetch_add(&o->calls, 1);
        if (strcmp(buf, o->expect) != 0) {
            if (atomic_fetch_add(&o->bad, 1) == 0)
                printf("# thread %ld, %s: got    %s\n#   expected %s\n", id, o->arg, buf, o->expect);
        }
        if (id & 1)
            k += 3; /* odd threads skip around: different interleavings */
    }
    return NULL;
}

int main(int argc, char **argv)
{
    pthread_t t[NTHREADS];
    int secs = argc > 1 ? atoi(argv[1]) : 3;
    static const char *kname[] = {"getaddrinfo", "gethostbyname_r", "getnameinfo"};

    if (argc > 2 && !strcmp(argv[2], "prove")) {
        PROVE_SOCKSHIM(getaddrinfo);
        PROVE_SOCKSHIM(freeaddrinfo);
        PROVE_SOCKSHIM(gethostbyname_r);
        PROVE_SOCKSHIM(gethostbyname2_r);
        PROVE_SOCKSHIM(getnameinfo);
    }
    for (size_t i = 0; i < NOPS; i++)
        run_op(&ops[i], 1, ops[i].expect);
    for (long i = 0; i < NTHREADS; i++)
        if (pthread_create(&t[i], NULL, worker, (void *)i) != 0) {
            printf("Bail out! pthread_create\n");
            return 2;
        }
    sleep((unsigned)secs);
    stop = 1;
    for (int i = 0; i < NTHREADS; i++)
        pthread_join(t[i], NULL);
    long total = 0;
    for (size_t i = 0; i < NOPS; i++) {
        struct op *o = &ops[i];
        total += o->calls;
        ok(o->calls > 0 && o->bad == 0, "%s(%s): %ld concurrent calls, %ld differ from glibc's result", kname[o->kind],
           o->arg, (long)o->calls, (long)o->bad);
    }
    diag("%ld lookups in %d threads in %d s", total, NTHREADS, secs);
    return tap_done();
}
