//! Emitting one traced call with what the tracer learnt around it (safe
//! code: the memory was captured by the skin): `-yy` descriptions of its
//! descriptors, and the recording's notes of which socket is which.

use crate::trace::aux;
use crate::trace::decode::{self, Descs};
use crate::trace::event::{Event, FdDesc};
use crate::trace::func::{Func, Learns};
use crate::trace::{fdtable, runtime};

/// Most descriptors besides the first argument, the result and
/// `socketpair`'s pair described for one `-yy` line.
const OTHERS_MAX: usize = 16;

/// Emits `ev` with its descriptors described (strace's `-yy`); `arg` was
/// described before the call (a `close` has nothing to describe after).
#[inline(never)]
pub(crate) fn emit_described(ev: &Event, arg: Option<&FdDesc>) {
    let mut ret = None;
    let mut pair = [None, None];
    if !ev.failed() {
        if ev.func.returns_fd() {
            ret = runtime::describe(ev.ret as i32);
        } else if let Some(p) = aux::Pair::decode(ev.aux).filter(|_| ev.func == Func::Socketpair) {
            pair = runtime::describe_pair(p.fds[0], p.fds[1]);
        }
    }
    let mut fds = [0i32; OTHERS_MAX];
    let n = decode::event_fds(ev, &mut fds);
    let mut others = [(0, FdDesc::new(0, 0, 0, 0)); OTHERS_MAX];
    let mut k = 0;
    for &fd in &fds[..n] {
        if let Some(d) = runtime::describe(fd) {
            others[k] = (fd, d);
            k += 1;
        }
    }
    let descs = Descs {
        arg,
        ret: ret.as_ref(),
        pair: [pair[0].as_ref(), pair[1].as_ref()],
        others: &others[..k],
    };
    runtime::emit(ev, &descs);
}

/// Writes descriptor records to the recording: for every descriptor a
/// call made (socket, socketpair, accept, dup, `F_DUPFD`, `SCM_RIGHTS`),
/// when a socket's endpoints became known (bind, connect), and on the
/// first traced use of a socket the recording has not described yet.
pub(crate) fn note_endpoints(ev: &Event, now: u64) {
    let ok = !ev.failed();
    let arg = ev.int(0);
    match ev.func.spec().learns {
        Learns::ArgEndpoints if ok || ev.errno == libc::EINPROGRESS => record_desc(arg, now),
        Learns::NewFd if ok => record_desc(ev.ret as i32, now),
        Learns::NewFdIfDupfd if ok && matches!(ev.int(1), libc::F_DUPFD | libc::F_DUPFD_CLOEXEC) => {
            record_desc(ev.ret as i32, now)
        }
        Learns::Pair if ok => {
            let fds = aux::Pair::decode(ev.aux).map_or([-1, -1], |p| p.fds);
            for (fd, d) in fds.into_iter().zip(runtime::describe_pair(fds[0], fds[1])) {
                if let Some(d) = d {
                    fdtable::mark_recorded(fd);
                    runtime::record_fd(fd, &d, now);
                }
            }
        }
        Learns::Rights if ok => {
            let mut fds = [0i32; OTHERS_MAX];
            let n = decode::event_fds(ev, &mut fds);
            for &fd in &fds[..n] {
                record_desc(fd, now);
            }
        }
        _ => {}
    }
    if ev.func.fd_first() && fdtable::unrecorded_socket(arg) {
        record_desc(arg, now);
    }
}

/// Writes socket `fd`'s description to the recording.
fn record_desc(fd: i32, now: u64) {
    if let Some(d) = runtime::describe(fd) {
        fdtable::mark_recorded(fd);
        runtime::record_fd(fd, &d, now);
    }
}
