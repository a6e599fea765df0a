/* memcheck: many getaddrinfo/freeaddrinfo and getnameinfo calls, run under
 * valgrind memcheck by run.sh (which requires no leak and no error).
 *
 * usage: memcheck ITERATIONS [prove]
 *
 * Each iteration does one getaddrinfo+freeaddrinfo and one getnameinfo,
 * cycling through numeric, /etc/hosts and (every 50th iteration) DNS
 * lookups, successful and failing; every result is checked against the
 * first one of its kind, so a lookup that starts failing is noticed too. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../tap.h"

static const struct {
    const char *node, *serv;
    int family, flags;
} lookups[] = {
    {"127.0.0.1", "80", AF_UNSPEC, AI_NUMERICHOST},
    {"::1", "http", AF_INET6, 0},
    {"localhost", "80", AF_UNSPEC, AI_CANONNAME},
    {"multi.hosts.test", NULL, AF_UNSPEC, 0},
    {"both.hosts.test", "22", AF_INET6, AI_V4MAPPED | AI_ALL},
    {NULL, "80", AF_UNSPEC, AI_PASSIVE},
    {"nosuch.hosts.test", "80", AF_UNSPEC, AI_NUMERICHOST},
    {"127.0.0.1", "nosuchservice", AF_UNSPEC, 0},
};
static const struct {
    const char *node, *serv;
    int family, flags;
} dns_lookups[] = {
    {"www.sockshim.test", "80", AF_UNSPEC, AI_CANONNAME},
    {"alias1.sockshim.test", NULL, AF_UNSPEC, AI_CANONNAME},
    {"big.sockshim.test", NULL, AF_INET, 0},
    {"nothere.sockshim.test", NULL, AF_UNSPEC, 0},
};
static const struct {
    const char *ip;
    int port, flags;
} names[] = {
    {"127.0.0.1", 80, 0},
    {"127.0.1.1", 12345, 0},
    {"::1", 53, NI_NUMERICHOST},
    {"fe80::1", 0, NI_NUMERICHOST},
    {"10.9.9.9", 0, NI_NAMEREQD},
};
static const char *dns_names[] = {"192.0.2.10", "2001:db8::10", "192.0.2.99"};

#define NL (sizeof lookups / sizeof lookups[0])
#define ND (sizeof dns_lookups / sizeof dns_lookups[0])
#define NN (sizeof names / sizeof names[0])
#define NDN (sizeof dns_names / sizeof dns_names[0])

static int first_gai[NL + ND], first_gni[NN + NDN];
static char first_host[NN + NDN][NI_MAXHOST];

static int one_gai(const char *node, const char *serv, int family, int flags)
{
    struct addrinfo h, *res;
    memset(&h, 0, sizeof h);
    h.ai_family = family;
    h.ai_flags = flags;
    h.ai_socktype = SOCK_STREAM;
    int r = getaddrinfo(node, serv, &h, &res);
    if (r == 0) {
        int n = 0;
        for (struct addrinfo *ai = res; ai; ai = ai->ai_next)
            n++;
        freeaddrinfo(res);
        return n;
    }
    return r;
}

static int one_gni(const char *ip, int port, int flags, char *host)
{
    struct sockaddr_storage ss;
    socklen_t l;
    char serv[NI_MAXSERV];
    memset(&ss, 0, sizeof ss);
    if (strchr(ip, ':')) {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons((uint16_t)port);
        s6->sin6_scope_id = 1;
        GLIBC(inet_pton)(AF_INET6, ip, &s6->sin6_addr);
        l = sizeof *s6;
    } else {
        struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
        s4->sin_family = AF_INET;
        s4->sin_port = htons((uint16_t)port);
        GLIBC(inet_pton)(AF_INET, ip, &s4->sin_addr);
        l = sizeof *s4;
    }
    host[0] = 0;
    return getnameinfo((struct sockaddr *)&ss, l, host, NI_MAXHOST, serv, sizeof serv, flags);
}

int main(int argc, char **argv)
{
    long iters = argc > 1 ? atol(argv[1]) : 10000, bad = 0, gai_calls = 0, gni_calls = 0;
    char host[NI_MAXHOST];

    if (argc > 2 && !strcmp(argv[2], "prove")) {
        PROVE_SOCKSHIM(getaddrinfo);
        PROVE_SOCKSHIM(freeaddrinfo);
        PROVE_SOCKSHIM(getnameinfo);
    }
    for (size_t i = 0; i < NL; i++)
        first_gai[i] = one_gai(lookups[i].node, lookups[i].serv, lookups[i].family, lookups[i].flags);
    for (size_t i = 0; i < ND; i++)
        first_gai[NL + i] =
            one_gai(dns_lookups[i].node, dns_lookups[i].serv, dns_lookups[i].family, dns_lookups[i].flags);
    for (size_t i = 0; i < NN; i++)
        first_gni[i] = one_gni(names[i].ip, names[i].port, names[i].flags, first_host[i]);
    for (size_t i = 0; i < NDN; i++)
        first_gni[NN + i] = one_gni(dns_names[i], 80, 0, first_host[NN + i]);

    for (long k = 0; k < iters; k++) {
        size_t i;
        int r;
        if (k % 50 == 49) {
            i = (size_t)(k / 50) % ND;
            r = one_gai(dns_lookups[i].node, dns_lookups[i].serv, dns_lookups[i].family, dns_lookups[i].flags);
            i += NL;
        } else {
            i = (size_t)k % NL;
            r = one_gai(lookups[i].node, lookups[i].serv, lookups[i].family, lookups[i].flags);
        }
        gai_calls++;
        if (r != first_gai[i] && bad++ < 5)
            diag("iteration %ld: getaddrinfo lookup %zu gave %d, first time %d", k, i, r, first_gai[i]);
        if (k % 50 == 24) {
            i = (size_t)(k / 50) % NDN;
            r = one_gni(dns_names[i], 80, 0, host);
            i += NN;
        } else {
            i = (size_t)k % NN;
            r = one_gni(names[i].ip, names[i].port, names[i].flags, host);
        }
        gni_calls++;
        if ((r != first_gni[i] || strcmp(host, first_host[i]) != 0) && bad++ < 5)
            diag("iteration %ld: getnameinfo %zu gave %d %s, first time %d %s", k, i, r, host, first_gni[i],
                 first_host[i]);
    }
    ok(bad == 0, "%ld getaddrinfo+freeaddrinfo and %ld getnameinfo calls, every result as the first time",
       gai_calls, gni_calls);
    return tap_done();
}
