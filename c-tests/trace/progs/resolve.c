/* Calls each traced name-resolution function with inputs that need no
 * DNS (numeric addresses, /etc/hosts names, AI_NUMERICHOST failures) and
 * prints, one line per call, what the call returned, formatted by glibc's
 * own inet_ntop (dlsym from libc.so.6): run.sh compares these lines with
 * the traced events (text, JSON, recording decoded).
 *
 *   gai NODE SERVICE -> RC [FAMILY SOCKTYPE PROTOCOL ADDR PORT]...
 *   gni ADDR PORT FLAGS -> RC HOST SERV
 *   ghb FUNC QUERY -> NOTFOUND H_ERRNO | NAME ALIASES [ADDR]...
 *   ghr FUNC QUERY -> RC H_ERRNO NULL | RC H_ERRNO NAME ALIASES [ADDR]...
 *   srv FUNC QUERY PROTO -> RC NULL | RC NAME PORT PROTO [ALIAS]...
 *   pro FUNC QUERY -> RC NULL | RC NAME NUMBER [ALIAS]...
 * (QUERY of getservbyport* is the port in host order; RC of the non-_r
 * forms is 0.)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

typedef const char *(*ntop_fn)(int, const void *, char *, socklen_t);
static ntop_fn ntop;

static const char *show(const char *s) { return s ? s : "NULL"; }

static void gai(const char *node, const char *service, int flags, int family, int socktype)
{
	struct addrinfo hints, *res = NULL, *ai;
	memset(&hints, 0, sizeof hints);
	hints.ai_flags = flags;
	hints.ai_family = family;
	hints.ai_socktype = socktype;
	int rc = getaddrinfo(node, service, &hints, &res);
	printf("gai %s %s -> %d", show(node), show(service), rc);
	for (ai = rc == 0 ? res : NULL; ai; ai = ai->ai_next) {
		char buf[INET6_ADDRSTRLEN];
		const void *a;
		int port;
		if (ai->ai_family == AF_INET) {
			a = &((struct sockaddr_in *)ai->ai_addr)->sin_addr;
			port = ntohs(((struct sockaddr_in *)ai->ai_addr)->sin_port);
		} else {
			a = &((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;
			port = ntohs(((struct sockaddr_in6 *)ai->ai_addr)->sin6_port);
		}
		printf(" %d %d %d %s %d", ai->ai_family, ai->ai_socktype, ai->ai_protocol,
		       ntop(ai->ai_family, a, buf, sizeof buf), port);
	}
	printf("\n");
	if (rc == 0)
		freeaddrinfo(res);
}

static void gni(int family, const char *addr, int port, int flags)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char host[NI_MAXHOST] = "", serv[NI_MAXSERV] = "";
	memset(&ss, 0, sizeof ss);
	if (family == AF_INET) {
		struct sockaddr_in *s = (struct sockaddr_in *)&ss;
		s->sin_family = AF_INET;
		s->sin_port = htons(port);
		inet_pton(AF_INET, addr, &s->sin_addr);
		len = sizeof *s;
	} else {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)&ss;
		s->sin6_family = AF_INET6;
		s->sin6_port = htons(port);
		inet_pton(AF_INET6, addr, &s->sin6_addr);
		len = sizeof *s;
	}
	int rc = getnameinfo((struct sockaddr *)&ss, len, host, sizeof host, serv, sizeof serv, flags);
	printf("gni %s %d %d -> %d %s %s\n", addr, port, flags, rc, rc ? "-" : host, rc ? "-" : serv);
}

static void host(const char *func, const char *query, struct hostent *he)
{
	printf("ghb %s %s -> ", func, query);
	if (!he) {
		printf("NOTFOUND %d\n", h_errno);
		return;
	}
	printf("%s %d", he->h_name, 0);
	int na = 0;
	for (char **a = he->h_aliases; *a; a++)
		na++;
	printf(" %d", na);
	for (char **a = he->h_addr_list; *a; a++) {
		char buf[INET6_ADDRSTRLEN];
		printf(" %s", ntop(he->h_addrtype, *a, buf, sizeof buf));
	}
	printf("\n");
}

static void host_list(const struct hostent *he)
{
	printf(" %s %d", he->h_name, 0);
	int na = 0;
	for (char **a = he->h_aliases; *a; a++)
		na++;
	printf(" %d", na);
	for (char **a = he->h_addr_list; *a; a++) {
		char buf[INET6_ADDRSTRLEN];
		printf(" %s", ntop(he->h_addrtype, *a, buf, sizeof buf));
	}
}

/* A _r hostent call: buffer of `buflen` bytes; h_errno starts at a value
 * no call stores, so the trace must show the one the call left. */
static void host_r(const char *func, const char *query, const char *name, int af, int buflen)
{
	static char buf[4096];
	struct hostent he, *res = (struct hostent *)1;
	int herr = 99, rc;
	if (!strcmp(func, "gethostbyname_r"))
		rc = gethostbyname_r(name, &he, buf, buflen, &res, &herr);
	else if (!strcmp(func, "gethostbyname2_r"))
		rc = gethostbyname2_r(name, af, &he, buf, buflen, &res, &herr);
	else {
		struct in_addr lo = {htonl(INADDR_LOOPBACK)};
		rc = gethostbyaddr_r(&lo, sizeof lo, AF_INET, &he, buf, buflen, &res, &herr);
	}
	printf("ghr %s %s -> %d %d", func, query, rc, herr);
	if (res)
		host_list(res);
	else
		printf(" NULL");
	printf("\n");
}

