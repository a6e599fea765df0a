//! The program to run: where it is (a `PATH` search as `execvp` does it) and
//! whether `LD_PRELOAD` can reach it at all.

use std::ffi::{OsStr, OsString};
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::elf::{self, Executable};

/// `execvp`'s search path when `PATH` is unset.
const DEFAULT_PATH: &str = "/bin:/usr/bin";
const S_ISUID: u32 = 0o4000;
const S_ISGID: u32 = 0o2000;
const S_IXGRP: u32 = 0o010;

/// Why a program cannot be traced, in words for the user.
#[derive(Debug, PartialEq, Eq)]
pub struct Untraceable(pub String);

/// Finds `prog` as `execvp` would: a name with a slash is a path, anything
/// else is searched for in `PATH` (an empty entry is the current directory).
pub fn resolve(prog: &OsStr, path_var: Option<&OsStr>) -> Option<PathBuf> {
    if prog.as_bytes().contains(&b'/') {
        return Some(PathBuf::from(prog));
    }
    let search = path_var.map(OsString::from).unwrap_or_else(|| DEFAULT_PATH.into());
    search.as_bytes().split(|&b| b == b':').find_map(|dir| {
        let dir = if dir.is_empty() {
            Path::new(".")
        } else {
            Path::new(OsStr::from_bytes(dir))
        };
        let candidate = dir.join(prog);
        let meta = fs::metadata(&candidate).ok()?;
        (meta.is_file() && meta.permissions().mode() & 0o111 != 0).then_some(candidate)
    })
}

/// The real user and group ids of this process (they become the program's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ids {
    pub uid: u32,
    pub gid: u32,
}

impl Ids {
    /// Reads them from `/proc/self/status` (std has no getuid).
    pub fn of_self() -> std::io::Result<Ids> {
        let status = fs::read_to_string("/proc/self/status")?;
        let real = |key: &str| {
            let line = status.lines().find_map(|l| l.strip_prefix(key))?;
            line.split_whitespace().next()?.parse::<u32>().ok()
        };
        match (real("Uid:"), real("Gid:")) {
            (Some(uid), Some(gid)) => Ok(Ids { uid, gid }),
            _ => Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "no Uid:/Gid: in /proc/self/status",
            )),
        }
    }
}

/// Whether the kernel would run a file of this mode, owner and group with
/// changed ids, putting the loader in secure mode (`AT_SECURE`), where it
/// ignores `LD_PRELOAD` entries that contain a slash. (A `nosuid` mount or
/// file capabilities are not looked at.)
fn changes_ids(mode: u32, owner: u32, group: u32, ids: Ids) -> Option<&'static str> {
    if mode & S_ISUID != 0 && owner != ids.uid {
        return Some("setuid");
    }
    // Without group execute permission the setgid bit means mandatory locking.
    if mode & (S_ISGID | S_IXGRP) == S_ISGID | S_IXGRP && group != ids.gid {
        return Some("setgid");
    }
    None
}

