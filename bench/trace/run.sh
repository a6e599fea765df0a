#!/usr/bin/env bash
# The cost of tracing, as a Markdown report (part of `make bench`).
#
# 1. 1-byte socketpair ping-pong (bench/trace/pingpong.c, send/recv in two
#    processes), ns per round trip, in these modes:
#      glibc      the program alone (reference only)
#      untraced   sockshim preloaded, tracing off: the baseline of every ratio
#      inject     sockshim preloaded, tracing off, SOCKSHIM_INJECT rules that
#                 match no call of the ping-pong (connect, getaddrinfo)
#      recording  sockshim preloaded, SOCKSHIM_RECORD=DIR/rec.%p
#      text       sockshim preloaded, live strace-format text to DIR/txt.%p
#      strace     strace -f -e trace=network -o DIR/strace (program alone)
#      ltrace     ltrace -f -e send+recv -o DIR/ltrace (program alone)
#    Method as in bench/README.md: R interleaved rounds (the mode order
#    rotates each round), every process pinned to one CPU, the median of
#    each mode, and the ratio = median over rounds of the per-round ratio
#    mode/untraced (p25-p75 shown as the noise).  The iteration count is
#    calibrated once so that an untraced run lasts BENCH_ROUND_MS; strace
#    and ltrace, 30-300x slower, run fewer iterations (the value is per
#    round trip either way).  Targets: recording <= 1.10, text <= 2.00,
#    inject <= 1.03.
# 2. redis-server on 127.0.0.1 (a free port found at run time), sockshim
#    preloaded, untraced versus recording, measured with redis-benchmark
#    (-n REDIS_N -q -t set,get -P 1), REDIS_ROUNDS interleaved rounds (the
#    order alternates), the median requests per second of each, and the
#    median over rounds of the per-round ratio recording/untraced (p25-p75
#    as the noise); target: recording >= 0.95x untraced.
#
# This is a report: exit status 0 whether or not a target is met, nonzero
# when something fails to build or run.
#
# Environment:
#   BENCH_ROUNDS=11      rounds of the ping-pong (0: skip it)
#   BENCH_ROUND_MS=150   calibrated duration of one untraced ping-pong run
#   BENCH_PIN=same       same: everything on the highest allowed CPU; none
#   REDIS_ROUNDS=5       rounds of the redis benchmark (0: skip it)
#   REDIS_N=100000       requests per redis-benchmark test
#   BENCH_NO_CARGO=1     do not run `cargo build --release`
#   SOCKSHIM_LIBDIR=dir  take libsockshim.so from dir (default target/release)
#   CC=cc
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out="$root/build/bench/trace"
libdir=${SOCKSHIM_LIBDIR:-$root/target/release}
lib="$libdir/libsockshim.so"
rounds=${BENCH_ROUNDS:-11}
round_ms=${BENCH_ROUND_MS:-150}
redis_rounds=${REDIS_ROUNDS:-5}
redis_n=${REDIS_N:-100000}
cc=${CC:-cc}
mkdir -p "$out"

# How tracing is switched on (the library's SOCKSHIM_* variables, see
# src/trace/config.rs).
# shellcheck source=../../c-tests/trace/env.sh
. "$root/c-tests/trace/env.sh"

if [[ ${BENCH_NO_CARGO:-0} == 0 && -z ${SOCKSHIM_LIBDIR:-} ]]; then
    echo "bench/trace: cargo build --release" >&2
    (cd "$root" && cargo build --release --quiet) >&2
fi
[[ -e $lib ]] || { echo "bench/trace: $lib not found" >&2; exit 1; }
"$cc" -O2 -Wall -Wextra -Werror -U_FORTIFY_SOURCE -o "$out/pingpong" "$root/bench/trace/pingpong.c"

