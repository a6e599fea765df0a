#!/usr/bin/env bash
# nginx + wrk, both sides with sockshim preloaded, untraced versus both
# recording (SOCKSHIM_RECORD=DIR/rec.%p), as a Markdown row (part of `make
# bench`). nginx (one worker) serves a 1 KiB file on 127.0.0.1 (a free port
# found at run time); wrk -t2 -c50 runs NGINX_SECS seconds against it.
# NGINX_ROUNDS interleaved rounds (the order alternates); the median
# requests/s of each mode and the median over rounds of the per-round ratio
# recording/untraced (p25-p75 as the noise). Target: >= 0.95x.
#
# Also reported, per mode, from the last round: the minor page faults of
# the nginx worker (/proc/PID/stat field 10) and the recording's size, so
# the cost can be placed (first-touch faults of the mapping, growth).
#
# Environment: NGINX_ROUNDS=5, NGINX_SECS=3, SOCKSHIM_LIBDIR=dir.
# Needs nginx and wrk (installed when missing: nginx-light, wrk).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
lib=${SOCKSHIM_LIBDIR:-$root/target/release}/libsockshim.so
rounds=${NGINX_ROUNDS:-5}
secs=${NGINX_SECS:-3}
[[ $rounds -gt 0 ]] || exit 0
if ! command -v wrk >/dev/null || [[ ! -x /usr/sbin/nginx ]]; then
	echo "bench: installing nginx-light wrk" >&2
	(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light wrk) >&2
fi
[[ -e $lib ]] || { echo "bench: $lib missing" >&2; exit 1; }

tmp=$(mktemp -d /tmp/sockshim-nginx.XXXXXX)
npid=
cleanup() {
	[[ -n $npid ]] && { kill "$npid" 2>/dev/null; wait "$npid" 2>/dev/null; } || true
	rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -p "$tmp/www" "$tmp/logs"
head -c 1024 /dev/zero | tr '\0' 'x' >"$tmp/www/1k.html"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$tmp/nginx.conf" <<EOF
daemon off;
master_process off;
worker_processes 1;
error_log $tmp/logs/error.log warn;
pid $tmp/nginx.pid;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile off;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$port;
        root $tmp/www;
    }
}
EOF

# one MODE: nginx and wrk in that mode; prints "requests/s minflt"
one() {
	local mode=$1 env=("LD_PRELOAD=$lib")
	rm -rf "$tmp/rec"
	mkdir -p "$tmp/rec"
	[[ $mode == recording ]] && env+=("SOCKSHIM_RECORD=$tmp/rec/rec.%p")
	env "${env[@]}" /usr/sbin/nginx -p "$tmp" -c "$tmp/nginx.conf" 2>"$tmp/nginx.err" &
	npid=$!
	for _ in $(seq 50); do
		if (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null; then break; fi
		sleep 0.1
	done
	local out
	out=$(env "${env[@]}" wrk -t2 -c50 -d"${secs}s" "http://127.0.0.1:$port/1k.html" 2>&1)
	local rps flt
	rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
	flt=$(awk '{ print $10 }' "/proc/$npid/stat" 2>/dev/null || echo 0)
	kill "$npid" 2>/dev/null
	wait "$npid" 2>/dev/null || true
	npid=
	[[ -n $rps ]] || { echo "bench: wrk gave no result in mode $mode: $out" >&2; exit 1; }
	if [[ $mode == recording ]]; then
		du -sk "$tmp/rec" | awk '{ print $1 }' >"$tmp/reckb"
	fi
	echo "$rps $flt"
}

: >"$tmp/u"
: >"$tmp/r"
: >"$tmp/ratio"
for i in $(seq "$rounds"); do
	if ((i % 2)); then
		u=$(one untraced)
		r=$(one recording)
	else
		r=$(one recording)
		u=$(one untraced)
	fi
	echo "$u" >>"$tmp/u"
	echo "$r" >>"$tmp/r"
	awk -v a="${r%% *}" -v b="${u%% *}" 'BEGIN { printf "%.4f\n", a / b }' >>"$tmp/ratio"
done
# q FILE COL P: the P-quantile (nearest rank) of column COL
q() { sort -g -k"$2" "$1" | awk -v c="$2" -v p="$3" '{ v[NR] = $c } END { i = int(p * (NR - 1) + 0.5) + 1; print v[i] }'; }
echo "| nginx + wrk (1 KiB, -t2 -c50, ${secs} s), both recording / both untraced | $(q "$tmp/u" 1 0.5) req/s |" \
	"$(q "$tmp/r" 1 0.5) req/s | $(q "$tmp/ratio" 1 0.5) ($(q "$tmp/ratio" 1 0.25)–$(q "$tmp/ratio" 1 0.75)) |" \
	"$rounds rounds; nginx worker minor faults (last round) untraced $(tail -1 "$tmp/u" | cut -d' ' -f2)," \
	"recording $(tail -1 "$tmp/r" | cut -d' ' -f2); recordings $(cat "$tmp/reckb") KiB | ≥ 0.95 |"
