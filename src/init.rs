//! The library's ELF constructor: reads the `SOCKSHIM_*` variables once
//! when the library is loaded (linked or preloaded) and, when they ask for
//! tracing, starts the tracer and registers its fork handlers. errno is
//! left as it was.

use core::ffi::c_int;

use crate::header::errno::{errno, set_errno};
use crate::sys::{self, Errno};
use crate::trace::{config::Config, runtime};

extern "C" {
    fn pthread_atfork(
        prepare: Option<extern "C" fn()>,
        parent: Option<extern "C" fn()>,
        child: Option<extern "C" fn()>,
    ) -> c_int;
}

extern "C" fn atfork_parent() {
    runtime::after_fork_parent();
}

extern "C" fn atfork_child() {
    runtime::after_fork_child();
}

/// Reads the `SOCKSHIM_*` variables once, when the library is loaded.
extern "C" fn init() {
    let saved = errno();
    let cfg = Config::from_env(
        |i| sys::env::var(crate::trace::config::VARIABLES[i]),
        |name, value, expected| {
            let value = value.get(..200).unwrap_or(value);
            runtime::warn(&[
                name.as_bytes(),
                b"=",
                value,
                b": invalid (expected ",
                expected.as_bytes(),
                b"); this setting is ignored",
            ]);
        },
    );
    if cfg.active() {
        runtime::init(&cfg);
        if runtime::enabled() {
            // SAFETY: registers plain functions that touch only atomics and
            // make raw syscalls (async-signal-safe, as fork's child side needs).
            unsafe { pthread_atfork(None, Some(atfork_parent), Some(atfork_child)) };
        }
    }
    set_errno(Errno(saved));
}

#[used]
#[link_section = ".init_array"]
static INIT: extern "C" fn() = init;
