#!/usr/bin/env bash
# Runs sockshim's sample programs (APUE-style clients and servers) against
# each other on loopback and proves their socket calls went through
# sockshim.  Prints TAP for prove(1).
#
# usage: SAMPLE_MODE=so|a|preload [SAMPLE_PRELOAD=/path/libsockshim.so] \
#            bash c-tests/samples/run.sh BINDIR
#
#   BINDIR          holds the built samples, named as their sources minus .c
#   SAMPLE_MODE     so      - samples linked with -lsockshim
#                   a       - samples linked with libsockshim.a
#                   preload - samples linked with glibc only; they are run
#                             with LD_PRELOAD=$SAMPLE_PRELOAD (and only they:
#                             the shell utilities here never see it)
#                   glibc   - (or unset) plain glibc, proof tests skipped
#   SAMPLE_TIMEOUT  seconds any single client may run (default 20)
#
# Needs no root and no fixed port: servers bind port 0 (or a path in a
# mktemp directory) and print what they got as their first line.  Every
# process runs under timeout(1); servers are terminated and temporary files
# removed on exit, whatever happens.

set -u

if [ $# -ne 1 ] || [ ! -d "$1" ]; then
	echo "usage: SAMPLE_MODE=so|a|preload bash $0 BINDIR" >&2
	exit 2
fi
BINDIR=$(cd "$1" && pwd)
MODE=${SAMPLE_MODE:-glibc}
CTIME=${SAMPLE_TIMEOUT:-20}	# per client
STIME=$((CTIME * 6))		# per server (it outlives several clients)

PLAN=29
echo "1..$PLAN"

bail() { echo "Bail out! $*"; exit 1; }

penv=()
case $MODE in
so|a|glibc) ;;
preload)
	[ -n "${SAMPLE_PRELOAD:-}" ] || bail "SAMPLE_MODE=preload needs SAMPLE_PRELOAD"
	[ -f "$SAMPLE_PRELOAD" ] || bail "SAMPLE_PRELOAD=$SAMPLE_PRELOAD: no such file"
	SAMPLE_PRELOAD=$(cd "$(dirname "$SAMPLE_PRELOAD")" && pwd)/$(basename "$SAMPLE_PRELOAD")
	penv=("LD_PRELOAD=$SAMPLE_PRELOAD")
	;;
*) bail "unknown SAMPLE_MODE '$MODE' (want so, a or preload)" ;;
esac

for tool in timeout pkill awk cmp nm readelf mktemp; do
	command -v "$tool" >/dev/null 2>&1 || bail "needs $tool"
done

SAMPLES="ruptimed ruptime ruptimed_udp ruptime_udp echod_poll echo_client
         echod6 echo6 echod_unix echo_unix"
