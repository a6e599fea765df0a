/* A UDP echo over 127.0.0.1, for the pcapng export's tests (pcap.sh).
 *
 * usage: udpecho FILE
 *
 * Binds a UDP socket to 127.0.0.1 port 0 and forks: the child echoes as
 * many datagrams as FILE has lines (recvfrom, then sendto back to the
 * sender) and exits. The parent sends each line of FILE, newline included,
 * as one datagram from a socket it never binds (the kernel binds it at the
 * first sendto), receives each echo with recvfrom and writes it to stdout;
 * so stdout equals FILE when every datagram came back whole. Exits 0 then. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_LINES 256

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: udpecho FILE\n");
        return 2;
    }
    FILE *in = fopen(argv[1], "r");
    if (!in) {
        perror(argv[1]);
        return 1;
    }
    char *lines[MAX_LINES];
    size_t lens[MAX_LINES];
    int n = 0;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while (n < MAX_LINES && (len = getline(&line, &cap, in)) > 0) {
        lines[n] = malloc((size_t)len);
        if (!lines[n])
            return 1;
        memcpy(lines[n], line, (size_t)len);
        lens[n++] = (size_t)len;
    }
    fclose(in);

    int srv = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t alen = sizeof a;
    if (srv < 0 || bind(srv, (struct sockaddr *)&a, sizeof a) != 0 ||
        getsockname(srv, (struct sockaddr *)&a, &alen) != 0) {
        perror("udpecho: server socket");
        return 1;
    }
    pid_t child = fork();
    if (child < 0) {
        perror("fork");
        return 1;
    }
    if (child == 0) {
        static char buf[65536];
        for (int i = 0; i < n; i++) {
            struct sockaddr_in from;
            socklen_t flen = sizeof from;
            ssize_t got = recvfrom(srv, buf, sizeof buf, 0, (struct sockaddr *)&from, &flen);
            if (got < 0 || sendto(srv, buf, (size_t)got, 0, (struct sockaddr *)&from, flen) != got)
                _exit(1);
        }
        _exit(0);
    }
    close(srv);
    int c = socket(AF_INET, SOCK_DGRAM, 0);
    static char buf[65536];
    for (int i = 0; i < n; i++) {
        if (sendto(c, lines[i], lens[i], 0, (struct sockaddr *)&a, sizeof a) != (ssize_t)lens[i]) {
            perror("udpecho: sendto");
            return 1;
        }
        ssize_t got = recvfrom(c, buf, sizeof buf, 0, NULL, NULL);
        if (got < 0 || fwrite(buf, 1, (size_t)got, stdout) != (size_t)got) {
            perror("udpecho: recvfrom");
            return 1;
        }
    }
    close(c);
    int status;
    if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return 1;
    return 0;
}
