//! Test support for c-tests/trace/run.sh: checks of sockshim's own
//! recordings made through the recording reader (`sockshim::trace::records`),
//! not by parsing decoded text. (Comparisons with strace stay in
//! c-tests/trace/tracecheck.pl.) Not installed.
//!
//!   sockshim-trace-check tags PREFIX FIRST LAST COUNT REC...
//!   sockshim-trace-check whole REC...
//!   sockshim-trace-check fdclass EXPECTED REC
//!   sockshim-trace-check resolve EXPECTED REC
//!
//! The stress program's payload tags `PREFIX<ww>:<sssssss>.` of writers
//! `ww = FIRST..=LAST`, sequence numbers `0..COUNT`: each must be in
//! exactly one `send` record and one `recv` record of the recordings, and
//! no record may be torn. `whole`: every file is a recording whose every
//! record decodes (none torn). `fdclass`: the `read`, `write` and `close`
//! records of REC, in order, are exactly the `E CALL FD [TEXT]` lines of
//! progs/fdclass.c's output (TEXT: what a write sent). `resolve`: the
//! calls of REC, in order, read through the typed resolver events
//! (`sockshim::trace::netdb`), are exactly the lines of progs/resolve.c's
//! output (its top comment gives their forms; the same comparison as
//! `tracecheck.pl resolve` makes of the decoded text). Each prints one
//! `# ` summary line and exits 0 when it holds.
#![deny(unsafe_code)]

use std::collections::HashMap;
use std::process::ExitCode;

use std::net::{Ipv4Addr, Ipv6Addr};

use sockshim::trace::netdb::ResolveEvent;
use sockshim::trace::sockaddr::SockAddr;
use sockshim::trace::{records, Event, Func, Record};

/// The tag at the start of a payload (`PREFIX<digits>:<digits>`, then `.`).
fn tag_of<'a>(data: &'a [u8], prefix: &[u8]) -> Option<&'a [u8]> {
    let rest = data.strip_prefix(prefix)?;
    let dot = rest.iter().position(|&b| b == b'.')?;
    let body = &rest[..dot];
    let colon = body.iter().position(|&b| b == b':')?;
    let digits = |s: &[u8]| !s.is_empty() && s.iter().all(u8::is_ascii_digit);
    (digits(&body[..colon]) && digits(&body[colon + 1..])).then(|| &data[..prefix.len() + dot])
}

fn tags(args: &[String]) -> Result<bool, String> {
    let [prefix, first, last, count, files @ ..] = args else {
        return Err("usage: tags PREFIX FIRST LAST COUNT REC...".into());
    };
    let num = |s: &String| s.parse::<u64>().map_err(|_| format!("not a number: {s}"));
    let (first, last, count) = (num(first)?, num(last)?, num(count)?);
    let (mut send, mut recv): (HashMap<Vec<u8>, u32>, HashMap<Vec<u8>, u32>) = Default::default();
    let (mut skipped, mut calls) = (0u64, 0u64);
    for f in files {
        let bytes = std::fs::read(f).map_err(|e| format!("{f}: {e}"))?;
        let mut reader = records(&bytes).map_err(|e| format!("{f}: {e}"))?;
        for r in reader.by_ref() {
            let Record::Call(ev) = r else { continue };
            calls += 1;
            let map = match ev.func {
                Func::Send => &mut send,
                Func::Recv => &mut recv,
                _ => continue,
            };
            if let Some(t) = tag_of(ev.data, prefix.as_bytes()) {
                *map.entry(t.to_vec()).or_default() += 1;
            }
        }
        skipped += reader.skipped;
    }
    let dup = send.values().chain(recv.values()).filter(|&&n| n > 1).count();
    let mut missing = 0u64;
    for w in first..=last {
        for s in 0..count {
            let tag = format!("{prefix}{w:02}:{s:07}").into_bytes();
            for map in [&send, &recv] {
                if !map.contains_key(&tag) {
                    if missing < 5 {
                        println!("# missing {}", String::from_utf8_lossy(&tag));
                    }
                    missing += 1;
                }
            }
        }
    }
    let want = (last + 1 - first.min(last + 1)) * count;
    println!(
        "# {prefix}: {} sends, {} recvs (want {want} each), {missing} missing, {dup} duplicated; {calls} calls in {} recordings, {skipped} torn records",
        send.len(),
        recv.len(),
        files.len()
    );
    Ok(missing == 0 && dup == 0 && skipped == 0 && !files.is_empty())
}

