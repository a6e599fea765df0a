//! Just enough ELF to know whether `LD_PRELOAD` can reach a program: the
//! dynamic loader runs only for a program whose header names one (`PT_INTERP`);
//! a static program (static-pie included: it has `PT_DYNAMIC` but no
//! interpreter) never reads `LD_PRELOAD`. Also: does a shared library define a
//! symbol (is this libsockshim.so the C library, with its exports).

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

const MAGIC: &[u8; 4] = b"\x7fELF";
const ELFCLASS64: u8 = 2;
const ELFDATA2LSB: u8 = 1;
const EM_X86_64: u16 = 62;
const EHDR_SIZE: usize = 64;
/// What the kernel reads to recognise a program (BINPRM_BUF_SIZE): the ELF
/// header, or the `#!` line.
const HEAD_SIZE: usize = 256;
const PHDR_SIZE: usize = 56;
const SHDR_SIZE: usize = 64;
const SYM_SIZE: usize = 24;
const PT_INTERP: u32 = 3;
const PN_XNUM: u16 = 0xffff;
const SHT_DYNSYM: u32 = 11;
const SHN_UNDEF: u16 = 0;
/// The longest interpreter path read (the kernel's own limit is a page).
const INTERP_MAX: u64 = 4096;
/// Table sizes beyond this are a damaged file, not a program.
const TABLE_MAX: u64 = 64 << 20;
/// `#!` lines the kernel follows before it gives up (BINPRM_MAX_RECURSION).
const SCRIPT_DEPTH_MAX: usize = 4;

/// What kind of executable a file is, as far as preloading goes.
#[derive(Debug, PartialEq, Eq)]
pub enum Executable {
    /// An x86_64 ELF program run by the dynamic loader `interp`.
    Dynamic { interp: String },
    /// An x86_64 ELF program with no interpreter: nothing reads `LD_PRELOAD`.
    Static,
    /// ELF, but not 64-bit little-endian x86_64 (a 32-bit program, say).
    Foreign { what: String },
    /// Neither ELF nor a `#!` script: the kernel decides (binfmt_misc, or ENOEXEC).
    Unknown,
}

/// An executable, with the `#!` interpreters followed to the binary that runs.
#[derive(Debug, PartialEq, Eq)]
pub struct Inspection {
    pub kind: Executable,
    /// The file that `kind` describes: `path` itself, or its script interpreter.
    pub binary: PathBuf,
}

/// Inspects the program at `path`, following `#!` lines as the kernel does.
pub fn inspect(path: &Path) -> io::Result<Inspection> {
    let mut binary = path.to_path_buf();
    for _ in 0..=SCRIPT_DEPTH_MAX {
        let file = File::open(&binary)?;
        let mut head = [0u8; HEAD_SIZE];
        let n = read_at_most(&file, &mut head, 0)?;
        let head = &head[..n];
        if let Some(interp) = script_interpreter(head) {
            binary = interp;
            continue;
        }
        let kind = classify(&file, head)?;
        return Ok(Inspection { kind, binary });
    }
    Err(io::Error::new(
        io::ErrorKind::InvalidData,
        "too many levels of #! interpreters",
    ))
}

/// The interpreter of a `#!` line, if `head` starts with one.
fn script_interpreter(head: &[u8]) -> Option<PathBuf> {
    use std::os::unix::ffi::OsStrExt;
    let line = head.strip_prefix(b"#!")?;
    let line = &line[..line.iter().position(|&b| b == b'\n').unwrap_or(line.len())];
    let start = line.iter().position(|&b| b != b' ' && b != b'\t')?;
    let word = &line[start..];
    let end = word.iter().position(|&b| b == b' ' || b == b'\t').unwrap_or(word.len());
    Some(PathBuf::from(std::ffi::OsStr::from_bytes(&word[..end])))
}

