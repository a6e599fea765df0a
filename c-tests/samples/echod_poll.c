/*
 * echod_poll - TCP echo server that serves several clients at once,
 * multiplexed with poll(2).  Every socket is non-blocking; each client has
 * a small buffer, and while the buffer holds data not yet echoed the
 * server waits for POLLOUT on that client instead of reading more, so a
 * client that sends faster than it reads is throttled by TCP flow control
 * rather than by an unbounded buffer.  Partial reads and writes are the
 * normal case here.
 *
 * usage: echod_poll addr nclients
 *
 * Binds addr (an IPv4 literal) at port 0, prints the chosen port as the
 * first line of stdout, and exits once nclients connections have been
 * accepted and closed (0 = until SIGTERM).  Exit status 1 if any client
 * connection failed.
 */
#include "apue.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#define QLEN		16
#define MAXCLIENTS	64
#define BUFSIZE		4096

struct client {
	int	fd;		/* -1 when the slot is free */
	size_t	off;		/* next byte of buf to echo */
	size_t	len;		/* bytes in buf */
	char	buf[BUFSIZE];
};

static struct client	clients[MAXCLIENTS];

static int
set_nonblock(int fd)
{
	int val;

	if ((val = fcntl(fd, F_GETFL, 0)) < 0)
		return(-1);
	return(fcntl(fd, F_SETFL, val | O_NONBLOCK));
}

/*
 * Handle the events poll reported for one client.  Returns 1 when the
 * client is done (EOF), -1 on error, 0 to keep going.
 */
static int
client_io(struct client *c, short revents)
{
	ssize_t	n;

	if (c->off < c->len) {
		if ((revents & (POLLOUT | POLLERR | POLLHUP)) == 0)
			return(0);
		n = write(c->fd, c->buf + c->off, c->len - c->off);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				return(0);
			err_ret("echod_poll: write error");
			return(-1);
		}
		c->off += n;
		if (c->off == c->len)
			c->off = c->len = 0;
		return(0);
	}
	if ((revents & (POLLIN | POLLERR | POLLHUP)) == 0)
		return(0);
	n = read(c->fd, c->buf, BUFSIZE);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return(0);
		err_ret("echod_poll: read error");
		return(-1);
	}
	if (n == 0)
		return(1);		/* client shut down its side: done */
	c->off = 0;
	c->len = n;
	return(0);
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in	addr;
	struct pollfd		fds[MAXCLIENTS + 1];
	struct client		*slot[MAXCLIENTS + 1];
	int			sockfd, clfd, i, nfds, nready, r, failed = 0;
	long			nclients, accepted = 0, finished = 0;
	long			active, maxactive = 0;

	if (argc != 3)
		err_quit("usage: echod_poll addr nclients");
	nclients = parse_count(argv[2], "client count");

	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_port = htons(0);
	if (inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1)
		err_quit("echod_poll: bad IPv4 address: %s", argv[1]);

	signal(SIGPIPE, SIG_IGN);	/* a vanished client is an EPIPE, not death */
	if (exit_on_sigterm(NULL) < 0)
		err_sys("echod_poll: sigaction error");
	if ((sockfd = initserver(SOCK_STREAM, (struct sockaddr *)&addr,
	  sizeof(addr), QLEN)) < 0)
		err_sys("echod_poll: initserver error");
	if (set_nonblock(sockfd) < 0)
		err_sys("echod_poll: fcntl error");
	if (print_sockname(sockfd) < 0)
		err_sys("echod_poll: getsockname error");

	for (i = 0; i < MAXCLIENTS; i++)
		clients[i].fd = -1;

	while (nclients == 0 || finished < nclients) {
		nfds = 0;
		if (nclients == 0 || accepted < nclients) {
			fds[nfds].fd = sockfd;
			fds[nfds].events = POLLIN;
			slot[nfds++] = NULL;
		}
		for (i = 0; i < MAXCLIENTS; i++) {
			if (clients[i].fd < 0)
				continue;
			fds[nfds].fd = clients[i].fd;
			fds[nfds].events = clients[i].off < clients[i].len ?
			  POLLOUT : POLLIN;
			slot[nfds++] = &clients[i];
		}
		if ((nready = poll(fds, nfds, -1)) < 0) {
			if (errno == EINTR)
				continue;
			err_sys("echod_poll: poll error");
		}
		for (i = 0; i < nfds && nready > 0; i++) {
			if (fds[i].revents == 0)
				continue;
			nready--;
			if (fds[i].revents & POLLNVAL)
				err_quit("echod_poll: poll reported POLLNVAL on fd %d",
				  fds[i].fd);
			if (slot[i] == NULL) {
				/* the listening socket: a new connection */
				if ((clfd = accept(sockfd, NULL, NULL)) < 0) {
					if (errno == EAGAIN || errno == EWOULDBLOCK ||
					  errno == EINTR || errno == ECONNABORTED)
						continue;
					err_sys("echod_poll: accept error");
				}
				for (r = 0; r < MAXCLIENTS; r++)
					if (clients[r].fd < 0)
						break;
				if (r == MAXCLIENTS || set_nonblock(clfd) < 0) {
					err_msg("echod_poll: can't take another client");
					close(clfd);
					failed = 1;
				} else {
					clients[r].fd = clfd;
					clients[r].off = clients[r].len = 0;
					if ((active = accepted + 1 - finished) > maxactive)
						maxactive = active;
				}
				accepted++;
				continue;
			}
			if ((r = client_io(slot[i], fds[i].revents)) != 0) {
				if (r < 0)
					failed = 1;
				if (close(slot[i]->fd) < 0) {
					err_ret("echod_poll: close error");
					failed = 1;
				}
				slot[i]->fd = -1;
				finished++;
			}
		}
	}
	if (close(sockfd) < 0)
		err_sys("echod_poll: close error");
	fprintf(stderr, "echod_poll: served %ld clients, at most %ld at once\n",
	  finished, maxactive);
	exit(failed);
}