for p in $SAMPLES; do
	[ -x "$BINDIR/$p" ] || bail "$BINDIR/$p missing or not executable"
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sockshim-samples.XXXXXX") || bail "mktemp failed"
if [ ${#tmp} -gt 80 ]; then	# keep Unix socket paths well under 108 bytes
	rm -rf "$tmp"
	tmp=$(mktemp -d /tmp/sockshim-samples.XXXXXX) || bail "mktemp failed"
fi

# pids of the timeout(1) processes wrapping background servers
pids=()

# stop_server PID: PID is a timeout(1) process wrapping a server.  The
# server itself gets the SIGTERM: a timeout(1) that has only just forked
# may not be ready to relay signals yet (it then dies of the SIGTERM and
# leaves its child running), so it is not relied on for that.
stop_server() {
	pkill -TERM -P "$1" 2>/dev/null
	kill -0 "$1" 2>/dev/null || return 0
	sleep 0.2
	kill -0 "$1" 2>/dev/null && kill -TERM "$1" 2>/dev/null
	return 0
}

cleanup() {
	local p i alive
	trap - EXIT INT TERM HUP
	for p in "${pids[@]+"${pids[@]}"}"; do
		kill -0 "$p" 2>/dev/null && pkill -TERM -P "$p" 2>/dev/null
	done
	for i in $(seq 50); do
		alive=0
		for p in "${pids[@]+"${pids[@]}"}"; do
			kill -0 "$p" 2>/dev/null && alive=1
		done
		[ $alive = 0 ] && break
		sleep 0.1
	done
	for p in "${pids[@]+"${pids[@]}"}"; do
		if kill -0 "$p" 2>/dev/null; then
			pkill -KILL -P "$p" 2>/dev/null
			kill -KILL "$p" 2>/dev/null
		fi
	done
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- TAP -------------------------------------------------------------
# shellcheck source=../tap.sh
. "$(dirname "${BASH_SOURCE[0]}")/../tap.sh"

# ---- running samples ---------------------------------------------------
# Samples run as: timeout -k 2 SECS env [LD_PRELOAD=...] [VAR=...] BINDIR/prog
# so LD_PRELOAD and LD_DEBUG reach the sample and nothing else.

# run_client SECS IN OUT ERR prog args... (foreground; status in $?)
run_client() {
	local secs=$1 in=$2 out=$3 err=$4
	shift 4
	local prog=$1
	shift
	timeout -k 2 "$secs" env "${penv[@]+"${penv[@]}"}" "${xenv[@]+"${xenv[@]}"}" \
		"$BINDIR/$prog" "$@" <"$in" >"$out" 2>"$err"
}
xenv=()

# start_server NAME prog args...
# Starts a server in the background with stdout in $tmp/NAME.out and waits
# for its first line.  Sets SRV_PID (the timeout process) and SRV_LINE.
# Returns nonzero if the server died or said nothing within 10 seconds.
start_server() {
	local name=$1 prog=$2 i
	shift 2
	SRV_LINE=
	timeout -k 2 "$STIME" env "${penv[@]+"${penv[@]}"}" "${xenv[@]+"${xenv[@]}"}" \
		"$BINDIR/$prog" "$@" </dev/null >"$tmp/$name.out" 2>"$tmp/$name.err" &
	SRV_PID=$!
	pids+=("$SRV_PID")
	for i in $(seq 100); do
		# read succeeds only once a whole line is there
		if { IFS= read -r SRV_LINE <"$tmp/$name.out"; } 2>/dev/null; then
			return 0
		fi
		kill -0 "$SRV_PID" 2>/dev/null || break
		sleep 0.1
	done
	SRV_LINE=
	return 1
}

# wait_server PID SECS: wait for a server to exit by itself; sets SRV_RC.
# Returns 1 (after killing it) if it is still running after SECS seconds.
wait_server() {
	local pid=$1 secs=$2 i
	for i in $(seq $((secs * 10))); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		stop_server "$pid"
		wait "$pid" 2>/dev/null
		SRV_RC=running
		return 1
	fi
	wait "$pid"
	SRV_RC=$?
	return 0
}

is_port() { case $1 in ''|*[!0-9]*) return 1 ;; esac; [ "$1" -ge 1 ] && [ "$1" -le 65535 ]; }

# ---- test data -----------------------------------------------------------
# Inputs for the echo clients: short lines, an empty line, a line with a
# NUL byte, UTF-8, one line longer than 64 KiB (so reads and writes come in
# pieces) and a last line without a newline.  Each concurrent client gets
# different data, so crossed connections would show.
mkinput() {	# mkinput TAG LONGLEN FILE
	{
		printf 'hello from %s\n\n' "$1"
		printf 'tab\there, NUL\000inside, UTF-8 \342\234\223\n'
		awk -v tag="$1" -v len="$2" 'BEGIN {
			for (i = 1; i <= 50; i++) printf "%s line %d\n", tag, i
			s = tag ":"
			while (length(s) < len) s = s sprintf("%07d ", length(s))
			print s
			for (i = 51; i <= 60; i++) printf "%s line %d\n", tag, i
		}'
		printf 'last line of %s, no newline' "$1"
	} >"$3"
}
mkinput one 135000 "$tmp/in1"
mkinput two 70000 "$tmp/in2"
mkinput three 200000 "$tmp/in3"
: >"$tmp/empty"

# ---- 1-4: TCP ruptime ------------------------------------------------------
tcp_port=
if start_server ruptimed ruptimed 127.0.0.1 2 && is_port "$SRV_LINE"; then
	tcp_port=$SRV_LINE
	ok "ruptimed listens on 127.0.0.1 port $tcp_port"
else
	not_ok "ruptimed listens on 127.0.0.1 and reports its port"
	diagf "$tmp/ruptimed.out" "ruptimed stdout"; diagf "$tmp/ruptimed.err" "ruptimed stderr"
fi
srv=$SRV_PID
for k in 1 2; do
	if [ -z "$tcp_port" ]; then
		not_ok "ruptime #$k prints uptime output # no server"
		continue
	fi
	run_client "$CTIME" "$tmp/empty" "$tmp/ruptime$k.out" "$tmp/ruptime$k.err" \
		ruptime 127.0.0.1 "$tcp_port"
	rc=$?
	if [ $rc = 0 ] && grep -q 'load average' "$tmp/ruptime$k.out"; then
		ok "ruptime #$k prints uptime output"
	else
		not_ok "ruptime #$k prints uptime output (exit $rc)"
		diagf "$tmp/ruptime$k.out" "ruptime stdout"; diagf "$tmp/ruptime$k.err" "ruptime stderr"
	fi
done
wait_server "$srv" 10
check "$([ "$SRV_RC" = 0 ] && echo 0)" "ruptimed exits 0 by itself after 2 clients (status $SRV_RC)"
[ "$SRV_RC" = 0 ] || diagf "$tmp/ruptimed.err" "ruptimed stderr"

# ---- 5-9: UDP ruptime ------------------------------------------------------
udp_port=
if start_server ruptimed_udp ruptimed_udp 127.0.0.1 2 && is_port "$SRV_LINE"; then
	udp_port=$SRV_LINE
	ok "ruptimed_udp bound to 127.0.0.1 port $udp_port"
else
	not_ok "ruptimed_udp binds 127.0.0.1 and reports its port"
	diagf "$tmp/ruptimed_udp.out" "ruptimed_udp stdout"; diagf "$tmp/ruptimed_udp.err" "ruptimed_udp stderr"
fi
srv=$SRV_PID
for k in 1 2; do
	if [ -z "$udp_port" ]; then
		not_ok "ruptime_udp #$k gets a reply # no server"
		continue
	fi
	run_client "$CTIME" "$tmp/empty" "$tmp/ruptime_udp$k.out" "$tmp/ruptime_udp$k.err" \
		ruptime_udp 127.0.0.1 "$udp_port" 5
	rc=$?
	if [ $rc = 0 ] && [ -s "$tmp/ruptime_udp$k.out" ] &&
	   grep -q 'load average' "$tmp/ruptime_udp$k.out"; then
		ok "ruptime_udp #$k gets a non-empty uptime reply"
	else
		not_ok "ruptime_udp #$k gets a non-empty uptime reply (exit $rc)"
		diagf "$tmp/ruptime_udp$k.out" "ruptime_udp stdout"; diagf "$tmp/ruptime_udp$k.err" "ruptime_udp stderr"
	fi
done
wait_server "$srv" 10
check "$([ "$SRV_RC" = 0 ] && echo 0)" "ruptimed_udp exits 0 by itself after 2 requests (status $SRV_RC)"
[ "$SRV_RC" = 0 ] || diagf "$tmp/ruptimed_udp.err" "ruptimed_udp stderr"
# Nobody listens on the dead server's port now: the client's alarm must
# interrupt recvfrom (EINTR) and it must fail, not hang.
if [ -n "$udp_port" ]; then
	start=$SECONDS
	run_client 10 "$tmp/empty" "$tmp/udp_noreply.out" "$tmp/udp_noreply.err" \
		ruptime_udp 127.0.0.1 "$udp_port" 1
	rc=$?
	if [ $rc != 0 ] && [ $rc != 124 ] && [ $rc != 137 ] && grep -q 'no reply' "$tmp/udp_noreply.err"; then
		ok "ruptime_udp gives up after its timeout when nobody answers ($((SECONDS - start))s)"
	else
		not_ok "ruptime_udp gives up after its timeout when nobody answers (exit $rc)"
		diagf "$tmp/udp_noreply.err" "ruptime_udp stderr"
	fi
else
	not_ok "ruptime_udp gives up after its timeout when nobody answers # no port"
fi

# ---- 10-14: TCP echo, three concurrent clients, poll server -----------------
echo_port=
if start_server echod_poll echod_poll 127.0.0.1 3 && is_port "$SRV_LINE"; then
	echo_port=$SRV_LINE
	ok "echod_poll listens on 127.0.0.1 port $echo_port"
else
	not_ok "echod_poll listens on 127.0.0.1 and reports its port"
	diagf "$tmp/echod_poll.out" "echod_poll stdout"; diagf "$tmp/echod_poll.err" "echod_poll stderr"
fi
srv=$SRV_PID
cpids=()
for k in 1 2 3; do
	[ -n "$echo_port" ] || break
	run_client "$CTIME" "$tmp/in$k" "$tmp/echo$k.out" "$tmp/echo$k.err" \
		echo_client 127.0.0.1 "$echo_port" &
	cpids[$k]=$!
done
for k in 1 2 3; do
	size=$(wc -c <"$tmp/in$k")
	if [ -z "$echo_port" ]; then
		not_ok "echo_client #$k: $size bytes echoed byte for byte # no server"
		continue
	fi
	wait "${cpids[$k]}"
	rc=$?
	if [ $rc = 0 ] && cmp -s "$tmp/in$k" "$tmp/echo$k.out"; then
		ok "echo_client #$k (concurrent): $size bytes echoed byte for byte"
		diagf "$tmp/echo$k.err" "echo_client #$k says"
	else
		not_ok "echo_client #$k (concurrent): $size bytes echoed byte for byte (exit $rc)"
		diag "$(cmp "$tmp/in$k" "$tmp/echo$k.out" 2>&1)"
		diagf "$tmp/echo$k.err" "echo_client stderr"
	fi
done
wait_server "$srv" 10
check "$([ "$SRV_RC" = 0 ] && echo 0)" "echod_poll exits 0 by itself after 3 clients (status $SRV_RC)"
diagf "$tmp/echod_poll.err" "echod_poll says"

# ---- 15-17: IPv6 echo over ::1 --------------------------------------------
e6_port=
if start_server echod6 echod6 ::1 1 && is_port "$SRV_LINE"; then
	e6_port=$SRV_LINE
	ok "echod6 listens on ::1 port $e6_port"
else
	not_ok "echod6 listens on ::1 and reports its port"
	diagf "$tmp/echod6.out" "echod6 stdout"; diagf "$tmp/echod6.err" "echod6 stderr"
fi
srv=$SRV_PID
size=$(wc -c <"$tmp/in1")
if [ -n "$e6_port" ]; then
	run_client "$CTIME" "$tmp/in1" "$tmp/echo6.out" "$tmp/echo6.err" echo6 ::1 "$e6_port"
	rc=$?
	if [ $rc = 0 ] && cmp -s "$tmp/in1" "$tmp/echo6.out"; then
		ok "echo6: $size bytes echoed byte for byte over ::1"
	else
		not_ok "echo6: $size bytes echoed byte for byte over ::1 (exit $rc)"
		diag "$(cmp "$tmp/in1" "$tmp/echo6.out" 2>&1)"
		diagf "$tmp/echo6.err" "echo6 stderr"
	fi
else
	not_ok "echo6: $size bytes echoed byte for byte over ::1 # no server"
fi
wait_server "$srv" 10
if [ "$SRV_RC" = 0 ] && grep -q '^echod6: connection from \[::1\]:[0-9]' "$tmp/echod6.err"; then
	ok "echod6 saw the client as [::1] and exits 0 by itself"
else
	not_ok "echod6 saw the client as [::1] and exits 0 by itself (status $SRV_RC)"
	diagf "$tmp/echod6.err" "echod6 stderr"
fi

# ---- 18-20: Unix-domain stream echo ------------------------------------------
upath=$tmp/echo.sock
if start_server echod_unix echod_unix "$upath" 1 && [ "$SRV_LINE" = "$upath" ] && [ -S "$upath" ]; then
	ok "echod_unix listens on $upath (getsockname agrees)"
	ustarted=1
else
	not_ok "echod_unix listens on $upath and reports it (said '$SRV_LINE')"
	diagf "$tmp/echod_unix.err" "echod_unix stderr"
	ustarted=0
fi
srv=$SRV_PID
size=$(wc -c <"$tmp/in2")
if [ $ustarted = 1 ]; then
	run_client "$CTIME" "$tmp/in2" "$tmp/echo_unix.out" "$tmp/echo_unix.err" echo_unix "$upath"
	rc=$?
	if [ $rc = 0 ] && cmp -s "$tmp/in2" "$tmp/echo_unix.out"; then
		ok "echo_unix: $size bytes echoed byte for byte"
	else
		not_ok "echo_unix: $size bytes echoed byte for byte (exit $rc)"
		diag "$(cmp "$tmp/in2" "$tmp/echo_unix.out" 2>&1)"
		diagf "$tmp/echo_unix.err" "echo_unix stderr"
	fi
else
	not_ok "echo_unix: $size bytes echoed byte for byte # no server"
fi
wait_server "$srv" 10
if [ "$SRV_RC" = 0 ] && [ ! -e "$upath" ]; then
	ok "echod_unix exits 0 by itself and removes its socket"
else
	not_ok "echod_unix exits 0 by itself and removes its socket (status $SRV_RC)"
	diagf "$tmp/echod_unix.err" "echod_unix stderr"
fi

# ---- 21: connect failure -------------------------------------------------------
# ruptimed has exited, so its port refuses connections: connect_retry gives
# up after a few attempts and ruptime must fail (not hang, not succeed).
if [ -n "$tcp_port" ]; then
	start=$SECONDS
	run_client "$CTIME" "$tmp/empty" "$tmp/refused.out" "$tmp/refused.err" \
		ruptime 127.0.0.1 "$tcp_port"
	rc=$?
	if [ $rc != 0 ] && [ $rc != 124 ] && [ $rc != 137 ] && grep -q "can't connect" "$tmp/refused.err"; then
		ok "ruptime fails when nothing listens ($((SECONDS - start))s, exit $rc)"
	else
		not_ok "ruptime fails when nothing listens (exit $rc)"
		diagf "$tmp/refused.err" "ruptime stderr"
	fi
else
	not_ok "ruptime fails when nothing listens # no port"
fi

# ---- 22-26: every server exits promptly on SIGTERM ------------------------------
for spec in "ruptimed 127.0.0.1" "ruptimed_udp 127.0.0.1" "echod_poll 127.0.0.1" \
            "echod6 ::1" "echod_unix $tmp/term.sock"; do
	set -- $spec
	prog=$1 arg=$2
	if ! start_server "term_$prog" "$prog" "$arg" 0; then
		not_ok "$prog exits on SIGTERM # did not start"
		diagf "$tmp/term_$prog.err" "$prog stderr"
		continue
	fi
	pkill -TERM -P "$SRV_PID"	# the server, child of timeout(1)
	wait_server "$SRV_PID" 5
	if [ "$SRV_RC" = 0 ] && { [ "$prog" != echod_unix ] || [ ! -e "$arg" ]; }; then
		if [ "$prog" = echod_unix ]; then
			ok "$prog exits 0 on SIGTERM and removes its socket"
		else
			ok "$prog exits 0 on SIGTERM"
		fi
	else
		not_ok "$prog exits 0 on SIGTERM (status $SRV_RC)"
		diagf "$tmp/term_$prog.err" "$prog stderr"
	fi
done

# ---- 27-29: the calls really went through sockshim ------------------------------
SRV_SYMS="socket setsockopt bind listen getsockname accept send close"
CLI_SYMS="socket connect recv close"

# bound_to_sockshim DEBUGFILE-PREFIX PROG SYMS...: check LD_DEBUG=bindings
# output of PROG shows every SYM bound to libsockshim.
bound_to_sockshim() {
	local prefix=$1 prog=$2 sym line bad=
	shift 2
	cat "$prefix".* 2>/dev/null | grep "binding file [^ ]*/$prog \[" >"$prefix.all"
	for sym in "$@"; do
		line=$(grep -m1 "normal symbol \`$sym'" "$prefix.all")
		case $line in
		*" to "*libsockshim*) ;;
		"") bad="$bad $sym(no binding seen)" ;;
		*) bad="$bad $sym(${line#* to })" ;;
		esac
	done
	if [ -z "$bad" ]; then
		return 0
	fi
	diag "not bound to libsockshim:$bad"
	return 1
}