fn classify(file: &File, head: &[u8]) -> io::Result<Executable> {
    let Some(ehdr) = head.get(..EHDR_SIZE).filter(|h| h.starts_with(MAGIC)) else {
        return Ok(Executable::Unknown);
    };
    let (class, data, machine) = (ehdr[4], ehdr[5], u16_at(ehdr, 18));
    if class != ELFCLASS64 || data != ELFDATA2LSB || machine != EM_X86_64 {
        let bits = if class == ELFCLASS64 { "64-bit" } else { "32-bit" };
        return Ok(Executable::Foreign {
            what: format!("a {bits} ELF program for machine {machine}"),
        });
    }
    for phdr in program_headers(file, ehdr)?.chunks_exact(PHDR_SIZE) {
        if u32_at(phdr, 0) == PT_INTERP {
            let size = u64_at(phdr, 32).min(INTERP_MAX);
            let mut interp = vec![0u8; size as usize];
            let n = read_at_most(file, &mut interp, u64_at(phdr, 8))?;
            interp.truncate(n);
            let text = interp.split(|&b| b == 0).next().unwrap_or_default();
            return Ok(Executable::Dynamic {
                interp: String::from_utf8_lossy(text).into_owned(),
            });
        }
    }
    Ok(Executable::Static)
}

fn program_headers(file: &File, ehdr: &[u8]) -> io::Result<Vec<u8>> {
    let entsize = u16_at(ehdr, 54) as u64;
    let mut count = u16_at(ehdr, 56) as u64;
    if count == PN_XNUM as u64 {
        // The real count is in section header 0's sh_info.
        let shdr0 = read_table(file, u64_at(ehdr, 40), SHDR_SIZE as u64, 1)?;
        count = u32_at(&shdr0, 44) as u64;
    }
    if entsize != PHDR_SIZE as u64 {
        return Err(bad("unexpected program header size"));
    }
    read_table(file, u64_at(ehdr, 32), entsize, count)
}

/// Whether the ELF shared object at `path` defines (exports) `name`.
pub fn defines_symbol(path: &Path, name: &str) -> io::Result<bool> {
    let file = File::open(path)?;
    let mut ehdr = [0u8; EHDR_SIZE];
    if read_at_most(&file, &mut ehdr, 0)? < EHDR_SIZE || !ehdr.starts_with(MAGIC) || ehdr[4] != ELFCLASS64 {
        return Err(bad("not a 64-bit ELF file"));
    }
    if u16_at(&ehdr, 58) as usize != SHDR_SIZE {
        return Err(bad("unexpected section header size"));
    }
    let sections = read_table(&file, u64_at(&ehdr, 40), SHDR_SIZE as u64, u16_at(&ehdr, 60) as u64)?;
    let section = |i: usize| sections.get(i * SHDR_SIZE..(i + 1) * SHDR_SIZE);
    let Some(dynsym) = sections.chunks_exact(SHDR_SIZE).find(|s| u32_at(s, 4) == SHT_DYNSYM) else {
        return Ok(false);
    };
    let strtab = section(u32_at(dynsym, 40) as usize).ok_or_else(|| bad("bad .dynsym link"))?;
    let strings = read_table(&file, u64_at(strtab, 24), 1, u64_at(strtab, 32))?;
    let symbols = read_table(&file, u64_at(dynsym, 24), 1, u64_at(dynsym, 32))?;
    Ok(symbols.chunks_exact(SYM_SIZE).any(|sym| {
        let start = u32_at(sym, 0) as usize;
        let defined = u16_at(sym, 6) != SHN_UNDEF;
        defined
            && strings
                .get(start..)
                .is_some_and(|s| s.strip_prefix(name.as_bytes()).is_some_and(|r| r.first() == Some(&0)))
    }))
}

fn read_table(file: &File, offset: u64, entsize: u64, count: u64) -> io::Result<Vec<u8>> {
    let size = entsize
        .checked_mul(count)
        .filter(|&s| s <= TABLE_MAX)
        .ok_or_else(|| bad("table too large"))?;
    let mut buf = vec![0u8; size as usize];
    file.read_exact_at(&mut buf, offset)
        .map_err(|_| bad("truncated file"))?;
    Ok(buf)
}

