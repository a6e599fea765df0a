/*
 * apue.h - the small subset of APUE's "apue.h" the socket samples use.
 *
 * Only system headers are included: the samples are ordinary C programs
 * that know nothing about sockshim.  They are linked against
 * libsockshim.so, libsockshim.a, or plain glibc (and then run with
 * LD_PRELOAD=libsockshim.so) and must behave the same every way.
 */
#ifndef _APUE_H
#define _APUE_H

#define _POSIX_C_SOURCE 200809L
#if defined(__linux__)
#define _XOPEN_SOURCE 700	/* as APUE does on Linux */
#endif
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE		/* MSG_DONTWAIT, sun_path helpers */
#endif

#include <sys/types.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>
#include <signal.h>

#define MAXLINE	4096		/* max line length */

/*
 * connect_retry() sleeps 1, 2, 4, ... seconds between attempts while the
 * delay stays <= MAXSLEEP/2.  APUE uses 128 (about two minutes in all);
 * the samples default to something short so a failing test fails fast.
 * Build with -DMAXSLEEP=128 to get the book's behaviour.
 */
#ifndef MAXSLEEP
#define MAXSLEEP 4
#endif

int	connect_retry(int, int, int, const struct sockaddr *, socklen_t);
int	initserver(int, const struct sockaddr *, socklen_t, int);

int	set_cloexec(int);
int	exit_on_sigterm(const char *);
int	print_sockname(int);	/* first line of a server's stdout */
ssize_t	readn(int, void *, size_t);
ssize_t	writen(int, const void *, size_t);
long	parse_count(const char *, const char *);
int	parse_port(const char *);

void	err_msg(const char *, ...) __attribute__((format(printf, 1, 2)));
void	err_ret(const char *, ...) __attribute__((format(printf, 1, 2)));
void	err_sys(const char *, ...)
		__attribute__((noreturn, format(printf, 1, 2)));
void	err_quit(const char *, ...)
		__attribute__((noreturn, format(printf, 1, 2)));

#endif	/* _APUE_H */
