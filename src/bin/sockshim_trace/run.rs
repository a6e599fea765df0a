//! `sockshim-trace [OPTIONS] PROG [ARGS]`: check, configure, run, report.

use std::ffi::{OsStr, OsString};
use std::fs;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::DirBuilderExt;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, ExitStatus};

use crate::args::{Format, RunOptions};
use crate::{decode_cmd, env, fail, pcap_cmd, preload, program, signals};

/// Signal names by number, for `+++ killed by SIGNAME +++`.
const SIGNALS: [&str; 32] = [
    "0",
    "SIGHUP",
    "SIGINT",
    "SIGQUIT",
    "SIGILL",
    "SIGTRAP",
    "SIGABRT",
    "SIGBUS",
    "SIGFPE",
    "SIGKILL",
    "SIGUSR1",
    "SIGSEGV",
    "SIGUSR2",
    "SIGPIPE",
    "SIGALRM",
    "SIGTERM",
    "SIGSTKFLT",
    "SIGCHLD",
    "SIGCONT",
    "SIGSTOP",
    "SIGTSTP",
    "SIGTTIN",
    "SIGTTOU",
    "SIGURG",
    "SIGXCPU",
    "SIGXFSZ",
    "SIGVTALRM",
    "SIGPROF",
    "SIGWINCH",
    "SIGIO",
    "SIGPWR",
    "SIGSYS",
];

/// Runs the program traced and exits as it did.
pub fn run(opts: &RunOptions) -> ExitCode {
    match prepare(opts).and_then(|plan| execute(opts, plan)) {
        Ok(code) => code,
        Err(message) => fail(message),
    }
}

/// Everything decided before the program starts.
struct Plan {
    program: PathBuf,
    vars: Vec<env::Variable>,
    /// `-c`: the recording to summarise.
    summary_from: Option<OsString>,
    /// `--pcap`: the recording to convert.
    pcap_from: Option<OsString>,
    /// `-c` without `--record`: a private directory for the recording.
    scratch: Option<PathBuf>,
}

fn prepare(opts: &RunOptions) -> Result<Plan, String> {
    let prog = &opts.command[0];
    let path = program::resolve(prog, std::env::var_os("PATH").as_deref())
        .ok_or_else(|| format!("Can't stat '{}': No such file or directory", prog.to_string_lossy()))?;
    let ids = program::Ids::of_self().map_err(|e| format!("/proc/self/status: {}", crate::io_message(&e)))?;
    program::check_traceable(&path, ids).map_err(|e| e.0)?;
    let exe = std::env::current_exe()
        .map_err(|e| format!("cannot find this command's own path: {}", crate::io_message(&e)))?;
    let lib = preload::find_library(std::env::var_os("SOCKSHIM_LIB").as_deref(), &exe)?;

    let (mut scratch, mut record) = (None, opts.record.clone());
    if (opts.summary || opts.pcap.is_some()) && record.is_none() {
        let dir = scratch_dir()?;
        record = Some(dir.join("rec").into_os_string());
        scratch = Some(dir);
    }
    // The library appends and never truncates (several processes share a
    // file); strace creates -o FILE afresh before the program starts, and so
    // reports a bad path at once. A name with %p is one file per process.
    let shared_output = if opts.summary {
        opts.output.as_ref()
    } else {
        live_output(opts)
    };
    let shared_output = shared_output.filter(|_| opts.summary || !opts.separate_files());
    for file in [shared_output, record.as_ref(), opts.pcap.as_ref()]
        .into_iter()
        .flatten()
    {
        if !has_percent_p(file) {
            if let Err(e) = fs::File::create(file) {
                remove_scratch(scratch.as_deref());
                return Err(format!(
                    "Can't fopen '{}': {}",
                    file.to_string_lossy(),
                    crate::io_message(&e)
                ));
            }
        }
    }
    let file = live_output(opts).map(|f| {
        if opts.separate_files() {
            per_process(f)
        } else {
            f.clone()
        }
    });
    let destinations = env::Destinations {
        live: live(opts),
        file: file.as_deref(),
        record: record.as_deref(),
        record_for_summary_only: scratch.is_some() && opts.pcap.is_none(),
        record_whole_payload: opts.pcap.is_some(),
        separate_files: opts.separate_files(),
    };
    let mut vars = env::variables(&opts.format, &destinations)?;
    let existing = std::env::var_os("LD_PRELOAD");
    vars.push((
        "LD_PRELOAD".to_string(),
        Some(preload::ld_preload(existing.as_deref(), &lib)),
    ));
    let pcap_from = opts.pcap.as_ref().and(record.clone());
    let summary_from = if opts.summary { record } else { None };
    Ok(Plan {
        program: path,
        vars,
        summary_from,
        pcap_from,
        scratch,
    })
}

