/*
 * ruptime_udp - client for ruptimed_udp (after APUE figure 16.19).
 * Sends a 1-byte request and prints the reply.  An alarm bounds the wait
 * for the reply, so the client cannot hang if the server is gone: the
 * SIGALRM handler is installed without SA_RESTART, so recvfrom fails
 * with EINTR.
 *
 * usage: ruptime_udp addr port [timeout-seconds]
 */
#include "apue.h"
#include <errno.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#define BUFLEN		128
#define TIMEOUT		5

static void
sigalrm(int signo)
{
	(void)signo;
}

static void
print_uptime(int sockfd, const struct sockaddr *addr, socklen_t alen,
  unsigned timeout)
{
	ssize_t	n;
	char	buf[BUFLEN];

	buf[0] = 0;
	if (sendto(sockfd, buf, 1, 0, addr, alen) != 1)
		err_sys("ruptime_udp: sendto error");
	alarm(timeout);
	if ((n = recvfrom(sockfd, buf, BUFLEN, 0, NULL, NULL)) < 0) {
		if (errno != EINTR)
			alarm(0);
		else
			err_quit("ruptime_udp: no reply within %u seconds", timeout);
		err_sys("ruptime_udp: recvfrom error");
	}
	alarm(0);
	if (n == 0)
		err_quit("ruptime_udp: empty reply");
	if (writen(STDOUT_FILENO, buf, n) != n)
		err_sys("ruptime_udp: write error");
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in	addr;
	struct sigaction	sa;
	int			sockfd;
	unsigned		timeout = TIMEOUT;

	if (argc != 3 && argc != 4)
		err_quit("usage: ruptime_udp addr port [timeout]");
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_port = htons(parse_port(argv[2]));
	if (inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1)
		err_quit("ruptime_udp: bad IPv4 address: %s", argv[1]);
	if (argc == 4 && (timeout = parse_count(argv[3], "timeout")) == 0)
		err_quit("ruptime_udp: timeout must be at least 1 second");

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = sigalrm;
	sa.sa_flags = 0;		/* no SA_RESTART: interrupt recvfrom */
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, NULL) < 0)
		err_sys("ruptime_udp: sigaction error");

	if ((sockfd = socket(addr.sin_family, SOCK_DGRAM, 0)) < 0)
		err_sys("ruptime_udp: socket error");
	print_uptime(sockfd, (struct sockaddr *)&addr, sizeof(addr), timeout);
	if (close(sockfd) < 0)
		err_sys("ruptime_udp: close error");
	exit(0);
}
