//! The strace-like flags as the library's `SOCKSHIM_*` variables (the
//! contract is `sockshim::trace::config`), and strace's `-e trace=SET`
//! spellings turned into the library's.

use std::ffi::{OsStr, OsString};

use sockshim::trace::config::{self, VARIABLES};
use sockshim::trace::inject;

use crate::args::Format;

/// `-s` beyond this is what the library can show.
const STRSIZE_MAX: u32 = 4096;
/// Payload bytes a recording keeps per call unless `-s` asks for more.
const RECORD_PAYLOAD_DEFAULT: u32 = 128;
/// The most payload bytes the library keeps per call.
const RECORD_PAYLOAD_MAX: u32 = 65536;

/// Where the trace goes and what is recorded.
pub struct Destinations<'a> {
    /// Text or JSON lines are written (to `file`, or stderr).
    pub live: bool,
    /// `SOCKSHIM_TRACE_FILE`: a path, `%p` for one file per process.
    pub file: Option<&'a OsStr>,
    /// `SOCKSHIM_RECORD`.
    pub record: Option<&'a OsStr>,
    /// Only the `-c` table reads the recording: no payload needed.
    pub record_for_summary_only: bool,
    /// `--pcap`: keep whole payloads (the most the library keeps, 64 KiB
    /// a call).
    pub record_whole_payload: bool,
    /// `-ff -o`: one file per process, so no `[pid N]` prefixes.
    pub separate_files: bool,
}

/// A variable's value for the program; `None` removes it.
pub type Variable = (String, Option<OsString>);

/// The variables to set for the program. Every `SOCKSHIM_*` variable of the
/// contract is in the list (set, or removed when it has no value here), so
/// settings in the caller's environment cannot leak in.
pub fn variables(format: &Format, to: &Destinations<'_>) -> Result<Vec<Variable>, String> {
    let mut vars: Vec<Variable> = Vec::new();
    let mut set = |name: &str, value: Option<OsString>| vars.push((name.to_string(), value));
    let trace = match (to.live, format.json) {
        (false, _) => "off",
        (true, false) => "text",
        (true, true) => "json",
    };
    set("SOCKSHIM_TRACE", Some(trace.into()));
    set("SOCKSHIM_TRACE_FILE", to.file.map(OsStr::to_os_string));
    set(
        "SOCKSHIM_TRACE_TIME",
        Some(["", "t", "tt", "ttt"][usize::from(format.timestamps.min(3))].into()),
    );
    let offset = if matches!(format.timestamps, 1 | 2) {
        local_utc_offset()
    } else {
        0
    };
    set("SOCKSHIM_TRACE_UTC_OFFSET", Some(offset.to_string().into()));
    set(
        "SOCKSHIM_TRACE_DURATION",
        Some(if format.durations { "1" } else { "0" }.into()),
    );
    set(
        "SOCKSHIM_TRACE_FDS",
        Some(if format.decode_fds > 0 { "yy" } else { "0" }.into()),
    );
    set(
        "SOCKSHIM_TRACE_STRSIZE",
        Some(format.strsize.min(STRSIZE_MAX).to_string().into()),
    );
    set("SOCKSHIM_TRACE_FILTER", Some(filter(format)?.into()));
    set(
        "SOCKSHIM_TRACE_PIDS",
        Some(if to.separate_files { "0" } else { "auto" }.into()),
    );
    set("SOCKSHIM_RECORD", to.record.map(OsStr::to_os_string));
    let payload = if to.record_whole_payload {
        RECORD_PAYLOAD_MAX
    } else if to.record_for_summary_only {
        0
    } else {
        format.strsize.clamp(RECORD_PAYLOAD_DEFAULT, RECORD_PAYLOAD_MAX)
    };
    set("SOCKSHIM_RECORD_PAYLOAD", Some(payload.to_string().into()));
    let rules = (!format.inject.is_empty()).then(|| format.inject.join(";").into());
    set("SOCKSHIM_INJECT", rules);
    debug_assert!(VARIABLES
        .iter()
        .all(|v| vars.iter().any(|(n, _)| v.to_bytes() == n.as_bytes())));
    Ok(vars)
}

