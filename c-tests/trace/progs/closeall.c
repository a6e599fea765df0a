/* The tracer's own descriptor must survive a program that closes every
 * descriptor or dup2s onto its number, and the program must see exactly
 * what it would see untraced.
 *
 * usage: closeall close_range|closefrom|dup2 [REPORT]
 *
 *   close_range  close_range(0, ~0U, 0), then socketpair: glibc gives 0 and 1
 *   closefrom    closefrom(0), the same
 *   dup2         after a first traced call, every descriptor above 2 that the
 *                program did not open (the tracer's, if any) gets a socket
 *                dup2'ed onto it; writes through that number must reach the
 *                peer, and closing it must work as for any descriptor
 *
 * Afterwards each mode sends "after:<mode>:<i>" 3 times on a socketpair, so
 * the trace must still show those calls.  Results go to the exit status
 * (stdout is closed in the first two modes): 0 = behaviour as untraced;
 * bits: 1 a call failed, 2 a descriptor is still open after closing them
 * all, 4 socketpair did not get 0 and 1, 8 dup2 failed, 16 close failed.
 * With REPORT, the descriptors found open (bit 2) are listed in that file,
 * at the very end. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int bad;
static char still_open[256];
static size_t still_len;
#define CHECK(c)                                                                                                       \
    do {                                                                                                               \
        if (!(c))                                                                                                      \
            bad |= 1;                                                                                                  \
    } while (0)

static void traffic(const char *mode, int a, int b)
{
    char msg[64], buf[64];
    for (int i = 0; i < 3; i++) {
        int n = snprintf(msg, sizeof msg, "after:%s:%d", mode, i);
        CHECK(send(a, msg, (size_t)n, 0) == n);
        CHECK(recv(b, buf, sizeof buf, 0) == n && memcmp(buf, msg, (size_t)n) == 0);
    }
}

int main(int argc, char **argv)
{
    if (argc != 2 && argc != 3)
        return 2;
    const char *mode = argv[1];
    int sp[2];
    /* a first traced call, so a lazily opened trace output exists now */
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sp) == 0);
    traffic("before", sp[0], sp[1]);
    if (strcmp(mode, "close_range") == 0 || strcmp(mode, "closefrom") == 0) {
        if (mode[5] == '_')
            CHECK(close_range(0, ~0U, 0) == 0);
        else
            closefrom(0);
        for (int fd = 0; fd < 1024; fd++) {
            errno = 0;
            if (fcntl(fd, F_GETFD) != -1 || errno != EBADF) {
                bad |= 2; /* something is visibly still open */
                if (still_len < sizeof still_open - 16)
                    still_len += (size_t)snprintf(still_open + still_len, sizeof still_open - still_len, " %d", fd);
            }
        }
        int np[2];
        CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, np) == 0);
        if (np[0] != 0 || np[1] != 1)
            bad |= 4;
        traffic(mode, np[0], np[1]);
        if (argc > 2 && still_len) {
            FILE *f = fopen(argv[2], "w");
            if (f) {
                char path[64], target[256];
                for (char *p = strtok(still_open, " "); p; p = strtok(NULL, " ")) {
                    snprintf(path, sizeof path, "/proc/self/fd/%s", p);
                    ssize_t n = readlink(path, target, sizeof target - 1);
                    target[n > 0 ? n : 0] = 0;
                    fprintf(f, "fd %s -> %s\n", p, target);
                }
                fclose(f);
            }
        }
        return bad;
    }
    if (strcmp(mode, "dup2") == 0) {
        /* descriptors the program did not open: anything above sp[1] here */
        int others[64], n = 0;
        DIR *d = opendir("/proc/self/fd");
        if (!d)
            return 2;
        int dfd = dirfd(d);
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            int fd = atoi(e->d_name);
            if (e->d_name[0] != '.' && fd > 2 && fd != dfd && fd != sp[0] && fd != sp[1] && n < 64)
                others[n++] = fd;
        }
        closedir(d);
        fprintf(stderr, "closeall: %d descriptor(s) not opened by the program\n", n);
        for (int i = 0; i < n; i++) {
            int t = others[i];
            CHECK(dup2(sp[0], t) == t);
            char buf[32];
            CHECK(write(t, "through-dup2", 12) == 12);
            CHECK(read(sp[1], buf, sizeof buf) == 12 && memcmp(buf, "through-dup2", 12) == 0);
            CHECK(close(t) == 0);
            errno = 0;
            CHECK(fcntl(t, F_GETFD) == -1 && errno == EBADF);
        }
        /* and a dup2 onto every number up to 1023 not in use, then closed */
        for (int t = 3; t < 1024; t++) {
            if (t == sp[0] || t == sp[1] || fcntl(t, F_GETFD) != -1)
                continue;
            if (dup2(sp[0], t) != t)
                bad |= 8;
            else if (close(t) != 0)
                bad |= 16;
        }
        traffic(mode, sp[0], sp[1]);
        return bad;
    }
    return 2;
}
