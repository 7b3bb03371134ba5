//! Embeds the default theme (`themes/default/`) into the binary: generates a table of
//! `(path, include_bytes!)` so `kanava build` needs nothing but a `content/` folder.

use std::path::{Path, PathBuf};

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let theme = root.join("themes/default");
    println!("cargo:rerun-if-changed=themes/default");
    let mut files = Vec::new();
    collect(&theme, &theme, &mut files);
    files.sort();
    let mut out = String::from(
        "/// Files of the default theme: (path inside the theme, contents).\npub static FILES: &[(&str, &[u8])] = &[\n",
    );
    for (rel, abs) in &files {
        println!("cargo:rerun-if-changed={}", abs.display());
        out.push_str(&format!(
            "    ({rel:?}, include_bytes!({:?})),\n",
            abs.display().to_string()
        ));
    }
    out.push_str("];\n");
    let dest =
        PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo")).join("default_theme.rs");
    std::fs::write(dest, out).expect("OUT_DIR is writable");
    source_hash(&root);
}

/// `KANAVA_SOURCE_HASH`: a hash of the program's sources and locked dependencies, which
/// stamps `kanava build`'s document cache (`model::cache::PROGRAM`), so that a cache is
/// read only by the build of kanava that wrote it.
fn source_hash(root: &Path) {
    use std::hash::{Hash, Hasher};
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=Cargo.lock");
    let mut files = Vec::new();
    collect(&root.join("src"), &root.join("src"), &mut files);
    files.sort();
    files.push(("Cargo.lock".to_owned(), root.join("Cargo.lock")));
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for (rel, abs) in &files {
        rel.hash(&mut h);
        std::fs::read(abs).unwrap_or_default().hash(&mut h);
    }
    println!("cargo:rustc-env=KANAVA_SOURCE_HASH={:016x}", h.finish());
}

fn collect(base: &Path, dir: &Path, files: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        if path.is_dir() {
            println!("cargo:rerun-if-changed={}", path.display());
            collect(base, &path, files);
        } else if let Ok(rel) = path.strip_prefix(base) {
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            files.push((rel, path));
        }
    }
}