/// `-e trace=SET` in the library's spelling (`all` when not given).
pub fn filter(format: &Format) -> Result<String, String> {
    format
        .trace_set
        .as_deref()
        .map_or(Ok("all".to_string()), normalize_filter)
}

/// strace's set syntax, checked item by item so that a mistake is named:
/// a class may be written without its `%` (strace's older `trace=network`),
/// and `?name` is a name that may be unknown (dropped if it is).
pub fn normalize_filter(set: &str) -> Result<String, String> {
    let (negate, list) = match set.strip_prefix('!') {
        Some(rest) => ("!", rest),
        None => ("", set),
    };
    let mut items = Vec::new();
    for item in list.split(',') {
        let (optional, name) = match item.strip_prefix('?') {
            Some(n) => (true, n),
            None => (false, item),
        };
        let known = |s: &str| config::parse_filter(s.as_bytes()).is_some();
        let class = format!("%{name}");
        if !name.is_empty() && known(name) {
            items.push(name.to_string());
        } else if !name.is_empty() && !name.starts_with('%') && known(&class) {
            items.push(class);
        } else if !optional {
            return Err(format!(
                "invalid function or class '{item}' in -e trace= (classes: %network %setup %data %ready %resolve %fd)"
            ));
        }
    }
    if items.is_empty() {
        items.push("none".to_string());
    }
    Ok(format!("{negate}{}", items.join(",")))
}

/// `-e inject=RULES` / `-e fault=RULES` (`;` between rules) in
/// `SOCKSHIM_INJECT`'s spelling, checked by the library's own parser: each
/// rule's SET as `-e trace=` spells it (`normalize_filter`), and a fault=
/// rule without `error=` made `error=ENOSYS` (strace's default).
pub fn normalize_rules(rules: &str, fault: bool) -> Result<String, String> {
    let q = if fault { "fault" } else { "inject" };
    let mut out = Vec::new();
    for rule in rules.split(';') {
        let (set, tokens) = rule.split_once(':').unwrap_or((rule, ""));
        let set = normalize_filter(set).map_err(|e| e.replace("-e trace=", &format!("-e {q}=")))?;
        let mut text = if tokens.is_empty() {
            set
        } else {
            format!("{set}:{tokens}")
        };
        if let Err(e) = inject::check_rule(text.as_bytes(), fault) {
            let part = String::from_utf8_lossy(e.part);
            return Err(format!("invalid -e {q}= rule '{rule}': bad part '{part}': {}", e.why));
        }
        if fault && !tokens.split(':').any(|t| t.starts_with("error=")) {
            text.push_str(":error=ENOSYS");
        }
        out.push(text);
    }
    Ok(out.join(";"))
}

/// Seconds east of UTC now, for `-t`/`-tt` (the library prints local time
/// of day with it). `date` knows `TZ` and the zone database; std does not.
pub fn local_utc_offset() -> i32 {
    let out = std::process::Command::new("date").arg("+%z").output();
    let text = out
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    text.as_deref().and_then(parse_utc_offset).unwrap_or(0)
}