fn whole(files: &[String]) -> Result<bool, String> {
    let (mut calls, mut fds, mut torn, mut bad) = (0u64, 0u64, 0u64, 0usize);
    for f in files {
        let bytes = std::fs::read(f).map_err(|e| format!("{f}: {e}"))?;
        let mut reader = match records(&bytes) {
            Ok(r) => r,
            Err(e) => {
                println!("# {f}: {e}");
                bad += 1;
                continue;
            }
        };
        for r in reader.by_ref() {
            match r {
                Record::Call(_) => calls += 1,
                Record::Fd { .. } => fds += 1,
            }
        }
        if reader.skipped > 0 {
            println!("# {f}: {} torn or undecodable records", reader.skipped);
            torn += reader.skipped;
        }
    }
    println!(
        "# {} recordings: {calls} calls, {fds} descriptor records, {torn} torn, {bad} not recordings",
        files.len()
    );
    Ok(torn == 0 && bad == 0 && !files.is_empty())
}

fn fdclass(args: &[String]) -> Result<bool, String> {
    let [expected, rec] = args else {
        return Err("usage: fdclass EXPECTED REC".into());
    };
    let out = std::fs::read_to_string(expected).map_err(|e| format!("{expected}: {e}"))?;
    let want: Vec<&str> = out.lines().filter_map(|l| l.strip_prefix("E ")).collect();
    let bytes = std::fs::read(rec).map_err(|e| format!("{rec}: {e}"))?;
    let mut got = Vec::new();
    for r in records(&bytes).map_err(|e| format!("{rec}: {e}"))? {
        let Record::Call(ev) = r else { continue };
        let fd = ev.int(0);
        match ev.func {
            Func::Write => got.push(format!("write {fd} {}", String::from_utf8_lossy(ev.data))),
            Func::Read => got.push(format!("read {fd}")),
            Func::Close => got.push(format!("close {fd}")),
            _ => {}
        }
    }
    let mut bad = 0;
    for i in 0..want.len().max(got.len()) {
        let (w, g) = (
            want.get(i).copied().unwrap_or("(nothing)"),
            got.get(i).map_or("(nothing)", String::as_str),
        );
        if w != g {
            println!("# read/write/close #{}: want '{w}', recorded '{g}'", i + 1);
            bad += 1;
            if bad >= 5 {
                break;
            }
        }
    }
    println!(
        "# {} expected, {} recorded read/write/close calls",
        want.len(),
        got.len()
    );
    Ok(bad == 0)
}

/// A C string of an event as the program prints it (`NULL` for none).
fn cstr(s: Option<&[u8]>) -> String {
    s.map_or_else(|| "NULL".into(), |b| String::from_utf8_lossy(b).into_owned())
}

/// A host address (4 or 16 bytes) as `inet_ntop` formats it.
fn ntop(a: &[u8]) -> String {
    if let Ok(v4) = <[u8; 4]>::try_from(a) {
        Ipv4Addr::from(v4).to_string()
    } else if let Ok(v6) = <[u8; 16]>::try_from(a) {
        Ipv6Addr::from(v6).to_string()
    } else {
        format!("?{a:02x?}")
    }
}

/// An IPv4 or IPv6 socket address as `ADDR PORT`.
fn addr_port(sa: &[u8]) -> String {
    match SockAddr::parse(sa) {
        SockAddr::Inet { port, addr } => format!("{} {port}", Ipv4Addr::from(addr)),
        SockAddr::Inet6 { port, addr, .. } => format!("{} {port}", Ipv6Addr::from(addr)),
        _ => format!("?{sa:02x?} ?"),
    }
}

/// One recorded call as the line progs/resolve.c printed for it (see its
/// top comment); what `tracecheck.pl`'s `resolve_text` makes of its text.
fn resolve_line(ev: &Event) -> String {
    let f = ev.func;
    let Some(e) = ResolveEvent::decode(f, ev.aux) else {
        return format!("not a resolution event: {}", f.name());
    };
    let rc = ev.ret;
    match e {
        ResolveEvent::Addrinfo(e) => {
            let mut l = format!("gai {} {} -> {rc}", cstr(e.node), cstr(e.service));
            if rc == 0 {
                for a in e.results.shown() {
                    l += &format!(" {} {} {} {}", a.family, a.socktype, a.protocol, addr_port(a.addr));
                }
                if e.results.cut() {
                    l += " ...";
                }
            }
            l
        }
        ResolveEvent::Nameinfo(e) => {
            let (h, s) = if rc == 0 {
                (cstr(e.host), cstr(e.serv))
            } else {
                ("-".into(), "-".into())
            };
            format!("gni {} {} -> {rc} {h} {s}", addr_port(ev.addr), ev.len_in)
        }
        ResolveEvent::Hostent(e) => {
            let query = if matches!(f, Func::Gethostbyaddr | Func::GethostbyaddrR) {
                ntop(ev.addr)
            } else {
                cstr(e.query)
            };
            let mut l = if e.reentrant {
                // h_errno is kept only when the call stored it; the program
                // starts it at 99, which no call stores
                let h = e.stored_h_errno();
                if h == Some(99) {
                    return format!("stale h_errno recorded: {} {query}", f.name());
                }
                let h = h.unwrap_or(99);
                let l = format!("ghr {} {query} -> {rc} {h}", f.name());
                if !e.found {
                    return l + " NULL";
                }
                l
            } else {
                if rc != 0 {
                    return format!("ghb {} {query} -> NOTFOUND {rc}", f.name());
                }
                format!("ghb {} {query} ->", f.name())
            };
            l += &format!(" {} 0 {}", cstr(e.name), e.aliases.total);
            for a in e.addrs.shown() {
                l += &format!(" {}", ntop(a));
            }
            if e.addrs.cut() {
                l += " ...";
            }
            l
        }
        ResolveEvent::Servent(e) => {
            let query = if e.by_name {
                cstr(e.name)
            } else {
                u16::from_be(ev.arg(0) as u16).to_string()
            };
            let l = format!("srv {} {query} {} -> {rc}", f.name(), cstr(e.proto));
            if !e.found {
                return l + " NULL";
            }
            let port = u16::from_be(e.s_port as u16);
            let l = format!("{l} {} {port} {}", cstr(e.s_name), cstr(e.s_proto));
            aliases_of(l, e.aliases.shown(), e.aliases.cut())
        }
        ResolveEvent::Protoent(e) => {
            let query = if e.by_name { cstr(e.name) } else { ev.int(0).to_string() };
            let l = format!("pro {} {query} -> {rc}", f.name());
            if !e.found {
                return l + " NULL";
            }
            let l = format!("{l} {} {}", cstr(e.p_name), e.p_proto);
            aliases_of(l, e.aliases.shown(), e.aliases.cut())
        }
    }
}

