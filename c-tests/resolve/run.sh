#!/usr/bin/env bash
# The resolver test suite: name and service resolution (getaddrinfo,
# getnameinfo, gethostby*, getserv*, getproto*, herror ...) compared with
# glibc's own, in a hermetic network: a private mount + network + UTS
# namespace with only loopback, our own /etc/hosts, /etc/resolv.conf,
# /etc/nsswitch.conf, /etc/host.conf and /etc/gai.conf bind-mounted over the
# real ones, a real DNS server (dnsmasq) on 127.0.0.1:53 serving the test
# zone sockshim.test, and small bad name servers of our own (dnsstub.c) that
# drop queries or answer SERVFAIL/REFUSED.  Nothing leaves the namespace;
# nothing outside it changes.  Prints TAP for prove(1).
#
# usage: RESOLVE_MODE=so|a|preload|glibc [RESOLVE_LIB=DIR] [RESOLVE_SAMPLES=DIR] \
#            [RESOLVE_VALGRIND=auto|1|0] bash c-tests/resolve/run.sh OUTDIR
#
#   OUTDIR           where the test programs are built (created if missing)
#   RESOLVE_MODE     so      - programs linked with -lsockshim (RESOLVE_LIB/libsockshim.so)
#                    a       - programs linked with RESOLVE_LIB/libsockshim.a
#                    preload - programs built against glibc, run with
#                              LD_PRELOAD=RESOLVE_LIB/libsockshim.so (only they)
#                    glibc   - (or unset) glibc alone, binding proofs skipped
#   RESOLVE_LIB      directory of libsockshim.{so,a} (default: target/release)
#   RESOLVE_SAMPLES  directory with this mode's built samples (ruptimed);
#                    default build/MODE/samples; built into OUTDIR if missing
#   RESOLVE_VALGRIND memcheck run: auto (default: modes so and glibc), 1, 0
#   RESOLVE_SECS     seconds of the 16-thread run (default 3)
#   RESOLVE_ONLY     debugging aid: only these program runs, by label (e.g. "dns memcheck")
#
# Needs root (namespaces, port 53, apt-get): installs dnsmasq and valgrind if
# missing.  /etc/services and /etc/protocols stay the system's (netbase) for
# every group but custom_db, which binds test copies with parser corner cases,
# and reload, which edits a scratch copy of the system's /etc/services.
# The three modes may run at the same time (prove -j3): each run has its own
# namespaces, DNS server and scratch directory.

set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

