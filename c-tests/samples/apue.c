/*
 * apue.c - helpers shared by the socket samples, in the style of APUE's
 * libapue: connect_retry and initserver (from the seed notes), readn and
 * writen, and the err_* error routines.
 */
#include "apue.h"
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <limits.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sys/un.h>

/*
 * Connect with retry (APUE figure 16.11, as in the seed notes).  If
 * connect fails the socket is in an undefined state, so it is closed and
 * a new one is opened for the next attempt.
 */
int
connect_retry(int domain, int type, int protocol,
              const struct sockaddr *addr, socklen_t alen)
{
	int numsec, fd;

	for (numsec = 1; numsec <= MAXSLEEP; numsec <<= 1) {
		if ((fd = socket(domain, type, protocol)) < 0)
			return(-1);
		if (connect(fd, addr, alen) == 0) {
			/*
			 * Connection accepted.
			 */
			return(fd);
		}
		close(fd);

		/*
		 * Delay before trying again.
		 */
		if (numsec <= MAXSLEEP/2)
			sleep(numsec);
	}
	return(-1);
}

/*
 * Initialize a socket endpoint for use by a server (the seed notes'
 * initserver, with the SO_REUSEADDR option of APUE figure 16.22 so a
 * restarted server can rebind at once).
 */
int
initserver(int type, const struct sockaddr *addr, socklen_t alen,
  int qlen)
{
	int fd;
	int err = 0;
	int reuse = 1;

	if ((fd = socket(addr->sa_family, type, 0)) < 0)
		return(-1);
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse,
	  sizeof(int)) < 0)
		goto errout;
	if (bind(fd, addr, alen) < 0)
		goto errout;
	if (type == SOCK_STREAM || type == SOCK_SEQPACKET) {
		if (listen(fd, qlen) < 0)
			goto errout;
	}
	return(fd);

errout:
	err = errno;
	close(fd);
	errno = err;
	return(-1);
}

/* Set close-on-exec so popen'ed children don't inherit our sockets. */
int
set_cloexec(int fd)
{
	int val;

	if ((val = fcntl(fd, F_GETFD, 0)) < 0)
		return(-1);
	val |= FD_CLOEXEC;
	return(fcntl(fd, F_SETFD, val));
}

/*
 * Servers run until they have served the clients they were asked to, or
 * until SIGTERM: then they remove their Unix-domain socket (if any) and
 * exit at once with status 0.  Only async-signal-safe calls in the handler.
 */
static const char *sigterm_unlink;

static void
sig_term(int signo)
{
	(void)signo;
	if (sigterm_unlink != NULL)
		unlink(sigterm_unlink);
	_exit(0);
}

int
exit_on_sigterm(const char *path)
{
	struct sigaction sa;

	sigterm_unlink = path;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = sig_term;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;
	return(sigaction(SIGTERM, &sa, NULL));
}

/*
 * Print the address a server socket is bound to as the first line of
 * stdout: the port number for AF_INET/AF_INET6 (servers bind port 0 and
 * let the kernel choose), the path for AF_UNIX.  Flushed at once so
 * whoever started the server can read it.
 */
int
print_sockname(int sockfd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	memset(&ss, 0, sizeof(ss));
	if (getsockname(sockfd, (struct sockaddr *)&ss, &len) < 0)
		return(-1);
	switch (ss.ss_family) {
	case AF_INET:
		if (len < sizeof(struct sockaddr_in))
			goto badlen;
		printf("%u\n", (unsigned)ntohs(((struct sockaddr_in *)&ss)->sin_port));
		break;
	case AF_INET6:
		if (len < sizeof(struct sockaddr_in6))
			goto badlen;
		printf("%u\n", (unsigned)ntohs(((struct sockaddr_in6 *)&ss)->sin6_port));
		break;
	case AF_UNIX:
		if (len <= offsetof(struct sockaddr_un, sun_path) ||
		  len > sizeof(struct sockaddr_un))
			goto badlen;
		printf("%.*s\n", (int)(len - offsetof(struct sockaddr_un, sun_path)),
		  ((struct sockaddr_un *)&ss)->sun_path);
		break;
	default:
		errno = EAFNOSUPPORT;
		return(-1);
	}
	if (fflush(stdout) == EOF)
		return(-1);
	return(0);

badlen:
	errno = EINVAL;
	return(-1);
}

/* Read "n" bytes from a descriptor (APUE figure 14.24). */
ssize_t
readn(int fd, void *ptr, size_t n)
{
	size_t	nleft;
	ssize_t	nread;

	nleft = n;
	while (nleft > 0) {
		if ((nread = read(fd, ptr, nleft)) < 0) {
			if (errno == EINTR)
				continue;
			if (nleft == n)
				return(-1);	/* error, return -1 */
			else
				break;		/* error, return amount read so far */
		} else if (nread == 0) {
			break;			/* EOF */
		}
		nleft -= nread;
		ptr = (char *)ptr + nread;
	}
	return(n - nleft);		/* return >= 0 */
}

/* Write "n" bytes to a descriptor (APUE figure 14.24). */
ssize_t
writen(int fd, const void *ptr, size_t n)
{
	size_t	nleft;
	ssize_t	nwritten;

	nleft = n;
	while (nleft > 0) {
		if ((nwritten = write(fd, ptr, nleft)) < 0) {
			if (errno == EINTR)
				continue;
			if (nleft == n)
				return(-1);	/* error, return -1 */
			else
				break;		/* error, return amount written so far */
		} else if (nwritten == 0) {
			break;
		}
		nleft -= nwritten;
		ptr = (const char *)ptr + nwritten;
	}
	return(n - nleft);		/* return >= 0 */
}

/* A non-negative decimal count from the command line, or err_quit. */
long
parse_count(const char *s, const char *what)
{
	char	*end;
	long	v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 0 || v > INT_MAX)
		err_quit("bad %s: %s", what, s);
	return(v);
}

/* A port number 1..65535 from the command line, or err_quit. */
int
parse_port(const char *s)
{
	long v = parse_count(s, "port");

	if (v < 1 || v > 65535)
		err_quit("bad port: %s", s);
	return((int)v);
}

/*
 * Error routines (after APUE appendix B), always to stderr.
 */
static void
err_doit(int errnoflag, int error, const char *fmt, va_list ap)
{
	char	buf[MAXLINE];

	vsnprintf(buf, MAXLINE - 1, fmt, ap);
	if (errnoflag)
		snprintf(buf + strlen(buf), MAXLINE - strlen(buf) - 1, ": %s",
		  strerror(error));
	strcat(buf, "\n");
	fflush(stdout);		/* in case stdout and stderr are the same */
	fputs(buf, stderr);
	fflush(NULL);		/* flushes all stdio output streams */
}

/* Nonfatal error unrelated to a system call.  Print a message and return. */
void
err_msg(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	err_doit(0, 0, fmt, ap);
	va_end(ap);
}

/* Nonfatal error related to a system call.  Print a message and return. */
void
err_ret(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	err_doit(1, errno, fmt, ap);
	va_end(ap);
}

/* Fatal error related to a system call.  Print a message and terminate. */
void
err_sys(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	err_doit(1, errno, fmt, ap);
	va_end(ap);
	exit(1);
}

/* Fatal error unrelated to a system call.  Print a message and terminate. */
void
err_quit(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	err_doit(0, 0, fmt, ap);
	va_end(ap);
	exit(1);
}