fn execute(opts: &RunOptions, plan: Plan) -> Result<ExitCode, String> {
    let prog = &opts.command[0];
    let mut command = Command::new(&plan.program);
    command.arg0(prog).args(&opts.command[1..]);
    for (name, value) in &plan.vars {
        match value {
            Some(v) => command.env(name, v),
            None => command.env_remove(name),
        };
    }
    let mut pid = 0;
    let status = command.spawn().and_then(|mut child| {
        signals::ignore_terminal_signals();
        pid = child.id();
        child.wait()
    });
    let status = match status {
        Ok(s) => s,
        Err(e) => {
            remove_scratch(plan.scratch.as_deref());
            return Err(format!(
                "Can't exec '{}': {}",
                prog.to_string_lossy(),
                crate::io_message(&e)
            ));
        }
    };
    let reported = match (&plan.summary_from, &plan.pcap_from, &opts.pcap) {
        (Some(recording), _, _) => decode_cmd::print_summary(recording, opts.output.as_deref(), &opts.format),
        (None, Some(recording), Some(out)) => {
            let live_report = if live(opts) && !opts.format.json {
                report_exit(opts, pid, status)
            } else {
                Ok(())
            };
            // A damaged recording (the program killed mid-call) is said on
            // stderr; the status stays the program's.
            live_report.and(pcap_cmd::export(&[recording.as_os_str()], out, false).map(|_| ()))
        }
        _ if live(opts) && !opts.format.json => report_exit(opts, pid, status),
        _ => Ok(()),
    };
    remove_scratch(plan.scratch.as_deref());
    reported?;
    Ok(exit_code(status))
}

/// Whether the text or JSON trace is written: always, unless `-c` (the
/// table instead) or `--record` or `--pcap` alone (the recording or the
/// pcapng file instead).
fn live(opts: &RunOptions) -> bool {
    !opts.summary && (opts.record.is_none() && opts.pcap.is_none() || opts.output.is_some() || opts.format.json)
}

/// The trace's `-o FILE`, when the trace is written and `-o` names it
/// (`-c -o FILE` names the table's file instead).
fn live_output(opts: &RunOptions) -> Option<&OsString> {
    opts.output.as_ref().filter(|_| live(opts))
}

/// strace's last line, `+++ exited with N +++` or `+++ killed by SIG +++`,
/// for the program sockshim-trace started, where its trace went.
fn report_exit(opts: &RunOptions, pid: u32, status: ExitStatus) -> Result<(), String> {
    let line = format!("{}{}\n", time_prefix(&opts.format), exit_line(status));
    let Some(file) = live_output(opts) else {
        eprint!("{line}");
        return Ok(());
    };
    let file = if opts.separate_files() {
        expand_pid(&per_process(file), pid)
    } else {
        expand_pid(file, pid)
    };
    let appended = fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(&file)
        .and_then(|mut f| f.write_all(line.as_bytes()));
    appended.map_err(|e| format!("Can't write '{}': {}", file.to_string_lossy(), crate::io_message(&e)))
}

fn exit_line(status: ExitStatus) -> String {
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("+++ exited with {code} +++"),
        (None, Some(sig)) => {
            let name = SIGNALS
                .get(sig as usize)
                .map_or_else(|| format!("SIGRT_{sig}"), |n| n.to_string());
            let core = if status.core_dumped() { " (core dumped)" } else { "" };
            format!("+++ killed by {name}{core} +++")
        }
        (None, None) => "+++ exited +++".to_string(),
    }
}

/// `-t`/`-tt`/`-ttt` for a line sockshim-trace writes itself, as the
/// library writes its own.
fn time_prefix(format: &Format) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let (sec, usec) = (now.as_secs() as i64, now.subsec_micros());
    let day = (sec + i64::from(env::local_utc_offset())).rem_euclid(86_400);
    let clock = format!("{:02}:{:02}:{:02}", day / 3600, day / 60 % 60, day % 60);
    match format.timestamps {
        0 => String::new(),
        1 => format!("{clock} "),
        2 => format!("{clock}.{usec:06} "),
        _ => format!("{sec}.{usec:06} "),
    }
}

/// Whether the library will expand the name per process (`%p`, not `%%p`).
fn has_percent_p(file: &OsStr) -> bool {
    let b = file.as_bytes();
    let mut i = 0;
    while i + 1 < b.len() {
        match (b[i], b[i + 1]) {
            (b'%', b'p') => return true,
            (b'%', _) => i += 2,
            _ => i += 1,
        }
    }
    false
}

