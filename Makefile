# sockshim: build, test, install, demo, bench.
#   make          libraries (target/release/libsockshim.{so,a}) and include/sockshim.h
#   make demo     build everything, run a sample server and client on sockshim
#   make check    everything CI runs: header, layout, cargo test/clippy, the C
#                 suite and the samples in three modes (linked .so, linked .a,
#                 glibc build + LD_PRELOAD), install + pkg-config
#   make bench    glibc and sockshim side by side (a report, not a test)
#   make install PREFIX=/usr/local DESTDIR=   /   make uninstall

SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
.DEFAULT_GOAL := all

VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
REL := target/release
SO := $(REL)/libsockshim.so
A := $(REL)/libsockshim.a
HEADER := include/sockshim.h
# What a program linking libsockshim.a also needs: rustc's native-static-libs
# (`make static-libs`) less the implicit -lc.
LIBS_PRIVATE := -lm -lrt -lpthread

PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
BINDIR ?= $(PREFIX)/bin

CC ?= cc
CFLAGS ?= -O2 -g
TEST_CFLAGS := $(CFLAGS) -Wall -Wextra -Werror -Ic-tests
SAMPLE_CFLAGS := $(CFLAGS) -Wall -Wextra

# The three ways a program uses sockshim: link flags and how to run it.
MODES := so a preload
LINK_so := -L$(REL) -lsockshim -Wl,-rpath,$(CURDIR)/$(REL) -ldl -lpthread
LINK_a := $(CURDIR)/$(A) $(LIBS_PRIVATE) -ldl
LINK_preload := -ldl -lpthread
RUN_so := env
RUN_a := env
RUN_preload := env LD_PRELOAD=$(CURDIR)/$(SO)

