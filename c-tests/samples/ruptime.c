/*
 * ruptime - client for ruptimed (after APUE figure 16.16): connect with
 * connect_retry and copy whatever the server sends to stdout.
 *
 * usage: ruptime addr port
 */
#include "apue.h"
#include <errno.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#define BUFLEN	128

static int
print_uptime(int sockfd)
{
	ssize_t	n;
	size_t	total = 0;
	char	buf[BUFLEN];

	while ((n = recv(sockfd, buf, BUFLEN, 0)) > 0) {
		if (writen(STDOUT_FILENO, buf, n) != n)
			err_sys("ruptime: write error");
		total += n;
	}
	if (n < 0)
		err_sys("ruptime: recv error");
	if (total == 0)
		err_quit("ruptime: empty reply");
	return(0);
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in	addr;
	int			sockfd;

	if (argc != 3)
		err_quit("usage: ruptime addr port");
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_port = htons(parse_port(argv[2]));
	if (inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1)
		err_quit("ruptime: bad IPv4 address: %s", argv[1]);

	if ((sockfd = connect_retry(addr.sin_family, SOCK_STREAM, 0,
	  (struct sockaddr *)&addr, sizeof(addr))) < 0)
		err_sys("ruptime: can't connect to %s port %s", argv[1], argv[2]);
	print_uptime(sockfd);
	if (close(sockfd) < 0)
		err_sys("ruptime: close error");
	exit(0);
}
