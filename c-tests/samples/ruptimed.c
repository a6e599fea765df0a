/*
 * ruptimed - connection-oriented "remote uptime" server (after APUE
 * figure 16.17).  For each client it runs uptime(1) and sends the output
 * back, then closes the connection.
 *
 * usage: ruptimed addr nclients
 *
 * Binds addr (an IPv4 literal such as 127.0.0.1) at port 0, prints the
 * port the kernel chose as the first line of stdout, then serves nclients
 * clients one after another (0 = until SIGTERM) and exits.
 */
#include "apue.h"
#include <errno.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#define BUFLEN	128
#define QLEN	10

static int
serve_one(int sockfd)
{
	int	clfd, status = 0;
	FILE	*fp;
	char	buf[BUFLEN];
	size_t	len;

	if ((clfd = accept(sockfd, NULL, NULL)) < 0) {
		err_ret("ruptimed: accept error");
		return(-1);
	}
	set_cloexec(clfd);
	if ((fp = popen("/usr/bin/uptime", "r")) == NULL) {
		snprintf(buf, sizeof(buf), "error: %s\n", strerror(errno));
		len = strlen(buf);
		if (send(clfd, buf, len, 0) != (ssize_t)len)
			err_ret("ruptimed: send error");
		status = -1;
	} else {
		while (fgets(buf, BUFLEN, fp) != NULL) {
			len = strlen(buf);
			if (send(clfd, buf, len, 0) != (ssize_t)len) {
				err_ret("ruptimed: send error");
				status = -1;
				break;
			}
		}
		if (pclose(fp) != 0) {
			err_msg("ruptimed: uptime failed");
			status = -1;
		}
	}
	if (close(clfd) < 0) {
		err_ret("ruptimed: close error");
		status = -1;
	}
	return(status);
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in	addr;
	int			sockfd, failed = 0;
	long			n, nclients;

	if (argc != 3)
		err_quit("usage: ruptimed addr nclients");
	nclients = parse_count(argv[2], "client count");

	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_port = htons(0);
	if (inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1)
		err_quit("ruptimed: bad IPv4 address: %s", argv[1]);

	if (exit_on_sigterm(NULL) < 0)
		err_sys("ruptimed: sigaction error");
	if ((sockfd = initserver(SOCK_STREAM, (struct sockaddr *)&addr,
	  sizeof(addr), QLEN)) < 0)
		err_sys("ruptimed: initserver error");
	set_cloexec(sockfd);
	if (print_sockname(sockfd) < 0)
		err_sys("ruptimed: getsockname error");

	for (n = 0; nclients == 0 || n < nclients; n++)
		if (serve_one(sockfd) < 0)
			failed = 1;
	if (close(sockfd) < 0)
		err_sys("ruptimed: close error");
	exit(failed);
}
