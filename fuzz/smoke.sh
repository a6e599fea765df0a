#!/usr/bin/env bash
# Runs every fuzz target (or the ones named) for a short time over its
# committed corpus, and prints one TAP line per target. See fuzz/README.md.
#
#   bash fuzz/smoke.sh [target...]
#
# Exit status: 0 when no target found anything; 1 on a finding (the
# reproducer is saved under build/fuzz/artifacts/<target>/) or when a build
# fails. Installs cargo-fuzz when it is missing.
#
# Environment:
#   FUZZ_SECONDS=15   time per target (libFuzzer -max_total_time)
#   FUZZ_SANITIZER=none  none (stable Rust) | address (needs RUSTC_BOOTSTRAP=1,
#                     set here automatically: the toolchain is stable)
#   FUZZ_MERGE=0      1: afterwards, minimise the committed corpus together
#                     with what this run found (libFuzzer -merge=1, as
#                     `cargo fuzz cmin` does) and write it back to
#                     fuzz/corpus/<target>/ (for the long runs; see README)
#   FUZZ_ARGS=        extra libFuzzer arguments (e.g. -max_len=512)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
fuzz="$root/fuzz"
seconds=${FUZZ_SECONDS:-15}
sanitizer=${FUZZ_SANITIZER:-none}
merge=${FUZZ_MERGE:-0}
read -r -a extra <<<"${FUZZ_ARGS:-}"
triple=x86_64-unknown-linux-gnu
bin_dir="$fuzz/target/$triple/release"
work="$root/build/fuzz"
cargo_fuzz_version=0.13.2

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "# installing cargo-fuzz $cargo_fuzz_version (cargo install)" >&2
    cargo install --quiet --locked cargo-fuzz --version "$cargo_fuzz_version" >&2
fi

# The address sanitizer is a nightly flag (-Zsanitizer): on the stable
# toolchain cargo-fuzz needs RUSTC_BOOTSTRAP=1 for it. "none" needs nothing.
if [[ $sanitizer != none ]]; then
    export RUSTC_BOOTSTRAP=1
fi

cd "$fuzz"
mapfile -t all < <(cargo fuzz list)
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=("${all[@]}")

echo "# building ${targets[*]} (cargo fuzz build -s $sanitizer)" >&2
cargo fuzz build --sanitizer "$sanitizer" >&2

echo "1..${#targets[@]}"
n=0
status=0
for t in "${targets[@]}"; do
    n=$((n + 1))
    corpus="$fuzz/corpus/$t"
    new="$work/new/$t"
    artifacts="$work/artifacts/$t"
    log="$work/$t.log"
    mkdir -p "$corpus" "$artifacts"
    rm -rf "$new"
    mkdir -p "$new"
    # New inputs go to $new (the first directory); the committed corpus is
    # only read.
    rc=0
    "$bin_dir/$t" "$new" "$corpus" -max_total_time="$seconds" -timeout=10 \
        -artifact_prefix="$artifacts/" -print_final_stats=1 "${extra[@]}" >"$log" 2>&1 || rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
    secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -n1)
    if [[ $rc -ne 0 ]]; then
        status=1
        repro=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n1)
        echo "not ok $n - fuzz $t: finding (libFuzzer exit $rc), reproducer ${repro:-none}, log $log"
        grep -E 'panicked|ERROR|SUMMARY' "$log" | head -n 5 | sed 's/^/# /'
        continue
    fi
    echo "ok $n - fuzz $t: ${execs:-?} execs in ${secs:-?} s, no finding"
    if [[ $merge == 1 ]]; then
        merged="$work/merged/$t"
        rm -rf "$merged"
        mkdir -p "$merged"
        "$bin_dir/$t" -merge=1 "$merged" "$corpus" "$new" >"$work/$t.merge.log" 2>&1
        rm -rf "$corpus"
        mv "$merged" "$corpus"
        echo "# $t: corpus minimised to $(find "$corpus" -type f | wc -l) files, $(du -sk "$corpus" | cut -f1) KiB"
    fi
done
exit "$status"
