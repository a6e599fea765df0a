//! Which libsockshim.so to preload, and the `LD_PRELOAD` value that adds it.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use crate::elf;

/// A symbol only the C library build exports: a build without the `ffi`
/// feature produces a libsockshim.so with no exports at all.
const PROOF_SYMBOL: &str = "sockshim_version";

/// Where the library is, relative to this command's directory, in order:
/// installed (`PREFIX/bin` next to `PREFIX/lib`), then the build tree
/// (`target/cli/release/` next to `target/release/`, or one directory for both).
const NEIGHBOURS: &[&str] = &[
    "../lib/libsockshim.so.0",
    "../../release/libsockshim.so",
    "libsockshim.so",
];

/// Finds the library: `$SOCKSHIM_LIB` if set, else next to `exe`. The result
/// is absolute (the program may change directory before it execs others) and
/// proven to be the C library.
pub fn find_library(override_path: Option<&OsStr>, exe: &Path) -> Result<PathBuf, String> {
    let candidates: Vec<PathBuf> = match override_path {
        Some(p) if !p.is_empty() => vec![PathBuf::from(p)],
        _ => {
            let dir = exe.parent().unwrap_or(Path::new("/"));
            NEIGHBOURS.iter().map(|n| dir.join(n)).collect()
        }
    };
    let Some(found) = candidates.iter().find(|c| c.is_file()) else {
        let looked: Vec<String> = candidates.iter().map(|c| c.display().to_string()).collect();
        return Err(format!(
            "cannot find libsockshim.so (looked for {}); set SOCKSHIM_LIB to its path",
            looked.join(", ")
        ));
    };
    let path = absolute(found).map_err(|e| format!("{}: {}", found.display(), crate::io_message(&e)))?;
    match elf::defines_symbol(&path, PROOF_SYMBOL) {
        Ok(true) => Ok(path),
        Ok(false) => Err(format!(
            "{} exports no sockshim functions (a build without the `ffi` feature?); rebuild it with \
             `cargo build --release` or set SOCKSHIM_LIB",
            path.display()
        )),
        Err(e) => Err(format!("{}: {}", path.display(), crate::io_message(&e))),
    }
}

/// `path` from the root, its directory resolved (`..`, symlinks) but not the
/// file itself: `/usr/lib/libsockshim.so.0` stays the SONAME link.
fn absolute(path: &Path) -> std::io::Result<PathBuf> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::InvalidInput))?;
    Ok(std::fs::canonicalize(dir)?.join(name))
}

/// `LD_PRELOAD` with `lib` added after the entries already there.
///
/// sockshim implements the socket calls itself and never forwards them, so
/// whichever preloaded library defines `connect` first gets the program's
/// calls. Putting ours last keeps an existing interposer (torsocks, a test
/// double) working as it did without the tracer, and what we trace is what it
/// passes on to the kernel: tracing does not change the program's behaviour.
pub fn ld_preload(existing: Option<&OsStr>, lib: &Path) -> OsString {
    let lib = lib.as_os_str();
    let entries: Vec<&[u8]> = existing
        .map(|e| {
            e.as_bytes()
                .split(|&b| b == b':' || b == b' ')
                .filter(|e| !e.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let mut value = OsString::new();
    for entry in entries.iter().filter(|&&e| e != lib.as_bytes()) {
        value.push(OsStr::from_bytes(entry));
        value.push(":");
    }
    value.push(lib);
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn existing_entries_come_first() {
        let lib = Path::new("/opt/lib/libsockshim.so.0");
        assert_eq!(ld_preload(None, lib), "/opt/lib/libsockshim.so.0");
        assert_eq!(ld_preload(Some(OsStr::new("")), lib), "/opt/lib/libsockshim.so.0");
        assert_eq!(
            ld_preload(Some(OsStr::new("libfoo.so")), lib),
            "libfoo.so:/opt/lib/libsockshim.so.0"
        );
        // glibc separates entries with spaces or colons.
        assert_eq!(
            ld_preload(Some(OsStr::new(" /a.so  b.so::")), lib),
            "/a.so:b.so:/opt/lib/libsockshim.so.0"
        );
        // Already there: moved to the end, not doubled.
        assert_eq!(
            ld_preload(Some(OsStr::new("/opt/lib/libsockshim.so.0:x.so")), lib),
            "x.so:/opt/lib/libsockshim.so.0"
        );
    }

    #[test]
    fn library_lookup() {
        let dir = std::env::temp_dir().join(format!("sockshim-trace-lib-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("bin")).unwrap();
        std::fs::create_dir_all(dir.join("lib")).unwrap();
        let exe = dir.join("bin/sockshim-trace");
        let msg = find_library(None, &exe).unwrap_err();
        assert!(
            msg.contains("SOCKSHIM_LIB") && msg.contains("lib/libsockshim.so.0"),
            "{msg}"
        );
        // A shared object that is not the C library is refused.
        let libc = Path::new("/lib/x86_64-linux-gnu/libc.so.6");
        std::fs::copy(libc, dir.join("lib/libsockshim.so.0")).unwrap();
        let msg = find_library(None, &exe).unwrap_err();
        assert!(msg.contains("exports no sockshim functions"), "{msg}");
        let msg = find_library(Some(OsStr::new("/nonexistent.so")), &exe).unwrap_err();
        assert!(msg.contains("/nonexistent.so"), "{msg}");
        // The real library, when `cargo build --release` has made it.
        let built = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/libsockshim.so");
        if built.is_file() && elf::defines_symbol(&built, PROOF_SYMBOL).unwrap_or(false) {
            std::fs::remove_file(dir.join("lib/libsockshim.so.0")).unwrap();
            std::os::unix::fs::symlink(&built, dir.join("lib/libsockshim.so.0")).unwrap();
            let found = find_library(None, &exe).unwrap();
            let lib_dir = std::fs::canonicalize(dir.join("lib")).unwrap();
            assert_eq!(
                found,
                lib_dir.join("libsockshim.so.0"),
                "the SONAME link, not its target"
            );
            let relative = Path::new("target/release/libsockshim.so");
            let cwd = std::env::current_dir().unwrap();
            if cwd.join(relative).is_file() {
                assert!(find_library(Some(relative.as_os_str()), &exe).unwrap().is_absolute());
            }
        } else {
            eprintln!("skipped: target/release/libsockshim.so not built with ffi");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
