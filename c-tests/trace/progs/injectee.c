/*
 * injectee - the fault-injection suite's program (c-tests/trace/inject.sh).
 *
 *   injectee calls N     N setsockopt(SO_REUSEADDR) calls on one socket;
 *                        prints one word per call: "ok" (returned 0 and
 *                        errno untouched), "<errno name>" (returned -1, errno
 *                        <name>), "r<N>" (returned N != 0, errno untouched),
 *                        or "errno-changed" (returned 0 but errno moved)
 *   injectee time        one setsockopt call; prints its wall time in
 *                        microseconds (CLOCK_MONOTONIC)
 *   injectee naive A P   connects to an echo server at A port P, sends a
 *                        64-byte message with ONE send, ignoring its return
 *                        (deliberately naive), shuts down its side and
 *                        prints how many bytes came back before EOF
 *   injectee vec         on a socketpair: writev and sendmsg of "abc" "defg"
 *                        "hi", each then read whole by the peer; readv and
 *                        recvmsg into two 4-byte iovecs of "0123456789"
 *                        and "ABCDEFGHIJ"; prints "CALL=RET:BYTES" for each
 *   injectee resolve NAME   getaddrinfo, gethostbyname_r, gethostbyname of
 *                        NAME; prints "gai=CODE r=RET h=H_ERRNOP e=ERRNO
 *                        res=0|1 hbn=NULL|ok h_errno=H ms=MILLISECONDS"
 *                        (errno set to a canary before each call)
 *   injectee reset       a TCP connection on 127.0.0.1 to itself; the
 *                        client's recv(MSG_DONTWAIT), then the server's;
 *                        prints "client=ERR server=ERR" (errno names, or
 *                        the byte count)
 *   injectee bulk N      sends N bytes over a socketpair in 4096-byte
 *                        send() calls (partial sends handled) to a child
 *                        that reads them; prints "bytes=N ms=MILLISECONDS"
 *   injectee exec        one call, then execs "injectee calls 2"
 *   injectee fork        one call in the parent, then a child makes 2 calls
 *                        and the parent 2 more; prints each process's words
 *                        ("parent: ..." after "child: ...")
 *
 * Exit status 0 when it could run, 1 on a setup failure (socket, connect).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>

#define CANARY 12345

static const char *
errname(int e)
{
	switch (e) {
	case EPERM: return "EPERM";
	case EIO: return "EIO";
	case ECONNREFUSED: return "ECONNREFUSED";
	case ENOSYS: return "ENOSYS";
	case EAGAIN: return "EAGAIN";
	case ECONNRESET: return "ECONNRESET";
	default: return "other";
	}
}

static void
calls(int fd, int n)
{
	int one = 1;

	for (int i = 0; i < n; i++) {
		errno = CANARY;
		int r = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (r == -1)
			printf("%s%s", i ? " " : "", errname(errno));
		else if (errno != CANARY)
			printf("%serrno-changed", i ? " " : "");
		else if (r == 0)
			printf("%sok", i ? " " : "");
		else
			printf("%sr%d", i ? " " : "", r);
	}
	printf("\n");
	fflush(stdout);
}

static int
naive(const char *a, const char *p)
{
	struct sockaddr_in sin;
	char msg[64], buf[256];
	long total = 0;
	ssize_t n;
	int fd;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons(atoi(p));
	if (inet_pton(AF_INET, a, &sin.sin_addr) != 1)
		return 1;
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    connect(fd, (struct sockaddr *)&sin, sizeof sin) < 0) {
		perror("injectee naive: connect");
		return 1;
	}
	memset(msg, 'x', sizeof msg);
	(void)!send(fd, msg, sizeof msg, 0);	/* the bug: the return is ignored */
	shutdown(fd, SHUT_WR);
	while ((n = recv(fd, buf, sizeof buf, 0)) > 0)
		total += n;
	printf("%ld\n", total);
	close(fd);
	return 0;
}

static void
vec(void)
{
	struct iovec out[3] = { { "abc", 3 }, { "defg", 4 }, { "hi", 2 } };
	char b1[4], b2[4], buf[64];
	struct iovec in[2] = { { b1, 4 }, { b2, 4 } };
	struct msghdr m;
	ssize_t r, k;
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
		perror("socketpair");
		exit(1);
	}
	r = writev(sv[0], out, 3);
	k = read(sv[1], buf, sizeof buf);
	printf("writev=%zd:%.*s ", r, (int)(k > 0 ? k : 0), buf);
	memset(&m, 0, sizeof m);
	m.msg_iov = out;
	m.msg_iovlen = 3;
	r = sendmsg(sv[0], &m, 0);
	k = read(sv[1], buf, sizeof buf);
	printf("sendmsg=%zd:%.*s ", r, (int)(k > 0 ? k : 0), buf);
	(void)!write(sv[0], "0123456789", 10);
	r = readv(sv[1], in, 2);
	/* only the bytes received: b1 and b2 are not NUL-terminated, and the
	 * rest of them is whatever the stack held */
	printf("readv=%zd:%.*s%.*s ", r, (int)(r < 0 ? 0 : r > 4 ? 4 : r), b1, (int)(r > 4 ? r - 4 : 0), b2);
	k = read(sv[1], buf, sizeof buf);	/* the rest */
	(void)!write(sv[0], "ABCDEFGHIJ", 10);
	memset(&m, 0, sizeof m);
	m.msg_iov = in;
	m.msg_iovlen = 2;
	m.msg_flags = 0x7fff;
	r = recvmsg(sv[1], &m, 0);
	printf("recvmsg=%zd:%.*s%.*s flags=%d\n", r, (int)(r < 0 ? 0 : r > 4 ? 4 : r), b1, (int)(r > 4 ? r - 4 : 0), b2,
	       m.msg_flags);
}

