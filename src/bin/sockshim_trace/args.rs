//! The command line, parsed the way strace parses its own: short flags may be
//! combined (`-fftT`), an option's value may be attached (`-s64`, `-ofile`) or
//! the next word, and the first word that is not an option starts the program
//! (everything after it is the program's).

use std::ffi::OsString;
use std::fmt;

/// strace's default `-s`.
pub const DEFAULT_STRSIZE: u32 = 32;

/// The largest `-s` accepted (strace takes any `int`).
const MAX_STRSIZE: u32 = i32::MAX as u32;

/// What the user asked for.
#[derive(Debug, PartialEq, Eq)]
pub enum Invocation {
    Help,
    Version,
    /// Run a program traced.
    Run(RunOptions),
    /// `sockshim-trace decode FILE [--json | -c]`.
    Decode(DecodeOptions),
}

/// How trace lines look: the options live tracing and `decode` share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Format {
    /// `-t` count: 1 wall clock, 2 (`-tt`) with microseconds, 3 (`-ttt`) seconds since the epoch.
    pub timestamps: u8,
    /// `-T`: time spent in each call.
    pub durations: bool,
    /// `-y` count; either `-y` or `-yy` shows each socket's protocol and addresses.
    pub decode_fds: u8,
    /// `-s N`: the longest string (data bytes) printed.
    pub strsize: u32,
    /// `-e trace=SET`, as given (`env::normalize_filter` checks it).
    pub trace_set: Option<String>,
    /// `--json`: JSON lines instead of strace's text.
    pub json: bool,
    /// `-e inject=RULE` / `-e fault=RULE` (repeatable): checked rules in
    /// `SOCKSHIM_INJECT`'s syntax, in order (running only).
    pub inject: Vec<String>,
}

impl Default for Format {
    fn default() -> Self {
        Format {
            timestamps: 0,
            durations: false,
            decode_fds: 0,
            strsize: DEFAULT_STRSIZE,
            trace_set: None,
            json: false,
            inject: Vec::new(),
        }
    }
}

/// `sockshim-trace [OPTIONS] PROG [ARGS]`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RunOptions {
    pub format: Format,
    /// `-f` count; children are always followed (they inherit LD_PRELOAD), and
    /// `-ff` with `-o FILE` writes `FILE.<pid>` per process.
    pub follow: u8,
    /// `-o FILE`.
    pub output: Option<OsString>,
    /// `--record FILE`.
    pub record: Option<OsString>,
    /// `-c`: a summary table instead of the trace.
    pub summary: bool,
    /// `--pcap OUT`: record (whole payloads), then write the recording's
    /// conversations to OUT as pcapng.
    pub pcap: Option<OsString>,
    /// The program and its arguments (never empty).
    pub command: Vec<OsString>,
}

impl RunOptions {
    /// `-ff -o FILE`: one output file per process.
    pub fn separate_files(&self) -> bool {
        self.follow >= 2 && self.output.is_some()
    }
}

/// `sockshim-trace decode FILE [--json | -c]`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DecodeOptions {
    pub format: Format,
    pub summary: bool,
    pub file: OsString,
    /// Further recordings (only with `--pcap`: both sides of connections).
    pub more: Vec<OsString>,
    /// `--pcap OUT`: pcapng instead of the trace.
    pub pcap: Option<OsString>,
    /// `--pcap-dns`: the resolver's DNS messages too.
    pub pcap_dns: bool,
}

