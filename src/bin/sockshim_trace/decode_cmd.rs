//! Recordings: finding a run's files, and turning them into text, JSON or
//! the `-c` table with the library's own reader and formatters (the same
//! code that writes the live trace).

use std::ffi::OsStr;
use std::io::{self, Write};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use sockshim::trace::aux::Pair;
use sockshim::trace::config;
use sockshim::trace::decode::{event_fds, Descs};
use sockshim::trace::event::{Event, FdDesc};
use sockshim::trace::func::{Func, FuncSet};
use sockshim::trace::json;
use sockshim::trace::out::Out;
use sockshim::trace::record::{self, FdNotes, Record};
use sockshim::trace::text::{self, TextOptions, TimeFormat};

use crate::args::{DecodeOptions, Format};
use crate::summary::{Call, Summary};
use crate::{env, fail};

/// Room for one formatted line besides its payloads (a line that does not
/// fit is cut by the formatter, and marked).
const LINE_BASE: usize = 64 << 10;

/// How many records after a call may carry the endpoints it learnt (other
/// threads' records can come in between).
const ENDPOINTS_LOOKAHEAD: usize = 8;

/// Most descriptors inside one call described (as the live tracer).
const OTHERS_MAX: usize = 16;

/// The recordings `name` stands for, in pid order: the file itself if it
/// exists, else the per-process family `name.PID` (or, for a name with
/// `%p`, the files that `%p` expanded into).
pub fn recordings(name: &OsStr) -> Result<Vec<PathBuf>, String> {
    let bytes = name.as_bytes();
    let percent_p = bytes.windows(2).position(|w| w == b"%p");
    if percent_p.is_none() && Path::new(name).is_file() {
        return Ok(vec![PathBuf::from(name)]);
    }
    // Without %p the family is NAME.PID.
    let (mut prefix, suffix) = match percent_p {
        Some(at) => (bytes[..at].to_vec(), &bytes[at + 2..]),
        None => (bytes.to_vec(), &b""[..]),
    };
    if percent_p.is_none() {
        prefix.push(b'.');
    }
    let (dir, stem) = match prefix.iter().rposition(|&b| b == b'/') {
        Some(slash) => (
            PathBuf::from(OsStr::from_bytes(&prefix[..=slash])),
            &prefix[slash + 1..],
        ),
        None => (PathBuf::from("."), &prefix[..]),
    };
    let entries =
        std::fs::read_dir(&dir).map_err(|e| format!("Can't read '{}': {}", dir.display(), crate::io_message(&e)))?;
    let mut found: Vec<(u64, PathBuf)> = entries
        .filter_map(|entry| {
            let file_name = entry.ok()?.file_name();
            let pid = file_name.as_bytes().strip_prefix(stem)?.strip_suffix(suffix)?;
            let pid = std::str::from_utf8(pid)
                .ok()
                .filter(|p| p.bytes().all(|b| b.is_ascii_digit()))?;
            Some((pid.parse::<u64>().ok()?, dir.join(&file_name)))
        })
        .collect();
    found.sort();
    if found.is_empty() {
        let family = Path::new(OsStr::from_bytes(&prefix)).display().to_string();
        let family = if percent_p.is_some() {
            name.to_string_lossy().into_owned()
        } else {
            format!("{family}PID")
        };
        return Err(format!(
            "no recording '{}' (nor any '{family}')",
            name.to_string_lossy()
        ));
    }
    Ok(found.into_iter().map(|(_, p)| p).collect())
}

/// A run's recordings, read into memory.
pub(crate) struct Loaded {
    files: Vec<(PathBuf, Vec<u8>)>,
}

/// Where the reading of one file of a recording stopped.
pub(crate) struct Stop<'l> {
    pub path: &'l Path,
    /// Incomplete records passed over.
    pub skipped: u64,
    /// The offset just past the last whole record read.
    pub last_end: usize,
    /// The file's size, and how far its header says records go.
    pub size: usize,
    pub end: u64,
}

impl Loaded {
    fn read(name: &OsStr) -> Result<Loaded, String> {
        Self::read_all(&[name])
    }

