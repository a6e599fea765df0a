/* Differential test of the address-text functions of <arpa/inet.h>:
 * every case calls the program's binding (sockshim's, linked or preloaded)
 * and glibc's own definition on the same input, then compares the return
 * value, errno and every byte of the output buffers (both filled with the
 * same sentinel pattern first).
 *
 * The corpora are generated here with a fixed-seed PRNG, so every run
 * compares the same cases. One TAP line per corpus group gives the number of
 * cases and of mismatches; the first few mismatches of a group are shown. */
#define _GNU_SOURCE /* dladdr, in tap.h */
#include <arpa/inet.h>
#include <limits.h>
#include <pthread.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "tap.h"

/* --- glibc's definitions --------------------------------------------------- */

static __typeof__(&inet_pton) g_pton;
static __typeof__(&inet_ntop) g_ntop;
static __typeof__(&inet_aton) g_aton;
static __typeof__(&inet_addr) g_addr;
static __typeof__(&inet_ntoa) g_ntoa;
static __typeof__(&inet_network) g_network;
static __typeof__(&inet_makeaddr) g_makeaddr;
static __typeof__(&inet_lnaof) g_lnaof;
static __typeof__(&inet_netof) g_netof;

/* --- groups: one TAP line each --------------------------------------------- */

struct group {
    long cases, bad;
};
static struct group G;
static long total_cases;

#define SHOW_FIRST 5
#define ERRNO_SENTINEL 0x5a5a