static void
reset(void)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof sin;
	int l, c, a;
	char buf[8];
	ssize_t r;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((l = socket(AF_INET, SOCK_STREAM, 0)) < 0 || bind(l, (struct sockaddr *)&sin, sizeof sin) < 0 ||
	    listen(l, 1) < 0 || getsockname(l, (struct sockaddr *)&sin, &len) < 0 ||
	    (c = socket(AF_INET, SOCK_STREAM, 0)) < 0 || connect(c, (struct sockaddr *)&sin, sizeof sin) < 0 ||
	    (a = accept(l, NULL, NULL)) < 0) {
		perror("injectee reset: setup");
		exit(1);
	}
	r = recv(c, buf, sizeof buf, MSG_DONTWAIT);
	if (r < 0)
		printf("client=%s ", errname(errno));
	else
		printf("client=%zd ", r);
	usleep(100000);	/* the RST crosses loopback */
	r = recv(a, buf, sizeof buf, MSG_DONTWAIT);
	if (r < 0)
		printf("server=%s\n", errname(errno));
	else
		printf("server=%zd\n", r);
}

static long ms_since(const struct timespec *t0);

static void
bulk(long n)
{
	char buf[4096];
	struct timespec t0;
	long sent = 0, got = 0;
	ssize_t r;
	int sv[2], st;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
		perror("socketpair");
		exit(1);
	}
	if ((pid = fork()) == 0) {
		close(sv[0]);
		while ((r = read(sv[1], buf, sizeof buf)) > 0)
			got += r;
		_exit(got == n ? 0 : 1);
	}
	close(sv[1]);
	memset(buf, 'b', sizeof buf);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (sent < n) {
		size_t want = n - sent < (long)sizeof buf ? (size_t)(n - sent) : sizeof buf;
		if ((r = send(sv[0], buf, want, 0)) < 0) {
			perror("send");
			exit(1);
		}
		sent += r;
	}
	close(sv[0]);
	waitpid(pid, &st, 0);
	printf("bytes=%ld ms=%ld%s\n", sent, ms_since(&t0),
	    WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "" : " (reader got a different count)");
}

static long
ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000L + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

static void
resolve(const char *name)
{
	struct addrinfo *ai = NULL, hints;
	struct hostent he, *res = (struct hostent *)1;
	struct timespec t0;
	char buf[4096];
	int gai, r, h = -7, e;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_INET;
	hints.ai_socktype = SOCK_STREAM;
	gai = getaddrinfo(name, NULL, &hints, &ai);
	if (gai == 0)
		freeaddrinfo(ai);
	errno = CANARY;
	r = gethostbyname_r(name, &he, buf, sizeof buf, &res, &h);
	e = errno;
	printf("gai=%d r=%d h=%d e=%s res=%d ", gai, r, h,
	    e == CANARY ? "untouched" : e == 0 ? "0" : errname(e), res != NULL);
	h_errno = -7;
	errno = CANARY;
	res = gethostbyname(name);
	h = h_errno;
	printf("hbn=%s h_errno=%d ", res ? "ok" : "NULL", h);
	printf("ms=%ld\n", ms_since(&t0));
}

int
main(int argc, char *argv[])
{
	int fd;

	if (argc == 3 && strcmp(argv[1], "bulk") == 0) {
		bulk(atol(argv[2]));
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "reset") == 0) {
		reset();
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "resolve") == 0) {
		resolve(argv[2]);
		return 0;
	}

	if (argc == 2 && strcmp(argv[1], "vec") == 0) {
		vec();
		return 0;
	}

	if (argc == 4 && strcmp(argv[1], "naive") == 0)
		return naive(argv[2], argv[3]);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0) {
		perror("injectee: socket");
		return 1;
	}
	if (argc == 3 && strcmp(argv[1], "calls") == 0) {
		calls(fd, atoi(argv[2]));
	} else if (argc == 2 && strcmp(argv[1], "time") == 0) {
		struct timespec t0, t1;
		int one = 1;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		printf("%ld\n", (long)((t1.tv_sec - t0.tv_sec) * 1000000L +
		    (t1.tv_nsec - t0.tv_nsec) / 1000));
	} else if (argc == 2 && strcmp(argv[1], "exec") == 0) {
		calls(fd, 1);
		execl("/proc/self/exe", argv[0], "calls", "2", (char *)NULL);
		perror("injectee: exec");
		return 1;
	} else if (argc == 2 && strcmp(argv[1], "fork") == 0) {
		pid_t pid;
		int st;

		printf("first: ");
		calls(fd, 1);
		if ((pid = fork()) == 0) {
			printf("child: ");
			calls(fd, 2);
			_exit(0);
		}
		waitpid(pid, &st, 0);
		printf("parent: ");
		calls(fd, 2);
	} else {
		fprintf(stderr, "usage: injectee calls N | time | naive ADDR PORT | vec | reset | bulk N | resolve NAME | exec | fork\n");
		return 2;
	}
	return 0;
}