case $MODE in
so|preload)
	if [ "$MODE" = so ]; then
		missing=
		for p in $SAMPLES; do
			readelf -d "$BINDIR/$p" 2>/dev/null | grep -q 'NEEDED.*libsockshim' || missing="$missing $p"
		done
		check "$([ -z "$missing" ] && echo 0)" "every sample has DT_NEEDED libsockshim${missing:+ (missing:$missing)}"
	else
		missing=
		for sym in socket connect bind listen accept send recv sendto recvfrom getsockname setsockopt; do
			nm -D --defined-only "$SAMPLE_PRELOAD" 2>/dev/null | grep -qE " [TW] $sym(@.*)?\$" || missing="$missing $sym"
		done
		check "$([ -z "$missing" ] && echo 0)" "$SAMPLE_PRELOAD exports the socket API${missing:+ (missing:$missing)}"
	fi
	xenv=(LD_DEBUG=bindings "LD_DEBUG_OUTPUT=$tmp/ld.srv")
	if start_server proof_srv ruptimed 127.0.0.1 1 && is_port "$SRV_LINE"; then
		srv=$SRV_PID
		xenv=(LD_DEBUG=bindings "LD_DEBUG_OUTPUT=$tmp/ld.cli")
		run_client "$CTIME" "$tmp/empty" "$tmp/proof_cli.out" "$tmp/proof_cli.err" \
			ruptime 127.0.0.1 "$SRV_LINE"
		rc=$?
		xenv=()
		wait_server "$srv" 10
		bound_to_sockshim "$tmp/ld.srv" ruptimed $SRV_SYMS
		check $? "ruptimed binds $SRV_SYMS to libsockshim (LD_DEBUG=bindings)"
		if [ $rc = 0 ]; then
			bound_to_sockshim "$tmp/ld.cli" ruptime $CLI_SYMS
			check $? "ruptime binds $CLI_SYMS to libsockshim (LD_DEBUG=bindings)"
		else
			not_ok "ruptime binds $CLI_SYMS to libsockshim (client failed, exit $rc)"
			diagf "$tmp/proof_cli.err" "ruptime stderr"
		fi
	else
		xenv=()
		not_ok "ruptimed binds $SRV_SYMS to libsockshim # server did not start"
		not_ok "ruptime binds $CLI_SYMS to libsockshim # server did not start"
	fi
	;;