if [ "${RESOLVE_INSIDE:-}" != 1 ]; then
	# ---- outside: tools, build, then re-run inside fresh namespaces --------
	if [ $# -ne 1 ]; then
		echo "usage: RESOLVE_MODE=so|a|preload|glibc bash $0 OUTDIR" >&2
		exit 2
	fi
	bail() { echo "Bail out! $*"; exit 1; }
	if [ "$(id -u)" != 0 ]; then
		echo "1..0 # SKIP needs root (network namespace, port 53)"
		exit 0
	fi
	MODE=${RESOLVE_MODE:-glibc}
	LIB=${RESOLVE_LIB:-$root/target/release}
	LIB=$(cd "$LIB" 2>/dev/null && pwd) || bail "RESOLVE_LIB=$LIB: no such directory"
	mkdir -p "$1" || bail "mkdir $1"
	OUT=$(cd "$1" && pwd)
	missing=
	command -v dnsmasq >/dev/null 2>&1 || [ -x /usr/sbin/dnsmasq ] || missing="$missing dnsmasq"
	command -v valgrind >/dev/null 2>&1 || missing="$missing valgrind"
	if [ -n "$missing" ]; then
		echo "# installing:$missing"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >"$OUT/apt.log" 2>&1 ||
			{ apt-get update -qq >/dev/null 2>&1 &&
			  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >"$OUT/apt.log" 2>&1; } ||
			bail "apt-get install$missing failed (see $OUT/apt.log)"
	fi
	for tool in unshare ip timeout mount nm readelf cc; do
		command -v $tool >/dev/null 2>&1 || bail "needs $tool"
	done

	CC=${CC:-cc}
	CFLAGS="-O2 -g -Wall -Wextra -Werror -I$root/c-tests"
	case $MODE in
	so) link=(-L"$LIB" -lsockshim -Wl,-rpath,"$LIB" -ldl -lpthread) ;;
	a) link=("$LIB/libsockshim.a" -lm -lrt -lpthread -ldl) ;;
	preload | glibc) link=(-ldl -lpthread) ;;
	*) bail "unknown RESOLVE_MODE '$MODE' (want so, a, preload or glibc)" ;;
	esac
	case $MODE in
	so | preload) [ -f "$LIB/libsockshim.so" ] || bail "$LIB/libsockshim.so missing" ;;
	a) [ -f "$LIB/libsockshim.a" ] || bail "$LIB/libsockshim.a missing" ;;
	esac
	for p in diff_resolve threads memcheck wireq; do
		$CC $CFLAGS "$here/$p.c" "${link[@]}" -o "$OUT/$p" 2>"$OUT/$p.cc.log" ||
			bail "cc $p.c failed: $(head -c 600 "$OUT/$p.cc.log")"
	done
	$CC -O2 -g -Wall -Wextra "$here/ruptime_gai.c" "$root/c-tests/samples/apue.c" "${link[@]}" \
		-o "$OUT/ruptime_gai" 2>"$OUT/ruptime_gai.cc.log" || bail "cc ruptime_gai.c failed"
	# the same client on glibc alone: what its error messages must say
	$CC -O2 -g -Wall -Wextra "$here/ruptime_gai.c" "$root/c-tests/samples/apue.c" \
		-o "$OUT/ruptime_gai.glibc" 2>>"$OUT/ruptime_gai.cc.log" || bail "cc ruptime_gai.c (glibc) failed"
	# helper servers: plain glibc programs, not under test
	$CC -O2 -Wall -Wextra -Werror "$here/dnsstub.c" -o "$OUT/dnsstub" 2>"$OUT/dnsstub.cc.log" ||
		bail "cc dnsstub.c failed"
	$CC -O2 -Wall -Wextra -Werror "$here/dnscraft.c" -o "$OUT/dnscraft" 2>"$OUT/dnscraft.cc.log" ||
		bail "cc dnscraft.c failed"
	SAMPLES=${RESOLVE_SAMPLES:-$root/build/$MODE/samples}
	if [ ! -x "$SAMPLES/ruptimed" ]; then
		$CC -O2 -g -Wall -Wextra "$root/c-tests/samples/ruptimed.c" "$root/c-tests/samples/apue.c" \
			"${link[@]}" -o "$OUT/ruptimed" 2>"$OUT/ruptimed.cc.log" || bail "cc ruptimed.c failed"
		SAMPLES=$OUT
	fi
	SAMPLES=$(cd "$SAMPLES" && pwd)
	export RESOLVE_INSIDE=1 RESOLVE_MODE=$MODE RESOLVE_LIB=$LIB RESOLVE_SAMPLES=$SAMPLES RESOLVE_OUT=$OUT
	exec timeout -k 5 600 unshare --mount --net --uts --fork --propagation private -- bash "$0" "$OUT"
fi

# ---- inside the namespaces ------------------------------------------------
MODE=$RESOLVE_MODE
LIB=$RESOLVE_LIB
OUT=$RESOLVE_OUT
SAMPLES=$RESOLVE_SAMPLES
VALGRIND=${RESOLVE_VALGRIND:-auto}
SECS=${RESOLVE_SECS:-3}
ONLY=${RESOLVE_ONLY:-}	# a debugging aid: run only these labels (and the ruptime part)
T0=$SECONDS

# shellcheck source=../tap.sh
. "$(dirname "${BASH_SOURCE[0]}")/../tap.sh"
ndiff=0

penv=()
prove=()
case $MODE in
preload) penv=("LD_PRELOAD=$LIB/libsockshim.so"); prove=(prove) ;;
so | a) prove=(prove) ;;
esac

