//! The `-c` table: strace's columns (% time, seconds, usecs/call, calls,
//! errors) per function, plus the bytes each function sent and received,
//! summed over every process of the run.

use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One traced call, as far as the summary cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Call<'a> {
    pub function: &'a str,
    /// Wall-clock time spent in the call.
    pub nanos: u64,
    pub failed: bool,
    pub sent: u64,
    pub received: u64,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Totals {
    nanos: u64,
    calls: u64,
    errors: u64,
    sent: u64,
    received: u64,
}

impl Totals {
    fn add(&mut self, other: &Totals) {
        self.nanos = self.nanos.saturating_add(other.nanos);
        self.calls = self.calls.saturating_add(other.calls);
        self.errors = self.errors.saturating_add(other.errors);
        self.sent = self.sent.saturating_add(other.sent);
        self.received = self.received.saturating_add(other.received);
    }
}

/// Calls counted per function.
#[derive(Debug, Default)]
pub struct Summary {
    by_function: BTreeMap<String, Totals>,
}

impl Summary {
    pub fn add(&mut self, call: Call<'_>) {
        let one = Totals {
            nanos: call.nanos,
            calls: 1,
            errors: call.failed as u64,
            sent: call.sent,
            received: call.received,
        };
        match self.by_function.get_mut(call.function) {
            Some(t) => t.add(&one),
            None => {
                self.by_function.insert(call.function.to_string(), one);
            }
        }
    }

    /// The table, most time first (then most calls, then by name), as strace
    /// prints it; an empty summary prints the header and total row only.
    pub fn table(&self) -> String {
        let mut rows: Vec<(&String, &Totals)> = self.by_function.iter().collect();
        rows.sort_by(|a, b| {
            b.1.nanos
                .cmp(&a.1.nanos)
                .then(b.1.calls.cmp(&a.1.calls))
                .then(a.0.cmp(b.0))
        });
        let mut total = Totals::default();
        rows.iter().for_each(|(_, t)| total.add(t));
        let mut out = String::new();
        let rule = "------ ----------- ----------- --------- --------- ------------ -------------- ----------------\n";
        out.push_str("% time     seconds  usecs/call     calls    errors   bytes sent bytes received function\n");
        out.push_str(rule);
        for (name, t) in &rows {
            let percent = if total.nanos == 0 {
                0.0
            } else {
                t.nanos as f64 * 100.0 / total.nanos as f64
            };
            row(&mut out, &format!("{percent:6.2}"), t, name);
        }
        out.push_str(rule);
        row(&mut out, "100.00", &total, "total");
        out
    }
}

fn row(out: &mut String, percent: &str, t: &Totals, name: &str) {
    let seconds = format!("{}.{:06}", t.nanos / 1_000_000_000, t.nanos % 1_000_000_000 / 1000);
    let per_call = t.nanos / 1000 / t.calls.max(1);
    // Like strace, a zero error count is left blank; so are byte counts.
    let blank = |n: u64| if n == 0 { String::new() } else { n.to_string() };
    let _ = writeln!(
        out,
        "{percent} {seconds:>11} {per_call:>11} {:>9} {:>9} {:>12} {:>14} {name}",
        t.calls,
        blank(t.errors),
        blank(t.sent),
        blank(t.received)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(function: &str, nanos: u64, failed: bool, sent: u64, received: u64) -> Call<'_> {
        Call {
            function,
            nanos,
            failed,
            sent,
            received,
        }
    }

    #[test]
    fn table_matches_strace_layout() {
        let mut s = Summary::default();
        s.add(call("connect", 30_000, false, 0, 0));
        s.add(call("send", 5_000, false, 10, 0));
        s.add(call("send", 5_000, true, 0, 0));
        s.add(call("recv", 60_000, false, 0, 4096));
        s.add(call("socket", 0, false, 0, 0));
        let table = s.table();
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(
            lines[0],
            "% time     seconds  usecs/call     calls    errors   bytes sent bytes received function"
        );
        assert_eq!(
            lines[2],
            " 60.00    0.000060          60         1                                  4096 recv"
        );
        assert_eq!(
            lines[3],
            " 30.00    0.000030          30         1                                       connect"
        );
        assert_eq!(
            lines[4],
            " 10.00    0.000010           5         2         1           10                send"
        );
        assert_eq!(
            lines[5],
            "  0.00    0.000000           0         1                                       socket"
        );
        assert_eq!(
            lines[7],
            "100.00    0.000100          20         5         1           10           4096 total"
        );
        assert_eq!(lines.len(), 8);
        // strace's own widths: "%6.2f %11.6f %11lu %9u %9.u" in the shared columns.
        for l in &lines[2..] {
            if !l.starts_with('-') {
                assert_eq!(&l[6..7], " ");
                assert_eq!(&l[18..19], " ");
            }
        }
    }

    #[test]
    fn empty_and_large() {
        let s = Summary::default();
        assert_eq!(s.table().lines().count(), 4);
        let mut s = Summary::default();
        s.add(call("poll", 12_345_678_901, false, 0, 0));
        assert!(s.table().contains("100.00   12.345678    12345678         1"));
    }
}
