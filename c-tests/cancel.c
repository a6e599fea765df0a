/* Cancellation points: a thread blocked inside sockshim's accept, connect,
 * recv, read, poll, select or epoll_wait is cancelled with pthread_cancel, its
 * cleanup handler runs, pthread_join reports PTHREAD_CANCELED, and the
 * process carries on using the same descriptors (nothing was left locked).
 * A cancel that is already pending when the call starts acts at the call. */
#include "tap.h"

#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

enum op { OP_ACCEPT, OP_CONNECT, OP_RECV, OP_READ, OP_POLL, OP_SELECT, OP_EPOLL };
static const char *op_name[] = {"accept", "connect", "recv", "read", "poll", "select", "epoll_wait"};

struct job {
    enum op op;
    int fd;
    const struct sockaddr_un *addr;
    int pending_first; /* cancel before the call, with cancellation disabled */
    volatile int cleaned;
    volatile int started;
};

static void cleanup(void *arg) { ((struct job *)arg)->cleaned = 1; }

static void *blocker(void *arg)
{
    struct job *j = arg;
    char c;
    volatile int r = 0;
    pthread_cleanup_push(cleanup, j);
    if (j->pending_first) {
        pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
        j->started = 1;
        while (j->started != 2) /* the main thread cancels us meanwhile */
            sched_yield();
        pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, NULL); /* not a cancellation point */
    }
    j->started = 1;
    switch (j->op) {
    case OP_ACCEPT:
        r = accept(j->fd, NULL, NULL);
        break;
    case OP_CONNECT: {
        int s = socket(AF_UNIX, SOCK_STREAM, 0);
        r = connect(s, (const struct sockaddr *)j->addr, sizeof *j->addr);
        break;
    }
    case OP_RECV:
        r = (int)recv(j->fd, &c, 1, 0);
        break;
    case OP_READ:
        r = (int)read(j->fd, &c, 1);
        break;
    case OP_POLL: {
        struct pollfd p = {j->fd, POLLIN, 0};
        r = poll(&p, 1, -1);
        break;
    }
    case OP_SELECT: {
        fd_set rs;
        FD_ZERO(&rs);
        FD_SET(j->fd, &rs);
        r = select(j->fd + 1, &rs, NULL, NULL, NULL);
        break;
    }
    case OP_EPOLL: {
        struct epoll_event ev;
        r = epoll_wait(j->fd, &ev, 1, -1);
        break;
    }
    }
    pthread_cleanup_pop(0);
    return (void *)(long)(r == 12345); /* never reached when cancelled */
}

/* Runs `op` in a thread, cancels it, returns 1 if it was cancelled properly. */
static int cancelled(struct job *j)
{
    pthread_t t;
    void *res = NULL;
    struct timespec ms = {0, 20 * 1000 * 1000};
    if (pthread_create(&t, NULL, blocker, j) != 0)
        return 0;
    while (!j->started)
        sched_yield();
    if (j->pending_first) {
        pthread_cancel(t);
        j->started = 2;
    } else {
        nanosleep(&ms, NULL); /* let it block in the syscall */
        pthread_cancel(t);
    }
    /* A call that is not a cancellation point would block forever: give up
     * after 5 s (the thread is then left blocked; the test fails). */
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 5;
    if (pthread_timedjoin_np(t, &res, &deadline) != 0) {
        diag("%s: still blocked 5 s after pthread_cancel", op_name[j->op]);
        return 0;
    }
    return res == PTHREAD_CANCELED && j->cleaned;
}

int main(void)
{
    int sp[2], lfd, ufd, epfd, i;
    struct sockaddr_un ua;
    char dir[] = "/tmp/sockshim-cancel-XXXXXX";

    PROVE_SOCKSHIM(accept);
    PROVE_SOCKSHIM(connect);
    PROVE_SOCKSHIM(recv);
    PROVE_SOCKSHIM(read);
    PROVE_SOCKSHIM(poll);
    PROVE_SOCKSHIM(select);
    PROVE_SOCKSHIM(epoll_wait);

    if (!mkdtemp(dir) || socketpair(AF_UNIX, SOCK_STREAM, 0, sp) != 0) {
        printf("Bail out! setup: %s\n", strerror(errno));
        return 2;
    }
    /* A Unix listener with a full backlog: a blocking connect to it waits. */
    memset(&ua, 0, sizeof ua);
    ua.sun_family = AF_UNIX;
    snprintf(ua.sun_path, sizeof ua.sun_path, "%s/full", dir);
    ufd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (bind(ufd, (struct sockaddr *)&ua, sizeof ua) != 0 || listen(ufd, 0) != 0) {
        printf("Bail out! unix listener: %s\n", strerror(errno));
        return 2;
    }
    for (i = 0; i < 2; i++) { /* fill the backlog without blocking */
        int s = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
        connect(s, (struct sockaddr *)&ua, sizeof ua);
    }
    lfd = socket(AF_INET, SOCK_STREAM, 0);
    {
        struct sockaddr_in a;
        memset(&a, 0, sizeof a);
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (bind(lfd, (struct sockaddr *)&a, sizeof a) != 0 || listen(lfd, 1) != 0) {
            printf("Bail out! tcp listener: %s\n", strerror(errno));
            return 2;
        }
    }
    epfd = epoll_create1(0);
    {
        struct epoll_event ev = {.events = EPOLLIN, .data.fd = sp[0]};
        epoll_ctl(epfd, EPOLL_CTL_ADD, sp[0], &ev);
    }

    for (int pending = 0; pending <= 1; pending++) {
        for (enum op op = OP_ACCEPT; op <= OP_EPOLL; op++) {
            struct job j = {op, sp[0], &ua, pending, 0, 0};
            if (op == OP_ACCEPT)
                j.fd = lfd;
            if (op == OP_EPOLL)
                j.fd = epfd;
            ok(cancelled(&j), "%s: a thread %s is cancelled, cleanup ran", op_name[op],
               pending ? "with a cancel pending on entry" : "blocked in the call");
        }
    }

    /* The process carries on: the same descriptors still work. */
    {
        char c = 0;
        ok(send(sp[1], "x", 1, 0) == 1 && recv(sp[0], &c, 1, 0) == 1 && c == 'x',
           "after the cancellations, send/recv on the same socketpair work");
        int s = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a;
        socklen_t al = sizeof a;
        getsockname(lfd, (struct sockaddr *)&a, &al);
        ok(connect(s, (struct sockaddr *)&a, al) == 0 && accept(lfd, NULL, NULL) >= 0,
           "after the cancellations, connect/accept on the same listener work");
    }
    unlink(ua.sun_path);
    rmdir(dir);
    return tap_done();
}
