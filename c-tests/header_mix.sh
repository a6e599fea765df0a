#!/usr/bin/env bash
# <sockshim.h> alongside glibc's other headers (make check-header): a program
# replaces its socket headers (<sys/socket.h>, <netinet/in.h>, <arpa/inet.h>,
# <sys/un.h>, <poll.h>, <sys/select.h>, <sys/epoll.h>, <netdb.h>) with
# <sockshim.h> and keeps every other header, before or after it.
#
#   bash c-tests/header_mix.sh INCLUDE_DIR LINK_FLAGS...
#
# 1. For each of glibc's common non-socket headers: a translation unit with
#    it before <sockshim.h> and one with it after, each calling readv and
#    dup (declared by both), as C11 and as C++17, -Wall -Wextra -Werror
#    -pedantic.
# 2. The IN6_* macros give glibc's results for every class of address.
# 3. Every sample program (c-tests/samples/*.c with apue.c/apue.h) with its
#    socket headers replaced by one #include <sockshim.h> where the first of
#    them stood, and again with it first and last in apue.h: compiled and
#    linked (C11, -Wall -Wextra -Werror).
# TAP on stdout.
set -u
inc=$1
shift
link=("$@")
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=tap.sh
. "$root/c-tests/tap.sh"
tmp=$(mktemp -d /tmp/sockshim-header.XXXXXX) || bail "mktemp failed"
trap 'rm -rf "$tmp"' EXIT

others="unistd.h fcntl.h sys/uio.h stdio.h stdlib.h string.h signal.h time.h errno.h sys/types.h
sys/stat.h sys/time.h sys/resource.h sys/ioctl.h sys/wait.h sys/mman.h sys/prctl.h pthread.h limits.h"
body='int main(void) { char b[1]; struct iovec v = { b, 1 }; return readv(dup(0), &v, 1) < -1; }'
for lang in c11 c++17; do
	case $lang in
	c11) cc=(cc -x c -std=c11) ;;
	c++17) cc=(g++ -x c++ -std=c++17) ;;
	esac
	bad=0 count=0
	for h in $others; do
		for order in before after; do
			f=$tmp/mix.$order.c
			if [ $order = before ]; then
				printf '#include <%s>\n#include <sockshim.h>\n%s\n' "$h" "$body" >"$f"
			else
				printf '#include <sockshim.h>\n#include <%s>\n%s\n' "$h" "$body" >"$f"
			fi
			count=$((count + 1))
			if ! "${cc[@]}" -Wall -Wextra -Werror -pedantic -I"$inc" -c "$f" -o "$tmp/mix.o" 2>"$tmp/err"; then
				bad=$((bad + 1))
				diag "<$h> $order <sockshim.h>, $lang:"
				grep -m3 error "$tmp/err" | sed 's/^/  /' | while read -r l; do diag "$l"; done
			fi
		done
	done
	check $bad "header: <sockshim.h> with each of $((count / 2)) glibc headers before and after it compiles as $lang -pedantic -Werror ($bad of $count failed)"
done

# The IN6_* macros: the same tests of the same addresses through
# <sockshim.h> and through glibc's <netinet/in.h> (two translation units),
# over every class (unspecified, loopback, link/site-local, v4-mapped,
# v4-compatible, each multicast scope, neighbours of each, random).
tests='IN6_IS_ADDR_UNSPECIFIED(a) IN6_IS_ADDR_LOOPBACK(a) IN6_IS_ADDR_LINKLOCAL(a) IN6_IS_ADDR_SITELOCAL(a)
IN6_IS_ADDR_V4MAPPED(a) IN6_IS_ADDR_V4COMPAT(a) IN6_IS_ADDR_MULTICAST(a) IN6_IS_ADDR_MC_NODELOCAL(a)
IN6_IS_ADDR_MC_LINKLOCAL(a) IN6_IS_ADDR_MC_SITELOCAL(a) IN6_IS_ADDR_MC_ORGLOCAL(a) IN6_IS_ADDR_MC_GLOBAL(a)
IN6_ARE_ADDR_EQUAL(a,b)'
for side in ours glibc; do
	{
		if [ $side = ours ]; then echo '#include <sockshim.h>'; else echo '#include <netinet/in.h>'; fi
		echo "void in6_$side(const struct in6_addr *a, const struct in6_addr *b, int *out) {"
		k=0
		for t in $tests; do echo "    out[$k] = !!($t);"; k=$((k + 1)); done
		echo "}"
	} >"$tmp/in6_$side.c"