/// Reads up to `buf.len()` bytes at `offset`; fewer only at the end of the file.
fn read_at_most(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    let mut done = 0;
    while done < buf.len() {
        match file.read_at(&mut buf[done..], offset + done as u64) {
            Ok(0) => break,
            Ok(n) => done += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(done)
}

fn bad(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("malformed ELF: {what}"))
}

// The callers slice fixed-size headers, so the fields are always in range.
fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    let mut v = [0u8; 8];
    v.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("sockshim-trace-elf-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// Compiles `main(){}` with `flags`; None when this machine cannot (no cc, no static libc).
    fn build(dir: &Path, name: &str, flags: &[&str]) -> Option<PathBuf> {
        let src = dir.join("main.c");
        std::fs::write(&src, "int main(void) { return 0; }\n").unwrap();
        let out = dir.join(name);
        let ok = Command::new("cc")
            .args(flags)
            .arg(&src)
            .arg("-o")
            .arg(&out)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if ok {
            Some(out)
        } else {
            eprintln!("skipped: cc {flags:?} failed on this machine");
            None
        }
    }

    #[test]
    fn system_programs_are_dynamic() {
        for prog in ["/bin/ls", "/bin/sh"] {
            match inspect(Path::new(prog)).unwrap().kind {
                Executable::Dynamic { interp } => {
                    assert!(interp.starts_with('/') && interp.contains("ld-"), "{interp}")
                }
                other => panic!("{prog}: {other:?}"),
            }
        }
    }

    #[test]
    fn static_programs_are_found() {
        let dir = scratch("static");
        if let Some(p) = build(&dir, "dyn", &[]) {
            assert!(matches!(inspect(&p).unwrap().kind, Executable::Dynamic { .. }));
        }
        if let Some(p) = build(&dir, "static", &["-static"]) {
            assert_eq!(inspect(&p).unwrap().kind, Executable::Static);
        }
        // static-pie has PT_DYNAMIC (it relocates itself) but no interpreter.
        if let Some(p) = build(&dir, "static-pie", &["-static-pie", "-fPIE"]) {
            assert_eq!(inspect(&p).unwrap().kind, Executable::Static);
        }
        if let Some(p) = build(&dir, "m32", &["-m32"]) {
            assert!(matches!(inspect(&p).unwrap().kind, Executable::Foreign { .. }));
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn scripts_are_followed_to_their_interpreter() {
        let dir = scratch("script");
        let script = dir.join("s");
        std::fs::write(&script, "#!  /bin/sh -e\necho hi\n").unwrap();
        let found = inspect(&script).unwrap();
        assert_eq!(found.binary, PathBuf::from("/bin/sh"));
        assert!(matches!(found.kind, Executable::Dynamic { .. }));
        // A script whose interpreter is a script.
        let outer = dir.join("outer");
        std::fs::write(&outer, format!("#!{}\n", script.display())).unwrap();
        assert_eq!(inspect(&outer).unwrap().binary, PathBuf::from("/bin/sh"));
        // A loop is refused as the kernel refuses it.
        let looping = dir.join("loop");
        std::fs::write(&looping, format!("#!{}\n", looping.display())).unwrap();
        assert!(inspect(&looping).is_err());
        std::fs::write(dir.join("text"), "hello\n").unwrap();
        assert_eq!(inspect(&dir.join("text")).unwrap().kind, Executable::Unknown);
        std::fs::write(dir.join("short"), b"\x7fELF\x02").unwrap();
        assert_eq!(inspect(&dir.join("short")).unwrap().kind, Executable::Unknown);
        assert!(inspect(&dir.join("missing")).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn interpreter_lines() {
        assert_eq!(
            script_interpreter(b"#!/usr/bin/env python3\n"),
            Some(PathBuf::from("/usr/bin/env"))
        );
        assert_eq!(script_interpreter(b"#!/bin/sh"), Some(PathBuf::from("/bin/sh")));
        assert_eq!(script_interpreter(b"#!\t/bin/sh\t-x\n"), Some(PathBuf::from("/bin/sh")));
        assert_eq!(script_interpreter(b"#!   \n"), None);
        assert_eq!(script_interpreter(b"# /bin/sh\n"), None);
    }

    #[test]
    fn exported_symbols() {
        let libc = ["/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86_64-linux-gnu/libc.so.6"]
            .iter()
            .map(Path::new)
            .find(|p| p.exists())
            .expect("glibc");
        assert!(defines_symbol(libc, "socket").unwrap());
        assert!(defines_symbol(libc, "getaddrinfo").unwrap());
        assert!(!defines_symbol(libc, "sockshim_version").unwrap());
        assert!(!defines_symbol(libc, "socke").unwrap());
        // /bin/ls imports socket-free names it does not define, e.g. malloc.
        assert!(!defines_symbol(Path::new("/bin/ls"), "malloc").unwrap());
        assert!(defines_symbol(Path::new("/etc/passwd"), "x").is_err());
    }
}
