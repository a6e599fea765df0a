/*
 * echo_client - sends its standard input, line by line, to an echo server
 * and checks that every byte comes back unchanged; what comes back is
 * copied to stdout.  Sending and receiving are interleaved with poll(2)
 * and MSG_DONTWAIT, so lines of any length (far beyond the socket
 * buffers) cannot deadlock against the server.
 *
 * usage: echo_client addr port
 *
 * Exit status 0 only if everything was echoed exactly and the server
 * closed the connection after we shut down our side.
 */
#include "apue.h"
#include <errno.h>
#include <poll.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#define BUFSIZE		8192
#define TIMEOUT_MS	10000	/* no progress for this long is an error */

static unsigned long	npartial;	/* sends that took less than offered */

static void
wait_for(int fd, short events, short *revents)
{
	struct pollfd	pfd;
	int		n;

	pfd.fd = fd;
	pfd.events = events;
	pfd.revents = 0;
	while ((n = poll(&pfd, 1, TIMEOUT_MS)) < 0)
		if (errno != EINTR)
			err_sys("echo_client: poll error");
	if (n == 0)
		err_quit("echo_client: no progress in %d ms", TIMEOUT_MS);
	if (pfd.revents & POLLNVAL)
		err_quit("echo_client: poll reported POLLNVAL");
	*revents = pfd.revents;
}

/* Send one line and receive it back, interleaving the two. */
static void
exchange(int fd, const char *line, size_t len)
{
	size_t	sent = 0, rcvd = 0, want;
	ssize_t	n;
	short	revents;
	char	buf[BUFSIZE];

	while (rcvd < len) {
		wait_for(fd, sent < len ? POLLIN | POLLOUT : POLLIN, &revents);
		if (revents & (POLLIN | POLLERR | POLLHUP)) {
			want = len - rcvd < BUFSIZE ? len - rcvd : BUFSIZE;
			if ((n = recv(fd, buf, want, MSG_DONTWAIT)) < 0) {
				if (errno != EAGAIN && errno != EWOULDBLOCK &&
				  errno != EINTR)
					err_sys("echo_client: recv error");
			} else if (n == 0) {
				err_quit("echo_client: server closed the connection "
				  "after %zu of %zu bytes", rcvd, len);
			} else {
				if ((size_t)n > sent - rcvd)
					err_quit("echo_client: received more than sent");
				if (memcmp(buf, line + rcvd, n) != 0)
					err_quit("echo_client: echoed bytes differ "
					  "at offset %zu of line", rcvd);
				if (fwrite(buf, 1, n, stdout) != (size_t)n)
					err_sys("echo_client: write error");
				rcvd += n;
			}
		}
		if (sent < len && (revents & POLLOUT)) {
			n = send(fd, line + sent, len - sent,
			  MSG_DONTWAIT | MSG_NOSIGNAL);
			if (n < 0) {
				if (errno != EAGAIN && errno != EWOULDBLOCK &&
				  errno != EINTR)
					err_sys("echo_client: send error");
			} else {
				if ((size_t)n < len - sent)
					npartial++;
				sent += n;
			}
		}
	}
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in	addr;
	int			sockfd;
	char			*line = NULL;
	size_t			cap = 0;
	ssize_t			len;
	unsigned long		nlines = 0, nbytes = 0;
	short			revents;
	char			c;
	int			sndbuf = 16384;

	if (argc != 3)
		err_quit("usage: echo_client addr port");
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_port = htons(parse_port(argv[2]));
	if (inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1)
		err_quit("echo_client: bad IPv4 address: %s", argv[1]);

	if ((sockfd = connect_retry(AF_INET, SOCK_STREAM, 0,
	  (struct sockaddr *)&addr, sizeof(addr))) < 0)
		err_sys("echo_client: can't connect to %s port %s", argv[1], argv[2]);
	/* A small send buffer makes partial sends the rule for long lines. */
	if (setsockopt(sockfd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf)) < 0)
		err_sys("echo_client: setsockopt SO_SNDBUF error");

	while ((len = getline(&line, &cap, stdin)) > 0) {
		exchange(sockfd, line, len);
		nlines++;
		nbytes += len;
	}
	if (ferror(stdin))
		err_sys("echo_client: error reading stdin");
	free(line);

	/* Our side is done; the server must now close its side. */
	if (shutdown(sockfd, SHUT_WR) < 0)
		err_sys("echo_client: shutdown error");
	wait_for(sockfd, POLLIN, &revents);
	if ((len = recv(sockfd, &c, 1, 0)) < 0)
		err_sys("echo_client: recv error after shutdown");
	if (len != 0)
		err_quit("echo_client: unexpected data after the last line");
	if (close(sockfd) < 0)
		err_sys("echo_client: close error");
	if (fflush(stdout) == EOF)
		err_sys("echo_client: write error");
	fprintf(stderr, "echo_client: %lu lines, %lu bytes echoed, "
	  "%lu partial sends\n", nlines, nbytes, npartial);
	exit(0);
}