static void serv(const char *func, const char *query, const char *proto, int rc, const struct servent *se)
{
	printf("srv %s %s %s -> %d", func, query, show(proto), rc);
	if (!se) {
		printf(" NULL\n");
		return;
	}
	printf(" %s %d %s", se->s_name, ntohs(se->s_port), se->s_proto);
	for (char **a = se->s_aliases; *a; a++)
		printf(" %s", *a);
	printf("\n");
}

static void serv_r(const char *name, int port, const char *proto, int buflen)
{
	static char buf[4096];
	struct servent se, *res = (struct servent *)1;
	char q[16];
	int rc;
	if (name) {
		rc = getservbyname_r(name, proto, &se, buf, buflen, &res);
		serv("getservbyname_r", name, proto, rc, res);
	} else {
		rc = getservbyport_r(htons(port), proto, &se, buf, buflen, &res);
		snprintf(q, sizeof q, "%d", port);
		serv("getservbyport_r", q, proto, rc, res);
	}
}

static void proto(const char *func, const char *query, int rc, const struct protoent *pe)
{
	printf("pro %s %s -> %d", func, query, rc);
	if (!pe) {
		printf(" NULL\n");
		return;
	}
	printf(" %s %d", pe->p_name, pe->p_proto);
	for (char **a = pe->p_aliases; *a; a++)
		printf(" %s", *a);
	printf("\n");
}

static void proto_r(const char *name, int number, int buflen)
{
	static char buf[4096];
	struct protoent pe, *res = (struct protoent *)1;
	char q[16];
	int rc;
	if (name) {
		rc = getprotobyname_r(name, &pe, buf, buflen, &res);
		proto("getprotobyname_r", name, rc, res);
	} else {
		rc = getprotobynumber_r(number, &pe, buf, buflen, &res);
		snprintf(q, sizeof q, "%d", number);
		proto("getprotobynumber_r", q, rc, res);
	}
}

int main(void)
{
	void *libc = dlopen("libc.so.6", RTLD_NOW);
	ntop = libc ? (ntop_fn)dlsym(libc, "inet_ntop") : NULL;
	if (!ntop)
		return 2;
	setvbuf(stdout, NULL, _IOLBF, 0);

	gai("localhost", "80", 0, AF_UNSPEC, SOCK_STREAM);
	gai("localhost", "domain", 0, AF_UNSPEC, 0);
	gai("127.0.0.1", "8080", AI_NUMERICHOST, AF_INET, SOCK_DGRAM);
	gai("::1", "443", AI_NUMERICHOST | AI_NUMERICSERV, AF_INET6, 0);
	gai(NULL, "25", AI_PASSIVE, AF_UNSPEC, SOCK_STREAM);
	gai("not-an-address", "80", AI_NUMERICHOST, AF_UNSPEC, 0);
	gai("127.0.0.1", "no-such-service-xyz", AI_NUMERICHOST, AF_INET, SOCK_STREAM);
	gai("127.0.0.1", "80", 0, 12345, 0);

	gni(AF_INET, "127.0.0.1", 80, NI_NUMERICHOST | NI_NUMERICSERV);
	gni(AF_INET6, "::1", 22, NI_NUMERICHOST);
	gni(AF_INET, "127.0.0.1", 53, 0);
	gni(AF_INET, "127.0.0.1", 80, 0x1000);

	host("gethostbyname", "localhost", gethostbyname("localhost"));
	host("gethostbyname", "127.0.0.1", gethostbyname("127.0.0.1"));
	host("gethostbyname2", "::1", gethostbyname2("::1", AF_INET6));
	host("gethostbyname2", "localhost", gethostbyname2("localhost", 12345));
	struct in_addr lo = {htonl(INADDR_LOOPBACK)};
	host("gethostbyaddr", "127.0.0.1", gethostbyaddr(&lo, sizeof lo, AF_INET));

	host_r("gethostbyname_r", "localhost", "localhost", 0, 1024);
	host_r("gethostbyname_r", "127.0.0.1", "127.0.0.1", 0, 1024);
	host_r("gethostbyname_r", "localhost", "localhost", 0, 8);
	host_r("gethostbyname2_r", "::1", "::1", AF_INET6, 1024);
	host_r("gethostbyname2_r", "localhost", "localhost", 12345, 1024);
	host_r("gethostbyaddr_r", "127.0.0.1", NULL, 0, 1024);

	serv("getservbyname", "http", "tcp", 0, getservbyname("http", "tcp"));
	serv("getservbyname", "domain", NULL, 0, getservbyname("domain", NULL));
	serv("getservbyname", "no-such-service-xyz", "tcp", 0, getservbyname("no-such-service-xyz", "tcp"));
	serv("getservbyport", "22", "tcp", 0, getservbyport(htons(22), "tcp"));
	serv("getservbyport", "1", "no-such-proto", 0, getservbyport(htons(1), "no-such-proto"));
	serv_r("smtp", 0, "tcp", 1024);
	serv_r("http", 0, "tcp", 4);
	serv_r(NULL, 53, "udp", 1024);
	serv_r(NULL, 9, "no-such-proto", 1024);

	proto("getprotobyname", "tcp", 0, getprotobyname("tcp"));
	proto("getprotobyname", "no-such-protocol", 0, getprotobyname("no-such-protocol"));
	proto("getprotobynumber", "17", 0, getprotobynumber(17));
	proto_r("udp", 0, 1024);
	proto_r("icmp", 0, 4);
	proto_r(NULL, 1, 1024);
	proto_r(NULL, 254, 1024);
	return 0;
}
