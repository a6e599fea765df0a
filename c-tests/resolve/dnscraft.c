/* dnscraft: a DNS server of crafted, often hostile, replies for the
 * resolver's differential tests (group "craft" of diff_resolve.c).
 *
 * usage: dnscraft ADDR PORT [QUERYLOG]
 *
 * Serves UDP and TCP on ADDR:PORT. With QUERYLOG, appends one line per
 * query received: "udp|tcp TYPE NAME" (the name as sent, type by number),
 * so that two resolvers' queries can be compared on the wire. The reply depends on the first label of
 * the question's name (compared without case) and on its type; every name
 * lies under craft.test. A and PTR questions get the crafted reply; AAAA
 * questions get an empty NOERROR answer (no data), except where noted.
 *
 *   fwd      the answer's owner is a compression pointer pointing forward,
 *            to a copy of the question name after the answer section
 *   loop     the owner is a pointer to itself
 *   oob      the owner is a pointer past the end of the message
 *   lie      ANCOUNT 3, one record present
 *   lie0     ANCOUNT 1, no record present
 *   nxans    RCODE NXDOMAIN with an A record in the answer section
 *   upper    the owner is the question name in upper case
 *   cnup     a CNAME to "Target.CRAFT.test", then its A record
 *   badcn    a CNAME to "bad name.craft.test" (a space), then its A record
 *   semicn   a CNAME to "semi;colon.craft.test", then its A record
 *   ctlcn    a CNAME to "ctl\001.craft.test", then its A record
 *   cnother  a CNAME owned by "other.craft.test", then the question's A
 *   cn20     a chain of 20 CNAMEs, then the last target's A (192.0.2.85);
 *   cn100    the same with 100 (both: UDP only TC, the whole over TCP).
 *            (in the craft group: glibc follows them all, so does sockshim)
 *   aN       N A records (N = 1..4000: 198.18.K/256.K%256 for K = 1..N);
 *            over UDP only TC when they do not fit in 512 bytes
 *   sixN     the same with N AAAA records (2001:db8:ff::K) for AAAA
 *            questions, no data for A
 *   bothN    N A records and N AAAA records, each type for its question
 *   badown   one A record whose owner is "bad name.craft.test"
 *   rdlen    an A record with RDLENGTH 5
 *   two      two A records, 192.0.2.71 and 192.0.2.72 (a good reply)
 *   tcclose  UDP: TC set, no answer; TCP: closed at once
 *   tchalf   UDP: TC; TCP: a length of 200 and 10 bytes, then closed
 *   tchuge   UDP: TC; TCP: a length of 65535 and 40 bytes, then closed
 *   tcok     UDP: TC; TCP: the whole answer, three A records
 * For the documented deviations (README), each with one A record:
 *   runt     UDP: a 6-byte runt first, then the real answer (192.0.2.81)
 *   qr0      the answer with QR clear (192.0.2.82)
 *   opcode   the answer with opcode 2, STATUS (192.0.2.83)
 *   chclass  the A record in class CH (192.0.2.84)
 *   stall    UDP: TC; TCP: the query is read and never answered (the
 *            connection is held for 4 s; nothing else is served meanwhile)
 * PTR questions for 192.0.2.N (N.2.0.192.in-addr.arpa):
 *   61  PTR "ptr-trail.craft.test" with 4 bytes after the name in RDATA
 *   62  PTR "bad name.craft.test"
 *   63  PTR "MiXeD.Craft.Test"
 *   64  PTR "ctl\001.craft.test"
 *   65  PTR "under_score.craft.test"
 *   66  PTR whose name is a pointer to itself
 *   67  two PTR records, "first.craft.test" then "second.craft.test"
 *   68  PTR "runs.craft.test" with RDLENGTH 3: the name runs past the RDATA
 * Anything else: NXDOMAIN.
 *
 * Prints "ready" once bound, then serves until killed. A plain glibc
 * program, not under test. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

struct msg {
    unsigned char b[65600];
    size_t n;
};

static void put8(struct msg *m, unsigned v) { m->b[m->n++] = (unsigned char)v; }
static void put16(struct msg *m, unsigned v) { put8(m, v >> 8); put8(m, v & 0xff); }
static void put32(struct msg *m, unsigned long v) { put16(m, (unsigned)(v >> 16)); put16(m, (unsigned)(v & 0xffff)); }
static void putbytes(struct msg *m, const void *p, size_t n) { memcpy(m->b + m->n, p, n); m->n += n; }

/* A dotted name as labels (no compression); bytes of labels taken as given. */
static void putname(struct msg *m, const char *dotted)
{
    while (*dotted) {
        const char *e = strchr(dotted, '.');
        size_t l = e ? (size_t)(e - dotted) : strlen(dotted);
        put8(m, (unsigned)l);
        putbytes(m, dotted, l);
        dotted += l;
        if (*dotted == '.')
            dotted++;
    }
    put8(m, 0);
}

