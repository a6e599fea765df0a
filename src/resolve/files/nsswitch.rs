//! /etc/nsswitch.conf: the `hosts` line, as glibc 2.36 reads it.
//!
//! - A line is `database[:] sources...`; leading white space is skipped, the
//!   database name ends at white space or `:`, and the white space and
//!   colons after it are skipped. Names are case-sensitive (`Hosts:` is
//!   not the hosts database). When a database has several lines, the last
//!   one counts.
//! - There are no comments inside a line: `hosts: files # dns` names the
//!   three sources `files`, `#` and `dns` (only a line whose database name
//!   starts with `#` is a comment, since no database has such a name).
//! - A source is a name followed by an optional `[...]` of
//!   `[!]STATUS=ACTION` items (case-insensitive; statuses SUCCESS, NOTFOUND,
//!   UNAVAIL, TRYAGAIN; actions RETURN, CONTINUE, MERGE). The defaults are
//!   SUCCESS=return and continue for everything else; `!STATUS=ACTION` sets
//!   every other status to ACTION.
//! - A syntax error in the line of any database glibc knows makes glibc
//!   refuse the whole file: every lookup then fails (`EINVAL`).
//! - No file, or no hosts line: `files dns` (glibc 2.35 changed the default
//!   from `dns [!UNAVAIL=return] files`; verified on this glibc 2.36).
//!
//! Sources other than `files` and `dns` are kept as [`Source::Other`]:
//! sockshim implements no other module, so they behave as glibc does for a
//! module that is not installed: status UNAVAIL, then their UNAVAIL action.

use core::ops::ControlFlow;

use super::fields::{c_str, skip_space};
use crate::inet::is_c_space;

/// The most sources a hosts line can list; further ones are ignored.
pub(crate) const MAX_SOURCES: usize = 8;

/// Where names come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Files,
    Dns,
    /// A module sockshim does not implement (`myhostname`, `mdns4`, ...).
    Other,
}

/// The outcome of asking one source, as NSS names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    TryAgain,
    Unavail,
    NotFound,
    Success,
}

/// What to do after a source answered with some status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Return,
    Continue,
    /// Merge with the next source's result (glibc merges only group
    /// entries; its other lookups treat a merge after a success as a
    /// failure to copy the entry).
    Merge,
}

/// One source and its action for each status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SourceItem {
    pub source: Source,
    /// Indexed by `Status as usize`.
    actions: [Action; 4],
}

impl SourceItem {
    fn new(source: Source) -> Self {
        let mut actions = [Action::Continue; 4];
        actions[Status::Success as usize] = Action::Return;
        SourceItem { source, actions }
    }

    /// The action after this source answered `status`.
    pub fn action(&self, status: Status) -> Action {
        self.actions[status as usize]
    }
}

/// The hosts sources, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SourceList {
    items: [SourceItem; MAX_SOURCES],
    len: usize,
    /// `Some(errno)` when glibc cannot use the configuration at all and
    /// fails every lookup with this errno (`EINVAL` for a syntax error);
    /// the list is then empty.
    pub error: Option<i32>,
}

impl SourceList {
    const EMPTY: SourceList = SourceList {
        items: [SourceItem {
            source: Source::Other,
            actions: [Action::Continue; 4],
        }; MAX_SOURCES],
        len: 0,
        error: None,
    };

    /// glibc 2.36's default for hosts: `files dns`.
    pub fn default_hosts() -> SourceList {
        let mut s = SourceList::EMPTY;
        s.push(SourceItem::new(Source::Files));
        s.push(SourceItem::new(Source::Dns));
        s
    }

    /// A configuration glibc refuses: every lookup fails with `errno`.
    pub(crate) fn unusable(errno: i32) -> SourceList {
        SourceList {
            error: Some(errno),
            ..SourceList::EMPTY
        }
    }

    fn push(&mut self, item: SourceItem) {
        if let Some(slot) = self.items.get_mut(self.len) {
            *slot = item;
            self.len += 1;
        }
    }

