//! sockshim-trace: run a program with sockshim preloaded and its socket calls
//! traced, strace-style; or decode a recording it made.
//!
//! The tracing itself happens inside libsockshim.so (`sockshim::trace`),
//! configured through `SOCKSHIM_*` environment variables. This command only
//! sets them, checks that preloading can work, runs the program, and reads
//! recordings back with the library's own reader and formatters.
#![deny(unsafe_code)]
#![deny(clippy::undocumented_unsafe_blocks)]

#[path = "sockshim_trace/args.rs"]
mod args;
#[path = "sockshim_trace/conv.rs"]
mod conv;
#[path = "sockshim_trace/decode_cmd.rs"]
mod decode_cmd;
#[path = "sockshim_trace/elf.rs"]
mod elf;
#[path = "sockshim_trace/env.rs"]
mod env;
#[path = "sockshim_trace/packet.rs"]
mod packet;
#[path = "sockshim_trace/pcap_cmd.rs"]
mod pcap_cmd;
#[path = "sockshim_trace/pcapng.rs"]
mod pcapng;
#[path = "sockshim_trace/preload.rs"]
mod preload;
#[path = "sockshim_trace/program.rs"]
mod program;
#[path = "sockshim_trace/run.rs"]
mod run;
#[path = "sockshim_trace/signals.rs"]
mod signals;
#[path = "sockshim_trace/summary.rs"]
mod summary;

use std::process::ExitCode;

use args::Invocation;

const NAME: &str = "sockshim-trace";

const USAGE: &str = "\
Usage: sockshim-trace [-cfhtTVy] [-e trace=SET] [-e inject=RULE] [-o FILE]
                      [-s STRSIZE] [--json] [--record FILE] [--pcap OUT] PROG [ARGS]
   or: sockshim-trace decode [-tTy] [-e trace=SET] [-s STRSIZE] [--json|-c] FILE
   or: sockshim-trace decode FILE... --pcap OUT [--pcap-dns]

Runs PROG with libsockshim.so preloaded (LD_PRELOAD) and prints its socket
calls as strace does. The options mean what they mean to strace:

  -c             count time, calls, errors and bytes sent and received per
                 function; print that table instead of the trace when PROG
                 exits (to stderr, or to -o FILE)
  -e trace=SET   trace only SET: function names (connect,send), classes
                 %network (%setup + %data), %setup, %data, %ready, %resolve,
                 %fd (the % may be left out), all, none; !SET for the others;
                 `-e SET` is short for it
  -e inject=SET[:error=ERRNO|:retval=N|:reset][:delay_enter=DUR][:delay_exit=DUR]
            [:short=N][:rate=BYTES/s][:to=ADDR[:PORT]][:fd=CLASS]
            [:when=FIRST[..LAST][+[STEP]]]
                 inject faults into SET's calls, in the process (no ptrace):
                 fail them (not performed), return N, reset the connection
                 (the peer sees an RST; ECONNRESET), delay them (DUR: 10ms,
                 2s; us when no unit), move at most N bytes per data call,
                 pace data calls to BYTES/s (rate=64k);
                 to= only calls whose peer is ADDR[:PORT] (to=*:6379), fd=
                 only on sockets of CLASS (tcp udp unix inet inet6 ip);
                 when= counts each function's calls as strace does; several
                 rules with ';' or several -e; the trace marks (INJECTED)
  -e fault=SET[:error=ERRNO][:when=...]
                 strace's fault=: inject=, error=ENOSYS unless given
  -f             follow forks: always on (children inherit LD_PRELOAD)
  -ff            with -o FILE: each process's trace goes to FILE.PID
  -o FILE        write the trace to FILE instead of stderr; every process
                 appends to it, lines of a process that forked or has threads
                 start with [pid N]
  -s STRSIZE     print at most STRSIZE bytes of data (default 32, at most 4096)
  -t, -tt, -ttt  start each line with the time of day, with microseconds, or
                 as seconds since the epoch
  -T             show the time spent in each call: <seconds>
  -y, -yy        show each socket's protocol and addresses: 3<TCP:[a->b]>
  --json         one JSON object per call instead of strace's text (to stderr
                 or -o FILE)
  --record FILE  record every call into FILE (binary, memory-mapped, shared by
                 all processes; %p in FILE makes one file per process); print
                 no trace unless -o or --json asks for it too
  --pcap OUT     record every call with its whole payload (up to 64 KiB a
                 call), then write the conversations to OUT as pcapng (as
                 decode --pcap); no trace unless -o or --json asks for it
  -h, --help     this text
  -V, --version  the version

decode FILE      prints a recording on stdout: the trace a live run shows, the
                 same lines (--json: JSON), or the -c table (-c). FILE may be
                 one recording, or the name of a family: FILE.PID files, or a
                 name with %p. -t -T -y -s -e apply as above.
decode FILE... --pcap OUT
                 writes the recordings' conversations to OUT as pcapng for
                 Wireshark/tshark: synthesized IPv4/IPv6 TCP and UDP packets
                 with the real addresses (Unix sockets as fd00::INODE), one
                 stream per connection even when both sides were recorded
                 (give every FILE); a damaged recording is converted up to its
                 last whole record and the status is 1. --pcap-dns: the
                 resolver's DNS messages, which recordings do not hold (says
                 what is missing).

A program called `decode` runs with `sockshim-trace -- decode`.

SOCKSHIM_LIB names the library to preload; by default the one next to this
command (../lib/libsockshim.so.0 when installed; target/release/libsockshim.so
in the build tree). It goes after any LD_PRELOAD entries already set, so an
existing interposer keeps seeing the calls first.

Some programs cannot be traced this way: LD_PRELOAD works only where glibc's
dynamic loader loads the program. sockshim-trace says why and exits 1, running
nothing, for a statically linked program (static-pie too), a setuid or setgid
program that would change ids (the loader ignores LD_PRELOAD paths for it) and
a program not built for x86_64 (strace, which uses ptrace, can trace the
static ones, and setuid ones when run by root).
Only calls made through the socket API are seen, not raw syscall(2); times are
wall-clock.

Exit status: PROG's, or 128+N if signal N killed it; 1 when sockshim-trace
itself fails (bad arguments, PROG not found or not traceable, no library, a
file it cannot write or read).
";

fn main() -> ExitCode {
    let invocation = match args::parse(std::env::args_os().skip(1).collect()) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("{NAME}: {e}\nTry '{NAME} -h' for more information.");
            return ExitCode::FAILURE;
        }
    };
    match invocation {
        Invocation::Help => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        Invocation::Version => {
            println!("{NAME} -- version {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        Invocation::Run(opts) => run::run(&opts),
        Invocation::Decode(opts) => decode_cmd::decode(&opts),
    }
}

/// An I/O error in strace's words: "No such file or directory", without
/// std's " (os error 2)".
fn io_message(e: &std::io::Error) -> String {
    let text = e.to_string();
    match e.raw_os_error() {
        Some(code) => text
            .strip_suffix(&format!(" (os error {code})"))
            .unwrap_or(&text)
            .to_string(),
        None => text,
    }
}

/// Prints `sockshim-trace: MESSAGE` and gives the failure status.
fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("{NAME}: {message}");
    ExitCode::FAILURE
}