    /// The recordings of every name (each a file or a family).
    pub(crate) fn read_all(names: &[&OsStr]) -> Result<Loaded, String> {
        let mut files = Vec::new();
        for name in names {
            for path in recordings(name)? {
                let bytes = std::fs::read(&path)
                    .map_err(|e| format!("Can't read '{}': {}", path.display(), crate::io_message(&e)))?;
                record::records(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
                files.push((path, bytes));
            }
        }
        Ok(Loaded { files })
    }

    /// Every record, in the order the live trace would have shown them: a
    /// file's own order (calls are committed as they return), and across
    /// the files of a family, by the time each call returned.
    fn records(&self) -> (Vec<Record<'_>>, u64) {
        let (all, stops) = self.records_and_stops();
        (all, stops.iter().map(|s| s.skipped).sum())
    }

    /// The records (as `records`), and where each file's reading stopped.
    pub(crate) fn records_and_stops(&self) -> (Vec<Record<'_>>, Vec<Stop<'_>>) {
        let mut all = Vec::new();
        let mut stops = Vec::new();
        for (path, bytes) in &self.files {
            // Checked in `read`.
            if let Ok(mut reader) = record::records(bytes) {
                let mut last_end = reader.offset();
                while let Some(r) = reader.next() {
                    all.push(r);
                    last_end = reader.offset();
                }
                stops.push(Stop {
                    path,
                    skipped: reader.skipped,
                    last_end,
                    size: bytes.len(),
                    end: record::read_header(bytes).map_or(0, |h| h.end),
                });
            }
        }
        if self.files.len() > 1 {
            all.sort_by_key(|r| match r {
                Record::Call(ev) => ev.time_ns.saturating_add(ev.dur_ns),
                Record::Fd { time_ns, .. } => *time_ns,
            });
        }
        (all, stops)
    }
}

/// The descriptors of each call, from the recording's descriptor records
/// (strace's `-yy` when decoding).
#[derive(Default)]
struct Endpoints {
    notes: FdNotes,
}

impl Endpoints {
    fn learn(&mut self, rec: &Record<'_>) {
        if let Record::Fd { pid, fd, desc, .. } = rec {
            self.notes.note(*pid, *fd, *desc);
        }
    }

    /// The descriptors inside the call (poll arrays, select sets,
    /// `epoll_ctl`'s, `SCM_RIGHTS`) that the recording described, as the
    /// live `-yy` finds them.
    fn others(&self, ev: &Event<'_>) -> Vec<(i32, FdDesc)> {
        let mut fds = [0i32; OTHERS_MAX];
        let n = event_fds(ev, &mut fds);
        fds[..n]
            .iter()
            .filter_map(|&fd| self.notes.get(ev.pid, fd).map(|d| (fd, *d)))
            .collect()
    }

    fn descs<'s>(&'s self, ev: &Event<'_>, others: &'s [(i32, FdDesc)]) -> Descs<'s> {
        let get = |fd: i64| i32::try_from(fd).ok().and_then(|fd| self.notes.get(ev.pid, fd));
        let mut d = Descs {
            others,
            ..Descs::default()
        };
        if ev.func.fd_first() {
            d.arg = get(ev.int(0).into());
        }
        if !ev.failed() && ev.func.returns_fd() {
            d.ret = get(ev.ret);
        }
        if ev.func == Func::Socketpair && !ev.failed() {
            if let Some(p) = Pair::decode(ev.aux) {
                d.pair = p.fds.map(|fd| get(fd.into()));
            }
        }
        d
    }

    /// What a call did to the descriptors: a closed one is forgotten.
    fn after(&mut self, ev: &Event<'_>) {
        if ev.func == Func::Close && !ev.failed() {
            self.notes.forget(ev.pid, ev.int(0));
        }
    }
}

/// Whether `rec` describes a descriptor of `ev`'s process learnt while `ev` ran.
fn learnt_during(rec: &Record<'_>, ev: &Event<'_>) -> bool {
    matches!(rec, Record::Fd { pid, time_ns, .. } if *pid == ev.pid && *time_ns <= ev.time_ns.saturating_add(ev.dur_ns))
}

/// Bytes a call moved: `(sent, received)` (the table's direction).
fn transferred(ev: &Event<'_>) -> (u64, u64) {
    if ev.failed() {
        return (0, 0);
    }
    ev.func.transferred(ev.data_total)
}

/// The set `-e trace=` selects when decoding (everything recorded otherwise).
fn selected(format: &Format) -> Result<FuncSet, String> {
    let set = env::filter(format)?;
    config::parse_filter(set.as_bytes()).ok_or_else(|| format!("invalid -e trace={set}"))
}

