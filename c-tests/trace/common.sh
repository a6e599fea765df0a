# What the tracing suites (run.sh, harm.sh, sandbox.sh) share: where things
# are, the TAP helpers and the SOCKSHIM_* words (tap.sh, env.sh), the group
# filter, building progs/*.c and the command, and small helpers. Sourced
# after the suite sets GROUPS_ON and TMO.
# shellcheck shell=bash

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE=$ROOT/c-tests/trace
LIB=${SOCKSHIM_PRELOAD:-$ROOT/target/release/libsockshim.so}
CLI=${SOCKSHIM_TRACE_CLI:-$ROOT/target/cli/release/sockshim-trace}
# checks of recordings through the recording reader (src/bin/sockshim-trace-check.rs)
RCHECK=${SOCKSHIM_TRACE_CHECK:-$ROOT/target/cli/release/sockshim-trace-check}
BUILD=$ROOT/build/trace

# shellcheck source=../tap.sh
. "$ROOT/c-tests/tap.sh"
# shellcheck source=env.sh
. "$HERE/env.sh"

# on GROUP: GROUP is selected (GROUPS_ON)
on() { case $GROUPS_ON in *" $1 "*) return 0 ;; esac; return 1; }

# scratch PREFIX KEEPVAR: a fresh scratch directory in $tmp, and an empty
# bgpids (background processes the suite starts); at exit, or on HUP, INT
# or TERM, each of them still alive is stopped (its process group when it
# leads one, else it and its children) and the directory removed, unless
# the variable named KEEPVAR is 1.
scratch() {
	tmp=$(mktemp -d "/tmp/$1.XXXXXX") || bail "mktemp failed"
	bgpids=()
	SCRATCH_KEEP=$2
	trap scratch_cleanup EXIT
	trap 'exit 129' HUP
	trap 'exit 130' INT
	trap 'exit 143' TERM
}
scratch_cleanup() {
	local p
	for p in "${bgpids[@]+"${bgpids[@]}"}"; do
		kill -0 "$p" 2>/dev/null || continue
		kill -TERM -- "-$p" 2>/dev/null || { pkill -TERM -P "$p" 2>/dev/null; kill -TERM "$p" 2>/dev/null; }
	done
	wait 2>/dev/null
	if [ "${!SCRATCH_KEEP:-0}" = 1 ]; then echo "# kept $tmp"; else rm -rf "$tmp"; fi
}

# build_progs: every progs/*.c into $BUILD that is missing or older than
# its source
build_progs() {
	local src p
	mkdir -p "$BUILD"
	for src in "$HERE"/progs/*.c; do
		p=$(basename "$src" .c)
		if [ ! -x "$BUILD/$p" ] || [ "$src" -nt "$BUILD/$p" ]; then
			cc -O2 -g -Wall -Wextra -Werror -U_FORTIFY_SOURCE "$src" -o "$BUILD/$p" -lpthread ||
				bail "cannot build $src"
		fi
	done
}

# build_cli LOG: sockshim-trace and sockshim-trace-check, if missing (the
# build's errors as diagnostics)
build_cli() {
	[ -x "$CLI" ] && [ -x "$RCHECK" ] && return 0
	(cd "$ROOT" && cargo build --release --quiet --no-default-features --features cli --target-dir target/cli) \
		>"$1" 2>&1 || { diag "building sockshim-trace failed:"; grep -A5 -m3 '^error' "$1" | sed 's/^/#   /'; }
}

# words FUNC ARGS...: the VAR=value words of an env.sh function, one a line,
# into the array W
words() { mapfile -t W < <("$@"); }

# decode REC OUT: sockshim-trace decode, text lines to OUT; status in $?
decode() { timeout -k 2 "$TMO" "$CLI" decode "$1" >"$2" 2>"$2.err"; }

# status_name RC: what an exit status means ("exit 0", "timed out",
# "killed by SIGXFSZ (153)", ...)
status_name() {
	case $1 in
	0) echo "exit 0" ;;
	124) echo "timed out" ;;
	''|*[!0-9]*) echo "exit '$1'" ;;
	*) local s=
	   [ "$1" -gt 128 ] && [ "$1" -le 192 ] && s=$(kill -l $(($1 - 128)) 2>/dev/null)
	   if [ -n "$s" ]; then echo "killed by SIG$s ($1)"; else echo "exit $1"; fi ;;
	esac
}