/// `l` then ` ALIAS` for each alias kept (` ...` if some were not).
fn aliases_of(mut l: String, shown: &[Option<&[u8]>], cut: bool) -> String {
    for a in shown {
        l += &format!(" {}", cstr(*a));
    }
    if cut {
        l += " ...";
    }
    l
}

fn resolve(args: &[String]) -> Result<bool, String> {
    let [expected, rec] = args else {
        return Err("usage: resolve EXPECTED REC".into());
    };
    let out = std::fs::read_to_string(expected).map_err(|e| format!("{expected}: {e}"))?;
    let want: Vec<&str> = out.lines().collect();
    let bytes = std::fs::read(rec).map_err(|e| format!("{rec}: {e}"))?;
    let mut reader = records(&bytes).map_err(|e| format!("{rec}: {e}"))?;
    let mut got = Vec::new();
    for r in reader.by_ref() {
        if let Record::Call(ev) = r {
            // anything else is the resolver's own system calls, never traced
            got.push(resolve_line(&ev));
        }
    }
    let mut bad = 0;
    for i in 0..want.len().max(got.len()) {
        let (w, g) = (
            want.get(i).copied().unwrap_or("(none)"),
            got.get(i).map_or("(none)", String::as_str),
        );
        if w != g {
            println!("# call {}: program saw '{w}'\n#        trace shows '{g}'", i + 1);
            bad += 1;
            if bad >= 5 {
                break;
            }
        }
    }
    println!(
        "# {} calls made, {} recorded, {} torn records",
        want.len(),
        got.len(),
        reader.skipped
    );
    Ok(bad == 0 && reader.skipped == 0 && !want.is_empty())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("tags") => tags(&args[1..]),
        Some("whole") => whole(&args[1..]),
        Some("fdclass") => fdclass(&args[1..]),
        Some("resolve") => resolve(&args[1..]),
        _ => Err(
            "usage: sockshim-trace-check tags PREFIX FIRST LAST COUNT REC... | whole REC... | fdclass EXPECTED REC \
             | resolve EXPECTED REC"
                .into(),
        ),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("sockshim-trace-check: {e}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{addr_port, ntop, tag_of};

    /// Addresses as progs/resolve.c's `inet_ntop` prints them.
    #[test]
    fn addresses_as_inet_ntop() {
        assert_eq!(ntop(&[127, 0, 0, 1]), "127.0.0.1");
        let mut v6 = [0u8; 16];
        assert_eq!(ntop(&v6), "::");
        v6[15] = 1;
        assert_eq!(ntop(&v6), "::1");
        assert_eq!(
            addr_port(&[2, 0, 0x1f, 0x90, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]),
            "127.0.0.1 8080"
        );
        let mut sa6 = [0u8; 28];
        sa6[0] = 10;
        sa6[3] = 25;
        assert_eq!(addr_port(&sa6), ":: 25");
    }

    #[test]
    fn tags_at_the_start_of_a_payload() {
        assert_eq!(tag_of(b"T03:0000012.xyz", b"T"), Some(&b"T03:0000012"[..]));
        assert_eq!(tag_of(b"T03:0000012", b"T"), None);
        assert_eq!(tag_of(b"F1:x.", b"F"), None);
        assert_eq!(tag_of(b"X03:1.", b"T"), None);
    }
}
