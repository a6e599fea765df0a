#!/usr/bin/env bash
# Fault injection in the process (SOCKSHIM_INJECT, sockshim-trace -e
# inject=/fault=), as one TAP stream for prove:
#
#   prove --exec bash c-tests/trace/inject.sh    (or: bash c-tests/trace/inject.sh)
#
# Groups (INJECT_TESTS="retry short when delay resolve to reset bad output fork", default all):
#   retry   the seeds' connect_retry (echo_client, build/*/samples) against
#           a live echo server under -e inject=connect:error=ECONNREFUSED:when=1..2:
#           it connects on the third attempt; the trace shows two injected
#           refusals then success, 1 s and 2 s apart (connect_retry's
#           back-off, read from its source: sleep(1), sleep(2)); the same
#           with SOCKSHIM_INJECT only (no tracing): linked with the .so, with
#           the .a, and preloaded
#   short   %data:short=1 on both sides of echod_poll/echo_client: the bytes
#           come back exactly (cmp with the input), the client saw partial
#           sends (its own count, 0 without the rule); a naive client
#           (progs/injectee.c naive: one send, return ignored) loses all but
#           1 of its 64 bytes under send:short=1, and gets 64 back without it;
#           writev sendmsg readv recvmsg cut across iovecs (progs/injectee.c vec)
#   when    strace's when= (2, 2..4, 3+, 1+2, 2..9+3, none) by which of 10
#           setsockopt calls fail (expected lists written from strace(1)'s
#           definition, not from our output); errno is the injected one
#           only on injected calls (a canary stays otherwise); retval=;
#           fault= gives ENOSYS
#   delay   delay_enter=200ms and delay_exit=200ms: the call takes at least
#           200 ms (a lower bound only); send:rate=1m/s makes a 400000-byte
#           bulk transfer (progs/injectee.c bulk) last 0.39-2 s, all received
#   resolve getaddrinfo:error=EAI_AGAIN returns -3; gethostbyname_r and
#           gethostbyname:error=TRY_AGAIN as glibc when the DNS server does
#           not answer (_r: returns EAGAIN, *h_errnop TRY_AGAIN, errno EAGAIN,
#           *result NULL; non-_r: NULL, h_errno TRY_AGAIN); HOST_NOT_FOUND as
#           an answered NXDOMAIN (_r returns 0, errno 0); of "localhost",
#           which resolves without the rules; getaddrinfo:delay_enter=300ms
#   to      to=ADDR[:PORT] selects by peer: connect to the server's port
#           refused only when the rule names it (address, *:port, mapped
#           IPv6 form), send cut only on a socket whose peer matches;
#           fd=CLASS selects by socket class (tcp, unix, inet, inet6, ...);
#           of two rules for connect, the last one whose selector matches
#           applies, and a later rule without selectors hides the earlier
#   reset   recv:reset:when=1 on one end of a loopback TCP connection: that
#           recv fails with ECONNRESET and the other end's recv too (a real
#           RST); without the rule both say EAGAIN
#   bad     every bad rule form: exactly one stderr line naming
#           SOCKSHIM_INJECT and the bad part, and the program's normal
#           output and status; sockshim-trace refuses the same rules
#   output  JSON "injected":true on the injected line only; a recording
#           decodes with (INJECTED) on the same call
#   fork    a forked child keeps the rules and counts from zero; an exec'd
#           program reads them again (counts from zero)
#
# Needs cc, timeout, and make lib cli samples. Environment: SOCKSHIM_PRELOAD,
# SOCKSHIM_TRACE_CLI, INJECT_TIMEOUT=30 (seconds per program), INJECT_KEEP=1.

# shellcheck source-path=SCRIPTDIR
set -u

GROUPS_ON=" ${INJECT_TESTS:-retry short when delay resolve to reset bad output fork} "
TMO=${INJECT_TIMEOUT:-30}
# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

