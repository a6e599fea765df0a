/* getservbyname/getservbyport/getprotobyname/getprotobynumber and their _r
 * forms against glibc's own, over every entry of this machine's
 * /etc/services and /etc/protocols (enumerated with glibc's getservent and
 * getprotoent, which sockshim does not export), plus unknown names, ports
 * and protocols, case variants, and every small buffer size at every
 * alignment (ERANGE where glibc gives it). Every field of the results, the
 * _r return values, *result and errno are compared. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

#define SENT 12345
#define MAXENT 4096
#define TXT 4096

/* One result as text: everything the caller can see. */
static void show_serv(char *out, size_t n, int ret, int err, const struct servent *res, const struct servent *rb)
{
    int k = snprintf(out, n, "ret=%d errno=%d res=%s", ret, err, res == NULL ? "NULL" : res == rb ? "buf" : "other");
    if (res) {
        k += snprintf(out + k, n - k, " name=%s port=%d proto=%s aliases=", res->s_name, res->s_port, res->s_proto);
        for (char **a = res->s_aliases; *a && k < (int)n - 1; a++)
            k += snprintf(out + k, n - k, "[%s]", *a);
    }
}

static void show_proto(char *out, size_t n, int ret, int err, const struct protoent *res, const struct protoent *rb)
{
    int k = snprintf(out, n, "ret=%d errno=%d res=%s", ret, err, res == NULL ? "NULL" : res == rb ? "buf" : "other");
    if (res) {
        k += snprintf(out + k, n - k, " name=%s number=%d aliases=", res->p_name, res->p_proto);
        for (char **a = res->p_aliases; *a && k < (int)n - 1; a++)
            k += snprintf(out + k, n - k, "[%s]", *a);
    }
}

static int mismatches;

static int same(const char *what, const char *mine, const char *theirs)
{
    if (strcmp(mine, theirs) == 0)
        return 1;
    if (++mismatches <= 10)
        diag("%s:\n#   sockshim: %s\n#   glibc:    %s", what, mine, theirs);
    return 0;
}

/* ---- services ---- */

struct skey {
    int byport;
    char name[256];
    int port;
    char proto[64];
    int null_proto;
};

static char big[1 << 16] __attribute__((aligned(16)));

static void serv_r(int side, const struct skey *k, char *buf, size_t len, char *out)
{
    struct servent rb, *res = (struct servent *)&res;
    const char *proto = k->null_proto ? NULL : k->proto;
    int ret;
    errno = SENT;
    if (k->byport)
        ret = (side ? GLIBC(getservbyport_r) : getservbyport_r)(k->port, proto, &rb, buf, len, &res);
    else
        ret = (side ? GLIBC(getservbyname_r) : getservbyname_r)(k->name, proto, &rb, buf, len, &res);
    show_serv(out, TXT, ret, errno, res, &rb);
}

static void serv_plain(int side, const struct skey *k, char *out)
{
    const char *proto = k->null_proto ? NULL : k->proto;
    struct servent *res;
    errno = SENT;
    if (k->byport)
        res = (side ? GLIBC(getservbyport) : getservbyport)(k->port, proto);
    else
        res = (side ? GLIBC(getservbyname) : getservbyname)(k->name, proto);
    show_serv(out, TXT, 0, errno, res, NULL);
}

static void skey_text(const struct skey *k, char *out, size_t n)
{
    if (k->byport)
        snprintf(out, n, "getservbyport(htons(%d) [int %d], %s%s%s)", ntohs((uint16_t)k->port), k->port,
                 k->null_proto ? "" : "\"", k->null_proto ? "NULL" : k->proto, k->null_proto ? "" : "\"");
    else
        snprintf(out, n, "getservbyname(\"%s\", %s%s%s)", k->name, k->null_proto ? "" : "\"",
                 k->null_proto ? "NULL" : k->proto, k->null_proto ? "" : "\"");
}

static struct skey skeys[MAXENT * 6];
static int nskeys;

static void add_skey(int byport, const char *name, int port, const char *proto)
{
    if (nskeys >= (int)(sizeof skeys / sizeof skeys[0]))
        return;
    struct skey *k = &skeys[nskeys++];
    k->byport = byport;
    snprintf(k->name, sizeof k->name, "%s", name ? name : "");
    k->port = port;
    k->null_proto = proto == NULL;
    snprintf(k->proto, sizeof k->proto, "%s", proto ? proto : "");
}

