/*
 * ruptime_gai - client for ruptimed that finds the server by name (after
 * APUE figure 16.17): getaddrinfo(host, port, SOCK_STREAM), then
 * connect_retry to each address in turn and copy the server's reply to
 * stdout.
 *
 * usage: ruptime_gai host port
 */
#include "../samples/apue.h"
#include <errno.h>
#include <netdb.h>

#define BUFLEN	128

static void
print_uptime(int sockfd)
{
	ssize_t	n;
	size_t	total = 0;
	char	buf[BUFLEN];

	while ((n = recv(sockfd, buf, BUFLEN, 0)) > 0) {
		if (writen(STDOUT_FILENO, buf, n) != n)
			err_sys("ruptime_gai: write error");
		total += n;
	}
	if (n < 0)
		err_sys("ruptime_gai: recv error");
	if (total == 0)
		err_quit("ruptime_gai: empty reply");
}

int
main(int argc, char *argv[])
{
	struct addrinfo	*ailist, *aip;
	struct addrinfo	hint;
	int		sockfd, err;

	if (argc != 3)
		err_quit("usage: ruptime_gai hostname port");
	memset(&hint, 0, sizeof(hint));
	hint.ai_socktype = SOCK_STREAM;
	hint.ai_canonname = NULL;
	hint.ai_addr = NULL;
	hint.ai_next = NULL;
	if ((err = getaddrinfo(argv[1], argv[2], &hint, &ailist)) != 0)
		err_quit("ruptime_gai: getaddrinfo error: %s", gai_strerror(err));
	err = 0;
	for (aip = ailist; aip != NULL; aip = aip->ai_next) {
		if ((sockfd = connect_retry(aip->ai_family, SOCK_STREAM, 0,
		  aip->ai_addr, aip->ai_addrlen)) < 0) {
			err = errno;
		} else {
			freeaddrinfo(ailist);
			print_uptime(sockfd);
			if (close(sockfd) < 0)
				err_sys("ruptime_gai: close error");
			exit(0);
		}
	}
	freeaddrinfo(ailist);
	errno = err;
	err_sys("ruptime_gai: can't connect to %s", argv[1]);
}
