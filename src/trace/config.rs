//! The tracing configuration, read once from `SOCKSHIM_*` environment
//! variables when the library is loaded (an ELF constructor; nothing is
//! traced before it runs). This is a stable contract: `sockshim-trace`
//! sets these variables from its strace-like flags.
//!
//! | variable | values | default | strace |
//! |---|---|---|---|
//! | `SOCKSHIM_TRACE` | `text`, `json` (`off`, `0` or empty: off) | off | |
//! | `SOCKSHIM_TRACE_FILE` | path; `%p` is the pid, `%%` a `%` | the original stderr | `-o FILE`, `-ff` (with `%p`) |
//! | `SOCKSHIM_TRACE_TIME` | `t`, `tt`, `ttt` (`0`/empty: none) | none | `-t -tt -ttt` |
//! | `SOCKSHIM_TRACE_UTC_OFFSET` | seconds east of UTC for `t`/`tt` | `0` (UTC) | |
//! | `SOCKSHIM_TRACE_DURATION` | `1` or `0` | `0` | `-T` |
//! | `SOCKSHIM_TRACE_FDS` | `yy` (or `1`), `0` | `0` | `-yy` |
//! | `SOCKSHIM_TRACE_STRSIZE` | `0`..=`4096` | `32` | `-s N` |
//! | `SOCKSHIM_TRACE_FILTER` | strace's set: `name,%class,...`, `!` first negates; `all`, `none` | `all` | `-e trace=SET` |
//! | `SOCKSHIM_TRACE_PIDS` | `auto`, `1` (always), `0` (never) | `auto` | `-f`'s `[pid N]` |
//! | `SOCKSHIM_RECORD` | path of the binary recording; `%p` as above | off | |
//! | `SOCKSHIM_RECORD_PAYLOAD` | payload bytes kept per call, `0`..=`65536` | `128` | |
//! | `SOCKSHIM_INJECT` | fault-injection rules, `;`-separated (`trace::inject`) | none | `-e inject=`, `-e fault=` |
//!
//! Classes for the filter: `%setup` (socket socketpair bind listen accept
//! accept4 connect shutdown getsockname getpeername getsockopt setsockopt),
//! `%data` (send recv sendto recvfrom sendmsg recvmsg sendmmsg recvmmsg
//! read write readv writev), `%ready` (poll ppoll select pselect epoll_*),
//! `%resolve` (getaddrinfo getnameinfo gethostbyname gethostbyname2
//! gethostbyaddr), `%fd` (close dup dup2 dup3 fcntl close_range closefrom),
//! `%network`/`%net` (setup + data, as strace's `%network`). `read write
//! readv writev close dup dup2 dup3 fcntl` are reported only for sockets.
//!
//! Text and JSON go to the same destination; the recording is separate and
//! can be on at the same time. A file (trace or recording) is opened in
//! append mode and created if needed, never truncated: several processes
//! (fork, exec) share one file without `%p`; `sockshim-trace` truncates it
//! before starting the program. A bad value prints one line on stderr
//! naming the variable, and that setting is off (or its default); the
//! program runs on.

use super::func::{Func, FuncSet};
use super::text::TimeFormat;

/// Longest path template kept.
pub(crate) const PATH_MAX: usize = 1024;
pub(crate) const STRSIZE_MAX: usize = 4096;
pub(crate) const STRSIZE_DEFAULT: usize = 32;
pub(crate) const RECORD_PAYLOAD_MAX: usize = 65536;
pub(crate) const RECORD_PAYLOAD_DEFAULT: usize = 128;

/// The live output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Off,
    Text,
    Json,
}

/// When to prefix lines with `[pid N]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pids {
    /// When the process has several threads or has forked (or is a child).
    Auto,
    Always,
    Never,
}

/// A path template (bytes, no NUL).
#[derive(Clone, Copy)]
pub struct PathTemplate {
    bytes: [u8; PATH_MAX],
    len: usize,
}

impl core::fmt::Debug for PathTemplate {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{:?}", core::str::from_utf8(self.as_bytes()).unwrap_or("<bytes>"))
    }
}