/// `+hhmm` / `-hhmm` (`date +%z`) in seconds.
fn parse_utc_offset(text: &str) -> Option<i32> {
    let (sign, digits) = match text.as_bytes().first()? {
        b'+' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => return None,
    };
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hours: i32 = digits[..2].parse().ok()?;
    let minutes: i32 = digits[2..].parse().ok()?;
    Some(sign * (hours * 3600 + minutes * 60))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sockshim::trace::func::Func;

    #[test]
    fn strace_spellings_of_sets() {
        assert_eq!(normalize_filter("network").unwrap(), "%network");
        assert_eq!(normalize_filter("%network").unwrap(), "%network");
        assert_eq!(normalize_filter("!connect,data").unwrap(), "!connect,%data");
        assert_eq!(normalize_filter("send,?nosuch,recv").unwrap(), "send,recv");
        assert_eq!(normalize_filter("?nosuch").unwrap(), "none");
        assert_eq!(normalize_filter("all").unwrap(), "all");
        assert_eq!(normalize_filter("none").unwrap(), "none");
        let e = normalize_filter("connect,bogus").unwrap_err();
        assert!(e.contains("'bogus'"), "{e}");
        assert!(normalize_filter("%file").unwrap_err().contains("'%file'"));
        assert!(normalize_filter("a,,b").is_err());
        // What comes out is what the library accepts, and means the same.
        let f = config::parse_filter(normalize_filter("!network").unwrap().as_bytes()).unwrap();
        assert!(!f.contains(Func::Connect) && !f.contains(Func::Send) && f.contains(Func::Poll));
    }

    #[test]
    fn every_variable_is_set() {
        let format = Format {
            timestamps: 2,
            durations: true,
            decode_fds: 2,
            strsize: 9000,
            ..Format::default()
        };
        let to = Destinations {
            live: true,
            file: Some(OsStr::new("/tmp/t.%p")),
            record: None,
            record_for_summary_only: false,
            record_whole_payload: false,
            separate_files: true,
        };
        let vars = variables(&format, &to).unwrap();
        assert_eq!(vars.len(), VARIABLES.len());
        let get = |n: &str| {
            let value = vars.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone()).unwrap();
            value.map_or("(removed)".to_string(), |v| v.to_str().unwrap().to_string())
        };
        assert_eq!(get("SOCKSHIM_TRACE"), "text");
        assert_eq!(get("SOCKSHIM_TRACE_FILE"), "/tmp/t.%p");
        assert_eq!(get("SOCKSHIM_TRACE_TIME"), "tt");
        assert_eq!(get("SOCKSHIM_TRACE_DURATION"), "1");
        assert_eq!(get("SOCKSHIM_TRACE_FDS"), "yy");
        assert_eq!(get("SOCKSHIM_TRACE_STRSIZE"), "4096");
        assert_eq!(get("SOCKSHIM_TRACE_FILTER"), "all");
        assert_eq!(get("SOCKSHIM_TRACE_PIDS"), "0");
        assert_eq!(get("SOCKSHIM_RECORD"), "(removed)");
        // The library reads back exactly this configuration, with no complaint.
        let mut bad = Vec::new();
        let c = config::Config::from_env(
            |i| {
                vars.iter()
                    .find(|(k, _)| VARIABLES[i].to_bytes() == k.as_bytes())
                    .and_then(|(_, v)| v.as_ref())
                    .map(|v| v.as_encoded_bytes())
            },
            |k, _, _| bad.push(k.to_string()),
        );
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(c.format, config::Format::Text);
        assert!(c.duration && c.fds && c.record.is_none());
        assert_eq!(c.strsize, 4096);
        let to = Destinations {
            live: false,
            file: None,
            record: Some(OsStr::new("/r")),
            record_for_summary_only: true,
            record_whole_payload: false,
            separate_files: false,
        };
        let vars = variables(
            &Format {
                json: true,
                ..Format::default()
            },
            &to,
        )
        .unwrap();
        let c = config::Config::from_env(
            |i| {
                vars.iter()
                    .find(|(k, _)| VARIABLES[i].to_bytes() == k.as_bytes())
                    .and_then(|(_, v)| v.as_ref())
                    .map(|v| v.as_encoded_bytes())
            },
            |k, v, _| panic!("{k}={v:?}"),
        );
        assert_eq!(c.format, config::Format::Off);
        assert_eq!(c.record_payload, 0);
        assert!(c.record.is_some() && c.file.is_none());
    }

    #[test]
    fn utc_offsets() {
        assert_eq!(parse_utc_offset("+0000"), Some(0));
        assert_eq!(parse_utc_offset("+0530"), Some(5 * 3600 + 30 * 60));
        assert_eq!(parse_utc_offset("-0800"), Some(-8 * 3600));
        assert_eq!(parse_utc_offset("0800"), None);
        assert_eq!(parse_utc_offset("+08"), None);
        assert_eq!(parse_utc_offset("+12345"), None);
    }
}
