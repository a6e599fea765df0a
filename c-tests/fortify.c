/* The fortified entry points a -D_FORTIFY_SOURCE=2 build calls instead of
 * recv, recvfrom, read, poll and FD_SET: they bind to sockshim, pass data
 * through when the length fits the buffer, and abort ("buffer overflow
 * detected", SIGABRT) when it does not, as glibc's do, with glibc's
 * messages on standard error. Built by the Makefile
 * with -D_FORTIFY_SOURCE=2 -O2. */
#include "tap.h"

#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#if !defined(_FORTIFY_SOURCE) || _FORTIFY_SOURCE < 2
#error "build with -D_FORTIFY_SOURCE=2 -O2"
#endif

/* Lengths the compiler cannot see through, so the _chk variants are called. */
static volatile size_t fits = 4, too_big = 64;
static volatile int big_fd = 4096;

static int sp[2];

static void refill(void) { send(sp[1], "abcdefgh", 8, 0); }

/* Runs `body` in a child; true if the child was killed by SIGABRT after
 * writing exactly `message` on its standard error (glibc 2.36's
 * __fortify_fail: "*** WHAT ***: terminated\n"). */
static int aborts_with(void (*body)(void), const char *message)
{
    int status, p[2];
    char got[256];
    ssize_t n, len = 0;
    if (pipe(p) != 0)
        return 0;
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        dup2(p[1], 2);
        body();
        _exit(0);
    }
    close(p[1]);
    while (len < (ssize_t)sizeof got - 1 && (n = read(p[0], got + len, sizeof got - 1 - len)) > 0)
        len += n;
    got[len] = 0;
    close(p[0]);
    waitpid(pid, &status, 0);
    if (strcmp(got, message) != 0)
        printf("# stderr was \"%s\", want \"%s\"\n", got, message);
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT && strcmp(got, message) == 0;
}

static const char overflow[] = "*** buffer overflow detected ***: terminated\n";
static const char bit_range[] = "*** bit out of range 0 - FD_SETSIZE on fd_set ***: terminated\n";

static void recv_too_big(void)
{
    char buf[8];
    refill();
    recv(sp[0], buf, too_big, 0);
}

static void recvfrom_too_big(void)
{
    char buf[8];
    refill();
    recvfrom(sp[0], buf, too_big, 0, NULL, NULL);
}

static void read_too_big(void)
{
    char buf[8];
    refill();
    if (read(sp[0], buf, too_big) < 0)
        _exit(3);
}

static void poll_too_many(void)
{
    struct pollfd p[1] = {{sp[0], POLLIN, 0}};
    poll(p, too_big, 0);
}

static void fdset_out_of_range(void)
{
    fd_set s;
    FD_ZERO(&s);
    FD_SET(big_fd, &s);
}

int main(void)
{
    char buf[8];
    struct pollfd p[2];
    fd_set s;

    PROVE_SOCKSHIM(__recv_chk);
    PROVE_SOCKSHIM(__recvfrom_chk);
    PROVE_SOCKSHIM(__read_chk);
    PROVE_SOCKSHIM(__poll_chk);
    PROVE_SOCKSHIM(__fdelt_chk);

    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) != 0) {
        printf("Bail out! socketpair: %s\n", strerror(errno));
        return 2;
    }
    refill();
    memset(buf, 0, sizeof buf);
    ok(recv(sp[0], buf, fits, 0) == 4 && memcmp(buf, "abcd", 4) == 0, "fortified recv within the buffer reads data");
    ok(recvfrom(sp[0], buf, fits, 0, NULL, NULL) == 4 && memcmp(buf, "efgh", 4) == 0,
       "fortified recvfrom within the buffer reads data");
    refill();
    ok(read(sp[0], buf, fits) == 4 && memcmp(buf, "abcd", 4) == 0, "fortified read within the buffer reads data");
    p[0].fd = sp[0];
    p[0].events = POLLIN;
    p[1].fd = -1;
    p[1].events = 0;
    ok(poll(p, fits / 2, 0) == 1 && (p[0].revents & POLLIN), "fortified poll within the array works");
    FD_ZERO(&s);
    FD_SET(sp[0] + (int)fits - 4, &s);
    ok(FD_ISSET(sp[0], &s), "fortified FD_SET within FD_SETSIZE works");

    ok(aborts_with(recv_too_big, overflow), "recv with len > buffer aborts (SIGABRT, glibc's message)");
    ok(aborts_with(recvfrom_too_big, overflow), "recvfrom with len > buffer aborts (SIGABRT, glibc's message)");
    ok(aborts_with(read_too_big, overflow), "read with count > buffer aborts (SIGABRT, glibc's message)");
    ok(aborts_with(poll_too_many, overflow), "poll with nfds > array aborts (SIGABRT, glibc's message)");
    ok(aborts_with(fdset_out_of_range, bit_range), "FD_SET(4096) aborts (SIGABRT, glibc's bit-out-of-range message)");
    return tap_done();
}
