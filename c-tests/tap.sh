# TAP helpers for the bash test scripts (sourced; behaviour as in
# c-tests/trace/run.sh).  Counters: n (tests so far), failed (not ok so far).
#
#   ok NAME           ok N - NAME
#   not_ok NAME       not ok N - NAME (counts as failed)
#   skip NAME WHY     ok N - NAME # SKIP WHY
#   check RC NAME     ok when RC is 0, else not ok
#   diag TEXT...      TEXT as "# " lines, on stderr (prove shows stderr, so
#                     a failure's reasons reach a CI log)
#   diagf FILE TITLE [LINES]   the start of FILE (15 lines) as diagnostics (stderr)
#   bail WHY          Bail out! WHY, exit 1
#   tap_end           prints the plan 1..n; non-zero status if any failed
#
# shellcheck shell=bash

n=0
failed=0
ok()     { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
skip()   { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
check()  { if [ "$1" = 0 ]; then ok "$2"; else not_ok "$2"; fi; }
diag()   { printf '%s\n' "$*" | sed 's/^/# /' >&2; }
diagf()  {	# diagf FILE TITLE [LINES]: the start of a file as diagnostics
	[ -s "$1" ] || return 0
	{
		echo "# --- $2:"
		head -c 4000 "$1" | tr -d '\000' | head -n "${3:-15}" | sed 's/^/#   /'
	} >&2
}
bail()   { echo "Bail out! $*"; exit 1; }
tap_end() {
	echo "1..$n"
	[ "$failed" = 0 ]
}