a)
	# Statically linked: the samples must define the socket API themselves
	# and import none of it from libc.
	bad=
	for p in $SAMPLES; do
		if nm -D --undefined-only "$BINDIR/$p" 2>/dev/null |
		   grep -qE " (socket|connect|bind|listen|accept|send|recv|sendto|recvfrom|getsockname|setsockopt|shutdown|poll|select)(@.*)?\$"; then
			bad="$bad $p"
		fi
	done
	check "$([ -z "$bad" ] && echo 0)" "no sample imports socket calls from a shared library${bad:+ (importing:$bad)}"
	for pair in "ruptimed:$SRV_SYMS" "ruptime:$CLI_SYMS"; do
		p=${pair%%:*}
		missing=
		for sym in ${pair#*:}; do
			nm "$BINDIR/$p" 2>/dev/null | grep -qE " [TtWw] $sym\$" || missing="$missing $sym"
		done
		check "$([ -z "$missing" ] && echo 0)" "$p defines ${pair#*:} itself (nm: T)${missing:+ (missing:$missing)}"
	done
	;;
*)
	skip "samples use sockshim" "SAMPLE_MODE=$MODE: nothing to prove"
	skip "ruptimed binds to libsockshim" "SAMPLE_MODE=$MODE"
	skip "ruptime binds to libsockshim" "SAMPLE_MODE=$MODE"
	;;
esac

[ "$n" = "$PLAN" ] || diag "ran $n tests but planned $PLAN"
[ "$failed" = 0 ] && [ "$n" = "$PLAN" ]