/// Refuses programs the dynamic loader will not preload sockshim into.
pub fn check_traceable(path: &Path, ids: Ids) -> Result<(), Untraceable> {
    let shown = path.display();
    let found = match elf::inspect(path) {
        Ok(found) => found,
        // Execute-only (mode 0711): the kernel can run what we cannot read;
        // only the setuid check below can be made.
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => elf::Inspection {
            kind: Executable::Unknown,
            binary: path.to_path_buf(),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Untraceable(format!("Can't stat '{shown}': {}", crate::io_message(&e))))
        }
        Err(e) => {
            return Err(Untraceable(format!(
                "Can't inspect '{shown}': {}",
                crate::io_message(&e)
            )))
        }
    };
    let via = if found.binary.as_path() == path {
        String::new()
    } else {
        format!(" (the interpreter of '{shown}')")
    };
    let binary = found.binary.display();
    match found.kind {
        Executable::Dynamic { .. } | Executable::Unknown => {}
        Executable::Static => {
            return Err(Untraceable(format!(
                "'{binary}'{via} is statically linked: no dynamic loader runs for it to read LD_PRELOAD, \
                 so its socket calls cannot be traced this way (strace, which uses ptrace, can)"
            )))
        }
        Executable::Foreign { what } => {
            return Err(Untraceable(format!(
                "'{binary}'{via} is {what}: libsockshim.so is for x86_64 programs only, so its socket calls cannot be traced this way"
            )))
        }
    }
    let meta = fs::metadata(&found.binary)
        .map_err(|e| Untraceable(format!("Can't stat '{binary}': {}", crate::io_message(&e))))?;
    if let Some(kind) = changes_ids(meta.mode(), meta.uid(), meta.gid(), ids) {
        return Err(Untraceable(format!(
            "'{binary}'{via} is a {kind} program: the dynamic loader ignores LD_PRELOAD paths for it, \
             so its socket calls cannot be traced this way"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ME: Ids = Ids { uid: 1000, gid: 1000 };

    #[test]
    fn path_search() {
        assert_eq!(resolve(OsStr::new("./x"), None), Some(PathBuf::from("./x")));
        assert_eq!(resolve(OsStr::new("/no/such"), None), Some(PathBuf::from("/no/such")));
        let sh = resolve(OsStr::new("sh"), Some(OsStr::new("/nonexistent::/bin"))).unwrap();
        assert_eq!(sh, PathBuf::from("/bin/sh"));
        assert_eq!(
            resolve(
                OsStr::new("sockshim-no-such-program"),
                Some(OsStr::new("/bin:/usr/bin"))
            ),
            None
        );
        // Not executable, and a directory: skipped as execvp skips them.
        assert_eq!(resolve(OsStr::new("passwd"), Some(OsStr::new("/etc"))), None);
        assert_eq!(resolve(OsStr::new("etc"), Some(OsStr::new("/"))), None);
    }

    #[test]
    fn own_ids_match_id() {
        let id = |flag: &str| {
            let out = std::process::Command::new("id").arg(flag).output().unwrap();
            String::from_utf8(out.stdout).unwrap().trim().parse::<u32>().unwrap()
        };
        assert_eq!(
            Ids::of_self().unwrap(),
            Ids {
                uid: id("-ru"),
                gid: id("-rg")
            }
        );
    }

    #[test]
    fn setuid_and_setgid() {
        assert_eq!(changes_ids(0o4755, 0, 0, ME), Some("setuid"));
        assert_eq!(
            changes_ids(0o4755, 1000, 0, ME),
            None,
            "setuid to oneself changes nothing"
        );
        assert_eq!(changes_ids(0o2755, 1000, 42, ME), Some("setgid"));
        assert_eq!(
            changes_ids(0o2745, 1000, 42, ME),
            None,
            "setgid without g+x is mandatory locking"
        );
        assert_eq!(changes_ids(0o2755, 1000, 1000, ME), None);
        assert_eq!(changes_ids(0o0755, 0, 0, ME), None);
    }

    #[test]
    fn refusals_name_the_reason() {
        let me = Ids::of_self().unwrap();
        assert_eq!(check_traceable(Path::new("/bin/ls"), me), Ok(()));
        let dir = std::env::temp_dir().join(format!("sockshim-trace-prog-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        // A setuid copy of a dynamic program owned by someone else.
        let suid = dir.join("suid");
        fs::copy("/bin/true", &suid).unwrap();
        fs::set_permissions(&suid, fs::Permissions::from_mode(0o4755)).unwrap();
        let other = Ids {
            uid: me.uid.wrapping_add(1),
            gid: me.gid,
        };
        let Untraceable(msg) = check_traceable(&suid, other).unwrap_err();
        assert!(msg.contains("setuid program") && msg.contains("LD_PRELOAD"), "{msg}");
        assert_eq!(check_traceable(&suid, me), Ok(()));
        // A script run by a static interpreter is refused, naming the interpreter.
        let src = dir.join("main.c");
        fs::write(&src, "int main(void) { return 0; }\n").unwrap();
        let stat = dir.join("static");
        let built = std::process::Command::new("cc")
            .arg("-static")
            .arg(&src)
            .arg("-o")
            .arg(&stat)
            .stderr(std::process::Stdio::null())
            .status();
        if built.is_ok_and(|s| s.success()) {
            let Untraceable(msg) = check_traceable(&stat, me).unwrap_err();
            assert!(msg.contains("statically linked"), "{msg}");
            let script = dir.join("script");
            fs::write(&script, format!("#!{}\n", stat.display())).unwrap();
            let Untraceable(msg) = check_traceable(&script, me).unwrap_err();
            assert!(
                msg.contains("statically linked") && msg.contains("interpreter of"),
                "{msg}"
            );
        } else {
            eprintln!("skipped: cc -static failed on this machine");
        }
        let Untraceable(msg) = check_traceable(&dir.join("missing"), me).unwrap_err();
        assert_eq!(
            msg,
            format!(
                "Can't stat '{}': No such file or directory",
                dir.join("missing").display()
            )
        );
        fs::remove_dir_all(&dir).unwrap();
    }
}
