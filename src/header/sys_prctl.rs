//! `<sys/prctl.h>`'s `prctl`, exported so that the tracer knows when the
//! program puts itself in a seccomp sandbox (`PR_SET_SECCOMP`, as OpenSSH's
//! sshd does): from then on the tracer makes no syscall of its own but the
//! output's write (see `trace::dest`). glibc 2.36's behaviour otherwise:
//! the raw syscall with the five arguments, -1 and errno on failure. Not
//! traced, not in `<sockshim.h>`.
//!
//! `prctl` is variadic in C. On x86_64 SysV the caller passes the optional
//! arguments in the registers of four more `unsigned long` parameters, so
//! it is defined with them (as `fcntl` is); glibc's own `prctl` reads four
//! `unsigned long` with `va_arg` whatever the option, as this does.

use core::ffi::{c_int, c_ulong};

use super::errno::ret;
use crate::sys;
use crate::trace::dest;

use libc::PR_SET_SECCOMP;
const SECCOMP_MODE_STRICT: c_ulong = libc::SECCOMP_MODE_STRICT as c_ulong;

#[no_mangle]
pub unsafe extern "C" fn prctl(option: c_int, a2: c_ulong, a3: c_ulong, a4: c_ulong, a5: c_ulong) -> c_int {
    let sandboxing = option == PR_SET_SECCOMP;
    let before = (dest::sandboxed(), dest::strict());
    if sandboxing {
        // Before the call: the filter applies to every thread's next syscall.
        dest::set_sandboxed(true, a2 == SECCOMP_MODE_STRICT);
    }
    // SAFETY: the caller's arguments for `option`, checked by the kernel.
    let r = unsafe { sys::proc::prctl(option, a2 as usize, a3 as usize, a4 as usize, a5 as usize) };
    if sandboxing && r.is_err() {
        dest::set_sandboxed(before.0, before.1);
    }
    ret(r)
}
