/*
 * echod_unix - iterative Unix-domain stream echo server.
 *
 * usage: echod_unix path nclients
 *
 * Removes any stale socket at path, binds and listens there, prints the
 * bound path (from getsockname) as the first line of stdout, echoes for
 * nclients clients one after another (0 = until SIGTERM), then removes
 * the socket and exits.  SIGTERM also removes the socket.
 */
#include "apue.h"
#include <errno.h>
#include <sys/un.h>

#define QLEN	10
#define BUFSIZE	4096

static int
serve_one(int sockfd)
{
	char	buf[BUFSIZE];
	ssize_t	n;
	int	clfd, status = 0;

	if ((clfd = accept(sockfd, NULL, NULL)) < 0) {
		err_ret("echod_unix: accept error");
		return(-1);
	}
	for (;;) {
		if ((n = read(clfd, buf, sizeof(buf))) < 0) {
			if (errno == EINTR)
				continue;
			err_ret("echod_unix: read error");
			status = -1;
			break;
		}
		if (n == 0)
			break;
		if (writen(clfd, buf, n) != n) {
			err_ret("echod_unix: write error");
			status = -1;
			break;
		}
	}
	if (close(clfd) < 0) {
		err_ret("echod_unix: close error");
		status = -1;
	}
	return(status);
}

int
main(int argc, char *argv[])
{
	struct sockaddr_un	un;
	socklen_t		len;
	int			sockfd, failed = 0;
	long			n, nclients;

	if (argc != 3)
		err_quit("usage: echod_unix path nclients");
	nclients = parse_count(argv[2], "client count");
	if (strlen(argv[1]) >= sizeof(un.sun_path))
		err_quit("echod_unix: path too long: %s", argv[1]);

	memset(&un, 0, sizeof(un));
	un.sun_family = AF_UNIX;
	strcpy(un.sun_path, argv[1]);
	len = offsetof(struct sockaddr_un, sun_path) + strlen(argv[1]) + 1;

	signal(SIGPIPE, SIG_IGN);
	if (unlink(un.sun_path) < 0 && errno != ENOENT)
		err_sys("echod_unix: can't remove %s", un.sun_path);
	if (exit_on_sigterm(argv[1]) < 0)
		err_sys("echod_unix: sigaction error");
	if ((sockfd = initserver(SOCK_STREAM, (struct sockaddr *)&un, len,
	  QLEN)) < 0)
		err_sys("echod_unix: initserver error");
	if (print_sockname(sockfd) < 0) {
		err_ret("echod_unix: getsockname error");
		unlink(un.sun_path);
		exit(1);
	}

	for (n = 0; nclients == 0 || n < nclients; n++)
		if (serve_one(sockfd) < 0)
			failed = 1;
	if (close(sockfd) < 0) {
		err_ret("echod_unix: close error");
		failed = 1;
	}
	if (unlink(un.sun_path) < 0) {
		err_ret("echod_unix: can't remove %s", un.sun_path);
		failed = 1;
	}
	exit(failed);
}
