#!/usr/bin/env bash
# The tracer must never harm a traced program that sandboxes itself, as
# OpenSSH's sshd pre-authentication child does (setrlimit(RLIMIT_FSIZE, 0),
# then a seccomp filter installed through glibc's prctl that kills the process
# on any system call not on its list).  One TAP stream for prove:
#
#   prove --exec bash c-tests/trace/sandbox.sh   (or: bash c-tests/trace/sandbox.sh)
#
# Needs: target/release/libsockshim.so, target/cli/release/sockshim-trace
# (built here if missing), cc; for the sshd group: root, unshare, nsenter, ip
# and Debian's openssh-server and openssh-client (installed with apt-get if
# sshd is missing).  Builds progs/sandbox.c into build/trace/.
#
# Groups (SANDBOX_TESTS="prog sshd", default both):
#   prog   progs/sandbox.c (modes kill: SECCOMP_RET_KILL_PROCESS, errno:
#          SECCOMP_RET_ERRNO(EPERM)) untraced, then traced: text to a file,
#          JSON, recording, text+recording, -yy, text on standard error (a
#          pipe), text with standard error a regular file, a recording that
#          has to grow inside the sandbox, and through sockshim-trace -o,
#          --record, -yy -o.  Each traced run: the same exit status (0; not
#          SIGSYS 159, not SIGXFSZ 153) and stdout as untraced; the trace holds
#          the calls made before the sandbox; at most one "sockshim: " line
#          on standard error.
#   sshd   /usr/sbin/sshd -D in a new network (and mount: a private /run/sshd)
#          namespace on 127.0.0.1:$SANDBOX_SSH_PORT with throwaway keys in the
#          scratch directory: ssh ... echo hello prints hello, and scp of a
#          4 MiB random file there and back is byte-identical; untraced
#          (the baseline), then under sockshim-trace -o FILE, --record FILE
#          (decode must exit 0) and -yy -o FILE: the same, and the trace has
#          the listener's accept() and the connection's own calls.  The ssh
#          and scp clients are never traced.
#
# Environment: SANDBOX_TIMEOUT=60 (seconds per program), SANDBOX_SSH_PORT=2222
# (inside the namespace only), SANDBOX_KEEP=1 keeps the scratch directory.
#
# Everything runs on Unix sockets or on loopback inside the private network
# namespace, under timeout(1); the scratch directory is removed at exit.

set -u

# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
GROUPS_ON=" ${SANDBOX_TESTS:-prog sshd} "
TMO=${SANDBOX_TIMEOUT:-60}
PORT=${SANDBOX_SSH_PORT:-2222}
BULK=30000	# round trips that fill a recording's first 8 MiB chunk


# ---- set-up ----------------------------------------------------------------
[ -f "$LIB" ] || bail "$LIB missing: run make lib"
for tool in timeout cc cmp grep sed awk mktemp; do
	command -v "$tool" >/dev/null 2>&1 || bail "needs $tool"
done

scratch sockshim-sandbox SANDBOX_KEEP

PROG=$BUILD/sandbox
build_progs
build_cli "$tmp/cli-build.log"

# prun DIR OUT ERR ERRKIND CMD...: runs CMD in DIR, stdin /dev/null, stdout
# through a pipe into OUT (the sandboxed program could not write a regular
# file), stderr through a pipe into ERR (ERRKIND pipe) or straight into the
# regular file ERR (ERRKIND file); no core files; status in $?
prun() {
	local dir=$1 out=$2 err=$3 kind=$4
	shift 4
	# (the subshell's own stderr, where bash reports a pipeline killed by
	# a signal, is dropped: the status says it)
	if [ "$kind" = file ]; then
		(cd "$dir" && ulimit -c 0 && set -o pipefail &&
			timeout -k 2 "$TMO" "$@" </dev/null 2>"$err" | cat >"$out") 2>/dev/null
	else
		(cd "$dir" && ulimit -c 0 && set -o pipefail &&
			{ timeout -k 2 "$TMO" "$@" </dev/null 2>&1 1>&3 3>&- | cat >"$err" 3>&-; } 3>&1 | cat >"$out") 2>/dev/null
	fi
}


# =============================================================================
# prog: progs/sandbox.c
# =============================================================================

