//! This machine as the resolver sees it, for the duration of one call:
//! - `SystemSources`, its `sources::Sources`: /etc/hosts, /etc/services and
//!   /etc/nsswitch.conf through `files`, DNS through `dns` (resolv.conf is
//!   read at the first DNS question of a call, and once per call);
//! - `SystemKernel`, its `sort::Kernel`: interface addresses, links and
//!   source addresses through `crate::sys::route`, /etc/gai.conf through
//!   `files::gai_conf`.

use core::ops::ControlFlow;

use super::dns::{client, conf};
use super::files::hosts::{self, MAX_NAMES};
use super::files::{self, gai_conf, nsswitch};
use super::host::Name;
use super::sort::{IfAddr, IfAddrs, Kernel};
use super::sources::{Caller, DnsAddrs, FileLine, HostsLineFn, Sources};
use super::{addr_of_sockaddr, sockaddr_of, v4_mapped, Addr, Family, LookupError, Target, SOCKADDR_MAX};
use crate::sys::{self, route};

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
    fn host_sources(&mut self) -> nsswitch::SourceList {
        files::hosts_sources()
    }

    fn caller(&self) -> Caller {
        self.caller
    }

    fn hosts_lines(&mut self, f: &mut HostsLineFn<'_>) -> Result<(), LookupError> {
        files::for_each_host_record(|record| {
            // Most lines have few names: a short array to fill first.
            let mut few: [&[u8]; FEW_NAMES] = [&[]; FEW_NAMES];
            if let Some(r) = hosts::decode_record(record, &mut few) {
                return f(&file_line(&r, &few));
            }
            let mut names: [&[u8]; MAX_NAMES] = [&[]; MAX_NAMES];
            match hosts::decode_record(record, &mut names) {
                Some(r) => f(&file_line(&r, &names)),
                None => ControlFlow::Continue(()),
            }
        })
    }

    fn dns_addrs(&mut self, name: &[u8], family: Family, out: &mut DnsAddrs) -> Result<(), LookupError> {
        let mut answers = client::AddrAnswers::default();
        let r = client::lookup_addrs(self.resolv(), name, family, &mut answers);
        out.unavailable = answers.unavailable;
        r?;
        out.canon = Name::from(answers.canon());
        out.addrs = answers.addrs;
        out.names = answers.chain.into_list();
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
        files::service_name(port, proto, out).ok().flatten()
    }
}

/// The names a line usually has at most (`hosts_lines`).
const FEW_NAMES: usize = 4;

fn file_line<'a>(r: &hosts::Record, names: &'a [&'a [u8]]) -> FileLine<'a> {
    FileLine {
        len: r.len,
        c_len: r.c_len,
        entry: r.entry.map(|(addr, n)| (addr, names.get(..n).unwrap_or(&[]))),
    }
}

/// This machine's kernel, for one getaddrinfo call: the probing socket
/// lives from the first `source_for` to `end_sources` (called by the sort;
/// no Drop, so nothing is held across the blocking DNS exchange before it).
pub struct SystemKernel {
    fd: i32,
    af: i32,
}

impl Default for SystemKernel {
    fn default() -> Self {
        SystemKernel::new()
    }
}

impl SystemKernel {
    pub fn new() -> Self {
        SystemKernel { fd: -1, af: 0 }
    }

    /// The source address of `sa` on the probing socket; Err(errno) when
    /// the kernel refuses (Err(0): there is no socket).
    fn connect_and_ask(&self, sa: &[u8]) -> Result<Option<Addr>, i32> {
        if self.fd < 0 {
            return Err(0);
        }
        let mut src = [0u8; SOCKADDR_MAX];
        route::source_addr(self.fd, sa, &mut src).map_err(|e| e.0)?;
        Ok(addr_of_sockaddr(&src))
    }

    fn reopen(&mut self, af: i32) {
        if self.fd >= 0 {
            let _ = sys::io::close(self.fd);
        }
        self.af = af;
        self.fd = sys::socket::socket(af, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0).unwrap_or(-1);
    }
}

impl Kernel for SystemKernel {
    fn interface_addrs(&mut self, out: &mut IfAddrs) {
        *out = IfAddrs::new();
        let ok = route::for_each_interface_addr(&mut |ifa| {
            let family = i32::from(ifa.family);
            if family != libc::AF_INET && family != libc::AF_INET6 {
                return;
            }
            // glibc takes IFA_ADDRESS, else IFA_LOCAL.
            let Some(a) = ifa.address.or(ifa.local) else { return };
            let v4 = family == libc::AF_INET;
            let addr = if v4 {
                let Some(b) = a.get(..4) else { return };
                v4_mapped([b[0], b[1], b[2], b[3]])
            } else {
                let Some(b) = a.get(..16) else { return };
                let mut x = [0u8; 16];
                x.copy_from_slice(b);
                x
            };
            out.push(IfAddr {
                addr,
                v4,
                ifa_flags: u32::from(ifa.flags),
                prefixlen: ifa.prefixlen,
                index: ifa.index,
            });
        });
        if !ok {
            out.unknown();
        }
    }

    fn source_for(&mut self, dest: &Target, port: u16) -> Option<Addr> {
        let dest_af = dest.addr.af();
        if self.fd < 0 || (self.af == libc::AF_INET && dest_af == libc::AF_INET6) {
            self.reopen(dest_af);
        } else {
            // Dissolve the previous association: connect to AF_UNSPEC.
            let _ = route::disconnect(self.fd);
        }
        let (sa, len) = sockaddr_of(&dest.addr, port, dest.scope_id);
        loop {
            match self.connect_and_ask(&sa[..len]) {
                Ok(src) => return src,
                Err(libc::EAFNOSUPPORT) if self.af == libc::AF_INET6 && dest_af == libc::AF_INET => {
                    self.reopen(libc::AF_INET)
                }
                Err(_) => return None,
            }
        }
    }

    fn end_sources(&mut self) {
        if self.fd >= 0 {
            let _ = sys::io::close(self.fd);
            self.fd = -1;
        }
    }

    fn link_native(&mut self, index: u32) -> Option<bool> {
        let mut native = None;
        route::for_each_link(&mut |link| {
            if link.index == index {
                native = Some(!matches!(
                    link.kind,
                    libc::ARPHRD_TUNNEL | libc::ARPHRD_TUNNEL6 | libc::ARPHRD_SIT
                ));
            }
            native.is_some()
        });
        native
    }

    fn if_nametoindex(&mut self, name: &[u8]) -> u32 {
        route::if_nametoindex(name)
    }

    fn policy(&mut self) -> gai_conf::Policy {
        gai_conf::load()
    }
}