need() {
    command -v "$1" >/dev/null 2>&1 && return 0
    echo "bench/trace: installing $2" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null 2>&1 || true
    command -v "$1" >/dev/null 2>&1
}
have_strace=1 have_ltrace=1 have_redis=1
need strace strace || have_strace=0
need ltrace ltrace || have_ltrace=0
{ need redis-server redis-server && need redis-benchmark redis-tools; } || have_redis=0

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sockshim-bench-trace.XXXXXX")
redis_pid=
cleanup() {
    [[ -n $redis_pid ]] && kill "$redis_pid" 2>/dev/null && wait "$redis_pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT

pin=()
if [[ ${BENCH_PIN:-same} == same ]] && command -v taskset >/dev/null; then
    cpu=$(taskset -pc $$ | sed 's/.*: //' | tr ',' '\n' | sed 's/.*-//' | sort -n | tail -1)
    pin=(taskset -c "$cpu")
fi

# run_mode MODE ITER: one ping-pong run, prints ns per round trip
run_mode() {
    local mode=$1 iter=$2 ns
    rm -rf "$tmp/run"
    mkdir -p "$tmp/run"
    case $mode in
    glibc) ns=$("${pin[@]}" "$out/pingpong" "$iter") ;;
    untraced) ns=$("${pin[@]}" env LD_PRELOAD="$lib" "$out/pingpong" "$iter") ;;
    inject) ns=$("${pin[@]}" env LD_PRELOAD="$lib" "SOCKSHIM_INJECT=$inject_rules" "$out/pingpong" "$iter") ;;
    recording) ns=$("${pin[@]}" env LD_PRELOAD="$lib" $(record_env "$tmp/run/rec.%p") "$out/pingpong" "$iter") ;;
    text) ns=$("${pin[@]}" env LD_PRELOAD="$lib" $(text_env "$tmp/run/txt.%p") "$out/pingpong" "$iter") ;;
    strace) ns=$("${pin[@]}" strace -f -qq -e trace=network -o "$tmp/run/strace" "$out/pingpong" "$iter") ;;
    ltrace) ns=$("${pin[@]}" ltrace -f -e send+recv -o "$tmp/run/ltrace" "$out/pingpong" "$iter") ;;
    esac
    # the run really was traced: its output holds the calls
    case $mode in
    recording) compgen -G "$tmp/run/rec.*" >/dev/null || { echo "bench/trace: recording made no file" >&2; return 1; } ;;
    text) grep -q 'send(' "$tmp/run"/txt.* 2>/dev/null || { echo "bench/trace: text tracing wrote no send line" >&2; return 1; } ;;
    esac
    echo "$ns"
}

# rules that name functions the ping-pong never calls
inject_rules='connect:error=ECONNREFUSED:when=1..2;getaddrinfo:error=EAI_AGAIN'
modes=(glibc untraced inject recording text)
[[ $have_strace == 1 ]] && modes+=(strace)
[[ $have_ltrace == 1 ]] && modes+=(ltrace)
declare -A div=([glibc]=1 [untraced]=1 [inject]=1 [recording]=1 [text]=1 [strace]=20 [ltrace]=100)

if [[ $rounds -gt 0 ]]; then
# calibrate: iterations for round_ms of untraced ping-pong
ns=$(run_mode untraced 20000)
iter=$(awk -v ns="$ns" -v ms="$round_ms" 'BEGIN { n = int(ms * 1e6 / ns); if (n < 1000) n = 1000; print n }')

declare -A vals
for ((r = 0; r < rounds; r++)); do
    # rotate the order so no mode always runs first or last
    for ((k = 0; k < ${#modes[@]}; k++)); do
        m=${modes[$(((k + r) % ${#modes[@]}))]}
        it=$((iter / div[$m]))
        [[ $it -lt 200 ]] && it=200
        v=$(run_mode "$m" "$it") || exit 1
        vals[$m]="${vals[$m]:-} $v"
    done
done

# stats NAME: "median p25 p75 ratio-median ratio-p25 ratio-p75"
stats() {
    awk -v a="${vals[$1]}" -v b="${vals[untraced]}" '
    function q(arr, n, f,   i, j, t, x) {
        for (i = 2; i <= n; i++) { t = arr[i]; for (j = i - 1; j >= 1 && arr[j] > t; j--) arr[j + 1] = arr[j]; arr[j + 1] = t }
        x = 1 + f * (n - 1); i = int(x); return (i >= n) ? arr[n] : arr[i] + (x - i) * (arr[i + 1] - arr[i])
    }
    BEGIN {
        n = split(a, va, " "); split(b, vb, " ")
        for (i = 1; i <= n; i++) { v[i] = va[i]; r[i] = va[i] / vb[i] }
        printf "%.0f %.3f %.3f %.3f\n", q(v, n, 0.5), q(r, n, 0.5), q(r, n, 0.25), q(r, n, 0.75)
    }'
}

echo "## Tracing overhead"
echo
echo "sockshim tree: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'); $(nproc) CPUs;" \
    "pinned: ${pin[*]:-no}; $rounds interleaved rounds, $iter round trips per untraced run"
echo
echo "| 1-byte socketpair ping-pong | ns/round trip (median) | ratio to untraced (median) | p25-p75 | target | met |"
echo "|---|---:|---:|---|---|---|"
for m in "${modes[@]}"; do
    read -r med rat r25 r75 < <(stats "$m")
    target=- met=-
    case $m in
    recording) target="<= 1.10" ;;
    text) target="<= 2.00" ;;
    inject) target="<= 1.03" ;;
    esac
    if [[ $target != - ]]; then
        lim=${target#<= }
        if awk -v r="$rat" -v l="$lim" 'BEGIN { exit !(r <= l) }'; then met=yes
        elif awk -v r="$r25" -v l="$lim" 'BEGIN { exit !(r <= l) }'; then met="no (within noise)"
        else met=no; fi
    fi
    label=$m
    case $m in
    glibc) label="glibc, no sockshim" ;;
    untraced) label="sockshim, untraced" ;;
    inject) label="sockshim, inject rules, none matching" ;;
    recording) label="sockshim, recording (SOCKSHIM_RECORD)" ;;
    text) label="sockshim, live text to a file" ;;
    strace) label="strace -f -e trace=network (glibc)" ;;
    ltrace) label="ltrace -f -e send+recv (glibc)" ;;
    esac
    printf '| %s | %s | %s | %s-%s | %s | %s |\n' "$label" "$med" "$rat" "$r25" "$r75" "$target" "$met"