static void mismatch(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void mismatch(const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    if (G.bad++ >= SHOW_FIRST)
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    diag("  mismatch: %s", line);
}

static void group_begin(void) { memset(&G, 0, sizeof G); }

static void group_end(const char *what)
{
    ok(G.bad == 0, "%s: %ld cases, %ld mismatches", what, G.cases, G.bad);
    total_cases += G.cases;
}

/* A printable rendering of a C string for diagnostics (rotating buffers). */
static const char *esc(const char *s)
{
    static char bufs[4][600];
    static int k;
    char *out = bufs[k++ & 3], *o = out;
    *o++ = '"';
    for (; *s && o < out + sizeof bufs[0] - 8; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
            *o++ = (char)c;
        else
            o += sprintf(o, "\\x%02x", c);
    }
    *o++ = '"';
    *o = 0;
    return out;
}

static const char *hex(const void *p, size_t n)
{
    static char bufs[4][200];
    static int k;
    char *out = bufs[k++ & 3], *o = out;
    const unsigned char *b = p;
    for (size_t i = 0; i < n && i < 64; i++)
        o += sprintf(o, "%02x", b[i]);
    *o = 0;
    return out;
}

/* --- the fixed-seed PRNG ------------------------------------------------------ */

static uint64_t rng_state = 0x243f6a8885a308d3ull;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static unsigned rnd_below(unsigned n) { return (unsigned)(rnd() % n); }

/* --- comparators: one case each ------------------------------------------------ */

#define SENT 0xA5

static void cmp_aton(const char *s)
{
    struct in_addr a1, a2;
    int r1, r2, e1, e2;
    memset(&a1, SENT, sizeof a1);
    memset(&a2, SENT, sizeof a2);
    errno = ERRNO_SENTINEL;
    r1 = inet_aton(s, &a1);
    e1 = errno;
    errno = ERRNO_SENTINEL;
    r2 = g_aton(s, &a2);
    e2 = errno;
    G.cases++;
    if (r1 != r2 || e1 != e2 || memcmp(&a1, &a2, sizeof a1))
        mismatch("inet_aton(%s): sockshim %d errno %d addr %s, glibc %d errno %d addr %s", esc(s), r1, e1,
                 hex(&a1, 4), r2, e2, hex(&a2, 4));
    /* A NULL struct in_addr* only validates. */
    errno = ERRNO_SENTINEL;
    r1 = inet_aton(s, NULL);
    e1 = errno;
    errno = ERRNO_SENTINEL;
    r2 = g_aton(s, NULL);
    e2 = errno;
    G.cases++;
    if (r1 != r2 || e1 != e2)
        mismatch("inet_aton(%s, NULL): sockshim %d errno %d, glibc %d errno %d", esc(s), r1, e1, r2, e2);
}

static void cmp_addr(const char *s)
{
    in_addr_t r1, r2;
    int e1, e2;
    errno = ERRNO_SENTINEL;
    r1 = inet_addr(s);
    e1 = errno;
    errno = ERRNO_SENTINEL;
    r2 = g_addr(s);
    e2 = errno;
    G.cases++;
    if (r1 != r2 || e1 != e2)
        mismatch("inet_addr(%s): sockshim %08x errno %d, glibc %08x errno %d", esc(s), r1, e1, r2, e2);
}

static void cmp_network(const char *s)
{
    in_addr_t r1, r2;
    int e1, e2;
    errno = ERRNO_SENTINEL;
    r1 = inet_network(s);
    e1 = errno;
    errno = ERRNO_SENTINEL;
    r2 = g_network(s);
    e2 = errno;
    G.cases++;
    if (r1 != r2 || e1 != e2)
        mismatch("inet_network(%s): sockshim %08x errno %d, glibc %08x errno %d", esc(s), r1, e1, r2, e2);
}

static void cmp_pton(int af, const char *s)
{
    unsigned char b1[32], b2[32];
    int r1, r2, e1, e2;
    memset(b1, SENT, sizeof b1);
    memset(b2, SENT, sizeof b2);
    errno = ERRNO_SENTINEL;
    r1 = inet_pton(af, s, b1);
    e1 = errno;
    errno = ERRNO_SENTINEL;
    r2 = g_pton(af, s, b2);
    e2 = errno;
    G.cases++;
    if (r1 != r2 || e1 != e2 || memcmp(b1, b2, sizeof b1))
        mismatch("inet_pton(%d, %s): sockshim %d errno %d dst %s, glibc %d errno %d dst %s", af, esc(s), r1, e1,
                 hex(b1, 20), r2, e2, hex(b2, 20));
}

/* inet_ntop into a sentinel-filled 64-byte buffer, told it has `size` bytes. */
static void cmp_ntop(int af, const void *src, socklen_t size)
{
    char b1[64], b2[64];
    const char *r1, *r2;
    int e1, e2;
    memset(b1, SENT, sizeof b1);
    memset(b2, SENT, sizeof b2);
    errno = ERRNO_SENTINEL;
    r1 = inet_ntop(af, src, b1, size);
    e1 = errno;
    errno = ERRNO_SENTINEL;
    r2 = g_ntop(af, src, b2, size);
    e2 = errno;
    G.cases++;
    /* Each returns its own dst or NULL. */
    int k1 = r1 == NULL ? 0 : r1 == b1 ? 1 : 2;
    int k2 = r2 == NULL ? 0 : r2 == b2 ? 1 : 2;
    if (k1 != k2 || e1 != e2 || memcmp(b1, b2, sizeof b1))
        mismatch("inet_ntop(%d, %s, size %u): sockshim %s errno %d text %s, glibc %s errno %d text %s", af,
                 hex(src, af == AF_INET6 ? 16 : 4), size, k1 == 0 ? "NULL" : k1 == 1 ? "dst" : "other", e1,
                 k1 ? esc(b1) : hex(b1, 20), k2 == 0 ? "NULL" : k2 == 1 ? "dst" : "other", e2,
                 k2 ? esc(b2) : hex(b2, 20));
}

static void cmp_ntoa(uint32_t s_addr)
{
    struct in_addr a = {s_addr};
    char t1[32], t2[32];
    int e1, e2;
    errno = ERRNO_SENTINEL;
    const char *r1 = inet_ntoa(a);
    e1 = errno;
    snprintf(t1, sizeof t1, "%s", r1 ? r1 : "(null)");
    errno = ERRNO_SENTINEL;
    const char *r2 = g_ntoa(a);
    e2 = errno;
    snprintf(t2, sizeof t2, "%s", r2 ? r2 : "(null)");
    G.cases++;
    if (strcmp(t1, t2) || e1 != e2)
        mismatch("inet_ntoa(%s): sockshim %s errno %d, glibc %s errno %d", hex(&a, 4), t1, e1, t2, e2);
}

/* --- IPv4 text corpora ------------------------------------------------------------ */

enum { F_ATON, F_ADDR, F_NETWORK, F_PTON4, F_PTON6, NFUNCS };
static const char *const fname[NFUNCS] = {"inet_aton", "inet_addr", "inet_network", "inet_pton(AF_INET)",
                                           "inet_pton(AF_INET6)"};

static void run_one(int f, const char *s)
{
    switch (f) {
    case F_ATON: cmp_aton(s); break;
    case F_ADDR: cmp_addr(s); break;
    case F_NETWORK: cmp_network(s); break;
    case F_PTON4: cmp_pton(AF_INET, s); break;
    case F_PTON6: cmp_pton(AF_INET6, s); break;
    }
}

/* Renders `v` in one of the radix forms strtoul and inet_network know. */
#define NRADIX 11
static void render(char *out, size_t n, unsigned long long v, int radix)
{
    switch (radix) {
    case 0: snprintf(out, n, "%llu", v); break;
    case 1: snprintf(out, n, "0%llo", v); break;
    case 2: snprintf(out, n, "0x%llx", v); break;
    case 3: snprintf(out, n, "0X%llX", v); break;
    case 4: snprintf(out, n, "0x%llX", v); break;
    case 5: snprintf(out, n, "0X%llx", v); break;
    case 6: snprintf(out, n, "000%llu", v); break;  /* decimal digits read as octal */
    case 7: snprintf(out, n, "0000%llo", v); break; /* octal with extra zeros */
    case 8: snprintf(out, n, "0x000%llx", v); break;
    case 9: snprintf(out, n, "x%llx", v); break; /* inet_network's bare x */
    case 10: snprintf(out, n, "X%llX", v); break;
    }
}

/* Interesting values per part: bytes for the leading parts, and the limits
 * of the last part for each number of parts. */
static const unsigned long long byte_vals[] = {0, 1, 7, 8, 9, 10, 15, 16, 63, 64, 99, 100, 127, 128, 254, 255, 256, 1000};
static const unsigned long long last_vals[] = {0,          1,          255,        256,        65535,
                                               65536,      16777215,   16777216,   2147483647, 2147483648u,
                                               4294967295, 4294967296, 4294967551, 8589934591, 18446744073709551615ull};
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Calls fn on every string of the structured IPv4 corpus. */
static void v4_structured(void (*fn)(const char *))
{
    char s[512], part[4][96];
    /* Each part position of each shape, every interesting value, every radix;
     * the other parts fixed in plain decimal. */
    for (int nparts = 1; nparts <= 4; nparts++)
        for (int pos = 0; pos < nparts; pos++) {
            const unsigned long long *vals = pos == nparts - 1 ? last_vals : byte_vals;
            size_t nv = pos == nparts - 1 ? NELEM(last_vals) : NELEM(byte_vals);
            for (size_t vi = 0; vi < nv; vi++)
                for (int r = 0; r < NRADIX; r++) {
                    s[0] = 0;
                    for (int p = 0; p < nparts; p++) {
                        if (p == pos)
                            render(part[p], sizeof part[p], vals[vi], r);
                        else
                            snprintf(part[p], sizeof part[p], "%d", p + 1);
                        if (p)
                            strcat(s, ".");
                        strcat(s, part[p]);
                    }
                    fn(s);
                }
        }
    /* Dotted quads (and shorter) of decimal octet texts at the edges of
     * inet_pton's rules: leading zeros, 3 digits, 255/256. */
    static const char *const octet[] = {"0",   "00",  "01", "1",   "9",   "10",   "99", "100",
                                        "199", "249", "255", "256", "260", "300", "010", "0255"};
    for (int k = 0; k < 16 * 16 * 16 * 16; k++) {
        snprintf(s, sizeof s, "%s.%s.%s.%s", octet[k & 15], octet[k >> 4 & 15], octet[k >> 8 & 15], octet[k >> 12]);
        fn(s);
        if (k < 16 * 16 * 16) {
            snprintf(s, sizeof s, "%s.%s.%s", octet[k & 15], octet[k >> 4 & 15], octet[k >> 8 & 15]);
            fn(s);
        }
    }
    /* Random shapes: every part random in value and radix. */
    for (int i = 0; i < 6000; i++) {
        int nparts = 1 + (int)rnd_below(4);
        s[0] = 0;
        for (int p = 0; p < nparts; p++) {
            unsigned long long v;
            switch (rnd_below(4)) {
            case 0: v = rnd_below(256); break;
            case 1: v = byte_vals[rnd_below(NELEM(byte_vals))]; break;
            case 2: v = last_vals[rnd_below(NELEM(last_vals))]; break;
            default: v = (uint32_t)rnd() >> rnd_below(32); break;
            }
            render(part[p], sizeof part[p], v, (int)rnd_below(NRADIX));
            if (p)
                strcat(s, ".");
            strcat(s, part[p]);
        }
        fn(s);
    }
    /* Very long digit strings. */
    for (int len = 1; len <= 120; len += (len < 24 ? 1 : 7)) {
        static const char *const fill[] = {"0", "9", "1", "7", "f"};
        static const char *const pre[] = {"", "0", "0x", "0X", "1", "x"};
        static const char *const post[] = {"", "1", "ff", ".1", ".1.2.3", " x"};
        for (size_t f = 0; f < NELEM(fill); f++)
            for (size_t a = 0; a < NELEM(pre); a++)
                for (size_t b = 0; b < NELEM(post); b++) {
                    strcpy(s, pre[a]);
                    for (int k = 0; k < len; k++)
                        strcat(s, fill[f]);
                    strcat(s, post[b]);
                    fn(s);
                    /* ...and as the last part of a longer address. */
                    char t[600];
                    snprintf(t, sizeof t, "1.2.%s", s);
                    fn(t);
                }
    }
}

/* Calls fn on the corpus of prefixes, suffixes, empty parts and signs. */
static void v4_edges(void (*fn)(const char *))
{
    static const char *const bases[] = {"1.2.3.4",  "127.1",   "1.2.3",      "4294967295", "0",     "0x7f.1",
                                        "255.255.255.255", "0377.1", "1.0xffffff", "10.0.0.1", "0.0.0.0", "08",
                                        "0x",       "1.2.3.4.5"};
    static const char *const pre[] = {"", " ", "\t", "\n", "+", "-", ".", "0", "0x", "x", "X", "a", ":", "::",
                                      "::ffff:", "\xa0", "1."};
    static const char *const post[] = {"",     ".",   "..",   " ",   "\t",  "\n", "\v",  "\f",   "\r",    " junk",
                                       "\tjunk", "\njunk", "x", "junk", "\xa0", "\x80", "g",  ":",    "/24",   "  ",
                                       " 1.2",  ".5",  "0",    "9",   " .",  ". ",  "\x01", "\x7f", "%eth0", "#",
                                       "\v\f", ".0", ".256", ".-1", ".+1", "e", "8", "L", "u"};
    char s[256];
    for (size_t b = 0; b < NELEM(bases); b++)
        for (size_t p = 0; p < NELEM(pre); p++)
            for (size_t q = 0; q < NELEM(post); q++) {
                snprintf(s, sizeof s, "%s%s%s", pre[p], bases[b], post[q]);
                fn(s);
            }
    static const char *const odd[] = {
        "",         ".",        "..",        "...",       "....",     "1..2.3",   ".1.2.3",   "1.2.3.",
        "1...",     "1.2..",    "1.-2.3.4",  "1.+2.3.4",  "-1",       "+1",       "1.2.3.-4", "- 1",
        "1 .2",     "1. 2",     " ",         "\t",        "0.0.0.0.", "1.2.3.4.", "0x1.0x2.0x3.0x4",
        "0x.1",     "0x0x1",    "00x1",      "x0x1",      "0xg",      "1e3",      "1,2,3,4",  "1.2.3.4,5",
        "\xd9\xa1.2.3.4", "01.02.03.04", "001.002.003.004", "1.2.3.09", "1.2.3.0x", "1.2.3.0xg",
    };
    for (size_t k = 0; k < NELEM(odd); k++)
        fn(odd[k]);
}

/* Every string of lengths 0..maxlen over `alphabet` (excluding its NUL). */
static void exhaustive(const char *alphabet, int maxlen, void (*fn)(const char *))
{
    int n = (int)strlen(alphabet), idx[16];
    char s[17];
    for (int len = 0; len <= maxlen; len++) {
        memset(idx, 0, sizeof idx);
        for (;;) {
            for (int k = 0; k < len; k++)
                s[k] = alphabet[idx[k]];
            s[len] = 0;
            fn(s);
            int k = len - 1;
            while (k >= 0 && ++idx[k] == n)
                idx[k--] = 0;
            if (k < 0)
                break;
        }
    }
}

/* Every string of one or two bytes (1..255 each). */
static void all_short(void (*fn)(const char *))
{
    char s[3] = {0};
    fn(s);
    for (int a = 1; a < 256; a++) {
        s[0] = (char)a;
        s[1] = 0;
        fn(s);
        for (int b = 1; b < 256; b++) {
            s[1] = (char)b;
            fn(s);
        }
    }
}

static int cur_f;
static void run_cur(const char *s) { run_one(cur_f, s); }

/* --- IPv6 text corpora ---------------------------------------------------------- */

/* One group's text in the given style: 0 %x, 1 %X, 2 %04x, 3 %04X, 4 mixed case. */
static void group_text(char *out, unsigned v, int style)
{
    switch (style) {
    case 0: sprintf(out, "%x", v); break;
    case 1: sprintf(out, "%X", v); break;
    case 2: sprintf(out, "%04x", v); break;
    case 3: sprintf(out, "%04X", v); break;
    default: {
        sprintf(out, "%x", v);
        for (char *c = out; *c; c++)
            if (rnd() & 1 && *c >= 'a')
                *c = (char)(*c - 'a' + 'A');
    }
    }
}

static unsigned rnd_group(void)
{
    switch (rnd_below(6)) {
    case 0: return 0;
    case 1: return 1 + rnd_below(15);
    case 2: return 0xffff;
    case 3: return 1 + rnd_below(0xff);
    default: return (unsigned)(rnd() & 0xffff);
    }
}

/* Writes the text of groups w[0..8) with groups [run_at, run_at + run_len)
 * elided as "::" (run_len may be 0: a "::" standing for nothing, invalid),
 * and the last two groups as a dotted quad when v4 is set. `run_at < 0`:
 * no "::" at all. */
static void v6_text(char *s, const unsigned w[8], int run_at, int run_len, int v4, int style)
{
    char g[16];
    int last = v4 ? 6 : 8, i = 0, sep = 0, elided = 0;
    s[0] = 0;
    for (;;) {
        if (i == run_at && !elided) {
            strcat(s, "::");
            elided = 1;
            sep = 0;
            i += run_len;
            continue;
        }
        if (i >= last)
            break;
        if (sep)
            strcat(s, ":");
        group_text(g, w[i], style == 5 ? (int)rnd_below(5) : style);
        strcat(s, g);
        sep = 1;
        i++;
    }
    if (v4)
        sprintf(s + strlen(s), "%s%u.%u.%u.%u", sep ? ":" : "", w[6] >> 8, w[6] & 0xff, w[7] >> 8, w[7] & 0xff);
}

static void v6_compression(void (*fn)(const char *))
{
    char s[256];
    unsigned w[8];
    /* "::" at each position with each run length (0 = standing for nothing),
     * with and without a dotted quad in the last 32 bits. */
    for (int at = 0; at <= 8; at++)
        for (int len = 0; at + len <= 8; len++)
            for (int v4 = 0; v4 <= 1; v4++) {
                if (v4 && at + len > 6)
                    continue;
                for (int variant = 0; variant < 24; variant++) {
                    for (int i = 0; i < 8; i++)
                        w[i] = (i >= at && i < at + len) ? 0 : variant < 6 ? (unsigned)(i + 1) : rnd_group();
                    v6_text(s, w, at, len, v4, variant % 6);
                    fn(s);
                }
            }
    /* The full form, and forms with too many or too few groups. */
    for (int variant = 0; variant < 200; variant++) {
        for (int i = 0; i < 8; i++)
            w[i] = rnd_group();
        v6_text(s, w, -1, 0, variant & 1, variant % 6);
        fn(s);
        char t[300];
        snprintf(t, sizeof t, "%s:%x", s, w[0]); /* 9 groups */
        fn(t);
        snprintf(t, sizeof t, "%x:%s", w[1], s);
        fn(t);
        snprintf(t, sizeof t, "%s:", s); /* trailing ':' */
        fn(t);
        snprintf(t, sizeof t, ":%s", s); /* leading ':' */
        fn(t);
        snprintf(t, sizeof t, "%s::", s);
        fn(t);
        snprintf(t, sizeof t, "::%s", s);
        fn(t);
        char *c = strrchr(s, ':'); /* 7 groups */
        if (c) {
            *c = 0;
            fn(s);
        }
    }
}

static void v6_invalid(void (*fn)(const char *))
{
    static const char *const bad[] = {
        "",
        ":",
        ":::",
        "::::",
        "1:::2",
        "1::2::3",
        "::1::",
        "::1::2",
        ":1::",
        ":1:2:3:4:5:6:7:8",
        "1:",
        "1::2:",
        "1:2:3:4:5:6:7:8:",
        "1:2:3:4:5:6:7:8:9",
        "1:2:3:4:5:6:7",
        "12345::",
        "::12345",
        "1:12345:3:4:5:6:7:8",
        "00000::",
        "::00001",
        "fe80::1%eth0",
        "fe80::1%1",
        "::1%",
        "[::1]",
        "[::1]:80",
        " ::1",
        "::1 ",
        "::1\n",
        "::g",
        "::G",
        "::-1",
        "::+1",
        "::0x1",
        "1.2.3.4",
        "::01.2.3.4",
        "::1.02.3.4",
        "::1.2.3",
        "::1.2.3.4.5",
        "::1.2.3.4.",
        "::1234.1.2.3",
        "::256.1.2.3",
        "::1.2.3.256",
        "::a.1.2.3",
        "::1.2.3.4:1",
        "::1.2.3.4::",
        "::ffff:1.2.3.4:1",
        "1:2:3:4:5:6:7:1.2.3.4",
        "1:2:3:4:5:6:7:8:1.2.3.4",
        "1:2:3:4:5:1.2.3.4",
        "1:2:3:4:5:6:7:8::",
        "::0:0:0:0:0:0:0:0",
        "0:0:0:0:0:0:0:0::",
        "1:2:3:4::5:6:7:8",
        "::.1.2.3",
        "::1..2.3",
        "::1.2..3",
        "::ffff:.1.2.3",
        ":ffff:1.2.3.4",
        "ffff:1.2.3.4",
        "::ffff:1.2.3.4 ",
        "::ffff:0x1.2.3.4",
        "::ffff:1.2.3.0x4",
        "1:2:3:4:5:6:255.255.255.255",
        "::255.255.255.255",
        "::ffff:255.255.255.255",
        "::0.0.0.0",
        "::1.2.3.4",
        "1::1.2.3.4",
        "1:2:3:4:5::1.2.3.4",
        "1:2:3:4:5:6::1.2.3.4",
        "::2:3:4:5:6:1.2.3.4",
        "::2:3:4:5:6:7:1.2.3.4",
        "::ffff:1.2.3.4%eth0",
        "0:0:0:0:0:0:0:0",
        "0000:0000:0000:0000:0000:0000:0000:0000",
        "FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF",
        "abcd:EF01:2345:6789:aBcD:ef01:2345:6789",
        "2001:db8::",
        "2001:DB8::1",
        "::ffff:1.2.3.4",
    };
    for (size_t k = 0; k < NELEM(bad); k++)
        fn(bad[k]);
}

/* Random one-byte edits of valid IPv6 texts. */
static void v6_mutations(void (*fn)(const char *))
{
    static const char alphabet[] = ":.0123456789abcdefABCDEFgG%x []\t-";
    char s[256], t[256];
    unsigned w[8];
    for (int i = 0; i < 30000; i++) {
        for (int k = 0; k < 8; k++)
            w[k] = rnd_below(3) ? rnd_group() : 0;
        int at = -1, len = 0;
        if (rnd_below(4)) {
            at = (int)rnd_below(8);
            len = 1 + (int)rnd_below(8 - at);
            for (int k = at; k < at + len; k++)
                w[k] = 0;
        }
        int v4 = (at < 0 || at + len <= 6) && rnd_below(3) == 0;
        v6_text(s, w, at, len, v4, (int)rnd_below(6));
        size_t n = strlen(s), pos = rnd_below((unsigned)n + 1);
        char c = alphabet[rnd_below(sizeof alphabet - 1)];
        switch (rnd_below(4)) {
        case 0: /* delete */
            if (n == 0)
                continue;
            if (pos == n)
                pos--;
            memcpy(t, s, pos);
            strcpy(t + pos, s + pos + 1);
            break;
        case 1: /* insert */
            memcpy(t, s, pos);
            t[pos] = c;
            strcpy(t + pos + 1, s + pos);
            break;
        case 2: /* replace */
            strcpy(t, s);
            if (pos < n)
                t[pos] = c;
            break;
        default: /* duplicate */
            memcpy(t, s, pos);
            strcpy(t + pos, s + (pos ? pos - 1 : 0));
            break;
        }
        fn(s);
        fn(t);
    }
}

/* --- inet_ntop corpora ------------------------------------------------------------ */

static void words_to_bytes(unsigned char a[16], const unsigned w[8])
{
    for (int i = 0; i < 8; i++) {
        a[2 * i] = (unsigned char)(w[i] >> 8);
        a[2 * i + 1] = (unsigned char)w[i];
    }
}

/* Also checks that each side's text parses back (with glibc's parser) to
 * the same address. */
static void ntop6_full(const unsigned char a[16])
{
    cmp_ntop(AF_INET6, a, INET6_ADDRSTRLEN);
    cmp_ntop(AF_INET6, a, 64);
    char t[64];
    unsigned char back[16];
    G.cases++;
    if (inet_ntop(AF_INET6, a, t, sizeof t) == NULL || g_pton(AF_INET6, t, back) != 1 || memcmp(a, back, 16))
        mismatch("round trip of %s via %s", hex(a, 16), esc(t));
}

static void test_ntop6(void)
{
    unsigned w[8];
    unsigned char a[16];

    group_begin();
    static const unsigned vals[] = {1, 0xffff, 0x10, 0xabc, 0x1000, 0};
    for (unsigned mask = 0; mask < 256; mask++)
        for (size_t v = 0; v < NELEM(vals); v++) {
            for (int i = 0; i < 8; i++)
                w[i] = !(mask >> i & 1) ? 0 : vals[v] ? vals[v] : (rnd_group() | 1);
            words_to_bytes(a, w);
            ntop6_full(a);
        }
    group_end("inet_ntop(AF_INET6): all 256 zero/non-zero group patterns x 6 values");

    group_begin();
    /* Every 6-group prefix made of 0, 1, ffff and fffe, with interesting
     * last 32 bits: finds every prefix that gets the dotted form. */
    static const unsigned pre[] = {0, 0xffff, 1, 0xfffe};
    static const uint32_t tails[] = {0, 1, 2, 0xff, 0x100, 0xffff, 0x10000, 0x1000000, 0x01020304, 0xffffffff,
                                     0x7f000001, 0xc0a80001, 0x00010000, 0x0a000000};
    for (unsigned p = 0; p < 4096; p++) {
        for (int i = 0; i < 6; i++)
            w[i] = pre[(p >> (2 * i)) & 3];
        for (size_t t = 0; t < NELEM(tails); t++) {
            w[6] = tails[t] >> 16;
            w[7] = tails[t] & 0xffff;
            words_to_bytes(a, w);
            ntop6_full(a);
        }
    }
    /* Well-known prefixes. */
    static const unsigned known[][6] = {
        {0, 0, 0, 0, 0, 0xffff}, {0, 0, 0, 0, 0, 0},      {0x64, 0xff9b, 0, 0, 0, 0}, {0, 0, 0, 0, 0xffff, 0},
        {0x2002, 0, 0, 0, 0, 0}, {0xfe80, 0, 0, 0, 0, 0}, {0, 0, 0, 0, 0, 1},         {0x2001, 0xdb8, 0, 0, 0, 0},
    };
    for (size_t k = 0; k < NELEM(known); k++)
        for (int r = 0; r < 200; r++) {
            memcpy(w, known[k], sizeof known[k]);
            uint32_t v4 = r < (int)NELEM(tails) ? tails[r] : (uint32_t)rnd() >> rnd_below(32);
            w[6] = v4 >> 16;
            w[7] = v4 & 0xffff;
            words_to_bytes(a, w);
            ntop6_full(a);
        }
    group_end("inet_ntop(AF_INET6): IPv4-mapped/compatible/other prefixes");

    group_begin();
    for (int i = 0; i < 40000; i++) {
        for (int k = 0; k < 8; k++)
            w[k] = rnd_below(2) ? 0 : rnd_group();
        words_to_bytes(a, w);
        ntop6_full(a);
    }
    group_end("inet_ntop(AF_INET6): random addresses with random zero groups");

    group_begin();
    static const char *const sized[] = {"::",
                                        "::1",
                                        "1::",
                                        "::ffff:255.255.255.255",
                                        "::1.2.3.4",
                                        "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
                                        "2001:db8::ff00:42:8329",
                                        "1:0:0:1::1",
                                        "fe80::1:2:3:4",
                                        "1:2:3:4:5:6:7:8"};
    for (size_t k = 0; k < NELEM(sized); k++) {
        if (g_pton(AF_INET6, sized[k], a) != 1) {
            G.cases++;
            mismatch("glibc rejects %s", sized[k]);
            continue;
        }
        for (socklen_t size = 0; size <= 46; size++)
            cmp_ntop(AF_INET6, a, size);
        cmp_ntop(AF_INET6, a, 64);
        cmp_ntop(AF_INET6, a, UINT_MAX);
    }
    group_end("inet_ntop(AF_INET6): every buffer size 0..46 (ENOSPC)");
}

static void test_ntop4(void)
{
    unsigned char a[4];
    group_begin();
    static const uint32_t fixed[] = {0, 1, 0x01020304, 0x7f000001, 0xffffffff, 0x0a0a0a0a, 0x09090909, 0x63636363,
                                     0x64646464, 0xc0a80001, 0x0000ff00, 0x80000000};
    for (int i = 0; i < 30000; i++) {
        uint32_t v = i < (int)NELEM(fixed) ? fixed[i] : (uint32_t)rnd();
        if (i >= (int)NELEM(fixed) && (i & 3) == 0) /* bytes of mixed widths */
            v &= 0x0f3fff7f >> rnd_below(4);
        memcpy(a, &v, 4);
        socklen_t size = i < 2000 ? (socklen_t)(i % 19) : INET_ADDRSTRLEN;
        cmp_ntop(AF_INET, a, size);
        if (i < 100)
            for (socklen_t s = 0; s <= 17; s++)
                cmp_ntop(AF_INET, a, s);
    }
    group_end("inet_ntop(AF_INET): addresses x buffer sizes 0..18");
}

static void *ntoa_in_thread(void *arg)
{
    (void)arg;
    return inet_ntoa((struct in_addr){htonl(0x0a0b0c0d)});
}

static void test_ntoa(void)
{
    group_begin();
    for (int i = 0; i < 30000; i++) {
        uint32_t v = (uint32_t)rnd();
        if ((i & 3) == 0)
            v &= 0x0f3fff7f >> rnd_below(4);
        if (i < 4)
            v = (uint32_t[]){0, 0xffffffff, 0x0100007f, 0x04030201}[i];
        cmp_ntoa(v);
    }
    /* The returned buffer is per thread and reused: two calls give the same
     * pointer, and the second text replaces the first. */
    char *p1 = inet_ntoa((struct in_addr){htonl(0x01020304)});
    char *p2 = inet_ntoa((struct in_addr){htonl(0xffffffff)});
    G.cases++;
    if (p1 != p2 || strcmp(p2, "255.255.255.255"))
        mismatch("inet_ntoa buffer: %p then %p (%s)", (void *)p1, (void *)p2, p2);
    /* ...and another thread has its own buffer, as with glibc. */
    pthread_t th;
    void *p3 = NULL;
    G.cases++;
    if (pthread_create(&th, NULL, ntoa_in_thread, NULL) || pthread_join(th, &p3))
        mismatch("pthread_create/join failed");
    else if (p3 == p2 || strcmp(p2, "255.255.255.255") || strcmp(p3, "10.11.12.13"))
        mismatch("inet_ntoa per-thread buffer: main %p (%s), thread %p (%s)", (void *)p2, p2, p3, (char *)p3);
    group_end("inet_ntoa: random addresses, buffer reuse, per-thread buffers");
}

static void test_classful(void)
{
    static const uint32_t nets[] = {0,        1,        126,        127,        128,        129,
                                    255,      256,      65534,      65535,      65536,      65537,
                                    16777215, 16777216, 16777217,   0x7fffffff, 0x80000000, 0xbfffffff,
                                    0xc0000000, 0xdfffffff, 0xe0000000, 0xffffffff};
    static const uint32_t hosts[] = {0,        1,         0xff,       0x100,      0xffff,     0x10000,
                                     0xffffff, 0x1000000, 0xffffffff, 0x12345678, 0x80808080, 0x7f7f7f7f};
    group_begin();
    for (int i = 0; i < 20000 + (int)(NELEM(nets) * NELEM(hosts)); i++) {
        uint32_t net, host;
        if (i < (int)(NELEM(nets) * NELEM(hosts))) {
            net = nets[i / NELEM(hosts)];
            host = hosts[i % NELEM(hosts)];
        } else {
            net = (uint32_t)rnd() >> rnd_below(32);
            host = (uint32_t)rnd();
        }
        errno = ERRNO_SENTINEL;
        struct in_addr r1 = inet_makeaddr(net, host);
        int e1 = errno;
        errno = ERRNO_SENTINEL;
        struct in_addr r2 = g_makeaddr(net, host);
        int e2 = errno;
        G.cases++;
        if (r1.s_addr != r2.s_addr || e1 != e2)
            mismatch("inet_makeaddr(%#x, %#x): sockshim %08x, glibc %08x", net, host, r1.s_addr, r2.s_addr);
    }
    group_end("inet_makeaddr: classful boundaries and random values");

    group_begin();
    for (int i = 0; i < 40000; i++) {
        uint32_t v;
        if (i < (int)NELEM(nets) * 3)
            v = nets[i / 3] + (uint32_t)(i % 3) - 1;
        else
            v = (uint32_t)rnd() >> rnd_below(8);
        struct in_addr in = {htonl(v)};
        if (i & 1)
            in.s_addr = v; /* both byte orders */
        in_addr_t l1 = inet_lnaof(in), l2 = g_lnaof(in);
        in_addr_t n1 = inet_netof(in), n2 = g_netof(in);
        G.cases += 2;
        if (l1 != l2)
            mismatch("inet_lnaof(%08x): sockshim %08x, glibc %08x", in.s_addr, l1, l2);
        if (n1 != n2)
            mismatch("inet_netof(%08x): sockshim %08x, glibc %08x", in.s_addr, n1, n2);
    }
    group_end("inet_lnaof/inet_netof: classful boundaries and random values");
}

static void test_bad_families(void)
{
    static const int fams[] = {INT_MIN, -10, -1, 0, 1, 3, 4, 9, 11, 16, 17, 26, 28, 30, 44, 45, 46, 100, 255,
                               256, 258, 266, 0x10002, INT_MAX};
    unsigned char a[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    group_begin();
    for (size_t k = 0; k < NELEM(fams); k++) {
        cmp_pton(fams[k], "1.2.3.4");
        cmp_pton(fams[k], "::1");
        cmp_pton(fams[k], "");
        for (socklen_t size = 0; size <= 64; size += 16)
            cmp_ntop(fams[k], a, size);
    }
    group_end("inet_pton/inet_ntop: unsupported families (EAFNOSUPPORT)");
}

int main(void)
{
    g_pton = GLIBC(inet_pton);
    g_ntop = GLIBC(inet_ntop);
    g_aton = GLIBC(inet_aton);
    g_addr = GLIBC(inet_addr);
    g_ntoa = GLIBC(inet_ntoa);
    g_network = GLIBC(inet_network);
    g_makeaddr = GLIBC(inet_makeaddr);
    g_lnaof = GLIBC(inet_lnaof);
    g_netof = GLIBC(inet_netof);

    PROVE_SOCKSHIM(inet_pton);
    PROVE_SOCKSHIM(inet_ntop);
    PROVE_SOCKSHIM(inet_aton);
    PROVE_SOCKSHIM(inet_addr);
    PROVE_SOCKSHIM(inet_ntoa);
    PROVE_SOCKSHIM(inet_network);
    PROVE_SOCKSHIM(inet_makeaddr);
    PROVE_SOCKSHIM(inet_lnaof);
    PROVE_SOCKSHIM(inet_netof);

    char what[160];
    for (int f = 0; f < NFUNCS; f++) {
        cur_f = f;
        if (f != F_PTON6) {
            group_begin();
            v4_structured(run_cur);
            snprintf(what, sizeof what, "%s: IPv4 parts x positions x radix forms x boundaries", fname[f]);
            group_end(what);
            group_begin();
            v4_edges(run_cur);
            snprintf(what, sizeof what, "%s: IPv4 prefixes, suffixes, empty parts, signs, spaces", fname[f]);
            group_end(what);
        }
        group_begin();
        all_short(run_cur);
        exhaustive(f == F_PTON6 ? ":.01aFg" : "0189.xXaf -", f == F_PTON6 ? 6 : 5, run_cur);
        snprintf(what, sizeof what, "%s: every 1- and 2-byte string, every short string over its alphabet",
                 fname[f]);
        group_end(what);
    }

    group_begin();
    v6_compression(run_cur); /* cur_f is F_PTON6 */
    group_end("inet_pton(AF_INET6): '::' at every position and run length, +-embedded IPv4, group counts");
    group_begin();
    v6_invalid(run_cur);
    group_end("inet_pton(AF_INET6): listed valid and invalid forms");
    group_begin();
    v6_mutations(run_cur);
    group_end("inet_pton(AF_INET6): random one-byte edits of valid texts");

    test_ntop6();
    test_ntop4();
    test_ntoa();
    test_classful();
    test_bad_families();

    diag("differential cases: %ld", total_cases);
    return tap_done();
}
