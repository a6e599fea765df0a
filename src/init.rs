//! The library's ELF constructor: reads the `SOCKSHIM_*` variables once
//! when the library is loaded (linked or preloaded) and, when they ask for
//! tracing, starts the tracer; installs `SOCKSHIM_INJECT`'s rules; and
//! registers the fork handlers. errno is
//! left as it was.

use core::ffi::c_int;

use crate::header::errno::{errno, set_errno};
use crate::sys::{self, Errno};
use crate::trace::{config::Config, inject, runtime};

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
    inject::after_fork_child();
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
    }
    if let Some(v) = sys::env::var(inject::VARIABLE).filter(|v| !v.is_empty()) {
        match inject::parse_rules(v, false) {
            Ok(rules) => {
                inject::install(&rules);
                runtime::start_injecting();
            }
            Err(e) => {
                let part: &[u8] = if e.part.is_empty() { b"(an empty rule)" } else { e.part };
                runtime::warn(&[
                    inject::VARIABLE.to_bytes(),
                    b": bad rule part '",
                    part.get(..200).unwrap_or(part),
                    b"': ",
                    e.why.as_bytes(),
                    b"; fault injection is off",
                ]);
            }
        }
    }
    if runtime::enabled() {
        // SAFETY: registers plain functions that touch only atomics and
        // make raw syscalls (async-signal-safe, as fork's child side needs).
        unsafe { pthread_atfork(None, Some(atfork_parent), Some(atfork_child)) };
    }
    set_errno(Errno(saved));
}

#[used]
#[link_section = ".init_array"]
static INIT: extern "C" fn() = init;