/// A command-line mistake; printed as `sockshim-trace: MESSAGE` followed by a
/// pointer to `-h`, and the command exits 1.
#[derive(Debug, PartialEq, Eq)]
pub struct UsageError(pub String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn err<T>(msg: impl Into<String>) -> Result<T, UsageError> {
    Err(UsageError(msg.into()))
}

/// Parses the arguments after the command name.
pub fn parse(args: Vec<OsString>) -> Result<Invocation, UsageError> {
    if args.first().is_some_and(|a| a == "decode") {
        return parse_decode(args.into_iter().skip(1).collect());
    }
    parse_run(args)
}

/// One option word cut into options: the parser state both commands share.
struct Words {
    words: std::vec::IntoIter<OsString>,
}

impl Words {
    /// The value of option `name`: the rest of the word if any, else the next word.
    fn value(&mut self, rest: &str, name: &str) -> Result<OsString, UsageError> {
        if !rest.is_empty() {
            return Ok(OsString::from(rest));
        }
        match self.words.next() {
            Some(v) => Ok(v),
            None if name.len() == 1 => err(format!("option requires an argument -- '{name}'")),
            None => err(format!("option '--{name}' requires an argument")),
        }
    }
}

/// What a shared formatting option did to `format`, if the letter was one.
enum Shared {
    Taken,
    /// The letter takes a value (`-s`, `-e`); the caller passes the value to `shared_value`.
    NeedsValue,
    Other,
}

fn shared_flag(format: &mut Format, c: char) -> Shared {
    match c {
        't' => format.timestamps = format.timestamps.saturating_add(1).min(3),
        'T' => format.durations = true,
        'y' => format.decode_fds = format.decode_fds.saturating_add(1).min(2),
        's' | 'e' => return Shared::NeedsValue,
        _ => return Shared::Other,
    }
    Shared::Taken
}

fn shared_value(format: &mut Format, c: char, value: OsString) -> Result<(), UsageError> {
    let text = value.to_string_lossy();
    match c {
        's' => format.strsize = parse_strsize(&text)?,
        _ => match parse_expr(&text)? {
            Expr::Trace(set) => format.trace_set = Some(set),
            Expr::Inject(rules) => format.inject.push(rules),
        },
    }
    Ok(())
}

/// `-s N`: a non-negative `int`, as strace takes it.
fn parse_strsize(text: &str) -> Result<u32, UsageError> {
    match text.parse::<u32>() {
        Ok(n) if n <= MAX_STRSIZE && !text.starts_with('+') => Ok(n),
        _ => err(format!("invalid -s argument: '{text}'")),
    }
}

/// What one `-e EXPR` says.
enum Expr {
    Trace(String),
    /// Rules for `SOCKSHIM_INJECT`.
    Inject(String),
}

/// `-e EXPR`: `trace=SET` or a bare `SET` (strace's shorthand for
/// trace=SET), `inject=RULE` or `fault=RULE`. The other qualifiers strace
/// knows (`signal=`, `read=`, ...) have nothing to act on here.
fn parse_expr(text: &str) -> Result<Expr, UsageError> {
    let set = match text.split_once('=') {
        Some(("trace", set)) => set,
        Some((q @ ("inject" | "fault"), rules)) => {
            return crate::env::normalize_rules(rules, q == "fault")
                .map(Expr::Inject)
                .map_err(UsageError)
        }
        Some((qualifier, _)) => {
            return err(format!(
                "-e {qualifier}=... is not supported (only trace=SET, inject=RULE, fault=RULE)"
            ))
        }
        None => text,
    };
    if set.is_empty() {
        return err(format!("invalid -e argument: '{text}'"));
    }
    Ok(Expr::Trace(set.to_string()))
}

fn parse_run(args: Vec<OsString>) -> Result<Invocation, UsageError> {
    let mut opts = RunOptions::default();
    let mut words = Words {
        words: args.into_iter(),
    };
    while let Some(word) = words.words.next() {
        let Some(text) = word.to_str().filter(|t| t.starts_with('-') && t.len() > 1) else {
            opts.command.push(word);
            break;
        };
        if text == "--" {
            break;
        }
        if let Some(long) = text.strip_prefix("--") {
            let (name, attached) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (long, None),
            };
            match name {
                "help" => return Ok(Invocation::Help),
                "version" => return Ok(Invocation::Version),
                "json" if attached.is_none() => opts.format.json = true,
                "record" => opts.record = Some(words.value(attached.unwrap_or(""), "record")?),
                "output" => opts.output = Some(words.value(attached.unwrap_or(""), "output")?),
                "summary-only" if attached.is_none() => opts.summary = true,
                "pcap" => opts.pcap = Some(words.value(attached.unwrap_or(""), "pcap")?),
                "trace" => {
                    let set = words.value(attached.unwrap_or(""), "trace")?;
                    match parse_expr(&set.to_string_lossy())? {
                        Expr::Trace(set) => opts.format.trace_set = Some(set),
                        Expr::Inject(_) => return err("--trace takes a SET; faults are -e inject=RULE"),
                    }
                }
                "string-limit" => {
                    opts.format.strsize =
                        parse_strsize(&words.value(attached.unwrap_or(""), "string-limit")?.to_string_lossy())?
                }
                "follow-forks" if attached.is_none() => opts.follow = opts.follow.max(1),
                "output-separately" if attached.is_none() => opts.follow = 2,
                _ => return err(format!("unrecognized option '--{name}'")),
            }
            continue;
        }
        for (at, c) in text.char_indices().skip(1) {
            let rest = &text[at + c.len_utf8()..];
            match shared_flag(&mut opts.format, c) {
                Shared::Taken => continue,
                Shared::NeedsValue => {
                    let value = words.value(rest, &c.to_string())?;
                    shared_value(&mut opts.format, c, value)?;
                    break;
                }
                Shared::Other => {}
            }
            match c {
                'h' => return Ok(Invocation::Help),
                'V' => return Ok(Invocation::Version),
                'f' => opts.follow = opts.follow.saturating_add(1).min(2),
                'c' => opts.summary = true,
                'o' => {
                    opts.output = Some(words.value(rest, "o")?);
                    break;
                }
                'p' => return err("-p PID is not possible: LD_PRELOAD reaches only programs sockshim-trace starts"),
                _ => return err(format!("invalid option -- '{c}'")),
            }
        }
    }
    opts.command.extend(words.words);
    if opts.command.is_empty() {
        return err("must have PROG [ARGS]");
    }
    if opts.summary && opts.format.json {
        return err("-c and --json are mutually exclusive");
    }
    if opts.pcap.is_some() && opts.summary {
        return err("-c and --pcap are mutually exclusive");
    }
    if opts.pcap.as_ref().is_some_and(|p| p.is_empty()) {
        return err("empty file name");
    }
    if opts.output.as_ref().is_some_and(|o| o.is_empty()) || opts.record.as_ref().is_some_and(|r| r.is_empty()) {
        return err("empty file name");
    }
    Ok(Invocation::Run(opts))
}

