/* dnsstub: a deliberately bad DNS server for the resolver tests.
 *
 * usage: dnsstub ADDR PORT drop|servfail|refused
 *
 *   drop      receives UDP queries and never answers (a dead name server:
 *             clients time out)
 *   servfail  answers every UDP query with its question and RCODE 2
 *   refused   the same with RCODE 5
 *
 * Prints "ready" once bound, then serves until killed. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Length of the header plus the first question (header only if malformed). */
static size_t question_end(const unsigned char *m, size_t n)
{
    size_t i = 12;
    while (i < n && m[i] != 0) {
        if (m[i] >= 64)
            return 12;
        i += 1u + m[i];
    }
    if (i + 5 > n)
        return 12;
    return i + 5;
}

int main(int argc, char **argv)
{
    struct sockaddr_in a, peer;
    unsigned char buf[4096];
    int s, rcode;

    if (argc != 4) {
        fprintf(stderr, "usage: dnsstub ADDR PORT drop|servfail|refused\n");
        return 2;
    }
    rcode = !strcmp(argv[3], "servfail") ? 2 : !strcmp(argv[3], "refused") ? 5 : !strcmp(argv[3], "drop") ? 0 : -1;
    if (rcode < 0) {
        fprintf(stderr, "dnsstub: unknown mode %s\n", argv[3]);
        return 2;
    }
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)atoi(argv[2]));
    if (inet_pton(AF_INET, argv[1], &a.sin_addr) != 1) {
        fprintf(stderr, "dnsstub: bad address %s\n", argv[1]);
        return 2;
    }
    s = socket(AF_INET, SOCK_DGRAM, 0);
    if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) != 0) {
        perror("dnsstub: bind");
        return 1;
    }
    printf("ready\n");
    fflush(stdout);
    for (;;) {
        socklen_t pl = sizeof peer;
        ssize_t n = recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *)&peer, &pl);
        if (n < 12 || rcode == 0)
            continue;
        /* QR=1, keep opcode and RD, RA=1, the rcode; keep the question only. */
        buf[2] = (unsigned char)(0x80 | (buf[2] & 0x79));
        buf[3] = (unsigned char)(0x80 | rcode);
        memset(buf + 6, 0, 6); /* ANCOUNT NSCOUNT ARCOUNT */
        sendto(s, buf, question_end(buf, (size_t)n), 0, (struct sockaddr *)&peer, pl);
    }
}