static void putptr(struct msg *m, unsigned off) { put16(m, 0xc000 | off); }

/* RR header after the owner: type, class IN, TTL 60, RDLENGTH. */
static void rrhead(struct msg *m, unsigned type, unsigned rdlen)
{
    put16(m, type);
    put16(m, 1);
    put32(m, 60);
    put16(m, rdlen);
}

static void a_rr(struct msg *m, unsigned char last)
{
    rrhead(m, 1, 4);
    put8(m, 192), put8(m, 0), put8(m, 2), put8(m, last);
}

/* The first label of the question at q (lower case) and the whole name as
 * text; the question's end offset, 0 when malformed. */
static size_t parse_question(const unsigned char *q, size_t n, char *first, size_t fsz, char *name, size_t nsz,
                             unsigned *qtype)
{
    size_t i = 12, o = 0;
    first[0] = name[0] = 0;
    while (i < n && q[i] != 0) {
        unsigned l = q[i];
        if (l >= 64 || i + 1 + l > n || o + l + 2 > nsz)
            return 0;
        if (!first[0]) {
            size_t k = l < fsz - 1 ? l : fsz - 1;
            for (size_t j = 0; j < k; j++)
                first[j] = (char)tolower(q[i + 1 + j]);
            first[k] = 0;
        }
        if (o)
            name[o++] = '.';
        memcpy(name + o, q + i + 1, l);
        o += l;
        i += 1 + l;
    }
    name[o] = 0;
    if (i + 5 > n)
        return 0;
    *qtype = (unsigned)(q[i + 1] << 8 | q[i + 2]);
    return i + 5;
}

/* aN, sixN and bothN (see the top): their records of type qtype after
 * the question in r, and their count in *an; over UDP only TC when the
 * answer would not fit in 512 bytes. 0 when first is none of them. */
static int many_records(const char *first, unsigned qtype, struct msg *r, int tcp, unsigned *an)
{
    const char *digits = !strncmp(first, "a", 1) ? first + 1 : !strncmp(first, "six", 3) ? first + 3
                       : !strncmp(first, "both", 4) ? first + 4 : NULL;
    if (!digits || !*digits || strspn(digits, "0123456789") != strlen(digits))
        return 0;
    int six = first[0] == 's', both = first[0] == 'b';
    unsigned n = (unsigned)atoi(digits);
    if (n < 1 || n > 4000)
        return 0;
    int want = qtype == 1 ? !six : qtype == 28 ? (six || both) : -1;
    if (want < 0)
        return 0;
    *an = 0;
    if (!want)
        return 1;
    unsigned size = qtype == 1 ? 16 : 28;
    if (!tcp && r->n + (size_t)n * size > 512) {
        r->b[2] |= 0x02; /* TC */
        return 1;
    }
    for (unsigned k = 1; k <= n; k++) {
        putptr(r, 12);
        if (qtype == 1) {
            rrhead(r, 1, 4);
            put8(r, 198), put8(r, 18), put8(r, k >> 8), put8(r, k & 0xff);
        } else {
            static const unsigned char pre[14] = {0x20, 0x01, 0x0d, 0xb8, 0, 0xff};
            rrhead(r, 28, 16);
            putbytes(r, pre, sizeof pre);
            put8(r, k >> 8), put8(r, k & 0xff);
        }
    }
    *an = n;
    return 1;
}

/* Builds the reply to query q (n bytes) into r; tcp: over TCP. Returns 0
 * to send r, 1 for "TCP: close", 2 for raw bytes already in r (TCP, no
 * length prefix added), 3 for "TCP: hold the connection, answer nothing". */