# before_calls TRACE FORMAT: which of the calls made before the sandbox are
# missing from TRACE (text, as strace prints them, with or without -yy's
# <...> and -f's [pid N]; or json); prints the missing ones, status 1 if any
FD='[0-9]+(<[^,]*>)?'	# 3, or -yy's 3<UNIX-STREAM:[1->2]>
before_calls() {
	local t=$1 fmt=$2 want=() w missing=0 i
	if [ "$fmt" = json ]; then
		# one object a line
		want+=('"func":"socketpair".*"ret":0')
		for i in 0 1 2; do
			want+=("\"func\":\"send\".*\"buf\":\"before:$i\".*\"ret\":8")
			want+=("\"func\":\"recv\".*\"buf\":\"before:$i\".*\"ret\":8")
		done
		want+=('"func":"write".*"buf":"before:rw".*"ret":9' '"func":"read".*"buf":"before:rw".*"ret":9' '"func":"poll".*"ret":1')
	else
		want+=("^(\[pid +[0-9]+\] )?socketpair\(AF_UNIX, SOCK_STREAM, 0, \[$FD, $FD\]\) = 0")
		for i in 0 1 2; do
			want+=("^(\[pid +[0-9]+\] )?send\($FD, \"before:$i\", 8, 0\) += 8\$")
			want+=("^(\[pid +[0-9]+\] )?recv\($FD, \"before:$i\", 64, 0\) += 8\$")
		done
		want+=("^(\[pid +[0-9]+\] )?write\($FD, \"before:rw\", 9\) += 9\$"
			"^(\[pid +[0-9]+\] )?read\($FD, \"before:rw\", 64\) += 9\$"
			"^(\[pid +[0-9]+\] )?poll\(\[\{fd=$FD, events=POLLIN\}\], 1, 5000\) += 1 ")
	fi
	for w in "${want[@]}"; do
		grep -Eq -- "$w" "$t" 2>/dev/null || { echo "missing: $w"; missing=1; }
	done
	return $missing
}

# after_calls TRACE: how many of the sends made in the sandbox are in TRACE
after_calls() { grep -Ec '(send\(|"func":"send").*"after:' "$1" 2>/dev/null; }

