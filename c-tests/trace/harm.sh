#!/usr/bin/env bash
# The tracer never harms the traced program, as one TAP stream for prove:
#
#   prove --exec bash c-tests/trace/harm.sh      (or: bash c-tests/trace/harm.sh)
#
# Each case runs progs/harm.c untraced (the library preloaded, tracing off)
# and traced, in the modes text, json, record and all (text + record at
# once; text and JSON go to SOCKSHIM_TRACE_FILE), with trace outputs that
# cannot work, and compares: the exit status (never a signal: no 128+N), the
# program's stdout (every call's return value and errno, the descriptor
# numbers it got, counts), and stderr, which may hold besides the untraced
# stderr only lines starting "sockshim: ", at most one per output in use,
# and at least one where the case makes an output fail.  The program's
# stdout and stderr are pipes (RLIMIT_FSIZE never applies to them).
#
# Every untraced baseline is itself checked: exit 0, the number of lines
# its arguments make, ending "done MODE 0", and the same output without the
# library (glibc).
#
# Groups (HARM_TESTS="tmpfs fsize fifo devfull rodir symlink emfile closeall
# chdir many kill", default all):
#   tmpfs    trace file and recording in a 64 KiB tmpfs (unshare -m), empty
#            and filling during the run, or full from the start: no SIGBUS,
#            a recording left behind decodes
#   fsize    RLIMIT_FSIZE lowered to 0 or 4096 before or after the first
#            socket call: no SIGXFSZ, no EFBIG for the program
#   fifo     a FIFO as SOCKSHIM_TRACE_FILE: no reader (the program must not
#            block), a reader (every line arrives), a reader that exits
#            early (no SIGPIPE); a FIFO as SOCKSHIM_RECORD is refused
#   devfull  /dev/full as trace file (ENOSPC) and as recording (refused:
#            not a regular file)
#   rodir    both paths in a read-only bind mount
#   symlink  a symlink owned by another user as the path (not followed: the
#            victim stays byte-identical; a dangling one creates nothing); a
#            root-owned one is followed; an existing non-recording file named
#            as SOCKSHIM_RECORD stays byte-identical; an existing recording
#            named again is appended to
#   emfile   ulimit -n 16, open until EMFILE: a recording costs the program
#            no descriptor; text/json exactly one, the one at the top
#   closeall close_range(3, ~0U) raw (under the tracer) and through the
#            library: the program's new file gets no trace bytes
#   chdir    relative trace and recording paths, then chdir("/") and 2000
#            more round trips: the same files go on (the recording grows)
#   many     100 short processes recording to rec.%p: each recording
#            <= 64 KiB (size and disk use), all decode
#   kill     200 runs SIGKILLed 0-10 ms after the start: every recording
#            that exists decodes
#
# Needs root (unshare -m, mount, chown), timeout, cc, and
# target/release/libsockshim.so and target/cli/release/sockshim-trace
# (make lib cli).  Environment: SOCKSHIM_PRELOAD, SOCKSHIM_TRACE_CLI (the
# library and the command), HARM_TIMEOUT=30 (seconds per program),
# HARM_KEEP=1 keeps the scratch directory.

# shellcheck source-path=SCRIPTDIR
set -u

# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
HARM=$BUILD/harm
GROUPS_ON=" ${HARM_TESTS:-tmpfs fsize fifo devfull rodir symlink emfile closeall chdir many kill} "
TMO=${HARM_TIMEOUT:-30}
MODES="text json record all"


# ---- set-up ----------------------------------------------------------------
[ -f "$LIB" ] || bail "$LIB missing: run make lib"
[ -x "$CLI" ] || bail "$CLI missing: run make cli"
for tool in timeout cc unshare mount mkfifo cmp stat du awk grep sed mktemp; do
	command -v "$tool" >/dev/null 2>&1 || bail "needs $tool"
done
[ "$(id -u)" = 0 ] || bail "needs root (unshare -m, mount, chown)"

# No tracing variable of the caller's may reach the untraced runs.
unset SOCKSHIM_TRACE SOCKSHIM_TRACE_FILE SOCKSHIM_TRACE_TIME SOCKSHIM_TRACE_UTC_OFFSET \
	SOCKSHIM_TRACE_DURATION SOCKSHIM_TRACE_FDS SOCKSHIM_TRACE_STRSIZE SOCKSHIM_TRACE_FILTER \
	SOCKSHIM_TRACE_PIDS SOCKSHIM_RECORD SOCKSHIM_RECORD_PAYLOAD
# A program killed by SIGBUS or SIGXFSZ dumps no core into the scratch dir.
ulimit -c 0

scratch sockshim-harm HARM_KEEP

build_progs

