# How the tests and benchmarks switch sockshim's tracing on: the library's
# SOCKSHIM_* environment variables (documented in src/trace/config.rs).
# Sourced by c-tests/trace/run.sh and bench/trace/run.sh.  Each function
# prints VAR=value words for env(1) (paths must not contain spaces).

# text_env FILE [FLAG...]: live strace-format text to FILE (may hold %p;
# "stderr" for standard error).  FLAGs: tt (microsecond timestamps), T
# (durations), yy (descriptor decoding), s=N (string length), e=SET (filter).
text_env() {
	local file=$1 f
	shift
	echo "SOCKSHIM_TRACE=text"
	[ "$file" = stderr ] || echo "SOCKSHIM_TRACE_FILE=$file"
	for f in "$@"; do
		case $f in
		tt) echo "SOCKSHIM_TRACE_TIME=tt" ;;
		T) echo "SOCKSHIM_TRACE_DURATION=1" ;;
		yy) echo "SOCKSHIM_TRACE_FDS=yy" ;;
		s=*) echo "SOCKSHIM_TRACE_STRSIZE=${f#s=}" ;;
		e=*) echo "SOCKSHIM_TRACE_FILTER=${f#e=}" ;;
		*) echo "text_env: unknown flag $f" >&2; return 1 ;;
		esac
	done
}

# json_env FILE: JSON lines to FILE (may hold %p; "stderr" for standard error)
json_env() {
	echo "SOCKSHIM_TRACE=json"
	[ "$1" = stderr ] || echo "SOCKSHIM_TRACE_FILE=$1"
}

# record_env FILE: the binary recording to FILE (may hold %p)
record_env() {
	echo "SOCKSHIM_RECORD=$1"
}