impl PathTemplate {
    pub fn new(b: &[u8]) -> Option<PathTemplate> {
        if b.is_empty() || b.len() >= PATH_MAX || b.contains(&0) {
            return None;
        }
        let mut t = PathTemplate {
            bytes: [0; PATH_MAX],
            len: b.len(),
        };
        t.bytes[..b.len()].copy_from_slice(b);
        Some(t)
    }

    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or(&[])
    }

    /// The template made absolute under directory `dir` (the working
    /// directory at start), so that reopening it later — a child's own
    /// `%p` file, a recording's growth — finds the same file after the
    /// program changes directory. `%` in `dir` is escaped; an absolute
    /// template, or one that would not fit, is returned as it is.
    pub fn under(&self, dir: &[u8]) -> PathTemplate {
        if self.as_bytes().first() == Some(&b'/') || dir.first() != Some(&b'/') {
            return *self;
        }
        let mut b = [0u8; PATH_MAX];
        let mut o = super::out::Out::new(&mut b);
        for &c in dir {
            o.byte(c);
            if c == b'%' {
                o.byte(b'%');
            }
        }
        if !dir.ends_with(b"/") {
            o.byte(b'/');
        }
        o.bytes(self.as_bytes());
        if o.truncated() {
            return *self;
        }
        let n = o.len();
        PathTemplate::new(&b[..n]).unwrap_or(*self)
    }

    /// True when the path depends on the pid (one file per process).
    pub fn per_process(&self) -> bool {
        let b = self.as_bytes();
        let mut i = 0;
        while i + 1 < b.len() {
            if b[i] == b'%' {
                if b[i + 1] == b'p' {
                    return true;
                }
                i += 2;
            } else {
                i += 1;
            }
        }
        false
    }

    /// The path for process `pid` as a C string in `buf` (`None` if it
    /// does not fit).
    pub fn path<'b>(&self, pid: u32, buf: &'b mut [u8]) -> Option<&'b core::ffi::CStr> {
        let n = self.expand(pid, buf)?;
        core::ffi::CStr::from_bytes_with_nul(buf.get(..n)?).ok()
    }

    /// The path for process `pid`, NUL-terminated, in `out`; returns its
    /// length with the NUL, or `None` if it does not fit.
    pub fn expand(&self, pid: u32, out: &mut [u8]) -> Option<usize> {
        let mut o = super::out::Out::new(out);
        let b = self.as_bytes();
        let mut i = 0;
        while i < b.len() {
            match (b[i], b.get(i + 1)) {
                (b'%', Some(b'p')) => {
                    o.u64(u64::from(pid));
                    i += 2;
                }
                (b'%', Some(b'%')) => {
                    o.byte(b'%');
                    i += 2;
                }
                (c, _) => {
                    o.byte(c);
                    i += 1;
                }
            }
        }
        o.byte(0);
        if o.truncated() {
            None
        } else {
            Some(o.len())
        }
    }
}

/// Everything the environment says.
#[derive(Clone, Copy, Debug)]
pub struct Config {
    pub format: Format,
    pub file: Option<PathTemplate>,
    pub time: TimeFormat,
    pub utc_offset: i32,
    pub duration: bool,
    pub fds: bool,
    pub strsize: usize,
    pub filter: FuncSet,
    pub pids: Pids,
    pub record: Option<PathTemplate>,
    pub record_payload: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            format: Format::Off,
            file: None,
            time: TimeFormat::None,
            utc_offset: 0,
            duration: false,
            fds: false,
            strsize: STRSIZE_DEFAULT,
            filter: FuncSet::all(),
            pids: Pids::Auto,
            record: None,
            record_payload: RECORD_PAYLOAD_DEFAULT,
        }
    }
}

/// Names of the variables, in the order `Config::from_env` reads them.
/// `SOCKSHIM_INJECT` is last: it is read by `trace::inject`, not here
/// (`sockshim-trace` sets or removes every one of them).
pub static VARIABLES: [&core::ffi::CStr; 12] = [
    c"SOCKSHIM_TRACE",
    c"SOCKSHIM_TRACE_FILE",
    c"SOCKSHIM_TRACE_TIME",
    c"SOCKSHIM_TRACE_UTC_OFFSET",
    c"SOCKSHIM_TRACE_DURATION",
    c"SOCKSHIM_TRACE_FDS",
    c"SOCKSHIM_TRACE_STRSIZE",
    c"SOCKSHIM_TRACE_FILTER",
    c"SOCKSHIM_TRACE_PIDS",
    c"SOCKSHIM_RECORD",
    c"SOCKSHIM_RECORD_PAYLOAD",
    super::inject::VARIABLE,
];