tmp=$(mktemp -d /tmp/sockshim-resolve.XXXXXX) || bail "mktemp failed"
pids=()
cleanup() {
	local p
	trap - EXIT INT TERM HUP
	for p in "${pids[@]+"${pids[@]}"}"; do
		kill -TERM "$p" 2>/dev/null
	done
	sleep 0.2
	for p in "${pids[@]+"${pids[@]}"}"; do
		kill -KILL "$p" 2>/dev/null
	done
	wait 2>/dev/null
	# the mounts vanish with the namespace; nothing to unmount
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- the network: loopback only ---------------------------------------------
ip link set lo up || bail "ip link set lo up"
ip -6 addr show dev lo | grep -q '::1/128' || ip -6 addr add ::1/128 dev lo nodad 2>/dev/null
hostname box.sockshim.test || bail "hostname"
ip route get 8.8.8.8 >/dev/null 2>&1 && bail "the namespace has a route out"

# ---- configuration files ----------------------------------------------------
cat >"$tmp/hosts" <<'EOF'
127.0.0.1	localhost
::1	localhost ip6-localhost ip6-loopback
127.0.0.1	ruptime-server.sockshim.test ruptime-server
# a comment line
127.0.1.1	multi.hosts.test multi alias-a ALIAS-B
127.0.1.2	multi.hosts.test
10.20.30.40	both.hosts.test both
2001:db8:1::40	both.hosts.test both
fe80::40	ll.hosts.test
192.0.2.50	MixedCase.Hosts.Test mixedalias
  192.0.2.51   spaced.hosts.test	  tabbed   # comment after
notanaddress	bad.hosts.test
192.0.2.53
::ffff:192.0.2.54	mapped.hosts.test
192.0.2.55	dup.hosts.test
192.0.2.55	dup.hosts.test
192.0.2.56	long.hosts.test a1 a2 a3 a4 a5 a6 a7 a8 a9 a10 a11 a12 a13 a14 a15 a16 a17 a18 a19 a20
192.0.2.57	shadow.sockshim.test
EOF
cp "$tmp/hosts" "$tmp/hosts.orig"
printf 'hosts: files dns\nnetworks: files\nprotocols: files\nservices: files\n' >"$tmp/nsswitch.conf"
printf 'multi on\n' >"$tmp/host.conf"
: >"$tmp/gai.conf"	# empty: RFC 3484 default tables
: >"$tmp/resolv.conf"
for f in hosts nsswitch.conf host.conf gai.conf resolv.conf; do
	[ -e "/etc/$f" ] || bail "/etc/$f does not exist: cannot bind-mount over it"
	mount --bind "$tmp/$f" "/etc/$f" || bail "mount --bind $tmp/$f /etc/$f"
done

# ---- the DNS zone -------------------------------------------------------------
# sockshim.test, served by dnsmasq on 127.0.0.1 and 127.0.0.2.  Everything
# not defined here is NXDOMAIN (address=/#/), except fail.sockshim.test,
# forwarded to the SERVFAIL stub.  The big* names have more answers than fit
# in 512 bytes: glibc (no EDNS0) gets TC and asks again over TCP.
{
	for i in $(seq 40); do echo "198.51.100.$i big.sockshim.test"; done
	for i in $(seq 30); do printf '2001:db8:b::%x big6.sockshim.test\n' "$i"; done
	for i in $(seq 20); do echo "198.51.101.$i bigboth.sockshim.test"; printf '2001:db8:bb::%x bigboth.sockshim.test\n' "$i"; done
	for i in 20 21 22; do echo "192.0.2.$i multi.sockshim.test"; done
	for i in 20 21; do echo "2001:db8::$i multi.sockshim.test"; done
} >"$tmp/zone.hosts"
cat >"$tmp/dnsmasq.conf" <<EOF
no-resolv
no-hosts
no-poll
no-round-robin
bind-interfaces
listen-address=127.0.0.1,127.0.0.2
port=53
user=root
group=root
log-queries
log-facility=$tmp/dnsmasq.log
address=/#/
server=/fail.sockshim.test/127.0.0.4
addn-hosts=$tmp/zone.hosts
host-record=www.sockshim.test,192.0.2.10,2001:db8::10
host-record=v4only.sockshim.test,192.0.2.11
host-record=v6only.sockshim.test,2001:db8::11
host-record=shadow.sockshim.test,192.0.2.77
host-record=ruptime.sockshim.test,127.0.0.1
host-record=host.a.sockshim.test,192.0.2.30
host-record=other.b.sockshim.test,192.0.2.31
host-record=dual.a.sockshim.test,192.0.2.32
host-record=dual.b.sockshim.test,192.0.2.33
host-record=sub.dom.a.sockshim.test,192.0.2.34
host-record=dotted.zz,192.0.2.35
host-record=dotted.zz.a.sockshim.test,192.0.2.36
host-record=www.b.sockshim.test,192.0.2.37
cname=alias1.sockshim.test,alias2.sockshim.test
cname=alias2.sockshim.test,alias3.sockshim.test
cname=alias3.sockshim.test,www.sockshim.test
cname=cn1.sockshim.test,v4only.sockshim.test
cname=cn6.sockshim.test,v6only.sockshim.test
cname=chain1.sockshim.test,chain2.sockshim.test
cname=chain2.sockshim.test,chain3.sockshim.test
cname=chain3.sockshim.test,chain4.sockshim.test
cname=chain4.sockshim.test,chain5.sockshim.test
cname=chain5.sockshim.test,chain6.sockshim.test
cname=chain6.sockshim.test,chain7.sockshim.test
cname=chain7.sockshim.test,chain8.sockshim.test
cname=chain8.sockshim.test,multi.sockshim.test
mx-host=mxonly.sockshim.test,www.sockshim.test
EOF

# start NAME SECS cmd...: a background helper; waits for it to say "ready"
# (dnsstub) or for the DNS server to answer (dnsmasq).
start_bg() {
	local name=$1
	shift
	timeout -k 2 590 "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" </dev/null &
	pids+=($!)
}
start_bg dnsmasq dnsmasq --keep-in-foreground --conf-file="$tmp/dnsmasq.conf" --pid-file="$tmp/dnsmasq.pid"
start_bg drop "$OUT/dnsstub" 127.0.0.3 53 drop
start_bg servfail "$OUT/dnsstub" 127.0.0.4 53 servfail
start_bg refused "$OUT/dnsstub" 127.0.0.5 53 refused
start_bg craft "$OUT/dnscraft" 127.0.0.6 53 "$tmp/craft.qlog"

resolv() { printf '%s\n' "$@" >"$tmp/resolv.conf"; }
BASIC=("nameserver 127.0.0.1" "search a.sockshim.test b.sockshim.test" "options timeout:1 attempts:1")
resolv "${BASIC[@]}"
up=0
for i in $(seq 100); do
	if timeout 5 getent ahosts www.sockshim.test 2>/dev/null | grep -q 192.0.2.10; then
		up=1
		break
	fi
	sleep 0.1
done
[ $up = 1 ] || { diagf "$tmp/dnsmasq.err" "dnsmasq stderr"; diagf "$tmp/dnsmasq.log" "dnsmasq log"; bail "dnsmasq does not answer on 127.0.0.1:53"; }
for s in drop servfail refused craft; do
	grep -q ready "$tmp/$s.out" 2>/dev/null || sleep 0.5
	grep -q ready "$tmp/$s.out" 2>/dev/null || bail "$s server did not start: $(cat "$tmp/$s.err")"
done
ok "hermetic network up: lo only, dnsmasq on 127.0.0.1/127.0.0.2:53, bad servers on 127.0.0.3-5 (dnsstub) and a crafted one on 127.0.0.6 (dnscraft) ($MODE mode)"
nbig=$(timeout 10 getent ahosts big.sockshim.test | awk '$2 == "STREAM"' | wc -l)
check "$([ "$nbig" = 40 ] && echo 0)" "glibc gets all 40 A records of big.sockshim.test (over TCP after TC) (got $nbig)"

# ---- running test programs -------------------------------------------------------
# run_tap LABEL SECS [VAR=val...] -- prog args: runs a TAP program and folds its
# lines into this stream, renumbered and labelled; a crash, a timeout, a
# missing plan or a bail-out is a failure.
run_tap() {
	local label=$1 secs=$2 rc t=$SECONDS
	shift 2
	if [ -n "$ONLY" ] && [[ " $ONLY " != *" $label "* ]]; then
		return 0
	fi
	local envs=()
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	timeout -k 2 "$secs" env "${penv[@]+"${penv[@]}"}" "${envs[@]+"${envs[@]}"}" "$@" \
		>"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
	awk -v base="$n" -v label="$label" -v cnt="$tmp/cnt" '
		BEGIN { n = base; f = 0; plan = -1; seen = 0 }
		/^ok [0-9]+/ { n++; seen++; sub(/^ok [0-9]+/, "ok " n " [" label "]"); print; next }
		/^not ok [0-9]+/ { n++; seen++; f++; sub(/^not ok [0-9]+/, "not ok " n " [" label "]"); print; next }
		/^1\.\.[0-9]+/ { plan = substr($0, 4) + 0; next }
		/^Bail out!/ { n++; f++; print "not ok " n " [" label "] " $0; next }
		/^#/ { print; next }
		{ print "# " $0 }
		END {
			if (plan != seen) { n++; f++; print "not ok " n " [" label "] planned " plan " tests, ran " seen }
			print n, f > cnt
		}' "$tmp/out"
	read -r n f <"$tmp/cnt"
	ndiff=$((ndiff + $(awk '/^# differential cases: [0-9]+/ { s += $4 } END { print s + 0 }' "$tmp/out")))
	failed=$((failed + f))
	if [ $rc != 0 ] && { [ "$f" = 0 ] || [ $rc -ge 124 ]; }; then
		not_ok "[$label] exit status $rc$([ $rc = 124 ] && echo ' (timed out)')"
		diagf "$tmp/err" "$label stderr"
	fi
	diag "[$label] $((SECONDS - t)) s"
}

# group NAME DIFFGROUP RESOLV-LINES...: one diff_resolve group in its own process
group() {
	local label=$1 g=$2
	shift 2
	resolv "$@"
	run_tap "$label" 120 -- "$OUT/diff_resolve" "$g"
}

# expect_getent WHAT NAME ADDR [VAR=val...]: the configuration really is in
# force: glibc's getent hosts NAME answers ADDR first.
expect_getent() {
	local what=$1 name=$2 want=$3 got
	shift 3
	got=$(timeout 10 env "$@" getent hosts "$name" | awk '{ print $1; exit }')
	check "$([ "$got" = "$want" ] && echo 0)" "configuration in force ($what): glibc resolves $name to ${got:-nothing}, expected $want"
}

# the binding proofs (and the first group)
resolv "${BASIC[@]}"
run_tap numeric 120 -- "$OUT/diff_resolve" numeric "${prove[@]+"${prove[@]}"}"
group files files "${BASIC[@]}"
group services services "${BASIC[@]}"
group dns dns "${BASIC[@]}"
group statics statics "${BASIC[@]}"
group craft craft "nameserver 127.0.0.6" "options timeout:1 attempts:1"
group big big "nameserver 127.0.0.6" "options timeout:1 attempts:1"
group deviations deviations "nameserver 127.0.0.6" "options timeout:1 attempts:1"
group mixed mixed "nameserver 127.0.0.4" "nameserver 127.0.0.3" "nameserver 127.0.0.6" "search craft.test" \
	"options timeout:1 attempts:1"

# ---- the queries on the wire -----------------------------------------------------
# wire WHAT CALL NAME...: the same lookups by glibc and by sockshim (wireq.c)
# send the same queries to dnscraft, as its query log shows them: the same
# names (letter case included), types, order, count and transport (UDP,
# then TCP after truncation), and get the same results.
wire() {
	local what=$1 side
	shift
	if [ -n "$ONLY" ] && [[ " $ONLY " != *" wire "* ]]; then
		return 0
	fi
	for side in glibc ours; do
		: >"$tmp/craft.qlog"
		timeout -k 2 60 env "${penv[@]+"${penv[@]}"}" "$OUT/wireq" $side "$@" >"$tmp/wire.$side.out" 2>&1 </dev/null
		echo "exit $?" >>"$tmp/wire.$side.out"
		cp "$tmp/craft.qlog" "$tmp/wire.$side.log"
	done
	local q tcp
	q=$(wc -l <"$tmp/wire.glibc.log")
	tcp=$(grep -c '^tcp' "$tmp/wire.glibc.log")
	if [ "$q" -gt 0 ] && cmp -s "$tmp/wire.glibc.log" "$tmp/wire.ours.log" &&
		cmp -s "$tmp/wire.glibc.out" "$tmp/wire.ours.out"; then
		ok "wire ($what): $1 of $(($# - 1)) names sends glibc's $q queries ($tcp over TCP), same results"
	else
		not_ok "wire ($what): $1 of $(($# - 1)) names sends glibc's queries ($q, $tcp over TCP), same results"
		diff "$tmp/wire.glibc.log" "$tmp/wire.ours.log" | head -12 | sed 's/^/#   queries /' >&2
		diff "$tmp/wire.glibc.out" "$tmp/wire.ours.out" | head -6 | sed 's/^/#   results /' >&2
	fi
}
WIRE_NAMES=(two.craft.test Two.CRAFT.test tcok.craft.test tcclose.craft.test tchalf.craft.test tchuge.craft.test
	cnup.craft.test lie.craft.test nxans.craft.test none.craft.test two none upper.craft.test)
for conf in "" "options single-request" "options single-request-reopen" "options use-vc" "options ndots:3"; do
	resolv "nameserver 127.0.0.6" "search craft.test" "options timeout:1 attempts:1" ${conf:+"$conf"}
	for call in gai gai4 gai6 ghbn ghbn6; do
		wire "${conf:-default options}" $call "${WIRE_NAMES[@]}"
	done
done
resolv "nameserver 127.0.0.6" "options timeout:1 attempts:1"
wire "PTR" ghba 192.0.2.61 192.0.2.62 192.0.2.66 192.0.2.67 192.0.2.99
# Big answers: glibc re-asks while its buffer grows (getaddrinfo's scratch
# buffer, gethostbyname's static one), so the count of queries depends on
# the answer's size.
BIG_NAMES=(a60.craft.test a500.craft.test a4000.craft.test six300.craft.test both300.craft.test
	cn20.craft.test cn100.craft.test)
for call in gai gai4 gai6 ghbn ghbns ghbn6; do
	wire "big answers" $call "${BIG_NAMES[@]}"
done
group search-ndots1 search "${BASIC[@]}"
expect_getent "ndots:1, search a b" dotted.zz 192.0.2.35
expect_getent "ndots:1, search a b" dual 192.0.2.32
group search-ndots3 search "nameserver 127.0.0.1" "search a.sockshim.test b.sockshim.test" "options ndots:3 timeout:1 attempts:1"
expect_getent "ndots:3" dotted.zz 192.0.2.36
group search-domain search "nameserver 127.0.0.1" "domain b.sockshim.test" "options timeout:1 attempts:1"
expect_getent "domain b" dual 192.0.2.33
group search-default search ""	# no nameserver, no search: 127.0.0.1 and the hostname's domain
expect_getent "empty resolv.conf, hostname box.sockshim.test" v4only 192.0.2.11
resolv "${BASIC[@]}"
expect_getent "LOCALDOMAIN" dual 192.0.2.33 LOCALDOMAIN="b.sockshim.test a.sockshim.test"
run_tap search-env 60 LOCALDOMAIN="b.sockshim.test a.sockshim.test" RES_OPTIONS="ndots:2 attempts:1" -- \
	"$OUT/diff_resolve" search
group use-vc few "nameserver 127.0.0.1" "search a.sockshim.test" "options use-vc timeout:1"
group rotate few "nameserver 127.0.0.2" "nameserver 127.0.0.1" "search a.sockshim.test" "options rotate timeout:1"
group single-request few "nameserver 127.0.0.1" "search a.sockshim.test" "options single-request-reopen single-request timeout:1"
group servfail-then-ok few "nameserver 127.0.0.4" "nameserver 127.0.0.1" "search a.sockshim.test" "options timeout:1 attempts:1"
group refused-then-ok few "nameserver 127.0.0.5" "nameserver 127.0.0.1" "search a.sockshim.test" "options timeout:1 attempts:1"
group servfail-only slow "nameserver 127.0.0.4" "options timeout:1 attempts:1"
group dead-then-ok slow "nameserver 127.0.0.3" "nameserver 127.0.0.1" "options timeout:1 attempts:1"
group dead-only slow "nameserver 127.0.0.3" "options timeout:1 attempts:1"

# nsswitch.conf variants
for v in "dns files" "files" "dns"; do
	printf 'hosts: %s\nservices: files\nprotocols: files\n' "$v" >"$tmp/nsswitch.conf"
	group "nsswitch-${v// /-}" few "${BASIC[@]}"
done
# no source sockshim has (modules that are not installed), or a file glibc
# cannot parse: the answers depend on the caller's errno and h_errno
for v in "" "bogusmod" "files bogusmod" "bogusmod files" "bogusmod [UNAVAIL=return] files" "bogusmod dns" \
	"files [NOTFOUND=bogus] dns"; do
	printf 'hosts: %s\nservices: files\nprotocols: files\n' "$v" >"$tmp/nsswitch.conf"
	label=${v//[^a-zA-Z]/-}
	group "nsswitch-nosource-${label:-empty}" nosource "${BASIC[@]}"
done
printf 'hosts: files dns\nnetworks: files\nprotocols: files\nservices: files\n' >"$tmp/nsswitch.conf"

# AI_ADDRCONFIG: loopback only, then with a global IPv4, IPv6, both
resolv "${BASIC[@]}"
run_tap addrconfig-lo 60 -- "$OUT/diff_resolve" addrconfig
ip addr add 10.99.0.1/32 dev lo
run_tap addrconfig-v4 60 -- "$OUT/diff_resolve" addrconfig
ip -6 addr add 2001:db8:99::1/128 dev lo nodad
run_tap addrconfig-v4v6 60 -- "$OUT/diff_resolve" addrconfig
ip addr del 10.99.0.1/32 dev lo
run_tap addrconfig-v6 60 -- "$OUT/diff_resolve" addrconfig
ip -6 addr del 2001:db8:99::1/128 dev lo

# custom /etc/services and /etc/protocols (last lines without a newline)
cat >"$tmp/services" <<'EOF'
# custom services for sockshim's resolver tests
alpha		1001/tcp	al1 al2	# two aliases
alpha		1001/udp
beta		1002/udp
gamma	1003/tcp
delta 1004/tcp
	eps		1005/tcp		# leading whitespace
zeta		1006/tcp  ze # alias then comment
eta		1007/TCP
theta		1008/tcp#nospace
dupe		1009/tcp
dupe		1010/tcp
tabbed	1011/tcp	t1	t2
badport		99999/tcp
noport		/tcp
noslash		1012
HIGH		65535/tcp
comment		1013/tcp # comment with alpha 1001/udp
http		80/tcp		www
last		1014/udp	lastalias
EOF
printf 'final\t1015/tcp' >>"$tmp/services"
cat >"$tmp/protocols" <<'EOF'
# custom protocols for sockshim's resolver tests
ip	0	IP
tcp	6	TCP
udp	17	UDP
myproto	200	mp MP	# comment
noalias 201
	lead	202	L
bad	x300
EOF
printf 'last\t203\tfinal-alias' >>"$tmp/protocols"
mount --bind "$tmp/services" /etc/services && mount --bind "$tmp/protocols" /etc/protocols ||
	bail "bind-mount of test services/protocols"
run_tap custom-db 60 -- "$OUT/diff_resolve" custom_db
umount /etc/services /etc/protocols

# files edited under a running process (scratch copies: services too)
resolv "${BASIC[@]}"
cp /etc/services "$tmp/services.copy"
if mount --bind "$tmp/services.copy" /etc/services; then
	run_tap reload 60 RESOLVE_SCRATCH_ETC=1 -- "$OUT/diff_resolve" reload
	umount /etc/services
else
	not_ok "bind-mount a scratch /etc/services"
fi
cp "$tmp/hosts.orig" "$tmp/hosts"

# ---- 16 threads ---------------------------------------------------------------------
resolv "${BASIC[@]}"
run_tap threads $((SECS + 60)) -- "$OUT/threads" "$SECS" "${prove[@]+"${prove[@]}"}"

# ---- ruptime by name ------------------------------------------------------------------
srv_port=
start_srv() {
	srv_port=
	timeout -k 2 60 env "${penv[@]+"${penv[@]}"}" "$SAMPLES/ruptimed" 127.0.0.1 "$1" \
		>"$tmp/ruptimed.out" 2>"$tmp/ruptimed.err" </dev/null &
	srv_pid=$!
	pids+=($srv_pid)
	for i in $(seq 100); do
		{ IFS= read -r srv_port <"$tmp/ruptimed.out"; } 2>/dev/null && return 0
		kill -0 $srv_pid 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
if start_srv 3; then
	ok "ruptimed ($SAMPLES/ruptimed) listens on 127.0.0.1 port $srv_port"
	xenv=()
	[ "$MODE" = so ] || [ "$MODE" = preload ] && xenv=(LD_BIND_NOW=1 LD_DEBUG=bindings "LD_DEBUG_OUTPUT=$tmp/ld")
	for host in ruptime-server.sockshim.test ruptime.sockshim.test ruptime-server; do
		timeout -k 2 20 env "${penv[@]+"${penv[@]}"}" "${xenv[@]+"${xenv[@]}"}" "$OUT/ruptime_gai" "$host" "$srv_port" \
			>"$tmp/rup.out" 2>"$tmp/rup.err" </dev/null
		rc=$?
		xenv=()
		if [ $rc = 0 ] && grep -q 'load average' "$tmp/rup.out"; then
			ok "ruptime_gai $host $srv_port: uptime from ruptimed"
		else
			not_ok "ruptime_gai $host $srv_port: uptime from ruptimed (exit $rc)"
			diagf "$tmp/rup.err" "ruptime_gai stderr"
		fi
	done
	wait $srv_pid
	check $? "ruptimed served 3 clients and exited 0"
else
	not_ok "ruptimed listens on 127.0.0.1"
	diagf "$tmp/ruptimed.err" "ruptimed stderr"
fi
# unknown names: the same failure and message as the client built on glibc alone
for host in nothere.sockshim.test x.fail.sockshim.test; do
	timeout -k 2 20 env "${penv[@]+"${penv[@]}"}" "$OUT/ruptime_gai" "$host" 1 >/dev/null 2>"$tmp/rup.err" </dev/null
	rc=$?
	timeout -k 2 20 "$OUT/ruptime_gai.glibc" "$host" 1 >/dev/null 2>"$tmp/rup.glibc.err" </dev/null
	rcg=$?
	if [ $rc = $rcg ] && cmp -s "$tmp/rup.err" "$tmp/rup.glibc.err"; then
		ok "ruptime_gai $host fails as on glibc: $(head -1 "$tmp/rup.glibc.err")"
	else
		not_ok "ruptime_gai $host fails as on glibc (exit $rc vs $rcg)"
		diagf "$tmp/rup.err" "ruptime_gai stderr"
		diagf "$tmp/rup.glibc.err" "glibc ruptime_gai stderr"
	fi
done

# ---- the binding proofs, independent of the programs' own -------------------------------
RSYMS="getaddrinfo freeaddrinfo gai_strerror"
case $MODE in
so | preload)
	bad=
	for sym in $RSYMS; do
		line=$(cat "$tmp"/ld.* 2>/dev/null | grep "binding file [^ ]*/ruptime_gai \[" | grep -m1 "normal symbol \`$sym'")
		case $line in
		*" to "*libsockshim*) ;;
		"") bad="$bad $sym(no binding seen)" ;;
		*) bad="$bad $sym(${line#* to })" ;;
		esac
	done
	check "$([ -z "$bad" ] && echo 0)" "ruptime_gai binds $RSYMS to libsockshim (LD_DEBUG=bindings)${bad:+:$bad}"
	;;
