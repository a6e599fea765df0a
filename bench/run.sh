#!/usr/bin/env bash
# `make bench`: builds bench/bench.c against libsockshim.so and prints a
# Markdown report comparing sockshim with glibc (see bench/README.md).
#
# Exit status: 0 when every case ran (whether or not a target was met: this is
# a report, not a test); nonzero when the build or a case fails to run.
#
# Environment:
#   BENCH_ROUNDS=21     rounds per case (each round runs both implementations)
#   BENCH_ROUND_MS=100  calibrated duration of one implementation's run per round
#   BENCH_BULK_MB=256   MiB per bulk transfer (one per round per implementation)
#   BENCH_PIN=same      same | split | none: CPU placement of parent and peers
#   BENCH_AA=1          A/A run: link glibc only, compare glibc with itself
#                       (measures the noise floor; the report says so)
#   BENCH_NO_CARGO=1    do not run `cargo build --release` first
#   SOCKSHIM_LIBDIR=dir take libsockshim.so from dir (default target/release)
#   BENCH_NETNS=auto    auto | 1 | 0: run in a network + mount namespace of its
#                       own with dnsmasq (bench/netns.sh), needed by the DNS
#                       case; auto = when root (1 insists, 0 never)
#   CC=cc               C compiler
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out="$root/build/bench"
libdir=${SOCKSHIM_LIBDIR:-$root/target/release}
cc=${CC:-cc}
cflags=(-O2 -g -Wall -Wextra -U_FORTIFY_SOURCE)

mkdir -p "$out"

# The resolver's DNS case needs a DNS server, and the resolver cases fixed
# /etc/hosts, /etc/resolv.conf and /etc/nsswitch.conf: bench/netns.sh gives
# the whole run a network and mount namespace of its own with dnsmasq on
# 127.0.0.1. That takes root (unshare) and dnsmasq (installed if missing).
netns=${BENCH_NETNS:-auto}
if [[ $netns == auto ]]; then
    if [[ $(id -u) == 0 ]] && command -v unshare >/dev/null; then netns=1; else netns=0; fi
fi
if [[ $netns == 1 ]] && ! command -v dnsmasq >/dev/null; then
    echo "bench: installing dnsmasq-base (the DNS server of the resolver case)" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dnsmasq-base) >&2
fi
run_bench() {
    if [[ $netns == 1 ]]; then
        exec unshare --mount --net --fork bash "$root/bench/netns.sh" "$@"
    fi
    echo "No network namespace (BENCH_NETNS=0 or not root): the machine's /etc/hosts and nsswitch.conf; no DNS case."
    exec "$@"
}

if [[ ${BENCH_AA:-0} != 0 ]]; then
    echo "bench: A/A mode: glibc against itself (noise floor), sockshim is not involved" >&2
    "$cc" "${cflags[@]}" -o "$out/bench-aa" "$root/bench/bench.c" -ldl
    export BENCH_ALLOW_SAME=1
    run_bench "$out/bench-aa"
fi

if [[ ${BENCH_NO_CARGO:-0} == 0 && -z ${SOCKSHIM_LIBDIR:-} ]]; then
    echo "bench: cargo build --release" >&2
    (cd "$root" && cargo build --release --quiet) >&2
fi
if [[ ! -e $libdir/libsockshim.so ]]; then
    echo "bench: $libdir/libsockshim.so not found" >&2
    exit 1
fi

# -lsockshim before the implicit -lc, so the program's own bindings of the
# socket calls resolve to sockshim; --no-as-needed keeps the DT_NEEDED even if
# a toolchain defaults to --as-needed. -ldl for dlopen/dlsym (a stub since
# glibc 2.34, harmless).
"$cc" "${cflags[@]}" -o "$out/bench" "$root/bench/bench.c" \
    -L"$libdir" -Wl,--no-as-needed -lsockshim -Wl,-rpath,"$libdir" -ldl

rev=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo "no commit")
if [[ -n $(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null) ]] ||
   ! git -C "$root" rev-parse -q --verify HEAD >/dev/null 2>&1; then
    rev="$rev (working tree has uncommitted changes)"
fi
echo "## sockshim vs glibc benchmark"
echo
echo "sockshim tree: $rev; bench built with: $("$cc" --version | head -n1), ${cflags[*]}"
run_bench "$out/bench"
