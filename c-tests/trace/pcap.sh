#!/usr/bin/env bash
# The pcapng export of recordings (sockshim-trace decode FILE... --pcap OUT,
# sockshim-trace --pcap OUT PROG), read back with tshark.  One TAP stream:
#
#   prove --exec bash c-tests/trace/pcap.sh   (or: bash c-tests/trace/pcap.sh)
#
# Needs: target/release/libsockshim.so, target/cli/release/sockshim-trace
# (built here if missing), the samples (make samples: build/preload/samples),
# cc, tshark (Debian's; make deps installs it), perl, python3 and curl for
# the HTTP group.  Builds progs/*.c into build/trace/.
#
# What is checked, against what the programs themselves read and wrote
# (their input and output files), never against our own output:
#   - every pcapng file is read by tshark without a malformed packet or an
#     expert warning or error (tshark -z expert);
#   - TCP echo over 127.0.0.1 and ::1 and over a Unix stream socket, client
#     and server both recorded (whole payloads): tshark's follow,tcp,raw
#     gives the client's input as the client->server bytes and the client's
#     output as the server->client bytes, byte for byte, in one stream (not
#     two copies); the same from the client's recording alone and from the
#     server's alone;
#   - HTTP: curl against python3 -m http.server on 127.0.0.1, both recorded:
#     dissected as HTTP, the request line and the 200 status, the body the
#     file served;
#   - UDP echo (progs/udpecho.c, forked): every datagram once each way, with
#     its own boundaries (one line each);
#   - a payload cut by the recording (SOCKSHIM_RECORD_PAYLOAD=128): captured
#     length 128 bytes of payload, original length the datagram's;
#   - progs/killme.c's child SIGKILLed in its send/recv loop: its recording
#     converts, holding every round trip the child completed;
#   - a recording cut in the middle: converted up to its last whole record,
#     where it stopped said on stderr, status 1; a newer format version is
#     refused naming it; --pcap-dns says what recordings lack;
#   - sockshim-trace --pcap OUT PROG records and converts in one go.
#
# Everything runs on loopback or Unix sockets, under timeout(1); the scratch
# directory is removed at exit (PCAP_KEEP=1 keeps it).

set -u

# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
GROUPS_ON=" ${PCAP_TESTS:-echo http rst udp cut kill bad run} "
TMO=${PCAP_TIMEOUT:-30}
SAMPLES=${PCAP_SAMPLES:-$ROOT/build/preload/samples}

[ -f "$LIB" ] || bail "$LIB missing: run make lib"
for tool in timeout cc cmp perl tshark mktemp; do
	command -v "$tool" >/dev/null 2>&1 || bail "needs $tool (make deps)"
done
for p in echod_poll echo_client echod6 echo6 echod_unix echo_unix; do
	[ -x "$SAMPLES/$p" ] || bail "$SAMPLES/$p missing: run make samples"
done

scratch sockshim-pcap PCAP_KEEP

build_progs
build_cli "$tmp/cli-build.log"
[ -x "$CLI" ] || bail "no $CLI"

# traced REC PAYLOAD PROG ARGS...: runs PROG preloaded, recording into REC
# with PAYLOAD bytes kept per call (stdin, stdout, stderr as the caller's)
traced() {
	local rec=$1 payload=$2
	shift 2
	timeout -k 2 "$TMO" env LD_PRELOAD="$LIB" SOCKSHIM_RECORD="$rec" SOCKSHIM_RECORD_PAYLOAD="$payload" "$@"
}

