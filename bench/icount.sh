#!/usr/bin/env bash
# Instructions per call (callgrind), glibc and sockshim side by side, as a
# Markdown table (part of `make bench`). Instruction counts are
# deterministic where wall time on this VM is not: each case runs
# bench/icount.c twice under valgrind --tool=callgrind, with N calls and
# with 0 calls (the set-up, a first call that fills caches, and the process
# start are in both), and the difference of the program totals divided by N
# is the cost of one call, library code and the user-space part of its
# system calls included (the kernel's work is not counted).
#
# Cases (bench/icount.c): getaddrinfo("localhost", "80", SOCK_STREAM) and
# getnameinfo(127.0.0.1:80, NI_NAMEREQD) from /etc/hosts and /etc/services;
# a 1-byte send + recv on a socketpair (the pair), for glibc, sockshim
# untraced, sockshim recording (SOCKSHIM_RECORD) and sockshim writing live
# text (SOCKSHIM_TRACE=text to a file). Run inside bench/netns.sh's
# namespace by `make bench`, so /etc/hosts is the bench's own.
#
# Environment: ICOUNT_N=1000 (calls per measured run), SOCKSHIM_LIBDIR=dir
# (default target/release), BENCH_NO_CARGO=1, CC=cc.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=$root/build/bench
libdir=${SOCKSHIM_LIBDIR:-$root/target/release}
n=${ICOUNT_N:-1000}
cc=${CC:-cc}
mkdir -p "$out"
command -v valgrind >/dev/null || {
	echo "bench/icount.sh: valgrind is missing (make deps installs it)" >&2
	exit 1
}
if [[ ${BENCH_NO_CARGO:-0} == 0 && -z ${SOCKSHIM_LIBDIR:-} ]]; then
	(cd "$root" && cargo build --release --quiet) >&2
fi
[[ -e $libdir/libsockshim.so.0 ]] || ln -sf libsockshim.so "$libdir/libsockshim.so.0"
"$cc" -O2 -g -o "$out/icount" "$root/bench/icount.c" -L"$libdir" -Wl,--no-as-needed -lsockshim \
	-Wl,-rpath,"$libdir" -ldl
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# total ENV... -- ARGS: callgrind's program total for one run of icount
total() {
	local envs=()
	while [[ $1 != -- ]]; do envs+=("$1"); shift; done
	shift
	env "${envs[@]+"${envs[@]}"}" valgrind --tool=callgrind --callgrind-out-file="$scratch/cg" \
		"$out/icount" "$@" >/dev/null 2>"$scratch/err" || {
		echo "bench/icount.sh: icount $* failed: $(tail -3 "$scratch/err")" >&2
		exit 1
	}
	callgrind_annotate "$scratch/cg" 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1; exit }'
}
# per_call ENV... -- IMPL CASE: instructions per call
per_call() {
	local envs=()
	while [[ $1 != -- ]]; do envs+=("$1"); shift; done
	shift
	local a z
	a=$(total "${envs[@]+"${envs[@]}"}" -- "$@" 0)
	z=$(total "${envs[@]+"${envs[@]}"}" -- "$@" "$n")
	echo $(((z - a) / n))
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

echo "## Instructions per call (callgrind)"
echo
echo "valgrind $(valgrind --version | sed 's/^valgrind-//'), $n calls a run, the difference of a run of $n and a run of 0;" \
	"sockshim $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')."
echo
echo "| case | glibc | sockshim | sockshim / glibc | target |"
echo "|---|---:|---:|---:|---|"
g=$(per_call -- glibc gai)
s=$(per_call -- ours gai)
echo "| getaddrinfo(\"localhost\", \"80\") | $g | $s | $(ratio "$s" "$g") | ≤ 2,000 and ≤ 0.33 |"
g=$(per_call -- glibc gni)
s=$(per_call -- ours gni)
echo "| getnameinfo(127.0.0.1:80, NI_NAMEREQD) | $g | $s | $(ratio "$s" "$g") | ≤ 0.33 |"
g=$(per_call -- glibc sendrecv)
u=$(per_call -- ours sendrecv)
echo "| 1-byte send + recv (a pair), untraced | $g | $u | $(ratio "$u" "$g") | |"
mkdir -p "$scratch/rec"
r=$(per_call "SOCKSHIM_RECORD=$scratch/rec/r.%p" -- ours sendrecv)
echo "| the pair, recording: extra per call | | $(((r - u) / 2)) | | ≤ 300 |"
t=$(per_call SOCKSHIM_TRACE=text "SOCKSHIM_TRACE_FILE=$scratch/txt.%p" -- ours sendrecv)
echo "| the pair, live text to a file: extra per call | | $(((t - u) / 2)) | | |"
echo