static int reply(const unsigned char *q, size_t n, struct msg *r, int tcp)
{
    char first[64], name[300];
    unsigned qtype = 0;
    size_t qend = parse_question(q, n, first, sizeof first, name, sizeof name, &qtype);
    r->n = 0;
    if (n < 12 || qend == 0)
        return 1;
    /* header: id, QR RD RA, counts filled below */
    putbytes(r, q, 2);
    unsigned flags = 0x8180 | (q[2] & 0x01) << 8;
    put16(r, flags);
    put16(r, 1), put16(r, 0), put16(r, 0), put16(r, 0);
    putbytes(r, q + 12, qend - 12);
    unsigned an = 0, rcode = 0;
    const unsigned QNAME = 12; /* offset of the question name */
    int ptr = !strcasecmp(name + strlen(name) - (strlen(name) >= 20 ? 20 : 0), "2.0.192.in-addr.arpa") && qtype == 12;
    int under = strlen(name) >= 10 && !strcasecmp(name + strlen(name) - 10, "craft.test");

    if (ptr) {
        int last = atoi(first);
        switch (last) {
        case 61:
            putptr(r, QNAME), rrhead(r, 12, 22 + 4), putname(r, "ptr-trail.craft.test"), put32(r, 0xdeadbeef), an = 1;
            break;
        case 62: putptr(r, QNAME), rrhead(r, 12, 21), putname(r, "bad name.craft.test"), an = 1; break;
        case 63: putptr(r, QNAME), rrhead(r, 12, 18), putname(r, "MiXeD.Craft.Test"), an = 1; break;
        case 64: putptr(r, QNAME), rrhead(r, 12, 17), putname(r, "ctl\001.craft.test"), an = 1; break;
        case 65: putptr(r, QNAME), rrhead(r, 12, 24), putname(r, "under_score.craft.test"), an = 1; break;
        case 66: {
            putptr(r, QNAME), rrhead(r, 12, 2);
            unsigned at = (unsigned)r->n;
            putptr(r, at);
            an = 1;
            break;
        }
        case 68: putptr(r, QNAME), rrhead(r, 12, 3), putname(r, "runs.craft.test"), an = 1; break;
        case 67:
            putptr(r, QNAME), rrhead(r, 12, 18), putname(r, "first.craft.test");
            putptr(r, QNAME), rrhead(r, 12, 19), putname(r, "second.craft.test");
            an = 2;
            break;
        default: rcode = 3;
        }
    } else if (!under) {
        rcode = 3;
    } else if (many_records(first, qtype, r, tcp, &an)) {
        /* aN, sixN, bothN: filled in (or TC) */
    } else if (qtype == 28) {
        /* AAAA: no data (an empty NOERROR answer) */
    } else if (qtype != 1) {
        rcode = 3;
    } else if (!strcmp(first, "fwd")) {
        /* the owner points forward, to the name copied after the record */
        unsigned at = (unsigned)r->n;
        putptr(r, at + 2 + 10 + 4);
        a_rr(r, 51);
        putbytes(r, q + 12, qend - 12 - 4);
        an = 1;
    } else if (!strcmp(first, "loop")) {
        unsigned at = (unsigned)r->n;
        putptr(r, at);
        a_rr(r, 52);
        an = 1;
    } else if (!strcmp(first, "oob")) {
        putptr(r, 0x3ff0);
        a_rr(r, 53);
        an = 1;
    } else if (!strcmp(first, "lie")) {
        putptr(r, QNAME), a_rr(r, 54);
        an = 3;
    } else if (!strcmp(first, "lie0")) {
        an = 1;
    } else if (!strcmp(first, "nxans")) {
        putptr(r, QNAME), a_rr(r, 55);
        an = 1;
        rcode = 3;
    } else if (!strcmp(first, "upper")) {
        char up[300];
        for (size_t i = 0; i <= strlen(name); i++)
            up[i] = (char)toupper((unsigned char)name[i]);
        putname(r, up), a_rr(r, 56);
        an = 1;
    } else if (!strcmp(first, "cnup") || !strcmp(first, "badcn") || !strcmp(first, "semicn") ||
               !strcmp(first, "ctlcn")) {
        const char *t = !strcmp(first, "cnup")    ? "Target.CRAFT.test"
                        : !strcmp(first, "badcn") ? "bad name.craft.test"
                        : !strcmp(first, "semicn") ? "semi;colon.craft.test"
                                                   : "ctl\001.craft.test";
        putptr(r, QNAME), rrhead(r, 5, (unsigned)strlen(t) + 2);
        unsigned at = (unsigned)r->n;
        putname(r, t);
        putptr(r, at), a_rr(r, 57);
        an = 2;
    } else if (!strcmp(first, "cnother")) {
        /* a CNAME owned by another name, then the question's own A */
        putname(r, "other.craft.test"), rrhead(r, 5, 14), putname(r, "x.craft.test");
        putptr(r, QNAME), a_rr(r, 60);
        an = 2;
    } else if (!strcmp(first, "cn20") || !strcmp(first, "cn100")) {
        /* a chain of N CNAMEs in one reply: cnN -> h1-cnN -> ... -> hN-cnN,
         * then hN-cnN's A record; over UDP only TC (it does not fit) */
        int hops = !strcmp(first, "cn20") ? 20 : 100;
        if (!tcp) {
            r->b[2] |= 0x02;
        } else {
            unsigned owner = QNAME;
            for (int k = 1; k <= hops; k++) {
                char t[64];
                snprintf(t, sizeof t, "h%d-cn%d.craft.test", k, hops);
                putptr(r, owner), rrhead(r, 5, (unsigned)strlen(t) + 2);
                owner = (unsigned)r->n;
                putname(r, t);
            }
            putptr(r, owner), a_rr(r, 85);
            an = (unsigned)hops + 1;
        }
    } else if (!strcmp(first, "badown")) {
        putname(r, "bad name.craft.test"), a_rr(r, 58);
        an = 1;
    } else if (!strcmp(first, "rdlen")) {
        putptr(r, QNAME), rrhead(r, 1, 5);
        put8(r, 192), put8(r, 0), put8(r, 2), put8(r, 59), put8(r, 0);
        an = 1;
    } else if (!strcmp(first, "two")) {
        putptr(r, QNAME), a_rr(r, 71);
        putptr(r, QNAME), a_rr(r, 72);
        an = 2;
    } else if (!strcmp(first, "runt") || !strcmp(first, "qr0") || !strcmp(first, "opcode")) {
        putptr(r, QNAME), a_rr(r, !strcmp(first, "runt") ? 81 : !strcmp(first, "qr0") ? 82 : 83);
        an = 1;
        if (!strcmp(first, "qr0"))
            r->b[2] &= 0x7f;
        if (!strcmp(first, "opcode"))
            r->b[2] = (unsigned char)((r->b[2] & 0x87) | 2 << 3);
    } else if (!strcmp(first, "chclass")) {
        putptr(r, QNAME), put16(r, 1), put16(r, 3), put32(r, 60), put16(r, 4);
        put8(r, 192), put8(r, 0), put8(r, 2), put8(r, 84);
        an = 1;
    } else if (!strcmp(first, "stall")) {
        if (tcp)
            return 3;
        r->b[2] |= 0x02; /* TC */
    } else if (!strncmp(first, "tc", 2)) {
        if (!tcp) {
            r->b[2] |= 0x02; /* TC */
        } else if (!strcmp(first, "tcclose")) {
            return 1;
        } else if (!strcmp(first, "tchalf") || !strcmp(first, "tchuge")) {
            unsigned len = !strcmp(first, "tchalf") ? 200 : 65535, k = !strcmp(first, "tchalf") ? 10 : 40;
            r->n = 0;
            put16(r, len);
            putbytes(r, q, 2);
            for (unsigned i = 2; i < k; i++)
                put8(r, 0);
            return 2;
        } else if (!strcmp(first, "tcok")) {
            putptr(r, QNAME), a_rr(r, 73);
            putptr(r, QNAME), a_rr(r, 74);
            putptr(r, QNAME), a_rr(r, 75);
            an = 3;
        } else {
            rcode = 3;
        }
    } else {
        rcode = 3;
    }
    r->b[3] = (unsigned char)((r->b[3] & 0xf0) | rcode);
    r->b[6] = (unsigned char)(an >> 8), r->b[7] = (unsigned char)an;
    return 0;
}

