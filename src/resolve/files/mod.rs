//! /etc/hosts, /etc/services, /etc/protocols and /etc/nsswitch.conf, as
//! glibc 2.36's nss_files reads them, and /etc/gai.conf as its getaddrinfo
//! does:
//!
//! - `hosts`, `services`, `protocols`, `nsswitch`, `gai_conf`: one parser
//!   per file, safe and allocation-free over `&[u8]`;
//! - `cache`: each file read through `crate::sys` and kept as a snapshot
//!   while its identity (device, inode, size, mtime) is unchanged;
//! - the iteration functions below, what the rest of the resolver calls.

pub mod gai_conf;
pub mod hosts;
pub mod nsswitch;
pub mod protocols;
pub mod services;

pub mod entry;

mod cache;
mod fields;

use core::ops::ControlFlow;

pub use cache::{for_each_line, keyed, read_whole, Db, Line};
pub(crate) use fields::strtoul_prefix;
pub use fields::Words;
pub use hosts::HostsLine;
pub use nsswitch::{Action, Source, SourceItem, SourceList, Status};
pub use protocols::ProtocolLine;
pub use services::ServiceLine;

use super::LookupError;
use crate::inet::is_c_space;

/// Every valid line of /etc/hosts, in file order, until `f` breaks.
/// `Err(System(errno))`: the file cannot be read (glibc: status UNAVAIL,
/// h_errno NO_DATA for a missing file; TRYAGAIN for `EAGAIN`).
pub fn for_each_host(mut f: impl FnMut(&HostsLine<'_>) -> ControlFlow<()>) -> Result<(), LookupError> {
    for_each_view(Db::Hosts, |line| match hosts::parse_line(line) {
        Some(h) => f(&h),
        None => ControlFlow::Continue(()),
    })
}

/// The record of every line of /etc/hosts (`hosts::encode_record`; read
/// them with `hosts::decode_record`), in file order, until `f` breaks:
/// kept per version of the file, so an unchanged file costs one `stat`
/// and a copy of its records. Errors as `for_each_host`.
pub fn for_each_host_record(f: impl FnMut(&[u8]) -> ControlFlow<()>) -> Result<(), LookupError> {
    cache::records(Db::Hosts, Db::HostsRecords, hosts::encode_record, f)
}

/// Every valid line of /etc/services, in file order, until `f` breaks.
pub fn for_each_service(mut f: impl FnMut(&ServiceLine<'_>) -> ControlFlow<()>) -> Result<(), LookupError> {
    for_each_view(Db::Services, |line| match services::parse_line(line) {
        Some(s) => f(&s),
        None => ControlFlow::Continue(()),
    })
}

/// `getservbyport_r(port, proto)`'s name, truncated to `out`: its length.
/// From the port index of /etc/services (`services::PortIndex`), kept
/// per version of the file: an unchanged file costs one `stat` and a walk
/// of the index, not a parse. Errors as `for_each_service`.
pub fn service_name(port: u16, proto: &[u8], out: &mut [u8; 256]) -> Result<Option<usize>, LookupError> {
    let mut found = None;
    let mut state = (out, &mut found);
    let answered = cache::indexed(
        Db::Services,
        Db::ServicesIndex,
        &mut state,
        |k, (out, _)| services::port_name(k, port, proto, out),
        |(out, found), line| {
            if !line.is_complete() {
                return ControlFlow::Continue(());
            }
            with_parser_view(line.bytes, |text| match services::parse_line(text) {
                Some(s) if s.port == port && s.proto == proto => {
                    let n = s.name.len().min(out.len());
                    out[..n].copy_from_slice(&s.name[..n]);
                    **found = Some(n);
                    ControlFlow::Break(())
                }
                _ => ControlFlow::Continue(()),
            })
        },
        services::PortIndex::new,
    )?;
    Ok(answered.unwrap_or(found))
}

/// Every valid line of /etc/protocols, in file order, until `f` breaks.
pub fn for_each_protocol(mut f: impl FnMut(&ProtocolLine<'_>) -> ControlFlow<()>) -> Result<(), LookupError> {
    for_each_view(Db::Protocols, |line| match protocols::parse_line(line) {
        Some(p) => f(&p),
        None => ControlFlow::Continue(()),
    })
}

/// The hosts line of /etc/nsswitch.conf (`files dns` when there is no file
/// or no hosts line), parsed once per version of the file.
pub fn hosts_sources() -> SourceList {
    let bytes = cache::derived(
        Db::Nsswitch,
        Db::HostsSources,
        nsswitch::Reader::default(),
        |reader, line| reader.line(fields::c_str(line.bytes)),
        |reader, read| sources_after(reader, read).encode(),
    );
    SourceList::decode(&bytes)
}

fn sources_after(reader: nsswitch::Reader, read: Result<(), LookupError>) -> SourceList {
    match read {
        Ok(()) => reader.finish(),
        // glibc ignores these and uses the defaults; other errors make it
        // fail every lookup.
        Err(LookupError::System(
            libc::ENOENT | libc::EACCES | libc::EISDIR | libc::ELOOP | libc::ENOTDIR | libc::EPERM,
        )) => SourceList::default_hosts(),
        Err(LookupError::System(e)) => SourceList::unusable(e),
        Err(_) => SourceList::default_hosts(),
    }
}

/// The longest last line rebuilt by `with_parser_view`'s quirk below.
const LAST_LINE_MAX: usize = 1024;

/// Each complete line as glibc's parsers see it (`with_parser_view`).
fn for_each_view(db: Db, mut f: impl FnMut(&[u8]) -> ControlFlow<()>) -> Result<(), LookupError> {
    for_each_line(db, |line| {
        if !line.is_complete() {
            return ControlFlow::Continue(());
        }
        with_parser_view(line.bytes, &mut f)
    })
}

/// Calls `f` with a line as glibc's parsers see it: the C string the line
/// holds. One quirk is kept: glibc strips leading white space by moving the
/// line left over itself without moving its NUL, so a last line with no
/// newline (and no comment) ends with a copy of its last k bytes, k the
/// white space stripped (`"  10.0.0.8 name"` reads as `"10.0.0.8 namee"`).
pub(crate) fn with_parser_view<R>(bytes: &[u8], f: impl FnOnce(&[u8]) -> R) -> R {
    let c = fields::c_str(bytes);
    let k = c.iter().take_while(|&&b| is_c_space(b)).count();
    let shifted = k > 0 && k < c.len() && c.len() <= LAST_LINE_MAX && !c.contains(&b'\n') && !c.contains(&b'#');
    if !shifted {
        return f(c);
    }
    let mut moved = [0u8; LAST_LINE_MAX];
    let n = c.len();
    moved[..n - k].copy_from_slice(&c[k..]);
    moved[n - k..n].copy_from_slice(&c[n - k..]);
    f(&moved[..n])
}