/// `sockshim-trace decode`.
pub fn decode(opts: &DecodeOptions) -> ExitCode {
    if let Some(out) = &opts.pcap {
        let mut names = vec![opts.file.as_os_str()];
        names.extend(opts.more.iter().map(|f| f.as_os_str()));
        return match crate::pcap_cmd::export(&names, out, opts.pcap_dns) {
            Ok(done) if done.complete => ExitCode::SUCCESS,
            Ok(_) => ExitCode::FAILURE,
            Err(e) => fail(e),
        };
    }
    let result = Loaded::read(&opts.file).and_then(|loaded| {
        let filter = selected(&opts.format)?;
        let (records, skipped) = loaded.records();
        let stdout = io::stdout();
        let mut out = io::BufWriter::new(stdout.lock());
        let written = if opts.summary {
            out.write_all(summarise(&records, filter).table().as_bytes())
        } else {
            write_lines(&records, filter, &opts.format, &mut out)
        };
        match written.and_then(|()| out.flush()) {
            Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
                return Err(format!("write error: {}", crate::io_message(&e)))
            }
            _ => {}
        }
        if skipped > 0 {
            eprintln!(
                "{}: {skipped} incomplete record(s) skipped (a process killed mid-call?)",
                crate::NAME
            );
        }
        Ok(())
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(e),
    }
}