prog_case() {	# prog_case MODE VARIANT
	local mode=$1 v=$2 d=$tmp/prog-$1-$2 rounds=0 errkind=pipe fmt=text t='' rec='' rc
	W=()
	mkdir -p "$d"
	local cmd=()
	case $v in
	text)        words text_env "$d/trace"; t=$d/trace ;;
	json)        words json_env "$d/trace.json"; t=$d/trace.json; fmt=json ;;
	record)      words record_env "$d/rec"; rec=$d/rec ;;
	text+record) words text_env "$d/trace"; local w=("${W[@]}"); words record_env "$d/rec"; W=("${w[@]}" "${W[@]}"); t=$d/trace; rec=$d/rec ;;
	yy)          words text_env "$d/trace" yy; t=$d/trace ;;
	stderr)      words text_env stderr; t=$d/err ;;
	errfile)     words text_env "$d/trace"; t=$d/trace; errkind='file' ;;
	record-grow) words record_env "$d/rec"; rec=$d/rec; rounds=$BULK ;;
	cli-o)       cmd=("$CLI" -o "$d/trace"); t=$d/trace ;;
	cli-record)  cmd=("$CLI" --record "$d/rec"); rec=$d/rec ;;
	cli-yy)      cmd=("$CLI" -yy -o "$d/trace"); t=$d/trace ;;
	esac
	if [ ${#cmd[@]} -gt 0 ]; then
		if [ ! -x "$CLI" ]; then
			skip "prog $mode $v" "no $CLI"
			return
		fi
		prun "$d" "$d/out" "$d/err" "$errkind" env SOCKSHIM_LIB="$LIB" "${cmd[@]}" "$PROG" "$mode" "$rounds"
	else
		prun "$d" "$d/out" "$d/err" "$errkind" env LD_PRELOAD="$LIB" "${W[@]}" "$PROG" "$mode" "$rounds"
	fi
	rc=$?
	local base=$tmp/prog-base-$mode-$rounds
	if [ "$rc" = "$(cat "$base.rc")" ] && cmp -s "$base.out" "$d/out"; then
		ok "prog $mode $v: exit status and stdout as untraced ($(status_name "$rc"), $(wc -l <"$d/out") lines)"
	else
		not_ok "prog $mode $v: exit status and stdout as untraced ($(status_name "$rc"); untraced: $(status_name "$(cat "$base.rc")"))"
		diag "stdout's last line: $(tail -n 1 "$d/out")"
		diff "$base.out" "$d/out" | head -8 | sed 's/^/#   /'
		diagf "$d/err" "stderr" 6
	fi

	local drc=0 note=
	if [ -n "$rec" ]; then
		if [ -n "$t" ]; then
			:	# text+record: the text is checked; the recording decodes
		else
			t=$d/dec
		fi
		decode "$rec" "$d/dec"
		drc=$?
		note=", decode $(status_name $drc)"
	fi
	local insends=$((6 + rounds))
	if [ $drc = 0 ] && before_calls "$t" "$fmt" >"$d/missing"; then
		ok "prog $mode $v: the trace has the calls made before the sandbox (and $(after_calls "$t") of the $insends sends in the sandbox$note)"
	else
		not_ok "prog $mode $v: the trace has the calls made before the sandbox${note:+ (${note#, })}"
		head -4 "$d/missing" | sed 's/^/#   /'
		diagf "$t" "trace (end)" 0
		tail -n 4 "$t" 2>/dev/null | sed 's/^/#   /'
		[ -n "$rec" ] && diagf "$d/dec.err" "decode stderr" 4
	fi
	if [ -n "$rec" ] && [ "$t" != "$d/dec" ]; then
		# text+record: the recording too
		if [ $drc = 0 ] && before_calls "$d/dec" text >"$d/missing.dec"; then
			ok "prog $mode $v: the recording has the calls made before the sandbox (and $(after_calls "$d/dec") of the $insends sends in the sandbox)"
		else
			not_ok "prog $mode $v: the recording has the calls made before the sandbox (decode $(status_name $drc))"
			head -4 "$d/missing.dec" | sed 's/^/#   /'
			diagf "$d/dec.err" "decode stderr" 4
		fi
	fi

	local nmsg
	nmsg=$(grep -c '^sockshim: ' "$d/err" 2>/dev/null)
	if [ "${nmsg:-0}" -le 1 ]; then
		ok "prog $mode $v: at most one \"sockshim: \" line on stderr (${nmsg:-0})"
	else
		not_ok "prog $mode $v: at most one \"sockshim: \" line on stderr ($nmsg)"
		grep '^sockshim: ' "$d/err" | head -5 | sed 's/^/#   /'
	fi
	[ "${nmsg:-0}" -ge 1 ] && diag "prog $mode $v: $(grep -m1 '^sockshim: ' "$d/err")"
	return 0
}

prog_group() {
	local mode rounds v
	for mode in kill errno; do
		for rounds in 0 $BULK; do
			local b=$tmp/prog-base-$mode-$rounds
			prun "$tmp" "$b.out" "$b.err" pipe "$PROG" "$mode" "$rounds"
			echo $? >"$b.rc"
			if [ "$(cat "$b.rc")" = 0 ] && grep -qx 'done 0' "$b.out"; then
				ok "prog $mode (rounds $rounds): untraced, sandbox exits 0 ($(wc -l <"$b.out") lines)"
			else
				not_ok "prog $mode (rounds $rounds): untraced, sandbox exits 0 ($(status_name "$(cat "$b.rc")"))"
				diagf "$b.out" "stdout"
				diagf "$b.err" "stderr"
			fi
		done
		for v in text json record text+record yy stderr errfile record-grow cli-o cli-record cli-yy; do
			prog_case "$mode" "$v"
		done
	done
	trap_report
}

# trap_report: not a test: the system calls the tracer makes inside the
# sandbox, as diagnostics.  sandbox trap makes each system call off its list
# fail with EPERM and notes it (SIGXFSZ ignored, so that a write past
# RLIMIT_FSIZE fails with EFBIG instead of killing it).
trap_report() {
	local v d rounds lines
	for v in text json record yy record-grow; do
		d=$tmp/trap-$v
		mkdir -p "$d"
		rounds=0
		case $v in
		text) words text_env "$d/trace" ;;
		json) words json_env "$d/trace" ;;
		record) words record_env "$d/rec" ;;
		yy) words text_env "$d/trace" yy ;;
		record-grow) words record_env "$d/rec"; rounds=$BULK ;;
		esac
		prun "$d" "$d/out" "$d/err" pipe bash -c 'trap "" XFSZ; exec "$@"' sandbox \
			env LD_PRELOAD="$LIB" "${W[@]}" "$PROG" trap "$rounds"
		local rc=$?
		lines=$(sed -n 's/^sandbox: trapped syscall [0-9]* (\(.*\))$/\1/p' "$d/err" | sort | uniq -c |
			sort -rn | awk '{ printf "%s%s x%s", (NR > 1 ? ", " : ""), $2, $1 }')
		diag "note: the tracer's system calls in the sandbox ($v, $(status_name $rc)): ${lines:-none}"
	done
}

