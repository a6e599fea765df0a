#!/usr/bin/env bash
# Proves, independently of the tests' own runtime checks, that the C test
# programs' socket calls resolve to sockshim in each mode:
#   so, preload  the dynamic loader's LD_DEBUG=bindings log names libsockshim
#                as the object each symbol bound to;
#   a            the program's symbol table defines the functions itself (T).
# Usage: bindings.sh BUILD_DIR   (with BUILD_DIR/{so,a,preload}/t/cancel.t)
set -euo pipefail
build=$1
lib=$(cd "$(dirname "$0")/.." && pwd)/target/release/libsockshim.so
syms=(socket socketpair bind listen accept connect send recv read poll select epoll_wait epoll_ctl getsockname)
fail=0
for mode in so preload; do
    prog=$build/$mode/t/cancel.t
    log=$(mktemp)
    if [ $mode = preload ]; then pre=$lib; else pre=; fi
    LD_PRELOAD=$pre LD_DEBUG=bindings LD_DEBUG_OUTPUT=$log "$prog" >/dev/null
    for s in "${syms[@]}"; do
        if ! grep -h "binding file $prog .* to .*libsockshim\.so.*: normal symbol \`$s'" "$log".* >/dev/null; then
            echo "bindings: $mode: $s did not bind to libsockshim"; fail=1
        fi
    done
    rm -f "$log" "$log".*
done
table=$(nm "$build/a/t/cancel.t")
for s in "${syms[@]}"; do
    if ! grep -q " T $s\$" <<<"$table"; then
        echo "bindings: a: $s is not defined by the statically linked program"; fail=1
    fi
done
[ $fail = 0 ] && echo "bindings: ${#syms[@]} symbols bound to sockshim in modes so (LD_DEBUG), preload (LD_DEBUG), a (nm)"
exit $fail