done
echo
fi

# ---- start-up ------------------------------------------------------------------
# fork+exec of /bin/true (no socket call) STARTUP_N times per run, sockshim
# preloaded, untraced versus recording (SOCKSHIM_RECORD=DIR/rec.%p: each
# process creates its own file), STARTUP_ROUNDS interleaved rounds; the extra
# time per process is recording minus untraced of the same round (median and
# p25-p75 over rounds); target: <= 500 us.
startup_rounds=${STARTUP_ROUNDS:-11}
startup_n=${STARTUP_N:-100}
if [[ $startup_rounds -gt 0 ]]; then
    st=$tmp/startup
    mkdir -p "$st"
    # one run: microseconds per fork+exec of /bin/true in MODE
    startup_run() {
        local w=(env LD_PRELOAD="$lib") t0 t1 i
        [[ $1 == recording ]] && w+=("SOCKSHIM_RECORD=$st/rec.%p")
        t0=$(date +%s%N)
        for ((i = 0; i < startup_n; i++)); do "${w[@]}" /bin/true; done
        t1=$(date +%s%N)
        if [[ $1 == recording ]]; then
            [[ $(find "$st" -name 'rec.*' | wc -l) -ge $startup_n ]] || { echo "bench/trace: start-up recording made fewer than $startup_n files" >&2; return 1; }
            find "$st" -name 'rec.*' -delete
        fi
        echo $(((t1 - t0) / startup_n / 1000))
    }
    su_u="" su_r="" su_d=""
    for ((r = 0; r < startup_rounds; r++)); do
        order=(untraced recording)
        ((r % 2)) && order=(recording untraced)
        for m in "${order[@]}"; do
            v=$(startup_run "$m") || exit 1
            [[ $m == untraced ]] && a=$v || b=$v
        done
        su_u="$su_u $a" su_r="$su_r $b" su_d="$su_d $((b - a))"
    done
    quart() { echo "$1" | tr ' ' '\n' | grep . | sort -g | awk -v f="$2" '{ a[NR] = $1 } END { x = 1 + f * (NR - 1); i = int(x); printf "%.0f\n", (i >= NR) ? a[NR] : a[i] + (x - i) * (a[i + 1] - a[i]) }'; }
    d50=$(quart "$su_d" 0.5) d25=$(quart "$su_d" 0.25) d75=$(quart "$su_d" 0.75)
    met=$(awk -v d="$d50" -v q="$d25" 'BEGIN { print (d <= 500) ? "yes" : (q <= 500) ? "no (within noise)" : "no" }')
    echo "| start-up: fork+exec /bin/true, $startup_n per run, $startup_rounds rounds | untraced us/process (median) | recording us/process (median) | extra us (median of rounds) | p25-p75 | target | met |"
    echo "|---|---:|---:|---:|---|---|---|"
    printf '| sockshim preloaded | %s | %s | %s | %s-%s | <= 500 | %s |\n' "$(quart "$su_u" 0.5)" "$(quart "$su_r" 0.5)" "$d50" "$d25" "$d75" "$met"
    echo
fi

# ---- redis ---------------------------------------------------------------------
if [[ $redis_rounds -le 0 || $have_redis == 0 ]]; then
    echo "redis: skipped (REDIS_ROUNDS=$redis_rounds, redis installed: $have_redis)"
    exit 0
