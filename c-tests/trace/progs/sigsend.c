/* Traced calls made from a signal handler while the interrupted thread is
 * itself inside a traced call.
 *
 * usage: sigsend ROUNDS
 *
 * Part 1: the main thread blocks in recv(sp[1]); a SIGALRM handler (no
 * SA_RESTART) sends "from-handler" on sp[0]; the recv either returns that
 * data or fails with EINTR and is retried.  Either way the main thread gets
 * "from-handler" and prints "got from-handler".
 *
 * Part 2: ROUNDS send/recv round trips ("M<seq>") on one socketpair while
 * an interval timer fires every 50 us; each handler run sends "H<seq>" on a
 * second socketpair (so the main loop's data is not disturbed) and counts.
 * The signal lands anywhere, including inside the tracer's own work.
 * Afterwards the main thread drains the second pair and prints
 * "handler sent N" and "main sent ROUNDS".  A deadlock shows as a timeout. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define TAG_LEN 12

static int pair1[2], pair2[2];
static volatile sig_atomic_t handler_sent, handler_tries, handler_failed;

static void on_alarm_once(int sig)
{
    (void)sig;
    int saved = errno;
    if (send(pair1[0], "from-handler", 12, 0) != 12)
        handler_failed = 1;
    errno = saved;
}

static void on_tick(int sig)
{
    (void)sig;
    int saved = errno;
    char tag[TAG_LEN + 1];
    /* snprintf is not async-signal-safe; format by hand */
    /* numbered by attempt, so that a send refused for a full pair and the
     * next one never carry the same tag */
    long n = handler_tries++;
    memcpy(tag, "H0000000000.", TAG_LEN);
    for (int i = 10; i >= 1 && n > 0; i--, n /= 10)
        tag[i] = (char)('0' + n % 10);
    ssize_t r = send(pair2[0], tag, TAG_LEN, MSG_DONTWAIT);
    if (r == TAG_LEN)
        handler_sent++;
    else if (!(r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)))
        handler_failed = 1;
    /* else: pair2 is full (a slow run ticks more often than the buffer
     * holds; nothing drains it before the end): the tick sends nothing */
    errno = saved;
}

int main(int argc, char **argv)
{
    long rounds = argc > 1 ? atol(argv[1]) : 20000;
    char buf[64], tag[TAG_LEN + 1];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, pair1) != 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, pair2) != 0)
        return 2;
    int big = 4 << 20;
    setsockopt(pair2[0], SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
    setsockopt(pair2[1], SOL_SOCKET, SO_RCVBUF, &big, sizeof big);

    /* part 1 */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm_once;
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval it = {{0, 0}, {0, 200000}};
    setitimer(ITIMER_REAL, &it, NULL);
    ssize_t n;
    do
        n = recv(pair1[1], buf, 12, MSG_WAITALL);
    while (n < 0 && errno == EINTR);
    if (n == 12 && memcmp(buf, "from-handler", 12) == 0)
        printf("got from-handler\n");
    else
        printf("recv returned %zd\n", n);

    /* part 2 */
    sa.sa_handler = on_tick;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval tick = {{0, 50}, {0, 50}};
    setitimer(ITIMER_REAL, &tick, NULL);
    long bad = 0;
    for (long i = 0; i < rounds; i++) {
        snprintf(tag, sizeof tag, "M%010d.", (int)(i % 1000000000));
        if (send(pair1[0], tag, TAG_LEN, 0) != TAG_LEN)
            bad++;
        if (recv(pair1[1], buf, TAG_LEN, MSG_WAITALL) != TAG_LEN || memcmp(buf, tag, TAG_LEN) != 0)
            bad++;
    }
    struct itimerval stop = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &stop, NULL);
    signal(SIGALRM, SIG_IGN);
    long drained = 0;
    while (recv(pair2[1], buf, TAG_LEN, MSG_DONTWAIT | MSG_WAITALL) == TAG_LEN)
        drained++;
    printf("main sent %ld bad %ld\n", rounds, bad);
    printf("handler sent %ld drained %ld failed %d\n", (long)handler_sent, drained, (int)handler_failed);
    return (bad || drained != handler_sent || handler_failed) ? 1 : 0;
}
