/*
 * ruptimed_udp - connectionless "remote uptime" server (after APUE
 * figure 16.20).  Every datagram received is a request; the reply is the
 * output of uptime(1), sent back to the requester's address.
 *
 * usage: ruptimed_udp addr nrequests
 *
 * Binds addr (an IPv4 literal) at port 0, prints the chosen port as the
 * first line of stdout, answers nrequests requests (0 = until SIGTERM)
 * and exits.
 */
#include "apue.h"
#include <errno.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#define BUFLEN		128
#define MAXADDRLEN	256

static int
serve_one(int sockfd)
{
	int			status = 0;
	ssize_t			n;
	size_t			len;
	socklen_t		alen;
	FILE			*fp;
	char			buf[BUFLEN];
	struct sockaddr_storage	addr;

	alen = sizeof(addr);
	if ((n = recvfrom(sockfd, buf, BUFLEN, 0,
	  (struct sockaddr *)&addr, &alen)) < 0) {
		err_ret("ruptimed_udp: recvfrom error");
		return(-1);
	}
	if (alen == 0 || alen > sizeof(addr)) {
		err_msg("ruptimed_udp: recvfrom returned address length %u",
		  (unsigned)alen);
		return(-1);
	}
	if ((fp = popen("/usr/bin/uptime", "r")) == NULL) {
		snprintf(buf, sizeof(buf), "error: %s\n", strerror(errno));
		status = -1;
	} else {
		if (fgets(buf, BUFLEN, fp) == NULL) {
			snprintf(buf, sizeof(buf), "error: no output from uptime\n");
			status = -1;
		}
		if (pclose(fp) != 0)
			status = -1;
	}
	len = strlen(buf);
	if (sendto(sockfd, buf, len, 0, (struct sockaddr *)&addr, alen) !=
	  (ssize_t)len) {
		err_ret("ruptimed_udp: sendto error");
		status = -1;
	}
	return(status);
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in	addr;
	int			sockfd, failed = 0;
	long			n, nreq;

	if (argc != 3)
		err_quit("usage: ruptimed_udp addr nrequests");
	nreq = parse_count(argv[2], "request count");

	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_port = htons(0);
	if (inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1)
		err_quit("ruptimed_udp: bad IPv4 address: %s", argv[1]);

	if (exit_on_sigterm(NULL) < 0)
		err_sys("ruptimed_udp: sigaction error");
	if ((sockfd = initserver(SOCK_DGRAM, (struct sockaddr *)&addr,
	  sizeof(addr), 0)) < 0)
		err_sys("ruptimed_udp: initserver error");
	set_cloexec(sockfd);
	if (print_sockname(sockfd) < 0)
		err_sys("ruptimed_udp: getsockname error");

	for (n = 0; nreq == 0 || n < nreq; n++)
		if (serve_one(sockfd) < 0)
			failed = 1;
	if (close(sockfd) < 0)
		err_sys("ruptimed_udp: close error");
	exit(failed);
}