# =============================================================================
# sshd
# =============================================================================
NSHOLD=	# pid of the process holding the network and mount namespaces

# in_ns CMD...: CMD in the namespaces
in_ns() { nsenter -t "$NSHOLD" -n -m -- "$@"; }

# the processes in our network namespace other than the holder (all started
# here, directly or by sshd)
ns_pids() {
	local me p ns
	me=$(readlink "/proc/$NSHOLD/ns/net" 2>/dev/null) || return 0
	for p in /proc/[0-9]*; do
		p=${p#/proc/}
		[ "$p" = "$NSHOLD" ] && continue
		ns=$(readlink "/proc/$p/ns/net" 2>/dev/null) || continue
		[ "$ns" = "$me" ] && echo "$p"
	done
}

ssh_setup() {	# the namespaces, keys, config; status 1 (and skips) if impossible
	local d=$1 why='' tool
	if [ "$(id -u)" != 0 ]; then why="needs root (network namespace, sshd)"; fi
	for tool in unshare nsenter ip; do
		[ -z "$why" ] && ! command -v "$tool" >/dev/null 2>&1 && why="needs $tool"
	done
	if [ -z "$why" ] && { [ ! -x /usr/sbin/sshd ] || ! command -v ssh >/dev/null || ! command -v scp >/dev/null; }; then
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssh-server openssh-client) \
			>"$tmp/apt.log" 2>&1
		if [ ! -x /usr/sbin/sshd ] || ! command -v ssh >/dev/null || ! command -v scp >/dev/null; then
			why="openssh-server/openssh-client not installable"
			tail -3 "$tmp/apt.log" | sed 's/^/#   /'
		fi
	fi
	if [ -n "$why" ]; then
		skip "sshd: the namespace and sshd set up" "$why"
		return 1
	fi
	diag "sshd: $(/usr/sbin/sshd -V 2>&1 | head -1); $(dpkg-query -W -f='openssh-server ${Version}' openssh-server 2>/dev/null)"
	mkdir -p "$d"
	if ! { ssh-keygen -q -t ed25519 -N '' -C sandbox-host -f "$d/host_key" >/dev/null 2>&1 &&
		ssh-keygen -q -t ed25519 -N '' -C sandbox-client -f "$d/id" >/dev/null 2>&1 &&
		cp "$d/id.pub" "$d/authorized_keys" &&
		head -c 4194304 /dev/urandom >"$d/blob"; }; then
		not_ok "sshd: keys and the 4 MiB file made"
		return 1
	fi
	cat >"$d/sshd_config" <<EOF
Port $PORT
ListenAddress 127.0.0.1
AddressFamily inet
HostKey $d/host_key
AuthorizedKeysFile $d/authorized_keys
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
UseDNS no
PidFile $d/sshd.pid
PrintMotd no
PrintLastLog no
LogLevel VERBOSE
Subsystem sftp internal-sftp
EOF
	# the holder: a new network namespace with lo up, a new mount namespace
	# with a tmpfs on /run holding the empty, root-owned /run/sshd sshd
	# needs (the host's /run is left alone)
	(exec timeout -k 2 600 unshare -n -m --propagation private -- sh -c \
		'ip link set lo up && mount -t tmpfs -o mode=755 sockshim-run /run && mkdir -m 755 /run/sshd &&
		 echo ready && exec sleep 600') </dev/null >"$d/ns.out" 2>"$d/ns.err" &
	local holder=$! i
	bgpids+=("$holder")
	for i in $(seq 100); do grep -q ready "$d/ns.out" 2>/dev/null && break; sleep 0.05; done
	# the timeout's child is the holder
	NSHOLD=$(ps -o pid= --ppid "$holder" 2>/dev/null | head -1 | tr -d ' ')
	if ! grep -q ready "$d/ns.out" || [ -z "$NSHOLD" ] ||
	   [ "$(readlink "/proc/$NSHOLD/ns/net")" = "$(readlink /proc/self/ns/net)" ]; then
		not_ok "sshd: a private network namespace with lo up"
		diagf "$d/ns.err" "unshare"
		return 1
	fi
	if ! in_ns /usr/sbin/sshd -t -f "$d/sshd_config" >"$d/t.err" 2>&1; then
		not_ok "sshd: sshd -t accepts the configuration"
		diagf "$d/t.err" "sshd -t"
		return 1
	fi
	ok "sshd: private network namespace (lo: $(in_ns ip -o -4 addr show lo | awk '{print $4}')), keys, config"
	return 0
}

SSHOPT=()
sshd_variant() {	# sshd_variant NAME [TRACER ARGS...]: sshd (traced by them)
	local name=$1 d=$tmp/ssh
	shift
	local v=$d/$name
	mkdir -p "$v"
	rm -f "$d/sshd.pid"
	(cd "$v" && exec timeout -k 2 100 nsenter -t "$NSHOLD" -n -m -- \
		"$@" /usr/sbin/sshd -D -e -f "$d/sshd_config") </dev/null >"$v/sshd.out" 2>"$v/sshd.log" &
	local spid=$! i up=0
	bgpids+=("$spid")
	for i in $(seq 100); do
		grep -q "Server listening on 127.0.0.1 port $PORT" "$v/sshd.log" 2>/dev/null && { up=1; break; }
		kill -0 "$spid" 2>/dev/null || break
		sleep 0.1
	done
	local what="sshd ${name}"
	if [ $up = 0 ]; then
		not_ok "$what: starts and listens on 127.0.0.1:$PORT"
		diagf "$v/sshd.log" "sshd log"
		kill -TERM -- "-$spid" 2>/dev/null
		wait "$spid" 2>/dev/null
		return 1
	fi

	in_ns timeout -k 2 30 ssh "${SSHOPT[@]}" -p "$PORT" root@127.0.0.1 echo hello </dev/null >"$v/hello" 2>"$v/ssh.err"
	local rc=$?
	if [ $rc = 0 ] && [ "$(cat "$v/hello")" = hello ]; then
		ok "$what: ssh root@127.0.0.1 echo hello prints hello"
	else
		not_ok "$what: ssh root@127.0.0.1 echo hello prints hello (ssh $(status_name $rc), printed: $(head -c 80 "$v/hello" | tr '\n' ' '))"
		grep -v '^Warning: Permanently added' "$v/ssh.err" | head -5 | sed 's/^/#   ssh: /'
	fi
	rm -f "$v/up" "$v/down"
	in_ns timeout -k 2 60 scp "${SSHOPT[@]}" -q -P "$PORT" "$d/blob" "root@127.0.0.1:$v/up" </dev/null >"$v/scp.out" 2>"$v/scp.err"
	local up_rc=$?
	in_ns timeout -k 2 60 scp "${SSHOPT[@]}" -q -P "$PORT" "root@127.0.0.1:$v/up" "$v/down" </dev/null >>"$v/scp.out" 2>>"$v/scp.err"
	local down_rc=$?
	if [ $up_rc = 0 ] && [ $down_rc = 0 ] && cmp -s "$d/blob" "$v/up" && cmp -s "$d/blob" "$v/down"; then
		ok "$what: scp of 4 MiB there and back, byte-identical"
	else
		not_ok "$what: scp of 4 MiB there and back, byte-identical (up: $(status_name $up_rc), $(stat -c %s "$v/up" 2>/dev/null || echo no) bytes; back: $(status_name $down_rc), $(stat -c %s "$v/down" 2>/dev/null || echo no) bytes)"
		grep -v '^Warning: Permanently added' "$v/scp.err" | head -5 | sed 's/^/#   /'
	fi

	# stop: sshd's process group, then whatever it started that left it
	# (sshd puts each connection in a session of its own) in our namespace
	local lpid
	lpid=$(cat "$d/sshd.pid" 2>/dev/null)
	kill -TERM -- "-$spid" 2>/dev/null
	for i in $(seq 50); do kill -0 "$spid" 2>/dev/null || break; sleep 0.1; done
	kill -KILL -- "-$spid" 2>/dev/null
	wait "$spid" 2>/dev/null
	local p left
	left=$(ns_pids)
	for p in $left; do kill -KILL "$p" 2>/dev/null; done
	[ -n "$left" ] && diag "$what: killed leftover processes in the namespace: $(echo "$left" | tr '\n' ' ')"

	if [ $rc != 0 ] || [ $up_rc != 0 ] || [ $down_rc != 0 ]; then
		# sshd's log, the same lines (ports aside) counted once
		sed -E 's/port [0-9]+ on/port N on/' "$v/sshd.log" | awk '{ c[$0]++; if (c[$0] == 1) o[++k] = $0 }
			END { for (i = 1; i <= k && i <= 12; i++) printf "#   sshd log: %s%s\n", o[i], (c[o[i]] > 1 ? " (x" c[o[i]] ")" : "") }'
	fi
	diag "$what: $(grep -c '^sockshim: ' "$v/sshd.log") \"sockshim: \" lines in sshd's log; listener pid ${lpid:-?}"
	return 0
}

# trace_checks NAME TRACE: the listener's accept and the connection's own
# calls (the server's identification string, written by the connection's
# process after sshd's re-exec, and calls of pids other than the listener's)
trace_checks() {
	local name=$1 t=$2 lpid
	lpid=$(cat "$tmp/ssh/sshd.pid" 2>/dev/null)
	local bad=0 why=
	grep -Eq "^(\[pid +${lpid:-[0-9]+}\] )?accept4?\([0-9]+" "$t" || { bad=1; why="no accept of the listener ${lpid:-?}"; }
	local others
	others=$(grep -Eo '^\[pid +[0-9]+\]' "$t" | tr -dc '0-9\n' | sort -u | grep -cvx "${lpid:-0}")
	[ "$others" -ge 1 ] || { bad=1; why="$why; no calls of a connection's process"; }
	grep -Eq '^(\[pid +[0-9]+\] )?(write|send)\([^,]*, "SSH-2\.0-OpenSSH' "$t" || { bad=1; why="$why; no write of sshd's SSH-2.0 banner"; }
	grep -Eq '^(\[pid +[0-9]+\] )?(read|recv|recvfrom)\(' "$t" || { bad=1; why="$why; no read/recv"; }
	if [ "$name" = yy ]; then
		grep -Eq "TCP:\[127\.0\.0\.1:$PORT->127\.0\.0\.1:[0-9]+\]" "$t" || { bad=1; why="$why; no -yy decoding of the connection (TCP:[127.0.0.1:$PORT->...])"; }
	fi
	if [ $bad = 0 ]; then
		ok "sshd $name: the trace has the listener's accept and the connections' calls ($(wc -l <"$t") lines, $others pids besides the listener)"
	else
		not_ok "sshd $name: the trace has the listener's accept and the connections' calls (${why#; })"
		diagf "$t" "trace" 8
	fi
}

sshd_group() {
	local d=$tmp/ssh
	ssh_setup "$d" || return 0
	SSHOPT=(-F /dev/null -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes
		-o IdentitiesOnly=yes -o ConnectTimeout=10 -o ServerAliveInterval=5 -i "$d/id")
	local t0=$SECONDS
	if ! sshd_variant untraced; then
		return 0
	fi
	if [ ! -x "$CLI" ]; then
		skip "sshd traced" "no $CLI"
		return 0
	fi
	sshd_variant text env SOCKSHIM_LIB="$LIB" "$CLI" -o "$d/text/trace" &&
		trace_checks text "$d/text/trace"
	if sshd_variant record env SOCKSHIM_LIB="$LIB" "$CLI" --record "$d/record/rec"; then
		decode "$d/record/rec" "$d/record/dec"
		local drc=$?
		if [ $drc = 0 ]; then
			ok "sshd record: sockshim-trace decode exits 0 ($(wc -l <"$d/record/dec") lines)"
		else
			not_ok "sshd record: sockshim-trace decode exits 0 ($(status_name $drc))"
			diagf "$d/record/dec.err" "decode stderr" 5
		fi
		trace_checks record "$d/record/dec"
	fi
	sshd_variant yy env SOCKSHIM_LIB="$LIB" "$CLI" -yy -o "$d/yy/trace" &&
		trace_checks yy "$d/yy/trace"
	diag "sshd group: $((SECONDS - t0)) s"
}

on prog && prog_group
on sshd && sshd_group

tap_end