# serve NAME REC PROG ARGS...: a traced server in the background (stdout
# $tmp/NAME.out, stderr $tmp/NAME.err, whole payloads); waits for its first
# line, put in SRV_LINE; SRV_PID its process; non-zero if it said nothing
serve() {
	local name=$1 rec=$2 i
	shift 2
	SRV_LINE=
	traced "$rec" 65536 "$@" </dev/null >"$tmp/$name.out" 2>"$tmp/$name.err" &
	SRV_PID=$!
	bgpids+=("$SRV_PID")
	for i in $(seq 100); do
		SRV_LINE=$(head -n 1 "$tmp/$name.out" 2>/dev/null)
		[ -n "$SRV_LINE" ] && return 0
		kill -0 "$SRV_PID" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# pcap OUT FILE...: decode FILE... --pcap OUT; status in $?, stderr in OUT.err
pcap() {
	local out=$1
	shift
	timeout -k 2 "$TMO" "$CLI" decode "$@" --pcap "$out" 2>"$out.err"
}

# clean PCAP [ALLOWED]: tshark reads it, no malformed packet, no expert
# warning or error (but those whose summary matches the Perl regex ALLOWED);
# the reasons as diagnostics
clean() {
	local f=$1 allowed=${2:-^\$}
	if ! tshark -r "$f" >"$f.txt" 2>"$f.tshark-err"; then
		diag "tshark cannot read $f:"; diagf "$f.tshark-err" "tshark"; return 1
	fi
	if grep -q -i malformed "$f.txt"; then
		diag "malformed packets in $f:"; grep -i -m3 malformed "$f.txt" | sed 's/^/#   /' >&2; return 1
	fi
	tshark -r "$f" -q -z expert >"$f.expert" 2>/dev/null
	# the entries of the Errors and Warns sections, less the allowed ones
	if perl -ne '
		BEGIN { $ok = shift }
		if (/^(\w+) \(\d+\)$/) { $bad = $1 =~ /^(Errors|Errs|Warns|Warnings)$/; next }
		next unless $bad && /^\s+\d+\s+\S+\s+\S+\s+(.*)$/;
		next if $1 =~ /$ok/;
		$n++;
		END { exit($n ? 0 : 1) }' "$allowed" "$f.expert"; then
		diag "expert warnings or errors in $f:"; diagf "$f.expert" "tshark -z expert" 30; return 1
	fi
	return 0
}

# follow PCAP N PREFIX: TCP stream N's bytes, PREFIX.0 from node 0 (the
# client: the first packet's source), PREFIX.1 from node 1
follow() {
	tshark -r "$1" -q -z "follow,tcp,raw,$2" 2>/dev/null | perl -e '
		my ($p) = @ARGV; my $in = 0;
		open my $a, ">", "$p.0" or die; open my $b, ">", "$p.1" or die;
		binmode $a; binmode $b;
		while (<STDIN>) {
			chomp;
			if (/^Node 1:/) { $in = 1; next }
			next unless $in;
			last if /^=+$/;
			if (s/^\t//) { print $b pack("H*", $_) } else { print $a pack("H*", $_) }
		}' "$3"
}

# streams PCAP: how many TCP streams tshark sees
streams() { tshark -r "$1" -T fields -e tcp.stream 2>/dev/null | sort -u | grep -c .; }

# same WANT GOT WHAT: cmp, with the first difference as a diagnostic
same() {
	cmp -s "$1" "$2" && return 0
	diag "$3: $(cmp "$1" "$2" 2>&1 | head -1) ($(wc -c <"$1") bytes wanted, $(wc -c <"$2") got)"
	return 1
}

# random text lines of various lengths (the echo samples work by lines)
perl -e 'srand(13); for (1..60) { print join("", map { chr(33 + int(rand(94))) } 1 .. int(rand(300))), "\n" }' >"$tmp/lines"

# =============================================================================
# echo: TCP v4, v6, Unix; both sides, then each side alone
# =============================================================================
# echo_case TAG SERVER CLIENT ADDR: runs SERVER ADDR 1 and CLIENT against it
# (a port from the server's first line, or the path ADDR), both recorded
echo_case() {
	local tag=$1 server=$2 client=$3 addr=$4 d=$tmp/$1 bad=0
	mkdir -p "$d"
	if ! serve "$tag-srv" "$d/srv.rec" "$SAMPLES/$server" "$addr" 1; then
		not_ok "$tag: $server starts"; diagf "$tmp/$tag-srv.err" "$server stderr"; return
	fi
	local target=("$addr" "$SRV_LINE")
	[ "$tag" = unix ] && target=("$addr")
	traced "$d/cli.rec" 65536 "$SAMPLES/$client" "${target[@]}" <"$tmp/lines" >"$d/cli.out" 2>"$d/cli.err"
	local rc=$?
	wait "$SRV_PID"
	if [ $rc != 0 ] || ! same "$tmp/lines" "$d/cli.out" "$client's echo"; then
		not_ok "$tag: $client echoes its input (exit $rc)"; diagf "$d/cli.err" "$client stderr"; return
	fi
	local which files
	for which in both cli srv; do
		case $which in
		both) files=("$d/srv.rec" "$d/cli.rec") ;;
		cli) files=("$d/cli.rec") ;;
		srv) files=("$d/srv.rec") ;;
		esac
		bad=0
		pcap "$d/$which.pcapng" "${files[@]}" || { bad=1; diagf "$d/$which.pcapng.err" "decode --pcap"; }
		clean "$d/$which.pcapng" || bad=1
		local nstreams
		nstreams=$(streams "$d/$which.pcapng")
		[ "$nstreams" = 1 ] || { bad=1; diag "$which: $nstreams TCP streams, not 1"; }
		follow "$d/$which.pcapng" 0 "$d/$which.flow"
		same "$tmp/lines" "$d/$which.flow.0" "$which: client->server bytes" || bad=1
		same "$d/cli.out" "$d/$which.flow.1" "$which: server->client bytes" || bad=1
		check $bad "$tag: follow,tcp,raw from the $which recording(s) gives the bytes $client sent and received"
	done
	# in the order the calls happened: each packet's time (its call's start) never goes back
	tshark -r "$d/both.pcapng" -T fields -e frame.time_epoch 2>/dev/null >"$d/times"
	check "$(sort -c -g "$d/times" 2>/dev/null && [ -s "$d/times" ] && echo 0 || echo 1)" \
		"$tag: the packets of both recordings are in the order their calls started"
	case $tag in
	v4) tshark -r "$d/both.pcapng" -T fields -e ip.src -e ip.dst 2>/dev/null | sort -u >"$d/addrs"
	    check "$(grep -qvx "127.0.0.1	127.0.0.1" "$d/addrs" && echo 1 || echo 0)" "v4: every packet is 127.0.0.1 -> 127.0.0.1" ;;
	v6) tshark -r "$d/both.pcapng" -T fields -e ipv6.src -e ipv6.dst 2>/dev/null | sort -u >"$d/addrs"
	    check "$(grep -qvx "::1	::1" "$d/addrs" && echo 1 || echo 0)" "v6: every packet is ::1 -> ::1" ;;
	unix) tshark -r "$d/both.pcapng" -T fields -e frame.comment 2>/dev/null >"$d/comments"
	    check "$(grep -v -F -q "(unix $addr)" "$d/comments" && echo 1 || echo 0)" "unix: every packet's comment names the path $addr"
	    tshark -r "$d/both.pcapng" -T fields -e ipv6.src 2>/dev/null | sort -u >"$d/addrs"
	    check "$(grep -v -q '^fd00::' "$d/addrs" && echo 1 || echo 0)" "unix: the endpoints are fd00::INODE addresses" ;;
	esac
}
if on echo; then
	echo_case v4 echod_poll echo_client 127.0.0.1
	echo_case v6 echod6 echo6 ::1
	echo_case unix echod_unix echo_unix "$tmp/echo.sock"
	# The comments name the call, its pid and tid: the client's pid is in its recording's header.
	d=$tmp/v4
	if [ -s "$d/cli.rec" ]; then
		pid=$(od -An -t u4 -j 28 -N 4 "$d/cli.rec" | tr -d ' ')
		tshark -r "$d/both.pcapng" -T fields -e frame.comment 2>/dev/null >"$d/comments"
		check "$(grep -q "^send pid $pid tid $pid\$" "$d/comments" && echo 0 || echo 1)" \
			"v4: a client segment's comment is 'send pid $pid tid $pid'"
	fi