static void collect_services(void)
{
    void (*g_setservent)(int) = GLIBC(setservent);
    struct servent *(*g_getservent)(void) = GLIBC(getservent);
    void (*g_endservent)(void) = GLIBC(endservent);
    g_setservent(0);
    struct servent *s;
    int n = 0;
    while ((s = g_getservent()) != NULL && n < MAXENT) {
        n++;
        add_skey(0, s->s_name, 0, s->s_proto);
        add_skey(0, s->s_name, 0, NULL);
        add_skey(1, NULL, s->s_port, s->s_proto);
        add_skey(1, NULL, s->s_port, NULL);
        for (char **a = s->s_aliases; *a; a++)
            add_skey(0, *a, 0, s->s_proto);
    }
    g_endservent();
    diag("%d entries in /etc/services, %d lookups", n, nskeys);
    /* Unknown names, ports, protocols; case; host byte order ports. */
    add_skey(0, "no-such-service", 0, NULL);
    add_skey(0, "HTTP", 0, "tcp");
    add_skey(0, "http", 0, "TCP");
    add_skey(0, "http", 0, "sctp");
    add_skey(0, "http", 0, "");
    add_skey(0, "", 0, NULL);
    add_skey(0, "www", 0, "tcp");
    add_skey(0, "80", 0, "tcp");
    add_skey(1, NULL, 80, "tcp");
    add_skey(1, NULL, htons(80), "udp");
    add_skey(1, NULL, htons(80) | 0x10000, "tcp");
    add_skey(1, NULL, -1, NULL);
    add_skey(1, NULL, 0, NULL);
    add_skey(1, NULL, htons(65535), NULL);
    add_skey(1, NULL, htons(1), "");
}

/* ---- protocols ---- */

struct pkey {
    int bynumber;
    char name[256];
    int number;
};

static struct pkey pkeys[MAXENT * 4];
static int npkeys;

static void add_pkey(int bynumber, const char *name, int number)
{
    if (npkeys >= (int)(sizeof pkeys / sizeof pkeys[0]))
        return;
    struct pkey *k = &pkeys[npkeys++];
    k->bynumber = bynumber;
    snprintf(k->name, sizeof k->name, "%s", name ? name : "");
    k->number = number;
}

static void proto_r(int side, const struct pkey *k, char *buf, size_t len, char *out)
{
    struct protoent rb, *res = (struct protoent *)&res;
    int ret;
    errno = SENT;
    if (k->bynumber)
        ret = (side ? GLIBC(getprotobynumber_r) : getprotobynumber_r)(k->number, &rb, buf, len, &res);
    else
        ret = (side ? GLIBC(getprotobyname_r) : getprotobyname_r)(k->name, &rb, buf, len, &res);
    show_proto(out, TXT, ret, errno, res, &rb);
}

static void proto_plain(int side, const struct pkey *k, char *out)
{
    struct protoent *res;
    errno = SENT;
    if (k->bynumber)
        res = (side ? GLIBC(getprotobynumber) : getprotobynumber)(k->number);
    else
        res = (side ? GLIBC(getprotobyname) : getprotobyname)(k->name);
    show_proto(out, TXT, 0, errno, res, NULL);
}

static void pkey_text(const struct pkey *k, char *out, size_t n)
{
    if (k->bynumber)
        snprintf(out, n, "getprotobynumber(%d)", k->number);
    else
        snprintf(out, n, "getprotobyname(\"%s\")", k->name);
}

static void collect_protocols(void)
{
    void (*g_setprotoent)(int) = GLIBC(setprotoent);
    struct protoent *(*g_getprotoent)(void) = GLIBC(getprotoent);
    void (*g_endprotoent)(void) = GLIBC(endprotoent);
    g_setprotoent(0);
    struct protoent *p;
    int n = 0;
    while ((p = g_getprotoent()) != NULL && n < MAXENT) {
        n++;
        add_pkey(0, p->p_name, 0);
        add_pkey(1, NULL, p->p_proto);
        for (char **a = p->p_aliases; *a; a++)
            add_pkey(0, *a, 0);
    }
    g_endprotoent();
    diag("%d entries in /etc/protocols, %d lookups", n, npkeys);
    add_pkey(0, "no-such-protocol", 0);
    add_pkey(0, "Tcp", 0);
    add_pkey(0, "", 0);
    add_pkey(1, NULL, -1);
    add_pkey(1, NULL, 255);
    add_pkey(1, NULL, 254);
    add_pkey(1, NULL, 1 << 20);
}

/* ---- the comparisons ---- */

static char mine[TXT], theirs[TXT], what[512];

static void all_services(void)
{
    int bad = 0;
    mismatches = 0;
    for (int i = 0; i < nskeys; i++) {
        skey_text(&skeys[i], what, sizeof what);
        serv_r(0, &skeys[i], big, sizeof big, mine);
        serv_r(1, &skeys[i], big, sizeof big, theirs);
        bad += !same(what, mine, theirs);
    }
    ok(bad == 0, "getserv*_r, 64 KiB buffer: %d lookups, %d differ", nskeys, bad);
    bad = 0;
    for (int i = 0; i < nskeys; i++) {
        skey_text(&skeys[i], what, sizeof what);
        serv_plain(0, &skeys[i], mine);
        serv_plain(1, &skeys[i], theirs);
        bad += !same(what, mine, theirs);
    }
    ok(bad == 0, "getservbyname/getservbyport: %d lookups, %d differ", nskeys, bad);
}