    /// The sources in order (empty for `hosts:` with nothing after it, for
    /// which glibc's lookups fail as if no service existed).
    pub fn items(&self) -> &[SourceItem] {
        &self.items[..self.len]
    }
}

/// The length of `SourceList::encode`'s bytes.
pub(crate) const ENCODED_LEN: usize = 6 + 2 * MAX_SOURCES;

impl SourceList {
    /// The sources as bytes, for keeping between calls: the count, whether
    /// there is an error and its errno, then per item its source and its
    /// four actions (two bits each).
    pub(crate) fn encode(&self) -> [u8; ENCODED_LEN] {
        let mut out = [0u8; ENCODED_LEN];
        out[0] = self.len as u8;
        out[1] = u8::from(self.error.is_some());
        out[2..6].copy_from_slice(&self.error.unwrap_or(0).to_le_bytes());
        for (pair, item) in out[6..].chunks_exact_mut(2).zip(self.items()) {
            pair[0] = item.source as u8;
            pair[1] = item.actions.iter().rev().fold(0, |acc, &a| acc << 2 | a as u8);
        }
        out
    }

    /// The sources `encode` gave these bytes for.
    pub(crate) fn decode(bytes: &[u8; ENCODED_LEN]) -> SourceList {
        let mut out = SourceList::EMPTY;
        if bytes[1] != 0 {
            out.error = Some(i32::from_le_bytes([bytes[2], bytes[3], bytes[4], bytes[5]]));
        }
        let len = usize::from(bytes[0]).min(MAX_SOURCES);
        for pair in bytes[6..].chunks_exact(2).take(len) {
            let source = match pair[0] {
                0 => Source::Files,
                1 => Source::Dns,
                _ => Source::Other,
            };
            let mut item = SourceItem {
                source,
                actions: [Action::Continue; 4],
            };
            for (i, action) in item.actions.iter_mut().enumerate() {
                *action = match pair[1] >> (2 * i) & 3 {
                    0 => Action::Return,
                    2 => Action::Merge,
                    _ => Action::Continue,
                };
            }
            out.push(item);
        }
        out
    }
}

/// The databases glibc 2.36 knows: a syntax error in any of their lines
/// invalidates the whole file.
const DATABASES: [&[u8]; 17] = [
    b"aliases",
    b"ethers",
    b"group",
    b"group_compat",
    b"gshadow",
    b"hosts",
    b"initgroups",
    b"netgroup",
    b"networks",
    b"passwd",
    b"passwd_compat",
    b"protocols",
    b"publickey",
    b"rpc",
    b"services",
    b"shadow",
    b"shadow_compat",
];

/// Reads the whole file's lines in order and returns the hosts sources.
/// `lines` yields each line (with or without its newline).
pub fn parse<'a>(lines: impl IntoIterator<Item = &'a [u8]>) -> SourceList {
    let mut reader = Reader::default();
    for line in lines {
        if reader.line(line).is_break() {
            break;
        }
    }
    reader.finish()
}

/// The file read line by line, for callers that get its lines one at a time.
#[derive(Default)]
pub(crate) struct Reader {
    hosts: Option<SourceList>,
    error: bool,
}

impl Reader {
    /// Takes the next line; `Break` once the file is known to be unusable.
    pub(crate) fn line(&mut self, line: &[u8]) -> ControlFlow<()> {
        let Some((db, rest)) = split_database(line) else {
            return ControlFlow::Continue(());
        };
        if !DATABASES.contains(&db) {
            return ControlFlow::Continue(());
        }
        match parse_sources(rest) {
            Some(s) if db == b"hosts" => self.hosts = Some(s),
            Some(_) => {}
            None => {
                self.error = true;
                return ControlFlow::Break(());
            }
        }
        ControlFlow::Continue(())
    }

    pub(crate) fn finish(self) -> SourceList {
        if self.error {
            SourceList::unusable(libc::EINVAL)
        } else {
            self.hosts.unwrap_or_else(SourceList::default_hosts)
        }
    }
}

