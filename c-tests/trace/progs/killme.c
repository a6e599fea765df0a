/* A traced process killed with SIGKILL in the middle of its calls.
 *
 * usage: killme MIN_MS MAX_MS
 *
 * The parent maps a shared counter and forks.  The child loops forever:
 * send(sp[0], "K<seq>", 12, 0), recv(sp[1], ...), and after both calls have
 * returned it stores seq+1 in the shared counter (so counter = n means
 * calls 0..n-1 have all returned).  The parent sleeps a random time between
 * MIN_MS and MAX_MS, SIGKILLs the child, reaps it, and prints
 * "child PID acked N": every send and recv of payloads K0000000 .. K<N-1>
 * must be in the child's recording.  (The parent itself makes no socket
 * call, so its own recording, if any, is empty.) */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TAG_LEN 12

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: killme MIN_MS MAX_MS\n");
        return 2;
    }
    long lo = atol(argv[1]), hi = atol(argv[2]);
    volatile long *acked = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (acked == MAP_FAILED)
        return 2;
    *acked = 0;
    pid_t p = fork();
    if (p < 0)
        return 2;
    if (p == 0) {
        int sp[2];
        char tag[TAG_LEN + 1], buf[TAG_LEN];
        if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) != 0)
            _exit(3);
        for (long i = 0;; i++) {
            snprintf(tag, sizeof tag, "K%010d.", (int)(i % 1000000000));
            if (send(sp[0], tag, TAG_LEN, 0) != TAG_LEN)
                _exit(4);
            if (recv(sp[1], buf, TAG_LEN, MSG_WAITALL) != TAG_LEN)
                _exit(5);
            __atomic_store_n(acked, i + 1, __ATOMIC_SEQ_CST);
        }
    }
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    srand((unsigned)(now.tv_nsec ^ getpid()));
    long ms = lo + (hi > lo ? rand() % (hi - lo + 1) : 0);
    struct timespec nap = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&nap, NULL);
    kill(p, SIGKILL);
    int st;
    if (waitpid(p, &st, 0) != p)
        return 2;
    if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL) {
        fprintf(stderr, "killme: child ended with status %#x before the kill\n", st);
        return 1;
    }
    printf("child %d acked %ld after %ld ms\n", (int)p, __atomic_load_n(acked, __ATOMIC_SEQ_CST), ms);
    return 0;
}
