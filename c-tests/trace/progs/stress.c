/* Many threads making traced calls at once, and forked children doing the
 * same while those threads run.
 *
 * usage: stress THREADS CALLS FORKS FORKCALLS
 *
 * Thread t (0..THREADS-1) owns a socketpair and makes CALLS/2 round trips:
 * send(a, "T<tt>:<seq>", 12, 0) then recv(b, buf, 12, 0), so CALLS traced
 * calls, each send and recv carrying a payload no other call carries.  While
 * the threads run, the main thread forks FORKS children (a multi-threaded
 * fork); child k sends and receives "F<kk>:<seq>" FORKCALLS/2 times on a
 * socketpair of its own, then _exits.
 *
 * The runner checks in the trace (or the decoded recording) that every
 * payload appears in exactly one send line and exactly one recv line, in
 * the file of the right process, and that every line parses.
 * stdout: "parent PID" and "child K PID" lines, for the checker. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define TAG_LEN 12 /* "T00:0000000\n" minus nothing: 3 + 1 + 7 digits + 1 pad */

static long calls_per;
static volatile int failed;

static void die(const char *what)
{
    perror(what);
    _exit(2);
}

/* n round trips of tagged payloads over a fresh socketpair: 2n calls. */
static void round_trips(char kind, int who, long n)
{
    int sp[2];
    char tag[TAG_LEN + 1], buf[TAG_LEN];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) != 0)
        die("socketpair");
    for (long i = 0; i < n; i++) {
        snprintf(tag, sizeof tag, "%c%02u:%07u.", kind, (unsigned)who % 100u, (unsigned)(i % 10000000));
        if (send(sp[0], tag, TAG_LEN, 0) != TAG_LEN)
            die("send");
        if (recv(sp[1], buf, TAG_LEN, MSG_WAITALL) != TAG_LEN || memcmp(buf, tag, TAG_LEN) != 0) {
            fprintf(stderr, "stress: %c%02d round %ld: bad echo\n", kind, who, i);
            failed = 1;
        }
    }
    close(sp[0]);
    close(sp[1]);
}

static void *thread_main(void *arg)
{
    round_trips('T', (int)(long)arg, calls_per / 2);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: stress THREADS CALLS FORKS FORKCALLS\n");
        return 2;
    }
    int threads = atoi(argv[1]), forks = atoi(argv[3]);
    long fork_calls = atol(argv[4]);
    calls_per = atol(argv[2]);
    if (threads < 0 || threads > 99 || forks < 0 || forks > 99)
        return 2;
    pthread_t *tid = calloc((size_t)threads + 1, sizeof *tid);
    pid_t *kids = calloc((size_t)forks + 1, sizeof *kids);
    printf("parent %d\n", (int)getpid());
    fflush(stdout);
    for (int t = 0; t < threads; t++)
        if (pthread_create(&tid[t], NULL, thread_main, (void *)(long)t) != 0)
            die("pthread_create");
    for (int k = 0; k < forks; k++) {
        usleep(20000); /* spread the forks over the threads' run */
        pid_t p = fork();
        if (p < 0)
            die("fork");
        if (p == 0) {
            round_trips('F', k, fork_calls / 2);
            _exit(failed ? 1 : 0);
        }
        kids[k] = p;
        printf("child %d %d\n", k, (int)p);
        fflush(stdout);
    }
    for (int t = 0; t < threads; t++)
        pthread_join(tid[t], NULL);
    for (int k = 0; k < forks; k++) {
        int st;
        if (waitpid(kids[k], &st, 0) != kids[k] || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
            fprintf(stderr, "stress: child %d failed (status %#x)\n", k, st);
            failed = 1;
        }
    }
    free(tid);
    free(kids);
    return failed ? 1 : 0;
}
