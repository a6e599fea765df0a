#!/usr/bin/env bash
# Regenerates the golden files of c-tests/trace/run.sh from strace, never
# from sockshim: each program runs on plain glibc (no LD_PRELOAD) under
# strace, and `tracecheck.pl from-strace` turns strace's syscall-level lines
# into the libc-level lines sockshim prints (send for sendto(..., NULL, 0),
# select for pselect6 with no sigmask, ...; see that subcommand), normalised.
#
# usage: bash c-tests/trace/golden/derive.sh [OUTDIR]   (default: this dir)
#
# The results were then reviewed by hand against strace's conventions and
# the C calls each program makes (see README.md here); rerun this after
# changing a program, and review the diff before committing it.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
OUT=${1:-$HERE}
BUILD=$ROOT/build/trace
SAMPLES=$ROOT/build/preload/samples
CHECK="perl $HERE/../tracecheck.pl"
SET=socket,socketpair,bind,listen,accept,accept4,connect,shutdown,getsockname,getpeername,getsockopt,setsockopt,sendto,recvfrom,sendmsg,recvmsg,sendmmsg,recvmmsg,read,write,readv,writev,close,poll,ppoll,pselect6,select,epoll_create,epoll_create1,epoll_ctl,epoll_wait,epoll_pwait,dup,dup2,dup3,fcntl,close_range,ioctl

mkdir -p "$BUILD" "$OUT"
cc -O2 -g -Wall -Wextra -Werror -U_FORTIFY_SOURCE "$HERE/../progs/calls.c" -o "$BUILD/calls"
tmp=$(mktemp -d /tmp/sockshim-golden.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# calls.c: the one sendto it makes with a NULL address is kept as sendto
keep=(--keep 'sendto(4, "tab')
(cd "$tmp" && strace -qq -yy -e trace="$SET" -o "$tmp/calls" "$BUILD/calls")
$CHECK from-strace "${keep[@]}" "$tmp/calls" >"$OUT/calls.txt"
$CHECK from-strace --yy "${keep[@]}" "$tmp/calls" >"$OUT/calls-yy.txt"
(cd "$tmp" && strace -qq -yy -s 8 -e trace="$SET" -o "$tmp/calls8" "$BUILD/calls")
$CHECK from-strace "${keep[@]}" "$tmp/calls8" >"$OUT/calls-s8.txt"

# echod_unix + echo_unix, one line
printf 'hello, sockshim\n' >"$tmp/in"
(cd "$tmp" && timeout 30 strace -qq -yy -e trace="$SET" -o "$tmp/srv" "$SAMPLES/echod_unix" e.sock 1 \
	</dev/null >"$tmp/srv.out" 2>&1) &
srv=$!
for _ in $(seq 100); do [ -S "$tmp/e.sock" ] && break; sleep 0.05; done
(cd "$tmp" && timeout 30 strace -qq -yy -e trace="$SET" -o "$tmp/cli" "$SAMPLES/echo_unix" e.sock \
	<"$tmp/in" >"$tmp/cli.out")
wait "$srv"
$CHECK from-strace "$tmp/srv" >"$OUT/echod_unix.txt"
$CHECK from-strace "$tmp/cli" >"$OUT/echo_unix.txt"

# ruptime against ruptimed; the uptime text it receives varies: UPTIME, N
(cd "$tmp" && timeout 30 "$SAMPLES/ruptimed" 127.0.0.1 1 </dev/null >"$tmp/rsrv.out" 2>&1) &
srv=$!
for _ in $(seq 100); do port=$(head -1 "$tmp/rsrv.out" 2>/dev/null); [ -n "$port" ] && break; sleep 0.05; done
(cd "$tmp" && timeout 30 strace -qq -yy -e trace="$SET" -o "$tmp/rcli" "$SAMPLES/ruptime" 127.0.0.1 "$port" >/dev/null)
wait "$srv"
$CHECK from-strace "$tmp/rcli" |
	sed -E 's/^recv\(3, ".*"(\.\.\.)?, /recv(3, UPTIME, /; s/^(recv\(3, UPTIME, [0-9]+, 0\)) = [1-9][0-9]*$/\1 = N/' \
	>"$OUT/ruptime.txt"
wc -l "$OUT"/*.txt