SAMPLES_P=$ROOT/build/preload/samples
SAMPLES_SO=$ROOT/build/so/samples
PROG=$BUILD/injectee
for f in "$LIB" "$CLI" "$SAMPLES_P/echo_client" "$SAMPLES_P/echod_poll" "$SAMPLES_SO/echo_client"; do
	[ -e "$f" ] || bail "$f missing (make lib cli samples)"
done
build_progs

tmp=$(mktemp -d)
SRV_PID=
cleanup() {
	[ -n "$SRV_PID" ] && kill "$SRV_PID" 2>/dev/null
	if [ "${INJECT_KEEP:-0}" = 1 ]; then echo "# kept $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

# pre VAR=value... -- PROG ARGS: PROG preloaded with the library, under timeout
pre() {
	local e=()
	while [ "$1" != -- ]; do e+=("$1"); shift; done
	shift
	# (timeout itself outside the library: env sets LD_PRELOAD for PROG only)
	timeout -k 2 "$TMO" env LD_PRELOAD="$LIB" "${e[@]}" "$@"
}

# start_echod NCLIENTS [VAR=value...]: echod_poll (preloaded) on 127.0.0.1;
# sets SRV_PID and PORT
start_echod() {
	local n=$1
	shift
	: >"$tmp/srv.out"
	pre "$@" -- "$SAMPLES_P/echod_poll" 127.0.0.1 "$n" >"$tmp/srv.out" 2>"$tmp/srv.err" &
	SRV_PID=$!
	local i
	for i in $(seq 50); do
		PORT=$(head -1 "$tmp/srv.out" 2>/dev/null)
		case $PORT in '' | *[!0-9]*) sleep 0.1 ;; *) return 0 ;; esac
	done
	diagf "$tmp/srv.err" "echod_poll stderr"
	return 1
}