fi

# =============================================================================
# http: curl against python3 -m http.server, both recorded
# =============================================================================
if on http; then
	d=$tmp/http
	mkdir -p "$d/www"
	perl -e 'srand(7); print map { chr(32 + int(rand(95))) } 1 .. 5000' >"$d/www/page.txt"
	if ! command -v python3 >/dev/null || ! command -v curl >/dev/null; then
		skip "http: curl and python3's http.server, dissected as HTTP" "needs python3 and curl"
	elif ! serve http "$d/srv.rec" python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$d/www"; then
		not_ok "http: python3 -m http.server starts"; diagf "$tmp/http.err" "http.server stderr"
	else
		port=$(echo "$SRV_LINE" | sed -n 's/.* port \([0-9]*\) .*/\1/p')
		traced "$d/cli.rec" 65536 curl -s -o "$d/got.txt" "http://127.0.0.1:$port/page.txt" 2>"$d/curl.err"
		rc=$?
		kill -TERM "$SRV_PID" 2>/dev/null; wait "$SRV_PID" 2>/dev/null
		bad=0
		[ $rc = 0 ] && same "$d/www/page.txt" "$d/got.txt" "curl's download" || { bad=1; diagf "$d/curl.err" "curl"; }
		pcap "$d/http.pcapng" "$d/srv.rec" "$d/cli.rec" || { bad=1; diagf "$d/http.pcapng.err" "decode --pcap"; }
		clean "$d/http.pcapng" || bad=1
		tshark -r "$d/http.pcapng" -Y http.request -T fields -e http.request.method -e http.request.uri \
			-e http.request.version 2>/dev/null >"$d/req"
		tshark -r "$d/http.pcapng" -Y http.response -T fields -e http.response.code 2>/dev/null >"$d/resp"
		[ "$(cat "$d/req")" = "GET	/page.txt	HTTP/1.1" ] || { bad=1; diag "requests: $(cat "$d/req")"; }
		[ "$(cat "$d/resp")" = 200 ] || { bad=1; diag "responses: $(cat "$d/resp")"; }
		# (curl has a socket pair of its own: the HTTP stream is the request's)
		hs=$(tshark -r "$d/http.pcapng" -Y http.request -T fields -e tcp.stream 2>/dev/null)
		follow "$d/http.pcapng" "${hs:-0}" "$d/flow"
		# the response's body: what follows the blank line after the headers
		perl -0777 -ne 'print $1 if /\r\n\r\n(.*)\z/s' "$d/flow.1" >"$d/body"
		same "$d/www/page.txt" "$d/body" "the response body in the stream" || bad=1
		check $bad "http: curl + http.server dissected as HTTP: 'GET /page.txt HTTP/1.1', status 200, the file's bytes"
	fi
