/* wireq: name lookups by one implementation, for comparing the queries two
 * resolvers send (run.sh's "wire" tests read the server's query log).
 *
 * usage: wireq glibc|ours CALL NAME...
 *
 *   glibc  glibc's own functions (dlopen("libc.so.6") + dlsym)
 *   ours   the functions this program is linked with or preloaded: sockshim
 *   CALL   gai (getaddrinfo, AF_UNSPEC, SOCK_STREAM), gai4 (AF_INET), gai6
 *          (AF_INET6), ghbn (gethostbyname_r), ghbn6 (gethostbyname2_r
 *          AF_INET6), ghbns (gethostbyname, whose static buffer glibc
 *          grows by asking again), ghba (gethostbyaddr_r of an IPv4 address)
 *
 * Prints one line per lookup: its result code and the number of addresses,
 * so a run also shows the two implementations agree on the answers. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

typedef int gai_fn(const char *, const char *, const struct addrinfo *, struct addrinfo **);
typedef void fai_fn(struct addrinfo *);
typedef struct hostent *ghbns_fn(const char *);
typedef int ghbn_fn(const char *, struct hostent *, char *, size_t, struct hostent **, int *);
typedef int ghbn2_fn(const char *, int, struct hostent *, char *, size_t, struct hostent **, int *);
typedef int ghba_fn(const void *, socklen_t, int, struct hostent *, char *, size_t, struct hostent **, int *);

int main(int argc, char **argv)
{
    if (argc < 4 || (strcmp(argv[1], "glibc") && strcmp(argv[1], "ours"))) {
        fprintf(stderr, "usage: wireq glibc|ours gai|gai4|gai6|ghbn|ghbns|ghbn6|ghba NAME...\n");
        return 2;
    }
    gai_fn *gai = getaddrinfo;
    fai_fn *fai = freeaddrinfo;
    ghbns_fn *ghbns = gethostbyname;
    int *(*herrno_at)(void) = __h_errno_location;
    ghbn_fn *ghbn = gethostbyname_r;
    ghbn2_fn *ghbn2 = gethostbyname2_r;
    ghba_fn *ghba = gethostbyaddr_r;
    if (!strcmp(argv[1], "glibc")) {
        void *libc = dlopen("libc.so.6", RTLD_NOW);
        if (!libc) {
            fprintf(stderr, "wireq: %s\n", dlerror());
            return 1;
        }
        gai = (gai_fn *)dlsym(libc, "getaddrinfo");
        fai = (fai_fn *)dlsym(libc, "freeaddrinfo");
        ghbns = (ghbns_fn *)dlsym(libc, "gethostbyname");
        herrno_at = (int *(*)(void))dlsym(libc, "__h_errno_location");
        ghbn = (ghbn_fn *)dlsym(libc, "gethostbyname_r");
        ghbn2 = (ghbn2_fn *)dlsym(libc, "gethostbyname2_r");
        ghba = (ghba_fn *)dlsym(libc, "gethostbyaddr_r");
        if (!gai || !fai || !ghbns || !herrno_at || !ghbn || !ghbn2 || !ghba) {
            fprintf(stderr, "wireq: dlsym failed\n");
            return 1;
        }
    }
    const char *call = argv[2];
    static char buf[65536];
    for (int i = 3; i < argc; i++) {
        const char *name = argv[i];
        if (!strncmp(call, "gai", 3)) {
            struct addrinfo h, *res = NULL;
            memset(&h, 0, sizeof h);
            h.ai_family = !strcmp(call, "gai4") ? AF_INET : !strcmp(call, "gai6") ? AF_INET6 : AF_UNSPEC;
            h.ai_socktype = SOCK_STREAM;
            int r = gai(name, NULL, &h, &res);
            int n = 0;
            for (struct addrinfo *a = r == 0 ? res : NULL; a; a = a->ai_next)
                n++;
            printf("%s %s: %d, %d addresses\n", call, name, r, n);
            if (r == 0)
                fai(res);
        } else {
            struct hostent he, *res = NULL;
            int herr = 0, r;
            if (!strcmp(call, "ghbns")) {
                res = ghbns(name);
                r = res ? 0 : -1;
                herr = *herrno_at();
            } else if (!strcmp(call, "ghbn"))
                r = ghbn(name, &he, buf, sizeof buf, &res, &herr);
            else if (!strcmp(call, "ghbn6"))
                r = ghbn2(name, AF_INET6, &he, buf, sizeof buf, &res, &herr);
            else {
                struct in_addr a;
                if (inet_pton(AF_INET, name, &a) != 1) {
                    fprintf(stderr, "wireq: bad address %s\n", name);
                    return 2;
                }
                r = ghba(&a, sizeof a, AF_INET, &he, buf, sizeof buf, &res, &herr);
            }
            int n = 0;
            for (char **p = res ? res->h_addr_list : NULL; p && *p; p++)
                n++;
            printf("%s %s: %d h_errno %d, %d addresses\n", call, name, r, res ? 0 : herr, n);
        }
        fflush(stdout);
    }
    return 0;
}
