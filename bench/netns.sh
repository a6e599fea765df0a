#!/usr/bin/env bash
# Runs the benchmark program inside a network and mount namespace of its own,
# with a DNS server for the resolver cases (see bench/README.md):
#
#   unshare --mount --net --fork bash bench/netns.sh BENCH_BINARY [ARGS...]
#
# In the namespace: loopback up; dnsmasq on 127.0.0.1:53 answering for
# $dns_name (one A, one AAAA) from its own configuration, nothing upstream;
# /etc/hosts, /etc/resolv.conf and /etc/nsswitch.conf bind-mounted from files
# written here ("hosts: files dns"; the DNS name is not in the hosts file).
# The mounts are private to the namespace, and the namespace, the mounts and
# dnsmasq are gone when this script ends. Nothing leaves the namespace.
set -euo pipefail

bench=("$@")
dns_name=www.bench.test

tmp=$(mktemp -d /tmp/sockshim-bench.XXXXXX)
dns_pid=
cleanup() {
    if [[ -n $dns_pid ]]; then
        kill "$dns_pid" 2>/dev/null || true
        wait "$dns_pid" 2>/dev/null || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT

ip link set lo up

# localhost has one address (as in this machine's and CI's /etc/hosts), so
# getaddrinfo has nothing to sort; dual.bench.test has two, which it sorts
# (RFC 6724, probing the source address of each).
cat >"$tmp/hosts" <<'EOF'
127.0.0.1	localhost
::1	ip6-localhost ip6-loopback
127.0.0.2	dual.bench.test
::1	dual.bench.test
EOF
cat >"$tmp/resolv.conf" <<'EOF'
nameserver 127.0.0.1
EOF
cat >"$tmp/nsswitch.conf" <<'EOF'
passwd:    files
group:     files
shadow:    files
hosts:     files dns
networks:  files
protocols: files
services:  files
EOF
# Keep the machine's services and protocols (getnameinfo and getaddrinfo may
# read them); only these three files are replaced.
for f in hosts resolv.conf nsswitch.conf; do
    mount --bind "$tmp/$f" "/etc/$f"
done

dnsmasq --keep-in-foreground --no-resolv --no-hosts --no-poll --bind-interfaces \
    --listen-address=127.0.0.1 --port=53 --user=root --log-facility="$tmp/dnsmasq.log" \
    --host-record="$dns_name,192.0.2.10,2001:db8::10" &
dns_pid=$!

# Ready when glibc itself resolves the name through the files above.
for _ in $(seq 100); do
    if getent ahosts "$dns_name" >/dev/null 2>&1; then
        break
    fi
    if ! kill -0 "$dns_pid" 2>/dev/null; then
        echo "bench: dnsmasq exited:" >&2
        cat "$tmp/dnsmasq.log" >&2 || true
        exit 1
    fi
    sleep 0.1
done
getent ahosts "$dns_name" >/dev/null || {
    echo "bench: $dns_name does not resolve in the namespace" >&2
    exit 1
}

version=$(dnsmasq --version | sed -n '1s/^Dnsmasq version \([^ ]*\).*/\1/p')
echo "Network namespace of its own (bench/netns.sh): loopback only; dnsmasq ${version:-?} on 127.0.0.1:53" \
    "answers $dns_name (A + AAAA); /etc/hosts: localhost 127.0.0.1, dual.bench.test 127.0.0.2 and ::1; hosts: files dns."
rc=0
BENCH_DNS_NAME=$dns_name BENCH_DNS_PID=$dns_pid "${bench[@]}" || rc=$?
exit "$rc"