fi

# =============================================================================
# rst: a server closes with the client's bytes unread; the client's next
# recv fails with ECONNRESET
# =============================================================================
if on rst; then
	d=$tmp/rst
	mkdir -p "$d"
	cat >"$d/rst.py" <<'PY'
import socket, sys, time
if sys.argv[1] == "server":
    s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
    print(s.getsockname()[1], flush=True)
    c, _ = s.accept()
    time.sleep(0.3)   # the client's bytes arrive, unread
    c.close()         # closed with unread data: the kernel resets
else:
    c = socket.create_connection(("127.0.0.1", int(sys.argv[2])))
    c.sendall(b"unread")
    time.sleep(0.6)
    try:
        c.recv(10)
        print("no reset")
    except ConnectionResetError:
        print("reset")
PY
	if ! command -v python3 >/dev/null; then
		skip "rst: ECONNRESET is a RST from the peer" "needs python3"
	elif ! serve rst "$d/srv.rec" python3 "$d/rst.py" server; then
		not_ok "rst: the python server starts"; diagf "$tmp/rst.err" "server stderr"
	else
		out=$(traced "$d/cli.rec" 65536 python3 "$d/rst.py" client "$SRV_LINE" 2>"$d/cli.err")
		wait "$SRV_PID"
		bad=0
		[ "$out" = reset ] || { bad=1; diag "the client says '$out'"; diagf "$d/cli.err" "client stderr"; }
		pcap "$d/rst.pcapng" "$d/srv.rec" "$d/cli.rec" || { bad=1; diagf "$d/rst.pcapng.err" "decode --pcap"; }
		clean "$d/rst.pcapng" '^Connection reset \(RST\)$' || bad=1
		# one RST, from the server's port to the client's, after the server's FIN
		tshark -r "$d/rst.pcapng" -T fields -e tcp.srcport -e tcp.flags.str 2>/dev/null >"$d/flags"
		grep -q "^$SRV_LINE	.*R" "$d/flags" && [ "$(grep -c 'R' "$d/flags")" = 1 ] &&
			[ "$(tail -n 1 "$d/flags" | cut -f 1)" = "$SRV_LINE" ] ||
			{ bad=1; diagf "$d/flags" "ports and flags"; }
		check $bad "rst: the client's ECONNRESET is one RST from the server's port, last"
	fi
fi