/// Splits a line into its database name and the source list after it.
fn split_database(line: &[u8]) -> Option<(&[u8], &[u8])> {
    let line = skip_space(c_str(line));
    let n = line.iter().take_while(|&&c| !is_c_space(c) && c != b':').count();
    if n == 0 || n == line.len() {
        return None;
    }
    let rest = &line[n..];
    let skip = rest.iter().take_while(|&&c| is_c_space(c) || c == b':').count();
    Some((&line[..n], &rest[skip..]))
}

/// Parses a source list; `None` on a syntax error.
pub fn parse_sources(mut s: &[u8]) -> Option<SourceList> {
    let mut out = SourceList::EMPTY;
    loop {
        s = skip_space(s);
        if s.is_empty() {
            return Some(out);
        }
        let n = s.iter().take_while(|&&c| !is_c_space(c) && c != b'[').count();
        let source = match &s[..n] {
            b"files" => Source::Files,
            b"dns" => Source::Dns,
            _ => Source::Other,
        };
        let mut item = SourceItem::new(source);
        s = skip_space(&s[n..]);
        if let Some(rest) = s.strip_prefix(b"[") {
            s = parse_criteria(skip_space(rest), &mut item)?;
        }
        out.push(item);
    }
}

/// Parses `[!]STATUS=ACTION ...]` (after the `[`) into `item`; returns what
/// follows the `]`.
fn parse_criteria<'a>(mut s: &'a [u8], item: &mut SourceItem) -> Option<&'a [u8]> {
    loop {
        let negate = s.first() == Some(&b'!');
        if negate {
            s = &s[1..];
        }
        let (word, rest) = criteria_word(s);
        let status = match word.len() {
            7 if word.eq_ignore_ascii_case(b"SUCCESS") => Status::Success,
            7 if word.eq_ignore_ascii_case(b"UNAVAIL") => Status::Unavail,
            8 if word.eq_ignore_ascii_case(b"NOTFOUND") => Status::NotFound,
            8 if word.eq_ignore_ascii_case(b"TRYAGAIN") => Status::TryAgain,
            _ => return None,
        };
        let rest = skip_space(rest).strip_prefix(b"=")?;
        let (word, rest) = criteria_word(skip_space(rest));
        let action = if word.eq_ignore_ascii_case(b"RETURN") {
            Action::Return
        } else if word.eq_ignore_ascii_case(b"CONTINUE") {
            Action::Continue
        } else if word.eq_ignore_ascii_case(b"MERGE") {
            Action::Merge
        } else {
            return None;
        };
        if negate {
            let keep = item.action(status);
            item.actions = [action; 4];
            item.actions[status as usize] = keep;
        } else {
            item.actions[status as usize] = action;
        }
        s = skip_space(rest);
        if let Some(rest) = s.strip_prefix(b"]") {
            return Some(rest);
        }
    }
}

