//! Build script:
//! 1. compiles every `*.c` under `src/` (what stable no_std Rust cannot
//!    declare: thread-local buffers, the personality stub; see `src/support.c`);
//! 2. generates the C header with cbindgen (plus `src/header/trailer.h`) into
//!    `target/<profile>/include/sockshim.h`; `make` copies it to `include/`
//!    and `make check` fails when the committed copy differs;
//! 3. proves the ABI: `probe/layout.c`, compiled against the system headers
//!    and run, prints Rust compile-time assertions comparing every exported
//!    struct and constant with glibc's, included by `src/layout_check.rs`.
//!    The list of constants is taken from the generated header itself, and
//!    every struct and field in the header must be listed in the probe, so
//!    nothing exported escapes the proof.

use std::collections::BTreeMap;
use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let out = PathBuf::from(env::var("OUT_DIR").unwrap());
    for f in [
        "src/support.c",
        "probe/layout.c",
        "cbindgen.toml",
        "src/header/trailer.h",
    ] {
        println!("cargo:rerun-if-changed={f}");
    }
    println!("cargo:rerun-if-changed=src");
    // The shared object's SONAME, so programs record libsockshim.so.0.
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libsockshim.so.0");

    let mut c_files = Vec::new();
    find_c_files(&root.join("src"), &mut c_files);
    c_files.sort();
    cc::Build::new()
        .files(&c_files)
        .flag("-fvisibility=hidden")
        .compile("sockshim_support");

    let header = generate_header(&root);
    // OUT_DIR is target/<profile>/build/sockshim-<hash>/out.
    let profile_dir = out.ancestors().nth(3).unwrap().to_path_buf();
    let include_dir = profile_dir.join("include");
    fs::create_dir_all(&include_dir).unwrap();
    write_if_changed(&include_dir.join("sockshim.h"), &header);

    let items = parse_header(&header);
    check_probe_lists_everything(&root, &items);
    let constants: String = items.constants.iter().map(|c| format!("    CONST({c});\n")).collect();
    write_if_changed(&out.join("constants.h"), &constants);
    let asserts = run_probe(&root, &out);
    write_if_changed(&out.join("layout_check.rs"), &asserts);
}

fn generate_header(root: &Path) -> String {
    let mut config = cbindgen::Config::from_file(root.join("cbindgen.toml")).unwrap();
    config.trailer = Some(fs::read_to_string(root.join("src/header/trailer.h")).unwrap());
    let mut buf = Vec::new();
    cbindgen::Builder::new()
        .with_crate(root)
        .with_config(config)
        .generate()
        .expect("cbindgen failed")
        .write(&mut buf);
    String::from_utf8(buf).unwrap()
}

/// What the header exports: `#define`d constants (from the generated part,
/// not the trailer's macros) and each struct/union with its fields.
struct HeaderItems {
    constants: Vec<String>,
    types: BTreeMap<String, Vec<String>>,
}

fn parse_header(header: &str) -> HeaderItems {
    let generated = header.split("/* The C API's macros").next().unwrap();
    let mut constants = Vec::new();
    let mut types = BTreeMap::new();
    let mut current: Option<(String, Vec<String>)> = None;
    for line in generated.lines() {
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("#define ") {
            let mut parts = rest.split_whitespace();
            let name = parts.next().unwrap();
            if parts.next().is_some() && name != "SOCKSHIM_H" {
                constants.push(name.to_string());
            }
        } else if let Some(rest) = t
            .strip_prefix("typedef struct ")
            .or_else(|| t.strip_prefix("typedef union "))
        {
            let name = rest.trim_end_matches('{').trim().rsplit(' ').next().unwrap();
            current = Some((name.to_string(), Vec::new()));
        } else if t.starts_with('}') {
            if let Some((name, fields)) = current.take() {
                types.insert(name, fields);
            }
        } else if let Some((_, fields)) = current.as_mut() {
            if let Some(decl) = t.strip_suffix(';') {
                let last = decl.split_whitespace().last().unwrap();
                let name = last.split('[').next().unwrap().trim_start_matches('*');
                fields.push(name.to_string());
            }
        } else if let Some(rest) = t.strip_prefix("typedef ") {
            // A scalar typedef such as `typedef uint32_t socklen_t;`.
            if let Some(name) = rest.strip_suffix(';').and_then(|r| r.split_whitespace().last()) {
                types.entry(name.to_string()).or_default();
            }
        }
    }
    HeaderItems { constants, types }
}

fn check_probe_lists_everything(root: &Path, items: &HeaderItems) {
    let probe = fs::read_to_string(root.join("probe/layout.c")).unwrap();
    let mut missing = Vec::new();
    for (ty, fields) in &items.types {
        if !probe.contains(&format!("STRUCT({ty})")) && !probe.contains(&format!("TYPE({ty}, ")) {
            missing.push(format!("type {ty}"));
        }
        for f in fields {
            let listed = probe.contains(&format!("FIELD({ty}, {f})"))
                || probe
                    .lines()
                    .any(|l| l.contains(&format!("FIELD2({ty}, ")) && l.contains(&format!(", {f}, ")));
            if !listed {
                missing.push(format!("field {ty}.{f}"));
            }
        }
    }
    if !missing.is_empty() {
        panic!("probe/layout.c does not check these exported items against glibc: {missing:?}");
    }
}

fn run_probe(root: &Path, out: &Path) -> String {
    let exe = out.join("layout_probe");
    let compiler = cc::Build::new().get_compiler();
    let status = compiler
        .to_command()
        .arg("-std=gnu11")
        .arg("-I")
        .arg(out)
        .arg(root.join("probe/layout.c"))
        .arg("-o")
        .arg(&exe)
        .status()
        .expect("cannot run the C compiler for probe/layout.c");
    assert!(
        status.success(),
        "probe/layout.c does not compile against the system headers: the header exports a constant glibc lacks. \
         cbindgen exports every `pub const` of the crate, so make internal constants `pub(crate)`."
    );
    let output = Command::new(&exe).output().expect("cannot run the layout probe");
    assert!(output.status.success(), "the layout probe failed");
    String::from_utf8(output.stdout).unwrap()
}

fn find_c_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            find_c_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "c") {
            out.push(path);
        }
    }
}

fn write_if_changed(path: &Path, content: &str) {
    if fs::read_to_string(path).ok().as_deref() != Some(content) {
        fs::write(path, content).unwrap();
    }
}