fn summarise(records: &[Record<'_>], filter: FuncSet) -> Summary {
    let mut summary = Summary::default();
    for rec in records {
        if let Record::Call(ev) = rec {
            if filter.contains(ev.func) {
                let (sent, received) = transferred(ev);
                let failed = ev.failed();
                summary.add(Call {
                    function: ev.func.name(),
                    nanos: ev.dur_ns,
                    failed,
                    sent,
                    received,
                });
            }
        }
    }
    summary
}

/// Every selected call as the live trace prints it (text or JSON).
fn write_lines(records: &[Record<'_>], filter: FuncSet, format: &Format, out: &mut impl Write) -> io::Result<()> {
    let strsize = format.strsize.min(4096) as usize;
    let mut tids: Vec<u32> = records
        .iter()
        .filter_map(|r| if let Record::Call(ev) = r { Some(ev.tid) } else { None })
        .collect();
    tids.sort_unstable();
    tids.dedup();
    let opts = TextOptions {
        strsize,
        time: [
            TimeFormat::None,
            TimeFormat::Seconds,
            TimeFormat::Micros,
            TimeFormat::Epoch,
        ][usize::from(format.timestamps.min(3))],
        utc_offset: if matches!(format.timestamps, 1 | 2) {
            env::local_utc_offset()
        } else {
            0
        },
        duration: format.durations,
        // As strace: once more than one thread or process was traced.
        pid_prefix: tids.len() > 1,
    };
    let mut endpoints = Endpoints::default();
    let mut line = vec![0u8; LINE_BASE + 16 * strsize];
    for (i, rec) in records.iter().enumerate() {
        endpoints.learn(rec);
        let Record::Call(ev) = rec else { continue };
        if filter.contains(ev.func) {
            // The live trace describes the first argument before the call
            // (strace's `bind(3<TCP:[inode]>, ...)`), the rest after it.
            let arg_before = if format.decode_fds > 0 && ev.func.fd_first() {
                endpoints.notes.get(ev.pid, ev.int(0)).copied()
            } else {
                None
            };
            // A call that makes a socket's endpoints known (accept, connect)
            // commits its own record first: the live trace already knew them.
            let following = records
                .get(i + 1..)
                .unwrap_or_default()
                .iter()
                .take(ENDPOINTS_LOOKAHEAD);
            following
                .filter(|r| learnt_during(r, ev))
                .for_each(|r| endpoints.learn(r));
            let others = if format.decode_fds > 0 {
                endpoints.others(ev)
            } else {
                Vec::new()
            };
            let mut descs = if format.decode_fds > 0 {
                endpoints.descs(ev, &others)
            } else {
                Descs::default()
            };
            if arg_before.is_some() {
                descs.arg = arg_before.as_ref();
            }
            let mut o = Out::new(&mut line);
            if format.json {
                json::format_json(ev, strsize, &descs, &mut o);
            } else {
                text::format_line(ev, &opts, &descs, &mut o);
            }
            out.write_all(o.as_bytes())?;
        }
        endpoints.after(ev);
    }
    Ok(())
}

/// `-c` after a run: the table of the recordings `name`, to `output`
/// (strace's `-c -o FILE`) or stderr.
pub fn print_summary(name: &OsStr, output: Option<&OsStr>, format: &Format) -> Result<(), String> {
    let loaded = Loaded::read(name)?;
    let (records, _) = loaded.records();
    let table = summarise(&records, selected(format)?).table();
    match output {
        Some(file) => std::fs::write(file, table)
            .map_err(|e| format!("Can't write '{}': {}", file.to_string_lossy(), crate::io_message(&e))),
        None => {
            eprint!("{table}");
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use std::process::Command;

    /// A program making socket calls from two processes and two threads.
    const PROGRAM: &str = r#"
#include <pthread.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
static void *thread(void *arg) {
    int s = socket(AF_INET6, SOCK_DGRAM, 0);
    (void)arg;
    close(s);
    return 0;
}
int main(void) {
    int sv[2];
    char buf[64];
    pthread_t t;
    pid_t child;
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) return 1;
    child = fork();
    if (child == 0) {
        send(sv[1], "hello\n\x01 world", 14, 0);
        recv(sv[1], buf, sizeof buf, MSG_DONTWAIT);
        _exit(0);
    }
    recv(sv[0], buf, sizeof buf, 0);
    waitpid(child, 0, 0);
    pthread_create(&t, 0, thread, 0);
    pthread_join(t, 0);
    close(sv[0]);
    close(sv[1]);
    return 0;
}
"#;

    /// The C library with its exports, when `cargo build --release` made it.
    fn built_library() -> Option<PathBuf> {
        let lib = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/libsockshim.so");
        let ok = crate::elf::defines_symbol(&lib, "sockshim_version").unwrap_or(false);
        if !ok {
            eprintln!("skipped: target/release/libsockshim.so (with ffi) not built");
        }
        ok.then_some(lib)
    }

    /// Builds `PROGRAM` in a fresh directory.
    fn build_program(tag: &str) -> Option<(PathBuf, PathBuf)> {
        let dir = std::env::temp_dir().join(format!("sockshim-trace-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("prog.c"), PROGRAM).unwrap();
        let prog = dir.join("prog");
        let cc = Command::new("cc")
            .arg(dir.join("prog.c"))
            .arg("-pthread")
            .arg("-o")
            .arg(&prog)
            .status();
        if cc.is_ok_and(|s| s.success()) {
            Some((dir, prog))
        } else {
            eprintln!("skipped: no C compiler");
            None
        }
    }

    fn strip_pid(line: &str) -> &str {
        match line.strip_prefix("[pid ") {
            Some(rest) => rest.split_once("] ").map_or(line, |(_, l)| l),
            None => line,
        }
    }

    /// The same run traced live (text) and recorded: decoding the recording
    /// gives the lines the live trace wrote, with the same formatter.
    #[test]
    fn decoded_recording_equals_live_trace() {
        let (Some(lib), Some((dir, prog))) = (built_library(), build_program("live")) else {
            return;
        };
        let (live, rec) = (dir.join("live"), dir.join("rec"));
        // Not -yy: a recording describes a socket only once its endpoints
        // are known, where the live trace asks the kernel at every call.
        let format = Format {
            timestamps: 3,
            durations: true,
            strsize: 8,
            ..Format::default()
        };
        let to = env::Destinations {
            live: true,
            file: Some(live.as_os_str()),
            record: Some(rec.as_os_str()),
            record_for_summary_only: false,
            record_whole_payload: false,
            separate_files: false,
        };
        let mut command = Command::new(&prog);
        for (k, v) in env::variables(&format, &to).unwrap() {
            match v {
                Some(v) => command.env(k, v),
                None => command.env_remove(k),
            };
        }
        assert!(command.env("LD_PRELOAD", &lib).status().unwrap().success());
        let live_text = std::fs::read_to_string(&live).unwrap();
        let loaded = Loaded::read(rec.as_os_str()).unwrap();
        let (records, skipped) = loaded.records();
        assert_eq!(skipped, 0);
        let mut decoded = Vec::new();
        write_lines(&records, FuncSet::all(), &format, &mut decoded).unwrap();
        let decoded = String::from_utf8(decoded).unwrap();
        // Line order across processes and the [pid N] choice may differ.
        let mut a: Vec<&str> = live_text.lines().map(strip_pid).collect();
        let mut b: Vec<&str> = decoded.lines().map(strip_pid).collect();
        a.sort_unstable();
        b.sort_unstable();
        assert_eq!(a, b);
        assert!(a.len() >= 8, "{live_text}");
        assert!(decoded.contains(r#"send(4, "hello\n\1 "..., 14, 0) = 14"#), "{decoded}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// The -c counts agree with strace's for the calls both see (strace sees
    /// the syscalls: send and recv are sendto and recvfrom to it).
    #[test]
    fn summary_counts_agree_with_strace() {
        let (Some(lib), Some((dir, prog))) = (built_library(), build_program("strace")) else {
            return;
        };
        if Command::new("strace").arg("-V").output().is_err() {
            eprintln!("skipped: no strace");
            return;
        }
        let rec = dir.join("rec");
        let counted = dir.join("strace.out");
        let status = Command::new("strace")
            .args([
                "-f",
                "-c",
                "-U",
                "calls,name",
                "-e",
                "trace=socket,socketpair,sendto,recvfrom",
                "-o",
            ])
            .arg(&counted)
            .arg(&prog)
            .env("LD_PRELOAD", &lib)
            .env("SOCKSHIM_RECORD", &rec)
            .status()
            .unwrap();
        assert!(status.success());
        let mut theirs = BTreeMap::new();
        for line in std::fs::read_to_string(&counted).unwrap().lines() {
            let mut words = line.split_whitespace();
            if let (Some(calls), Some(name)) = (words.next().and_then(|c| c.parse::<u64>().ok()), words.next()) {
                if name != "total" {
                    theirs.insert(name.replace("sendto", "send").replace("recvfrom", "recv"), calls);
                }
            }
        }
        let loaded = Loaded::read(rec.as_os_str()).unwrap();
        let (records, _) = loaded.records();
        let table = summarise(&records, config::parse_filter(b"socket,socketpair,send,recv").unwrap()).table();
        let mut ours = BTreeMap::new();
        for line in table
            .lines()
            .skip(2)
            .filter(|l| !l.starts_with('-') && !l.ends_with(" total"))
        {
            let words: Vec<&str> = line.split_whitespace().collect();
            ours.insert(words[words.len() - 1].to_string(), words[3].parse::<u64>().unwrap());
        }
        assert_eq!(ours, theirs, "ours:\n{table}");
        assert_eq!(ours.get("recv"), Some(&2));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn families() {
        let dir = std::env::temp_dir().join(format!("sockshim-trace-fam-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for f in [
            "rec.20",
            "rec.100",
            "rec.3",
            "rec.x1",
            "rec.",
            "rec.5.bak",
            "other.7",
            "t-9.bin",
            "t-10.bin",
        ] {
            std::fs::write(dir.join(f), "").unwrap();
        }
        let name = |n: &str| dir.join(n).into_os_string();
        let got = recordings(&name("rec")).unwrap();
        assert_eq!(got, vec![dir.join("rec.3"), dir.join("rec.20"), dir.join("rec.100")]);
        assert_eq!(recordings(&name("other.7")).unwrap(), vec![dir.join("other.7")]);
        assert_eq!(
            recordings(&name("t-%p.bin")).unwrap(),
            vec![dir.join("t-9.bin"), dir.join("t-10.bin")]
        );
        let e = recordings(&name("none")).unwrap_err();
        assert!(e.contains("none.PID"), "{e}");
        let e = recordings(&name("none-%p")).unwrap_err();
        assert!(e.contains("none-%p"), "{e}");
        std::fs::write(dir.join("rec"), "").unwrap();
        assert_eq!(recordings(&name("rec")).unwrap(), vec![dir.join("rec")]);
        // Empty: a process stopped before its header, a recording with no calls.
        assert_eq!(Loaded::read(&name("rec")).unwrap().records().0.len(), 0);
        // Not a recording: the reader's own words.
        std::fs::write(dir.join("rec"), "abc").unwrap();
        let e = Loaded::read(&name("rec")).err().unwrap();
        assert!(e.contains("too short"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn bytes_by_direction() {
        let mut ev = Event::new(Func::Sendto);
        ev.data_total = 10;
        assert_eq!(transferred(&ev), (10, 0));
        ev.func = Func::Readv;
        assert_eq!(transferred(&ev), (0, 10));
        ev.errno = 11;
        assert_eq!(transferred(&ev), (0, 0));
        ev.errno = 0;
        ev.func = Func::Connect;
        assert_eq!(transferred(&ev), (0, 0));
    }
}