# ---- running harm ----------------------------------------------------------
# HWRAP: a command that runs its arguments (unshare + mount, ulimit), put
# between timeout and the program; HSECS: the timeout (default $TMO);
# HGLIBC=1: without the library; HDESC: what HWRAP does, for test names.
HWRAP=()
HDESC=

# hrun DIR TAG ENVWORDS... -- ARGS...: harm ARGS with the library preloaded
# and the VAR=value words, in DIR, stdin /dev/null, stdout and stderr through
# pipes into DIR/TAG.out and DIR/TAG.err; the exit status in DIR/TAG.rc and $?
hrun() {
	local dir=$1 tag=$2 e=() pre rc
	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do e+=("$1"); shift; done
	shift
	pre=("LD_PRELOAD=$LIB")
	[ "${HGLIBC:-0}" = 1 ] && pre=(-u LD_PRELOAD)
	(
		cd "$dir" || exit 97
		timeout -k 2 "${HSECS:-$TMO}" "${HWRAP[@]+"${HWRAP[@]}"}" env "${pre[@]}" "${e[@]+"${e[@]}"}" "$HARM" "$@" \
			</dev/null 2>&1 >&3 3>&- | cat >"$dir/$tag.err"
		exit "${PIPESTATUS[0]}"
	) 3>&1 2>"$dir/$tag.shell" | cat >"$dir/$tag.out"
	rc=${PIPESTATUS[0]}
	echo "$rc" >"$dir/$tag.rc"
	return "$rc"
}


# mode_env MODE TRACE REC: the words of a mode into W (text, json: the live
# trace to TRACE; record: the recording REC; all: text to TRACE and the
# recording REC); NOUT: how many outputs that is
mode_env() {
	case $1 in
	text) words text_env "$2"; NOUT=1 ;;
	json) words json_env "$2"; NOUT=1 ;;
	record) words record_env "$3"; NOUT=1 ;;
	all) mapfile -t W < <(text_env "$2"; record_env "$3"); NOUT=2 ;;
	*) bail "mode_env: no mode $1" ;;
	esac
}


# sends FILE: the send calls in a decoded or live text trace
sends() { grep -c '^\(\[pid [0-9]*\] \)\?send(' "$1" 2>/dev/null; }


# is_mine FILE: FILE holds exactly "mine\n" (closeall)
is_mine() { [ "$(stat -c %s "$1" 2>/dev/null)" = 5 ] && [ "$(cat "$1")" = mine ]; }

# the lines harm prints for its arguments
want_lines() {
	case $1 in
	calls) echo $(($2 + 4)) ;;
	fsize*) echo $(($2 + 5)) ;;
	emfile) echo 15 ;;
	closeall*) echo $(($2 + 12)) ;;
	chdir) echo $(($2 + 15)) ;;
	esac
}