/// The file name the library makes of a template for process `pid`.
fn expand_pid(template: &OsStr, pid: u32) -> OsString {
    let (b, mut out, mut i) = (template.as_bytes(), Vec::new(), 0);
    while i < b.len() {
        match (b[i], b.get(i + 1)) {
            (b'%', Some(b'p')) => out.extend_from_slice(pid.to_string().as_bytes()),
            (b'%', Some(b'%')) => out.push(b'%'),
            (c, _) => {
                out.push(c);
                i += 1;
                continue;
            }
        }
        i += 2;
    }
    OsStr::from_bytes(&out).to_os_string()
}

/// `-ff -o FILE`: `FILE.%p`, which the library makes one file per process.
/// A name that has a `%p` already is used as given.
fn per_process(file: &OsStr) -> OsString {
    if has_percent_p(file) {
        return file.to_os_string();
    }
    let mut name = file.to_os_string();
    name.push(".%p");
    name
}

/// A private directory for `-c`'s recording (0700, fresh).
fn scratch_dir() -> Result<PathBuf, String> {
    let base = std::env::temp_dir();
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos());
    let dir = base.join(format!("sockshim-trace.{}.{}", std::process::id(), stamp.unwrap_or(0)));
    fs::DirBuilder::new()
        .mode(0o700)
        .create(&dir)
        .map_err(|e| format!("{}: {}", dir.display(), crate::io_message(&e)))?;
    Ok(dir)
}

fn remove_scratch(dir: Option<&Path>) {
    if let Some(dir) = dir {
        let _ = fs::remove_dir_all(dir);
    }
}

/// The program's status as a shell reports it: its exit code, or 128+N when
/// signal N killed it.
pub fn exit_code(status: ExitStatus) -> ExitCode {
    match (status.code(), status.signal()) {
        (Some(code), _) => ExitCode::from(code as u8),
        (None, Some(sig)) => ExitCode::from((128 + sig) as u8),
        (None, None) => ExitCode::FAILURE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(script: &str) -> ExitStatus {
        Command::new("/bin/sh").arg("-c").arg(script).status().unwrap()
    }

    #[test]
    fn file_names() {
        assert_eq!(per_process(OsStr::new("out")), "out.%p");
        assert_eq!(per_process(OsStr::new("/tmp/t-%p.rec")), "/tmp/t-%p.rec");
        assert_eq!(per_process(OsStr::new("100%%p")), "100%%p.%p");
        assert!(has_percent_p(OsStr::new("%%%p")));
        assert!(!has_percent_p(OsStr::new("%%p%")));
        assert_eq!(expand_pid(OsStr::new("a.%p"), 42), "a.42");
        assert_eq!(expand_pid(OsStr::new("%%p-%p%"), 7), "%p-7%");
    }

    #[test]
    fn exit_status_like_a_shell() {
        assert_eq!(exit_code(status("exit 0")), ExitCode::SUCCESS);
        assert_eq!(exit_code(status("exit 7")), ExitCode::from(7));
        assert_eq!(exit_code(status("kill -TERM $$")), ExitCode::from(128 + 15));
        assert_eq!(exit_code(status("kill -KILL $$")), ExitCode::from(128 + 9));
    }

    #[test]
    fn exit_lines_like_strace() {
        assert_eq!(exit_line(status("exit 3")), "+++ exited with 3 +++");
        assert_eq!(exit_line(status("kill -TERM $$")), "+++ killed by SIGTERM +++");
        assert_eq!(exit_line(status("kill -USR2 $$")), "+++ killed by SIGUSR2 +++");
        assert_eq!(time_prefix(&Format::default()), "");
        let tt = time_prefix(&Format {
            timestamps: 2,
            ..Format::default()
        });
        assert!(
            tt.len() == 16 && tt.as_bytes()[2] == b':' && tt.as_bytes()[8] == b'.',
            "{tt}"
        );
        let ttt = time_prefix(&Format {
            timestamps: 3,
            ..Format::default()
        });
        assert!(ttt.ends_with(' ') && ttt.as_bytes()[ttt.len() - 8] == b'.', "{ttt}");
    }

    #[test]
    fn scratch_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = scratch_dir().unwrap();
        assert_eq!(fs::metadata(&dir).unwrap().permissions().mode() & 0o777, 0o700);
        remove_scratch(Some(&dir));
        assert!(!dir.exists());
    }
}
