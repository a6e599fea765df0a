/* 1-byte ping-pong over a socketpair, for bench/trace/run.sh.
 *
 * usage: pingpong ITERATIONS
 *
 * The parent sends 1 byte, a forked child recv()s it and sends it back,
 * the parent recv()s it: one round trip = 4 calls (2 per process), all of
 * them send/recv so that `strace -e trace=network` and `ltrace -e send+recv`
 * see them too.  Prints the nanoseconds per round trip on stdout.  Whatever
 * implements send/recv (glibc, or sockshim when preloaded, traced or not) is
 * what is timed; the program itself has no idea. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 100000;
    int sp[2];
    char c = 'x';
    if (n <= 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, sp) != 0)
        return 2;
    pid_t p = fork();
    if (p < 0)
        return 2;
    if (p == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        close(sp[0]);
        while (recv(sp[1], &c, 1, 0) == 1)
            if (send(sp[1], &c, 1, 0) != 1)
                _exit(1);
        _exit(0);
    }
    close(sp[1]);
    /* a few untimed round trips: both processes are running and faulted in */
    for (int i = 0; i < 100; i++)
        if (send(sp[0], &c, 1, 0) != 1 || recv(sp[0], &c, 1, 0) != 1)
            return 1;
    double t0 = now_ns();
    for (long i = 0; i < n; i++)
        if (send(sp[0], &c, 1, 0) != 1 || recv(sp[0], &c, 1, 0) != 1)
            return 1;
    double t1 = now_ns();
    close(sp[0]);
    int st;
    waitpid(p, &st, 0);
    printf("%.1f\n", (t1 - t0) / (double)n);
    return 0;
}
