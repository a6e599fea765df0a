/*
 * echod6 - iterative TCP echo server over IPv6.  Serves one client at a
 * time: accept, echo everything with recv/send until the client shuts
 * down its side, close, next.  The peer's address is logged on stderr.
 *
 * usage: echod6 addr6 nclients
 *
 * Binds addr6 (an IPv6 literal such as ::1) at port 0, prints the chosen
 * port as the first line of stdout, serves nclients clients (0 = until
 * SIGTERM) and exits; status 1 if any client connection failed.
 */
#include "apue.h"
#include <errno.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#define QLEN	10
#define BUFSIZE	8192

/* send all n bytes, resuming after partial sends */
static ssize_t
sendn(int fd, const char *p, size_t n)
{
	size_t	left = n;
	ssize_t	k;

	while (left > 0) {
		if ((k = send(fd, p, left, MSG_NOSIGNAL)) < 0) {
			if (errno == EINTR)
				continue;
			return(-1);
		}
		p += k;
		left -= k;
	}
	return(n);
}

static int
serve_one(int sockfd)
{
	struct sockaddr_in6	peer;
	socklen_t		plen = sizeof(peer);
	char			abuf[INET6_ADDRSTRLEN];
	char			buf[BUFSIZE];
	ssize_t			n;
	int			clfd, status = 0;

	if ((clfd = accept(sockfd, (struct sockaddr *)&peer, &plen)) < 0) {
		err_ret("echod6: accept error");
		return(-1);
	}
	if (plen != sizeof(peer) || peer.sin6_family != AF_INET6) {
		err_msg("echod6: accept returned a bad peer address "
		  "(family %d, length %u)", peer.sin6_family, (unsigned)plen);
		status = -1;
	} else if (inet_ntop(AF_INET6, &peer.sin6_addr, abuf, sizeof(abuf)) ==
	  NULL) {
		err_ret("echod6: inet_ntop error");
		status = -1;
	} else {
		fprintf(stderr, "echod6: connection from [%s]:%u\n", abuf,
		  (unsigned)ntohs(peer.sin6_port));
	}

	for (;;) {
		if ((n = recv(clfd, buf, sizeof(buf), 0)) < 0) {
			if (errno == EINTR)
				continue;
			err_ret("echod6: recv error");
			status = -1;
			break;
		}
		if (n == 0)
			break;
		if (sendn(clfd, buf, n) < 0) {
			err_ret("echod6: send error");
			status = -1;
			break;
		}
	}
	if (close(clfd) < 0) {
		err_ret("echod6: close error");
		status = -1;
	}
	return(status);
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in6	addr;
	int			sockfd, failed = 0;
	long			n, nclients;

	if (argc != 3)
		err_quit("usage: echod6 addr6 nclients");
	nclients = parse_count(argv[2], "client count");

	memset(&addr, 0, sizeof(addr));
	addr.sin6_family = AF_INET6;
	addr.sin6_port = htons(0);
	if (inet_pton(AF_INET6, argv[1], &addr.sin6_addr) != 1)
		err_quit("echod6: bad IPv6 address: %s", argv[1]);

	if (exit_on_sigterm(NULL) < 0)
		err_sys("echod6: sigaction error");
	if ((sockfd = initserver(SOCK_STREAM, (struct sockaddr *)&addr,
	  sizeof(addr), QLEN)) < 0)
		err_sys("echod6: initserver error");
	if (print_sockname(sockfd) < 0)
		err_sys("echod6: getsockname error");

	for (n = 0; nclients == 0 || n < nclients; n++)
		if (serve_one(sockfd) < 0)
			failed = 1;
	if (close(sockfd) < 0)
		err_sys("echod6: close error");
	exit(failed);
}
