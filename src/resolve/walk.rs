//! The one walk over the "hosts:" sources of /etc/nsswitch.conf, as glibc's
//! NSS loop asks them: in order, each answer's status followed by that
//! source's action. Every host lookup goes through it: `lookup_host` (for
//! getaddrinfo and getnameinfo) and `hostent` (for gethostby*); each turns
//! how the walk ended into its own answer.
//!
//! Sources sockshim does not have (`Source::Other`) are walked as glibc
//! walks a module that is not installed, which depends on the caller
//! (`Walk`).

use super::files::nsswitch::{Action, Source, SourceItem, Status};
use super::sources::Sources;
use super::{NETDB_INTERNAL, NO_RECOVERY};

/// How glibc walks the "hosts:" sources.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Walk {
    /// As `getXXbyYY_r` does (gethostby*, getnameinfo, and getaddrinfo's
    /// AF_INET shortcut): a module it does not have is passed over while its
    /// UNAVAIL action is to continue; with no module asked at all the call
    /// fails with `NoService`.
    Reentrant,
    /// As getaddrinfo's own loop does: every item is asked, and one without
    /// a module answers UNAVAIL with h_errno NETDB_INTERNAL and errno EBUSY.
    Gai,
}

/// How a walk ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Walked<T> {
    /// A source's action for its status was RETURN, or its answer stopped
    /// the walk: that answer.
    Returned(T),
    /// The sources ran out: the last answer.
    RanOut(T),
    /// glibc could not load nsswitch.conf (this errno): nothing was asked.
    Unreadable(i32),
    /// Nothing to ask: no usable module (`Walk::Reentrant`) or an empty
    /// list (`Walk::Gai`).
    NothingToAsk,
}

/// Asks the "hosts:" sources in order. `ask` answers one source (with
/// `Walk::Gai` it is also given `Source::Other`); `status` reads the
/// answer's NSS status, None to stop the walk at once (glibc's ERANGE).
pub fn walk<T>(
    src: &mut dyn Sources,
    walk: Walk,
    status: fn(&T) -> Option<Status>,
    ask: &mut dyn FnMut(&mut dyn Sources, Source) -> T,
) -> Walked<T> {
    let sources = src.host_sources();
    if let Some(errno) = sources.error {
        return Walked::Unreadable(errno);
    }
    let items = sources.items();
    let next_from = |i: usize| match walk {
        Walk::Reentrant => usable_from(items, i),
        // getaddrinfo's loop asks every item.
        Walk::Gai => items.get(i).map(|&item| (i, item)),
    };
    let Some((mut i, mut item)) = next_from(0) else {
        return Walked::NothingToAsk;
    };
    loop {
        let answer = ask(src, item.source);
        match status(&answer) {
            Some(s) if item.action(s) != Action::Return => {}
            _ => return Walked::Returned(answer),
        }
        match next_from(i + 1) {
            Some(next) => (i, item) = next,
            None => return Walked::RanOut(answer),
        }
    }
}

/// The first source from `start` that sockshim can ask, and its index,
/// passing over others as glibc's `__nss_lookup` and `__nss_next2` do:
/// while their UNAVAIL action is to continue and a later item exists.
pub(crate) fn usable_from(items: &[SourceItem], start: usize) -> Option<(usize, SourceItem)> {
    let mut i = start;
    loop {
        let item = *items.get(i)?;
        if item.source != Source::Other {
            return Some((i, item));
        }
        if item.action(Status::Unavail) != Action::Continue || i + 1 >= items.len() {
            return None;
        }
        i += 1;
    }
}

/// What `getXXbyYY_r` gives when it could ask no source, errno being
/// `errno`: its return value, which it also leaves in errno (errno, but
/// EINVAL for ERANGE, which would mean "buffer too small"), and its h_errno
/// (NETDB_INTERNAL, NO_RECOVERY when errno is ENOENT).
pub(crate) fn no_service(errno: i32) -> (i32, i32) {
    let ret = if errno == libc::ERANGE { libc::EINVAL } else { errno };
    let h_errno = if errno == libc::ENOENT {
        NO_RECOVERY
    } else {
        NETDB_INTERNAL
    };
    (ret, h_errno)
}