static const char *querylog;

/* One line per query into the query log, if any. */
static void log_query(const unsigned char *q, size_t n, int tcp)
{
    char first[64], name[300];
    unsigned qtype = 0;
    if (!querylog)
        return;
    FILE *f = fopen(querylog, "a");
    if (!f)
        return;
    if (n >= 12 && parse_question(q, n, first, sizeof first, name, sizeof name, &qtype))
        fprintf(f, "%s %u %s\n", tcp ? "tcp" : "udp", qtype, name);
    else
        fprintf(f, "%s malformed query\n", tcp ? "tcp" : "udp");
    fclose(f);
}

static int bind_on(int type, const struct sockaddr_in *a)
{
    int s = socket(AF_INET, type, 0), one = 1;
    if (s < 0)
        return -1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(s, (const struct sockaddr *)a, sizeof *a) != 0 || (type == SOCK_STREAM && listen(s, 16) != 0)) {
        close(s);
        return -1;
    }
    return s;
}

static void serve_tcp(int c)
{
    unsigned char in[4096];
    size_t got = 0;
    struct pollfd p = {c, POLLIN, 0};
    while (poll(&p, 1, 2000) == 1) {
        ssize_t k = read(c, in + got, sizeof in - got);
        if (k <= 0)
            break;
        got += (size_t)k;
        while (got >= 2) {
            size_t len = (size_t)(in[0] << 8 | in[1]);
            if (got < 2 + len)
                break;
            struct msg r;
            log_query(in + 2, len, 1);
            int what = reply(in + 2, len, &r, 1);
            if (what == 1)
                return;
            if (what == 3) {
                struct pollfd h = {c, POLLIN, 0};
                for (int ms = 0; ms < 4000 && poll(&h, 1, 100) == 0; ms += 100)
                    ;
                return;
            }
            if (what == 2) {
                if (write(c, r.b, r.n) < 0)
                    return;
                return;
            }
            unsigned char l[2] = {(unsigned char)(r.n >> 8), (unsigned char)r.n};
            if (write(c, l, 2) != 2 || write(c, r.b, r.n) != (ssize_t)r.n)
                return;
            memmove(in, in + 2 + len, got - 2 - len);
            got -= 2 + len;
        }
    }
}