# =============================================================================
# udp: progs/udpecho.c, a forked UDP echo
# =============================================================================
# datagrams PCAP: each UDP datagram's payload as hex, one a line
datagrams() { tshark -r "$1" -Y udp -T fields -e udp.srcport -e udp.dstport -e data.data 2>/dev/null; }
if on udp; then
	d=$tmp/udp
	mkdir -p "$d"
	head -n 20 "$tmp/lines" >"$d/in"
	traced "$d/rec" 65536 "$BUILD/udpecho" "$d/in" >"$d/out" 2>"$d/err"
	rc=$?
	bad=0
	[ $rc = 0 ] && same "$d/in" "$d/out" "udpecho" || { bad=1; diagf "$d/err" "udpecho stderr"; }
	pcap "$d/udp.pcapng" "$d/rec" || { bad=1; diagf "$d/udp.pcapng.err" "decode --pcap"; }
	clean "$d/udp.pcapng" || bad=1
	datagrams "$d/udp.pcapng" | awk '{ print $3 }' >"$d/got"
	# each line twice (there and back), in order, as hex
	perl -ne 'my $h = unpack("H*", $_); print "$h\n$h\n"' "$d/in" >"$d/want"
	same "$d/want" "$d/got" "datagrams (hex, one a line)" || bad=1
	datagrams "$d/udp.pcapng" | awk 'NR % 2 { a = $1 " " $2 } !(NR % 2) && a != $2 " " $1 { bad = 1 } END { exit bad }' ||
		{ bad=1; diag "a reply does not go back the way its request came"; }
	check $bad "udp: 20 datagrams echoed, each once each way with its boundaries (the file's lines)"
fi

# =============================================================================
# cut: a payload the recording cut shows captured < original length
# =============================================================================
if on cut; then
	d=$tmp/cut
	mkdir -p "$d"
	perl -e 'print "y" x 999, "\n"' >"$d/in"	# one 1000-byte datagram
	traced "$d/rec" 128 "$BUILD/udpecho" "$d/in" >"$d/out" 2>"$d/err"
	rc=$?
	bad=0
	[ $rc = 0 ] && same "$d/in" "$d/out" "udpecho" || bad=1
	pcap "$d/cut.pcapng" "$d/rec" || { bad=1; diagf "$d/cut.pcapng.err" "decode --pcap"; }
	clean "$d/cut.pcapng" || bad=1
	# IPv4 (20) + UDP (8) headers, then 128 of the 1000 payload bytes
	tshark -r "$d/cut.pcapng" -T fields -e frame.cap_len -e frame.len 2>/dev/null | sort -u >"$d/lens"
	[ "$(cat "$d/lens")" = "156	1028" ] || { bad=1; diag "cap_len/len: $(tr '\n' ' ' <"$d/lens")"; }
	datagrams "$d/cut.pcapng" | awk '{ print $3 }' | sort -u >"$d/got"
	[ "$(cat "$d/got")" = "$(perl -e 'print "79" x 128')" ] || { bad=1; diag "payload kept: $(head -c 80 "$d/got")"; }
	check $bad "cut: SOCKSHIM_RECORD_PAYLOAD=128, a 1000-byte datagram is 156 bytes captured of 1028, the 128 first bytes"
fi

# =============================================================================
# kill: a recording cut by SIGKILL converts up to its last record
# =============================================================================
if on kill; then
	d=$tmp/kill
	mkdir -p "$d"
	(cd "$d" && timeout -k 2 60 env LD_PRELOAD="$LIB" SOCKSHIM_RECORD="$d/rec.%p" "$BUILD/killme" 30 300 >"$d/out" 2>"$d/err")
	rc=$?
	read -r _ cpid _ acked _ <"$d/out"
	bad=0
	if [ $rc != 0 ] || [ -z "${acked:-}" ] || [ ! -s "$d/rec.$cpid" ]; then
		bad=1; diag "killme exit $rc"; diagf "$d/err" "killme stderr"
	else
		pcap "$d/kill.pcapng" "$d/rec.$cpid"
		prc=$?
		# 0, or 1 when the call being recorded at the kill left a torn record
		[ $prc = 0 ] || { [ $prc = 1 ] && grep -q "converted up to the last whole record" "$d/kill.pcapng.err"; } ||
			{ bad=1; diag "decode --pcap exit $prc"; diagf "$d/kill.pcapng.err" "decode --pcap"; }
		clean "$d/kill.pcapng" || bad=1
		follow "$d/kill.pcapng" 0 "$d/flow"
		perl -e 'printf "K%010d.", $_ for 0 .. $ARGV[0] - 1' "$acked" >"$d/want"
		head -c "$(wc -c <"$d/want")" "$d/flow.0" >"$d/got"
		same "$d/want" "$d/got" "the first $acked tags sent" || bad=1
	fi
	check $bad "kill: the SIGKILLed child's recording converts with every round trip it completed (${acked:-?})"
