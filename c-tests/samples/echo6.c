/*
 * echo6 - IPv6 echo client: sends stdin line by line, checks every byte
 * comes back unchanged, copies what comes back to stdout.  The socket is
 * made non-blocking after connecting and select(2) interleaves writing
 * and reading, so long lines cannot deadlock against the server.
 *
 * usage: echo6 addr6 port
 */
#include "apue.h"
#include <errno.h>
#include <fcntl.h>
#include <sys/select.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#define BUFSIZE	8192
#define TIMEOUT	10		/* seconds without progress is an error */

static void
wait_for(int fd, int wantwrite, int *readable, int *writable)
{
	fd_set		rset, wset;
	struct timeval	tv;
	int		n;

	for (;;) {
		FD_ZERO(&rset);
		FD_ZERO(&wset);
		FD_SET(fd, &rset);
		if (wantwrite)
			FD_SET(fd, &wset);
		tv.tv_sec = TIMEOUT;
		tv.tv_usec = 0;
		if ((n = select(fd + 1, &rset, &wset, NULL, &tv)) >= 0)
			break;
		if (errno != EINTR)
			err_sys("echo6: select error");
	}
	if (n == 0)
		err_quit("echo6: no progress in %d seconds", TIMEOUT);
	*readable = FD_ISSET(fd, &rset);
	*writable = FD_ISSET(fd, &wset);
}

static void
exchange(int fd, const char *line, size_t len)
{
	size_t	sent = 0, rcvd = 0, want;
	ssize_t	n;
	int	rd, wr;
	char	buf[BUFSIZE];

	while (rcvd < len) {
		wait_for(fd, sent < len, &rd, &wr);
		if (rd) {
			want = len - rcvd < BUFSIZE ? len - rcvd : BUFSIZE;
			if ((n = read(fd, buf, want)) < 0) {
				if (errno != EAGAIN && errno != EWOULDBLOCK &&
				  errno != EINTR)
					err_sys("echo6: read error");
			} else if (n == 0) {
				err_quit("echo6: server closed the connection");
			} else {
				if ((size_t)n > sent - rcvd)
					err_quit("echo6: received more than sent");
				if (memcmp(buf, line + rcvd, n) != 0)
					err_quit("echo6: echoed bytes differ");
				if (fwrite(buf, 1, n, stdout) != (size_t)n)
					err_sys("echo6: write error on stdout");
				rcvd += n;
			}
		}
		if (wr && sent < len) {
			if ((n = write(fd, line + sent, len - sent)) < 0) {
				if (errno != EAGAIN && errno != EWOULDBLOCK &&
				  errno != EINTR)
					err_sys("echo6: write error");
			} else {
				sent += n;
			}
		}
	}
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in6	addr;
	int			sockfd, rd, wr, flags;
	char			*line = NULL;
	size_t			cap = 0;
	ssize_t			len;
	char			c;

	if (argc != 3)
		err_quit("usage: echo6 addr6 port");
	memset(&addr, 0, sizeof(addr));
	addr.sin6_family = AF_INET6;
	addr.sin6_port = htons(parse_port(argv[2]));
	if (inet_pton(AF_INET6, argv[1], &addr.sin6_addr) != 1)
		err_quit("echo6: bad IPv6 address: %s", argv[1]);

	if ((sockfd = connect_retry(AF_INET6, SOCK_STREAM, 0,
	  (struct sockaddr *)&addr, sizeof(addr))) < 0)
		err_sys("echo6: can't connect to [%s]:%s", argv[1], argv[2]);
	if (sockfd >= FD_SETSIZE)
		err_quit("echo6: descriptor too large for select");
	if ((flags = fcntl(sockfd, F_GETFL, 0)) < 0 ||
	  fcntl(sockfd, F_SETFL, flags | O_NONBLOCK) < 0)
		err_sys("echo6: fcntl error");

	while ((len = getline(&line, &cap, stdin)) > 0)
		exchange(sockfd, line, len);
	if (ferror(stdin))
		err_sys("echo6: error reading stdin");
	free(line);

	if (shutdown(sockfd, SHUT_WR) < 0)
		err_sys("echo6: shutdown error");
	for (;;) {
		wait_for(sockfd, 0, &rd, &wr);
		if ((len = read(sockfd, &c, 1)) < 0 &&
		  (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
			continue;
		break;
	}
	if (len < 0)
		err_sys("echo6: read error after shutdown");
	if (len != 0)
		err_quit("echo6: unexpected data after the last line");
	if (close(sockfd) < 0)
		err_sys("echo6: close error");
	if (fflush(stdout) == EOF)
		err_sys("echo6: write error on stdout");
	exit(0);
}