# baseline KEY ARGS...: the untraced runs of harm ARGS (under the current
# HWRAP), once per KEY: preloaded with tracing off (the reference: $B.out,
# $B.err, $B.rc) and with glibc alone; both must exit 0 and print the lines
# ARGS make, ending "done MODE 0", the same lines.  An argument @FILE@ is a
# file of the run's own (closeall), which must then hold exactly "mine\n".
declare -A BASE_DONE=()
baseline() {
	local key=$1 bd=$tmp/base/$1 v a args p=() fileargs=0
	shift
	B=$bd/u
	[ -n "${BASE_DONE[$key]:-}" ] && return 0
	BASE_DONE[$key]=1
	mkdir -p "$bd"
	for v in u g; do
		args=()
		for a in "$@"; do
			if [ "$a" = @FILE@ ]; then args+=("$bd/mine.$v"); fileargs=1; else args+=("$a"); fi
		done
		if [ $v = g ]; then HGLIBC=1 hrun "$bd" $v -- "${args[@]}"; else hrun "$bd" $v -- "${args[@]}"; fi
		[ "$(cat "$bd/$v.rc")" = 0 ] || p+=("$v: $(status_name "$(cat "$bd/$v.rc")")")
		[ -s "$bd/$v.err" ] && p+=("$v: stderr not empty")
		if [ $fileargs = 1 ] && ! is_mine "$bd/mine.$v"; then
			p+=("$v: its file does not hold exactly mine\\n")
		fi
	done
	local want got last
	want=$(want_lines "$@")
	got=$(wc -l <"$B.out")
	last=$(tail -n 1 "$B.out")
	[ "$got" = "$want" ] || p+=("$got lines, want $want")
	[ "$last" = "done $1 0" ] || p+=("last line '$last', want 'done $1 0'")
	cmp -s "$bd/u.out" "$bd/g.out" || p+=("preloaded and glibc outputs differ")
	if [ "$1" = emfile ]; then
		grep -q '^opened [1-9][0-9]* first [0-9]* last [0-9]* stop errno 24$' "$B.out" || p+=("open did not stop at EMFILE")
	fi
	local wrap=${HDESC:+ under $HDESC}
	if [ ${#p[@]} = 0 ]; then
		ok "baseline: harm $*$wrap untraced exits 0, $want lines ending 'done $1 0', glibc alone the same"
	else
		not_ok "baseline: harm $*$wrap untraced exits 0, $want lines ending 'done $1 0', glibc alone the same: $(IFS=';'; echo "${p[*]}")"
		diagf "$bd/u.out" "stdout (preloaded)" 6
		diagf "$bd/u.err" "stderr (preloaded)" 6
		diff "$bd/u.out" "$bd/g.out" | head -6 | sed 's/^/#   /'
	fi
}

# verdict NAME DIR TAG NOUT FAIL: the traced run DIR/TAG against the
# baseline $B (its stdout, or $REF_OUT when set): the same exit status, the
# same stdout, stderr the baseline's but for "sockshim: " lines, at most
# NOUT of those and, with FAIL=1, at least one.  Problems the caller found
# are in the array PROBS.
PROBS=()
verdict() {
	local name=$1 d=$2 tag=$3 nout=$4 fail=$5 rc brc ns ref=${REF_OUT:-$B.out}
	local p=("${PROBS[@]+"${PROBS[@]}"}")
	rc=$(cat "$d/$tag.rc")
	brc=$(cat "$B.rc")
	[ "$rc" = "$brc" ] || p+=("$(status_name "$rc"), untraced $(status_name "$brc")")
	cmp -s "$ref" "$d/$tag.out" ||
		p+=("stdout differs from untraced ($(wc -l <"$d/$tag.out") lines, untraced $(wc -l <"$ref"))")
	ns=$(grep -c '^sockshim: ' "$d/$tag.err")
	[ "$ns" -le "$nout" ] || p+=("$ns 'sockshim: ' lines on stderr, at most $nout wanted")
	[ "$fail" = 0 ] || [ "$ns" -ge 1 ] || p+=("no 'sockshim: ' line on stderr though the output cannot work")
	grep -v '^sockshim: ' "$d/$tag.err" | cmp -s - "$B.err" || p+=("stderr holds more than 'sockshim: ' lines")
	if [ ${#p[@]} = 0 ]; then
		ok "$name (${ns} sockshim line(s))"
	else
		local IFS=';'
		not_ok "$name: ${p[*]}"
		unset IFS
		diff "$ref" "$d/$tag.out" | head -6 | sed 's/^/#   /'
		diagf "$d/$tag.err" "stderr" 6
	fi
	PROBS=()
}

# ---- tmpfs -----------------------------------------------------------------
# A 64 KiB tmpfs in a private mount namespace holds the trace file and the
# recording: empty at the start and filled by the run (1000 round trips: far
# more than 64 KiB of text, JSON or records), or filled with a file before
# the program starts.  The wrapper copies what is left to DIR/saved.
# shellcheck disable=SC2016 # expanded by the bash -c that runs it
TMPFS_WRAP='mnt=$1 size=$2 fill=$3 save=$4
shift 4
exec 3>&2 2>/dev/null
mount -t tmpfs -o size="$size",mode=0755 sockshim-harm "$mnt" 2>&3 || exit 96
[ "$fill" = 1 ] && dd if=/dev/zero of="$mnt/filler" bs=1024 >/dev/null 2>&1
df -k --output=avail "$mnt" | tail -n 1 | tr -d " " >"$save.free"
"$@" 2>&3 3>&-
rc=$?
rm -f "$mnt/filler"
cp -a "$mnt"/. "$save"/ 2>/dev/null
exit $rc'

tmpfs_group() {
	local variant fill rounds mode d free
	for variant in filling full; do
		if [ $variant = filling ]; then fill=0 rounds=1000; else fill=1 rounds=200; fi
		HWRAP=()
		baseline "calls$rounds" calls $rounds
		for mode in $MODES; do
			d=$tmp/tmpfs-$variant-$mode
			mkdir -p "$d/mnt" "$d/saved"
			mode_env "$mode" "$d/mnt/trace" "$d/mnt/rec"
			HWRAP=(unshare -m bash -c "$TMPFS_WRAP" tmpfs-wrap "$d/mnt" 64k "$fill" "$d/saved")
			hrun "$d" t "${W[@]}" -- calls $rounds
			HWRAP=()
			free=$(cat "$d/saved.free" 2>/dev/null)
			[ "$(cat "$d/t.rc")" = 96 ] && PROBS+=("the tmpfs could not be mounted")
			if [ -e "$d/saved/rec" ]; then
				decode "$d/saved/rec" "$d/dec" ||
					PROBS+=("the recording left ($(stat -c %s "$d/saved/rec") bytes) does not decode: $(head -c 200 "$d/dec.err")")
			fi
			verdict "tmpfs 64k $variant (${free:-?} KiB free at start), $mode, calls $rounds: no signal (SIGBUS), same exit and stdout as untraced, 1..$NOUT sockshim line(s), a recording left decodes" "$d" t "$NOUT" 1
		done
	done
}

# ---- fsize -----------------------------------------------------------------
# RLIMIT_FSIZE lowered by the program (to 0 or 4096, before its first socket
# call or right after it).  Untraced nothing happens (it writes no file);
# traced, the tracer's writes must not raise SIGXFSZ nor turn into EFBIG for
# the program.
fsize_group() {
	local fm mode d
	HWRAP=()
	for fm in fsize0-before fsize0-after fsizesmall-before fsizesmall-after; do
		baseline "$fm" "$fm" 200
		for mode in $MODES; do
			d=$tmp/fsize-$fm-$mode
			mkdir -p "$d"
			mode_env "$mode" "$d/trace" "$d/rec"
			hrun "$d" t "${W[@]}" -- "$fm" 200
			verdict "RLIMIT_FSIZE $fm, $mode: no SIGXFSZ (153), same exit and stdout as untraced (no EFBIG), <= $NOUT sockshim line(s)" "$d" t "$NOUT" 0
		done
	done
}

# ---- fifo ------------------------------------------------------------------
# fifo_reader FIFO OUT CMD...: CMD FIFO in the background (stdout to OUT,
# under timeout 30), waited for until it is blocked opening the FIFO (then it
# counts as a reader); RPID is its timeout's pid
fifo_reader() {
	local fifo=$1 out=$2 i c w s
	shift 2
	timeout -k 2 30 "$@" "$fifo" >"$out" 2>/dev/null &
	RPID=$!
	bgpids+=("$RPID")
	for i in $(seq 300); do
		c=$(cat "/proc/$RPID/task/$RPID/children" 2>/dev/null)
		c=${c%% *}
		if [ -n "$c" ]; then
			w=$(cat "/proc/$c/wchan" 2>/dev/null)
			case $w in *partner*|*fifo*) return 0 ;; esac
			read -r s _ <"/proc/$c/syscall" 2>/dev/null
			[ "${s:-}" = 257 ] && return 0
		fi
		sleep 0.01
	done
	diag "the reader of $fifo was not seen blocked in open; going on"
	return 1
}

# reader_done FIFO: waits (2 s) for the reader to finish; one still blocked
# (nobody opened the FIFO for writing) is released by an empty writer
reader_done() {
	local i
	for i in $(seq 200); do
		kill -0 "$RPID" 2>/dev/null || break
		sleep 0.01
	done
	if kill -0 "$RPID" 2>/dev/null; then
		# shellcheck disable=SC2016
		timeout 2 bash -c ': >"$1"' fifo-release "$1" 2>/dev/null
	fi
	wait "$RPID" 2>/dev/null
}

fifo_group() {
	local mode d refl got
	HWRAP=()
	baseline calls200 calls 200
	# no reader: the open must not block, the trace is off with one line
	for mode in text json all record; do
		d=$tmp/fifo-none-$mode
		mkdir -p "$d"
		mkfifo "$d/fifo"
		if [ "$mode" = record ]; then
			mode_env record "$d/trace" "$d/fifo"
		else
			mode_env "$mode" "$d/fifo" "$d/rec"
		fi
		HSECS=10 hrun "$d" t "${W[@]}" -- calls 200
		[ "$(cat "$d/t.rc")" = 124 ] && PROBS+=("blocked: not finished after 10 s")
		if [ "$mode" = record ]; then
			verdict "FIFO without a reader as SOCKSHIM_RECORD: refused (not a regular file) without blocking, same exit and stdout, 1 sockshim line" "$d" t 1 1
		else
			verdict "FIFO without a reader as SOCKSHIM_TRACE_FILE, $mode: does not block (timeout 10), same exit and stdout, 1..$NOUT sockshim line(s), live tracing off" "$d" t "$NOUT" 1
		fi
	done
	# a reader: every line arrives, as many as a trace of the same run to a file
	for mode in text json all; do
		d=$tmp/fifo-reader-$mode
		mkdir -p "$d"
		mkfifo "$d/fifo"
		mode_env "$mode" "$d/ref.trace" "$d/ref.rec"
		hrun "$d" ref "${W[@]}" -- calls 200
		refl=$(wc -l <"$d/ref.trace" 2>/dev/null || echo 0)
		[ "$refl" -gt 0 ] || PROBS+=("the trace to a regular file is empty (exit $(cat "$d/ref.rc"))")
		mode_env "$mode" "$d/fifo" "$d/rec"
		fifo_reader "$d/fifo" "$d/got" cat
		hrun "$d" t "${W[@]}" -- calls 200
		reader_done "$d/fifo"
		got=$(wc -l <"$d/got")
		[ "$got" = "$refl" ] || PROBS+=("the reader got $got lines, a trace to a file has $refl")
		verdict "FIFO with a reader (cat) as SOCKSHIM_TRACE_FILE, $mode: all ${refl} lines arrive, same exit and stdout as untraced" "$d" t "$NOUT" 0
	done
	# a reader that exits after 100 bytes: no SIGPIPE (2000 round trips: more
	# than the pipe holds, so writes after the reader left are certain)
	baseline calls2000 calls 2000
	for mode in text json all; do
		d=$tmp/fifo-early-$mode
		mkdir -p "$d"
		mkfifo "$d/fifo"
		mode_env "$mode" "$d/fifo" "$d/rec"
		fifo_reader "$d/fifo" "$d/got" head -c 100
		hrun "$d" t "${W[@]}" -- calls 2000
		reader_done "$d/fifo"
		verdict "FIFO whose reader exits early (head -c 100), $mode: no SIGPIPE (141), same exit and stdout as untraced, 1..$NOUT sockshim line(s)" "$d" t "$NOUT" 1
	done
}

# ---- devfull ---------------------------------------------------------------
devfull_group() {
	local mode d
	HWRAP=()
	baseline calls200 calls 200
	for mode in $MODES; do
		d=$tmp/devfull-$mode
		mkdir -p "$d"
		mode_env "$mode" /dev/full /dev/full
		hrun "$d" t "${W[@]}" -- calls 200
		verdict "/dev/full as the output(s), $mode (a recording refused: not a regular file): no signal, same exit and stdout as untraced, 1..$NOUT sockshim line(s)" "$d" t "$NOUT" 1
	done
}

# ---- rodir -----------------------------------------------------------------
# DIR/ro bind-mounted read-only onto itself in a private mount namespace
# (root ignores permission bits); the wrapper checks that it is read-only.
# shellcheck disable=SC2016 # expanded by the bash -c that runs it
RO_WRAP='mnt=$1
shift
mount --bind "$mnt" "$mnt" && mount -o remount,bind,ro "$mnt" || exit 96
if : 2>/dev/null >"$mnt/.probe"; then exit 95; fi
exec "$@"'

rodir_group() {
	local mode d rc
	HWRAP=()
	baseline calls200 calls 200
	for mode in $MODES; do
		d=$tmp/rodir-$mode
		mkdir -p "$d/ro"
		mode_env "$mode" "$d/ro/trace" "$d/ro/rec"
		HWRAP=(unshare -m bash -c "$RO_WRAP" ro-wrap "$d/ro")
		hrun "$d" t "${W[@]}" -- calls 200
		HWRAP=()
		rc=$(cat "$d/t.rc")
		[ "$rc" = 96 ] && PROBS+=("the read-only bind mount failed")
		[ "$rc" = 95 ] && PROBS+=("the bind mount is writable")
		verdict "read-only directory holding the path(s), $mode: same exit and stdout as untraced, 1..$NOUT sockshim line(s)" "$d" t "$NOUT" 1
	done
}

# ---- symlink ---------------------------------------------------------------
# The rule: the final path component is not followed if it is a symlink,
# unless the link is owned by the process's euid or by root.
symlink_group() {
	local mode d
	HWRAP=()
	baseline calls200 calls 200
	# a planted link owned by another user (65534) to a victim
	for mode in $MODES; do
		d=$tmp/symlink-victim-$mode
		mkdir -p "$d"
		head -c 10240 /dev/urandom >"$d/victim"
		cp "$d/victim" "$d/victim.saved"
		ln -s "$d/victim" "$d/trace"
		ln -s "$d/victim" "$d/rec"
		chown -h 65534:65534 "$d/trace" "$d/rec"
		mode_env "$mode" "$d/trace" "$d/rec"
		hrun "$d" t "${W[@]}" -- calls 200
		cmp -s "$d/victim" "$d/victim.saved" ||
			PROBS+=("the victim changed ($(stat -c %s "$d/victim") bytes, was 10240)")
		verdict "symlink owned by uid 65534 as the path(s) to a 10 KiB victim, $mode: not followed, the victim byte-identical, same exit and stdout, 1..$NOUT sockshim line(s)" "$d" t "$NOUT" 1
	done
	# a dangling link owned by another user: its target is not created
	for mode in text record; do
		d=$tmp/symlink-dangling-$mode
		mkdir -p "$d"
		ln -s "$d/created" "$d/trace"
		ln -s "$d/created" "$d/rec"
		chown -h 65534:65534 "$d/trace" "$d/rec"
		mode_env "$mode" "$d/trace" "$d/rec"
		hrun "$d" t "${W[@]}" -- calls 200
		[ -e "$d/created" ] && PROBS+=("the link's target was created ($(stat -c %s "$d/created") bytes)")
		verdict "dangling symlink owned by uid 65534 as the path, $mode: its target not created, same exit and stdout, 1 sockshim line" "$d" t "$NOUT" 1
	done
	# a link owned by root (our euid) is followed: to an existing empty file
	# (an empty file is a recording with no calls yet) and dangling (the
	# target is created)
	local kind
	for kind in existing dangling; do
		for mode in text record; do
			d=$tmp/symlink-root-$kind-$mode
			mkdir -p "$d"
			[ $kind = existing ] && : >"$d/target"
			ln -s "$d/target" "$d/trace"
			ln -s "$d/target" "$d/rec"
			mode_env "$mode" "$d/trace" "$d/rec"
			hrun "$d" t "${W[@]}" -- calls 200
			if [ ! -f "$d/target" ]; then
				PROBS+=("no target file")
			elif [ "$mode" = record ]; then
				if decode "$d/target" "$d/dec"; then
					[ "$(sends "$d/dec")" = 200 ] || PROBS+=("the target's recording has $(sends "$d/dec") sends, want 200")
				else
					PROBS+=("the target does not decode: $(head -c 200 "$d/dec.err")")
				fi
			else
				[ "$(sends "$d/target")" = 200 ] || PROBS+=("the target has $(sends "$d/target") send lines, want 200")
			fi
			verdict "symlink owned by root to $([ $kind = existing ] && echo 'an existing empty file' || echo 'a missing file') as the path, $mode: followed (the target holds the 200 sends), same exit and stdout" "$d" t "$NOUT" 0
		done
	done
	# an existing file that is not a recording, named as SOCKSHIM_RECORD
	for mode in record all; do
		d=$tmp/symlink-notrec-$mode
		mkdir -p "$d"
		for _ in $(seq 300); do echo "precious data of the user's, not a recording"; done >"$d/rec"
		cp "$d/rec" "$d/rec.saved"
		mode_env "$mode" "$d/trace" "$d/rec"
		hrun "$d" t "${W[@]}" -- calls 200
		cmp -s "$d/rec" "$d/rec.saved" ||
			PROBS+=("the file changed ($(stat -c %s "$d/rec") bytes, was $(stat -c %s "$d/rec.saved"))")
		verdict "existing non-recording file ($(stat -c %s "$d/rec.saved") bytes) as SOCKSHIM_RECORD, $mode: byte-identical, same exit and stdout, 1..$NOUT sockshim line(s)" "$d" t "$NOUT" 1
	done
	# an existing recording named again: appended to
	d=$tmp/symlink-append
	mkdir -p "$d"
	mode_env record "$d/trace" "$d/rec"
	hrun "$d" t1 "${W[@]}" -- calls 200
	local rc1 size1
	rc1=$(cat "$d/t1.rc")
	cmp -s "$B.out" "$d/t1.out" || PROBS+=("the first run's stdout differs ($(status_name "$rc1"))")
	size1=$(stat -c %s "$d/rec" 2>/dev/null)
	hrun "$d" t "${W[@]}" -- calls 200
	if decode "$d/rec" "$d/dec"; then
		[ "$(sends "$d/dec")" = 400 ] || PROBS+=("decoded $(sends "$d/dec") sends, want 400 (200 of each run)")
	else
		PROBS+=("does not decode: $(head -c 200 "$d/dec.err")")
	fi
	verdict "existing recording (${size1:-no file} bytes after a first run) named again: the second run appends (decodes with both runs' 400 sends), same exit and stdout" "$d" t 1 0
}

# ---- emfile ----------------------------------------------------------------
# ulimit -n 16, open("/dev/null") until EMFILE.  The rule: a recording keeps
# no descriptor of the program's (the program opens exactly as many as
# untraced); a live trace (text, json, and so all) keeps exactly one, at the
# top of the limit (the program opens one fewer, the same first number, and
# its last is one lower).
emfile_group() {
	local mode d c f l
	# shellcheck disable=SC2016
	HWRAP=(bash -c 'ulimit -n "$1" || exit 96; shift; exec "$@"' nofile-wrap 16)
	HDESC="ulimit -n 16" baseline emfile16 emfile
	read -r _ c _ f _ l _ < <(grep '^opened ' "$B.out")
	diag "emfile untraced under ulimit -n 16: opened $c, $f..$l"
	for mode in $MODES; do
		d=$tmp/emfile-$mode
		mkdir -p "$d"
		mode_env "$mode" "$d/trace" "$d/rec"
		hrun "$d" t "${W[@]}" -- emfile
		if [ "$mode" = record ]; then
			verdict "ulimit -n 16, emfile, record: the program opens exactly as many descriptors as untraced ($c, $f..$l) [rule: a recording keeps none, a live trace exactly one at the top of the limit]" "$d" t 1 0
		else
			sed -e "s/^opened .*/opened $((c - 1)) first $f last $((l - 1)) stop errno 24/" \
				-e "s/^closed $c fails /closed $((c - 1)) fails /" "$B.out" >"$d/want.out"
			REF_OUT=$d/want.out verdict "ulimit -n 16, emfile, $mode: the program opens exactly one fewer descriptor than untraced ($((c - 1)), $f..$((l - 1))) [rule: a live trace keeps exactly one, at the top of the limit; a recording none]" "$d" t "$NOUT" 0
		fi
	done
	HWRAP=()
}

# ---- closeall --------------------------------------------------------------
# close_range(3, ~0U, 0) after half the calls: raw (the tracer's descriptor
# is closed under it: it stops quietly or carries on) and through the
# library (which keeps its own).  Then the program's own FILE, "mine\n"
# written, FILE dup()ed into every free number, the other half of the calls:
# FILE must hold exactly "mine\n" (no trace byte went into a number the
# tracer took for its own).
closeall_group() {
	local m mode d
	HWRAP=()
	for m in closeall-raw closeall; do
		baseline "$m" "$m" 200 @FILE@
		for mode in $MODES; do
			d=$tmp/$m-$mode
			mkdir -p "$d"
			mode_env "$mode" "$d/trace" "$d/rec"
			hrun "$d" t "${W[@]}" -- "$m" 200 "$d/mine"
			if ! is_mine "$d/mine"; then
				PROBS+=("the program's file holds $(stat -c %s "$d/mine" 2>/dev/null || echo no) bytes, not exactly mine\\n: $(head -c 60 "$d/mine" 2>/dev/null | tr -c '[:print:]' '.')")
			fi
			verdict "$m (close_range 3..~0$([ $m = closeall-raw ] && echo ' as a raw syscall')) mid-run, $mode: same exit and stdout, the program's new file holds exactly mine\\n, <= $NOUT sockshim line(s)" "$d" t "$NOUT" 0
		done
	done
}

# ---- many ------------------------------------------------------------------
# 100 short processes (calls 10) recording to rec.%p in one directory.
# ---- chdir -----------------------------------------------------------------
# A recording and a text trace named by relative paths (rec.%p, trace.%p),
# then the program changes directory (chdir("/"), as daemons do) and makes
# 2000 more round trips: the recording grows past its first steps in the
# same file (every send in it), the trace goes on in the same file.
chdir_group() {
	local d=$tmp/chdir mode rc got want=2010
	HWRAP=()
	baseline chdir chdir 2000
	for mode in record text; do
		rm -rf "$d"
		mkdir -p "$d"
		if [ $mode = record ]; then words record_env "rec.%p"; else words text_env "trace.%p"; fi
		hrun "$d" run "${W[@]}" -- chdir 2000
		rc=$(cat "$d/run.rc")
		local f
		f=$(ls "$d"/rec.* "$d"/trace.* 2>/dev/null | head -1)
		got=0
		if [ -n "$f" ] && [ $mode = record ]; then decode "$f" "$d/dec" && got=$(sends "$d/dec"); fi
		[ -n "$f" ] && [ $mode = text ] && got=$(sends "$f")
		if [ "$rc" = 0 ] && cmp -s "$B.out" "$d/run.out" && [ "$got" = $want ] && ! grep -q '^sockshim: ' "$d/run.err"; then
			ok "chdir $mode: a relative trace path keeps its file after chdir(\"/\") ($got of $want sends; $(stat -c %s "$f") bytes)"
		else
			not_ok "chdir $mode: a relative trace path keeps its file after chdir(\"/\") ($(status_name "$rc"), $got of $want sends)"
			diagf "$d/run.err" "stderr" 4
		fi
	done
}

many_group() {
	local d=$tmp/many i bad=0 f sz kb big=0 files=0 decoded=0 calls=0 total
	HWRAP=()
	baseline calls10 calls 10
	mkdir -p "$d/rec"
	words record_env "$d/rec/rec.%p"
	for i in $(seq 100); do
		hrun "$d" "r$i" "${W[@]}" -- calls 10
		if ! cmp -s "$B.out" "$d/r$i.out" || [ "$(cat "$d/r$i.rc")" != 0 ] ||
		   [ "$(grep -c '^sockshim: ' "$d/r$i.err")" -gt 1 ]; then
			bad=$((bad + 1))
			[ $bad -le 3 ] && { diag "run $i: $(status_name "$(cat "$d/r$i.rc")")"; diagf "$d/r$i.err" "stderr" 4; }
		fi
	done
	check $bad "100 short processes recording to rec.%p: each exits 0 with the untraced stdout, <= 1 sockshim line ($bad differ)"
	local sizes=""
	for f in "$d"/rec/rec.*; do
		[ -e "$f" ] || continue
		files=$((files + 1))
		sz=$(stat -c %s "$f")
		kb=$(du -k "$f" | cut -f1)
		if [ "$sz" -gt 65536 ] || [ "$kb" -gt 64 ]; then
			big=$((big + 1))
			[ $big -le 3 ] && sizes="$sizes ${f##*/}: $sz bytes, $kb KiB on disk;"
		fi
		if decode "$f" "$d/dec"; then
			decoded=$((decoded + 1))
			calls=$((calls + $(sends "$d/dec")))
		else
			[ $((files - decoded)) -le 3 ] && diag "${f##*/} does not decode: $(head -c 200 "$d/dec.err")"
		fi
	done
	total=$(du -sk "$d/rec" | cut -f1)
	diag "disk used by the 100 recordings of 10 round trips (du -sk of their directory): $total KiB"
	[ -n "$sizes" ] && diag "too big:$sizes"
	check $(( files != 100 || big != 0 )) "100 short processes: 100 recordings ($files), each <= 64 KiB by size and by du -k ($big bigger; $total KiB in all)"
	check $(( files == 0 || decoded != files || calls != 10 * files )) "100 short processes: every recording decodes ($decoded of $files) with its 10 sends ($calls in all)"
	[ "${HARM_KEEP:-0}" = 1 ] || rm -rf "$d/rec"
}

# ---- kill ------------------------------------------------------------------
# 200 runs of calls 100000 recording to rec.%p, each SIGKILLed 0-10 ms after
# it was started (most during the library's set-up or the first calls):
# every recording that exists decodes (an empty or header-only one is a
# recording with no calls).
# shellcheck disable=SC2016 # expanded by the bash -c that runs it
KILL_LOOP='lib=$1 harm=$2 dir=$3 runs=$4
shift 4
cd "$dir" || exit 97
for i in $(seq "$runs"); do
	(exec env LD_PRELOAD="$lib" "$@" "$harm" calls 100000 </dev/null >/dev/null 2>&1) &
	p=$!
	sleep "0.0$(printf %02d $((RANDOM % 11)))"
	kill -KILL "$p" 2>/dev/null
	wait "$p"
	echo "$p $?"
done'

kill_group() {
	local d=$tmp/kill f files=0 decoded=0 killed finished empty=0 rc
	HWRAP=()
	mkdir -p "$d"
	words record_env "$d/rec.%p"
	timeout -k 2 150 bash -c "$KILL_LOOP" kill-loop "$LIB" "$HARM" "$d" 200 "${W[@]}" >"$d/runs" 2>"$d/runs.err"
	rc=$?
	killed=$(awk '$2 == 137' "$d/runs" | wc -l)
	finished=$(awk '$2 == 0' "$d/runs" | wc -l)
	for f in "$d"/rec.*; do
		[ -e "$f" ] || continue
		files=$((files + 1))
		[ -s "$f" ] || empty=$((empty + 1))
		if decode "$f" "$d/dec"; then
			decoded=$((decoded + 1))
		else
			[ $((files - decoded)) -le 3 ] && diag "${f##*/} ($(stat -c %s "$f") bytes) does not decode: $(head -c 200 "$d/dec.err")"
		fi
		[ "${HARM_KEEP:-0}" = 1 ] || rm -f "$f"
	done
	diag "kill: $(wc -l <"$d/runs") runs ($killed killed, $finished finished first), $files recordings existed ($empty empty), $decoded decoded"
	check $(( rc != 0 || files == 0 || decoded != files )) "kill: 200 runs SIGKILLed 0-10 ms after start: every recording that exists decodes ($decoded of $files; $killed killed)"
}

on tmpfs && tmpfs_group
on fsize && fsize_group
on fifo && fifo_group
on devfull && devfull_group
on rodir && rodir_group
on symlink && symlink_group
on emfile && emfile_group
on closeall && closeall_group
on chdir && chdir_group
on many && many_group
on kill && kill_group

tap_end
