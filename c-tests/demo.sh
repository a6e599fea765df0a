#!/usr/bin/env bash
# make demo: the APUE ruptime server and client, linked against sockshim
# (-lsockshim), talking on loopback; then the loader's own account of which
# library served their socket calls, and an echo round over TCP and IPv6.
set -euo pipefail
bin=$(cd "$1" && pwd)
tmp=$(mktemp -d /tmp/sockshim-demo.XXXXXX)
server=
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$tmp"' EXIT

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

# Starts "$@" in the background; sets $server and $port from its first line.
start_server() {
    "$@" > "$tmp/server.out" 2>&1 &
    server=$!
    for _ in $(seq 100); do
        port=$(head -n1 "$tmp/server.out" 2>/dev/null || true)
        [ -n "$port" ] && return 0
        sleep 0.05
    done
    echo "server did not start: $*"; cat "$tmp/server.out"; exit 1
}

say "The programs: plain C from the seeds (APUE's connect_retry/initserver), linked with -lsockshim"
ldd "$bin/ruptime" | grep -E 'sockshim|libc\.so'

say "ruptimed listening on 127.0.0.1 (port chosen by the kernel)"
start_server "$bin/ruptimed" 127.0.0.1 1
echo "port $port"

say "ruptime 127.0.0.1 $port  ->  the server's uptime, over a sockshim socket"
LD_DEBUG=bindings LD_DEBUG_OUTPUT="$tmp/ld" timeout 20 "$bin/ruptime" 127.0.0.1 "$port"
wait "$server" || true
server=

say "Who served the client's calls (dynamic loader, LD_DEBUG=bindings)"
grep -h "normal symbol" "$tmp"/ld.* | grep -E "\`(socket|connect|recv|read|write|close|inet_pton|htons)'" |
    sed -E 's/.*binding file ([^ ]*) \[0\] to ([^ ]*) \[0\]: normal symbol `([^'"'"']*).*/  \3  ->  \2/' | sort -u

say "TCP echo (poll-based server) and IPv6 echo"
start_server "$bin/echod_poll" 127.0.0.1 1
printf 'hello over sockshim\n' | timeout 20 "$bin/echo_client" 127.0.0.1 "$port"
wait "$server" || true
start_server "$bin/echod6" ::1 1
printf 'hello over IPv6\n' | timeout 20 "$bin/echo6" ::1 "$port"
wait "$server" || true
server=

say "Done: every call above went through libsockshim ($(readlink -f "$bin/../../../target/release/libsockshim.so" 2>/dev/null || echo target/release/libsockshim.so))"
