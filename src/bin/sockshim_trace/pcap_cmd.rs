//! `sockshim-trace decode FILE... --pcap OUT`: a recording's conversations
//! as a pcapng file (`conv` makes the packets, `pcapng` writes them).

use std::ffi::OsStr;
use std::io::BufWriter;

use sockshim::trace::record::Record;

use crate::conv::{Converter, Family};
use crate::decode_cmd::Loaded;
use crate::pcapng::{Writer, LINKTYPE_IPV4, LINKTYPE_IPV6};

/// Why `--pcap-dns` has nothing to export.
pub const DNS_MISSING: &str = "--pcap-dns: a recording holds each resolution call's query and \
results (getaddrinfo's node, service, hints and addresses; gethostbyname's name, aliases and \
addresses), not the DNS messages the resolver exchanged with the name server: it does not record \
the queries' ids, flags, question types, the server's address or the answers' records and TTLs, \
so no DNS packet can be written without inventing them";

/// What a finished export found in its input.
pub struct Exported {
    /// Every file was read to its end without damaged records.
    pub complete: bool,
}

fn interface_of(family: Family) -> (u16, &'static str, &'static str) {
    match family {
        Family::Inet => (LINKTYPE_IPV4, "inet", "sockshim: AF_INET sockets, packets synthesized from their calls"),
        Family::Inet6 => (LINKTYPE_IPV6, "inet6", "sockshim: AF_INET6 sockets, packets synthesized from their calls"),
        Family::Unix => (
            LINKTYPE_IPV6,
            "unix",
            "sockshim: AF_UNIX sockets as fd00::INODE, port 0x8000|(INODE&0x7fff); stream and seqpacket as TCP, datagram as UDP",
        ),
    }
}

/// Converts the recordings `names` into `out`. Damaged or truncated input
/// is converted up to its last whole record and said on stderr
/// (`complete` false).
pub fn export(names: &[&OsStr], out: &OsStr, dns: bool) -> Result<Exported, String> {
    if dns {
        return Err(DNS_MISSING.to_string());
    }
    let loaded = Loaded::read_all(names)?;
    let (mut records, stops) = loaded.records_and_stops();
    // By the time each call started, not returned: a send starts before its
    // data reaches the peer, whose answer starts after it read it, while
    // the sender's call may return after the answer's (the order `decode`
    // prints, by return, would show the answer first). A thread's own
    // order is the same either way.
    records.sort_by_key(|r| match r {
        Record::Call(ev) => ev.time_ns,
        Record::Fd { time_ns, .. } => *time_ns,
    });
    let mut complete = true;
    for s in &stops {
        if s.skipped > 0 || (s.size as u64) < s.end {
            complete = false;
            eprintln!(
                "{}: {}: stopped at byte {} of {} (records were reserved up to byte {}): {} incomplete record(s) skipped; converted up to the last whole record",
                crate::NAME,
                s.path.display(),
                s.last_end,
                s.size,
                s.end,
                s.skipped
            );
        }
    }
    let conv = Converter::run(&records);
    let file = std::fs::File::create(out)
        .map_err(|e| format!("Can't write '{}': {}", out.to_string_lossy(), crate::io_message(&e)))?;
    let write_error = |e: std::io::Error| format!("{}: write error: {}", out.to_string_lossy(), crate::io_message(&e));
    let appl = format!("{} {}", crate::NAME, env!("CARGO_PKG_VERSION"));
    let mut w = Writer::new(BufWriter::new(file), &appl).map_err(write_error)?;
    let mut ids: Vec<(Family, u32)> = Vec::new();
    for p in &conv.out {
        let id = match ids.iter().find(|(f, _)| *f == p.family) {
            Some((_, id)) => *id,
            None => {
                let (link, name, desc) = interface_of(p.family);
                let id = w.interface(link, name, desc).map_err(write_error)?;
                ids.push((p.family, id));
                id
            }
        };
        w.packet(id, p.ts_ns, &p.packet.data, p.packet.orig_len, &p.comment)
            .map_err(write_error)?;
    }
    w.finish().map_err(write_error)?;
    Ok(Exported { complete })
}