done
cat >"$tmp/in6_main.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
struct in6_addr;
void in6_ours(const struct in6_addr *, const struct in6_addr *, int *);
void in6_glibc(const struct in6_addr *, const struct in6_addr *, int *);
int main(void)
{
    static const unsigned char seeds[][16] = {
        {0}, {[15] = 1}, {[15] = 2}, {[15] = 0xff}, {[14] = 1},
        {0xfe, 0x80, [15] = 1}, {0xfe, 0xbf, [15] = 1}, {0xfe, 0xc0, [15] = 1}, {0xfe, 0xff},
        {0xfe, 0x7f}, {0xfd, 0x80}, {[10] = 0xff, [11] = 0xff, [12] = 1, 2, 3, 4},
        {[10] = 0xff, [11] = 0xff}, {[10] = 0xff, [11] = 0xfe, [12] = 1}, {[11] = 0xff, [12] = 1},
        {[12] = 1, 2, 3, 4}, {[12] = 0, 0, 0, 1}, {[9] = 1, [12] = 1, 2, 3, 4},
        {0xff, 0x01, [15] = 1}, {0xff, 0x02, [15] = 1}, {0xff, 0x05, [15] = 1}, {0xff, 0x08, [15] = 1},
        {0xff, 0x0e, [15] = 1}, {0xff, 0x12}, {0xff, 0x15}, {0xff, 0x1e}, {0xff, 0x00}, {0xff, 0x03},
        {0xff, 0x0f}, {0xfe, 0x02}, {0x20, 0x01, 0x0d, 0xb8, [15] = 1}, {[0 ... 15] = 0xff},
    };
    enum { NSEED = sizeof seeds / sizeof seeds[0], NRAND = 4000 };
    static unsigned char addr[NSEED + NRAND][16];
    memcpy(addr, seeds, sizeof seeds);
    srand(42);
    for (int i = NSEED; i < NSEED + NRAND; i++) {
        memcpy(addr[i], seeds[rand() % NSEED], 16); /* a class, then some bytes changed */
        for (int k = rand() % 3; k > 0; k--)
            addr[i][rand() % 16] = (unsigned char)(rand() & (rand() % 2 ? 0xff : 0x0f));
    }
    int bad = 0, n = 0;
    for (int i = 0; i < NSEED + NRAND; i++) {
        int j = i % 7 == 0 ? i : (i * 31 + 7) % (NSEED + NRAND); /* equal pairs too */
        int o[16], g[16];
        in6_ours((const struct in6_addr *)addr[i], (const struct in6_addr *)addr[j], o);
        in6_glibc((const struct in6_addr *)addr[i], (const struct in6_addr *)addr[j], g);
        for (int t = 0; t < 13; t++, n++)
            if (o[t] != g[t] && bad++ < 5)
                printf("# address %d test %d: sockshim %d glibc %d\n", i, t, o[t], g[t]);
    }
    printf("# %d IN6_* results compared, %d differ\n", n, bad);
    return bad != 0;
}
C
if cc -std=c11 -Wall -Wextra -Werror -pedantic -I"$inc" -c "$tmp/in6_ours.c" -o "$tmp/in6_ours.o" 2>"$tmp/err" &&
   cc -std=c11 -Wall -Wextra -Werror -c "$tmp/in6_glibc.c" -o "$tmp/in6_glibc.o" 2>>"$tmp/err" &&
   cc -std=gnu11 -O1 "$tmp/in6_main.c" "$tmp/in6_ours.o" "$tmp/in6_glibc.o" "${link[@]}" -o "$tmp/in6" 2>>"$tmp/err"; then
	"$tmp/in6" >"$tmp/in6.out"
	check $? "header: the IN6_IS_ADDR_* and IN6_ARE_ADDR_EQUAL macros give glibc's results ($(tail -1 "$tmp/in6.out" | sed 's/^# //'))"
	grep -v "IN6_\* results" "$tmp/in6.out" | head -5
else
	not_ok "header: the IN6_* test programs compile"
	diagf "$tmp/err" "cc"
fi

socket_headers='sys/socket.h|netinet/in.h|arpa/inet.h|sys/un.h|poll.h|sys/select.h|sys/epoll.h|netdb.h'
# mkvariant PLACE DIR: the samples in DIR with their socket headers replaced
# (PLACE: where = at the first socket header, first = top of apue.h, last =
# end of apue.h's includes)
mkvariant() {
	local place=$1 dir=$2 f
	mkdir -p "$dir"
	for f in "$root"/c-tests/samples/*.c "$root"/c-tests/samples/apue.h; do
		awk -v re="^#include <($socket_headers)>" -v place="$place" -v isapue="$([ "${f##*/}" = apue.h ] && echo 1)" '
			$0 ~ re { if (place == "where" && !done) { print "#include <sockshim.h>"; done = 1 } next }
			isapue && place == "first" && /^#include/ && !done { print "#include <sockshim.h>"; done = 1 }
			{ print }
			isapue && place == "last" && /^#include <signal.h>/ && !done { print "#include <sockshim.h>"; done = 1 }
		' "$f" >"$dir/${f##*/}"
	done
}
for place in where first last; do
	d=$tmp/samples-$place
	mkvariant $place "$d"
	bad=0 count=0
	for src in "$d"/*.c; do
		[ "${src##*/}" = apue.c ] && continue
		count=$((count + 1))
		if ! cc -std=c11 -Wall -Wextra -Werror -I"$inc" "$src" "$d/apue.c" "${link[@]}" -o "$tmp/prog" 2>"$tmp/err"; then
			bad=$((bad + 1))
			diag "${src##*/} ($place):"
			grep -m3 error "$tmp/err" | while read -r l; do diag "  $l"; done
		fi
	done
	if [ "$(grep -c 'sockshim.h' "$d/apue.h")" != 1 ] || grep -Eq "^#include <($socket_headers)>" "$d"/*.c "$d"/apue.h; then
		bad=$((bad + 1))
		diag "the $place variant did not replace the socket headers"
	fi
	check $bad "header: the $count samples with <sockshim.h> replacing their socket headers ($place) compile and link ($bad failed)"
done
tap_end