static void all_protocols(void)
{
    int bad = 0;
    mismatches = 0;
    for (int i = 0; i < npkeys; i++) {
        pkey_text(&pkeys[i], what, sizeof what);
        proto_r(0, &pkeys[i], big, sizeof big, mine);
        proto_r(1, &pkeys[i], big, sizeof big, theirs);
        bad += !same(what, mine, theirs);
    }
    ok(bad == 0, "getproto*_r, 64 KiB buffer: %d lookups, %d differ", npkeys, bad);
    bad = 0;
    for (int i = 0; i < npkeys; i++) {
        pkey_text(&pkeys[i], what, sizeof what);
        proto_plain(0, &pkeys[i], mine);
        proto_plain(1, &pkeys[i], theirs);
        bad += !same(what, mine, theirs);
    }
    ok(bad == 0, "getprotobyname/getprotobynumber: %d lookups, %d differ", npkeys, bad);
}

/* Every buffer size from 0 to `max` at each of 8 alignments, including NULL
 * with size 0: the same ERANGE thresholds as glibc. */
static void small_buffers_serv(const struct skey *k, size_t max)
{
    int bad = 0, n = 0, nrange = 0;
    mismatches = 0;
    skey_text(k, what, sizeof what);
    for (int align = 0; align < 8; align++)
        for (size_t len = 0; len <= max; len++) {
            char *buf = len == 0 && align == 0 ? NULL : big + align;
            char w[600];
            snprintf(w, sizeof w, "%s, buffer %zu at +%d", what, len, align);
            serv_r(0, k, buf, len, mine);
            serv_r(1, k, buf, len, theirs);
            bad += !same(w, mine, theirs);
            n++;
            nrange += strncmp(theirs, "ret=34 ", 7) == 0;
        }
    ok(bad == 0 && nrange > 0 && nrange < n, "%s with small buffers: %d sizes (%d ERANGE), %d differ", what, n,
       nrange, bad);
}

static void small_buffers_proto(const struct pkey *k, size_t max)
{
    int bad = 0, n = 0, nrange = 0;
    mismatches = 0;
    pkey_text(k, what, sizeof what);
    for (int align = 0; align < 8; align++)
        for (size_t len = 0; len <= max; len++) {
            char *buf = len == 0 && align == 0 ? NULL : big + align;
            char w[600];
            snprintf(w, sizeof w, "%s, buffer %zu at +%d", what, len, align);
            proto_r(0, k, buf, len, mine);
            proto_r(1, k, buf, len, theirs);
            bad += !same(w, mine, theirs);
            n++;
            nrange += strncmp(theirs, "ret=34 ", 7) == 0;
        }
    ok(bad == 0 && nrange > 0 && nrange < n, "%s with small buffers: %d sizes (%d ERANGE), %d differ", what, n,
       nrange, bad);
}

int main(void)
{
    PROVE_SOCKSHIM(getservbyname);
    PROVE_SOCKSHIM(getservbyport);
    PROVE_SOCKSHIM(getservbyname_r);
    PROVE_SOCKSHIM(getservbyport_r);
    PROVE_SOCKSHIM(getprotobyname);
    PROVE_SOCKSHIM(getprotobynumber);
    PROVE_SOCKSHIM(getprotobyname_r);
    PROVE_SOCKSHIM(getprotobynumber_r);

    collect_services();
    collect_protocols();
    ok(nskeys > 100 && npkeys > 10, "this machine has /etc/services and /etc/protocols entries");
    all_services();
    all_protocols();

    /* Small buffers: first and last entries, aliases, misses (which read
     * every line), and the lookups that match nothing. */
    struct skey sk[] = {
        {0, "tcpmux", 0, "tcp", 0},
        {0, "http", 0, "tcp", 0},
        {0, "www", 0, "", 1},
        {1, "", 0, "udp", 0},
        {0, "no-such-service", 0, "", 1},
    };
    sk[3].port = htons(53);
    for (size_t i = 0; i < sizeof sk / sizeof sk[0]; i++)
        small_buffers_serv(&sk[i], 160);
    if (nskeys > 8) {
        /* The last entry of the file. */
        struct skey last = skeys[nskeys - 16];
        small_buffers_serv(&last, 200);
    }
    struct pkey pk[] = {{0, "ip", 0}, {0, "TCP", 0}, {1, "", 17}, {0, "no-such-protocol", 0}, {1, "", 1 << 20}};
    for (size_t i = 0; i < sizeof pk / sizeof pk[0]; i++)
        small_buffers_proto(&pk[i], 160);
    return tap_done();
}