int main(int argc, char **argv)
{
    struct sockaddr_in a;
    if (argc != 3 && argc != 4) {
        fprintf(stderr, "usage: dnscraft ADDR PORT [QUERYLOG]\n");
        return 2;
    }
    querylog = argc == 4 ? argv[3] : NULL;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)atoi(argv[2]));
    if (inet_pton(AF_INET, argv[1], &a.sin_addr) != 1) {
        fprintf(stderr, "dnscraft: bad address %s\n", argv[1]);
        return 2;
    }
    int u = bind_on(SOCK_DGRAM, &a), t = bind_on(SOCK_STREAM, &a);
    if (u < 0 || t < 0) {
        perror("dnscraft: bind");
        return 1;
    }
    printf("ready\n");
    fflush(stdout);
    for (;;) {
        struct pollfd p[2] = {{u, POLLIN, 0}, {t, POLLIN, 0}};
        if (poll(p, 2, -1) < 0)
            continue;
        if (p[0].revents & POLLIN) {
            unsigned char q[4096];
            struct sockaddr_in peer;
            socklen_t pl = sizeof peer;
            ssize_t n = recvfrom(u, q, sizeof q, 0, (struct sockaddr *)&peer, &pl);
            struct msg r;
            if (n > 0)
                log_query(q, (size_t)n, 0);
            if (n > 0 && reply(q, (size_t)n, &r, 0) == 0) {
                if (n > 13 && q[12] == 4 && !strncasecmp((const char *)q + 13, "runt", 4))
                    sendto(u, r.b, 6, 0, (struct sockaddr *)&peer, pl);
                sendto(u, r.b, r.n, 0, (struct sockaddr *)&peer, pl);
            }
        }
        if (p[1].revents & POLLIN) {
            int c = accept(t, NULL, NULL);
            if (c >= 0) {
                serve_tcp(c);
                close(c);
            }
        }
    }
}