fn parse_decode(args: Vec<OsString>) -> Result<Invocation, UsageError> {
    let mut opts = DecodeOptions::default();
    let mut files = Vec::new();
    let mut words = Words {
        words: args.into_iter(),
    };
    let mut options_end = false;
    while let Some(word) = words.words.next() {
        let text = word
            .to_str()
            .filter(|t| !options_end && t.starts_with('-') && t.len() > 1);
        let Some(text) = text else {
            files.push(word);
            continue;
        };
        match text {
            "--" => options_end = true,
            "--help" => return Ok(Invocation::Help),
            "--json" => opts.format.json = true,
            "--pcap-dns" => opts.pcap_dns = true,
            "--pcap" => opts.pcap = Some(words.value("", "pcap")?),
            _ if text.starts_with("--pcap=") => opts.pcap = Some(OsString::from(&text[7..])),
            _ if text.starts_with("--") => return err(format!("unrecognized option '{text}'")),
            _ => {
                for (at, c) in text.char_indices().skip(1) {
                    let rest = &text[at + c.len_utf8()..];
                    match shared_flag(&mut opts.format, c) {
                        Shared::Taken => {}
                        Shared::NeedsValue => {
                            let value = words.value(rest, &c.to_string())?;
                            shared_value(&mut opts.format, c, value)?;
                            break;
                        }
                        Shared::Other if c == 'c' => opts.summary = true,
                        Shared::Other if c == 'h' => return Ok(Invocation::Help),
                        Shared::Other => return err(format!("invalid option -- '{c}'")),
                    }
                }
            }
        }
    }
    if !opts.format.inject.is_empty() {
        return err("-e inject= and -e fault= apply to running a program, not to decode");
    }
    let mut files = files.into_iter();
    let Some(file) = files.next() else {
        return err("decode must have FILE");
    };
    opts.more = files.collect();
    if !opts.more.is_empty() && opts.pcap.is_none() {
        return err("decode takes one FILE (several only with --pcap)");
    }
    if opts.summary && opts.format.json {
        return err("-c and --json are mutually exclusive");
    }
    if opts.pcap.is_some() && (opts.summary || opts.format.json) {
        return err("--pcap and -c or --json are mutually exclusive");
    }
    if opts.pcap_dns && opts.pcap.is_none() {
        return err("--pcap-dns needs --pcap OUT");
    }
    if opts.pcap.as_ref().is_some_and(|p| p.is_empty()) {
        return err("empty file name");
    }
    opts.file = file;
    Ok(Invocation::Decode(opts))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(words: &[&str]) -> Vec<OsString> {
        words.iter().map(OsString::from).collect()
    }

    fn run(words: &[&str]) -> RunOptions {
        match parse(args(words)) {
            Ok(Invocation::Run(o)) => o,
            other => panic!("{words:?} gave {other:?}"),
        }
    }

    fn usage(words: &[&str]) -> String {
        match parse(args(words)) {
            Err(UsageError(m)) => m,
            other => panic!("{words:?} gave {other:?}"),
        }
    }

    #[test]
    fn program_and_its_options_stay_together() {
        let o = run(&["-f", "ls", "-l", "-s", "5"]);
        assert_eq!(o.command, args(&["ls", "-l", "-s", "5"]));
        assert_eq!(o.follow, 1);
        assert_eq!(o.format.strsize, DEFAULT_STRSIZE);
        assert_eq!(run(&["--", "-weird", "x"]).command, args(&["-weird", "x"]));
        assert_eq!(run(&["-"]).command, args(&["-"]));
    }

    #[test]
    fn combined_and_repeated_flags() {
        let o = run(&["-fftT", "-tyy", "-s64", "-o", "out", "prog"]);
        assert_eq!(o.follow, 2);
        assert_eq!(o.format.timestamps, 2);
        assert!(o.format.durations);
        assert_eq!(o.format.decode_fds, 2);
        assert_eq!(o.format.strsize, 64);
        assert_eq!(o.output, Some("out".into()));
        assert!(o.separate_files());
        assert!(!run(&["-ff", "prog"]).separate_files());
        assert_eq!(run(&["-tttt", "prog"]).format.timestamps, 3);
        assert_eq!(run(&["-oout", "-cs", "7", "prog"]).output, Some("out".into()));
        assert!(run(&["-c", "prog"]).summary);
    }

    #[test]
    fn inject_and_fault_rules() {
        let o = run(&[
            "-e",
            "inject=connect:error=ECONNREFUSED:when=1..2",
            "-e",
            "fault=network:when=3",
            "p",
        ]);
        assert_eq!(
            o.format.inject,
            ["connect:error=ECONNREFUSED:when=1..2", "%network:when=3:error=ENOSYS"]
        );
        assert_eq!(o.format.trace_set, None);
        assert_eq!(
            run(&["-einject=send:short=1;recv:short=2", "p"]).format.inject,
            ["send:short=1;recv:short=2"]
        );
        assert_eq!(
            run(&["-e", "fault=connect:error=EIO", "p"]).format.inject,
            ["connect:error=EIO"]
        );
        let e = usage(&["-e", "inject=connect:when=0:error=EIO", "p"]);
        assert!(e.contains("bad part 'when=0'"), "{e}");
        assert!(usage(&["-e", "inject=connect", "p"]).contains("needs error="));
        assert!(usage(&["-e", "fault=connect:retval=1", "p"]).contains("'retval=1'"));
        assert!(usage(&["-e", "inject=bogus:error=EIO", "p"]).contains("'bogus' in -e inject="));
        assert!(usage(&["decode", "-e", "inject=connect:error=EIO", "f"]).contains("not to decode"));
    }

    #[test]
    fn trace_sets() {
        assert_eq!(
            run(&["-e", "trace=network", "p"]).format.trace_set.as_deref(),
            Some("network")
        );
        assert_eq!(
            run(&["-esend,recv", "p"]).format.trace_set.as_deref(),
            Some("send,recv")
        );
        assert_eq!(
            run(&["-e", "trace=%net", "-e", "trace=!read", "p"])
                .format
                .trace_set
                .as_deref(),
            Some("!read")
        );
        assert_eq!(
            run(&["--trace=connect", "p"]).format.trace_set.as_deref(),
            Some("connect")
        );
        assert!(usage(&["-e", "signal=none", "p"]).contains("not supported"));
        assert!(usage(&["-e", "trace=", "p"]).contains("invalid -e argument"));
    }

    #[test]
    fn long_options() {
        let o = run(&["--json", "--record", "r.bin", "--output=o.txt", "prog"]);
        assert!(o.format.json);
        assert_eq!(o.record, Some("r.bin".into()));
        assert_eq!(o.output, Some("o.txt".into()));
        assert_eq!(run(&["--record=x", "p"]).record, Some("x".into()));
        assert_eq!(parse(args(&["--help", "p"])), Ok(Invocation::Help));
        assert_eq!(parse(args(&["-V"])), Ok(Invocation::Version));
        assert_eq!(parse(args(&["-h"])), Ok(Invocation::Help));
    }

    #[test]
    fn errors_read_like_strace() {
        assert_eq!(usage(&[]), "must have PROG [ARGS]");
        assert_eq!(usage(&["-f"]), "must have PROG [ARGS]");
        assert_eq!(usage(&["-Q", "p"]), "invalid option -- 'Q'");
        assert_eq!(usage(&["-s"]), "option requires an argument -- 's'");
        assert_eq!(usage(&["-s", "x", "p"]), "invalid -s argument: 'x'");
        assert_eq!(usage(&["-s", "-5", "p"]), "invalid -s argument: '-5'");
        assert_eq!(usage(&["-s", "99999999999", "p"]), "invalid -s argument: '99999999999'");
        assert_eq!(usage(&["--record"]), "option '--record' requires an argument");
        assert_eq!(usage(&["--bogus", "p"]), "unrecognized option '--bogus'");
        assert_eq!(usage(&["--json=1", "p"]), "unrecognized option '--json'");
        assert!(usage(&["-p", "1"]).contains("LD_PRELOAD"));
        assert!(usage(&["-c", "--json", "p"]).contains("mutually exclusive"));
        assert_eq!(usage(&["-o", "", "p"]), "empty file name");
    }

    #[test]
    fn decode() {
        let d = |w: &[&str]| match parse(args(w)) {
            Ok(Invocation::Decode(o)) => o,
            other => panic!("{w:?} gave {other:?}"),
        };
        let o = d(&["decode", "rec"]);
        assert_eq!(o.file, OsString::from("rec"));
        assert!(!o.summary && !o.format.json);
        assert!(d(&["decode", "--json", "rec"]).format.json);
        assert!(d(&["decode", "rec", "-c"]).summary);
        let o = d(&["decode", "-ttT", "-s", "100", "-e", "trace=send", "rec"]);
        assert_eq!(
            (o.format.timestamps, o.format.durations, o.format.strsize),
            (2, true, 100)
        );
        assert_eq!(d(&["decode", "--", "-rec"]).file, OsString::from("-rec"));
        assert_eq!(usage(&["decode"]), "decode must have FILE");
        assert_eq!(
            usage(&["decode", "a", "b"]),
            "decode takes one FILE (several only with --pcap)"
        );
        let o = d(&["decode", "a", "--pcap", "o.pcapng", "b", "c"]);
        assert_eq!(o.pcap, Some("o.pcapng".into()));
        assert_eq!((o.file, o.more), ("a".into(), args(&["b", "c"])));
        assert!(d(&["decode", "--pcap=o", "--pcap-dns", "a"]).pcap_dns);
        assert_eq!(usage(&["decode", "--pcap-dns", "a"]), "--pcap-dns needs --pcap OUT");
        assert!(usage(&["decode", "--pcap", "o", "-c", "a"]).contains("mutually exclusive"));
        assert_eq!(
            usage(&["decode", "a", "--pcap"]),
            "option '--pcap' requires an argument"
        );
        assert_eq!(run(&["--pcap", "o", "p"]).pcap, Some("o".into()));
        assert!(usage(&["--pcap=o", "-c", "p"]).contains("mutually exclusive"));
        assert!(usage(&["decode", "-c", "--json", "a"]).contains("mutually exclusive"));
        assert_eq!(usage(&["decode", "-f", "a"]), "invalid option -- 'f'");
        // A program called "decode" runs with `--`.
        assert_eq!(run(&["--", "decode", "x"]).command, args(&["decode", "x"]));
    }
}
