/* Processes made while tracing: fork in a multi-threaded program, vfork+exec
 * (posix_spawn) and exec.  Each process tags its calls with its role.
 *
 * usage: forks          the parent
 *        forks spawned  (run by posix_spawn)
 *        forks execed   (the forked child execs this)
 *
 * Parent: starts 4 threads that loop send/recv "thread:<i>" on socketpairs
 * until told to stop; meanwhile forks a child that sends "forked:<pid>" 3
 * times, then execs "forks execed", which sends "execed:<pid>" 3 times;
 * posix_spawns "forks spawned", which sends "spawned:<pid>" 3 times; then
 * stops the threads, sends "parent:<pid>" once and waits for everyone.
 *
 * stdout: "role PID" for each process (parent, forked, spawned) so the
 * checker knows which per-process file should hold what; the exec keeps
 * the forked child's pid. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;
static volatile int stop;
static int bad;

static void tagged(const char *role, int times)
{
    int sp[2];
    char msg[64], buf[64];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) != 0) {
        bad = 1;
        return;
    }
    for (int i = 0; i < times; i++) {
        int n = snprintf(msg, sizeof msg, "%s:%d", role, (int)getpid());
        if (send(sp[0], msg, (size_t)n, 0) != n || recv(sp[1], buf, sizeof buf, 0) != n)
            bad = 1;
    }
    close(sp[0]);
    close(sp[1]);
}

static void *spin(void *arg)
{
    int sp[2];
    char msg[32], buf[32];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) != 0)
        return NULL;
    int n = snprintf(msg, sizeof msg, "thread:%ld", (long)arg);
    while (!stop) {
        if (send(sp[0], msg, (size_t)n, 0) != n || recv(sp[1], buf, sizeof buf, 0) != n)
            bad = 1;
    }
    close(sp[0]);
    close(sp[1]);
    return NULL;
}

static int wait_ok(pid_t p)
{
    int st;
    return waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

int main(int argc, char **argv)
{
    if (argc == 2) {
        tagged(argv[1], 3);
        return bad;
    }
    printf("parent %d\n", (int)getpid());
    fflush(stdout);
    pthread_t t[4];
    for (long i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, spin, (void *)i);
    usleep(20000);
    pid_t f = fork();
    if (f == 0) {
        tagged("forked", 3);
        if (bad)
            _exit(1);
        execl("/proc/self/exe", argv[0], "execed", (char *)NULL);
        _exit(127);
    }
    printf("forked %d\n", (int)f);
    fflush(stdout);
    pid_t s;
    char *sargv[] = {argv[0], "spawned", NULL};
    if (posix_spawn(&s, "/proc/self/exe", NULL, NULL, sargv, environ) != 0)
        return 1;
    printf("spawned %d\n", (int)s);
    fflush(stdout);
    usleep(20000);
    stop = 1;
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    tagged("parent", 1);
    int ok = wait_ok(f) & wait_ok(s);
    return (ok && !bad) ? 0 : 1;
}