a)
	bad=
	for p in ruptime_gai diff_resolve threads memcheck; do
		nm -D --undefined-only "$OUT/$p" 2>/dev/null |
			grep -qE " (getaddrinfo|freeaddrinfo|getnameinfo|gethostbyname|gethostbyname_r|gai_strerror)(@.*)?\$" &&
			bad="$bad $p"
	done
	missing=
	for sym in $RSYMS getnameinfo gethostbyname_r; do
		nm "$OUT/diff_resolve" | grep -qE " [TW] $sym\$" || missing="$missing $sym"
	done
	check "$([ -z "$bad$missing" ] && echo 0)" \
		"static programs define the resolver themselves (nm)${bad:+; importing:$bad}${missing:+; missing:$missing}"
	;;
*) skip "binding proof" "RESOLVE_MODE=$MODE" ;;
esac

# ---- valgrind memcheck -----------------------------------------------------------------
if [ "$VALGRIND" = auto ]; then
	case $MODE in so | glibc) VALGRIND=1 ;; *) VALGRIND=0 ;; esac
fi
if [ "$VALGRIND" = 1 ]; then
	resolv "${BASIC[@]}"
	run_tap memcheck 240 -- valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
		--show-leak-kinds=definite "$OUT/memcheck" 10000 "${prove[@]+"${prove[@]}"}"
	# the hostile replies again, under memcheck: no invalid read, no leak
	resolv "nameserver 127.0.0.6" "options timeout:1 attempts:1"
	run_tap craft-memcheck 300 -- valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
		--show-leak-kinds=definite "$OUT/diff_resolve" craft
	run_tap big-memcheck 300 -- valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
		--show-leak-kinds=definite "$OUT/diff_resolve" big
else
	skip "valgrind memcheck" "RESOLVE_VALGRIND=$VALGRIND in mode $MODE"
fi

diag "differential cases: $ndiff (all groups)"
diag "resolve suite, $MODE mode: $n tests, $failed failed, $((SECONDS - T0)) s"
echo "1..$n"
[ "$failed" = 0 ]
