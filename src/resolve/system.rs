//! The `lookup::Sources` of this machine: /etc/hosts, /etc/services and
//! /etc/nsswitch.conf through `files`, DNS through `dns` (resolv.conf is
//! read at the first DNS question of a call, and once per call).

use core::ops::ControlFlow;

use super::dns::{client, conf};
use super::files::{self, nsswitch};
use super::lookup::{Caller, DnsAddrs, FileLine, HostsLineFn, Name, Sources};
use super::{Addr, Family, LookupError};

/// Most names of one /etc/hosts line handed to a lookup (more are ignored,
/// like glibc's old 35-alias limit).
const MAX_LINE_NAMES: usize = 36;

/// The longest last line `view` rebuilds (as `files::for_each_host`).
const LAST_LINE_MAX: usize = 1024;

/// A line as glibc's hosts parser sees it, as `files::for_each_host` shows
/// it: the C string the line holds; a last line with no newline and
/// leading white space, which glibc shifts left over itself without moving
/// its NUL, ends with a copy of its last k bytes (k the white space).
fn view<'a>(bytes: &'a [u8], moved: &'a mut [u8; LAST_LINE_MAX]) -> &'a [u8] {
    let c = bytes.split(|&b| b == 0).next().unwrap_or(&[]);
    let k = c.iter().take_while(|&&b| crate::inet::is_c_space(b)).count();
    let n = c.len();
    if k == 0 || k >= n || n > LAST_LINE_MAX || c.contains(&b'\n') || c.contains(&b'#') {
        return c;
    }
    moved[..n - k].copy_from_slice(&c[k..]);
    moved[n - k..n].copy_from_slice(&c[n - k..]);
    &moved[..n]
}

/// This machine's sources, for the duration of one call.
#[derive(Default)]
pub struct SystemSources {
    resolv: Option<conf::ResolvConf>,
    caller: Caller,
}

impl SystemSources {
    /// For a call that began with the thread's errno and h_errno `caller`.
    pub fn new(caller: Caller) -> Self {
        SystemSources { resolv: None, caller }
    }

    fn resolv(&mut self) -> &conf::ResolvConf {
        self.resolv.get_or_insert_with(conf::load)
    }
}

impl Sources for SystemSources {
    fn host_sources(&mut self) -> nsswitch::Sources {
        files::hosts_sources()
    }

    fn caller(&self) -> Caller {
        self.caller
    }

    fn hosts_lines(&mut self, f: &mut HostsLineFn<'_>) -> Result<(), LookupError> {
        files::for_each_line(files::Db::Hosts, |line| {
            // glibc's fgets copies the whole line; its parser stops at the
            // first NUL.
            let c_len = line.bytes.iter().position(|&b| b == 0).unwrap_or(line.len);
            let mut moved = [0u8; LAST_LINE_MAX];
            let parsed = if line.is_complete() {
                files::hosts::parse_line(view(line.bytes, &mut moved))
            } else {
                None
            };
            let mut names: [&[u8]; MAX_LINE_NAMES] = [&[]; MAX_LINE_NAMES];
            let mut n = 0;
            if let Some(h) = &parsed {
                for (slot, name) in names.iter_mut().zip(h.names()) {
                    *slot = name;
                    n += 1;
                }
            }
            f(&FileLine {
                len: line.len,
                c_len,
                entry: parsed.map(|h| (h.addr, &names[..n])),
            })
        })
    }

    fn dns_addrs(&mut self, name: &[u8], family: Family, out: &mut DnsAddrs) -> Result<(), LookupError> {
        let mut answers = client::AddrAnswers::default();
        let r = client::lookup_addrs(self.resolv(), name, family, &mut answers);
        out.no_address = answers.cname_only;
        out.unavailable = answers.unavailable;
        r?;
        out.len = 0;
        for (slot, a) in out.addrs.iter_mut().zip(answers.addrs.iter().take(answers.len)) {
            *slot = *a;
            out.len += 1;
        }
        out.canon = Name::from(answers.canon.get(..answers.canon_len).unwrap_or(&[]));
        for n in answers.chain.names() {
            out.names.push(n);
        }
        Ok(())
    }

    fn dns_ptr(&mut self, addr: &Addr, out: &mut [u8; 256]) -> Result<usize, LookupError> {
        client::lookup_ptr(self.resolv(), addr, out)
    }

    fn service_port(&mut self, name: &[u8], proto: &[u8]) -> Option<u16> {
        let mut port = None;
        let _ = files::for_each_service(|s| {
            if s.proto == proto && s.is_named(name) {
                port = Some(s.port);
                return ControlFlow::Break(());
            }
            ControlFlow::Continue(())
        });
        port
    }

    fn service_name(&mut self, port: u16, proto: &[u8], out: &mut [u8; 256]) -> Option<usize> {
        let mut len = None;
        let _ = files::for_each_service(|s| {
            if s.port == port && s.proto == proto {
                let n = s.name.len().min(out.len());
                out[..n].copy_from_slice(&s.name[..n]);
                len = Some(n);
                return ControlFlow::Break(());
            }
            ControlFlow::Continue(())
        });
        len
    }
}