stop_echod() {
	[ -n "$SRV_PID" ] && { kill "$SRV_PID" 2>/dev/null; wait "$SRV_PID" 2>/dev/null; }
	SRV_PID=
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# what `injectee vec` prints when nothing is cut
full="writev=9:abcdefghi sendmsg=9:abcdefghi readv=8:01234567 recvmsg=8:ABCDEFGH flags=0"

# ---- retry -------------------------------------------------------------------
if on retry; then
	seq 1 200 >"$tmp/in.txt"
	if start_echod 4; then
		t0=$(now_ms)
		timeout -k 2 "$TMO" "$CLI" -ttt -o "$tmp/retry.trace" -e trace=socket,connect,close \
			-e inject=connect:error=ECONNREFUSED:when=1..2 \
			"$SAMPLES_P/echo_client" 127.0.0.1 "$PORT" <"$tmp/in.txt" >"$tmp/retry.out" 2>"$tmp/retry.err"
		rc=$?
		t1=$(now_ms)
		if [ "$rc" = 0 ] && cmp -s "$tmp/in.txt" "$tmp/retry.out"; then
			ok "retry: connect_retry connects on the third attempt and echoes everything"
		else
			not_ok "retry: connect_retry connects on the third attempt ($(status_name "$rc"))"
			diagf "$tmp/retry.err" "echo_client stderr"
		fi
		# The connect lines in order: two injected refusals, then 0.
		grep '^[0-9.]* connect(' "$tmp/retry.trace" | sed 's/^[0-9.]* //; s/(.*) *= /() = /' >"$tmp/retry.connects"
		printf '%s\n' "connect() = -1 ECONNREFUSED (Connection refused) (INJECTED)" \
			"connect() = -1 ECONNREFUSED (Connection refused) (INJECTED)" "connect() = 0" >"$tmp/retry.want"
		if cmp -s "$tmp/retry.want" "$tmp/retry.connects"; then
			ok "retry: the trace shows two injected refusals, then success"
		else
			not_ok "retry: the trace shows two injected refusals, then success"
			diagf "$tmp/retry.trace" "trace" 20
		fi
		# connect_retry sleeps 1 s, then 2 s (c-tests/samples/apue.c).
		mapfile -t ts < <(grep ' connect(' "$tmp/retry.trace" | awk '{ printf "%.0f\n", $1 * 1000000 }')
		if [ "${#ts[@]}" = 3 ] && [ $((ts[1] - ts[0])) -ge 1000000 ] && [ $((ts[2] - ts[1])) -ge 2000000 ]; then
			ok "retry: the back-off is visible: attempts $((ts[1] - ts[0])) us and $((ts[2] - ts[1])) us apart (>= 1 s, >= 2 s)"
		else
			not_ok "retry: the back-off is visible in the trace (${ts[*]:-no times})"
		fi
		n_sock=$(grep -c ' socket(' "$tmp/retry.trace")
		n_close=$(grep -c ' close(' "$tmp/retry.trace")
		if [ "$n_sock" = 3 ] && [ "$n_close" -ge 3 ]; then
			ok "retry: a new socket per attempt, the refused ones closed (3 socket, $n_close close)"
		else
			not_ok "retry: a new socket per attempt ($n_sock socket, $n_close close)"
		fi
		# Untraced, injection only: linked (-lsockshim) and preloaded.
		for mode in so a preload; do
			if [ $mode = so ]; then
				bin=$SAMPLES_SO/echo_client
				run=(env SOCKSHIM_INJECT=connect:error=ECONNREFUSED:when=1..2 LD_LIBRARY_PATH="$(dirname "$LIB")")
			elif [ $mode = a ]; then
				bin=$ROOT/build/a/samples/echo_client
				run=(env SOCKSHIM_INJECT=connect:error=ECONNREFUSED:when=1..2)
			else
				bin=$SAMPLES_P/echo_client
				run=(env SOCKSHIM_INJECT=connect:error=ECONNREFUSED:when=1..2 LD_PRELOAD="$LIB")
			fi
			t0=$(now_ms)
			timeout -k 2 "$TMO" "${run[@]}" "$bin" 127.0.0.1 "$PORT" <"$tmp/in.txt" >"$tmp/retry.$mode.out" 2>"$tmp/retry.$mode.err"
			rc=$?
			dt=$(($(now_ms) - t0))
			if [ "$rc" = 0 ] && cmp -s "$tmp/in.txt" "$tmp/retry.$mode.out" && [ "$dt" -ge 3000 ]; then
				ok "retry ($mode, untraced): connected after the back-off (${dt} ms >= 3000) and echoed everything"
			else
				not_ok "retry ($mode, untraced): $(status_name "$rc"), ${dt} ms"
				diagf "$tmp/retry.$mode.err" "echo_client stderr"
			fi
		done
	else
		for i in 1 2 3 4 5 6 7; do not_ok "retry: no echo server"; done
	fi
	stop_echod
fi

# ---- short -------------------------------------------------------------------
if on short; then
	# Lines of 1..300 bytes; 600 lines.
	awk 'BEGIN { for (i = 1; i <= 600; i++) { s = ""; for (j = 0; j < i % 300 + 1; j++) s = s sprintf("%c", 97 + (i + j) % 26); print s } }' >"$tmp/short.in"
	if start_echod 2 SOCKSHIM_INJECT=%data:short=1; then
		pre SOCKSHIM_INJECT=%data:short=1 SOCKSHIM_TRACE=text SOCKSHIM_TRACE_FILE="$tmp/short.trace" \
			SOCKSHIM_TRACE_FILTER=send,recv -- "$SAMPLES_P/echo_client" 127.0.0.1 "$PORT" \
			<"$tmp/short.in" >"$tmp/short.out" 2>"$tmp/short.err"
		rc=$?
		if [ "$rc" = 0 ] && cmp -s "$tmp/short.in" "$tmp/short.out"; then
			ok "short: short=1 on both sides, the same bytes come back ($(wc -c <"$tmp/short.in") bytes)"
		else
			not_ok "short: short=1 on both sides, the same bytes come back ($(status_name "$rc"))"
			diagf "$tmp/short.err" "echo_client stderr"
		fi
		partial=$(sed -n 's/.* \([0-9]*\) partial sends$/\1/p' "$tmp/short.err")
		if [ "${partial:-0}" -gt 0 ]; then
			ok "short: the client's own count saw $partial partial sends"
		else
			not_ok "short: the client saw partial sends ('$(cat "$tmp/short.err")')"
		fi
		# Every send and recv moved at most 1 byte; the cut ones are marked.
		big=$(grep -cE '^(send|recv)\(.*\) += ([2-9]|[1-9][0-9]+)' "$tmp/short.trace")
		marked=$(grep -cE '^send\(3, ".*", ([2-9]|[1-9][0-9]+), .*\) += 1 \(INJECTED\)$' "$tmp/short.trace")
		if [ "$big" = 0 ] && [ "$marked" -gt 0 ]; then
			ok "short: no send or recv moved more than 1 byte; $marked cut sends marked (INJECTED)"
		else
			not_ok "short: $big calls moved more than 1 byte, $marked cut sends marked"
			diagf "$tmp/short.trace" "trace"
		fi
	else
		for i in 1 2 3; do not_ok "short: no echo server"; done
	fi
	stop_echod
	# The same server without the rule; a normal run of the sample shows no partial sends.
	if start_echod 3; then
		pre -- "$SAMPLES_P/echo_client" 127.0.0.1 "$PORT" <"$tmp/short.in" >"$tmp/plain.out" 2>"$tmp/plain.err"
		partial=$(sed -n 's/.* \([0-9]*\) partial sends$/\1/p' "$tmp/plain.err")
		if cmp -s "$tmp/short.in" "$tmp/plain.out" && [ "$partial" = 0 ]; then
			ok "short: without the rule, the same run has no partial sends"
		else
			not_ok "short: without the rule: partial='$partial'"
		fi
		got=$(pre -- "$PROG" naive 127.0.0.1 "$PORT" 2>"$tmp/naive.err")
		check "$([ "$got" = 64 ]; echo $?)" "short: the naive client gets its 64 bytes back without the rule (got '$got')"
		got=$(pre SOCKSHIM_INJECT=send:short=1 -- "$PROG" naive 127.0.0.1 "$PORT" 2>"$tmp/naive.err")
		check "$([ "$got" = 1 ]; echo $?)" "short: under send:short=1 the naive client loses 63 of 64 bytes (got '$got' back)"
	else
		for i in 1 2 3; do not_ok "short: no echo server"; done
	fi
	stop_echod
	# The scatter/gather calls: at most N bytes over several iovecs; the
	# caller's header gets the kernel's msg_flags back (0, was 0x7fff).
	got=$(pre -- "$PROG" vec)
	check "$([ "$got" = "$full" ]; echo $?)" "short: the iovec calls without a rule move everything (got '$got')"
	for sz in 5 2; do
		want="writev=$sz:$(head -c $sz <<<abcdefghi) sendmsg=$sz:$(head -c $sz <<<abcdefghi)"
		want="$want readv=$sz:$(head -c $sz <<<0123456789) recvmsg=$sz:$(head -c $sz <<<ABCDEFGHIJ) flags=0"
		got=$(pre SOCKSHIM_INJECT=writev,sendmsg,readv,recvmsg:short=$sz -- "$PROG" vec)
		check "$([ "$got" = "$want" ]; echo $?)" "short=$sz: writev sendmsg readv recvmsg move $sz bytes across iovecs (got '$got')"
	done
fi

# ---- when --------------------------------------------------------------------
# words N FAILING...: the expected output of `injectee calls N` when the
# listed calls (1-based) fail with EPERM
expect_words() {
	local n=$1 i w=() f
	shift
	for i in $(seq "$n"); do
		f=ok
		for j in "$@"; do [ "$i" = "$j" ] && f=${ERR:-EPERM}; done
		w+=("$f")
	done
	echo "${w[*]}"
}

if on when; then
	# strace(1): when=first..last+step; "first" alone is that call only,
	# "first+" every call from it, "first+step" every step-th from it.
	while read -r expr failing; do
		[ "$expr" = - ] && expr=
		# shellcheck disable=SC2086
		want=$(expect_words 10 $failing)
		got=$(pre SOCKSHIM_INJECT="setsockopt:error=EPERM${expr:+:when=$expr}" -- "$PROG" calls 10 2>"$tmp/when.err")
		if [ "$got" = "$want" ] && [ ! -s "$tmp/when.err" ]; then
			ok "when=${expr:-(none)}: calls $failing fail"
		else
			not_ok "when=${expr:-(none)}: want '$want', got '$got'"
			diagf "$tmp/when.err" "stderr"
		fi
	done <<-'EOF'
	2 2
	2..4 2 3 4
	3+ 3 4 5 6 7 8 9 10
	1+2 1 3 5 7 9
	2..9+3 2 5 8
	- 1 2 3 4 5 6 7 8 9 10
	EOF
	got=$(pre SOCKSHIM_INJECT=setsockopt:retval=7:when=2 -- "$PROG" calls 3)
	check "$([ "$got" = "ok r7 ok" ]; echo $?)" "retval=7: the second call returns 7, errno untouched (got '$got')"
	got=$(pre SOCKSHIM_INJECT=socket:error=EIO:when=5 -- "$PROG" calls 3)
	check "$([ "$got" = "ok ok ok" ]; echo $?)" "a rule for another function leaves the calls alone (got '$got')"
	got=$(timeout -k 2 "$TMO" "$CLI" -o "$tmp/fault.trace" -e fault=setsockopt:when=2 "$PROG" calls 3)
	check "$([ "$got" = "ok ENOSYS ok" ] && grep -q 'ENOSYS (Function not implemented) (INJECTED)$' "$tmp/fault.trace"; echo $?)" \
		"-e fault=setsockopt:when=2: ENOSYS, as strace's fault= (got '$got')"
fi

# ---- delay -------------------------------------------------------------------
if on delay; then
	for d in delay_enter delay_exit; do
		us=$(pre SOCKSHIM_INJECT="setsockopt:$d=200ms" -- "$PROG" time)
		check "$([ "${us:-0}" -ge 200000 ]; echo $?)" "$d=200ms: the call took ${us:-?} us (>= 200000)"
	done
	us=$(pre -- "$PROG" time)
	check "$([ "${us:-999999}" -lt 200000 ]; echo $?)" "without the rule the call takes ${us:-?} us (< 200000: the check above can fail)"
	# strace's marks (strace -e inject=close:delay_enter=1000 prints "= 0
	# (DELAYED)"; with retval= too "= 0 (INJECTED) (DELAYED)").
	timeout -k 2 "$TMO" "$CLI" -o "$tmp/delay.trace" -e trace=setsockopt -e inject=setsockopt:delay_enter=1ms "$PROG" time >/dev/null
	timeout -k 2 "$TMO" "$CLI" -o "$tmp/delay2.trace" -e trace=setsockopt -e inject=setsockopt:retval=0:delay_exit=1ms "$PROG" time >/dev/null
	check "$(grep -q '^setsockopt(.*) = 0 (DELAYED)$' "$tmp/delay.trace" && ! grep -q INJECTED "$tmp/delay.trace" &&
		grep -q '^setsockopt(.*) = 0 (INJECTED) (DELAYED)$' "$tmp/delay2.trace"; echo $?)" \
		"delay: the trace marks a delayed call (DELAYED), and one also given its result (INJECTED) (DELAYED), as strace"
	# rate=: 400000 bytes at 1 MB/s is 0.4 s of pauses at least; generous above.
	got=$(pre -- "$PROG" bulk 400000)
	ms=${got##*ms=}
	check "$([ "${got%% *}" = bytes=400000 ] && [ "$ms" -lt 390 ]; echo $?)" "rate: without the rule 400000 bytes take $ms ms (< 390)"
	got=$(pre SOCKSHIM_INJECT=send:rate=1m/s -- "$PROG" bulk 400000)
	ms=${got##*ms=}
	check "$([ "$got" = "bytes=400000 ms=$ms" ] && [ "$ms" -ge 390 ] && [ "$ms" -le 2000 ]; echo $?)" \
		"rate: send:rate=1m/s paces 400000 bytes to $ms ms (390..2000), all received"
fi

# ---- resolve -----------------------------------------------------------------
if on resolve; then
	got=$(pre -- "$PROG" resolve localhost | sed 's/ ms=.*//')
	check "$(case $got in 'gai=0 r=0 '*' res=1 hbn=ok '*) echo 0 ;; *) echo 1 ;; esac)" "resolve: localhost resolves without rules (got '$got')"
	got=$(pre "SOCKSHIM_INJECT=getaddrinfo:error=EAI_AGAIN;gethostbyname,gethostbyname_r:error=TRY_AGAIN" -- "$PROG" resolve localhost | sed 's/ ms=.*//')
	want="gai=-3 r=11 h=2 e=EAGAIN res=0 hbn=NULL h_errno=2"
	check "$([ "$got" = "$want" ]; echo $?)" "resolve: EAI_AGAIN from getaddrinfo, TRY_AGAIN from gethostbyname(_r) as glibc leaves it (got '$got')"
	got=$(pre SOCKSHIM_INJECT=gethostbyname,gethostbyname_r:error=HOST_NOT_FOUND -- "$PROG" resolve localhost | sed 's/ ms=.*//')
	want="gai=0 r=0 h=1 e=0 res=0 hbn=NULL h_errno=1"
	check "$([ "$got" = "$want" ]; echo $?)" "resolve: HOST_NOT_FOUND: _r returns 0 with *result NULL, errno 0 (got '$got')"
	ms=$(pre SOCKSHIM_INJECT=getaddrinfo:delay_enter=300ms -- "$PROG" resolve localhost | sed -n 's/.* ms=//p')
	check "$([ "${ms:-0}" -ge 300 ]; echo $?)" "resolve: getaddrinfo:delay_enter=300ms: the lookups took ${ms:-?} ms (>= 300)"
	timeout -k 2 "$TMO" "$CLI" -o "$tmp/res.trace" -e trace=getaddrinfo -e inject=getaddrinfo:error=EAI_AGAIN "$PROG" resolve localhost >/dev/null
	check "$(grep -q '^getaddrinfo("localhost", .*) = -3 EAI_AGAIN (Temporary failure in name resolution) (INJECTED)$' "$tmp/res.trace"; echo $?)" \
		"resolve: the trace shows getaddrinfo's injected EAI_AGAIN"
fi

# ---- to ----------------------------------------------------------------------
if on to; then
	if start_echod 20; then
		other=$((PORT == 65535 ? 65534 : PORT + 1))
		while read -r rule want; do
			rule=${rule//PORT/$PORT}
			rule=${rule//OTHER/$other}
			got=$(pre SOCKSHIM_INJECT="$rule" -- "$PROG" naive 127.0.0.1 "$PORT" 2>"$tmp/to.err")
			[ -z "$got" ] && grep -q 'Connection refused' "$tmp/to.err" && got=refused
			check "$([ "$got" = "$want" ]; echo $?)" "to: $rule gives $want (got '$got')"
		done <<-'EOF'
		connect:error=ECONNREFUSED:to=127.0.0.1:PORT refused
		connect:error=ECONNREFUSED:to=127.0.0.1:OTHER 64
		connect:error=ECONNREFUSED:to=127.0.0.2:PORT 64
		connect:error=ECONNREFUSED:to=*:PORT refused
		connect:error=ECONNREFUSED:to=127.0.0.1 refused
		connect:error=ECONNREFUSED:to=[::ffff:127.0.0.1]:PORT refused
		connect:error=ECONNREFUSED:to=[::1]:PORT 64
		send:short=1:to=127.0.0.1:PORT 1
		send:short=1:to=127.0.0.1:OTHER 64
		send:short=1:fd=tcp 1
		send:short=1:fd=unix,udp 64
		send:short=1:fd=inet 1
		send:short=1:fd=inet6 64
		connect:error=ECONNREFUSED:to=*:PORT;connect:delay_enter=1ms:to=*:OTHER refused
		connect:error=ECONNREFUSED:to=*:OTHER;connect:delay_enter=1ms:to=*:PORT 64
		connect:error=ECONNREFUSED:to=*:PORT;connect:delay_enter=1ms 64
		EOF
	else
		not_ok "to: no echo server"
	fi
	stop_echod
	got=$(pre SOCKSHIM_INJECT=writev,sendmsg,readv,recvmsg:short=5:fd=tcp -- "$PROG" vec)
	check "$([ "$got" = "$full" ]; echo $?)" "fd=tcp leaves a Unix socketpair alone (got '$got')"
	got=$(pre SOCKSHIM_INJECT=writev,sendmsg,readv,recvmsg:short=5:fd=unix -- "$PROG" vec)
	check "$([ "${got%% *}" = "writev=5:abcde" ]; echo $?)" "fd=unix cuts the socketpair's calls (got '$got')"
fi

# ---- reset -------------------------------------------------------------------
if on reset; then
	got=$(pre -- "$PROG" reset)
	check "$([ "$got" = "client=EAGAIN server=EAGAIN" ]; echo $?)" "reset: without the rule both ends have nothing to read (got '$got')"
	got=$(pre SOCKSHIM_INJECT=recv:reset:when=1 -- "$PROG" reset)
	check "$([ "$got" = "client=ECONNRESET server=ECONNRESET" ]; echo $?)" "reset: the injected end fails with ECONNRESET and the peer sees the reset (got '$got')"
fi

# ---- bad ---------------------------------------------------------------------
if on bad; then
	normal=$(pre -- "$PROG" calls 3)
	[ "$normal" = "ok ok ok" ] || bail "injectee calls 3 gives '$normal'"
	# RULES<TAB>the bad part the line must name
	while IFS=$'\t' read -r rules part; do
		got=$(pre SOCKSHIM_INJECT="$rules" -- "$PROG" calls 3 2>"$tmp/bad.err")
		rc=$?
		lines=$(wc -l <"$tmp/bad.err")
		if [ "$rc" = 0 ] && [ "$got" = "$normal" ] && [ "$lines" = 1 ] &&
			grep -qF "SOCKSHIM_INJECT: bad rule part '$part'" "$tmp/bad.err" &&
			grep -q 'fault injection is off$' "$tmp/bad.err"; then
			ok "bad rule '$rules': one line naming '$part', normal result"
		else
			not_ok "bad rule '$rules': exit $rc, output '$got', $lines stderr lines"
			diagf "$tmp/bad.err" "stderr"
		fi
	done <<-'EOF'
	setsockopt	setsockopt
	nosuch:error=EIO	nosuch
	%nosuch:error=EIO	%nosuch
	:error=EIO	:error=EIO
	setsockopt:error=EBOGUS	error=EBOGUS
	setsockopt:error=0	error=0
	setsockopt:error=EIO:retval=1	retval=1
	setsockopt:retval=-1	retval=-1
	setsockopt:error=EIO:when=0	when=0
	setsockopt:error=EIO:when=3..2	when=3..2
	setsockopt:error=EIO:when=1+0	when=1+0
	setsockopt:error=EIO:when=65535	when=65535
	setsockopt:error=EIO:when=1:when=2	when=2
	setsockopt:delay_enter=5m	delay_enter=5m
	setsockopt:delay_exit=90000s	delay_exit=90000s
	send:short=0	short=0
	send:rate=0	rate=0
	setsockopt:signal=SIGKILL	signal=SIGKILL
	setsockopt:error=EIO:	setsockopt:error=EIO:
	setsockopt:error=EIO;	(an empty rule)
	connect:error=EIO:to=host	to=host
	socket,recv:reset	reset
	send:short=1:fd=sctp	fd=sctp
	connect:error=EIO:to=*	to=*
	setsockopt:error=EAI_AGAIN	error=EAI_AGAIN
	getaddrinfo:error=EIO	error=EIO
	EOF
	# The command refuses them before starting the program.
	timeout -k 2 "$TMO" "$CLI" -e inject=setsockopt:when=0:error=EIO "$PROG" calls 1 >"$tmp/cli.out" 2>"$tmp/cli.err"
	rc=$?
	if [ "$rc" != 0 ] && [ ! -s "$tmp/cli.out" ] && grep -q "bad part 'when=0'" "$tmp/cli.err"; then
		ok "sockshim-trace -e inject= with a bad rule: a usage error naming it, the program not run"
	else
		not_ok "sockshim-trace -e inject= with a bad rule: exit $rc"
		diagf "$tmp/cli.err" "stderr"
	fi
fi

# ---- output ------------------------------------------------------------------
if on output; then
	timeout -k 2 "$TMO" "$CLI" --json -o "$tmp/j.json" -e trace=setsockopt \
		-e inject=setsockopt:error=EPERM:when=2 "$PROG" calls 3 >/dev/null 2>&1
	marks=$(grep -n '"injected":true' "$tmp/j.json" | cut -d: -f1 | tr '\n' ' ')
	second=$(sed -n 2p "$tmp/j.json")
	if [ "$marks" = "2 " ] && [ "$(wc -l <"$tmp/j.json")" = 3 ] && case $second in *'"errno":"EPERM"'*) true ;; *) false ;; esac; then
		ok "JSON: \"injected\":true on the second call only, with its errno"
	else
		not_ok "JSON: injected marks on lines '$marks'"
		diagf "$tmp/j.json" "json"
	fi
	timeout -k 2 "$TMO" "$CLI" --record "$tmp/rec" -e inject=setsockopt:error=EPERM:when=2 "$PROG" calls 3 >/dev/null 2>&1
	decode "$tmp/rec" "$tmp/rec.txt"
	mapfile -t lines < <(grep '^setsockopt(' "$tmp/rec.txt")
	if [ "${#lines[@]}" = 3 ] && case ${lines[1]} in *'= -1 EPERM (Operation not permitted) (INJECTED)') true ;; *) false ;; esac &&
		! grep -q INJECTED <<<"${lines[0]}${lines[2]}"; then
		ok "recording: decode marks the second call (INJECTED), the others not"
	else
		not_ok "recording: decoded lines"
		diagf "$tmp/rec.txt" "decode"
	fi
	timeout -k 2 "$TMO" "$CLI" -c -o "$tmp/c.txt" -e inject=setsockopt:error=EPERM:when=2..3 "$PROG" calls 5 >/dev/null 2>&1
	if awk '$NF == "setsockopt" && $4 == 5 && $5 == 2 { f = 1 } END { exit !f }' "$tmp/c.txt"; then
		ok "-c counts the injected errors (5 calls, 2 errors)"
	else
		not_ok "-c counts the injected errors"
		diagf "$tmp/c.txt" "-c table"
	fi
fi

# ---- fork --------------------------------------------------------------------
if on fork; then
	got=$(pre SOCKSHIM_INJECT=setsockopt:error=EPERM:when=1..2 -- "$PROG" fork | tr '\n' '|')
	want="first: EPERM|child: EPERM EPERM|parent: EPERM ok|"
	check "$([ "$got" = "$want" ]; echo $?)" "fork: the child keeps the rules and counts from zero; the parent goes on (got '$got')"
	got=$(pre SOCKSHIM_INJECT=setsockopt:error=EPERM:when=1..2 -- "$PROG" exec | tr '\n' '|')
	check "$([ "$got" = "EPERM|EPERM EPERM|" ]; echo $?)" "exec: the new program reads the rules again and counts from zero (got '$got')"
fi

tap_end