fi

free_port() {
    local p
    for _ in $(seq 50); do
        p=$((20000 + RANDOM % 40000))
        ss -Htln "sport = :$p" 2>/dev/null | grep -q . || { echo "$p"; return 0; }
    done
    return 1
}

# start_redis MODE: sets redis_pid and port; the server is sockshim-preloaded
start_redis() {
    local mode=$1 try extra=()
    [[ $mode == recording ]] && read -r -a extra <<<"$(record_env "$tmp/redis/rec.%p" | tr '\n' ' ')"
    rm -rf "$tmp/redis"
    mkdir -p "$tmp/redis"
    for try in 1 2 3 4 5; do
        port=$(free_port) || return 1
        env LD_PRELOAD="$lib" "${extra[@]}" redis-server --port "$port" --bind 127.0.0.1 --save '' \
            --appendonly no --dir "$tmp/redis" --daemonize no --loglevel warning \
            >"$tmp/redis/log" 2>&1 &
        redis_pid=$!
        for _ in $(seq 100); do
            if redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null | grep -q PONG; then return 0; fi
            kill -0 "$redis_pid" 2>/dev/null || break
            sleep 0.05
        done
        kill "$redis_pid" 2>/dev/null; wait "$redis_pid" 2>/dev/null || true
        redis_pid=
    done
    echo "bench/trace: redis-server did not start:" >&2
    cat "$tmp/redis/log" >&2
    return 1
}
stop_redis() {
    kill "$redis_pid" 2>/dev/null || true
    wait "$redis_pid" 2>/dev/null || true
    redis_pid=
}

declare -A rps
for ((r = 0; r < redis_rounds; r++)); do
    order=(untraced recording)
    ((r % 2)) && order=(recording untraced)
    for m in "${order[@]}"; do
        start_redis "$m" || exit 1
        res=$(timeout 120 redis-benchmark -h 127.0.0.1 -p "$port" -n "$redis_n" -q -t set,get -P 1 --csv 2>/dev/null)
        if [[ $m == recording ]] && ! compgen -G "$tmp/redis/rec.*" >/dev/null; then
            echo "bench/trace: redis-server made no recording" >&2
            exit 1
        fi
        stop_redis
        for t in SET GET; do
            v=$(echo "$res" | awk -F'","' -v t="$t" '{ gsub(/"/, "") } $1 ~ "^" t "$" || $0 ~ "^" t "," { split($0, f, ","); print f[2]; exit }')
            [[ -n $v ]] || { echo "bench/trace: no $t result from redis-benchmark: $res" >&2; exit 1; }
            rps[$m,$t]="${rps[$m,$t]:-} $v"
        done
    done
done
med() { echo "$1" | tr ' ' '\n' | grep . | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
# paired: per round recording/untraced, then median and p25-p75 over rounds
paired() {
    awk -v u="$1" -v c="$2" 'BEGIN {
        n = split(u, vu, " "); split(c, vc, " ")
        for (i = 1; i <= n; i++) r[i] = vc[i] / vu[i]
        for (i = 2; i <= n; i++) { t = r[i]; for (j = i - 1; j >= 1 && r[j] > t; j--) r[j + 1] = r[j]; r[j + 1] = t }
        q[1] = 0.5; q[2] = 0.25; q[3] = 0.75
        for (k = 1; k <= 3; k++) { x = 1 + q[k] * (n - 1); i = int(x); v[k] = (i >= n) ? r[n] : r[i] + (x - i) * (r[i + 1] - r[i]) }
        printf "%.3f %.3f %.3f\n", v[1], v[2], v[3]
    }'
}
echo "| redis-benchmark -n $redis_n -P 1, $redis_rounds rounds | untraced req/s (median) | recording req/s (median) | recording/untraced (median of rounds) | p25-p75 | target | met |"
echo "|---|---:|---:|---:|---|---|---|"
for t in SET GET; do
    u=$(med "${rps[untraced,$t]}")
    c=$(med "${rps[recording,$t]}")
    read -r ratio r25 r75 < <(paired "${rps[untraced,$t]}" "${rps[recording,$t]}")
    met=$(awk -v r="$ratio" -v q="$r75" 'BEGIN { print (r >= 0.95) ? "yes" : (q >= 0.95) ? "no (within noise)" : "no" }')
    printf '| %s | %.0f | %.0f | %s | %s-%s | >= 0.95 | %s |\n' "$t" "$u" "$c" "$ratio" "$r25" "$r75" "$met"
done