/// A status or action name: up to white space, `=` or `]`.
fn criteria_word(s: &[u8]) -> (&[u8], &[u8]) {
    let n = s
        .iter()
        .take_while(|&&c| !is_c_space(c) && c != b'=' && c != b']')
        .count();
    (&s[..n], &s[n..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use Action::*;
    use Source::*;
    use Status::*;

    fn hosts(conf: &str) -> SourceList {
        parse(conf.as_bytes().split_inclusive(|&c| c == b'\n'))
    }

    fn list(s: &SourceList) -> Vec<Source> {
        s.items().iter().map(|i| i.source).collect()
    }

    #[test]
    fn debian_file() {
        let s = hosts("# comment\npasswd:         files systemd\nhosts:          files dns\nnetgroup:       nis\n");
        assert_eq!(list(&s), [Files, Dns]);
        assert_eq!(s.error, None);
        let f = s.items()[0];
        assert_eq!(
            (
                f.action(Success),
                f.action(NotFound),
                f.action(Unavail),
                f.action(TryAgain)
            ),
            (Return, Continue, Continue, Continue)
        );
    }

    #[test]
    fn default_when_no_hosts_line() {
        assert_eq!(hosts(""), SourceList::default_hosts());
        assert_eq!(
            hosts("passwd: files\nHosts: dns\n#hosts: dns\n"),
            SourceList::default_hosts()
        );
        assert_eq!(list(&SourceList::default_hosts()), [Files, Dns]);
    }

    #[test]
    fn last_line_wins_and_empty_list() {
        assert_eq!(list(&hosts("hosts: dns\nhosts: files\n")), [Files]);
        let s = hosts("hosts:\n");
        assert_eq!((s.items().len(), s.error), (0, None));
    }

    #[test]
    fn separators_and_no_comments() {
        assert_eq!(list(&hosts("  hosts:dns files")), [Dns, Files]);
        assert_eq!(list(&hosts("hosts files")), [Files]);
        assert_eq!(list(&hosts("hosts :: files")), [Files]);
        assert_eq!(list(&hosts("hosts: dns # files\n")), [Dns, Other, Files]);
        assert_eq!(
            list(&hosts("hosts: mdns4_minimal [NOTFOUND=return] dns myhostname")),
            [Other, Dns, Other]
        );
        assert_eq!(list(&hosts("hosts: files[NOTFOUND=return]dns")), [Files, Dns]);
    }

    #[test]
    fn criteria() {
        let s = hosts("hosts: dns [!UNAVAIL=return] files\n");
        let d = s.items()[0];
        assert_eq!(
            (
                d.action(Success),
                d.action(NotFound),
                d.action(Unavail),
                d.action(TryAgain)
            ),
            (Return, Return, Continue, Return)
        );
        let s = hosts("hosts: files [ notfound = Return  TRYAGAIN=merge ] dns [SUCCESS=continue]");
        let f = s.items()[0];
        assert_eq!(
            (f.action(NotFound), f.action(TryAgain), f.action(Success)),
            (Return, Merge, Return)
        );
        assert_eq!(s.items()[1].action(Success), Continue);
        let s = hosts("hosts: dns [!NOTFOUND=continue] files");
        assert_eq!(s.items()[0].action(Success), Continue);
    }

    #[test]
    fn syntax_errors_refuse_the_file() {
        for bad in [
            "hosts: files [foo=bar]\n",
            "passwd: files [NOTFOUND=retur]\nhosts: files\n",
            "hosts: files [NOTFOUND=return\n",
            "hosts: files [NOTFOUND return]\n",
            "hosts: files []\n",
            "services: files [!=return]\n",
        ] {
            assert_eq!(hosts(bad).error, Some(libc::EINVAL), "{bad}");
        }
        // Databases glibc does not know are not parsed.
        assert_eq!(hosts("sudoers: files [junk\nhosts: dns").error, None);
    }

    #[test]
    fn encoding_round_trips() {
        for conf in [
            "hosts: files dns\n",
            "hosts:\n",
            "hosts: files [foo=bar]\n",
            "hosts: a b c d e f g h i j files",
            "hosts: dns [!UNAVAIL=return] files [NOTFOUND=merge SUCCESS=continue] mdns4",
        ] {
            let s = hosts(conf);
            assert_eq!(SourceList::decode(&s.encode()), s, "{conf}");
        }
        assert_eq!(
            SourceList::decode(&SourceList::unusable(libc::EIO).encode()),
            SourceList::unusable(libc::EIO)
        );
    }

    #[test]
    fn too_many_sources_are_capped() {
        assert_eq!(hosts("hosts: a b c d e f g h i j files").items().len(), MAX_SOURCES);
    }

    #[test]
    fn no_panic_on_malformed_lines() {
        let pieces: [&[u8]; 12] = [
            b"hosts",
            b":",
            b" ",
            b"[",
            b"]",
            b"!",
            b"=",
            b"return",
            b"notfound",
            b"\0",
            b"\n",
            b"files",
        ];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    for d in pieces {
                        let line = [&b"hosts: "[..], a, b, c, d].concat();
                        let _ = parse([&line[..]]);
                    }
                }
            }
        }
    }
}