# The C programs, by mode: build/<mode>/t/<test>.t and build/<mode>/samples/<sample>,
# plus the prove wrappers build/<mode>/samples.t and build/<mode>/resolve.t.
CTESTS := $(basename $(notdir $(filter-out c-tests/header_only.c,$(wildcard c-tests/*.c))))
SAMPLES := $(basename $(notdir $(filter-out c-tests/samples/apue.c,$(wildcard c-tests/samples/*.c))))
TEST_PROGS := $(foreach m,$(MODES),$(CTESTS:%=build/$m/t/%.t))
SAMPLE_PROGS := $(foreach m,$(MODES),$(SAMPLES:%=build/$m/samples/%) build/$m/samples.t)
RESOLVE_TS := $(MODES:%=build/%/resolve.t)

.PHONY: all lib header cli deps check check-header check-rust check-c check-samples check-resolve check-trace check-install \
        samples demo bench fuzz-smoke install uninstall clean static-libs
# A program whose link fails leaves no output that looks up to date.
.DELETE_ON_ERROR:

all: lib header

# --- what a fresh machine lacks ---------------------------------------------
# Installs only what is missing (Debian packages, Rust components).
deps:
	@missing=""; \
	command -v cc >/dev/null || missing="$$missing gcc"; \
	command -v g++ >/dev/null || missing="$$missing g++"; \
	command -v prove >/dev/null || missing="$$missing perl"; \
	command -v pkg-config >/dev/null || missing="$$missing pkg-config"; \
	command -v nm >/dev/null || missing="$$missing binutils"; \
	command -v uptime >/dev/null || missing="$$missing procps"; \
	command -v timeout >/dev/null || missing="$$missing coreutils"; \
	command -v strace >/dev/null || missing="$$missing strace"; \
	command -v unshare >/dev/null || missing="$$missing util-linux"; \
	command -v ip >/dev/null || missing="$$missing iproute2"; \
	[ -x /usr/sbin/sshd ] || missing="$$missing openssh-server"; \
	command -v dnsmasq >/dev/null || [ -x /usr/sbin/dnsmasq ] || missing="$$missing dnsmasq-base"; \
	command -v valgrind >/dev/null || missing="$$missing valgrind"; \
	command -v ssh >/dev/null && command -v scp >/dev/null || missing="$$missing openssh-client"; \
	command -v tshark >/dev/null || missing="$$missing tshark"; \
	command -v curl >/dev/null || missing="$$missing curl"; \
	command -v python3 >/dev/null || missing="$$missing python3"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi
	@cargo clippy --version >/dev/null 2>&1 || rustup component add clippy
	@cargo fmt --version >/dev/null 2>&1 || rustup component add rustfmt

# --- the library and its header ------------------------------------------------
lib:
	cargo build --release
	ln -sf libsockshim.so $(REL)/libsockshim.so.0

# The library files, as cargo leaves them after `lib`: a program that links one
# relinks only when cargo rebuilt it. The no-op recipe makes make read the file's
# time again after lib instead of assuming it new; `+` makes make -n do the same.
# They are cargo's: make never deletes them (.PRECIOUS).
$(SO) $(A): lib
	+@:
.PRECIOUS: $(SO) $(A)

# Refreshes the committed header from the build's cbindgen output.
header: lib
	@mkdir -p include
	@cmp -s $(REL)/include/sockshim.h $(HEADER) || { cp $(REL)/include/sockshim.h $(HEADER); echo "updated $(HEADER)"; }

# The sockshim-trace command, built without the C exports (feature "ffi") in
# its own target dir.
cli:
	cargo build --release --no-default-features --features cli --target-dir target/cli

# Prints what rustc says a static link of libsockshim.a needs.
static-libs:
	cargo rustc --release --lib --crate-type staticlib -- --print native-static-libs 2>&1 | grep native-static-libs

# --- make check ------------------------------------------------------------------
check: deps check-header lib check-rust check-c check-samples check-resolve check-trace check-install
	@echo "make check: all passed"

# Under -j too: when deps is a step (make check, demo, bench) nothing builds before
# it, and make check runs its suites one after another in this order (what each
# suite builds still builds in parallel).
ifneq ($(filter deps check demo bench,$(MAKECMDGOALS)),)
lib cli check-header check-rust $(TEST_PROGS) $(SAMPLE_PROGS) $(RESOLVE_TS): | deps
endif
ifneq ($(filter check,$(MAKECMDGOALS)),)
check-rust: | check-header
check-c: | check-rust
check-samples: | check-c
check-resolve: | check-samples
check-trace: | check-resolve
check-install: | check-trace
endif

# The committed header must equal a fresh generation, and compile alone as
# C11 and C++17 with every warning an error, and beside glibc's non-socket
# headers (before and after it), and in place of the samples' socket headers.
check-header: lib
	@cmp $(REL)/include/sockshim.h $(HEADER) || { \
	  echo "include/sockshim.h differs from what cbindgen generates: run make and commit it"; \
	  diff -u $(HEADER) $(REL)/include/sockshim.h | head -40; exit 1; }
	@mkdir -p build
	$(CC) -x c -std=c11 -Wall -Wextra -Werror -pedantic -Iinclude c-tests/header_only.c $(LINK_so) -o build/header_c11
	g++ -x c++ -std=c++17 -Wall -Wextra -Werror -pedantic -Iinclude c-tests/header_only.c $(LINK_so) -o build/header_cxx17
	./build/header_c11 && ./build/header_cxx17
	prove --exec 'bash' c-tests/header_mix.sh :: include $(LINK_so)
	@echo "header: matches cbindgen, compiles as C11 and C++17 alone and beside glibc's other headers (layout proof: compiled into the library build)"

check-rust:
	cargo test --release
	cargo clippy --release --all-targets -- -D warnings
	cargo test --release --no-default-features --features cli --target-dir target/cli --bins
	cargo clippy --release --no-default-features --features cli --target-dir target/cli --all-targets -- -D warnings
	cargo fmt --all -- --check

# Builds every C test three ways and runs them under prove.
check-c: lib $(TEST_PROGS)
	bash c-tests/bindings.sh build
	prove --exec '$(RUN_so)' build/so/t/*.t
	prove --exec '$(RUN_a)' build/a/t/*.t
	prove --exec '$(RUN_preload)' build/preload/t/*.t

# A test program per mode: linked to the .so, linked to the .a, or built against
# glibc alone (run with LD_PRELOAD); CFLAGS_<test> adds a test's own flags.
CFLAGS_fortify := -D_FORTIFY_SOURCE=2
TEST_HEADERS := $(wildcard c-tests/*.h)
build/so/t/%.t: c-tests/%.c $(TEST_HEADERS) $(SO)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) $(CFLAGS_$*) $< $(LINK_so) -o $@
build/a/t/%.t: c-tests/%.c $(TEST_HEADERS) $(A)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) $(CFLAGS_$*) $< $(LINK_a) -o $@
build/preload/t/%.t: c-tests/%.c $(TEST_HEADERS)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) $(CFLAGS_$*) $< $(LINK_preload) -o $@

# The APUE-style samples, built three ways (build/<mode>/samples/), and for each
# mode the script prove runs (build/<mode>/samples.t).
samples: lib $(SAMPLE_PROGS)

SAMPLE_DEPS := c-tests/samples/apue.c $(wildcard c-tests/samples/*.h)
build/so/samples/%: c-tests/samples/%.c $(SAMPLE_DEPS) $(SO)
	@mkdir -p $(@D)
	$(CC) $(SAMPLE_CFLAGS) $< c-tests/samples/apue.c $(LINK_so) -o $@
build/a/samples/%: c-tests/samples/%.c $(SAMPLE_DEPS) $(A)
	@mkdir -p $(@D)
	$(CC) $(SAMPLE_CFLAGS) $< c-tests/samples/apue.c $(LINK_a) -o $@
build/preload/samples/%: c-tests/samples/%.c $(SAMPLE_DEPS)
	@mkdir -p $(@D)
	$(CC) $(SAMPLE_CFLAGS) $< c-tests/samples/apue.c -o $@

build/%/samples.t: Makefile
	@mkdir -p $(@D)
	@printf '#!/bin/sh\nSAMPLE_MODE=%s SAMPLE_PRELOAD=%s exec bash %s %s\n' \
	  $* $(CURDIR)/$(SO) $(CURDIR)/c-tests/samples/run.sh $(CURDIR)/build/$*/samples > $@
	@chmod +x $@

# Every client/server pair on loopback, in the three modes, bytes checked.
check-samples: samples
	prove --exec '' build/so/samples.t build/a/samples.t build/preload/samples.t

# Name resolution against glibc, in a private mount+network namespace with
# its own /etc files and a real DNS server (dnsmasq), three ways in parallel.
check-resolve: lib samples $(RESOLVE_TS)
	prove -j3 --exec '' build/so/resolve.t build/a/resolve.t build/preload/resolve.t

build/%/resolve.t: Makefile
	@mkdir -p $(@D)
	@printf '#!/bin/sh\nRESOLVE_MODE=%s RESOLVE_LIB=%s RESOLVE_SAMPLES=%s exec bash %s %s\n' \
	  $* $(CURDIR)/$(REL) $(CURDIR)/build/$*/samples $(CURDIR)/c-tests/resolve/run.sh \
	  $(CURDIR)/build/$*/resolve > $@
	@chmod +x $@

# Tracing: golden files derived from strace, strace comparison, stress, SIGKILL,
# signals, the whole suite with recording on, descriptor classification, fork/exec
# (run.sh); the tracer never harms the program: full disks, file-size limits,
# FIFOs, /dev/full, read-only directories, planted symlinks, low descriptor
# limits, descriptors closed underneath (harm.sh); seccomp sandboxes and sshd
# (sandbox.sh); recordings exported as pcapng and read back with tshark
# (pcap.sh); fault injection (inject.sh).
check-trace: lib cli samples check-c
	prove --exec bash c-tests/trace/run.sh c-tests/trace/harm.sh c-tests/trace/sandbox.sh c-tests/trace/pcap.sh \
		c-tests/trace/inject.sh

# make install into a scratch DESTDIR, then build a program with pkg-config,
# shared and static, and run both; then make uninstall leaves nothing.
check-install: lib header build/preload/samples/ruptime
	rm -rf build/destdir
	$(MAKE) --no-print-directory install DESTDIR=$(CURDIR)/build/destdir PREFIX=/usr
	export PKG_CONFIG_SYSROOT_DIR=$(CURDIR)/build/destdir PKG_CONFIG_PATH=$(CURDIR)/build/destdir/usr/lib/pkgconfig; \
	  $(CC) -std=c11 c-tests/header_only.c $$(pkg-config --cflags --libs sockshim) \
	    -Wl,-rpath,$(CURDIR)/build/destdir/usr/lib -o build/pc_shared; \
	  $(CC) -std=c11 c-tests/header_only.c $$(pkg-config --cflags sockshim) -static \
	    $$(pkg-config --static --libs sockshim) -o build/pc_static; \
	  ./build/pc_shared && ./build/pc_static; \
	  readelf -d build/pc_shared | grep 'NEEDED.*libsockshim.so.0' >/dev/null; \
	  ! readelf -d build/pc_static 2>/dev/null | grep NEEDED >/dev/null
	! build/destdir/usr/bin/sockshim-trace -o build/trace.txt -e trace=connect build/preload/samples/ruptime 127.0.0.1 1
	grep 'connect(3, .*ECONNREFUSED' build/trace.txt >/dev/null
	$(MAKE) --no-print-directory uninstall DESTDIR=$(CURDIR)/build/destdir PREFIX=/usr
	test -z "$$(find build/destdir -type f -o -type l)"
	@echo "install: pkg-config shared and static builds run, installed sockshim-trace traces; uninstall removed everything"

# --- install -------------------------------------------------------------------
install: lib header cli
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(BINDIR)
	install -m 755 target/cli/release/sockshim-trace $(DESTDIR)$(BINDIR)/sockshim-trace
	install -m 755 $(SO) $(DESTDIR)$(LIBDIR)/libsockshim.so.$(VERSION)
	ln -sf libsockshim.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libsockshim.so.0
	ln -sf libsockshim.so.0 $(DESTDIR)$(LIBDIR)/libsockshim.so
	install -m 644 $(A) $(DESTDIR)$(LIBDIR)/libsockshim.a
	install -m 644 $(HEADER) $(DESTDIR)$(INCLUDEDIR)/sockshim.h
	sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(LIBDIR)|; s|@INCLUDEDIR@|$(INCLUDEDIR)|' \
	    -e 's|@VERSION@|$(VERSION)|; s|@LIBS_PRIVATE@|$(LIBS_PRIVATE)|' \
	    sockshim.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/sockshim.pc

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/libsockshim.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libsockshim.so.0 \
	      $(DESTDIR)$(LIBDIR)/libsockshim.so $(DESTDIR)$(LIBDIR)/libsockshim.a \
	      $(DESTDIR)$(INCLUDEDIR)/sockshim.h $(DESTDIR)$(LIBDIR)/pkgconfig/sockshim.pc \
	      $(DESTDIR)$(BINDIR)/sockshim-trace

# --- demo and bench ----------------------------------------------------------------
demo: deps header samples
	bash c-tests/demo.sh build/so/samples

bench: deps lib cli
	bash bench/run.sh
	bash bench/trace/run.sh
	bash bench/trace/nginx.sh
	unshare --mount --net --fork bash bench/netns.sh bash bench/icount.sh

# Each cargo-fuzz target for a short run over its committed corpus.
fuzz-smoke:
	bash fuzz/smoke.sh

clean:
	cargo clean
	rm -rf build
