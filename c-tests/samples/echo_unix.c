/*
 * echo_unix - Unix-domain stream echo client: for each line of stdin,
 * write the whole line, read the same number of bytes back, check they
 * are identical and copy them to stdout.  Plain blocking I/O, so a single
 * line must fit in the socket buffers (a few hundred KiB on Linux).
 *
 * usage: echo_unix path
 */
#include "apue.h"
#include <errno.h>
#include <sys/un.h>

int
main(int argc, char *argv[])
{
	struct sockaddr_un	un;
	socklen_t		alen;
	int			sockfd;
	char			*line = NULL, *back = NULL;
	size_t			cap = 0, backcap = 0;
	ssize_t			len, n;
	char			c;

	if (argc != 2)
		err_quit("usage: echo_unix path");
	if (strlen(argv[1]) >= sizeof(un.sun_path))
		err_quit("echo_unix: path too long: %s", argv[1]);
	memset(&un, 0, sizeof(un));
	un.sun_family = AF_UNIX;
	strcpy(un.sun_path, argv[1]);
	alen = offsetof(struct sockaddr_un, sun_path) + strlen(argv[1]) + 1;

	signal(SIGPIPE, SIG_IGN);
	if ((sockfd = connect_retry(AF_UNIX, SOCK_STREAM, 0,
	  (struct sockaddr *)&un, alen)) < 0)
		err_sys("echo_unix: can't connect to %s", argv[1]);

	while ((len = getline(&line, &cap, stdin)) > 0) {
		if ((size_t)len > backcap) {
			free(back);
			backcap = len;
			if ((back = malloc(backcap)) == NULL)
				err_sys("echo_unix: malloc error");
		}
		if (writen(sockfd, line, len) != len)
			err_sys("echo_unix: write error");
		if ((n = readn(sockfd, back, len)) < 0)
			err_sys("echo_unix: read error");
		if (n != len)
			err_quit("echo_unix: short echo (%zd of %zd bytes)", n, len);
		if (memcmp(back, line, len) != 0)
			err_quit("echo_unix: echoed bytes differ");
		if (fwrite(back, 1, len, stdout) != (size_t)len)
			err_sys("echo_unix: write error on stdout");
	}
	if (ferror(stdin))
		err_sys("echo_unix: error reading stdin");
	free(line);
	free(back);

	if (shutdown(sockfd, SHUT_WR) < 0)
		err_sys("echo_unix: shutdown error");
	if ((n = read(sockfd, &c, 1)) < 0)
		err_sys("echo_unix: read error after shutdown");
	if (n != 0)
		err_quit("echo_unix: unexpected data after the last line");
	if (close(sockfd) < 0)
		err_sys("echo_unix: close error");
	if (fflush(stdout) == EOF)
		err_sys("echo_unix: write error on stdout");
	exit(0);
}