impl Config {
    /// Reads the variables through `get` (a NUL-terminated name → value);
    /// each bad value is passed to `bad(variable, value, what is expected)`
    /// and leaves that setting off or at its default.
    pub fn from_env<'e>(get: impl Fn(usize) -> Option<&'e [u8]>, mut bad: impl FnMut(&str, &[u8], &str)) -> Config {
        let mut c = Config::default();
        let mut check = |i: usize, ok: bool, v: &[u8], expected: &str| {
            if !ok {
                bad(VARIABLES[i].to_str().unwrap_or(""), v, expected);
            }
        };
        if let Some(v) = get(0) {
            let f = match v {
                b"text" => Some(Format::Text),
                b"json" => Some(Format::Json),
                b"" | b"off" | b"0" => Some(Format::Off),
                _ => None,
            };
            check(0, f.is_some(), v, "text, json or off");
            c.format = f.unwrap_or(Format::Off);
        }
        if let Some(v) = get(1) {
            c.file = PathTemplate::new(v);
            check(1, c.file.is_some(), v, "a path shorter than 1024 bytes");
        }
        if let Some(v) = get(2) {
            let t = match v {
                b"" | b"0" => Some(TimeFormat::None),
                b"t" => Some(TimeFormat::Seconds),
                b"tt" => Some(TimeFormat::Micros),
                b"ttt" => Some(TimeFormat::Epoch),
                _ => None,
            };
            check(2, t.is_some(), v, "t, tt or ttt");
            c.time = t.unwrap_or(TimeFormat::None);
        }
        if let Some(v) = get(3) {
            let n = parse_int(v).filter(|n| n.abs() <= 86_400);
            check(3, n.is_some(), v, "seconds east of UTC, -86400..=86400");
            c.utc_offset = n.unwrap_or(0) as i32;
        }
        if let Some(v) = get(4) {
            let b = parse_bool(v);
            check(4, b.is_some(), v, "1 or 0");
            c.duration = b.unwrap_or(false);
        }
        if let Some(v) = get(5) {
            let b = if v == b"yy" { Some(true) } else { parse_bool(v) };
            check(5, b.is_some(), v, "yy, 1 or 0");
            c.fds = b.unwrap_or(false);
        }
        if let Some(v) = get(6) {
            let n = parse_int(v).filter(|n| (0..=STRSIZE_MAX as i64).contains(n));
            check(6, n.is_some(), v, "a number of bytes, 0..=4096");
            c.strsize = n.map_or(STRSIZE_DEFAULT, |n| n as usize);
        }
        if let Some(v) = get(7) {
            let f = parse_filter(v);
            check(
                7,
                f.is_some(),
                v,
                "function names and %classes separated by commas, optionally after !",
            );
            c.filter = f.unwrap_or(FuncSet::all());
        }
        if let Some(v) = get(8) {
            let p = match v {
                b"" | b"auto" => Some(Pids::Auto),
                b"1" => Some(Pids::Always),
                b"0" => Some(Pids::Never),
                _ => None,
            };
            check(8, p.is_some(), v, "auto, 1 or 0");
            c.pids = p.unwrap_or(Pids::Auto);
        }
        if let Some(v) = get(9) {
            if !v.is_empty() {
                c.record = PathTemplate::new(v);
                check(9, c.record.is_some(), v, "a path shorter than 1024 bytes");
            }
        }
        if let Some(v) = get(10) {
            let n = parse_int(v).filter(|n| (0..=RECORD_PAYLOAD_MAX as i64).contains(n));
            check(10, n.is_some(), v, "a number of bytes, 0..=65536");
            c.record_payload = n.map_or(RECORD_PAYLOAD_DEFAULT, |n| n as usize);
        }
        c
    }

    /// True when anything is traced at all.
    pub fn active(&self) -> bool {
        self.format != Format::Off || self.record.is_some()
    }
}

fn parse_bool(v: &[u8]) -> Option<bool> {
    match v {
        b"1" | b"yes" | b"on" => Some(true),
        b"0" | b"no" | b"off" | b"" => Some(false),
        _ => None,
    }
}

fn parse_int(v: &[u8]) -> Option<i64> {
    let (neg, digits) = match v {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        _ => (false, v),
    };
    if digits.is_empty() || digits.len() > 12 {
        return None;
    }
    let mut n: i64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        n = n * 10 + i64::from(d - b'0');
    }
    Some(if neg { -n } else { n })
}

/// strace's `-e trace=SET`: `a,b,%class`; a leading `!` takes the
/// complement; `all` and `none`.
pub fn parse_filter(v: &[u8]) -> Option<FuncSet> {
    let (neg, list) = match v {
        [b'!', rest @ ..] => (true, rest),
        _ => (false, v),
    };
    let mut set = FuncSet::empty();
    for item in list.split(|&c| c == b',') {
        if item.is_empty() {
            return None;
        }
        if item == b"none" {
            continue;
        }
        let found = match item {
            [b'%', class @ ..] => FuncSet::class(class)?,
            b"all" => FuncSet::all(),
            _ => {
                let mut s = FuncSet::empty();
                s.insert(Func::from_name(item)?);
                s
            }
        };
        set.0 |= found.0;
    }
    if neg {
        set.0 = FuncSet::all().0 & !set.0;
    }
    Some(set)
}