fi

# =============================================================================
# bad: a recording cut in the middle; a newer version; --pcap-dns
# =============================================================================
if on bad; then
	d=$tmp/bad
	mkdir -p "$d"
	src=$tmp/v4/cli.rec
	if [ ! -s "$src" ]; then
		skip "bad: a cut recording converts up to its last whole record" "no echo recording (group echo)"
	else
		# the records end where the header's next-free offset (bytes 16-23) says
		end=$(od -An -t u8 -j 16 -N 8 "$src" | tr -d ' ')
		cut=$((end / 2 + 3))	# inside a record (records are 8-byte aligned)
		head -c "$cut" "$src" >"$d/cut.rec"
		pcap "$d/cut.pcapng" "$d/cut.rec"
		rc=$?
		bad=0
		[ $rc = 1 ] || { bad=1; diag "exit $rc, not 1"; }
		grep -q "cut.rec: stopped at byte [0-9]* of $cut .*converted up to the last whole record" "$d/cut.pcapng.err" ||
			{ bad=1; diagf "$d/cut.pcapng.err" "decode --pcap stderr"; }
		clean "$d/cut.pcapng" || bad=1
		follow "$d/cut.pcapng" 0 "$d/flow"
		kept=$(wc -c <"$d/flow.0")
		# what it kept is the start of what the client sent, and not all of it
		{ [ "$kept" -gt 0 ] && [ "$kept" -lt "$(wc -c <"$tmp/lines")" ] &&
			cmp -s -n "$kept" "$d/flow.0" "$tmp/lines"; } || { bad=1; diag "kept $kept bytes of the client's data"; }
		check $bad "bad: a recording cut at byte $cut of $end converts up to its last whole record ($kept bytes sent kept), says where it stopped, exits 1"
		cp "$src" "$d/v2.rec"
		printf '\002' | dd of="$d/v2.rec" bs=1 seek=8 conv=notrunc 2>/dev/null
		pcap "$d/v2.pcapng" "$d/v2.rec"
		rc=$?
		check "$([ $rc = 1 ] && grep -q "v2.rec: unsupported recording version 2" "$d/v2.pcapng.err" && echo 0 || echo 1)" \
			"bad: a version 2 recording is refused, naming the version (exit $rc)"
	fi
	timeout -k 2 "$TMO" "$CLI" decode "$src" --pcap "$d/dns.pcapng" --pcap-dns 2>"$d/dns.err"
	rc=$?
	check "$([ $rc = 1 ] && grep -q "not the DNS messages" "$d/dns.err" && echo 0 || echo 1)" \
		"bad: --pcap-dns says recordings hold no DNS messages (exit $rc)"
fi

# =============================================================================
# run: sockshim-trace --pcap OUT PROG
# =============================================================================
if on run; then
	d=$tmp/run
	mkdir -p "$d"
	head -n 5 "$tmp/lines" >"$d/in"
	timeout -k 2 "$TMO" env SOCKSHIM_LIB="$LIB" "$CLI" --pcap "$d/run.pcapng" "$BUILD/udpecho" "$d/in" >"$d/out" 2>"$d/err"
	rc=$?
	bad=0
	[ $rc = 0 ] && same "$d/in" "$d/out" "udpecho" || { bad=1; diagf "$d/err" "sockshim-trace stderr"; }
	[ -s "$d/err" ] && { bad=1; diagf "$d/err" "sockshim-trace --pcap printed"; }
	clean "$d/run.pcapng" || bad=1
	datagrams "$d/run.pcapng" | awk '{ print $3 }' >"$d/got"
	perl -ne 'my $h = unpack("H*", $_); print "$h\n$h\n"' "$d/in" >"$d/want"
	same "$d/want" "$d/got" "datagrams" || bad=1
	check $bad "run: sockshim-trace --pcap OUT udpecho records whole payloads and writes the datagrams"
fi

tap_end