#[cfg(test)]
mod tests {
    #[test]
    fn templates_made_absolute_under_the_start_directory() {
        let t = |s: &[u8]| PathTemplate::new(s).unwrap();
        assert_eq!(t(b"rec.%p").under(b"/srv/a%b").as_bytes(), b"/srv/a%%b/rec.%p");
        assert_eq!(t(b"rec").under(b"/").as_bytes(), b"/rec");
        assert_eq!(t(b"/abs/rec").under(b"/srv").as_bytes(), b"/abs/rec");
        assert_eq!(t(b"rec").under(b"").as_bytes(), b"rec");
        let long = [b'd'; PATH_MAX - 2];
        let mut dir = long.to_vec();
        dir.insert(0, b'/');
        assert_eq!(t(b"rec").under(&dir).as_bytes(), b"rec");
        // The expansion of an escaped directory is the directory itself.
        let mut out = [0u8; PATH_MAX + 16];
        let n = t(b"r.%p").under(b"/a%b").expand(7, &mut out).unwrap();
        assert_eq!(&out[..n], b"/a%b/r.7\0");
    }

    use super::*;

    fn env<'a>(pairs: &'a [(&str, &'a str)]) -> impl Fn(usize) -> Option<&'a [u8]> + 'a {
        move |i| {
            pairs
                .iter()
                .find(|(k, _)| *k == VARIABLES[i].to_str().unwrap())
                .map(|(_, v)| v.as_bytes())
        }
    }

    #[test]
    fn reads_every_variable() {
        let pairs = [
            ("SOCKSHIM_TRACE", "json"),
            ("SOCKSHIM_TRACE_FILE", "/tmp/t.%p"),
            ("SOCKSHIM_TRACE_TIME", "tt"),
            ("SOCKSHIM_TRACE_DURATION", "1"),
            ("SOCKSHIM_TRACE_FDS", "yy"),
            ("SOCKSHIM_TRACE_STRSIZE", "100"),
            ("SOCKSHIM_TRACE_FILTER", "connect,%data"),
            ("SOCKSHIM_RECORD", "/tmp/r"),
            ("SOCKSHIM_RECORD_PAYLOAD", "0"),
        ];
        let mut errors = 0;
        let c = Config::from_env(env(&pairs), |_, _, _| errors += 1);
        assert_eq!(errors, 0);
        assert_eq!(c.format, Format::Json);
        assert!(c.file.unwrap().per_process());
        assert_eq!(c.time, TimeFormat::Micros);
        assert!(c.duration && c.fds);
        assert_eq!(c.strsize, 100);
        assert!(c.filter.contains(Func::Connect) && c.filter.contains(Func::Recv));
        assert!(!c.filter.contains(Func::Socket));
        assert!(!c.record.unwrap().per_process());
        assert_eq!(c.record_payload, 0);
    }

    #[test]
    fn bad_values_are_reported_once_each_and_fall_back() {
        let pairs = [
            ("SOCKSHIM_TRACE", "text"),
            ("SOCKSHIM_TRACE_STRSIZE", "lots"),
            ("SOCKSHIM_TRACE_FILTER", "connect,nosuch"),
            ("SOCKSHIM_TRACE_TIME", "x"),
        ];
        let mut bad = Vec::new();
        let c = Config::from_env(env(&pairs), |k, _, _| bad.push(k.to_string()));
        assert_eq!(
            bad,
            ["SOCKSHIM_TRACE_TIME", "SOCKSHIM_TRACE_STRSIZE", "SOCKSHIM_TRACE_FILTER"]
        );
        assert_eq!(c.format, Format::Text);
        assert_eq!(c.strsize, STRSIZE_DEFAULT);
        assert_eq!(c.filter, FuncSet::all());
    }

    #[test]
    fn filters_and_paths() {
        let f = parse_filter(b"!%data").unwrap();
        assert!(!f.contains(Func::Send) && f.contains(Func::Connect));
        assert_eq!(parse_filter(b"none").unwrap(), FuncSet::empty());
        assert!(parse_filter(b"").is_none());
        assert!(parse_filter(b"%nosuch").is_none());
        let t = PathTemplate::new(b"/tmp/x.%p.%%").unwrap();
        let mut b = [0u8; 64];
        let n = t.expand(42, &mut b).unwrap();
        assert_eq!(&b[..n], b"/tmp/x.42.%\0");
        assert!(!PathTemplate::new(b"/tmp/%%p").unwrap().per_process());
    }
}
